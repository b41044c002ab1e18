/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The proxy app's health checks (issue 13), for listeners with "health_check":
 * HAProxy's check/inter/rise/fall in tcp mode. The first app lcore that polls the listener takes
 * its checks (an atomic claim, once) and opens a TCP connection (synq_app_connect()) to each
 * backend every interval_ms, one in flight per backend at most (timeout_ms < interval_ms, and the
 * next waits for the last one's CLOSED), carried by the worker of the backend's port's
 * rx queue 0: the rule of every connection to a backend (proxy_worker.c), with no
 * client's worker to prefer. CONNECTED is a success, and the connection is
 * aborted at once: a RST after the handshake, as HAProxy does (its check closes with
 * SO_LINGER 0 when data may be pending, "otherwise we end up with many TIME_WAITs and
 * eat all the source port range"): a FIN would put each check's 4-tuple in TIME-WAIT
 * on our side, a local port held 2 MSL per check. REFUSED, TIMEDOUT, CONNECT_FAILED for
 * the path (no route, the next hop FAILED: ARP or ND unanswered), or no CONNECTED
 * within timeout_ms (then aborted), is a failure. A backend starts up (HAProxy's
 * default), goes down after fall failures in a row, up after rise
 * successes in a row; each change is logged once and counted. Its state is one atomic
 * word per backend in the listener (synq_listener.be_state), written by the checker
 * alone, read by every app lcore's pick() with no lock. A check that synq could not
 * open (no session, outbox full, no route or worker), or whose CONNECT_FAILED says
 * synq's own shortage (synq_connect_reason_local(): no local port, flow table full, a
 * bad source address), is counted (SynqProxyCheckErrors) and counts against no
 * backend: a flood that empties the session pool, or clients that hold every local
 * port towards a backend, must not take every backend down. A check is a connection
 * of the listener's: it takes a session and a flow slot, at most one per backend at a
 * time, the slot one of those synq_listener_flows() adds to the listener's share for
 * the checks.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include <rte_log.h>

#include "proxy_priv.h"

/* "198.18.0.2:8080" or "[2001:db8::2]:8080" into @p buf, for the log. */
static void
backend_name(const struct synq_config_backend *b, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(b->family == 4 ? AF_INET : AF_INET6, b->addr, addr, sizeof(addr));
	snprintf(buf, len, b->family == 4 ? "%s:%u" : "[%s]:%u", addr, b->port);
}

/*
 * The result of backend @p be's check in flight (listener @p li), once: @p ok or not,
 * @p why for the log. fall failures in a row take it down, rise successes bring it up.
 */
static void
check_result(struct synq_app_lcore *a, unsigned int li, unsigned int be, bool ok, const char *why)
{
	const struct synq_config_proxy *px = &a->ls->l[li].conf->proxy;
	struct proxy_check *c = &a->proxy->check[li][be];
	_Atomic uint32_t *state = &a->ls->l[li].be_state[be];
	bool down = atomic_load_explicit(state, memory_order_relaxed) & SYNQ_BACKEND_DOWN;
	char name[INET6_ADDRSTRLEN + 16];

	if (c->done)
		return;
	c->done = 1;
	if (ok) {
		st_add(&bst(a, li, be)->checks_ok, 1);
		c->fail_run = 0;
		if (c->ok_run < px->check_rise)
			c->ok_run++;
		if (!down || c->ok_run < px->check_rise)
			return;
		atomic_store_explicit(state, 0, memory_order_relaxed);
		synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_BACKENDS_UP);
		backend_name(&px->backends[be], name, sizeof(name));
		RTE_LOG(NOTICE, USER1,
			"proxy: backend %s of listeners[%u] (port %u) is up: %u checks "
			"connected in a row\n",
			name, li, a->ls->l[li].conf->port, px->check_rise);
		return;
	}
	st_add(&bst(a, li, be)->checks_failed, 1);
	synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CHECKS_FAILED);
	c->ok_run = 0;
	if (c->fail_run < px->check_fall)
		c->fail_run++;
	if (down || c->fail_run < px->check_fall)
		return;
	atomic_store_explicit(state, SYNQ_BACKEND_DOWN, memory_order_relaxed);
	synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_BACKENDS_DOWN);
	backend_name(&px->backends[be], name, sizeof(name));
	RTE_LOG(WARNING, USER1,
		"proxy: backend %s of listeners[%u] (port %u) is down: %u checks failed in a "
		"row, the last %s\n",
		name, li, a->ls->l[li].conf->port, px->check_fall, why);
}

