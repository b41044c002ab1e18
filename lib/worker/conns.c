/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /synq/conns[,cursor]: the connections of every worker, as ss -tni lists sockets
 * (synqctl ss -t). Telemetry's thread asks each worker for a page of records with
 * synq_worker_call(): the worker fills them between two bursts, from its own tables
 * (synq_tcp_conns_walk()), so nothing races the connections' only writer.
 *
 * DPDK 22.11's telemetry bounds the reply: 16 KB of JSON, 256 entries a dict, and
 * one level of containers, none of them an array of dicts. So a reply is one flat
 * dict, its connections the dicts "c0" .. "c<count-1>" of scalars and strings,
 * SYNQ_CONNS_PAGE of them at most (a full page of IPv6 connections measures under
 * 16 KB in tests/func/test_conns.c):
 *
 *   {"total": N, "offset": O, "next": O2 or -1, "count": K, "syn_recv": S,
 *    "syn_recv_lcores": {"<lcore>": S_lcore, ...}, "c0": {...}, ...}
 *
 * The cursor (offset, next) is opaque: the lcore id above bit 32, the position in its
 * tables below. A count of connections would have each page walk every table from
 * the start; a position lets a worker go on where the last page stopped, a bounded
 * number of slots a call (SYNQ_CONNS_SLOTS), so one reply costs a worker at most a
 * few tens of microseconds, whatever clients hold. A page may therefore hold fewer
 * than SYNQ_CONNS_PAGE connections, none even, while next is not -1.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>
#include <rte_telemetry.h>

#include "synq_worker.h"

#define RTE_LOGTYPE_SYNQ_CONNS RTE_LOGTYPE_USER2

/* What a worker is asked for, and what it gives back. */
struct conns_req {
	uint32_t pos;	  /* in: where to start; out: where to go on */
	unsigned int max; /* in: room at out */
	unsigned int got; /* out: records written */
	struct synq_tcp_conn_rec *out;
};

/* On the worker's lcore, between two passes. */
static void
conns_serve(struct synq_worker *w, void *arg)
{
	struct conns_req *q = arg;

	q->got = synq_tcp_conns_walk(w->tcp, &q->pos, SYNQ_CONNS_SLOTS, q->out, q->max);
}

/* ss's names of the states (iproute2's sstate_name) */
static const char *
state_name(uint8_t state)
{
	switch (state) {
	case SYNQ_TCP_ESTABLISHED:
		return "ESTAB";
	case SYNQ_TCP_CLOSE_WAIT:
		return "CLOSE-WAIT";
	case SYNQ_TCP_FIN_WAIT_1:
		return "FIN-WAIT-1";
	case SYNQ_TCP_FIN_WAIT_2:
		return "FIN-WAIT-2";
	case SYNQ_TCP_CLOSING:
		return "CLOSING";
	case SYNQ_TCP_LAST_ACK:
		return "LAST-ACK";
	case SYNQ_TCP_TIME_WAIT:
		return "TIME-WAIT";
	case SYNQ_TCP_SYN_SENT:
		return "SYN-SENT";
	default:
		return "CLOSED";
	}
}

