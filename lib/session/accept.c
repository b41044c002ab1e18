/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Accept queues (synq_accept.h): the control-plane part and the dequeue.
 */

#include <errno.h>

#include "synq_accept.h"
#include "synq_mem.h"

int
synq_accept_queue_init(struct synq_accept_queue *q, const char *name, uint32_t backlog,
	enum synq_queue_model model, int socket, bool eal)
{
	q->backlog = backlog;
	q->model = model;
	atomic_init(&q->bsd_len, 0);
	/*
	 * backlog + 1 slots, exactly: the linux model admits that many (its test is
	 * len > backlog); the bsd model stops at backlog before the ring does.
	 */
	q->ring = synq_mem_ring(name, backlog + 1, socket, eal);
	return q->ring != NULL ? 0 : -ENOMEM;
}

void
synq_accept_queue_fini(struct synq_accept_queue *q, bool eal)
{
	synq_mem_free(q->ring, eal);
	q->ring = NULL;
}

uint16_t
synq_accept_burst(struct synq_accept_queue *q, struct synq_session **s, uint16_t n)
{
	unsigned int got = rte_ring_dequeue_burst(q->ring, (void **)s, n, NULL);

	/* bsd: an accepted connection leaves the single queue */
	if (got != 0 && q->model == SYNQ_QUEUE_BSD)
		atomic_fetch_sub_explicit(&q->bsd_len, got, memory_order_relaxed);
	return (uint16_t)got;
}
