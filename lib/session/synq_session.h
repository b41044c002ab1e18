/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_SESSION_H
#define SYNQ_SESSION_H

/**
 * @file
 * Sessions: what an application lcore and the worker that carries a connection
 * share. A session is the application's side of a connection (its identity, the
 * byte counts both sides keep, the application's own fields, a generation number);
 * the transport's side (the TCP state, lib/tcp) is a connection object of its own,
 * written only by the owning worker, never read by the application. This is VPP's
 * split of session_t from transport_connection_t.
 *
 * One pool of sessions for the whole node (an array and a lock-free ring of the free
 * ones): workers take a session when a handshake completes, applications give it
 * back after its last event. Session i's transport connection is connection i of
 * the transport's own array, so the index names both; the messages between
 * application lcores and workers (16 bytes on lock-free rings) carry it, with the
 * generation so that a message about a session that has been given back and taken
 * again is recognised as stale.
 *
 * Works without EAL too (plain memory), for the unit tests, the fuzzer and the
 * microbenchmark.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

/** Slots of a worker's command ring: messages in flight from applications to it. */
#define SYNQ_SESSION_CMD_RING 4096
/** Slots of an application lcore's event ring: messages in flight from workers to it. */
#define SYNQ_SESSION_EVENT_RING 16384

/** What kind of transport connection carries a session. */
enum synq_session_kind {
	SYNQ_SESSION_TCP_PASSIVE = 1, /* accepted by a listener (lib/tcp's handshake) */
	SYNQ_SESSION_TCP_ACTIVE,      /* opened by synq (SYNQ_CMD_CONNECT, lib/tcp) */
};

/**
 * The application's side of a connection, from its promotion to its release.
 *
 * Three parts with one writer each (docs/architecture.md, "Threads and shared state"):
 * the identity, written once by the worker that creates the session before the accept
 * queue publishes it; the two byte counts, which both sides change atomically; the
 * application's fields, written by the application lcore that accepted it (the worker
 * reads app_lcore once, on the attach command that follows the write on a ring).
 */
struct synq_session {
	/* identity: the creating worker writes it before publishing, then read-only */
	uint8_t family;		/* 4 or 6 */
	uint8_t kind;		/* enum synq_session_kind */
	uint16_t listener;	/* index of the listener that accepted it */
	uint16_t worker;	/* the owning worker's lcore: where commands go */
	/*
	 * the peer: the client, or the server synq connected to (SYNQ_SESSION_TCP_ACTIVE:
	 * written by the app before SYNQ_CMD_CONNECT, the worker writes dport then)
	 */
	uint16_t sport;		/* the peer's port, network order */
	uint16_t dport;		/* ours, network order */
	uint8_t saddr[16];	/* the peer's address; IPv4 in the first 4 bytes */
	uint8_t daddr[16];	/* ours */
	/* the pool: bumped by synq_session_free(); read by anyone (relaxed) */
	_Atomic uint16_t gen;

	/* both sides, atomically */
	atomic_uint rcv_unread;	 /* bytes delivered or queued, not consumed: worker +, app - */
	atomic_uint snd_pending; /* bytes the app sent, not acknowledged: app +, worker - */

	/* the application only (app_lcore: read by the worker on SYNQ_CMD_ATTACH) */
	uint16_t app_lcore;	/* the lcore whose event ring gets its events */
	void *app_ptr;
	uint64_t app_u64[2];
} __rte_cache_aligned;

/** The node's session pool. */
struct synq_sessions {
	struct synq_session *s; /* nb of them */
	uint32_t nb;
	struct rte_ring *free;	/* the free ones: workers take, applications give back */
	bool eal_mem;		/* memory from EAL, else from the C library */
};

/**
 * Create a pool of @p nb sessions on @p socket (EAL memory when EAL runs, else plain
 * memory). Control plane.
 *
 * @return 0 (an empty pool for @p nb 0), or -ENOMEM.
 */
int synq_sessions_create(struct synq_sessions *ss, uint32_t nb, int socket);

/** Free the pool; sessions still out are lost. Control plane. */
void synq_sessions_free(struct synq_sessions *ss);

/** A free session, or NULL when none is left. Any lcore; lock-free. */
static inline struct synq_session *
synq_session_alloc(struct synq_sessions *ss)
{
	void *s;

	/* the ring is multi-consumer (synq_mem_ring()): no dispatch on its sync type */
	return rte_ring_mc_dequeue(ss->free, &s) == 0 ? s : NULL;
}

/**
 * Give @p s back to the pool; its generation moves on, so that messages still about
 * it are known as stale. Any lcore; lock-free. The transport keeps nothing of it by
 * then (the last event, SYNQ_EV_CLOSED, says so).
 */
