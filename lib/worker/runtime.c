/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building the lcores from the config, launching them, and the control duties of the
 * main lcore: periodic stats, the end of --duration, the stop flag set by signals.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_errno.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "synq_worker.h"

#define RTE_LOGTYPE_SYNQ_RUN RTE_LOGTYPE_USER2
#define RUN_LOG(level, fmt, ...) RTE_LOG(level, SYNQ_RUN, "run: " fmt "\n", ##__VA_ARGS__)


/* Idle main lcore: how long it sleeps between two looks at the clock. */
#define CONTROL_SLEEP_NS (1000 * 1000)

/* Set by signal handlers and --duration; polled by every lcore. */
static atomic_bool stop_flag;

void
synq_runtime_stop(void)
{
	atomic_store_explicit(&stop_flag, true, memory_order_relaxed);
}

bool
synq_runtime_stopping(void)
{
	return atomic_load_explicit(&stop_flag, memory_order_relaxed);
}

static void
dump_stats(const struct synq_runtime *rt)
{
	json_t *doc;
	int rc;

	if (rt->opts.stats_file != NULL) {
		rc = synq_stats_write_file(rt->opts.stats_file);
		if (rc != 0)
			RUN_LOG(ERR, "cannot write %s: %s", rt->opts.stats_file, strerror(-rc));
		return;
	}
	doc = synq_stats_json();
	json_dumpf(doc, stdout, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	fputc('\n', stdout);
	fflush(stdout);
}

static void
control_tick(struct synq_runtime *rt)
{
	uint64_t now = rte_rdtsc();

	if (rt->end_tsc != 0 && now >= rt->end_tsc)
		synq_runtime_stop();
	if (rt->opts.stats_interval_ms != 0 && now >= rt->next_stats_tsc) {
		dump_stats(rt);
		rt->next_stats_tsc = now + rte_get_tsc_hz() * rt->opts.stats_interval_ms / 1000;
	}
}

static int
lcore_main(void *arg)
{
	struct synq_worker *w = arg;
	bool polls = w->role != SYNQ_ROLE_APP;

	bool apps = w->role != SYNQ_ROLE_WORKER;

	while (!synq_runtime_stopping()) {
		unsigned int work = 0;

		if (apps)
			work += w->rt->app_poll(w->app);
		if (polls) {
			work += synq_worker_poll(w);
			synq_worker_tick(w, rte_rdtsc());
		}
		if (work == 0 && !polls)
			rte_pause();
		if (w->control != NULL)
			control_tick(w->control);
	}
	return 0;
}

static int
build_lcore(struct synq_runtime *rt, unsigned int idx, char *err, size_t errlen)
{
	const struct synq_config_lcore *cl = &rt->cfg->lcores[idx];
	char name[RTE_RING_NAMESIZE];
	unsigned int id = cl->lcore_id;
	int socket = (int)rte_lcore_to_socket_id(id);
	struct synq_worker *w;

	w = rte_zmalloc_socket("synq_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		goto nomem;
	w->ctr = rte_zmalloc_socket("synq_counters", sizeof(*w->ctr), RTE_CACHE_LINE_SIZE,
		socket);
	if (w->ctr == NULL) {
		rte_free(w);
		goto nomem;
	}
	w->lcore_id = id;
	w->role = cl->role;
	for (unsigned int r = 0; r < cl->nb_rx; r++) {
		const struct synq_port *p = &rt->ports->port[cl->rx[r].port];

		w->rxq[r].port_id = p->port_id;
		w->rxq[r].queue = cl->rx[r].queue;
		w->rxq[r].txq = (uint16_t)synq_config_txq(rt->cfg, idx, cl->rx[r].port);
		w->rxq[r].iface = &p->iface;
		if (w->pool == NULL)
			w->pool = p->pool;
	}
	w->nb_rxq = cl->nb_rx;
	w->announces_left = 2;
	if (cl->role != SYNQ_ROLE_APP) {
		w->tcp = rte_zmalloc_socket("synq_tcp", sizeof(*w->tcp), RTE_CACHE_LINE_SIZE,
			socket);
		if (w->tcp == NULL || synq_tcp_worker_init(w->tcp, id, rt->listeners,
					      rt->cookie_secret, w->pool, socket) != 0) {
			rte_free(w->tcp);
			rte_free(w->ctr);
			rte_free(w);
			snprintf(err, errlen, "lcore %u: no memory for its SYN table on socket "
				"%d (expected smaller max_syn_backlog or more memory, -m)", id,
				socket);
			return -ENOMEM;
		}
		for (unsigned int r = 0; r < w->nb_rxq; r++) {
			w->tcp->rxq[r].iface = w->rxq[r].iface;
			w->tcp->rxq[r].port_id = w->rxq[r].port_id;
			w->tcp->rxq[r].txq = w->rxq[r].txq;
		}
		w->tcp->nb_rxq = w->nb_rxq;
		snprintf(name, sizeof(name), "synq_cmd_%u", id);
		w->cmd = rte_ring_create_elem(name, sizeof(struct synq_conn_msg),
			SYNQ_CONN_CMD_RING, socket, RING_F_SC_DEQ);
		if (w->cmd == NULL) {
			synq_tcp_worker_free(w->tcp);
			rte_free(w->tcp);
			rte_free(w->ctr);
			rte_free(w);
			snprintf(err, errlen, "lcore %u: no command ring: %s", id,
				rte_strerror(rte_errno));
			return -ENOMEM;
		}
		rt->cmd_rings[id] = w->cmd;
	}
	w->rt = rt;
	rt->lcore[id] = w;
	if (cl->role != SYNQ_ROLE_WORKER) {
		snprintf(name, sizeof(name), "synq_events_%u", id);
		w->events = rte_ring_create_elem(name, sizeof(struct synq_conn_msg),
			SYNQ_APP_EVENT_RING, socket, RING_F_SC_DEQ);
		w->app = rte_zmalloc_socket("synq_app", sizeof(*w->app), RTE_CACHE_LINE_SIZE,
			socket);
		if (w->events == NULL || w->app == NULL ||
			synq_app_init(w->app, id, rt->listeners, w->events, rt->cmd_rings,
				rt->ports->port[0].pool, w->ctr) != 0) {
			snprintf(err, errlen, "lcore %u: no memory for its event ring", id);
			return -ENOMEM;
		}
		rt->event_rings[id] = w->events;
	}
	if (id == rte_get_main_lcore())
		w->control = rt;
	return synq_stats_lcore_register(id, w->ctr, synq_role_name(cl->role));
nomem:
	snprintf(err, errlen, "lcore %u: no memory for its context on socket %d", id, socket);
	return -ENOMEM;
}

int
synq_runtime_check(const struct synq_config *cfg, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < cfg->nb_lcores; i++) {
		unsigned int id = cfg->lcores[i].lcore_id;

		if (!rte_lcore_is_enabled(id)) {
			snprintf(err, errlen, "config error: lcores[%u].lcore: %u is not an EAL "
				"lcore, expected one of those given to -l/--lcores (%u enabled)",
				i, id, rte_lcore_count());
			return -EINVAL;
		}
	}
	return 0;
}

int
synq_runtime_init(struct synq_runtime *rt, const struct synq_config *cfg, struct synq_ports *ports,
	struct synq_listeners *listeners, char *err, size_t errlen)
{
	int rc;

	memset(rt, 0, sizeof(*rt));
	rc = synq_runtime_check(cfg, err, errlen);
	if (rc != 0)
		return rc;
	rt->cfg = cfg;
	rt->app_poll = synq_app_builtin_poll;
	rt->ports = ports;
	rt->listeners = listeners;
	/* one secret for all workers of this node: a flow's ACK may come to any of them */
	if (cfg->cookie_secret_set)
		memcpy(rt->cookie_secret, cfg->cookie_secret, sizeof(rt->cookie_secret));
	else if (getrandom(rt->cookie_secret, sizeof(rt->cookie_secret), 0) !=
		(ssize_t)sizeof(rt->cookie_secret)) {
		snprintf(err, errlen, "cannot draw a cookie secret: %s", strerror(errno));
		return -EIO;
	}
	for (unsigned int i = 0; i < cfg->nb_lcores; i++) {
		rc = build_lcore(rt, i, err, errlen);
		if (rc != 0) {
			synq_runtime_free(rt);
			return rc;
		}
	}
	/* the workers find the applications' event rings, once all exist */
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		if (rt->lcore[l] == NULL || rt->lcore[l]->tcp == NULL)
			continue;
		rt->lcore[l]->tcp->app_rings = rt->event_rings;
		rt->lcore[l]->tcp->reorder_permille = cfg->reorder_permille;
	}
	return 0;
}

