/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_H
#define SYNQ_TCP_H

/**
 * @file
 * The TCP transport. TCP segments for our addresses come here from the IPv4/IPv6
 * input. SYNs to a listener get a SYN-ACK built in place, from a SYN table entry or a
 * cookie; final ACKs that match an entry or carry a valid cookie promote the flow: a
 * session (lib/session) on the listener's accept queue and a connection in the
 * worker's flow table, carried from then on by the data path (in-order receive,
 * retransmission, congestion control, FIN and RST both ways, TIME-WAIT); timers
 * retransmit SYN-ACKs and data. docs/architecture.md has the design.
 *
 * Two objects, both opaque: struct synq_tcp, the transport's part shared by every
 * worker (the connections, one per session of the pool, each written only by the
 * worker that owns it; the listeners; the cookie secret), made once; and struct
 * synq_tcp_worker, one worker lcore's own state (its tables, clock and lists),
 * touched only by that lcore.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "synq_config.h"
#include "synq_iface.h"
#include "synq_rss.h"
#include "synq_listener.h"
#include "synq_session.h"
#include "synq_stats.h"

/** Our MSS: a 1500-byte MTU less the IPv4 / IPv6 and TCP headers. */
#define SYNQ_TCP_MSS4 1460
#define SYNQ_TCP_MSS6 1440
/** The smallest MSS we send with, whatever the client says (Linux's tcp_min_snd_mss). */
#define SYNQ_TCP_MIN_MSS 48
/** The window of our SYN-ACK (never scaled, RFC 7323 2.2), or the rcv_buf if smaller. */
#define SYNQ_TCP_SYNACK_WINDOW 65535

/** The states of RFC 9293 3.3.2 a connection of the flow table goes through. */
enum synq_tcp_state {
	SYNQ_TCP_FREE = 0,    /* no connection: the session is free or handed over */
	SYNQ_TCP_ESTABLISHED,
	SYNQ_TCP_CLOSE_WAIT,  /* the client's FIN came; ours waits for the application */
	SYNQ_TCP_FIN_WAIT_1,  /* our FIN sent, not acknowledged */
	SYNQ_TCP_FIN_WAIT_2,  /* our FIN acknowledged, the client's still to come */
	SYNQ_TCP_CLOSING,     /* both FINs sent, ours not acknowledged */
	SYNQ_TCP_LAST_ACK,    /* the client's FIN first, then ours, not acknowledged */
	SYNQ_TCP_TIME_WAIT,   /* both done: to the TIME-WAIT memory at the next output */
	SYNQ_TCP_CLOSED,      /* out of the flow table; only events left to deliver */
	SYNQ_TCP_SYN_SENT,    /* a connection synq opened: our SYN sent, no SYN-ACK yet */
};

/**
 * A TCP segment, located by the IP input: the parsed record each layer hands down, so
 * that no layer reads or checks a header field another did (issue 14). The IP input
 * fills the first part; synq_tcp_input() the TCP part, once its checks passed.
 */
struct synq_tcp_seg {
	struct rte_mbuf *m;
	uint8_t *l3;	     /* the IPv4 or IPv6 header */
	uint16_t l2_len;
	uint16_t l3_len;     /* IP header length */
	uint16_t l4_len;     /* TCP header + payload, from the IP length fields */
	uint8_t family;	     /* 4 or 6 */
	uint8_t daddr_idx;   /* which of the port's addresses it was sent to */
	uint8_t rxq_idx;     /* which of the worker's rx queues it came from */
	uint32_t saddr4;     /* IPv4: the source address, network order (0 for IPv6) */
	uint32_t daddr4;     /* IPv4: the destination address, network order */
	/* synq_tcp_input(), after its checks: */
	const struct rte_tcp_hdr *th;
	uint32_t seq;	     /* host order */
	uint32_t ack;	     /* host order */
	uint16_t doff;	     /* the TCP header's length, options included */
	uint8_t flags;	     /* the TCP flags */
	uint16_t tag;	     /* the caller's name for it: synq_tcp_burst_end() gives it back */
	bool hashed;	     /* hash is set (synq_tcp_prefetch_burst()) */
	/*
	 * the record lives in the burst's array (synq_tcp_burst_begin()) until
	 * synq_tcp_burst_end(), not on a stack: an IPv4 cookie SYN's may wait there for
	 * its cookie, an IPv4 ACK's cookie be checked with the burst's others
	 */
	bool kept;
	uint64_t hash;	     /* the flow key's, with the worker's table seed */
};

