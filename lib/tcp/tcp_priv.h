/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_PRIV_H
#define SYNQ_TCP_PRIV_H

/*
 * What one room of lib/tcp offers another, room by room in the order they depend on
 * each other: each calls only those above it (and the tables), never one below, so
 * that there is no circle of calls between files.
 *
 *   tcp_frame.c        frames and the replies built in a request's mbuf
 *   tcp_mem.c          what connections hold, by truesize: limits, collapse, pressure
 *   tcp_conn.c         a connection's life: start, end, reset, windows, timers, commands
 *   tcp_established.c  segments of a synchronized connection (the data path's input)
 *   tcp_timewait.c     TIME-WAIT: entering it, segments that find it
 *   tcp_active.c       connections synq opens: connect, the SYN, SYN-SENT's input
 *   tcp_output.c       what connections send and tell their applications
 *   tcp_handshake.c    SYN, final ACK, promotion, RSTs of half-open entries, SYN-ACK timers
 *   tcp_input.c        synq_tcp_input(): checks and dispatch
 *   tcp_worker.c       the shared part, a worker's state, its clock and timers
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "synq_iface.h"
#include "synq_stats.h"
#include "synq_tcp_opts.h"
#include "tcp_inlines.h"
#include "tcp_types.h"

/* tcp_frame.c */

/*
 * Build a whole frame in @p m, from its data offset: Ethernet (with the port's VLAN
 * tag), IPv4 or IPv6, TCP with @p flags, @p seq, @p ack, @p win and the @p opt_len
 * bytes of options at @p opt. Checksums are computed, or left to the NIC when the
 * port offloads them. @p m's old content may be the source of @p p and @p opt only if
 * they were copied out first. Returns 0, or -ENOSPC when @p m is too small.
 */
int tcp_build(struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt,
	unsigned int opt_len);

/*
 * tcp_build() with @p len bytes of payload after the options, copied from the chain
 * of segments @p src (linked by next) from byte @p off on.
 */
int tcp_build_data(struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt,
	unsigned int opt_len, const struct rte_mbuf *src, uint32_t off, uint16_t len);

/*
 * RFC 9293 3.10.7.1 (no listener) and 3.10.7.4 (unacceptable ACK): a RST for the
 * segment @p th (@p seg_len its length in sequence space), built in @p m, within the
 * worker's RST budget (none when @p tw is NULL: no listener at all).
 */
enum synq_tcp_verdict tcp_reply_rst(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	const struct rte_tcp_hdr *th, uint32_t seg_len);

/*
 * An ACK of where we stand, <SEQ=@p seq><ACK=@p ack>, built in @p m: RFC 9293's answer
 * to an unacceptable segment, RFC 5961's challenge ACK, TIME-WAIT's re-ACK. Counts
 * @p why too, unless it is SYNQ_CTR_MAX.
 */
enum synq_tcp_verdict tcp_reply_ack(const struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p, uint32_t seq,
	uint32_t ack, bool ts, uint32_t tsval, uint32_t ts_recent, enum synq_counter why);

/*
 * RFC 5961 7 (Linux tcp_oow_rate_limited): a flow (connection, half-open entry,
 * TIME-WAIT) answers the segments it refuses at most once a TCP_INVALID_RATELIMIT_MS,
 * its last answer at *@p last_ms. True (and @p skipped counted) when it may not answer
 * now; else the answer is taken as given.
 */
bool tcp_oow_limited(const struct synq_tcp_worker *tw, struct synq_counters *ctr,
	uint32_t *last_ms, enum synq_counter skipped);

/*
 * The worker's challenge-ACK budget, as Linux's tcp_send_challenge_ack: @p limit
 * (tcp.challenge_ack_limit, global, so every listener has the same) a second, each
 * second's drawn at random from (limit + 1) / 2 on, limit values wide, as Linux has
 * done since CVE-2016-5696: an off-path prober cannot count what other flows spent.
 * True (TcpExtTCPACKSkippedChallenge counted) when this second's is spent; else one
 * is taken.
 */
bool tcp_challenge_limited(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	uint32_t limit);