/* One connection's dict, owned by the caller. */
static struct rte_tel_data *
rec_dict(const struct synq_runtime *rt, unsigned int lcore, const struct synq_tcp_conn_rec *r)
{
	struct rte_tel_data *t = rte_tel_data_alloc();
	char addr[INET6_ADDRSTRLEN];
	int af = r->family == 4 ? AF_INET : AF_INET6;

	if (t == NULL)
		return NULL;
	rte_tel_data_start_dict(t);
	rte_tel_data_add_dict_string(t, "state", state_name(r->state));
	inet_ntop(af, r->local, addr, sizeof(addr));
	rte_tel_data_add_dict_string(t, "local", addr);
	rte_tel_data_add_dict_int(t, "lport", r->lport);
	inet_ntop(af, r->remote, addr, sizeof(addr));
	rte_tel_data_add_dict_string(t, "remote", addr);
	rte_tel_data_add_dict_int(t, "rport", r->rport);
	rte_tel_data_add_dict_int(t, "lcore", (int)lcore);
	if (r->flags & SYNQ_TCP_REC_TIME_WAIT)
		return t; /* the TIME-WAIT memory keeps no more */
	rte_tel_data_add_dict_u64(t, "recv_q", r->recv_q);
	rte_tel_data_add_dict_u64(t, "send_q", r->send_q);
	if (r->flags & SYNQ_TCP_REC_RTT) {
		rte_tel_data_add_dict_u64(t, "rtt_us", r->rtt_us);
		rte_tel_data_add_dict_u64(t, "rttvar_us", r->rttvar_us);
	}
	rte_tel_data_add_dict_u64(t, "rto_ms", r->rto_ms);
	rte_tel_data_add_dict_int(t, "mss", r->mss);
	rte_tel_data_add_dict_u64(t, "cwnd", r->cwnd);
	if (r->flags & SYNQ_TCP_REC_SSTHRESH)
		rte_tel_data_add_dict_u64(t, "ssthresh", r->ssthresh);
	rte_tel_data_add_dict_u64(t, "snd_wnd", r->snd_wnd);
	rte_tel_data_add_dict_u64(t, "rcv_wnd", r->rcv_wnd);
	rte_tel_data_add_dict_int(t, "retrans", r->retrans);
	rte_tel_data_add_dict_string(t, "app",
		(r->flags & SYNQ_TCP_REC_ACTIVE) ? "connect"
		: r->listener < synq_listeners_nb(&rt->listeners)
			? synq_app_name(rt->listeners.l[r->listener].app)
			: "?");
	return t;
}

/* The cursor of the parameter: "" or digits; -EINVAL for anything else. */
static int
parse_cursor(const char *params, uint64_t *cursor)
{
	char *end;

	*cursor = 0;
	if (params == NULL || *params == '\0')
		return 0;
	if (*params < '0' || *params > '9')
		return -EINVAL;
	errno = 0;
	*cursor = strtoull(params, &end, 10);
	if (errno != 0 || *end != '\0' || (*cursor >> 32) >= RTE_MAX_LCORE ||
		(uint32_t)*cursor == SYNQ_TCP_WALK_END)
		return -EINVAL;
	return 0;
}

/* The first worker lcore at or after @p l; RTE_MAX_LCORE: none. */
static unsigned int
next_worker(const struct synq_runtime *rt, unsigned int l)
{
	while (l < RTE_MAX_LCORE && (rt->lcore[l] == NULL || rt->lcore[l]->tcp == NULL))
		l++;
	return l;
}

/* The counts: connections (and TIME-WAIT entries), half-open entries by worker. */
static void
add_totals(const struct synq_runtime *rt, struct rte_tel_data *d)
{
	struct rte_tel_data *by = rte_tel_data_alloc();
	uint64_t total = 0, syn_recv = 0;

	if (by != NULL)
		rte_tel_data_start_dict(by);
	for (unsigned int l = next_worker(rt, 0); l < RTE_MAX_LCORE; l = next_worker(rt, l + 1)) {
		struct synq_tcp_worker_info wi;
		char name[16];

		/* relaxed counts, from any thread */
		synq_tcp_worker_info(rt->lcore[l]->tcp, &wi);
		total += (uint64_t)wi.flows + wi.time_wait;
		syn_recv += wi.syn_entries;
		snprintf(name, sizeof(name), "%u", l);
		if (by != NULL)
			rte_tel_data_add_dict_u64(by, name, wi.syn_entries);
	}
	rte_tel_data_add_dict_u64(d, "total", total);
	rte_tel_data_add_dict_u64(d, "syn_recv", syn_recv);
	if (by != NULL && rte_tel_data_add_dict_container(d, "syn_recv_lcores", by, 0) != 0)
		rte_tel_data_free(by);
}

