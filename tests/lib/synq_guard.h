/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TEST_GUARD_H
#define SYNQ_TEST_GUARD_H

/*
 * A page followed by a PROT_NONE page: bytes copied to its very end make any read
 * past them fault, so that a parser's bounds are tested without a sanitizer.
 */

#include <stddef.h>
#include <stdint.h>

struct synq_guard {
	uint8_t *page;	/* page_size bytes, then the page that faults */
	size_t page_size;
};

/* Map @p g; 0, or -1 when the system refuses. */
int synq_guard_map(struct synq_guard *g);

/* Unmap @p g. */
void synq_guard_unmap(struct synq_guard *g);

/* Where @p len bytes (at most a page) end exactly at the faulting page. */
static inline uint8_t *
synq_guard_tail(const struct synq_guard *g, size_t len)
{
	return g->page + g->page_size - len;
}

#endif /* SYNQ_TEST_GUARD_H */
