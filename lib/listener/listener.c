/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Listeners (synq_listener.h): made from the config, shown in the stats.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "synq_listener.h"
#include "synq_mem.h"

/* Sessions a worker may hold between promotion and the queue, and application lcores
 * between accept and release: on top of every backlog. */
#define SESSION_POOL_SLACK 1024

int
synq_listeners_check(const struct synq_config *cfg __rte_unused, char *err __rte_unused,
	size_t errlen __rte_unused)
{
	/* issue 13's health checks, the one app feature configured ahead of its code, run */
	return 0;
}

/*
 * A listener's settings from its config, the same at start and when a reload adds it
 * (its allow prefixes among them: a listener without them would answer every source).
 */
static void
listener_settings(
	struct synq_listener *l, const struct synq_config_listener *cl, unsigned int nb_workers)
{
	l->family = cl->family;
	l->any = cl->any;
	memcpy(l->addr, cl->addr, sizeof(l->addr));
	l->port_be = rte_cpu_to_be_16(cl->port);
	l->backlog = cl->backlog;
	l->tcp = cl->tcp;
	l->app = cl->app;
	l->nb_allow = (uint8_t)cl->nb_allow;
	l->conf = cl;
	l->syn_share = (cl->tcp.max_syn_backlog + nb_workers - 1) / nb_workers;
}

void
synq_listener_ports_build(
	struct synq_listener_ports *pi, struct synq_listeners *ls, unsigned int nb)
{
	memset(pi->at, 0, sizeof(pi->at));
	memset(pi->l, 0, sizeof(pi->l));
	for (unsigned int i = 0; i < nb; i++)
		pi->l[i + 1] = &ls->l[i];
	for (unsigned int i = 0; i < nb; i++) {
		const struct synq_listener *l = &ls->l[i];
		uint8_t *at = &pi->at[l->port_be];

		if (l->family != 0 && l->family != 4)
			continue;
		*at = *at == 0 ? (uint8_t)(i + 1) : SYNQ_LISTENER_PORT_SEVERAL;
	}
	pi->nb = nb;
}

int
synq_listeners_create(struct synq_listeners *ls, const struct synq_config *cfg,
	unsigned int nb_workers, int socket, char *err, size_t errlen)
{
	memset(ls, 0, sizeof(*ls));
	if (synq_listeners_check(cfg, err, errlen) != 0)
		return -ENOTSUP;
	ls->eal_mem = synq_mem_eal();
	ls->nb_workers = RTE_MAX(nb_workers, 1u);
	ls->http_head_buffers = cfg->http_head_buffers;
	for (unsigned int i = 0; i < cfg->nb_listeners; i++) {
		const struct synq_config_listener *cl = &cfg->listeners[i];
		struct synq_listener *l = &ls->l[i];
		char name[RTE_RING_NAMESIZE];

		listener_settings(l, cl, ls->nb_workers);
		/* a row per lcore id: calloc'd pages no app lcore writes are never touched */
		if (cl->app == SYNQ_APP_PROXY) {
			l->be_stats = calloc((size_t)RTE_MAX_LCORE * cl->proxy.nb_backends,
				sizeof(*l->be_stats));
			if (l->be_stats == NULL) {
				snprintf(err, errlen,
					"config error: listeners[%u].backends: no "
					"memory for their statistics",
					i);
				synq_listeners_free(ls);
				return -ENOMEM;
			}
		}
		snprintf(name, sizeof(name), "synq_accept_%u", i);
		if (synq_accept_queue_init(&l->accept, name, cl->backlog, cl->tcp.queue_model,
			    socket, ls->eal_mem) != 0) {
			snprintf(err, errlen,
				"config error: listeners[%u].backlog: no memory for a "
				"ring of %u slots, expected a smaller backlog or more memory (-m)",
				i, cl->backlog + 1);
			synq_listeners_free(ls);
			return -ENOMEM;
		}
		ls->nb++;
	}
	return 0;
}

