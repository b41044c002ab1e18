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

#include "synq_port_rss.h"
#include "synq_worker.h"
#include "worker_priv.h"

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
	worker_reload_control(rt);
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

	if (polls)
		synq_ports_online(w->rt->ports, w->lcore_id);
	while (!synq_runtime_stopping()) {
		unsigned int work = 0;

		if (apps)
			work += w->rt->app_poll(w->app);
		if (polls) {
			work += synq_worker_poll(w);
			synq_worker_tick(w, rte_rdtsc());
			/* issue 15: a rotated cookie secret, taken between bursts */
			if (unlikely(worker_secret_due(w)))
				worker_secret_take(w);
			/* no burst in flight: a memif peer's memory may go (lib/port/link.c) */
			synq_ports_quiescent(w->qsbr, w->lcore_id);
		}
		if (work == 0 && !polls)
			rte_pause();
		/* a control thread's request (synq_worker_call()): one relaxed load a pass */
		synq_worker_serve(w);
		if (w->control != NULL)
			control_tick(w->control);
	}
	if (polls)
		synq_ports_offline(w->rt->ports, w->lcore_id);
	return 0;
}

/*
 * What the connections of one worker may hold, in truesize: mempool.conn_share of its
 * pool beyond the reserve of the queues and caches (so that rx refills never starve),
 * shared evenly by the workers.
 */
static uint64_t
mem_budget(const struct synq_runtime *rt, const struct rte_mempool *pool)
{
	unsigned int workers = 0;
	uint32_t reserve = 0;

	if (pool == NULL)
		return 0;
	for (unsigned int i = 0; i < rt->cfg->nb_lcores; i++)
		if (rt->cfg->lcores[i].role != SYNQ_ROLE_APP)
			workers++;
	for (unsigned int s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rt->ports->pool[s] == pool)
			reserve = rt->ports->reserve[s];
	if (pool->size <= reserve || workers == 0)
		return 1; /* nothing beyond the reserve: connections hold nothing */
	return (uint64_t)(pool->size - reserve) * pool->elt_size * rt->cfg->conn_share / 100 /
		workers;
}

/* What the neighbour table drops: an mbuf. */
static void
free_mbuf(void *pkt)
{
	rte_pktmbuf_free(pkt);
}

/*
 * A worker's neighbour table, on its socket, the ring other workers post facts to,
 * and the resolver over both.
 */
static int
build_neigh(struct synq_runtime *rt, struct synq_worker *w, int socket, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];

	w->neigh = rte_zmalloc_socket("synq_neigh", sizeof(*w->neigh), RTE_CACHE_LINE_SIZE, socket);
	snprintf(name, sizeof(name), "synq_neigh_%u", w->lcore_id);
	w->facts = rte_ring_create_elem(
		name, sizeof(struct synq_neigh_fact), SYNQ_NEIGH_FACT_RING, socket, RING_F_SC_DEQ);
	if (w->neigh == NULL || w->facts == NULL) {
		snprintf(err, errlen, "lcore %u: no memory for its neighbour table on socket %d",
			w->lcore_id, socket);
		return -ENOMEM;
	}
	synq_neigh_init(w->neigh, rt->cfg, free_mbuf, w->ctr);
	w->res.neigh = w->neigh;
	w->res.routes = &rt->routes;
	w->res.cfg = rt->cfg;
	w->res.pool = w->pool;
	w->res.ctr = w->ctr;
	w->res.tx = worker_resolver_tx;
	w->res.tx_arg = w;
	w->tsc_per_ms = RTE_MAX(rte_get_tsc_hz() / 1000, (uint64_t)1);
	synq_net_resolve_clock(&w->res, rte_rdtsc() / w->tsc_per_ms);
	for (unsigned int r = w->nb_rxq; r-- > 0;) {
		w->res.iface[w->rxq[r].cfg_port] = w->rxq[r].iface;
		w->port_rxq[w->rxq[r].cfg_port] = (uint8_t)r; /* the first one, at the end */
	}
	return 0;
}

/* The ports worker @p w polls, bit i for synq_config.ports[i]. */
static uint32_t
ports_polled(const struct synq_worker *w)
{
	uint32_t m = 0;

	for (unsigned int r = 0; r < w->nb_rxq; r++)
		m |= 1u << w->rxq[r].cfg_port;
	return m;
}

