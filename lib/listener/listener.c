/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Listeners (synq_listener.h): made from the config, shown in the stats.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "synq_listener.h"
#include "synq_mem.h"

/* Sessions a worker may hold between promotion and the queue, and application lcores
 * between accept and release: on top of every backlog. */
#define SESSION_POOL_SLACK 1024

int
synq_listeners_check(const struct synq_config *cfg, char *err, size_t errlen)
{
	/* issue 13: health checks are configured before they exist; never run without */
	for (unsigned int i = 0; i < cfg->nb_listeners; i++)
		if (cfg->listeners[i].app == SYNQ_APP_PROXY &&
			cfg->listeners[i].proxy.health_check) {
			snprintf(err, errlen,
				"config error: listeners[%u].health_check: health "
				"checks are not built yet, expected no \"health_check\" (every "
				"backend is taken as up; a refused one is passed over)",
				i);
			return -ENOTSUP;
		}
	return 0;
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

		l->family = cl->family;
		l->any = cl->any;
		memcpy(l->addr, cl->addr, sizeof(l->addr));
		l->port_be = rte_cpu_to_be_16(cl->port);
		l->backlog = cl->backlog;
		l->tcp = cl->tcp;
		l->app = cl->app;
		l->conf = cl;
		l->syn_share = (cl->tcp.max_syn_backlog + ls->nb_workers - 1) / ls->nb_workers;
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

void
synq_listeners_free(struct synq_listeners *ls)
{
	for (unsigned int i = 0; i < ls->nb; i++)
		synq_accept_queue_fini(&ls->l[i].accept, ls->eal_mem);
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

json_t *
synq_listeners_json(const struct synq_listeners *ls)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < ls->nb; i++) {
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
		json_object_set_new(o, "mem_held",
			json_integer((json_int_t)atomic_load_explicit(
				&ls->l[i].mem_held, memory_order_relaxed)));
		if (l->tcp.queue_model == SYNQ_QUEUE_BSD)
			json_object_set_new(
				o, "bsd_len", json_integer(synq_accept_bsd_len(&l->accept)));
		json_array_append_new(arr, o);
	}
	return arr;
}
