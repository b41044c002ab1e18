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
#include "synq_iface.h"
#include "synq_listener.h"
#include "synq_stats.h"
#include "synq_syntab.h"

/** Our MSS: a 1500-byte MTU less the IPv4 / IPv6 and TCP headers. */
#define SYNQ_TCP_MSS4 1460
#define SYNQ_TCP_MSS6 1440
/** The smallest MSS we send with, whatever the client says (Linux's tcp_min_snd_mss). */
#define SYNQ_TCP_MIN_MSS 48
/** The window of our SYN-ACK (never scaled, RFC 7323 2.2). */
#define SYNQ_TCP_SYNACK_WINDOW 65535
/** TTL / hop limit of what we send. */
#define SYNQ_TCP_TTL 64
/**
 * Entries a worker's closing table and accepted-flow table have at least (2 x 64 B an
 * entry: 512 KiB, small enough to stay in cache: every ACK that matches no half-open
 * entry looks in both). Both grow with the listeners' backlogs; when they run full,
 * TIME-WAIT is skipped and SynqEstabTableFull counts.
 */
#define SYNQ_TCP_FLOWS_MIN 4096

/** What an application asks of a connection's owning worker. */
enum synq_conn_cmd {
	SYNQ_CONN_RESET = 1, /* abort: RST (RFC 9293 3.10.5 ABORT) */
	SYNQ_CONN_CLOSE = 2, /* close: FIN, then acknowledge the client's FIN (3.10.4) */
};

/** RSTs to strangers (closed ports, stray ACKs) a worker sends a second, and at once. */
#define SYNQ_TCP_RST_PER_S 1000u
#define SYNQ_TCP_RST_BURST 100u

/** Slots of the SYN table whose timers one synq_tcp_timers() call runs. */
#define SYNQ_TCP_TIMER_BUDGET 64

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
	 * Connections we closed whose FIN exchange is not over. Same structure as the
	 * SYN table; in it client_isn is the next sequence number expected from the
	 * client, our_isn the sequence number of our FIN.
	 */
	struct synq_syntab *closing;
	/* connections accepted (on a ring or with an application), not yet closed */
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
 * Carry out @p c->cmd for the application: build the RST or the FIN in a new mbuf,
 * start the close exchange, give @p c back to the pool. Owning lcore only.
 *
 * @return the frame to send on the worker's rx queue *@p rxq_idx, or NULL.
 */
struct rte_mbuf *synq_tcp_conn_command(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_conn *c, uint8_t *rxq_idx);

/** Free what synq_tcp_worker_init() allocated. */
void synq_tcp_worker_free(struct synq_tcp_worker *tw);

/** Read the clock: once per burst, before synq_tcp_input() and synq_tcp_timers(). */
void synq_tcp_clock(struct synq_tcp_worker *tw, uint64_t tsc);

/** What became of a segment. */
enum synq_tcp_verdict {
	SYNQ_TCP_DROP,	   /* counted; the caller frees the mbuf */
	SYNQ_TCP_REPLY,	   /* a reply was built in the mbuf: send it on the same port */
	SYNQ_TCP_CONSUMED, /* the mbuf now belongs to a connection (its payload) */
};

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
