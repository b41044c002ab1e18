/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_LISTENER_H
#define SYNQ_LISTENER_H

/**
 * @file
 * Listeners and their accept rings: where a worker puts a connection whose handshake
 * completed, and where application lcores take it from (synq_accept_burst). One
 * lock-free rte_ring a listener, many producers (workers), many consumers (app
 * lcores). The queue semantics of docs/configuration.md (`queue_model`) are decided
 * here, so the workers and the tests share one definition.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <jansson.h>

#include "synq_config.h"

/**
 * A connection whose handshake completed, from promotion to its last event.
 *
 * Three parts with one writer each (docs/architecture.md, "Threads and shared state"):
 * the identity, written once by the promoting worker before the accept ring publishes
 * the object; the TCP state, written only by the owning worker (`worker`), never read
 * by the application; the application's own fields (`app_*`), never read by the
 * worker. The two counters in between are the only fields both sides write.
 *
 * Life: a worker takes it from the pool at promotion and puts it on an accept ring;
 * an application takes it with synq_app_accept(), which tells the worker where its
 * events go; the worker sends the last event, SYNQ_EV_CLOSED, once it keeps nothing
 * of the connection any more, and the application then gives it back to the pool
 * (synq_conn_release()).
 */
struct synq_conn {
	/* identity: the promoting worker writes it before publishing, then read-only */
	uint8_t family;	   /* 4 or 6 */
	uint8_t saddr[16]; /* client */
	uint8_t daddr[16]; /* ours */
	uint16_t sport;	   /* client, network order */
	uint16_t dport;	   /* ours, network order */
	uint32_t client_isn;
	uint32_t our_isn;
	uint16_t mss;	      /* what we may send: min(client's MSS, ours) */
	uint8_t snd_wscale;   /* the client's shift (applies to its windows), 0xff none */
	uint8_t rcv_wscale;   /* ours, 0xff none */
	bool sack;
	bool ts;
	bool via_cookie;      /* promoted from a cookie, not from a SYN table entry */
	uint8_t daddr_idx;    /* which of the port's addresses daddr is */
	uint64_t syn_tsc;     /* the SYN's arrival (rte_rdtsc of its burst); 0 for cookies */
	uint64_t ack_tsc;     /* the final ACK's arrival */
	uint16_t listener;    /* index */
	uint16_t port_id;     /* the port it came in on */
	uint16_t txq;	      /* the owning worker's tx queue on that port */
	uint8_t rxq_idx;      /* the owning worker's rx queue (index in its list) */
	uint16_t vlan;	      /* 802.1Q id of the port, 0 none */
	unsigned int worker;  /* owning worker's lcore id: the only writer of TCP state */
	struct rte_ether_addr peer_mac;
	struct rte_ether_addr our_mac;

	/* both sides, atomically */
	atomic_uint rcv_unread;	 /* bytes delivered or queued, not consumed: worker +, app - */
	atomic_uint snd_pending; /* bytes the app sent, not acknowledged: app +, worker - */

	/* the owning worker only (lib/tcp/tcp_conn.c) */
	uint8_t state;	      /* enum synq_tcp_state */
	uint16_t wflags;      /* what the worker has to do for it (tcp_conn.c) */
	uint8_t pend;	      /* events waiting for room on the app's ring */
	uint8_t backoff;      /* retransmissions of snd_una so far */
	uint8_t dupacks;
	uint8_t ack_round;    /* the poll whose data the ACK owed is for */
	uint8_t dupacks_owed; /* duplicate ACKs to send (segments past a hole) */
	uint16_t app_lcore;   /* where events go, once attached */
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2;
	uint32_t cwnd, ssthresh;
	uint32_t rcv_nxt, rcv_adv; /* rcv_adv: the right edge of the window advertised */
	uint32_t fin_seq;	   /* our FIN's sequence number, once sent */
	uint32_t srtt8, rttvar4, rto_ms; /* RFC 6298, in ms (srtt x 8, rttvar x 4) */
	uint32_t rtt_seq, rtt_ms;	 /* one segment timed (Karn), when no timestamps */
	uint32_t rtx_ms;      /* when the retransmission timer fires; 0 = off */
	uint32_t last_rx_ms;  /* the last segment received: the idle timeout */
	uint32_t attach_ms;   /* when the app took it: the first-byte timeout */
	uint32_t ts_recent;   /* the client's last TSval */
	uint32_t sndq_len;    /* bytes in sndq, from snd_una */
	struct rte_mbuf *sndq, *sndq_tail; /* unacknowledged and unsent bytes, in order */
	struct rte_mbuf *rcvq, *rcvq_tail; /* in-order data not yet on the app's ring */

	/* the application only */
	void *app_ptr;
	uint64_t app_u64[2];
} __rte_cache_aligned;

/** Connections in flight from applications to one worker (its command ring). */
#define SYNQ_CONN_CMD_RING 4096

/** What goes over the rings between a worker and an application lcore (16 bytes). */
struct synq_conn_msg {
	uint32_t conn;	    /* index in the pool (synq_conn_at()) */
	uint16_t kind;	    /* enum synq_conn_cmd or enum synq_conn_event */
	uint16_t arg;	    /* SYNQ_CMD_ATTACH: the application's lcore */
	struct rte_mbuf *m; /* SYNQ_CMD_SEND, SYNQ_EV_DATA: the bytes; else NULL */
};