int
synq_listener_add(struct synq_listeners *ls, const struct synq_config_listener *cl, int socket,
	char *err, size_t errlen)
{
	unsigned int i = ls->nb;
	struct synq_listener *l;
	char name[RTE_RING_NAMESIZE];

	if (i >= RTE_DIM(ls->l)) {
		snprintf(err, errlen,
			"no free listener slot (%u, removed listeners that still "
			"drain included)",
			(unsigned int)RTE_DIM(ls->l));
		return -ENOSPC;
	}
	l = &ls->l[i];
	memset(l, 0, sizeof(*l));
	listener_settings(l, cl, ls->nb_workers);
	snprintf(name, sizeof(name), "synq_accept_%u", i);
	if (synq_accept_queue_init(
		    &l->accept, name, cl->backlog, cl->tcp.queue_model, socket, ls->eal_mem) != 0) {
		snprintf(err, errlen, "no memory for an accept ring of %u slots", cl->backlog + 1);
		return -ENOMEM;
	}
	/* its fields before its count: an lcore that sees the count sees them */
	__atomic_store_n(&ls->nb, i + 1, __ATOMIC_RELEASE);
	return (int)i;
}

uint32_t
synq_listener_backlog_max(const struct synq_listener *l)
{
	return rte_ring_get_capacity(l->accept.ring) - 1;
}

int
synq_listener_retune(
	struct synq_listener *l, const struct synq_config_listener *cl, char *err, size_t errlen)
{
	if (cl->backlog > synq_listener_backlog_max(l)) {
		snprintf(err, errlen,
			"backlog %u is more than the %u its accept ring was made "
			"for at start: a restart is needed",
			cl->backlog, synq_listener_backlog_max(l));
		return -ENOSPC;
	}
	__atomic_store_n(&l->backlog, cl->backlog, __ATOMIC_RELAXED);
	__atomic_store_n(&l->accept.backlog, cl->backlog, __ATOMIC_RELAXED);
	__atomic_store_n(&l->tcp.syncookies, cl->tcp.syncookies, __ATOMIC_RELAXED);
	__atomic_store_n(&l->tcp.abort_on_overflow, cl->tcp.abort_on_overflow, __ATOMIC_RELAXED);
	atomic_store_explicit(&l->removed, false, memory_order_relaxed);
	return 0;
}

void
synq_listeners_free(struct synq_listeners *ls)
{
	for (unsigned int i = 0; i < RTE_DIM(ls->l); i++) {
		if (i < ls->nb)
			synq_accept_queue_fini(&ls->l[i].accept, ls->eal_mem);
		free(ls->l[i].be_stats);
	}
	memset(ls, 0, sizeof(*ls));
}

uint32_t
synq_listeners_max_sessions(const struct synq_listeners *ls)
{
	uint64_t n = SESSION_POOL_SLACK;

	if (ls->nb == 0)
		return 0;
	for (unsigned int i = 0; i < ls->nb; i++)
		n += ls->l[i].backlog + 1 +
		     (uint64_t)ls->nb_workers * synq_listener_flows(&ls->l[i]);
	return (uint32_t)RTE_MIN(n, (uint64_t)UINT32_MAX);
}

/* Bucket @p b's upper bound in microseconds: a percentile is reported as it. */
static uint64_t
hist_bound_us(unsigned int b)
{
	return (uint64_t)2 << b;
}

/* The bucket bound under which @p pct percent of @p n samples in @p h fall; 0 for none. */
static uint64_t
hist_percentile(const uint64_t *h, uint64_t n, unsigned int pct)
{
	uint64_t want = (n * pct + 99) / 100, seen = 0;

	if (n == 0)
		return 0;
	for (unsigned int b = 0; b < SYNQ_CONNECT_HIST; b++) {
		seen += h[b];
		if (seen >= want)
			return hist_bound_us(b);
	}
	return hist_bound_us(SYNQ_CONNECT_HIST - 1);
}