/* A page from @p cursor into @p rec; @p next set. 0, or the failed call's errno. */
static int
fill_page(struct synq_runtime *rt, uint64_t cursor, struct synq_tcp_conn_rec *rec,
	unsigned int *lcore_of, unsigned int *n, int64_t *next)
{
	unsigned int l = next_worker(rt, (unsigned int)(cursor >> 32));
	uint32_t pos = l == (cursor >> 32) ? (uint32_t)cursor : 0;

	*n = 0;
	for (unsigned int calls = 0;
		l < RTE_MAX_LCORE && *n < SYNQ_CONNS_PAGE && calls < SYNQ_CONNS_CALLS; calls++) {
		struct conns_req q = {.pos = pos, .max = SYNQ_CONNS_PAGE - *n, .out = rec + *n};
		int rc = synq_worker_call(rt, l, conns_serve, &q, SYNQ_CALL_TIMEOUT_MS);

		if (rc != 0) {
			*next = l;
			return rc;
		}
		for (unsigned int i = 0; i < q.got; i++)
			lcore_of[*n + i] = l;
		*n += q.got;
		pos = q.pos;
		if (pos == SYNQ_TCP_WALK_END) {
			l = next_worker(rt, l + 1);
			pos = 0;
		}
	}
	*next = l < RTE_MAX_LCORE ? (int64_t)((uint64_t)l << 32 | pos) : -1;
	return 0;
}

/* The records as "c0", "c1", ...: 0, or -ENOMEM. */
static int
add_conns(const struct synq_runtime *rt, struct rte_tel_data *d,
	const struct synq_tcp_conn_rec *rec, const unsigned int *lcore_of, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rte_tel_data *c = rec_dict(rt, lcore_of[i], &rec[i]);
		char name[16];

		snprintf(name, sizeof(name), "c%u", i);
		if (c == NULL)
			return -ENOMEM;
		if (rte_tel_data_add_dict_container(d, name, c, 0) != 0) {
			rte_tel_data_free(c); /* refused: still ours */
			return -ENOSPC;
		}
	}
	return 0;
}

int
synq_runtime_tel_conns(void *arg, const char *params, struct rte_tel_data *d)
{
	struct synq_runtime *rt = arg;
	struct synq_tcp_conn_rec rec[SYNQ_CONNS_PAGE];
	unsigned int lcore_of[SYNQ_CONNS_PAGE];
	uint64_t cursor;
	unsigned int n;
	int64_t next;
	int rc;

	if (parse_cursor(params, &cursor) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rc = synq_runtime_calls_begin(rt);
	if (rc != 0) {
		rte_tel_data_add_dict_string(d, "error", "synq is stopping");
		return 0;
	}
	rc = fill_page(rt, cursor, rec, lcore_of, &n, &next);
	if (rc != 0) {
		char msg[96];

		synq_runtime_calls_end(rt);
		if (rc == -ETIMEDOUT)
			snprintf(msg, sizeof(msg), "lcore %" PRId64 " did not answer within %u ms",
				next, SYNQ_CALL_TIMEOUT_MS);
		else
			snprintf(msg, sizeof(msg), "lcore %" PRId64 ": %s", next, strerror(-rc));
		RTE_LOG(WARNING, SYNQ_CONNS, "/synq/conns: %s\n", msg);
		rte_tel_data_add_dict_string(d, "error", msg);
		return 0;
	}
	/* the listeners' apps are read too: the runtime is held until the reply is made */
	add_totals(rt, d);
	rte_tel_data_add_dict_u64(d, "offset", cursor);
	/* telemetry's int is 32 bits, its u64 unsigned: -1 the one, a cursor the other */
	if (next < 0)
		rte_tel_data_add_dict_int(d, "next", -1);
	else
		rte_tel_data_add_dict_u64(d, "next", (uint64_t)next);
	rte_tel_data_add_dict_int(d, "count", (int)n);
	rc = add_conns(rt, d, rec, lcore_of, n);
	synq_runtime_calls_end(rt);
	return rc;
}