void synq_session_free(struct synq_sessions *ss, struct synq_session *s);

/** The index of @p s in the pool: what messages carry. */
static inline uint32_t
synq_session_index(const struct synq_sessions *ss, const struct synq_session *s)
{
	return (uint32_t)(s - ss->s);
}

/** The session at pool index @p i. */
static inline struct synq_session *
synq_session_at(const struct synq_sessions *ss, uint32_t i)
{
	return &ss->s[i];
}

/** The generation of @p s now. Any lcore. */
static inline uint16_t
synq_session_gen(const struct synq_session *s)
{
	return atomic_load_explicit(&s->gen, memory_order_relaxed);
}

/** What goes over the rings between a worker and an application lcore (16 bytes). */
struct synq_session_msg {
	uint32_t session;   /* index in the pool (synq_session_at()) */
	uint16_t gen;	    /* the session's generation when the message was made */
	uint8_t kind;	    /* enum synq_session_cmd or enum synq_session_event */
	uint8_t reason;	    /* SYNQ_EV_CONNECT_FAILED: enum synq_connect_reason; else 0 */
	struct rte_mbuf *m; /* SYNQ_CMD_SEND, SYNQ_EV_DATA: the bytes; else NULL */
};

/** Application to worker, on the worker's command ring. */
enum synq_session_cmd {
	SYNQ_CMD_ATTACH = 1, /* events go to the session's app_lcore from now on */
	SYNQ_CMD_SEND,	     /* append m (a chain) to the send queue */
	SYNQ_CMD_CLOSE,	     /* FIN after the send queue (RFC 9293 3.10.4) */
	SYNQ_CMD_ABORT,	     /* RST, everything dropped (3.10.5) */
	SYNQ_CMD_WINDOW,     /* the app consumed bytes: the window may open */
	/*
	 * open a connection to the session's saddr / sport from its daddr (the app took
	 * the session from the pool and filled them: synq_app_connect())
	 */
	SYNQ_CMD_CONNECT,
};

/** Worker to application, on the application lcore's event ring. */
enum synq_session_event {
	SYNQ_EV_DATA = 1,    /* m: in-order bytes (a chain); the app owns it */
	SYNQ_EV_PEER_CLOSED, /* the client's FIN: no more data will come */
	SYNQ_EV_RESET,	     /* the client's RST, a timeout, or the retransmissions gave up */
	SYNQ_EV_CLOSED,	     /* the last event: the worker keeps nothing; release it */
	/* a connection synq opened (SYNQ_CMD_CONNECT): the first event is one of these */
	SYNQ_EV_CONNECTED,	/* the handshake completed: send and receive */
	SYNQ_EV_REFUSED,	/* the peer answered the SYN with a RST */
	SYNQ_EV_TIMEDOUT,	/* no SYN-ACK after tcp.syn_retries retransmissions */
	SYNQ_EV_CONNECT_FAILED, /* not made: why in the message's reason */
};

/**
 * Why a connection synq opened failed (SYNQ_EV_CONNECT_FAILED's reason): synq's own
 * shortage, which says nothing of the peer, or the path to the peer.
 */
enum synq_connect_reason {
	SYNQ_CONNECT_OK = 0, /* no failure (every other event) */
	/* synq's own: synq_connect_reason_local() */
	SYNQ_CONNECT_NO_FLOW,	  /* the flow table, or the listener's share of it, full */
	SYNQ_CONNECT_NO_PORT,	  /* no local port of tcp.local_ports free to the peer */
	SYNQ_CONNECT_BAD_ADDRESS, /* a source not ours (or tentative), a martian peer */
	SYNQ_CONNECT_LOCAL,	  /* no routed send, a bad session: nothing sent */
	/* the path to the peer */
	SYNQ_CONNECT_NO_ROUTE,	  /* the SYN found no route (lib/net: -ENETUNREACH) */
	SYNQ_CONNECT_UNREACHABLE, /* the next hop FAILED: ARP / ND unanswered */
};

/** Whether @p reason is synq's own shortage, which tells nothing of the peer. */
static inline bool
synq_connect_reason_local(uint8_t reason)
{
	return reason >= SYNQ_CONNECT_NO_FLOW && reason <= SYNQ_CONNECT_LOCAL;
}

/** A message of @p kind about @p s, carrying @p m. */
static inline struct synq_session_msg
synq_session_msg(const struct synq_sessions *ss, const struct synq_session *s, uint16_t kind,
	struct rte_mbuf *m)
{
	return (struct synq_session_msg){
		.session = synq_session_index(ss, s),
		.gen = synq_session_gen(s),
		.kind = (uint8_t)kind,
		.m = m,
	};
}

#endif /* SYNQ_SESSION_H */