/** What became of a segment. */
enum synq_tcp_verdict {
	SYNQ_TCP_DROP,	   /* counted; the caller frees the mbuf */
	SYNQ_TCP_REPLY,	   /* a reply was built in the mbuf: send it on the same port */
	SYNQ_TCP_CONSUMED, /* the mbuf now belongs to a connection (its data) */
	/*
	 * only inside synq_tcp_burst_begin() / _end(): a cookie SYN whose SYN-ACK
	 * synq_tcp_burst_end() computes and writes with the burst's others
	 */
	SYNQ_TCP_DEFERRED,
};

struct synq_tcp;
struct synq_tcp_worker;

/**
 * The transport for the listeners @p ls and the session pool @p ss (one connection
 * for each session, on @p socket), with the cookie secret @p secret that every worker
 * of this node uses. Control plane; works without EAL (plain memory).
 *
 * @return the transport, or NULL with rte_errno set (ENOMEM).
 */
struct synq_tcp *synq_tcp_create(struct synq_listeners *ls, struct synq_sessions *ss,
	const uint8_t secret[SYNQ_COOKIE_SECRET_LEN], int socket);

/** Free the transport and the mbufs its connections still hold. Control plane. */
void synq_tcp_free(struct synq_tcp *tcp);

/** One of a worker's (port, rx queue) pairs, as the transport needs it. */
struct synq_tcp_rxq {
	const struct synq_iface *iface; /* the port's addresses, MAC, VLAN, offloads */
	uint16_t port_id;
	uint16_t queue_id;		/* the port's rx queue number */
	/*
	 * The port's RSS (lib/iface/rss.c), read-only, for the local ports of the
	 * connections synq opens: their replies must land on this queue. NULL, or no
	 * RSS (reta_size 0): the port has one queue, or cannot tell; any port does.
	 */
	const struct synq_rss *rss;
};

/**
 * Send a packet of a connection synq opened (active open), and whatever such a
 * connection sends later: @p m holds the IPv4 or IPv6 packet from its IP header on
 * (headroom left for Ethernet and a VLAN tag), to @p dst (@p family 4: its first 4
 * bytes) from our port @p port_id. The callee finds the route and the next hop's
 * MAC, writes the Ethernet header and sends or queues the packet (lib/net).
 *
 * @return 0 or more when it sent or queued @p m (lib/net's synq_net_send_routed():
 *   1, queued until the next hop resolves); a negative errno when it refused it (no
 *   route, next hop FAILED). It takes @p m either way. Called on the worker's lcore.
 */
typedef int (*synq_tcp_send_routed_t)(void *arg, struct rte_mbuf *m, uint8_t family,
	const uint8_t *dst, uint16_t port_id);

/** What a worker's transport state is made from. */
struct synq_tcp_worker_conf {
	unsigned int lcore_id;
	int socket;			/* NUMA node of its memory */
	struct rte_mempool *pool;	/* for retransmissions and segments of data */
	struct synq_tcp_rxq rxq[SYNQ_MAX_RXQ_PER_LCORE];
	unsigned int nb_rxq;
	/* the event ring of each application lcore, by lcore id; read from the first poll */
	struct rte_ring *const *app_rings;
	uint64_t tsc_hz;		/* the TSC rate; 0: EAL's (1 GHz without EAL) */
	/* truesize its connections may hold together (pressure levels); 0: no limit */
	uint64_t mem_budget;
	/*
	 * Entries the TIME-WAIT and the replay memory each have beyond the listeners'
	 * max_flows; 0: 4096 (TCP_FLOWS_MIN). A harness that makes a world per run sets
	 * it small: creating and sweeping 2 x 16384 slots was most of such a run.
	 */
	uint32_t flowmem_min;
	/* issue 13: how the connections synq opens send (NULL: they cannot be opened) */
	synq_tcp_send_routed_t send_routed;
	void *send_arg;
};

/**
 * One worker's state: a SYN table sized for its share of every listener's
 * max_syn_backlog, its flow table, TIME-WAIT and replay memories, on @p conf->socket.
 * Control plane.
 *
 * @return the state, or NULL with rte_errno set (ENOMEM; EIO when no random key).
 */
struct synq_tcp_worker *synq_tcp_worker_create(struct synq_tcp *tcp,
	const struct synq_tcp_worker_conf *conf);

/**
 * Set how the connections @p tw opens send (what conf->send_routed says), for a
 * program that wires it after the runtime is built. Control plane, before the worker
 * runs (or on its own lcore).
 */
void synq_tcp_worker_set_send(struct synq_tcp_worker *tw, synq_tcp_send_routed_t fn, void *arg);

