/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A guard page for bounds tests (synq_guard.h).
 */

#include <sys/mman.h>
#include <unistd.h>

#include "synq_guard.h"

int
synq_guard_map(struct synq_guard *g)
{
	long ps = sysconf(_SC_PAGESIZE);
	void *m;

	if (ps <= 0)
		return -1;
	g->page_size = (size_t)ps;
	m = mmap(NULL, 2 * g->page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (m == MAP_FAILED)
		return -1;
	if (mprotect((uint8_t *)m + g->page_size, g->page_size, PROT_NONE) != 0) {
		munmap(m, 2 * g->page_size);
		return -1;
	}
	g->page = m;
	return 0;
}

void
synq_guard_unmap(struct synq_guard *g)
{
	munmap(g->page, 2 * g->page_size);
	g->page = NULL;
}