/* tcp_mem.c */
/* Copy @p seg's bytes after @p tail's if they fit in its room and @p tail is ours alone. */
bool tcp_mem_append(struct rte_mbuf *tail, const struct rte_mbuf *seg);
/* Add @p delta to @p held (@p c's rcv_mem or snd_mem) and to the worker's sums. */
void tcp_mem_add(struct synq_tcp_worker *tw, struct tcp_conn *c, uint32_t *held, int64_t delta);
/* @p c holds nothing any more (handed over, or never published). */
void tcp_mem_release(struct synq_tcp_worker *tw, struct tcp_conn *c);
/* Collapse @p c's receive queue into as few buffers as it can; returns the truesize freed. */
uint32_t tcp_mem_collapse_rcvq(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct tcp_conn *c);
/* SYNQ_CMD_SEND's chain @p m onto @p c's send queue, small segments copied into the tail. */
void tcp_mem_sndq_append(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct tcp_conn *c, struct rte_mbuf *m);
/* @p c's receive side holds nothing any more: rcv_mem 0, no run of rcv_held[]. */
void tcp_mem_rcv_clear(struct synq_tcp_worker *tw, struct tcp_conn *c);
/*
 * A delivery of @p len bytes (added to rcv_unread) that cost @p truesize (0: copied
 * into the receive queue's last buffer), charged to @p c's rcv_mem and rcv_held[].
 */
void tcp_mem_rcv_charge(struct synq_tcp_worker *tw, struct tcp_conn *c, uint32_t len,
	uint32_t truesize);
/* Let go of the runs of rcv_held[] the application consumed past (rcv_unread). */
void tcp_mem_rcv_sync(struct synq_tcp_worker *tw, struct tcp_conn *c);
/* The truesize @p c may hold on its receive side. */
uint32_t tcp_mem_rcv_limit(const struct synq_tcp_worker *tw, const struct tcp_conn *c);
/* The worker's pressure level from what it holds (counts each rise). */
uint32_t tcp_mem_rcv_floor(const struct synq_tcp_worker *tw, const struct tcp_conn *c);
void tcp_mem_level(struct synq_tcp_worker *tw, struct synq_counters *ctr);
/*
 * May @p c take a segment of @p truesize more? Collapses its receive queue when it must;
 * false (counted) when the connection's, its listener's or the worker's limit says no.
 */
bool tcp_mem_rcv_admit(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	uint32_t truesize);
/*
 * The timers' sweep met @p c: what it holds is added to its source's sum, and at the
 * last level, whether it is reset and why (docs/architecture.md, "Memory"): stalled
 * connections (TCP_MEM_STALL_MS) of the largest sources first; connections that move
 * only when none is stalled and the budget stayed full TCP_MEM_STALL_MS.
 */
enum tcp_victim tcp_mem_victim(struct synq_tcp_worker *tw, const struct tcp_conn *c);
/* The sweep went round the flow table: its sums and largest sources become the last's. */
void tcp_mem_sweep_done(struct synq_tcp_worker *tw);
/* Add what the worker's connections of each listener hold now to its mem_held (timers). */
void tcp_mem_publish(struct synq_tcp_worker *tw);

/* tcp_conn.c */

/*
 * Start the TCP state of @p c, promoted by the final ACK @p seg (its data, @p data_len
 * bytes, already trimmed into seg->m, none when 0; @p fin when it carried a FIN after
 * it), and put it in the flow table under its key's hash (tcp_seg_hash(): the
 * segment's, computed once). @p c comes zeroed but for its identity and what the
 * handshake agreed (promote_conn()): what stays zero is not written again. The
 * caller set c->ts_recent. Returns 0, or -ENOSPC when
 * the table (or the listener's share of it) is full: then nothing was changed.
 */
int tcp_conn_start(struct synq_tcp_worker *tw, struct tcp_conn *c, struct synq_tcp_seg *seg,
	uint16_t data_len, bool fin);

/* Undo tcp_conn_start() for a connection that could not be published. */
void tcp_conn_unstart(struct synq_tcp_worker *tw, struct tcp_conn *c);

/*
 * Leave the flow table for good: the send queue goes, the receive queue stays for
 * delivery unless @p drop_rcvq, and the application is told (PEND_CLOSED last).
 */
void tcp_conn_finish(struct synq_tcp_worker *tw, struct tcp_conn *c, bool drop_rcvq);

/* The connection was reset (by the client, a timeout, the retransmissions, the app). */
void tcp_conn_reset(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	bool send_rst);

/* The window to advertise now; moves rcv_adv (never back, RFC 9293 3.8.6.2.2). */
uint16_t tcp_conn_rcv_window(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct tcp_conn *c);

/* Would an ACK now open the window by enough to be worth it (RFC 9293 3.8.6.2.2)? */
bool tcp_conn_window_grew(const struct synq_tcp_worker *tw, const struct tcp_conn *c);

/* The timers of a budget of flow-table slots. */
void tcp_conn_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr);

/* synq_tcp_command() of every command but SYNQ_CMD_CONNECT (tcp_active.c's). */
void tcp_conn_command(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_session_msg *msg);

/* tcp_established.c */

/* An RTT sample of @p r ms for @p c (RFC 6298 2.2-2.3): SRTT, RTTVAR, the RTO. */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t r);

/* A segment of @p c, a connection in the flow table that is not closed. */
enum synq_tcp_verdict tcp_established_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, struct tcp_conn *c, const struct rte_tcp_hdr *th, uint16_t doff);

