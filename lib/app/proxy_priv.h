/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_APP_PROXY_PRIV_H
#define SYNQ_APP_PROXY_PRIV_H

/*
 * The proxy app's state (builtin_proxy.c: the relay; builtin_proxy_check.c: the
 * health checks; proxy_worker.c: the worker that carries each connection to a
 * backend), one struct synq_proxy per application lcore, and what these files share.
 * Private to lib/app.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "builtin_priv.h"

#define SIDE_CLI 0
#define SIDE_BACK 1
#define NONE UINT32_MAX

/* how often the connects' deadlines (and the checks') are looked at */
#define PROXY_SCAN_MS 10

/* a session's app_u64[0]: its side, its backend (the backend side) */
#define SF_BACK 0x100u
#define SF_CHECK 0x200u /* a health check's session, of no pair */
#define SF_BE_SHIFT 16

/* a pair's flags */
/* a side's shut */
#define SHUT_FIN 1
#define SHUT_ABORT 2

#define PF_USED 0x1u
#define PF_CONNECTED 0x2u  /* the current backend's CONNECTED seen */
#define PF_BLOCKED 0x4u	   /* in the blocked list */
#define PF_CONNECTING 0x8u /* in the connecting list */
#define PF_CLI_GONE 0x10u  /* the client's CLOSED seen: released with the last backend */
#define PF_OWED 0x20u	   /* in the owed list */

/*
 * The pair lists of struct synq_proxy: the pairs' indices, unordered; each pair knows its
 * place in each (proxy_pair.at), so that taking one out is a swap with the last, O(1):
 * with thousands of pairs a lcore, a flood of clients whose backends are slow would
 * otherwise walk the whole list at every connect, reset and close.
 */
#define PL_CONNECTING 0 /* pairs whose backend has not answered yet (PF_CONNECTING) */
#define PL_BLOCKED 1	/* pairs whose data waits for room (PF_BLOCKED) */
#define PL_OWED 2	/* pairs owing a side a FIN, RST or window the outbox refused (PF_OWED) */
#define PL_MAX 3

struct proxy_side {
	uint32_t s;	     /* session index; NONE before the connect, after the CLOSED */
	uint8_t fin;	     /* its peer's FIN seen */
	uint8_t shut;	     /* SHUT_FIN or SHUT_ABORT: nothing more to send on it */
	uint8_t dead;	     /* its RESET or CLOSED seen */
	uint8_t rst_after;   /* the client side: the backend reset; our RST once all is out */
	uint8_t owed;	     /* SHUT_FIN or SHUT_ABORT shut set but the outbox refused: to send */
	uint8_t win_owed;    /* bytes consumed, the window's news refused by the outbox */
	struct rte_mbuf *q;  /* bytes from the other side waiting to be sent on this one */
	struct rte_mbuf *qt; /* the last mbuf of q */
};

struct proxy_pair {
	struct proxy_side side[2];
	uint64_t start_ms; /* the accept: connect_timeout_ms counts from it */
	uint32_t flags;
	uint16_t listener;
	uint8_t be;	      /* the current backend */
	uint8_t tries;	      /* backends tried */
	uint8_t nb_back;      /* backend sessions not released yet (failed tries too) */
	uint8_t family;	      /* the client's, its addresses in its session */
	uint8_t first;	      /* the first backend tried: a failover stops before it again */
	uint64_t connect_tsc; /* the current try's connect (timer cycles): its connect time */
	/* its place in synq_proxy.list[l] while its flag of list l (PF_CONNECTING, ...) is set */
	uint32_t at[PL_MAX];
};

/*
 * Which worker lcore carries the proxy's connection to a backend (proxy_worker.c),
 * built once from the config's lcores[].rx[]: a connection's replies must reach the
 * worker that opened it, on one of its own rx queues.
 */
#define PROXY_NO_WORKER UINT16_MAX

struct proxy_workers {
	/* by lcore id: the ports (bit i: synq_config.ports[i]) it may connect from */
	uint32_t may[RTE_MAX_LCORE];
	/* by port: the worker for clients whose worker may not; PROXY_NO_WORKER: none */
	uint16_t port_worker[SYNQ_MAX_PORTS];
};

/* Fill @p pw from @p cfg (NULL: no worker anywhere), @p rss_ports as synq_app.h says. */
void proxy_workers_build(
	struct proxy_workers *pw, const struct synq_config *cfg, uint32_t rss_ports);

/*
 * The worker lcore to open a connection from port @p port (synq_config.ports) for a
 * client carried by worker @p client_worker: that one when it may, else the port's;
 * PROXY_NO_WORKER when no worker may. With @p client_worker PROXY_NO_WORKER (a health
 * check, the start check: no worker to prefer), the port's own, its rx queue 0's.
 */
unsigned int proxy_worker_of(
	const struct proxy_workers *pw, unsigned int client_worker, unsigned int port);

