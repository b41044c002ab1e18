/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_WORKER_PRIV_H
#define SYNQ_WORKER_PRIV_H

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

#endif /* SYNQ_WORKER_PRIV_H */