/* tcp_timewait.c */

/* Put @p c, done with both FINs, into the TIME-WAIT memory, and out of the flow table. */
void tcp_time_wait_enter(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c);

/* A segment of a flow in TIME-WAIT (RFC 9293 3.10.7.4), its options @p o. */
enum synq_tcp_verdict tcp_time_wait_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, struct synq_flowmem_entry *e, const struct rte_tcp_hdr *th,
	uint16_t data_len, const struct synq_tcp_opts *o);

/*
 * RFC 6191: may a new connection with client ISN @p isn and options @p o (a SYN's, or
 * a cookie's final ACK's) take over the 4-tuple of TIME-WAIT entry @p e?
 */
bool tcp_time_wait_reusable(const struct synq_flowmem_entry *e, uint32_t isn,
	const struct synq_tcp_opts *o);

/*
 * May a connection synq opens take over the 4-tuple of TIME-WAIT entry @p e (Linux's
 * tcp_tw_reuse=1): the old one had timestamps, and the peer's last FIN or data (or the
 * entry's birth) came TCP_TW_REUSE_MS ago or more?
 */
bool tcp_time_wait_active_reusable(
	const struct synq_tcp_worker *tw, const struct synq_flowmem_entry *e);

/* Forget TIME-WAIT entry @p e for a new connection of its 4-tuple (SynqTimeWaitReused). */
void tcp_time_wait_reuse(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_flowmem_entry *e);

/* tcp_active.c */

/* The SYN of @p c (SYN-SENT), in a new mbuf (NULL: none left; its timer sends it again). */
struct rte_mbuf *tcp_active_syn(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct tcp_conn *c);

/*
 * A segment to our port of tcp.local_ports (no listener has it) from @p p: a
 * connection synq opened, or its TIME-WAIT. True with *@p v set when it was one.
 */
bool tcp_active_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_iface *ifc, struct synq_tcp_seg *seg, const struct tcp_peer *p,
	const struct rte_tcp_hdr *th, uint16_t doff, enum synq_tcp_verdict *v);

/* tcp_burst.c */

/*
 * The SYN-ACK of the cookie SYN @p seg to @p l, over the SYN: the cookie @p our_isn, what
 * it kept @p kept, the client's timestamps @p ts and @p tsval; counted.
 */
enum synq_tcp_verdict tcp_cookie_synack(const struct synq_tcp_worker *tw,
	struct synq_counters *ctr, struct synq_tcp_seg *seg, const struct synq_iface *ifc,
	const struct synq_listener *l, uint32_t client_isn, uint32_t our_isn,
	const struct synq_cookie_opts *kept, bool ts, uint32_t tsval);

/*
 * Defer the cookie and SYN-ACK of the IPv4 SYN @p seg (options @p o) to the burst's end,
 * when a burst is open, the record is kept (seg->kept) and the burst has room: true
 * then (the SYN is SYNQ_TCP_DEFERRED), else false and nothing done.
 */
bool tcp_cookie_syn_defer(struct synq_tcp_worker *tw, struct synq_tcp_seg *seg,
	const struct synq_iface *ifc, const struct synq_listener *l, const struct synq_tcp_opts *o);

/*
 * The cookie check of the ACK @p seg (synq_cookie_check() of its numbers) made in the
 * lanes of its burst: 1 valid, its options in @p co; 0 invalid; -1 when the ACK is
 * not one of a burst's kept IPv4 pure ACKs (the caller checks it alone).
 */
int tcp_cookie_ack_lanes(
	struct synq_tcp_worker *tw, const struct synq_tcp_seg *seg, struct synq_cookie_opts *co);

/*
 * tcp_tuple_hash() of the SYN @p seg from @p p, made in the lanes of its burst when it
 * is a kept IPv4 pure SYN.
 */
uint64_t tcp_tuple_hash_lanes(
	struct synq_tcp_worker *tw, const struct synq_tcp_seg *seg, const struct tcp_peer *p);

/* tcp_handshake.c */

/*
 * A SYN to listener @p l (index @p li). @p key: its flow key when the caller made one
 * (a flow table lookup), else NULL: made here only when a table is looked up; the
 * peer likewise only on the ways that need it (issue 14).
 */
enum synq_tcp_verdict tcp_syn_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_iface *ifc, struct synq_tcp_seg *seg, struct synq_listener *l,
	unsigned int li, const struct synq_flow_key *key);

/* An ACK to listener @p l (index @p li) that no connection of the flow table took. */
enum synq_tcp_verdict tcp_ack_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_iface *ifc, struct synq_tcp_seg *seg, struct synq_listener *l,
	unsigned int li, const struct synq_flow_key *key);

