/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start-up memory (synq_mem.h): EAL's heap when EAL runs, the C library's otherwise.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "synq_mem.h"

bool
synq_mem_eal(void)
{
	return rte_lcore_count() > 0;
}

void *
synq_mem_alloc(const char *name, size_t size, int socket, bool eal)
{
	void *p;

	if (eal)
		return rte_zmalloc_socket(name, size, RTE_CACHE_LINE_SIZE, socket);
	p = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE));
	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
synq_mem_free(void *p, bool eal)
{
	if (eal)
		rte_free(p);
	else
		free(p);
}

struct rte_ring *
synq_mem_ring(const char *name, unsigned int count, int socket, bool eal)
{
	ssize_t size = rte_ring_get_memsize(rte_align32pow2(count + 1));
	struct rte_ring *r;

	if (size < 0)
		return NULL;
	r = synq_mem_alloc(name, (size_t)size, socket, eal);
	if (r != NULL && rte_ring_init(r, name, count, RING_F_EXACT_SZ) != 0) {
		synq_mem_free(r, eal);
		r = NULL;
	}
	return r;
}