/**
 * Set the RSS of the port of @p tw's rx queue number @p rxq_idx (conf->rxq[].rss),
 * which must outlive @p tw. Control plane, as synq_tcp_worker_set_send().
 */
void synq_tcp_worker_set_rss(struct synq_tcp_worker *tw, unsigned int rxq_idx,
	const struct synq_rss *rss);

/** Free what synq_tcp_worker_create() made; NULL is ignored. Control plane. */
void synq_tcp_worker_free(struct synq_tcp_worker *tw);

/**
 * issue 15: rotate @p tw's cookie secret to @p secret (synq_cookie_rotate() at the
 * worker's cookie clock): cookies of the window after its current one on are made
 * with it, those made before validate for their whole life. The RFC 6528 key of the
 * SYN table's ISNs is the worker's own, not the cookie secret: the entries in flight
 * keep their ISNs. Owning lcore only.
 *
 * @return the cookie window the new secret is in force from.
 */
uint32_t synq_tcp_worker_rotate_secret(
	struct synq_tcp_worker *tw, const uint8_t secret[SYNQ_COOKIE_SECRET_LEN]);

struct synq_srcsketch;

/**
 * The SYN sources' sketch of @p tw (synq_srcsketch.h), for synq_stats_sketch_register():
 * others read it only through synq_srcsketch_read(). Any thread.
 */
const struct synq_srcsketch *synq_tcp_worker_sketch(const struct synq_tcp_worker *tw);

/**
 * Read the clock: once per burst, before synq_tcp_input() and synq_tcp_timers(). The
 * SYN sources' sketch publishes its window when one has passed.
 */
void synq_tcp_clock(struct synq_tcp_worker *tw, uint64_t tsc);

/**
 * Whether synq_tcp_prefetch_burst() has any use: some listener keeps a SYN table.
 * Owning lcore only.
 */
bool synq_tcp_prefetch_wanted(const struct synq_tcp_worker *tw);

/**
 * A hint for a burst: for each record of @p segs (@p n of them) that @p sel marks
 * @p parsed (sel[i] == parsed: a record whole) and that carries SYN or ACK, start
 * loading the SYN-table slot that synq_tcp_input_parsed() will read, and keep its flow
 * key's hash in it for every table it is looked up in. Called before the burst's first
 * segment is handled, so that the misses of a table larger than the caches overlap.
 * Nothing else is changed.
 */
void synq_tcp_prefetch_burst(const struct synq_tcp_worker *tw, struct synq_tcp_seg *segs,
	const uint8_t *sel, uint8_t parsed, unsigned int n);

/**
 * Handle one TCP segment for one of our addresses. Counts everything under the
 * names of docs/counters.md. Owning lcore only.
 */
enum synq_tcp_verdict synq_tcp_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_iface *ifc, struct synq_tcp_seg *seg);

/**
 * synq_tcp_input() of a segment whose stateless checks the caller made already, in
 * their order and with their counters (TcpInSegs included: length, data offset,
 * checksum passed), and whose record it filled whole, the TCP part too: the burst's
 * IPv4 fast path (lib/net/input.c). Owning lcore only.
 */
enum synq_tcp_verdict synq_tcp_input_parsed(struct synq_tcp_worker *tw,
	struct synq_counters *ctr, const struct synq_iface *ifc, struct synq_tcp_seg *seg);

/** The most cookie SYN-ACKs one burst defers; past them, each is written at once. */
#define SYNQ_TCP_BURST_MAX 64

/**
 * Open a burst of the @p n records @p segs, those of them kept (seg->kept) IPv4
 * segments filled whole: until synq_tcp_burst_end(), synq_tcp_input_parsed() may
 * answer a kept SYN that gets a cookie with SYNQ_TCP_DEFERRED (its decision taken and
 * counted, its cookie and SYN-ACK not made yet), so that the cookies of a burst are
 * computed in SIMD lanes (synq_cookie_make_burst()); and the first kept ACK that
 * reaches a cookie check has the cookies of the burst's kept ACKs from it on checked in
 * lanes (synq_cookie_check_burst()). The records stay where they are, unchanged but
 * for what synq_tcp_input_parsed() writes, until the burst ends. @p n <=
 * SYNQ_TCP_BURST_MAX. Owning lcore only.
 */
void synq_tcp_burst_begin(struct synq_tcp_worker *tw, struct synq_tcp_seg *segs, unsigned int n);

/**
 * Close the burst: compute the cookies of its deferred SYNs, write their SYN-ACKs
 * (counted), and give each back as its seg's tag in @p tags and its verdict
 * (SYNQ_TCP_REPLY, or SYNQ_TCP_DROP when the mbuf had no room) in @p v, up to
 * SYNQ_TCP_BURST_MAX of each. @return how many.
 */