void
synq_runtime_free(struct synq_runtime *rt)
{
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		if (rt->lcore[l] == NULL)
			continue;
		if (rt->lcore[l]->tcp != NULL) {
			synq_tcp_worker_free(rt->lcore[l]->tcp);
			rte_free(rt->lcore[l]->tcp);
		}
		/* the mbufs of messages still in flight (connections go with the pool) */
		for (unsigned int r = 0; r < 2; r++) {
			struct rte_ring *ring = r == 0 ? rt->lcore[l]->cmd : rt->lcore[l]->events;
			struct synq_conn_msg msg;

			while (ring != NULL &&
				rte_ring_dequeue_elem(ring, &msg, sizeof(msg)) == 0)
				rte_pktmbuf_free(msg.m);
			rte_ring_free(ring);
		}
		if (rt->lcore[l]->app != NULL) {
			synq_app_free(rt->lcore[l]->app);
			rte_free(rt->lcore[l]->app);
		}
		rt->cmd_rings[l] = NULL;
		rt->event_rings[l] = NULL;
		rte_free(rt->lcore[l]->ctr);
		rte_free(rt->lcore[l]);
		rt->lcore[l] = NULL;
	}
}

int
synq_runtime_run(struct synq_runtime *rt, const struct synq_run_opts *opts)
{
	unsigned int main_id = rte_get_main_lcore();
	uint64_t now = rte_rdtsc();
	unsigned int id;
	int rc = 0;

	rt->opts = *opts;
	rt->end_tsc = opts->duration_s > 0 ? now + (uint64_t)(opts->duration_s * rte_get_tsc_hz())
					   : 0;
	rt->next_stats_tsc = now; /* first dump at once: readers see synq is up */

	RTE_LCORE_FOREACH_WORKER(id)
	{
		if (rt->lcore[id] == NULL)
			continue;
		rc = rte_eal_remote_launch(lcore_main, rt->lcore[id], id);
		if (rc != 0) {
			RUN_LOG(ERR, "cannot launch lcore %u: %s", id, strerror(-rc));
			synq_runtime_stop();
			break;
		}
	}
	RUN_LOG(INFO, "running%s", opts->duration_s > 0 ? " for the given duration" : "");
	if (rt->lcore[main_id] != NULL) {
		lcore_main(rt->lcore[main_id]);
	} else {
		const struct timespec nap = {.tv_nsec = CONTROL_SLEEP_NS};

		while (!synq_runtime_stopping()) {
			control_tick(rt);
			nanosleep(&nap, NULL);
		}
	}
	rte_eal_mp_wait_lcore();
	if (opts->stats_file != NULL)
		dump_stats(rt);
	return rc;
}
