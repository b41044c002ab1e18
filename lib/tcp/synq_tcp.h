/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_H
#define SYNQ_TCP_H

/**
 * @file
 * The handshake engine of one worker: TCP segments for our addresses come here from
 * the IPv4/IPv6 input. SYNs to a listener get a SYN-ACK built in place, from a SYN
 * table entry or a cookie; final ACKs that match an entry or carry a valid cookie are
 * promoted into the listener's accept ring; RSTs remove half-open entries; timers
 * retransmit SYN-ACKs and expire entries. See docs/architecture.md.
 *
 * Everything here belongs to one worker lcore; the listeners and their rings are the
 * only shared state (lock-free rings, and one atomic count in the bsd queue model).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "synq_config.h"
#include "synq_cookie.h"
#include "synq_flowtab.h"
#include "synq_iface.h"
#include "synq_listener.h"
#include "synq_stats.h"
#include "synq_syntab.h"

/** Our MSS: a 1500-byte MTU less the IPv4 / IPv6 and TCP headers. */
#define SYNQ_TCP_MSS4 1460
#define SYNQ_TCP_MSS6 1440
/** The smallest MSS we send with, whatever the client says (Linux's tcp_min_snd_mss). */
#define SYNQ_TCP_MIN_MSS 48
/** The window of our SYN-ACK (never scaled, RFC 7323 2.2), or the rcv_buf if smaller. */
#define SYNQ_TCP_SYNACK_WINDOW 65535

/** The window a SYN-ACK of listener @p l offers. */
static inline uint16_t
synq_tcp_synack_window(const struct synq_config_tcp *t)
{
	return (uint16_t)(t->rcv_buf < SYNQ_TCP_SYNACK_WINDOW ? t->rcv_buf : SYNQ_TCP_SYNACK_WINDOW);
}
/** TTL / hop limit of what we send. */
#define SYNQ_TCP_TTL 64
/**
 * Entries a worker's closing table and accepted-flow table have at least (2 x 64 B an
 * entry: 512 KiB, small enough to stay in cache: every ACK that matches no half-open
 * entry looks in both). The closing table grows with the listeners' max_flows, the
 * accepted-flow table with their backlogs; when they run full, TIME-WAIT is skipped
 * (SynqTimeWaitSkipped) and SynqEstabTableFull counts.
 */
#define SYNQ_TCP_FLOWS_MIN 4096

/** The states of RFC 9293 3.3.2 a connection of the flow table goes through. */
enum synq_tcp_state {
	SYNQ_TCP_ESTABLISHED = 1,
	SYNQ_TCP_CLOSE_WAIT,  /* the client's FIN came; ours waits for the application */
	SYNQ_TCP_FIN_WAIT_1,  /* our FIN sent, not acknowledged */
	SYNQ_TCP_FIN_WAIT_2,  /* our FIN acknowledged, the client's still to come */
	SYNQ_TCP_CLOSING,     /* both FINs sent, ours not acknowledged */
	SYNQ_TCP_LAST_ACK,    /* the client's FIN first, then ours, not acknowledged */
	SYNQ_TCP_TIME_WAIT,   /* both done: to the closing table at the next output */
	SYNQ_TCP_CLOSED,      /* out of the flow table; only events left to deliver */
};

/** The initial congestion window, in segments (RFC 6928). */
#define SYNQ_TCP_IW 10
/** RTO bounds and start (RFC 6298; the minimum is Linux's, not the RFC's 1 s). */
#define SYNQ_TCP_RTO_MIN_MS 200
#define SYNQ_TCP_RTO_MAX_MS 60000
#define SYNQ_TCP_RTO_INIT_MS 1000
/** Retransmissions of one segment before the connection is given up (reset). */
#define SYNQ_TCP_RETRIES 10
/** Flow-table slots whose timers one synq_tcp_timers() call runs. */
#define SYNQ_TCP_FLOW_TIMER_BUDGET 256

/** RSTs to strangers (closed ports, stray ACKs) a worker sends a second, and at once. */
#define SYNQ_TCP_RST_PER_S 1000u
#define SYNQ_TCP_RST_BURST 100u

/** Slots of the SYN table whose timers one synq_tcp_timers() call runs. */
#define SYNQ_TCP_TIMER_BUDGET 64

/** A TCP segment, located by the IP input. */
struct synq_tcp_seg {
	struct rte_mbuf *m;
	uint8_t *l3;	     /* the IPv4 or IPv6 header */
	uint16_t l2_len;
	uint16_t l3_len;     /* IP header length */
	uint16_t l4_len;     /* TCP header + payload, from the IP length fields */
	uint8_t family;	     /* 4 or 6 */
	uint8_t daddr_idx;   /* which of the port's addresses it was sent to */
	uint8_t rxq_idx;     /* which of the worker's rx queues it came from */
};

/** One of the worker's (port, rx queue) pairs, as the engine needs it. */
struct synq_tcp_rxq {
	const struct synq_iface *iface;
	uint16_t port_id;
	uint16_t txq;
};

