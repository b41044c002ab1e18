/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_APP_H
#define SYNQ_APP_H

/**
 * @file
 * The application interface: what code on an application lcore uses to serve the
 * connections synq accepted, each as a session (lib/session). Never blocking, no
 * locks: an application lcore talks to the worker that owns a connection through two
 * rings, events in (its own event ring), commands out (the worker's command ring).
 * The worker stays the only writer of TCP state. docs/applications.md has the rules
 * and an example to copy.
 *
 * The life of a connection, as the application sees it:
 *
 *   synq_app_accept()          -> the session is ours; its events come to us
 *   SYNQ_EV_DATA (m)           -> our mbuf: read it, send it back, or free it; call
 *                                 synq_app_consumed() when its bytes are dealt with
 *                                 (that is what opens the client's window again)
 *   synq_app_send()            -> bytes to the client (the worker segments them)
 *   SYNQ_EV_PEER_CLOSED        -> the client sent its FIN: no more data
 *   synq_app_close()           -> our FIN, after everything sent
 *   synq_app_abort()           -> a RST; everything queued is dropped
 *   SYNQ_EV_RESET              -> the client reset it, or a timeout did
 *   SYNQ_EV_CLOSED             -> always the last event: synq_app_release()
 *
 * Every function is for the application lcore that owns @p a.
 *
 * A session pointer names a slot of the pool, not a connection: it is this lcore's
 * from synq_app_accept() to synq_app_release(). The commands (send, close, abort,
 * consumed) refuse, count and never apply a call for a session
 *   - whose SYNQ_EV_CLOSED synq_app_recv_burst() has returned: -EPIPE; the
 *     connection is over, only the release is left. Counted (SynqAppCmdClosed) once
 *     the application has seen that event, i.e. from the next synq_app_recv_burst()
 *     on: a command made while it handles the events before the CLOSED one of the
 *     same burst (data, then the client's RST) is refused without a count;
 *   - that is not this lcore's: -ESTALE (SynqAppCmdStale); released, perhaps taken
 *     since by another connection that another lcore (or none yet) accepted.
 * Once this lcore accepts the slot again, the pointer names the new connection:
 * an application forgets a session's pointer when it releases it. A command made
 * before the release that still waits on a ring carries the old generation, and
 * the worker drops it (lib/tcp, synq_tcp_command()).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "synq_listener.h"
#include "synq_route.h"
#include "synq_session.h"
#include "synq_stats.h"

/** Commands an application lcore keeps when a worker's command ring is full. */
#define SYNQ_APP_OUTBOX 16384
/** Sessions accepted, or events taken, at a time by the built-in applications. */
#define SYNQ_APP_BURST 32

/** A command that waits for room on a worker's command ring. */
struct synq_app_waiting {
	struct synq_session_msg msg;
	uint16_t worker; /* its ring's lcore, as it was when the command was made */
};

/** Whether a session of the pool is this lcore's (synq_app_lcore.own[]). */
enum synq_app_own {
	SYNQ_APP_OWN_NONE = 0, /* not ours: never accepted here, or released */
	SYNQ_APP_OWN_OPEN,     /* accepted, its SYNQ_EV_CLOSED not seen yet */
	SYNQ_APP_OWN_CLOSED,   /* its SYNQ_EV_CLOSED seen: release it */
	SYNQ_APP_OWN_CLOSING,  /* its SYNQ_EV_CLOSED in the burst being handled */
};

/** A partial HTTP request head, kept for the http app (builtin_http.c). */
struct synq_app_head {
	uint64_t deadline_ms; /* the lcore's clock: 408 and a close from then on */
	uint32_t session;     /* pool index of its session; UINT32_MAX: free */
	uint32_t len;	      /* bytes in buf */
	char buf[SYNQ_HTTP_HEAD_MAX];
};

/** An http session that waits for room in its snd_buf, its input unread. */
struct synq_app_http_paused {
	uint32_t session;      /* pool index */
	struct rte_mbuf *tail; /* the last mbuf of its input (app_ptr) */
};

/**
 * One event of a session. SYNQ_EV_CONNECT_FAILED says why in @c reason (enum
 * synq_connect_reason, synq_session.h): synq's own shortage (synq_connect_reason_local():
 * the flow table full, no local port, a bad source address, nothing to send with),
 * which tells nothing of the peer, or the path to the peer (no route, the next hop
 * FAILED: ARP or ND unanswered), which does. 0 (SYNQ_CONNECT_OK) for every other event.
 */
struct synq_app_event {
	struct synq_session *s;
	uint16_t kind;	    /* enum synq_session_event */
	uint8_t reason;	    /* SYNQ_EV_CONNECT_FAILED: enum synq_connect_reason; else 0 */
	struct rte_mbuf *m; /* SYNQ_EV_DATA: the bytes, ours to free or send */
};

