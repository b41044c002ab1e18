/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_WORKER_H
#define SYNQ_WORKER_H

/**
 * @file
 * Lcores at run time. A worker polls its (port, rx queue) pairs, hands each burst to
 * the packet handler and sends the replies on its own tx queue of the same port.
 * The runtime builds the lcores from the config, launches them, and runs the control
 * duties (stats dumps, duration, signals) on the main lcore, or inside the poll loop
 * when the main lcore is itself a worker.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "synq_app.h"
#include "synq_config.h"
#include "synq_listener.h"
#include "synq_neigh.h"
#include "synq_net.h"
#include "synq_port.h"
#include "synq_resolve.h"
#include "synq_route.h"
#include "synq_session.h"
#include "synq_stats.h"
#include "synq_tcp.h"

/** Packets per rx/tx burst. */
#define SYNQ_BURST 32
/** How often a worker polls the links of its ports, in milliseconds. */
#define SYNQ_LINK_POLL_MS 10
/** Gratuitous ARPs each address gets at start (RFC 5227 2.3's ANNOUNCE_NUM). */
#define SYNQ_ANNOUNCE_NUM 2
/** Neighbour facts a worker's ring holds (a power of two; one less fits). */
#define SYNQ_NEIGH_FACT_RING 256

struct synq_runtime;

/** test.reorder_permille: a stage between rx and the input that holds a segment back. */
struct synq_reorder_stage {
	uint16_t permille;	/* 0: off */
	uint8_t held_rxq;	/* the rx queue (index) the held frame came from */
	uint64_t rng;		/* xorshift64 state */
	struct rte_mbuf *held;	/* one data segment held back, or NULL */
	uint64_t held_tsc;	/* since when */
};

struct synq_worker_rxq {
	uint16_t port_id;
	uint16_t queue; /* rx queue polled */
	uint16_t txq;	/* this worker's tx queue on the same port */
	const struct synq_iface *iface;
	struct synq_port *port; /* its gate, read before every burst (lib/port/link.c) */
	uint16_t cfg_port;	/* the port's index in synq_config.ports */
};

/** Another worker polling a port this one polls: where to post what ARP and ND said. */
struct synq_worker_peer {
	struct rte_ring *facts; /* its ring of struct synq_neigh_fact */
	uint32_t ports;		/* bit i: both poll synq_config.ports[i] */
};

struct synq_worker;

/**
 * A function synq_worker_call() runs on lcore @p w's own thread, between two passes of
 * its loop: it may read and write what only that lcore may (its transport state),
 * and must be short (it delays the lcore's next burst).
 */
typedef void (*synq_worker_call_fn)(struct synq_worker *w, void *arg);

/* synq_worker_call's states */
enum {
	SYNQ_CALL_IDLE,	   /* no request; a caller may post */
	SYNQ_CALL_POSTED,  /* fn and arg set: the lcore runs it at its next pass */
	SYNQ_CALL_RUNNING, /* the lcore took it: the caller waits for DONE, however late */
	SYNQ_CALL_DONE,	   /* fn returned; the caller sets IDLE again */
};

/*
 * A request slot of one lcore (synq_worker_call()). Its own cache line: the lcore
 * reads state once a pass, and it stays in its cache until a caller posts.
 */
struct synq_worker_call {
	/* caller: IDLE -> POSTED, POSTED -> IDLE (withdrawn), DONE -> IDLE;
	 * the lcore: POSTED -> RUNNING -> DONE */
	atomic_uint state;
	synq_worker_call_fn fn; /* caller: written before POSTED (release) */
	void *arg;
	uint64_t cost_tsc; /* the lcore: fn's run, written before DONE (release) */
} __rte_cache_aligned;