/** One worker's handshake state. Owning lcore only. */
struct synq_tcp_worker {
	unsigned int lcore_id;
	struct synq_listeners *listeners;
	struct synq_syntab *syntab;
	/*
	 * Connections in TIME-WAIT (they left the flow table). Same structure as the
	 * SYN table; in it client_isn is RCV.NXT, our_isn our FIN's sequence number.
	 */
	struct synq_syntab *closing;
	/* connections from a cookie, remembered 255 s: no replay opens them again */
	struct synq_syntab *estab;
	struct synq_cookie_ctx cookie;
	struct synq_sipkey isn_key;	/* RFC 6528 F() for our ISNs in table mode */
	struct rte_mempool *pool;	/* for retransmissions and RSTs */
	struct synq_tcp_rxq rxq[SYNQ_MAX_RXQ_PER_LCORE];
	unsigned int nb_rxq;
	uint32_t halfopen[SYNQ_MAX_LISTENERS]; /* entries of each listener in syntab */
	uint8_t max_synack_retries; /* the largest of the listeners', set at init */
	bool syntab_used;	    /* a listener has syncookies 0 or 1: SYNs look it up */
	uint32_t cookie_ms[SYNQ_MAX_LISTENERS]; /* when this worker last sent it a cookie */
	bool cookies_sent[SYNQ_MAX_LISTENERS];
	uint32_t rst_tokens; /* the RST bucket (SYNQ_TCP_RST_PER_S) */
	uint32_t rst_ms;
	/* the clock, read once per burst by synq_tcp_clock() */
	uint64_t tsc0;	   /* rte_rdtsc() at init */
	uint64_t unix0_ms; /* wall clock (ms) at init */
	uint64_t hz;
	uint64_t hz_ms;	   /* TSC ticks a millisecond */
	uint64_t hz_4us;   /* TSC ticks in the 4 us of RFC 6528's clock */
	uint64_t now_tsc;
	uint32_t now_ms;   /* since init */
	uint64_t now_s;	   /* CLOCK_REALTIME seconds: cookie windows agree across nodes */

	/* the data path */
	struct synq_flowtab *flows;	/* connections after promotion */
	uint32_t flows_of[SYNQ_MAX_LISTENERS]; /* of each listener, against its max_flows */
	uint32_t *dirty;		/* pool indices of connections with work to do */
	uint32_t nb_dirty;
	uint32_t dirty_cap;
	uint32_t curr_estab;		/* ESTABLISHED and CLOSE-WAIT (TcpCurrEstab) */
	uint8_t round;			/* polls, counted by synq_tcp_clock() */
	/* event ring of each application lcore, by lcore id; set before the first poll */
	struct rte_ring *const *app_rings;
	/* test.reorder_permille: one data segment held back until the next is handled */
	uint16_t reorder_permille;
	uint64_t reorder_rng;
	bool held_on;
	uint32_t held_ms;
	const struct synq_iface *held_ifc;
	struct synq_tcp_seg held;
};

/**
 * A hint for a burst: start loading the SYN-table slot that synq_tcp_input() will
 * read for the IPv4 segment from @p saddr:@p sport to our address number @p daddr_idx
 * port @p dport (network order), arrived on the worker's rx queue @p rxq_idx. Called
 * for every segment of a burst before the first is handled, so that the misses of
 * a table larger than the caches overlap. Nothing is checked or changed.
 */
void synq_tcp_prefetch4(const struct synq_tcp_worker *tw, uint32_t saddr, uint16_t sport,
	uint16_t dport, uint8_t daddr_idx, uint8_t rxq_idx);

/**
 * Set up @p tw for the lcore @p lcore_id: a SYN table sized for its share of every
 * listener's max_syn_backlog, on @p socket, the cookie secret. Control plane.
 *
 * @return 0 or a negative errno.
 */
int synq_tcp_worker_init(struct synq_tcp_worker *tw, unsigned int lcore_id,
	struct synq_listeners *ls, const uint8_t secret[16], struct rte_mempool *pool,
	int socket);

/**
 * Carry out an application's command (from the worker's command ring): attach, send,
 * close, abort, window. What it makes the connection send leaves with the next
 * synq_tcp_output(). Owning lcore only.
 */
void synq_tcp_command(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_conn_msg *msg);

/**
 * The frames and events of connections with work to do (after input, commands and
 * timers): data within the windows, retransmissions, FINs, ACKs, RSTs, and events
 * to the applications. Owning lcore only.
 *
 * @param out      frames built (at most @p max); a connection with more to send
 *                 stays in the list for the next call
 * @param out_rxq  for each, the index of the worker's rx queue (hence port, tx queue)
 * @return how many mbufs are in @p out.
 */
unsigned int synq_tcp_output(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct rte_mbuf **out, uint8_t *out_rxq, unsigned int max);

/** Free what synq_tcp_worker_init() allocated. */
void synq_tcp_worker_free(struct synq_tcp_worker *tw);

/** Read the clock: once per burst, before synq_tcp_input() and synq_tcp_timers(). */
void synq_tcp_clock(struct synq_tcp_worker *tw, uint64_t tsc);

/** What became of a segment. */
enum synq_tcp_verdict {
	SYNQ_TCP_DROP,	   /* counted; the caller frees the mbuf */
	SYNQ_TCP_REPLY,	   /* a reply was built in the mbuf: send it on the same port */
	SYNQ_TCP_CONSUMED, /* the mbuf now belongs to a connection (its data) */
};


/**
 * Handle one TCP segment for one of our addresses. Counts everything under the
 * names of docs/counters.md. Owning lcore only.
 */
enum synq_tcp_verdict synq_tcp_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_iface *ifc, struct synq_tcp_seg *seg);

/**
 * Run the SYN table's timers (a budget of slots a call): build SYN-ACK
 * retransmissions into new mbufs and count expiries. Owning lcore only.
 *
 * @param out      retransmissions built (at most @p max)
 * @param out_rxq  for each, the index of the worker's rx queue (hence port, tx queue)
 * @return how many mbufs are in @p out.
 */
unsigned int synq_tcp_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct rte_mbuf **out, uint8_t *out_rxq, unsigned int max);

#endif /* SYNQ_TCP_H */