/* A RST that no connection of the flow table took: a half-open entry's, or TIME-WAIT's. */
enum synq_tcp_verdict tcp_rst_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, const struct synq_flow_key *key, const struct rte_tcp_hdr *th);

/* tcp_synack.c */

/* F(4-tuple, secret) of RFC 6528: ISN offset (low 32 bits), TSval offset (high 32). */
uint64_t tcp_tuple_hash(const struct synq_tcp_worker *tw, const struct tcp_peer *p);

/*
 * The replay memory's key of a handshake: @p key with its client address replaced by
 * a 128-bit keyed hash of the address and both ISNs, so that every handshake of a
 * 4-tuple has its own entry and none evicts another's.
 */
void tcp_replay_key(const struct synq_tcp_worker *tw, const struct synq_flow_key *key,
	uint32_t client_isn, uint32_t our_isn, struct synq_flow_key *rk);

/* The TSval offset of @p p's connections: the high 32 bits of tcp_tuple_hash(). */
uint32_t tcp_ts_off(const struct synq_tcp_worker *tw, const struct tcp_peer *p);

/* Our ISN in table mode for the tuple hash @p f: RFC 6528's M + F. */
uint32_t tcp_table_isn(const struct synq_tcp_worker *tw, uint64_t f);

/*
 * A SYN-ACK for @p p: our ISN, the client's, what we answer to its options (window
 * scale @p client_ws, SACK, timestamps with @p tsval and @p ts_recent). Written over
 * the SYN @p syn it answers (tcp_synack_of_syn()), or built whole in @p m when @p syn
 * is NULL (a retransmission into a fresh mbuf). @p p is read only then (NULL with a @p syn).
 */
int tcp_send_synack(struct rte_mbuf *m, struct synq_tcp_seg *syn, const struct synq_iface *ifc,
	const struct tcp_peer *p, uint32_t our_isn, uint32_t client_isn, uint8_t client_ws,
	bool sack, bool ts, uint32_t ts_recent, const struct synq_listener *l, uint32_t tsval);

/*
 * The SYN-ACK of half-open entry @p e over its SYN @p syn, or in @p m when @p syn is
 * NULL; our TSval offset @p ts_off; counted.
 */
enum synq_tcp_verdict tcp_entry_synack(const struct synq_tcp_worker *tw,
	struct synq_counters *ctr, struct rte_mbuf *m, struct synq_tcp_seg *syn,
	const struct synq_iface *ifc, const struct tcp_peer *p, const struct synq_syn_entry *e,
	const struct synq_listener *l, uint32_t ts_off);

/*
 * What the SYN-ACK of half-open entry @p e answers to its SYN's options, our TSval
 * offset @p ts_off: the entry's SYN-ACK over its IPv4 SYN (tcp_synack4_in_place()),
 * inline in syn_to_table() and in tcp_entry_synack() alike.
 */
static __rte_always_inline struct synq_tcp_synack_opts
tcp_entry_synack_opts(const struct synq_tcp_worker *tw, const struct synq_syn_entry *e,
	const struct synq_listener *l, uint32_t ts_off)
{
	const struct synq_tcp_synack_opts o = {
		.mss = our_mss(4),
		/* RFC 7323 2.2, and at most 14 as in tcp_cookie_synack() */
		.wscale = e->wscale == SYNQ_TCP_NO_WSCALE
				  ? SYNQ_TCP_NO_WSCALE
				  : RTE_MIN(l->tcp.window_scale, (uint8_t)SYNQ_TCP_WSCALE_MAX),
		.sack_perm = e->flags & SYNQ_SYN_F_SACK,
		.ts = e->flags & SYNQ_SYN_F_TS,
		.tsval = tw->now_ms + ts_off,
		.tsecr = e->ts_recent,
	};

	return o;
}

/*
 * An ACK of where half-open entry @p e stands, counted in @p why, within the entry's
 * tcp_oow_limited() gap and the worker's tcp_challenge_limited() budget.
 */
enum synq_tcp_verdict tcp_entry_ack(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	struct synq_syn_entry *e, enum synq_counter why);

/* Forget half-open entry @p e, which will not be promoted. */
void tcp_entry_forget(struct synq_tcp_worker *tw, struct synq_syn_entry *e);

/*
 * May a duplicate SYN of half-open entry @p e be answered with a SYN-ACK now? One an
 * entry per TCP_INVALID_RATELIMIT_MS (shared with its ACKs); the rest counted.
 */
bool tcp_dup_synack_allowed(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_syn_entry *e);

/* The SYN table's timers: SYN-ACK retransmissions into new mbufs, expiries. */
unsigned int tcp_handshake_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct rte_mbuf **out, uint8_t *out_rxq, unsigned int max);

#endif /* SYNQ_TCP_PRIV_H */