/** An application lcore's context. */
struct synq_app_lcore {
	unsigned int lcore_id;
	struct synq_listeners *ls;
	struct synq_sessions *ss;
	struct rte_ring *events;	   /* ours: workers enqueue, we dequeue */
	struct rte_ring *const *cmd_rings; /* each worker's, by lcore id */
	struct rte_mempool *pool;	   /* for synq_app_send_copy() */
	struct synq_counters *ctr;
	/* commands that found a command ring full, in order (a ring buffer) */
	struct synq_app_waiting *outbox;
	uint32_t out_head;
	uint32_t out_len;
	/* the built-in applications (builtin.c) */
	uint32_t *blocked; /* echo sessions waiting for room in their snd_buf */
	uint32_t nb_blocked;
	uint32_t blocked_cap;
	uint8_t *own; /* enum synq_app_own of each session of the pool, by index */
	/* the sessions whose SYNQ_EV_CLOSED the last burst returned (OWN_CLOSING) */
	uint32_t closing[2 * SYNQ_APP_BURST];
	uint32_t nb_closing;
	char *http_resp[SYNQ_MAX_LISTENERS][3]; /* keep-alive, close, 1.0 keep-alive */
	uint32_t http_resp_len[SYNQ_MAX_LISTENERS][3];
	uint32_t http_resp_max[SYNQ_MAX_LISTENERS]; /* the longest answer, errors too */
	/* http: the head pool (listeners.http_head_buffers) and the paused sessions */
	struct synq_app_head *heads; /* NULL when no listener runs http */
	uint32_t *heads_free;	     /* a stack of free indexes into heads */
	uint32_t nb_heads;
	uint32_t nb_heads_free;
	struct synq_app_http_paused *http_paused; /* the pool's size of them */
	uint32_t nb_http_paused;
	/* the proxy app (builtin_proxy.c): its state, made at the first poll that needs it */
	struct synq_proxy *proxy;
	/* the metrics app (builtin_metrics.c): its snapshots and streams, made likewise */
	struct synq_app_metrics *metrics;
	/* where the proxy's connections leave from: the routes and the ports' addresses
	 * (synq_app_set_routes()); without them, the address the client connected to */
	const struct synq_route_table *routes;
	const struct synq_config *cfg;
	/* the ports whose RSS the transport knows (synq_app_set_rss_ports()) */
	uint32_t rss_ports;
	uint64_t now_ms;	/* the clock of the last poll */
	uint64_t heads_scan_ms; /* when the heads' deadlines are looked at next */
};

/**
 * Set up @p a for lcore @p lcore_id: the listeners @p ls and sessions @p ss, its event
 * ring @p events, the workers' command rings @p cmd_rings (by lcore id), the mbuf
 * pool for copies. Control plane.
 *
 * @return 0 or -ENOMEM.
 */
int synq_app_init(struct synq_app_lcore *a, unsigned int lcore_id, struct synq_listeners *ls,
	struct synq_sessions *ss, struct rte_ring *events, struct rte_ring *const *cmd_rings,
	struct rte_mempool *pool, struct synq_counters *ctr);

/**
 * The routes @p routes and config @p cfg (its ports' addresses) the proxy app chooses
 * the source address of a connection to a backend from (synq_route_lookup4/6()). Both
 * must outlive @p a. Control plane, before the lcore runs.
 */
void synq_app_set_routes(struct synq_app_lcore *a, const struct synq_route_table *routes,
	const struct synq_config *cfg);

/**
 * The ports (bit i: synq_config.ports[i]) whose RSS key and redirection table the
 * transport knows: a worker of any of their rx queues may open a connection from them,
 * its local port chosen so that the replies land on its own queue. On the other ports
 * (none known: 0, the default) only the worker of rx queue 0 may, the queue that
 * receives everything of a port of one queue. The proxy app chooses the worker of its
 * connections to backends by it. Control plane, before the lcore runs.
 */
void synq_app_set_rss_ports(struct synq_app_lcore *a, uint32_t rss_ports);

/**
 * Check that for every backend of @p cfg's proxy listeners some worker can open the
 * connection: the port the route to it (@p routes, built from @p cfg) leaves from has
 * a worker that may connect from it, by the rule of synq_app_set_rss_ports() with
 * @p rss_ports. Control plane, no EAL needed; the runtime calls it at start, once the
 * ports' RSS is known.
 *
 * @return 0, or -EINVAL (-ENETUNREACH for a backend without a route, which the parser
 *   refuses) with @p err naming the listener, the backend and the port.
 */
int synq_app_proxy_check(const struct synq_config *cfg, const struct synq_route_table *routes,
	uint32_t rss_ports, char *err, size_t errlen);

/** Free what synq_app_init() allocated. */
void synq_app_free(struct synq_app_lcore *a);

/**
 * Take up to @p n sessions from @p l's accept queue and make them ours: their events
 * come to this lcore from now on (data that came first included).
 *
 * @return how many were taken.
 */