/* One lcore's context, allocated on its socket; written only by that lcore. */
struct synq_worker {
	unsigned int lcore_id;
	enum synq_role role;
	struct synq_worker_rxq rxq[SYNQ_MAX_RXQ_PER_LCORE];
	unsigned int nb_rxq;
	struct synq_counters *ctr;
	struct synq_tcp_worker *tcp; /* the transport's state; NULL on app lcores */
	struct synq_net_worker net;  /* the network layer's reply budgets (workers) */
	/* applications' commands (struct synq_session_msg); app lcores: enqueue, this
	 * worker: dequeue. NULL on app lcores. */
	struct rte_ring *cmd;
	/* events for the applications of this lcore; NULL on worker lcores */
	struct rte_ring *events;
	struct synq_app_lcore *app;	 /* the built-in applications; NULL on worker lcores */
	struct synq_runtime *rt;
	struct rte_mempool *pool; /* for frames the worker makes itself (announcements) */
	uint64_t announce_tsc;	  /* when to try the next gratuitous ARP */
	uint64_t link_tsc;	  /* when to poll the links of its ports next */
	struct rte_rcu_qsbr *qsbr; /* its quiescent states, once a pass of its loop */
	unsigned int announces_left;
	struct synq_runtime *control; /* non-NULL on the main lcore: run control duties */
	struct synq_reorder_stage reorder; /* fault injection for tests, off by default */
	/* issue 13: its neighbour table (NULL on app lcores) and the resolver over it */
	struct synq_neigh_table *neigh;
	struct synq_net_resolver res;
	uint64_t tsc_per_ms;		  /* the resolver's clock: rte_rdtsc() / tsc_per_ms */
	uint8_t port_rxq[SYNQ_MAX_PORTS]; /* by port index: its first rx queue there */
	/* facts other workers post (multi-producer); this worker dequeues. NULL on app lcores */
	struct rte_ring *facts;
	struct synq_worker_peer peer[SYNQ_MAX_LCORES];
	unsigned int nb_peers;
	/* a function to run between two passes (synq_worker_call()): callers and lcore */
	struct synq_worker_call call;
	/* issue 15: the cookie secret generation it rotated to (reload.c); the control
	 * lcore reads it to know every worker has the last one */
	_Atomic uint32_t secret_gen;
} __rte_cache_aligned;

/** Run a request synq_worker_call() posted: synq_worker_serve() saw one. */
void synq_worker_serve_call(struct synq_worker *w);

/**
 * Between two passes of the loop of lcore @p w, on its own thread: run the function a
 * synq_worker_call() posted, if any. Its cost when there is none: one relaxed load.
 */
static inline void
synq_worker_serve(struct synq_worker *w)
{
	if (unlikely(atomic_load_explicit(&w->call.state, memory_order_relaxed) ==
		    SYNQ_CALL_POSTED))
		synq_worker_serve_call(w);
}

/**
 * One pass over the worker's rx queues: receive, handle, transmit.
 * Only the owning lcore may call it.
 *
 * @return the number of frames received.
 */
unsigned int synq_worker_poll(struct synq_worker *w);

/**
 * Send @p m, an IPv4 or IPv6 packet synq originates (from its IP header on, headroom
 * for Ethernet and a tag) to @p dst of @p family (4: its first 4 bytes; 6), through
 * worker @p w's routes and neighbour table: synq_net_send_routed() on the worker's
 * resolver. Shaped as the transport's send_routed callback (synq_tcp.h) with the
 * worker (a struct synq_worker) as its argument, one per worker: @p port_id, the
 * transport's port for the connection (its replies come back there), must be the
 * route's: else -EXDEV, counted (SynqRouteWrongPort); one this worker does not poll:
 * -ENXIO (SynqRouteNoTxq).
 * Owning lcore only.
 *
 * @return 0 when @p m was sent or queued until its next hop resolves, a negative errno
 *   when it was dropped and counted (as synq_net_send_routed()). @p m is taken.
 */
int synq_worker_send_routed(void *w, struct rte_mbuf *m, uint8_t family, const uint8_t *dst,
	uint16_t port_id);

/**
 * Send a gratuitous ARP for every IPv4 address of every port whose rx queue 0 this
 * worker polls, so that peers learn our MAC before they ask. Owning lcore only.
 */
void synq_worker_announce(struct synq_worker *w);

/**
 * Timed work between bursts: the ports' links (every SYNQ_LINK_POLL_MS: tx stops on a
 * port whose link is down and resumes when it is up), the gratuitous ARPs of RFC 5227 2.3 (SYNQ_ANNOUNCE_NUM,
 * 2 s apart, once the port's link is up), the transport's timers (SYN-ACK
 * retransmissions and half-open expiry, the connections' retransmission, probe and
 * idle timers, the TIME-WAIT and replay memories' expiry) and what they make the
 * connections send, the neighbour table's timers and the solicitations they send
 * (clocked by @p now_tsc, which never takes the resolver's clock back), and the
 * release of a segment the reorder stage held too long.
 * @p now_tsc is rte_rdtsc(). Owning lcore only.
 */
void synq_worker_tick(struct synq_worker *w, uint64_t now_tsc);


