/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_MEM_H
#define SYNQ_MEM_H

/**
 * @file
 * Memory for the tables, pools and rings made at start: zeroed and cache-aligned,
 * from EAL on a NUMA socket when EAL runs, else from the C library (the unit tests,
 * the fuzzer and the microbenchmark run without EAL). Control plane only: nothing
 * here is called at packet rate.
 */

#include <stdbool.h>
#include <stddef.h>

#include <rte_ring.h>

/**
 * Whether EAL's heap is there: rte_lcore_count() is 0 until rte_eal_init() has run.
 * With EAL up a failed allocation is a real ENOMEM, reported as such rather than
 * hidden behind off-node, non-hugepage memory.
 */
bool synq_mem_eal(void);

/**
 * @p size zeroed bytes, aligned to a cache line, from EAL on @p socket when @p eal,
 * else from the C library; the pages are faulted in now, not on the packet path.
 *
 * @return the memory, or NULL.
 */
void *synq_mem_alloc(const char *name, size_t size, int socket, bool eal);

/** Free what synq_mem_alloc() gave with the same @p eal; NULL is ignored. */
void synq_mem_free(void *p, bool eal);

/**
 * A lock-free ring (multi-producer, multi-consumer) of exactly @p count slots, in
 * memory of synq_mem_alloc(): rings that must work without EAL too (accept queues,
 * the session pool's free list). Free it with synq_mem_free().
 *
 * @return the ring, or NULL.
 */
struct rte_ring *synq_mem_ring(const char *name, unsigned int count, int socket, bool eal);

#endif /* SYNQ_MEM_H */
