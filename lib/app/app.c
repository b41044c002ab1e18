/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The application interface (synq_app.h): accept, events, commands. Every command
 * is one 16-byte message on the owning worker's command ring; when that ring is full
 * the message waits in the lcore's outbox, and from then on every command goes
 * through the outbox until it has drained, so that a connection's commands are
 * never reordered.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "synq_app.h"

int
synq_app_init(struct synq_app_lcore *a, unsigned int lcore_id, struct synq_listeners *ls,
	struct rte_ring *events, struct rte_ring *const *cmd_rings, struct rte_mempool *pool,
	struct synq_counters *ctr)
{
	memset(a, 0, sizeof(*a));
	a->lcore_id = lcore_id;
	a->ls = ls;
	a->events = events;
	a->cmd_rings = cmd_rings;
	a->pool = pool;
	a->ctr = ctr;
	a->outbox = rte_zmalloc("synq_outbox", SYNQ_APP_OUTBOX * sizeof(*a->outbox), 0);
	a->blocked_cap = ls->nb_conns;
	a->blocked = rte_zmalloc("synq_blocked", (size_t)a->blocked_cap * sizeof(uint32_t), 0);
	if (a->outbox == NULL || a->blocked == NULL) {
		synq_app_free(a);
		return -ENOMEM;
	}
	return 0;
}

void
synq_app_free(struct synq_app_lcore *a)
{
	rte_free(a->outbox);
	rte_free(a->blocked);
	for (unsigned int l = 0; l < SYNQ_MAX_LISTENERS; l++)
		for (unsigned int k = 0; k < 3; k++)
			free(a->http_resp[l][k]);
	memset(a, 0, sizeof(*a));
}

/* Send what waited, in order, until a ring is full again. */
static void
outbox_flush(struct synq_app_lcore *a)
{
	while (a->out_len != 0) {
		struct synq_conn_msg *msg = &a->outbox[a->out_head];
		struct synq_conn *c = synq_conn_at(a->ls, msg->conn);

		if (rte_ring_enqueue_elem(a->cmd_rings[c->worker], msg, sizeof(*msg)) != 0)
			return;
		a->out_head = (a->out_head + 1) % SYNQ_APP_OUTBOX;
		a->out_len--;
	}
}

static int
command(struct synq_app_lcore *a, struct synq_conn *c, uint16_t kind, struct rte_mbuf *m)
{
	struct synq_conn_msg msg = {
		.conn = synq_conn_index(a->ls, c),
		.kind = kind,
		.arg = (uint16_t)a->lcore_id,
		.m = m,
	};

	outbox_flush(a);
	if (a->out_len == 0 &&
		rte_ring_enqueue_elem(a->cmd_rings[c->worker], &msg, sizeof(msg)) == 0)
		return 0;
	if (a->out_len == SYNQ_APP_OUTBOX)
		return -ENOBUFS;
	synq_counter_inc(a->ctr, SYNQ_CTR_APP_CMD_RING_FULL);
	a->outbox[(a->out_head + a->out_len) % SYNQ_APP_OUTBOX] = msg;
	a->out_len++;
	return 0;
}

uint16_t
synq_app_accept(struct synq_app_lcore *a, struct synq_listener *l, struct synq_conn **c, uint16_t n)
{
	uint16_t got;

	/* room for every attach first: an accepted connection must reach its worker */
	n = (uint16_t)RTE_MIN((uint32_t)n, SYNQ_APP_OUTBOX - a->out_len);
	got = synq_accept_burst(l, c, n);
	for (uint16_t i = 0; i < got; i++)
		command(a, c[i], SYNQ_CMD_ATTACH, NULL);
	synq_counter_add(a->ctr, SYNQ_CTR_APP_ACCEPTED, got);
	return got;
}

uint16_t
synq_conn_recv_burst(struct synq_app_lcore *a, struct synq_event *ev, uint16_t n)
{
	struct synq_conn_msg msg[64];
	unsigned int got;

	outbox_flush(a);
	got = rte_ring_dequeue_burst_elem(a->events, msg, sizeof(msg[0]),
		RTE_MIN((unsigned int)n, RTE_DIM(msg)), NULL);
	for (unsigned int i = 0; i < got; i++) {
		static const enum synq_counter ctr_of[] = {
			[SYNQ_EV_DATA] = SYNQ_CTR_APP_EV_DATA,
			[SYNQ_EV_PEER_CLOSED] = SYNQ_CTR_APP_EV_PEER_CLOSED,
			[SYNQ_EV_RESET] = SYNQ_CTR_APP_EV_RESET,
			[SYNQ_EV_CLOSED] = SYNQ_CTR_APP_EV_CLOSED,
		};

		ev[i].conn = synq_conn_at(a->ls, msg[i].conn);
		ev[i].kind = msg[i].kind;
		ev[i].m = msg[i].m;
		if (msg[i].kind < RTE_DIM(ctr_of))
			synq_counter_inc(a->ctr, ctr_of[msg[i].kind]);
	}
	return (uint16_t)got;
}

int
synq_conn_send(struct synq_app_lcore *a, struct synq_conn *c, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint32_t cap = a->ls->l[c->listener].tcp.snd_buf;
	uint32_t pending = atomic_load_explicit(&c->snd_pending, memory_order_relaxed);
	int rc;

	/* the worker only lowers it: a stale read errs on the safe side */
	if (pending + len > cap) {
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_SEND_BLOCKED);
		return -EAGAIN;
	}
	atomic_fetch_add_explicit(&c->snd_pending, len, memory_order_relaxed);
	rc = command(a, c, SYNQ_CMD_SEND, m);
	if (rc != 0)
		atomic_fetch_sub_explicit(&c->snd_pending, len, memory_order_relaxed);
	return rc;
}

int
synq_conn_send_copy(struct synq_app_lcore *a, struct synq_conn *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	struct rte_mbuf *head = NULL, *tail = NULL;
	int rc;

	while (len != 0) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(a->pool);
		uint16_t n;

		if (m == NULL) {
			rte_pktmbuf_free(head);
			return -ENOMEM;
		}
		n = (uint16_t)RTE_MIN(len, (size_t)rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_append(m, n), p, n);
		p += n;
		len -= n;
		if (head == NULL) {
			head = tail = m;
		} else {
			tail->next = m;
			tail = m;
			head->nb_segs++;
			head->pkt_len += n;
		}
	}
	if (head == NULL)
		return 0;
	rc = synq_conn_send(a, c, head);
	if (rc != 0)
		rte_pktmbuf_free(head);
	return rc;
}

void
synq_conn_consumed(struct synq_app_lcore *a, struct synq_conn *c, uint32_t n)
{
	uint32_t half = a->ls->l[c->listener].tcp.rcv_buf / 2;
	uint32_t old = atomic_fetch_sub_explicit(&c->rcv_unread, n, memory_order_relaxed);

	/* the window was half shut or more, and opens past half: tell the worker */
	if (old >= half && old - n < half)
		command(a, c, SYNQ_CMD_WINDOW, NULL);
}

int
synq_conn_close(struct synq_app_lcore *a, struct synq_conn *c)
{
	return command(a, c, SYNQ_CMD_CLOSE, NULL);
}

int
synq_conn_abort(struct synq_app_lcore *a, struct synq_conn *c)
{
	return command(a, c, SYNQ_CMD_ABORT, NULL);
}

void
synq_conn_release(struct synq_app_lcore *a, struct synq_conn *c)
{
	synq_conn_free(a->ls, c);
}
