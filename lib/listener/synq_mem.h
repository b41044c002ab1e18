/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_MEM_H
#define SYNQ_MEM_H

/**
 * @file
 * Zeroed, cache-aligned memory for the tables and pools, from EAL on a NUMA socket
 * when EAL runs, else from the C library: the unit tests and the fuzzer run without
 * EAL. Control plane only.
 */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

/**
 * Whether EAL's heap is there: rte_lcore_count() is 0 until rte_eal_init() has run.
 * With EAL up a failed allocation is a real ENOMEM, reported as such rather than
 * hidden behind off-node, non-hugepage memory.
 */
static inline bool
synq_mem_eal(void)
{
	return rte_lcore_count() > 0;
}

/** @p size zeroed bytes (the pages faulted in now, not on the packet path). */
static inline void *
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

/** Free what synq_mem_alloc() gave with the same @p eal. */
static inline void
synq_mem_free(void *p, bool eal)
{
	if (eal)
		rte_free(p);
	else
		free(p);
}

#endif /* SYNQ_MEM_H */