/* Each worker's peers: the other workers with a port in common, and their rings. */
static void
link_peers(struct synq_runtime *rt)
{
	for (unsigned int a = 0; a < RTE_MAX_LCORE; a++) {
		struct synq_worker *w = rt->lcore[a];

		if (w == NULL || w->facts == NULL)
			continue;
		w->nb_peers = 0;
		for (unsigned int b = 0; b < RTE_MAX_LCORE; b++) {
			struct synq_worker *v = rt->lcore[b];
			uint32_t common;

			if (b == a || v == NULL || v->facts == NULL)
				continue;
			common = ports_polled(w) & ports_polled(v);
			if (common != 0 && w->nb_peers < RTE_DIM(w->peer))
				w->peer[w->nb_peers++] = (struct synq_worker_peer){
					.facts = v->facts, .ports = common};
		}
	}
}

/* A worker's part of lcore entry @p idx: its transport state and command ring. */
static int
build_worker(struct synq_runtime *rt, struct synq_worker *w, int socket, char *err,
	size_t errlen)
{
	struct synq_tcp_worker_conf conf = {
		.lcore_id = w->lcore_id,
		.socket = socket,
		.pool = w->pool,
		.nb_rxq = w->nb_rxq,
		.app_rings = rt->event_rings,
		.mem_budget = mem_budget(rt, w->pool),
	};
	char name[RTE_RING_NAMESIZE];
	int rc;

	for (unsigned int r = 0; r < w->nb_rxq; r++)
		conf.rxq[r] = (struct synq_tcp_rxq){
			.iface = w->rxq[r].iface,
			.port_id = w->rxq[r].port_id,
			.queue_id = w->rxq[r].queue,
			.rss = rt->rss[w->rxq[r].port - rt->ports->port],
		};
	w->tcp = synq_tcp_worker_create(rt->tcp, &conf);
	if (w->tcp == NULL) {
		snprintf(err, errlen, "lcore %u: no memory for its SYN table on socket %d "
			"(expected smaller max_syn_backlog or more memory, -m)", w->lcore_id, socket);
		return -ENOMEM;
	}
	snprintf(name, sizeof(name), "synq_cmd_%u", w->lcore_id);
	w->cmd = rte_ring_create_elem(name, sizeof(struct synq_session_msg),
		SYNQ_SESSION_CMD_RING, socket, RING_F_SC_DEQ);
	if (w->cmd == NULL) {
		snprintf(err, errlen, "lcore %u: no command ring: %s", w->lcore_id,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	rt->cmd_rings[w->lcore_id] = w->cmd;
	synq_net_worker_init(&w->net, rte_get_tsc_hz(), rt->cfg->icmp_echo_per_s,
		rt->cfg->icmp_echo_burst, rte_rdtsc());
	w->reorder.permille = rt->cfg->reorder_permille;
	w->reorder.rng = rte_rdtsc() | 1;
	rc = build_neigh(rt, w, socket, err, errlen);
	if (rc != 0)
		return rc;
	/* the connections it opens leave through its routes and neighbour table */
	synq_tcp_worker_set_send(w->tcp, synq_worker_send_routed, w);
	return 0;
}

/* The ports whose RSS is known: a worker of any of their queues may open connections. */
static uint32_t
rss_ports(const struct synq_runtime *rt)
{
	uint32_t m = 0;

	for (unsigned int i = 0; i < rt->ports->nb && i < RTE_DIM(rt->rss); i++)
		if (rt->rss[i] != NULL && rt->rss[i]->reta_size != 0)
			m |= 1u << i;
	return m;
}

/* An application lcore's part: its event ring and the applications' context. */
static int
build_app(struct synq_runtime *rt, struct synq_worker *w, int socket, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "synq_events_%u", w->lcore_id);
	w->events = rte_ring_create_elem(name, sizeof(struct synq_session_msg),
		SYNQ_SESSION_EVENT_RING, socket, RING_F_SC_DEQ);
	w->app = rte_zmalloc_socket("synq_app", sizeof(*w->app), RTE_CACHE_LINE_SIZE, socket);
	if (w->events == NULL || w->app == NULL ||
		synq_app_init(w->app, w->lcore_id, &rt->listeners, &rt->sessions, w->events,
			rt->cmd_rings, rt->ports->port[0].pool, w->ctr) != 0) {
		snprintf(err, errlen, "lcore %u: no memory for its event ring", w->lcore_id);
		return -ENOMEM;
	}
	/* the proxy app's connections leave from the port's address that routes there */
	synq_app_set_routes(w->app, &rt->routes, rt->cfg);
	/* and the worker that carries each, by the ports' RSS (lib/app/proxy_worker.c) */
	synq_app_set_rss_ports(w->app, rss_ports(rt));
	rt->event_rings[w->lcore_id] = w->events;
	return 0;
}

static int
build_lcore(struct synq_runtime *rt, unsigned int idx, char *err, size_t errlen)
{
	const struct synq_config_lcore *cl = &rt->cfg->lcores[idx];
	unsigned int id = cl->lcore_id;
	int socket = (int)rte_lcore_to_socket_id(id);
	struct synq_worker *w;
	int rc;

	w = rte_zmalloc_socket("synq_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL) {
		snprintf(err, errlen, "lcore %u: no memory for its context on socket %d", id,
			socket);
		return -ENOMEM;
	}
	/* from here on synq_runtime_free() finds it and frees what was made */
	rt->lcore[id] = w;
	w->rt = rt;
	w->lcore_id = id;
	w->role = cl->role;
	w->ctr = rte_zmalloc_socket("synq_counters", sizeof(*w->ctr), RTE_CACHE_LINE_SIZE,
		socket);
	if (w->ctr == NULL) {
		snprintf(err, errlen, "lcore %u: no memory for its counters on socket %d", id,
			socket);
		return -ENOMEM;
	}
	for (unsigned int r = 0; r < cl->nb_rx; r++) {
		const struct synq_port *p = &rt->ports->port[cl->rx[r].port];

		w->rxq[r].port_id = p->port_id;
		w->rxq[r].queue = cl->rx[r].queue;
		w->rxq[r].txq = (uint16_t)synq_config_txq(rt->cfg, idx, cl->rx[r].port);
		w->rxq[r].iface = &p->iface;
		w->rxq[r].port = &rt->ports->port[cl->rx[r].port];
		w->rxq[r].cfg_port = (uint16_t)cl->rx[r].port;
		if (w->pool == NULL)
			w->pool = p->pool;
	}
	w->nb_rxq = cl->nb_rx;
	w->qsbr = rt->ports->qsbr;
	w->announces_left = SYNQ_ANNOUNCE_NUM;
	if (cl->role != SYNQ_ROLE_APP) {
		rc = build_worker(rt, w, socket, err, errlen);
		if (rc != 0)
			return rc;
	}
	if (cl->role != SYNQ_ROLE_WORKER) {
		rc = build_app(rt, w, socket, err, errlen);
		if (rc != 0)
			return rc;
	}
	if (id == rte_get_main_lcore())
		w->control = rt;
	if (w->tcp != NULL) {
		rc = synq_stats_sketch_register(id, synq_tcp_worker_sketch(w->tcp));
		if (rc != 0)
			return rc;
	}
	return synq_stats_lcore_register(id, w->ctr, synq_role_name(cl->role));
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
	/* before any port starts: an app synq cannot run stops it here */
	return synq_listeners_check(cfg, err, errlen);
}

/* The listeners, the session pool sized for them, the transport. */
static int
build_shared(struct synq_runtime *rt, char *err, size_t errlen)
{
	const struct synq_config *cfg = rt->cfg;
	unsigned int nb_workers = 0;
	int rc;

	for (unsigned int i = 0; i < cfg->nb_lcores; i++)
		nb_workers += cfg->lcores[i].role != SYNQ_ROLE_APP;
	rc = synq_listeners_create(&rt->listeners, cfg, nb_workers, SOCKET_ID_ANY, err, errlen);
	if (rc != 0)
		return rc;
	rc = synq_sessions_create(&rt->sessions, synq_listeners_max_sessions(&rt->listeners),
		SOCKET_ID_ANY);
	if (rc == 0) {
		rt->tcp = synq_tcp_create(&rt->listeners, &rt->sessions, rt->cookie_secret,
			SOCKET_ID_ANY);
		if (rt->tcp == NULL)
			rc = -ENOMEM;
	}
	if (rc != 0) {
		snprintf(err, errlen, "no memory for %u connections (expected smaller backlogs "
			"or max_flows, or more memory, -m)",
			synq_listeners_max_sessions(&rt->listeners));
		return rc;
	}
	/*
	 * Each port's RSS, for the local ports of the connections synq opens. A port of
	 * several queues whose device does not tell its key or table gets none: any
	 * local port then, and replies may reach another worker (docs/architecture.md).
	 */
	for (unsigned int i = 0; i < rt->ports->nb; i++) {
		rt->rss[i] = rte_zmalloc("synq_rss", sizeof(*rt->rss[i]), RTE_CACHE_LINE_SIZE);
		if (rt->rss[i] == NULL) {
			snprintf(err, errlen, "no memory for port %u's RSS table", i);
			return -ENOMEM;
		}
		if (synq_port_rss_query(&rt->ports->port[i], rt->rss[i]) != 0)
			synq_rss_init_none(rt->rss[i]);
	}
	return 0;
}

int
synq_runtime_init(struct synq_runtime *rt, const struct synq_config *cfg, struct synq_ports *ports,
	char *err, size_t errlen)
{
	int rc;

	memset(rt, 0, sizeof(*rt));
	pthread_mutex_init(&rt->call_lock, NULL);
	rc = synq_runtime_check(cfg, err, errlen);
	if (rc != 0)
		return rc;
	rt->cfg = cfg;
	rt->app_poll = synq_app_builtin_poll;
	rt->ports = ports;
	/* one secret for all workers of this node: a flow's ACK may come to any of them */
	if (cfg->cookie_secret_set)
		memcpy(rt->cookie_secret, cfg->cookie_secret, sizeof(rt->cookie_secret));
	else if (getrandom(rt->cookie_secret, sizeof(rt->cookie_secret), 0) !=
		(ssize_t)sizeof(rt->cookie_secret)) {
		snprintf(err, errlen, "cannot draw a cookie secret: %s", strerror(errno));
		return -EIO;
	}
	/* the parser refused what the table cannot take: this fails only on a forged cfg */
	rc = synq_route_build(&rt->routes, cfg);
	if (rc != 0) {
		snprintf(err, errlen, "routes: the config holds a route the table refuses");
		return rc;
	}
	rc = build_shared(rt, err, errlen);
	/* once the ports' RSS is known: who opens each proxy backend's connections */
	if (rc == 0)
		rc = synq_app_proxy_check(cfg, &rt->routes, rss_ports(rt), err, errlen);
	for (unsigned int i = 0; rc == 0 && i < cfg->nb_lcores; i++)
		rc = build_lcore(rt, i, err, errlen);
	if (rc == 0) {
		link_peers(rt);
		rt->call_open = true;
		/* /synq/conns reads the workers' connections through synq_worker_call() */
		synq_stats_set_conns(synq_runtime_tel_conns, rt);
	}
	if (rc != 0)
		synq_runtime_free(rt);
	return rc;
}

/* The mbufs of messages still in flight on @p ring, then the ring. */
static void
ring_drain_free(struct rte_ring *ring)
{
	struct synq_session_msg msg;

	while (ring != NULL && rte_ring_dequeue_elem(ring, &msg, sizeof(msg)) == 0)
		rte_pktmbuf_free(msg.m);
	rte_ring_free(ring);
}

void
synq_runtime_free(struct synq_runtime *rt)
{
	/* no caller of synq_worker_call() from here on: one in progress ends first */
	if (rt->call_open) {
		synq_stats_set_conns(NULL, NULL);
		pthread_mutex_lock(&rt->call_lock);
		rt->call_open = false;
		pthread_mutex_unlock(&rt->call_lock);
	}
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		struct synq_worker *w = rt->lcore[l];

		if (w == NULL)
			continue;
		synq_tcp_worker_free(w->tcp);
		rte_pktmbuf_free(w->reorder.held);
		if (w->neigh != NULL) {
			synq_neigh_flush(w->neigh); /* the packets waiting for a next hop */
			rte_free(w->neigh);
		}
		rte_ring_free(w->facts); /* facts are plain records: nothing to free */
		ring_drain_free(w->cmd);
		ring_drain_free(w->events);
		if (w->app != NULL) {
			synq_app_free(w->app);
			rte_free(w->app);
		}
		rt->cmd_rings[l] = NULL;
		rt->event_rings[l] = NULL;
		rte_free(w->ctr);
		rte_free(w);
		rt->lcore[l] = NULL;
	}
	worker_reload_free(rt);
	/* the connections' mbufs go with the transport; the sessions with the pool */
	synq_tcp_free(rt->tcp);
	rt->tcp = NULL;
	synq_sessions_free(&rt->sessions);
	synq_listeners_free(&rt->listeners);
	for (unsigned int i = 0; i < RTE_DIM(rt->rss); i++) {
		rte_free(rt->rss[i]);
		rt->rss[i] = NULL;
	}
}

void
synq_runtime_set_send_routed(struct synq_runtime *rt, synq_tcp_send_routed_t fn, void *arg)
{
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
		if (rt->lcore[l] != NULL && rt->lcore[l]->tcp != NULL)
			synq_tcp_worker_set_send(rt->lcore[l]->tcp, fn, arg);
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
