/* SPDX-License-Identifier: BSD-3-Clause */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "synq_listener.h"
#include "synq_mem.h"

/* Connections a worker may hold between promotion and the ring, and app lcores
 * between accept and free: on top of every backlog. */
#define CONN_POOL_SLACK 1024

/* A ring of exactly @p count slots in memory of our own (rte_ring_init). */
static struct rte_ring *
ring_new(const char *name, unsigned int count, int socket, bool eal)
{
	ssize_t size = rte_ring_get_memsize(rte_align32pow2(count + 1));
	struct rte_ring *r;

	if (size < 0)
		return NULL;
	r = synq_mem_alloc(name, (size_t)size, socket, eal);
	if (r != NULL && rte_ring_init(r, name, count, RING_F_EXACT_SZ) != 0) {
		synq_mem_free(r, eal);
		r = NULL;
	}
	return r;
}

int
synq_listeners_create(struct synq_listeners *ls, const struct synq_config *cfg,
	unsigned int nb_workers, int socket, char *err, size_t errlen)
{
	uint64_t conns = CONN_POOL_SLACK;

	memset(ls, 0, sizeof(*ls));
	ls->eal_mem = synq_mem_eal();
	if (cfg->nb_listeners == 0)
		return 0;
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
		memcpy(l->http_body, cl->http_body, sizeof(l->http_body));
		l->syn_share = (cl->tcp.max_syn_backlog + nb_workers - 1) / RTE_MAX(nb_workers, 1u);
		atomic_init(&l->bsd_len, 0);
		/*
		 * backlog + 1 slots, exactly: the linux model admits that many (its test
		 * is len > backlog); the bsd model stops at backlog before the ring does.
		 */
		snprintf(name, sizeof(name), "synq_accept_%u", i);
		l->accept = ring_new(name, cl->backlog + 1, socket, ls->eal_mem);
		if (l->accept == NULL) {
			snprintf(err, errlen, "config error: listeners[%u].backlog: no memory for a "
				"ring of %u slots, expected a smaller backlog or more memory (-m)", i,
				cl->backlog + 1);
			synq_listeners_free(ls);
			return -ENOMEM;
		}
		ls->nb++;
		conns += cl->backlog + 1;
	}
	/* every worker may carry max_flows connections of each listener */
	for (unsigned int i = 0; i < cfg->nb_listeners; i++)
		conns += (uint64_t)nb_workers * cfg->listeners[i].tcp.max_flows;
	ls->conns = synq_mem_alloc("synq_conns", conns * sizeof(struct synq_conn), socket, ls->eal_mem);
	ls->conn_free = ring_new("synq_conn_free", (unsigned int)conns, socket, ls->eal_mem);
	if (ls->conns == NULL || ls->conn_free == NULL) {
		snprintf(err, errlen, "no memory for %u connections (expected smaller backlogs "
			"or more memory, -m)", (unsigned int)conns);
		synq_listeners_free(ls);
		return -ENOMEM;
	}
	ls->nb_conns = (uint32_t)conns;
	for (uint64_t i = 0; i < conns; i++)
		rte_ring_enqueue(ls->conn_free, &ls->conns[i]);
	return 0;
}

void
synq_listeners_free(struct synq_listeners *ls)
{
	bool eal = ls->eal_mem;

	for (unsigned int i = 0; i < ls->nb; i++) {
		struct synq_conn *c;

		while (rte_ring_dequeue(ls->l[i].accept, (void **)&c) == 0)
			synq_conn_free(ls, c);
		synq_mem_free(ls->l[i].accept, eal);
	}
	synq_mem_free(ls->conn_free, eal);
	synq_mem_free(ls->conns, eal);
	memset(ls, 0, sizeof(*ls));
}

uint16_t
synq_accept_burst(struct synq_listener *l, struct synq_conn **conns, uint16_t n)
{
	unsigned int got = rte_ring_dequeue_burst(l->accept, (void **)conns, n, NULL);

	/* bsd: an accepted connection leaves the single queue */
	if (got != 0 && l->tcp.queue_model == SYNQ_QUEUE_BSD)
		atomic_fetch_sub_explicit(&l->bsd_len, got, memory_order_relaxed);
	return (uint16_t)got;
}

/* A queue of mbuf chains linked through their last segments' next. */
static void
queue_free(struct rte_mbuf *m)
{
	if (m != NULL)
		rte_pktmbuf_free(m);
}

void
synq_conn_free(struct synq_listeners *ls, struct synq_conn *c)
{
	queue_free(c->sndq);
	queue_free(c->rcvq);
	c->sndq = c->sndq_tail = NULL;
	c->rcvq = c->rcvq_tail = NULL;
	rte_ring_enqueue(ls->conn_free, c);
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
		json_object_set_new(o, "recv_q", json_integer(synq_listener_recv_q(l)));
		json_object_set_new(o, "send_q", json_integer(l->backlog));
		json_object_set_new(o, "queue_model",
			json_string(synq_queue_model_name(l->tcp.queue_model)));
		json_object_set_new(o, "app", json_string(synq_app_name(l->app)));
		if (l->tcp.queue_model == SYNQ_QUEUE_BSD)
			json_object_set_new(o, "bsd_len", json_integer(atomic_load_explicit(
				&((struct synq_listener *)(uintptr_t)l)->bsd_len, memory_order_relaxed)));
		json_array_append_new(arr, o);
	}
	return arr;
}
