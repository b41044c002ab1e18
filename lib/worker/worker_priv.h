/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_WORKER_PRIV_H
#define SYNQ_WORKER_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "synq_worker.h"

/* reorder.c: test.reorder_permille, a stage in front of the input */

/*
 * Of the @p n frames at @p pkts from the worker's rx queue @p rxq_idx (room for n + 1):
 * put a frame held before from this queue after the first, or perhaps hold one back.
 * Returns how many frames @p pkts holds now.
 */
uint16_t worker_reorder(struct synq_reorder_stage *r, struct synq_counters *ctr,
	const struct synq_iface *ifc, uint8_t rxq_idx, struct rte_mbuf **pkts, uint16_t n,
	uint64_t tsc);

/* The held frame, once it has waited long enough alone (its rx queue in @p rxq_idx). */
struct rte_mbuf *worker_reorder_due(struct synq_reorder_stage *r, uint64_t tsc, uint8_t *rxq_idx);

/* worker.c: the resolver's tx callback (synq_net_tx_t): @p arg is the worker */
void worker_resolver_tx(void *arg, uint16_t port, struct rte_mbuf **pkts, uint16_t n);

/* reload.c (issue 15) */

/* The main lcore's control duty: a reload or a rotation asked, done. */
void worker_reload_control(struct synq_runtime *rt);

/* A worker lcore, once a pass: take the cookie secret of a new generation. */
void worker_secret_take(struct synq_worker *w);

/* Whether a new secret generation waits for worker @p w: one relaxed load. */
static inline bool
worker_secret_due(const struct synq_worker *w)
{
	return atomic_load_explicit(&w->rt->secret_gen, memory_order_relaxed) !=
	       atomic_load_explicit(&w->secret_gen, memory_order_relaxed);
}

/* Free what synq_runtime_reload_init() made. */
void worker_reload_free(struct synq_runtime *rt);

#endif /* SYNQ_WORKER_PRIV_H */