uint16_t synq_app_accept(
	struct synq_app_lcore *a, struct synq_listener *l, struct synq_session **s, uint16_t n);

/**
 * Open a connection (issue 13, active open) to @p addr port @p port (network order),
 * @p family 4 or 6 (an IPv4 address in @p addr's first 4 bytes), from our address
 * @p src (of a port that worker @p worker polls), under listener @p l's "tcp"
 * settings, carried by worker lcore @p worker: the one whose rx queue of that port
 * will get the replies (the transport chooses the local port so). The session is
 * ours at once: its first event is SYNQ_EV_CONNECTED, SYNQ_EV_REFUSED,
 * SYNQ_EV_TIMEDOUT or SYNQ_EV_CONNECT_FAILED (its reason says whether synq or the
 * path failed: struct synq_app_event); the last, as always, SYNQ_EV_CLOSED.
 *
 * @return 0 with *@p out set; -ENOMEM (the session pool is empty: SynqConnPoolEmpty),
 *   -EINVAL (a bad family or worker), -ENOBUFS (outbox full): nothing done.
 */
int synq_app_connect(struct synq_app_lcore *a, unsigned int worker, const struct synq_listener *l,
	uint8_t family, const uint8_t *addr, uint16_t port, const uint8_t *src,
	struct synq_session **out);

/**
 * Up to @p n events of this lcore's sessions, oldest first. Commands that waited for
 * room on a command ring go out first.
 *
 * @return how many were written to @p ev.
 */
uint16_t synq_app_recv_burst(struct synq_app_lcore *a, struct synq_app_event *ev, uint16_t n);

/**
 * Send the bytes of @p m (a chain) on @p s. On success the worker owns @p m.
 *
 * @return 0; -EAGAIN when the session's snd_buf has no room for them (try again
 *   later: the client's ACKs make room); -ENOBUFS when even the outbox is full;
 *   -EPIPE after SYNQ_EV_CLOSED, -ESTALE for a session not ours (see above).
 *   On failure @p m is still the caller's.
 */
int synq_app_send(struct synq_app_lcore *a, struct synq_session *s, struct rte_mbuf *m);

/**
 * synq_app_send() of a copy of @p len bytes at @p buf (mbufs from the app's pool).
 *
 * @return as synq_app_send(), or -ENOMEM when the pool has no mbuf.
 */
int synq_app_send_copy(
	struct synq_app_lcore *a, struct synq_session *s, const void *buf, size_t len);

/**
 * @p n bytes of data events dealt with: the receive window opens by as much.
 *
 * @return 0, -ENOBUFS (outbox full: the bytes are counted consumed, but the worker
 * is not told that the window may open: synq_app_window() later, not this again),
 * -EPIPE or -ESTALE (nothing done), -EINVAL (@p n past the bytes handed and not yet
 * reported: nothing done, counted).
 */
int synq_app_consumed(struct synq_app_lcore *a, struct synq_session *s, uint32_t n);

/**
 * Tell the worker that @p s's receive window may open (what synq_app_consumed() does
 * when it opens past half): after a synq_app_consumed() the full outbox refused.
 *
 * @return 0, -ENOBUFS (outbox full), -EPIPE or -ESTALE (nothing done).
 */
int synq_app_window(struct synq_app_lcore *a, struct synq_session *s);

/**
 * Close @p s: a FIN once everything sent is out. Events still come, to CLOSED.
 *
 * @return 0, -ENOBUFS (outbox full), -EPIPE or -ESTALE (nothing done).
 */
int synq_app_close(struct synq_app_lcore *a, struct synq_session *s);

/**
 * Abort @p s: a RST, queues dropped. SYNQ_EV_CLOSED still comes.
 *
 * @return 0, -ENOBUFS (outbox full), -EPIPE or -ESTALE (nothing done).
 */
int synq_app_abort(struct synq_app_lcore *a, struct synq_session *s);

/**
 * After SYNQ_EV_CLOSED: give @p s back to the pool.
 *
 * @return 0; -EBUSY before its SYNQ_EV_CLOSED (the worker still carries it),
 *   -ESTALE when it is not ours (released already): nothing done, counted
 *   (SynqAppCmdStale). A session is never given back twice.
 */
int synq_app_release(struct synq_app_lcore *a, struct synq_session *s);

/**
 * One pass of the built-in applications (hold, reset, close, echo, http, proxy; the
 * listeners' `app`): accept, handle the events, retry what waited, and the http
 * heads' deadlines, on the timer clock.
 *
 * @return the work done (connections accepted and events handled).
 */
unsigned int synq_app_builtin_poll(struct synq_app_lcore *a);

/** synq_app_builtin_poll() with the clock given: @p now_ms never goes back. */
unsigned int synq_app_builtin_poll_at(struct synq_app_lcore *a, uint64_t now_ms);

#endif /* SYNQ_APP_H */