unsigned int synq_tcp_burst_end(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	uint16_t *tags, enum synq_tcp_verdict *v);

/**
 * Carry out an application's command (from the worker's command ring): attach, send,
 * close, abort, window. What it makes the connection send leaves with the next
 * synq_tcp_output(). A command about a session that is no longer this connection's
 * (given back since, or its last event sent) is dropped, its mbuf freed. Owning lcore
 * only.
 */
void synq_tcp_command(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_session_msg *msg);

/**
 * Open a connection (RFC 9293 3.10.1, active OPEN) for session @p s, which the caller
 * took from the pool and filled: family, saddr and sport (the peer, its port in
 * network order), daddr (ours: an address of one of this worker's ports), listener
 * (whose "tcp" settings apply: buffers, timeouts, tcp.syn_retries) and app_lcore
 * (where its events go: CONNECTED, or REFUSED or TIMEDOUT, then the usual ones to
 * CLOSED). The transport writes kind, worker and dport: a local port of
 * tcp.local_ports whose replies land on this worker's rx queue of the port (the
 * port's RSS), its 4-tuple neither in use nor in TIME-WAIT. The SYN leaves with the
 * next synq_tcp_output(), through the worker's send_routed. Owning lcore only.
 *
 * @return 0; -EINVAL (a martian or IPv4-mapped peer, a bad family, listener, port 0,
 *   or an app_lcore without an event ring),
 *   -EADDRNOTAVAIL (daddr is not one of this worker's ports' addresses, or no local
 *   port is free), -ENOSPC (the flow table, or the listener's share of it), -ENOTSUP
 *   (no send_routed), -EBUSY (the session is this worker's already). All counted;
 *   nothing is kept: @p s stays the caller's.
 */
int synq_tcp_connect(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_session *s);

/** Whether connections have work for synq_tcp_output(). Owning lcore only. */
bool synq_tcp_output_pending(const struct synq_tcp_worker *tw);

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

/**
 * Run the timers (a budget of slots of each table a call): build SYN-ACK
 * retransmissions into new mbufs, count expiries, forget what TIME-WAIT and the replay
 * memory held long enough, and the connections' retransmission, probe and idle timers
 * (their frames leave with synq_tcp_output()). Owning lcore only.
 *
 * @param out      retransmissions built (at most @p max)
 * @param out_rxq  for each, the index of the worker's rx queue (hence port, tx queue)
 * @return how many mbufs are in @p out.
 */
unsigned int synq_tcp_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct rte_mbuf **out, uint8_t *out_rxq, unsigned int max);

/** A worker's tables, as tests and operators see them. */
struct synq_tcp_worker_info {
	uint32_t syn_entries;		      /* half-open entries in its SYN table */
	uint32_t halfopen[SYNQ_MAX_LISTENERS]; /* of them, each listener's */
	bool cookies_sent[SYNQ_MAX_LISTENERS]; /* it ever answered the listener with a cookie */
	uint32_t flows;			      /* connections in its flow table */
	uint32_t time_wait;		      /* flows remembered in TIME-WAIT */
	uint32_t replay;		      /* cookie flows remembered against replays */
	uint32_t curr_estab;		      /* ESTABLISHED and CLOSE-WAIT */
	uint32_t time_wait_max;		      /* entries the TIME-WAIT memory has */
	uint32_t replay_max;		      /* entries the replay memory has */
};

/** Fill @p out. Exact from the owning lcore; a snapshot from any other. */
void synq_tcp_worker_info(const struct synq_tcp_worker *tw, struct synq_tcp_worker_info *out);

/** A connection, as tests and operators see it (what Linux's TCP_INFO tells). */
struct synq_tcp_conn_info {
	enum synq_tcp_state state;
	uint32_t client_isn;
	uint32_t our_isn;
	uint16_t mss;	      /* what we send with: min(client's MSS, ours) */
	uint8_t snd_wscale;   /* the client's shift (applies to its windows), 0xff none */
	uint8_t rcv_wscale;   /* ours, 0xff none */
	bool sack;
	bool ts;
	bool via_cookie;      /* promoted from a cookie, not from a SYN table entry */
	uint32_t ts_recent;   /* the client's last TSval */
	uint64_t syn_tsc;     /* the SYN's arrival (rte_rdtsc of its burst); 0 for cookies */
	uint64_t ack_tsc;     /* the final ACK's arrival */
	uint16_t port_id;     /* the port it came in on */
	uint8_t rxq_idx;      /* the owning worker's rx queue (index in its list) */
	struct rte_ether_addr peer_mac;
	struct rte_ether_addr our_mac;
	uint32_t rcv_queued;  /* bytes received in order, not yet on the application's ring */
	uint32_t snd_queued;  /* bytes in the send queue (sent or not), not acknowledged */
	uint32_t rtx_ms;      /* when the retransmission timer fires (worker clock); 0 off */
};

