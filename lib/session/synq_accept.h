/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_ACCEPT_H
#define SYNQ_ACCEPT_H

/**
 * @file
 * A listener's accept queue: where a worker puts the session of a connection whose
 * handshake completed, and where application lcores take it from. One lock-free
 * rte_ring, many producers (workers), many consumers (application lcores). The queue
 * semantics of docs/configuration.md (`queue_model`) are decided here, so that the
 * handshake and the tests share one definition.
 */

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ring.h>

#include "synq_config.h"
#include "synq_session.h"

/** One listener's accept queue. */
struct synq_accept_queue {
	/* read-only after synq_accept_queue_init() */
	struct rte_ring *ring;	/* workers: enqueue, application lcores: dequeue */
	uint32_t backlog;	/* send_q */
	enum synq_queue_model model;
	/*
	 * bsd queue model only: half-open and established of all workers; workers add
	 * on a SYN and take away on expiry or RST, applications on accept. Shared by
	 * design: the model has one queue.
	 */
	atomic_uint bsd_len __rte_cache_aligned;
};

/**
 * Make @p q for @p backlog connections under @p model: a ring of backlog + 1 slots,
 * on @p socket (EAL memory when @p eal, else plain). Control plane.
 *
 * @return 0 or -ENOMEM.
 */
int synq_accept_queue_init(struct synq_accept_queue *q, const char *name, uint32_t backlog,
	enum synq_queue_model model, int socket, bool eal);

/** Free what synq_accept_queue_init() made; sessions still queued stay the pool's. */
void synq_accept_queue_fini(struct synq_accept_queue *q, bool eal);

/**
 * Is the queue full of completed connections, as its model counts? linux: the
 * kernel's sk_acceptq_is_full() test, len > backlog; bsd: the connections waiting to
 * be accepted reach backlog (FreeBSD's so_qlen test). A bsd queue full of half-open
 * entries is not full here: synq_accept_bsd_take() fails, and the SYN path answers
 * with cookies, as FreeBSD's syncache does. Any lcore.
 */
static inline bool
synq_accept_full(struct synq_accept_queue *q)
{
	if (q->model == SYNQ_QUEUE_BSD)
		return rte_ring_count(q->ring) >= q->backlog;
	return rte_ring_count(q->ring) > q->backlog;
}

/** ss -lnt's Recv-Q: sessions waiting to be accepted. Any thread. */
static inline uint32_t
synq_accept_recv_q(const struct synq_accept_queue *q)
{
	return rte_ring_count(q->ring);
}

/**
 * bsd: take one place in the single queue, if there is one. Any lcore. A queue full of
 * half-open entries is the common case under a spoofed flood: it is seen by a load,
 * which leaves the line shared between the workers, before any read-modify-write that
 * would take it exclusive on every flood SYN of every worker (docs/scaling.md). A stale
 * "full" sends one more cookie, as a lost race already did.
 */
static inline bool
synq_accept_bsd_take(struct synq_accept_queue *q)
{
	if (atomic_load_explicit(&q->bsd_len, memory_order_relaxed) >= q->backlog)
		return false;
	if (atomic_fetch_add_explicit(&q->bsd_len, 1, memory_order_relaxed) < q->backlog)
		return true;
	atomic_fetch_sub_explicit(&q->bsd_len, 1, memory_order_relaxed);
	return false;
}

/**
 * bsd: count a connection from a cookie in the single queue, even past backlog: the
 * caller checked synq_accept_full() (the completed ones bound it), and its place goes
 * when the connection is accepted. Any lcore.
 */
static inline void
synq_accept_bsd_add(struct synq_accept_queue *q)
{
	if (q->model == SYNQ_QUEUE_BSD)
		atomic_fetch_add_explicit(&q->bsd_len, 1, memory_order_relaxed);
}

/**
 * bsd: give back a place taken by synq_accept_bsd_take() or synq_accept_bsd_add();
 * linux: nothing. Any lcore.
 */
static inline void
synq_accept_bsd_give(struct synq_accept_queue *q)
{
	if (q->model == SYNQ_QUEUE_BSD)
		atomic_fetch_sub_explicit(&q->bsd_len, 1, memory_order_relaxed);
}

/** bsd: the single queue's length now (stats). Any thread. */
static inline uint32_t
synq_accept_bsd_len(const struct synq_accept_queue *q)
{
	return atomic_load_explicit(&((struct synq_accept_queue *)(uintptr_t)q)->bsd_len,
		memory_order_relaxed);
}

/**
 * Publish @p s on the queue. Workers; lock-free.
 *
 * @return 0, or -ENOBUFS when the ring is full (another worker filled it since the
 *   caller's synq_accept_full()).
 */
static inline int
synq_accept_enqueue(struct synq_accept_queue *q, struct synq_session *s)
{
	/* the ring is multi-producer (synq_mem_ring()): no dispatch on its sync type */
	return rte_ring_mp_enqueue(q->ring, s) == 0 ? 0 : -ENOBUFS;
}

/**
 * Take up to @p n sessions. Application lcores; lock-free, any number at once.
 *
 * @return how many were taken.
 */
uint16_t synq_accept_burst(struct synq_accept_queue *q, struct synq_session **s, uint16_t n);

#endif /* SYNQ_ACCEPT_H */