/** Options given on the command line, beside the config file. */
struct synq_run_opts {
	double duration_s;	     /* 0 = until a signal */
	uint32_t stats_interval_ms;  /* 0 = no periodic dump */
	const char *stats_file;	     /* NULL = stdout, one JSON document a line */
};

struct synq_runtime {
	const struct synq_config *cfg;
	struct synq_ports *ports;
	struct synq_listeners listeners;
	struct synq_sessions sessions;	/* the node's session pool */
	struct synq_tcp *tcp;		/* the transport's shared part */
	uint8_t cookie_secret[SYNQ_COOKIE_SECRET_LEN]; /* the config's, or drawn at random at start */
	/* issue 13, routes: main lcore at init, then read-only for every lcore */
	struct synq_route_table routes;
	/*
	 * issue 13, active open: each port's RSS (synq_port_rss_query(); none when it has
	 * one queue or cannot tell), for the local ports of the connections synq opens.
	 * Main lcore at init, then read-only for every lcore.
	 */
	struct synq_rss *rss[SYNQ_MAX_PORTS];
	struct synq_worker *lcore[RTE_MAX_LCORE]; /* NULL for lcores without a role */
	/* the rings between lcores, by lcore id (NULL where the role has none) */
	struct rte_ring *cmd_rings[RTE_MAX_LCORE];
	struct rte_ring *event_rings[RTE_MAX_LCORE];
	struct synq_run_opts opts;
	/* what app and both lcores run each pass: synq_app_builtin_poll unless an
	 * embedding program sets its own before synq_runtime_run() (docs/applications.md) */
	unsigned int (*app_poll)(struct synq_app_lcore *a);
	/*
	 * synq_worker_call()'s callers, between synq_runtime_calls_begin() and _end(): one
	 * at a time; synq_runtime_free() takes it too, so that no caller sees an lcore freed
	 */
	pthread_mutex_t call_lock;
	bool call_open;		 /* under call_lock: lcores may be called */
	struct timespec call_resume; /* under call_lock: no call posts before (pacing) */
	uint64_t next_stats_tsc; /* main lcore only */
	uint64_t end_tsc;	 /* 0 = no end */
	/*
	 * issue 15, reload and secret rotation (reload.c): the main lcore's but for the
	 * secret the workers read once secret_gen moves (written before it, released).
	 */
	const char *config_path;  /* --config; NULL: the built-in one, never reloaded */
	struct synq_config *live; /* the config in force: rt->cfg's copy, then reloads' */
	/* the listener slot of each of live's listeners */
	uint8_t live_slot[SYNQ_MAX_LISTENERS];
	/* the settings of listeners a reload added, by slot (NULL: rt->cfg's own) */
	struct synq_config_listener *slot_conf[SYNQ_MAX_LISTENERS];
	uint8_t secret_next[SYNQ_COOKIE_SECRET_LEN]; /* the generation's secret */
	_Atomic uint32_t secret_gen;		     /* 0: the secret of the start */
	uint64_t secret_due_tsc;		     /* a rotation not applied by then: said */
	struct synq_counters *control_ctr;	     /* the main lcore's: reloads, rotations */
	struct synq_counters *own_ctr;		     /* made for it when it has no role */
};

/**
 * How the connections synq opens send (lib/tcp's send_routed, synq_tcp.h): @p fn with
 * @p arg on every worker lcore. After synq_runtime_init(), before the lcores run.
 */
void synq_runtime_set_send_routed(struct synq_runtime *rt, synq_tcp_send_routed_t fn, void *arg);

/**
 * Check that every lcore the config names is enabled in EAL, and that every listener's
 * app can run (synq_listeners_check()). After rte_eal_init(),
 * before synq_ports_start(), so that a wrong lcore starts no port.
 *
 * @return 0, or -EINVAL with @p err naming the config key at fault.
 */
int synq_runtime_check(const struct synq_config *cfg, char *err, size_t errlen);

/**
 * Check the config's lcores against EAL's, make the listeners, the session pool and
 * the transport, build each lcore's context on its socket and register its counters.
 * Once the ports' RSS is read, refuse a proxy backend whose port no worker can open a
 * connection from (synq_app_proxy_check()). After synq_ports_start(); @p cfg must
 * outlive the runtime.
 *
 * @return 0, or a negative errno with @p err naming the config key at fault.
 */
int synq_runtime_init(struct synq_runtime *rt, const struct synq_config *cfg,
	struct synq_ports *ports, char *err, size_t errlen);