/* A backend's health checks, on its listener's checker lcore. */
struct proxy_check {
	uint64_t start_ms; /* the check in flight: its connect */
	uint64_t next_ms;  /* when the next check starts */
	uint32_t s;	   /* the check's session until its CLOSED, else NONE */
	uint8_t done;	   /* its result counted: it waits for its CLOSED only */
	uint8_t over;	   /* nothing left to send on it: aborted, or it never connected */
	uint8_t ok_run;	   /* successes in a row (up to rise) */
	uint8_t fail_run;  /* failures in a row (up to fall) */
};

struct synq_proxy {
	struct proxy_pair *pair; /* by the client session's pool index */
	uint32_t *list[PL_MAX];	 /* PL_*: pair indices, each pair once at most */
	uint32_t nb[PL_MAX];
	uint64_t scan_ms;
	uint32_t hash_key;
	/* per listener: round robin's current weights and next, least_conn's counts */
	int32_t rr_cur[SYNQ_MAX_LISTENERS][SYNQ_MAX_BACKENDS];
	uint32_t active[SYNQ_MAX_LISTENERS][SYNQ_MAX_BACKENDS];
	/* the listeners whose checks this lcore runs: their backends' checks */
	struct proxy_check check[SYNQ_MAX_LISTENERS][SYNQ_MAX_BACKENDS];
	struct proxy_workers workers; /* who carries a backend connection (proxy_worker.c) */
};

/* The flag that says a pair is in list PL_* @p l. */
static const uint32_t proxy_list_flag[PL_MAX] = {
	[PL_CONNECTING] = PF_CONNECTING,
	[PL_BLOCKED] = PF_BLOCKED,
	[PL_OWED] = PF_OWED,
};

/* Put pair @p idx in list @p l, once. */
static inline void
proxy_list_add(struct synq_proxy *p, unsigned int l, struct proxy_pair *pp, uint32_t idx)
{
	if (pp->flags & proxy_list_flag[l])
		return;
	pp->flags |= proxy_list_flag[l];
	pp->at[l] = p->nb[l];
	p->list[l][p->nb[l]++] = idx;
}

/*
 * Take pair @p pp out of list @p l, if it is in: the last one takes its place, which
 * it is told. O(1); a loop over the list that takes out its i-th finds the next at i.
 */
static inline void
proxy_list_del(struct synq_proxy *p, unsigned int l, struct proxy_pair *pp)
{
	uint32_t i = pp->at[l], last;

	if (!(pp->flags & proxy_list_flag[l]))
		return;
	pp->flags &= ~proxy_list_flag[l];
	last = p->list[l][--p->nb[l]];
	p->list[l][i] = last;
	p->pair[last].at[l] = i;
}

/* Whether backend @p be of listener @p li is down by its health checks. */
static inline bool
be_down(const struct synq_app_lcore *a, unsigned int li, unsigned int be)
{
	return atomic_load_explicit(&a->ls->l[li].be_state[be], memory_order_relaxed) &
	       SYNQ_BACKEND_DOWN;
}

/* This lcore's statistics of backend @p be of listener @p li. */
static inline struct synq_backend_stats *
bst(const struct synq_app_lcore *a, unsigned int li, unsigned int be)
{
	return synq_backend_stats_at(&a->ls->l[li], a->lcore_id, be);
}

/* One writer (this lcore), readers anywhere: as synq_counter_add(). */
static inline void
st_add(uint64_t *v, uint64_t n)
{
	__atomic_store_n(v, *v + n, __ATOMIC_RELAXED);
}

/*
 * Our address towards backend @p b into @p src, the port's that routes there, and the
 * worker lcore to carry the connection into @p worker, by the one rule of
 * proxy_worker.c: for client @p cs, proxy_worker_of() with its worker preferred; for
 * a check (@p cs NULL), with none preferred, the port's own (its rx queue 0's).
 * Without routes (an embedding without them), the address @p cs connected to on its
 * worker, or for a check the address listener @p l listens on, on the first worker
 * with a command ring. 0, or -ENETUNREACH: no route, or no worker may connect from
 * the port (synq_app_proxy_check() refuses that config at start).
 */
int builtin_proxy_source_of(const struct synq_app_lcore *a, const struct synq_config_backend *b,
	const struct synq_session *cs, const struct synq_listener *l, uint8_t *src,
	unsigned int *worker);

/* A health check's event (a session with SF_CHECK): its result, then its release. */
void builtin_proxy_check_event(struct synq_app_lcore *a, const struct synq_app_event *ev);

/* The checks of the listeners whose checker this lcore is (or becomes): timeouts, starts. */
void builtin_proxy_checks_poll(struct synq_app_lcore *a, uint64_t now_ms);

/*
 * The first backend for a new client @p cs of listener @p li, among those up (by the
 * listener's balance); NONE when every backend is down.
 */
unsigned int builtin_proxy_pick(
	struct synq_app_lcore *a, unsigned int li, const struct synq_session *cs);

/* The next backend after @p be of listener @p li that is up; NONE when none is. */
unsigned int builtin_proxy_next_up(
	const struct synq_app_lcore *a, unsigned int li, unsigned int be);

#endif /* SYNQ_APP_PROXY_PRIV_H */
