/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running a function on an lcore at a safe point (synq_worker_call(), synq_worker.h):
 * how a thread that is not an lcore (DPDK's telemetry thread, a reload) reads or
 * changes what only an lcore may touch, without a lock on the lcore's path. Each
 * lcore has one request slot; a caller posts {fn, arg}, the lcore runs it between two
 * passes of its loop (synq_worker_serve(): one relaxed load a pass when nothing is
 * posted) and marks it done. A caller that waited long enough withdraws its request
 * with a compare-and-swap the lcore's own take competes with: either the lcore took
 * it (the caller then waits for DONE, the function being short) or it never will, so
 * the caller's arguments (a buffer on its stack) are never written after it returned.
 *
 * The callers take turns under the runtime's call_lock, held from
 * synq_runtime_calls_begin() to _end(); synq_runtime_free() takes it before freeing
 * the lcores, so no caller ever posts to an lcore that is gone.
 */

#include <errno.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "synq_worker.h"

/* How long a waiting caller sleeps between two looks at the slot. */
#define CALL_NAP_NS 20000

void
synq_worker_serve_call(struct synq_worker *w)
{
	unsigned int posted = SYNQ_CALL_POSTED;

	/* the caller may be withdrawing it this instant: whoever swaps first has it */
	if (!atomic_compare_exchange_strong_explicit(&w->call.state, &posted, SYNQ_CALL_RUNNING,
		    memory_order_acquire, memory_order_relaxed))
		return;
	w->call.fn(w, w->call.arg);
	atomic_store_explicit(&w->call.state, SYNQ_CALL_DONE, memory_order_release);
}

int
synq_runtime_calls_begin(struct synq_runtime *rt)
{
	pthread_mutex_lock(&rt->call_lock);
	if (rt->call_open && !synq_runtime_stopping())
		return 0;
	pthread_mutex_unlock(&rt->call_lock);
	return -ESHUTDOWN;
}

void
synq_runtime_calls_end(struct synq_runtime *rt)
{
	pthread_mutex_unlock(&rt->call_lock);
}

/* Whether the caller should give up on a request posted at @p t0, @p timeout_ms ago. */
static bool
call_late(const struct timespec *t0, unsigned int timeout_ms)
{
	struct timespec now;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
	return ms >= (int64_t)timeout_ms || synq_runtime_stopping();
}

int
synq_worker_call(struct synq_runtime *rt, unsigned int lcore_id, synq_worker_call_fn fn, void *arg,
	unsigned int timeout_ms)
{
	const struct timespec nap = {.tv_nsec = CALL_NAP_NS};
	struct synq_worker *w = lcore_id < RTE_MAX_LCORE ? rt->lcore[lcore_id] : NULL;
	unsigned int posted = SYNQ_CALL_POSTED;
	struct timespec t0;

	if (w == NULL)
		return -ENOENT;
	if (synq_runtime_stopping())
		return -ESHUTDOWN;
	/* the lcore itself, between its passes (its control duties): nothing to wait for */
	if (rte_lcore_id() == lcore_id) {
		fn(w, arg);
		return 0;
	}
	/* one caller at a time (call_lock): the slot is IDLE here */
	w->call.fn = fn;
	w->call.arg = arg;
	atomic_store_explicit(&w->call.state, SYNQ_CALL_POSTED, memory_order_release);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load_explicit(&w->call.state, memory_order_acquire) != SYNQ_CALL_DONE) {
		if (call_late(&t0, timeout_ms) &&
			atomic_compare_exchange_strong_explicit(&w->call.state, &posted,
				SYNQ_CALL_IDLE, memory_order_relaxed, memory_order_relaxed))
			return -ETIMEDOUT; /* withdrawn: the lcore will not take it */
		posted = SYNQ_CALL_POSTED;
		nanosleep(&nap, NULL);
	}
	atomic_store_explicit(&w->call.state, SYNQ_CALL_IDLE, memory_order_relaxed);
	return 0;
}