/**
 * Launch every lcore and run until synq_runtime_stop() or the duration ends, dumping
 * stats on the way; wait for all lcores to return. Main lcore only.
 *
 * @return 0 or a negative errno.
 */
int synq_runtime_run(struct synq_runtime *rt, const struct synq_run_opts *opts);

/** How long synq_worker_call() waits for a busy lcore by default, in ms. */
#define SYNQ_CALL_TIMEOUT_MS 100

/**
 * Calls take at most 1 / SYNQ_CALL_SHARE of an lcore's time: after a call whose
 * function ran t on its lcore, the next synq_worker_call() of the runtime waits
 * (SYNQ_CALL_SHARE - 1) t (at most SYNQ_CALL_PAUSE_MAX_MS) before it posts.
 */
#define SYNQ_CALL_SHARE 16
#define SYNQ_CALL_PAUSE_MAX_MS 100

/**
 * Hold @p rt for synq_worker_call()s: callers take turns here, and synq_runtime_free()
 * waits for synq_runtime_calls_end(). Any thread but the lcores' (telemetry's, a
 * control thread's); @p rt itself must outlive the caller (main.c's is static).
 *
 * @return 0, or -ESHUTDOWN (the runtime is stopping or freed: no call).
 */
int synq_runtime_calls_begin(struct synq_runtime *rt);

/** Let go of @p rt after synq_runtime_calls_begin() returned 0. */
void synq_runtime_calls_end(struct synq_runtime *rt);

/**
 * Run @p fn(w, @p arg) on lcore @p lcore_id, at a safe point of its loop (between two
 * passes, synq_worker_serve()), and wait for it: the way a control thread (telemetry,
 * a reload) reads or changes what only that lcore may touch. The lcore takes the
 * request at its next pass; one that does not within @p timeout_ms (stopped, or stuck
 * in a pass) has it withdrawn: @p fn never runs, the call fails, nothing is left
 * behind. Once the lcore took it, the call waits for @p fn to return (it is short by
 * contract). Called on lcore @p lcore_id itself, @p fn runs at once. Between
 * synq_runtime_calls_begin() and _end().
 *
 * @return 0 when @p fn ran; -ENOENT (no such lcore), -ESHUTDOWN (stopping),
 *   -ETIMEDOUT (not taken in time: @p fn did not run and never will).
 */
int synq_worker_call(struct synq_runtime *rt, unsigned int lcore_id, synq_worker_call_fn fn,
	void *arg, unsigned int timeout_ms);

/** Page size of /synq/conns: connections a reply lists at most (16 KB of JSON). */
#define SYNQ_CONNS_PAGE 32
/**
 * Slots of a worker's flow table one call of /synq/conns reads at most (128 KB; a
 * TIME-WAIT slot counts 8: synq_tcp_conns_walk()).
 */
#define SYNQ_CONNS_SLOTS 16384
/** Calls to the workers one /synq/conns reply makes at most. */
#define SYNQ_CONNS_CALLS 64

struct rte_tel_data;

/**
 * The telemetry command /synq/conns[,cursor] (lib/stats registers it, the runtime sets
 * it there): connections of every worker, a page at a time, read on each worker by
 * synq_worker_call() (docs/architecture.md has the reply). @p arg is the runtime.
 * Telemetry's thread.
 *
 * @return 0 (an error is a reply {"error": "..."}), or -EINVAL for a bad cursor.
 */
int synq_runtime_tel_conns(void *arg, const char *params, struct rte_tel_data *d);

/** Free what synq_runtime_init() allocated. */
void synq_runtime_free(struct synq_runtime *rt);

/**
 * issue 15: make the reload and rotation state: @p config_path is the file synq was
 * started with (--config; NULL: the built-in config, which a reload says it does not
 * reload), kept by the caller; and register /synq/reload and /synq/rotate_secret
 * (synq_stats_set_control()). After synq_runtime_init(), before synq_runtime_run().
 *
 * @return 0 or -ENOMEM.
 */
int synq_runtime_reload_init(struct synq_runtime *rt, const char *config_path);

/**
 * issue 15: ask for a reload (SIGHUP's handler): the main lcore does it at its next
 * control duty and logs the result on stderr. Async-signal-safe; any thread.
 */
void synq_runtime_reload_signal(void);

/** Ask every lcore to return. Async-signal-safe; any thread. */
void synq_runtime_stop(void);

/** True once synq_runtime_stop() was called. Any thread. */
bool synq_runtime_stopping(void);

#endif /* SYNQ_WORKER_H */