void
builtin_proxy_check_event(struct synq_app_lcore *a, const struct synq_app_event *ev)
{
	struct synq_session *s = ev->s;
	unsigned int li = s->listener;
	unsigned int be = (unsigned int)(s->app_u64[0] >> SF_BE_SHIFT);
	struct proxy_check *c = &a->proxy->check[li][be];

	switch (ev->kind) {
	case SYNQ_EV_CONNECTED:
		check_result(a, li, be, true, NULL);
		/* a RST now, as HAProxy: no TIME-WAIT on our side for each check; an outbox
		 * full refuses it, and checks_run() tries again */
		c->over = synq_app_abort(a, s) != -ENOBUFS;
		break;
	case SYNQ_EV_REFUSED:
		c->over = 1;
		check_result(a, li, be, false, "refused (RST to the SYN)");
		break;
	case SYNQ_EV_TIMEDOUT:
		c->over = 1;
		check_result(a, li, be, false, "unanswered (SYN retries spent)");
		break;
	case SYNQ_EV_CONNECT_FAILED:
		c->over = 1;
		if (synq_connect_reason_local(ev->reason)) {
			/* synq's shortage (no local port, flow table full): no result; the
			 * next check at the next interval */
			c->done = 1;
			synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CHECK_ERRORS);
			break;
		}
		check_result(a, li, be, false,
			ev->reason == SYNQ_CONNECT_UNREACHABLE
				? "unreachable (the next hop did not answer ARP or ND)"
				: "unreachable (no route)");
		break;
	case SYNQ_EV_DATA:
		synq_app_consumed(a, s, rte_pktmbuf_pkt_len(ev->m));
		rte_pktmbuf_free(ev->m);
		break;
	case SYNQ_EV_CLOSED:
		check_result(a, li, be, false, "closed before it connected");
		synq_app_release(a, s);
		c->s = NONE;
		break;
	default:
		break;
	}
}

/* Listener @p li's checks: the ones past their timeout fail, the ones due start. */
static void
checks_run(struct synq_app_lcore *a, unsigned int li, uint64_t now_ms)
{
	struct synq_listener *l = &a->ls->l[li];
	const struct synq_config_proxy *px = &l->conf->proxy;

	for (unsigned int be = 0; be < px->nb_backends; be++) {
		const struct synq_config_backend *b = &px->backends[be];
		struct proxy_check *c = &a->proxy->check[li][be];
		struct synq_session *cs;
		unsigned int w;
		uint8_t src[16];

		if (c->s != NONE) {
			if (!c->done && now_ms - c->start_ms >= px->check_timeout_ms)
				check_result(a, li, be, false, "timed out (timeout_ms)");
			/*
			 * Its result known, its abort until one is taken: an abort the full
			 * outbox refused would leave a CONNECTED check open to the idle
			 * timeout (never, at 0), this backend's checks stopped with it
			 */
			if (c->done && !c->over)
				c->over =
					synq_app_abort(a, synq_session_at(a->ss, c->s)) != -ENOBUFS;
			/* one in flight at most: the next waits for this one's CLOSED */
			continue;
		}
		if (now_ms < c->next_ms)
			continue;
		c->next_ms = now_ms + px->check_interval_ms;
		/* the worker: the backend's port's own, as any connection to it (proxy_worker.c) */
		if (builtin_proxy_source_of(a, b, NULL, l, src, &w) != 0 ||
			synq_app_connect(a, w, l, b->family, b->addr, rte_cpu_to_be_16(b->port),
				src, &cs) != 0) {
			/* synq's own shortage, not the backend's: no result */
			synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CHECK_ERRORS);
			continue;
		}
		cs->app_u64[0] = SF_CHECK | (uint64_t)be << SF_BE_SHIFT;
		cs->app_u64[1] = 0;
		c->s = synq_session_index(a->ss, cs);
		c->start_ms = now_ms;
		c->done = 0;
		c->over = 0;
		synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CHECKS);
	}
}

void
builtin_proxy_checks_poll(struct synq_app_lcore *a, uint64_t now_ms)
{
	uint32_t me = a->lcore_id + 1;

	for (unsigned int li = 0; li < synq_listeners_nb(a->ls); li++) {
		struct synq_listener *l = &a->ls->l[li];
		uint32_t none = 0;

		if (l->app != SYNQ_APP_PROXY || !l->conf->proxy.health_check)
			continue;
		/* the first app lcore here takes them, for good */
		if (atomic_load_explicit(&l->checker, memory_order_relaxed) != me &&
			!atomic_compare_exchange_strong(&l->checker, &none, me))
			continue;
		checks_run(a, li, now_ms);
	}
}