/** Application to worker, on the worker's command ring. */
enum synq_conn_cmd {
	SYNQ_CMD_ATTACH = 1, /* events go to lcore `arg` from now on */
	SYNQ_CMD_SEND,	     /* append m (a chain) to the send queue */
	SYNQ_CMD_CLOSE,	     /* FIN after the send queue (RFC 9293 3.10.4) */
	SYNQ_CMD_ABORT,	     /* RST, everything dropped (3.10.5) */
	SYNQ_CMD_WINDOW,     /* the app consumed bytes: the window may open */
};

/** Worker to application, on the application lcore's event ring. */
enum synq_conn_event {
	SYNQ_EV_DATA = 1,    /* m: in-order bytes (a chain); the app owns it */
	SYNQ_EV_PEER_CLOSED, /* the client's FIN: no more data will come */
	SYNQ_EV_RESET,	     /* the client's RST, a timeout, or the retransmissions gave up */
	SYNQ_EV_CLOSED,	     /* the last event: the worker keeps nothing; release it */
};

/** One listener at run time. */
struct synq_listener {
	/* read-only after start */
	uint8_t family;	  /* 4, 6, 0 = both */
	bool any;
	uint8_t addr[16];
	uint16_t port_be; /* network order */
	uint32_t backlog; /* send_q */
	uint32_t syn_share; /* half-open entries per worker: ceil(max_syn_backlog / workers) */
	struct synq_config_tcp tcp;
	enum synq_app app;
	char http_body[SYNQ_HTTP_BODY_MAX + 1]; /* the http app's response body */
	struct rte_ring *accept; /* workers: enqueue, app lcores: dequeue */
	/* bsd queue model only: half-open + established of all workers; workers: inc on
	 * SYN, dec on expiry/RST; apps: dec on accept. Shared by design (one queue). */
	atomic_uint bsd_len __rte_cache_aligned;
};

struct synq_listeners {
	struct synq_listener l[SYNQ_MAX_LISTENERS];
	unsigned int nb;
	/*
	 * Connection objects: an array and a lock-free ring of the free ones (a pool
	 * that also works without EAL, for the unit tests and the fuzzer). Workers take,
	 * applications give back.
	 */
	struct synq_conn *conns;
	uint32_t nb_conns;
	struct rte_ring *conn_free;
	bool eal_mem; /* memory from rte_zmalloc_socket, else aligned_alloc */
};

/**
 * Create the listeners of @p cfg: an accept ring each (backlog + 1 slots, on
 * @p socket) and one connection pool for all. @p nb_workers is how many workers share
 * each listener's SYN backlog. Control plane; with EAL up the memory is EAL's, on
 * @p socket, else plain aligned memory (tests and fuzzing run without EAL).
 *
 * @return 0 or a negative errno with @p err set.
 */
int synq_listeners_create(struct synq_listeners *ls, const struct synq_config *cfg,
	unsigned int nb_workers, int socket, char *err, size_t errlen);

/** Free the rings and the pool; connections still out are lost. Control plane. */
void synq_listeners_free(struct synq_listeners *ls);

/** The listener for a segment to @p daddr port @p dport_be, or NULL. Any lcore. */
static inline struct synq_listener *
synq_listener_lookup(struct synq_listeners *ls, uint8_t family, const uint8_t *daddr,
	uint16_t dport_be)
{
	struct synq_listener *wild = NULL;

	for (unsigned int i = 0; i < ls->nb; i++) {
		struct synq_listener *l = &ls->l[i];

		if (l->port_be != dport_be || (l->family != 0 && l->family != family))
			continue;
		if (!l->any) {
			if (memcmp(l->addr, daddr, family == 4 ? 4 : 16) == 0)
				return l;
		} else {
			wild = l;
		}
	}
	return wild;
}

/**
 * Is the accept queue full, as the queue model counts it? linux: the kernel's
 * sk_acceptq_is_full() test, len > backlog; bsd: half-open and established together
 * reach backlog. Any lcore.
 */
static inline bool
synq_listener_accept_full(struct synq_listener *l)
{
	if (l->tcp.queue_model == SYNQ_QUEUE_BSD)
		return atomic_load_explicit(&l->bsd_len, memory_order_relaxed) >= l->backlog;
	return rte_ring_count(l->accept) > l->backlog;
}

/** ss -lnt's Recv-Q: connections waiting on the accept ring. Any thread. */
static inline uint32_t
synq_listener_recv_q(const struct synq_listener *l)
{
	return rte_ring_count(l->accept);
}

/**
 * Take up to @p n completed connections from @p l's accept ring. Application lcores;
 * lock-free, any number at once.
 *
 * @return how many were taken.
 */
uint16_t synq_accept_burst(struct synq_listener *l, struct synq_conn **conns, uint16_t n);

/** A free connection object, or NULL when none is left. Any lcore. */
static inline struct synq_conn *
synq_conn_alloc(struct synq_listeners *ls)
{
	void *c;

	return rte_ring_dequeue(ls->conn_free, &c) == 0 ? c : NULL;
}

/** Give a connection back (any mbufs its queues still hold too). Any lcore. */
void synq_conn_free(struct synq_listeners *ls, struct synq_conn *c);

/** The index of @p c in the pool, for the rings. */
static inline uint32_t
synq_conn_index(const struct synq_listeners *ls, const struct synq_conn *c)
{
	return (uint32_t)(c - ls->conns);
}

/** The connection at pool index @p i. */
static inline struct synq_conn *
synq_conn_at(const struct synq_listeners *ls, uint32_t i)
{
	return &ls->conns[i];
}

/** Listeners as the stats document shows them: address, port, recv_q, send_q. */
json_t *synq_listeners_json(const struct synq_listeners *ls);

#endif /* SYNQ_LISTENER_H */