/**
 * Fill @p out for session @p s, whose owning worker is @p tw. Exact from the owning
 * lcore (or when it is quiet); a snapshot from any other, as TCP_INFO is.
 *
 * @return 0, or -ENOENT when @p s has no connection on @p tw.
 */
int synq_tcp_conn_info(const struct synq_tcp_worker *tw, const struct synq_session *s,
	struct synq_tcp_conn_info *out);

/** One line of the connection listing (/synq/conns, synqctl ss -t), as ss -tni shows it. */
struct synq_tcp_conn_rec {
	uint8_t family;	      /* 4 or 6 */
	uint8_t state;	      /* enum synq_tcp_state */
	uint8_t flags;	      /* SYNQ_TCP_REC_* */
	uint8_t retrans;      /* retransmissions of the oldest unacknowledged segment so far */
	uint8_t local[16];    /* our address (IPv4 in the first 4 bytes) */
	uint8_t remote[16];   /* the peer's */
	uint16_t lport;	      /* host order */
	uint16_t rport;
	uint16_t listener;    /* index: its settings and app */
	uint16_t mss;	      /* what a segment of ours carries (options left out) */
	uint32_t recv_q;      /* bytes received, not yet consumed by the application */
	uint32_t send_q;      /* bytes the application handed over, not acknowledged */
	uint32_t rtt_us;      /* smoothed RTT (RFC 6298), with SYNQ_TCP_REC_RTT */
	uint32_t rttvar_us;
	uint32_t rto_ms;
	uint32_t cwnd;	      /* segments of mss */
	uint32_t ssthresh;    /* segments of mss, with SYNQ_TCP_REC_SSTHRESH */
	uint32_t snd_wnd;     /* the peer's window, bytes (scaled) */
	uint32_t rcv_wnd;     /* what is left of the window we advertised, bytes */
};
/* synq_tcp_conn_rec.flags */
#define SYNQ_TCP_REC_TIME_WAIT 0x01 /* an entry of the TIME-WAIT memory: addresses only */
#define SYNQ_TCP_REC_ACTIVE 0x02    /* synq opened it (synq_tcp_connect()) */
#define SYNQ_TCP_REC_RTT 0x04	    /* rtt_us and rttvar_us hold a sample */
#define SYNQ_TCP_REC_SSTHRESH 0x08  /* ssthresh is set (no loss yet: infinite, not shown) */

/** synq_tcp_conns_walk() went past the last position of the worker. */
#define SYNQ_TCP_WALK_END UINT32_MAX

/**
 * The next records of a listing of @p tw's connections in the order of its tables'
 * slots: the flow table, then the TIME-WAIT memory. From position *@p pos (0: the
 * first), reading at most @p budget slots of the flow table (8 bytes each; a slot of
 * the TIME-WAIT memory, 64 bytes, counts 8), into up to @p max records at @p out;
 * *@p pos is set to where the next call goes on, SYNQ_TCP_WALK_END past the last. The
 * cost is bounded by @p budget and @p max, not by what clients hold.
 * Between two calls the tables may change: a connection may be missed or seen twice,
 * as ss reading /proc may. Owning lcore only: the runtime's /synq/conns runs it there
 * (synq_worker_call()).
 *
 * @return how many records were written.
 */
unsigned int synq_tcp_conns_walk(const struct synq_tcp_worker *tw, uint32_t *pos,
	unsigned int budget, struct synq_tcp_conn_rec *out, unsigned int max);

/*
 * For harnesses that run the transport without EAL or mempools (the fuzzer, the
 * microbenchmark): nothing here is needed by a worker.
 */

/**
 * Forget the output work of every connection of @p tw (nothing is built or sent), and
 * let go of the data mbufs connections queued for their applications without freeing
 * them: the caller owns those. Owning lcore only.
 */
void synq_tcp_output_discard(struct synq_tcp_worker *tw);

/**
 * End the connection of session @p s at once, as if it had never been promoted: out
 * of the flow table and the replay memory, no segment, no event, its queues dropped
 * without freeing. The session stays the caller's (to give back to the pool). Owning
 * lcore only.
 */
void synq_tcp_conn_forget(struct synq_tcp_worker *tw, struct synq_session *s);

#endif /* SYNQ_TCP_H */