static uint64_t
load64(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

/* Proxy listener @p l's backends, each summed over the lcores' rows. */
static json_t *
backends_json(const struct synq_listener *l)
{
	const struct synq_config_proxy *px = &l->conf->proxy;
	json_t *arr = json_array();

	for (unsigned int b = 0; b < px->nb_backends; b++) {
		const struct synq_config_backend *cb = &px->backends[b];
		struct synq_backend_stats sum;
		char addr[INET6_ADDRSTRLEN];
		json_t *o = json_object();
		uint64_t n = 0;

		memset(&sum, 0, sizeof(sum));
		for (unsigned int c = 0; c < RTE_MAX_LCORE; c++) {
			const struct synq_backend_stats *st = synq_backend_stats_at(l, c, b);

			sum.active += load64(&st->active);
			sum.connects += load64(&st->connects);
			sum.connected += load64(&st->connected);
			sum.failed += load64(&st->failed);
			sum.timeouts += load64(&st->timeouts);
			sum.bytes_to += load64(&st->bytes_to);
			sum.bytes_from += load64(&st->bytes_from);
			sum.checks_ok += load64(&st->checks_ok);
			sum.checks_failed += load64(&st->checks_failed);
			for (unsigned int h = 0; h < SYNQ_CONNECT_HIST; h++)
				sum.connect_us[h] += load64(&st->connect_us[h]);
		}
		for (unsigned int h = 0; h < SYNQ_CONNECT_HIST; h++)
			n += sum.connect_us[h];
		inet_ntop(cb->family == 4 ? AF_INET : AF_INET6, cb->addr, addr, sizeof(addr));
		json_object_set_new(o, "address", json_string(addr));
		json_object_set_new(o, "port", json_integer(cb->port));
		json_object_set_new(o, "weight", json_integer(cb->weight));
		json_object_set_new(o, "state",
			json_string(atomic_load_explicit(&l->be_state[b], memory_order_relaxed) &
						    SYNQ_BACKEND_DOWN
					    ? "down"
					    : "up"));
		json_object_set_new(o, "active", json_integer((json_int_t)sum.active));
		json_object_set_new(o, "connections", json_integer((json_int_t)sum.connects));
		json_object_set_new(o, "connected", json_integer((json_int_t)sum.connected));
		json_object_set_new(o, "connect_failed", json_integer((json_int_t)sum.failed));
		json_object_set_new(o, "connect_timeouts", json_integer((json_int_t)sum.timeouts));
		json_object_set_new(o, "bytes_to", json_integer((json_int_t)sum.bytes_to));
		json_object_set_new(o, "bytes_from", json_integer((json_int_t)sum.bytes_from));
		json_object_set_new(o, "connect_us_p50",
			json_integer((json_int_t)hist_percentile(sum.connect_us, n, 50)));
		json_object_set_new(o, "connect_us_p99",
			json_integer((json_int_t)hist_percentile(sum.connect_us, n, 99)));
		json_object_set_new(o, "checks_ok", json_integer((json_int_t)sum.checks_ok));
		json_object_set_new(
			o, "checks_failed", json_integer((json_int_t)sum.checks_failed));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *
synq_listeners_json(const struct synq_listeners *ls)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < synq_listeners_nb(ls); i++) {
		const struct synq_listener *l = &ls->l[i];
		char addr[INET6_ADDRSTRLEN] = "*";
		json_t *o = json_object();

		if (l->family != 0)
			inet_ntop(l->family == 4 ? AF_INET : AF_INET6, l->addr, addr, sizeof(addr));
		json_object_set_new(o, "address", json_string(addr));
		json_object_set_new(o, "port", json_integer(rte_be_to_cpu_16(l->port_be)));
		json_object_set_new(o, "recv_q", json_integer(synq_accept_recv_q(&l->accept)));
		json_object_set_new(o, "send_q", json_integer(l->backlog));
		json_object_set_new(
			o, "queue_model", json_string(synq_queue_model_name(l->tcp.queue_model)));
		json_object_set_new(o, "app", json_string(synq_app_name(l->app)));
		/* issue 15: removed by a reload, its connections draining (1: telemetry has
		 * no booleans) */
		if (atomic_load_explicit(&l->removed, memory_order_relaxed))
			json_object_set_new(o, "draining", json_integer(1));
		json_object_set_new(o, "mem_held",
			json_integer((json_int_t)atomic_load_explicit(
				&ls->l[i].mem_held, memory_order_relaxed)));
		if (l->tcp.queue_model == SYNQ_QUEUE_BSD)
			json_object_set_new(
				o, "bsd_len", json_integer(synq_accept_bsd_len(&l->accept)));
		if (l->be_stats != NULL)
			json_object_set_new(o, "backends", backends_json(l));
		json_array_append_new(arr, o);
	}
	return arr;
}
