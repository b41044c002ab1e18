/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_TYPES_H
#define SYNQ_TCP_TYPES_H

/*
 * The transport's types and constants, private to lib/tcp (VPP's tcp_types.h): the
 * shared part, a worker's state, a connection. Nothing outside lib/tcp includes this;
 * the rest of synq sees struct synq_tcp and struct synq_tcp_worker as opaque handles
 * (synq_tcp.h). Inline helpers are in tcp_inlines.h, the functions one file offers
 * another in tcp_priv.h.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "synq_cookie.h"
#include "synq_flow_key.h"
#include "synq_flowmem.h"
#include "synq_flowtab.h"
#include "synq_listener.h"
#include "synq_siphash.h"
#include "synq_srcsketch.h"
#include "synq_syntab.h"
#include "synq_tcp.h"
#include "synq_tcp_opts.h"
#include "tcp_hash.h"

/* What we send with when the client named no MSS (RFC 9293 3.7.1; RFC 8200 5: the
 * IPv6 minimum MTU of 1280 less 40 and 20 header bytes). */
#define TCP_DEFAULT_MSS4 536
#define TCP_DEFAULT_MSS6 1220
/* TTL / hop limit of what we send. */
#define TCP_TTL 64
/* The largest window a scaled window field can give (RFC 7323 2.3): 2^30. */
#define TCP_MAX_WINDOW (UINT32_C(1) << 30)

/*
 * Entries a worker's TIME-WAIT and replay memories have at least (64 B an entry: 512
 * KiB, small enough to stay in cache: every ACK that matches no half-open entry looks
 * there). The TIME-WAIT memory grows with the listeners' max_flows, the replay memory
 * with their backlogs; when they run full, TIME-WAIT is skipped (SynqTimeWaitSkipped)
 * and SynqEstabTableFull counts.
 */
#define TCP_FLOWS_MIN 4096
/* TIME-WAIT: 63 s, about Linux's 60 (its TCP_TIMEWAIT_LEN) and RFC 9293's 2 MSL. */
#define TCP_TIME_WAIT_MS 63000
_Static_assert(TCP_TIME_WAIT_MS <= 255 * SYNQ_FLOWMEM_TS_STEP_MS,
	"synq_flowmem_entry.ts_moved spans TIME-WAIT");
/*
 * A connection synq opens may take over a 4-tuple in TIME-WAIT (Linux's tcp_tw_reuse=1)
 * this long after the peer's last FIN or data came: RFC 7323 5.4 lets a timestamp clock
 * tick as slowly as once a second, so past it the peer's new TSvals are above every
 * old segment's, and our PAWS refuses those.
 */
#define TCP_TW_REUSE_MS 1000u
/*
 * Cookie flows are remembered 130 s after promotion, pressure or not: a cookie is
 * valid at most two windows (128 s) after it was made, before the promotion; 2 s more
 * for the coarse wall clock. No replay of the final ACK opens them a second time
 * while its cookie is valid. The memory (TCP_FLOWS_MIN + the listeners' max_flows
 * entries) thus holds every cookie flow up to capacity / 130 s a second per worker
 * (157 a second at the defaults, 4.2 MiB); past that, SynqEstabTableFull counts the
 * flows it could not take.
 */
#define TCP_REPLAY_MS 130000
_Static_assert(TCP_REPLAY_MS > 2 * SYNQ_COOKIE_WINDOW_S * 1000,
	"the replay memory outlives every cookie");

/* The initial congestion window, in segments (RFC 6928). */
#define TCP_IW 10
/* RTO bounds and start (RFC 6298; the minimum is Linux's, not the RFC's 1 s). */
#define TCP_RTO_MIN_MS 200
#define TCP_RTO_MAX_MS 60000
#define TCP_RTO_INIT_MS 1000
/* RFC 6298 5.7 (Linux's TCP_TIMEOUT_FALLBACK): the RTO after a retransmitted SYN */
#define TCP_RTO_SYN_FALLBACK_MS 3000
/* Retransmissions of one segment before the connection is given up (reset). */
#define TCP_RETRIES 10
/* Doublings of a zero-window probe's interval that are counted in backoff. */
#define TCP_PROBE_BACKOFF_MAX 6
/*
 * Zero-window probes (answered or not) and retransmissions of a connection the
 * application closed (an orphan) before it is given up, as Linux's tcp_orphan_retries
 * (8): a peer that keeps its window shut, or never acknowledges the FIN, holds no
 * orphan for ever. One that acknowledges a byte now and then starts the count again:
 * tcp.orphan_timeout_ms ends that one.
 */
#define TCP_ORPHAN_RETRIES 8
/* Orphans whose tcp.orphan_timeout_ms ran out that one synq_tcp_timers() call resets. */
#define TCP_ORPHAN_TIMER_BUDGET 64
/*
 * RFC 5961 7, Linux tcp_invalid_ratelimit: a connection answers the segments it
 * refuses (out of window, PAWS, challenges) at most once in this many ms.
 */
#define TCP_INVALID_RATELIMIT_MS 500u
/* RFC 7323 5.5: a TS.Recent this old (24 days) is no longer valid for PAWS. */
#define TCP_PAWS_IDLE_MS (24u * 86400u * 1000u)
/* Duplicate ACKs that make a fast retransmit (RFC 5681 3.2's dupthresh). */
#define TCP_DUPTHRESH 3
/* An echoed timestamp older than this gives no RTT sample: it is not ours. */
#define TCP_TS_RTT_MAX_MS 60000
/* RSTs to strangers (closed ports, stray ACKs) a worker sends a second, and at once. */
#define TCP_RST_PER_S 1000u
#define TCP_RST_BURST 100u
/*
 * SYN-ACKs that answer duplicate SYNs of a half-open entry: one an entry per
 * TCP_INVALID_RATELIMIT_MS, no more (SynqSynAckDupLimited). SYN-ACK retransmissions
 * while the SYN table is more than half full: a worker's budget, its lower half kept
 * for entries younger than TCP_SYNACK_YOUNG_MS (SynqSynAckRtxLimited).
 */
#define TCP_SYNACK_RTX_PER_S 1000u
#define TCP_SYNACK_BURST 100u
#define TCP_SYNACK_YOUNG_MS 3000u
/* Slots of each keyed table whose timers one synq_tcp_timers() call runs. */
#define TCP_TIMER_BUDGET 64
/* Flow-table slots whose timers one synq_tcp_timers() call runs. */
#define TCP_FLOW_TIMER_BUDGET 256

/*
 * What the application may still hold of what it was handed (tcp_mem.c): the
 * deliveries since it last consumed everything, in up to this many runs, each the
 * bytes it delivered and the truesize they were charged. A run is let go once the
 * application consumed past its last byte, and trimmed once partly consumed, so an
 * application that always keeps a few bytes back (a framing layer waiting for the rest
 * of a message) is charged about the buffers that hold them and what came after.
 */
#define TCP_RCV_HELD 3
struct tcp_rcv_held {
	uint32_t len; /* bytes delivered (counted in rcv_unread) */
	uint32_t mem; /* truesize charged for them, in rcv_mem */
	uint32_t min_len; /* the least payload of a buffer charged to it (UINT32_MAX: none) */
};

/*
 * The transport's part that every worker shares: the pointers are read-only after
 * synq_tcp_create(); connection i is written by the worker that carries session i.
 */
struct synq_tcp {
	struct synq_listeners *listeners;
	struct synq_sessions *sessions;
	struct tcp_conn *conns;		/* connection i is session i's */
	/* connection i's runs of what its application may hold (tcp_mem.c) */
	struct tcp_rcv_held (*rcv_held)[TCP_RCV_HELD];
	uint8_t secret[SYNQ_COOKIE_SECRET_LEN]; /* the cookie secret of this node */
	bool eal_mem;
};

/* Who a reply goes to: everything but the numbers. */
struct tcp_peer {
	uint8_t family;
	uint8_t caddr[16];	      /* the client's address */
	uint8_t saddr[16];	      /* ours */
	uint16_t cport;		      /* network order */
	uint16_t sport;		      /* network order */
	struct rte_ether_addr cmac;   /* the client's next hop */
};

/*
 * A cookie SYN of a burst whose SYN-ACK waits for synq_tcp_burst_end(): what
 * tcp_syn_input() decided that the SYN-ACK needs beside its cookie request (the
 * worker's cookie_lanes, request at the same index).
 */
struct tcp_cookie_syn {
	struct synq_tcp_seg *seg; /* the SYN's record (kept): its SYN-ACK is written over it */
	const struct synq_iface *ifc;
	const struct synq_listener *l;
	uint32_t tsval; /* the client's, when ts */
	bool ts;
	struct synq_cookie_opts kept; /* what the cookie keeps, its MAC's bits at the end */
};

/* No connection: the end of a list of pool indices. */
#define TCP_NO_CONN UINT32_MAX

/*
 * The lists each listener's orphans are kept in on a worker, through tcp_conn's
 * oprev[] / onext[] (O(1) to add, move, remove). Every orphan is on TCP_BY_CLOSE (link
 * slot 0) and on exactly one of the three eviction classes (link slot 1, the class in
 * tcp_conn's oclass). A close past max_orphans evicts the first of the first class
 * not empty, so that a client that reads is not cut short by many that do not, nor by
 * one that acknowledges a byte at a time.
 */
enum tcp_orphan_order {
	/* as they were closed: the first is the next whose tcp.orphan_timeout_ms ends */
	TCP_BY_CLOSE,
	/*
	 * in FIN-WAIT-2, the oldest first: the client acknowledged every byte and our FIN
	 * (a RST can still erase what its application has not read yet, on some stacks:
	 * RFC 9112 9.6, but it has had them longest)
	 */
	TCP_EVICT_FIN_WAIT2,
	/* no progress since the close (see below), in close order */
	TCP_EVICT_IDLE,
	/*
	 * moved on since the close, the least recently first: SND.UNA passed orphan_mark by
	 * a segment's worth (TCP_ORPHAN_PROGRESS_MIN at least, whatever the client's MSS)
	 */
	TCP_EVICT_MOVED,
	TCP_ORDERS,
};
/* Link slots a connection has: TCP_BY_CLOSE's and its eviction class's. */
#define TCP_ORPHAN_SLOTS 2
/*
 * The least a client acknowledges to count as progress: RFC 9293's default MSS (536),
 * so that a client that announced a tiny MSS (48: 36 bytes with timestamps) earns no
 * credit by acknowledging a few dozen bytes at a time.
 */
#define TCP_ORPHAN_PROGRESS_MIN 536u

/* The ends of a list of connections: pool indices, TCP_NO_CONN when empty. */
struct tcp_olist {
	uint32_t first;
	uint32_t last;
};

/* In struct synq_tcp_worker's owned[]: the connection is this worker's. */
#define TCP_OWNED 0x10000u

/* The largest value of a window field (RFC 9293 3.1): 16 bits. */
#define TCP_WIN_FIELD_MAX UINT16_MAX

/*
 * Memory (tcp_mem.c). A connection may hold twice its rcv_buf plus this floor in
 * truesize: room for rcv_buf bytes of full segments (a 1448-byte segment costs 2304)
 * and a few small ones before collapsing.
 */
#define TCP_RCV_MEM_FLOOR (64u * 1024)
/*
 * What a connection may hold under pressure short of the last level (Linux's
 * tcp_rmem[0], which every socket keeps): four full segments' truesize, so that a
 * client holding nothing still gets its data through while others keep the worker's
 * budget busy. The last level (all of the budget) admits nothing.
 */
#define TCP_RCV_MEM_MIN (4u * 2304u)
/* payload / truesize x 256 of a full segment in a 2 KiB buffer (1448 / 2304) */
#define TCP_RATIO_INIT 160u
/*
 * Who is reset at the last level (tcp_mem_victim()). A connection whose memory has not
 * moved this long (no buffer let go: consumed by its application or freed by its
 * peer's ACK, since it began to hold) is stalled. A source is a client's /24 or /64: what
 * its connections hold is summed, once a sweep of the flow table, in a sketch of
 * TCP_SRC_ROWS rows of TCP_SRC_SLOTS counters (count-min: the least of its rows),
 * slots chosen by a multiply-shift hash whose odd multipliers are the worker's own
 * and random, so that no client can choose prefixes that share another's slots.
 */
#define TCP_MEM_STALL_MS 1000u
/*
 * ... or twice as long while a retransmission is pending: a download whose segment was
 * lost waits an RTO (1 s at least, RFC 6298) for the ACK that frees its buffers.
 */
#define TCP_MEM_STALL_RTX_MS (2 * TCP_MEM_STALL_MS)
/*
 * Connections that move are reset only once the pressure lasted this long, longer
 * than any takes to stall, so that stalled ones are always counted first.
 */
#define TCP_MEM_HOLDER_MS (TCP_MEM_STALL_RTX_MS + TCP_MEM_STALL_MS)
/*
 * A pressure ends once the level stayed below TCP_MEM_DROP this long: an attacker that
 * lets go to start the count over must let go as long as it may then hold.
 */
#define TCP_MEM_CALM_MS TCP_MEM_HOLDER_MS
#define TCP_SRC_ROWS 2
#define TCP_SRC_BITS 11
#define TCP_SRC_SLOTS (1u << TCP_SRC_BITS)
#define TCP_SRC_TOUCHED 64u /* slots a sweep clears one by one, else all */
/* Why tcp_mem_victim() names a connection, or not. */
enum tcp_victim {
	TCP_VICTIM_NONE = 0,
	TCP_VICTIM_STALLED, /* stalled, of the largest sources that are */
	TCP_VICTIM_HOLDER,  /* of the largest sources, once no stalled one is left */
};
/* The worker's pressure levels, as mem_held passes 1/2, 3/4, 7/8 of mem_budget, and all. */
enum tcp_mem_level {
	TCP_MEM_OK = 0,
	TCP_MEM_COLLAPSE,	/* collapse every receive queue that takes data */
	TCP_MEM_NO_OPEN,	/* windows open no further */
	TCP_MEM_DROP,		/* new data dropped */
	TCP_MEM_RESET,		/* connections reset: stalled, largest sources first */
};

/* wflags: what the worker has to do for a connection */
#define WF_DIRTY 0x0001	     /* in the dirty list */
#define WF_ACK_NOW 0x0002    /* owes the client an ACK */
#define WF_FIN_QUEUED 0x0004 /* the application closed: FIN after the send queue */
#define WF_ATTACHED 0x0008   /* an application took it: events go to app_lcore */
#define WF_RST_NOW 0x0010    /* owes the client a RST (abort, timeout) */
#define WF_FIN_SENT 0x0020   /* fin_seq is valid */
#define WF_WND_CHECK 0x0040  /* the application consumed: the window may have opened */
#define WF_RTX_ONE 0x0080    /* fast retransmit: SND.UNA's segment once more */
#define WF_PROBE 0x0100	     /* zero window: a probe is due (RFC 9293 3.8.6.1) */
#define WF_CHALLENGE 0x0200  /* the ACK owed is a challenge ACK (RFC 5961) */
#define WF_ACK_DATA 0x0400   /* owes an ACK for data: it waits one poll for an answer */
#define WF_ACTIVE 0x0800     /* synq opened it (tcp_active.c): its frames leave routed */
#define WF_SYN 0x1000	     /* SYN-SENT: our SYN is due (first or retransmitted) */
#define WF_SYN_QUICK 0x2000  /* SYN-SENT: the quick SYN after our RST was due (once) */

/* pend: events not yet on the application's ring, in this order */
#define PEND_PEER_CLOSED 0x01
#define PEND_RESET 0x02
#define PEND_CLOSED 0x04
/* ... and of a connection synq opened: first CONNECTED, or one of the others */
#define PEND_CONNECTED 0x08
#define PEND_REFUSED 0x10
#define PEND_TIMEDOUT 0x20
#define PEND_FAILED 0x40

/*
 * A connection from promotion to its last event: the transport's side of a session
 * (the same index in both pools). Written and read only by the owning worker.
 */
struct tcp_conn {
	/* set at promotion, then read-only; the flow table compares the key in place */
	struct synq_flow_key key;
	uint32_t client_isn;
	uint32_t our_isn;
	uint16_t mss;	      /* what we may send: min(client's MSS, ours) */
	uint16_t listener;    /* index */
	uint8_t snd_wscale;   /* the client's shift (applies to its windows), 0xff none */
	uint8_t rcv_wscale;   /* ours, 0xff none */
	bool sack;
	bool ts;
	bool via_cookie;      /* promoted from a cookie, not from a SYN table entry */
	/* state rules, here in the padding before ts_off (see below) */
	uint8_t probes;	      /* zero-window probes in a row the peer did not answer */
	bool orphan;	      /* the app closed it: in the worker's orphan lists */
	uint8_t oclass;	      /* an orphan's eviction class: enum tcp_orphan_order */
	uint32_t ts_off;      /* our TSval is now_ms + ts_off (a keyed hash of the 4-tuple) */
	struct rte_ether_addr peer_mac;
	/* in the padding after peer_mac: memory (tcp_mem.c), the window it is offered at */
	uint16_t rcv_ratio;   /* payload / truesize of its segments x 256, a moving average */
	uint64_t syn_tsc;     /* the SYN's arrival (rte_rdtsc of its burst); 0 for cookies */
	uint64_t ack_tsc;     /* the final ACK's arrival */

	/* the state */
	uint8_t state;	      /* enum synq_tcp_state */
	uint8_t pend;	      /* events waiting for room on the app's ring */
	uint16_t wflags;      /* what the worker has to do for it */
	uint8_t backoff;      /* retransmissions of snd_una so far */
	uint8_t dupacks;
	uint8_t ack_round;    /* the poll whose data the ACK owed is for */
	uint8_t dupacks_owed; /* duplicate ACKs to send (segments past a hole) */
	uint16_t app_lcore;   /* where events go, once attached */
	uint8_t rcv_held_nb;  /* runs in use in synq_tcp's rcv_held[], the oldest first */
	uint8_t connect_why;  /* PEND_FAILED: enum synq_connect_reason */
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

	/* TCP state rules against hostile peers (RFC 5961, RFC 7323 5.3, persist, orphans) */
	uint32_t max_snd_wnd; /* the largest window the peer advertised (RFC 5961 5.2) */
	uint32_t oow_ms;      /* the last answer to a refused segment (invalid ratelimit) */
	uint32_t ts_recent_ms; /* when ts_recent was set: PAWS's 24 days (RFC 7323 5.5) */
	uint32_t fin_wait2_ms; /* when FIN-WAIT-2 began: tcp.fin_timeout_ms */
	uint32_t orphan_ms;   /* when the app closed it: tcp.orphan_timeout_ms from here */
	uint32_t orphan_mark; /* SND.UNA at the close, or when it last moved on */
	/* its neighbours in its listener's orphan lists: TCP_BY_CLOSE's, its oclass's */
	uint32_t oprev[TCP_ORPHAN_SLOTS], onext[TCP_ORPHAN_SLOTS];
	/* memory, by truesize (tcp_mem.c): what the mbufs cost, not their payload */
	uint32_t rcv_mem;     /* rcvq and what the app may still hold: the sum of rcv_held[] */
	uint32_t snd_mem;     /* sndq */
	/*
	 * its memory last moved, each side: began to be held, a buffer let go (the
	 * application consumed past a run; an ACK freed a buffer of the send queue)
	 */
	uint32_t rcv_prog_ms, snd_prog_ms;
	/* its runs of what the app may hold: synq_tcp's rcv_held[] (no room here) */
} __rte_cache_aligned;
/* Four cache lines a connection: the orphans' lists and deadline took padding only. */
_Static_assert(sizeof(struct tcp_conn) <= 256, "struct tcp_conn grew past 256 bytes");

/* A token bucket: tokens, refilled at a rate to a burst, from when it last was. */
struct tcp_bucket {
	uint32_t tokens;
	uint32_t ms;
};

/* One worker's state. Owning lcore only. */
struct synq_tcp_worker {
	struct synq_tcp *tcp;
	struct synq_listeners *listeners;
	struct synq_sessions *sessions;
	struct tcp_conn *conns;		/* tcp->conns */
	struct tcp_rcv_held (*rcv_held)[TCP_RCV_HELD]; /* tcp->rcv_held */
	unsigned int lcore_id;
	bool syntab_used;		/* a listener has syncookies 0 or 1: SYNs look it up */
	uint8_t max_synack_retries;	/* the largest of the listeners' */
	struct synq_syntab *syntab;
	struct synq_flowmem *time_wait;	/* connections in TIME-WAIT (out of the flow table) */
	struct synq_flowmem *replay;	/* flows from a cookie: no replay opens them again */
	struct synq_srclimit *srclimit; /* connections per source (lib/listener); NULL: none */
	/* the hash seed of syntab, time_wait and flows: a segment's key hashed once */
	struct tcp_hash_seed seed;
	struct synq_flowtab *flows;	/* connections after promotion */
	struct synq_cookie_ctx cookie;
	struct synq_sipkey isn_key;	/* RFC 6528 F() for our ISNs in table mode */
	struct rte_mempool *pool;	/* for retransmissions and segments of data */
	struct synq_tcp_rxq rxq[SYNQ_MAX_RXQ_PER_LCORE];
	unsigned int nb_rxq;
	/* the event ring of each application lcore, by lcore id */
	struct rte_ring *const *app_rings;
	uint32_t halfopen[SYNQ_MAX_LISTENERS]; /* entries of each listener in syntab */
	uint32_t cookie_ms[SYNQ_MAX_LISTENERS]; /* when this worker last sent it a cookie */
	bool cookies_sent[SYNQ_MAX_LISTENERS];
	uint32_t flows_of[SYNQ_MAX_LISTENERS]; /* of each listener, against its max_flows */
	/* the ones clients opened, against max_flows alone: a proxy listener's flows_of
	 * allows twice that, the other half for the connections to its backends */
	uint32_t clients_of[SYNQ_MAX_LISTENERS];
	uint32_t rst_tokens;		/* the RST bucket (TCP_RST_PER_S) */
	uint32_t rst_ms;
	struct tcp_bucket rtx_synacks;	/* TCP_SYNACK_RTX_PER_S, under pressure */
	/* the challenge-ACK budget (tcp.challenge_ack_limit) and the orphans */
	uint32_t challenge_s;		/* the second (now_ms / 1000) + 1 it is for; 0: none */
	uint32_t challenge_left;	/* challenge ACKs that second may still send */
	uint32_t orphans;		/* connections the app closed, still here */
	uint32_t orphans_of[SYNQ_MAX_LISTENERS]; /* of each listener, against max_orphans */
	/* each listener's orphans, in each enum tcp_orphan_order */
	struct tcp_olist orphan_list[SYNQ_MAX_LISTENERS][TCP_ORDERS];
	/* the clock, read once per burst by synq_tcp_clock() */
	uint64_t tsc0;	   /* rte_rdtsc() at creation */
	uint64_t hz_ms;	   /* TSC ticks a millisecond */
	uint64_t hz_4us;   /* TSC ticks in the 4 us of RFC 6528's clock */
	uint64_t now_tsc;
	uint32_t now_ms;   /* since creation */
	uint32_t now_isn_m; /* RFC 6528's M, 4 us ticks since creation (tcp_table_isn()) */
	uint64_t now_s;	   /* CLOCK_REALTIME seconds: cookie windows agree across nodes */
	struct synq_cookie_clock cookie_clock; /* keeps now_s from going backwards */
	uint8_t round;	   /* polls, counted by synq_tcp_clock() */
	/* the data path: connections with work to do, by pool index */
	uint32_t *dirty;
	uint32_t nb_dirty;	/* the list has room for every session of the pool */
	/*
	 * By pool index: TCP_OWNED | the session's generation while this worker carries
	 * the connection (promotion to handover), else 0. Commands are checked against it,
	 * not against the connection, which another worker may be writing once the
	 * session went back to the pool.
	 */
	uint32_t *owned;
	/* active open (tcp_active.c): how its frames leave, and RFC 6056's counter */
	synq_tcp_send_routed_t send_routed;
	void *send_arg;
	uint32_t port_seq;
	uint32_t curr_estab;		/* ESTABLISHED and CLOSE-WAIT (TcpCurrEstab) */
	/* memory its connections hold, by truesize (tcp_mem.c) */
	uint64_t mem_held;		/* rcv_mem + snd_mem of all its connections */
	uint64_t mem_budget;		/* its share of the pool beyond the rx/tx reserve */
	uint8_t mem_level;		/* enum tcp_mem_level, from mem_held / mem_budget */
	uint64_t unaccepted_mem[SYNQ_MAX_LISTENERS]; /* rcv_mem of connections not attached */
	uint64_t mem_of[SYNQ_MAX_LISTENERS];	/* rcv_mem + snd_mem of each listener's */
	uint64_t mem_shown[SYNQ_MAX_LISTENERS];	/* of it, what the listener's mem_held has */
	/* the victims of the last level (tcp_mem_victim()) */
	/*
	 * The pressure (TCP_MEM_DROP or above) began at mem_reset_ms, and lasts until the
	 * level stayed below it for TCP_MEM_CALM_MS (from mem_calm_ms): a dip (clients
	 * that leave and come back) does not start it over.
	 */
	uint32_t mem_reset_ms, mem_calm_ms;
	bool mem_pressed;		/* in such a pressure */
	bool mem_calming;		/* ... below TCP_MEM_DROP since mem_calm_ms */
	uint32_t rcv_max_ts;		/* the largest truesize charged to a run, ever */
	uint8_t src_cur;		/* src_mem[] this sweep adds to; the other, the last */
	uint16_t src_nb_touched[2];	/* slots src_mem[i] began to count; past the */
	uint16_t src_touched[2][TCP_SRC_TOUCHED]; /* bound, all: cleared whole */
	uint64_t src_mul[TCP_SRC_ROWS];	/* odd, random: the rows' hashes */
	/* the last sweep's, of stalled connections [0] and of all [1]; this one's next */
	uint64_t victim_max[2], victim_next[2];	    /* the largest source estimate */
	uint64_t victim_sum[2], victim_sum_next[2]; /* what they hold */
	uint64_t src_mem[2][TCP_SRC_ROWS][TCP_SRC_SLOTS]; /* truesize held by source */
	/*
	 * The cookie SYNs of the open burst (synq_tcp_burst_begin()): decided one by one,
	 * in arrival order, their cookies computed in one loop at the burst's end (issue
	 * 14). Nothing else of the burst depends on them: deciding set cookie_ms and
	 * cookies_sent, and the SYN-ACK is written in the SYN's own mbuf.
	 */
	bool burst_open;
	uint16_t nb_cookie_syn;
	struct tcp_cookie_syn cookie_syn[SYNQ_TCP_BURST_MAX];
	struct synq_cookie_lanes cookie_lanes; /* their cookies' inputs, in the lanes' rows */
	struct synq_cookie_now cookie_now;     /* the burst's window */
	/*
	 * The burst's records (synq_tcp_burst_begin()): the first of its IPv4 ACKs that
	 * reaches a cookie check has it made for itself and for every pure ACK after it in
	 * one call of SIMD lanes (tcp_cookie_ack_lanes()); bit i of ack_checked: record i
	 * was, its MAC in ack_lanes.h[ack_lane[i]] (its cookie checked against it, its
	 * options read from it when its ACK comes); ack_nb lanes used.
	 */
	struct synq_tcp_seg *burst_seg;
	uint16_t burst_n;
	uint64_t ack_checked;
	uint16_t ack_nb;
	uint8_t ack_lane[SYNQ_TCP_BURST_MAX];
	struct synq_cookie_lanes ack_lanes;
	/*
	 * Likewise the first SYN of the burst that takes a SYN-table entry has the RFC 6528
	 * hash of its 4-tuple (tcp_tuple_hash()) made with those of every later kept SYN
	 * in lanes (tcp_tuple_hash_lanes()): bit i of syn_hashed, record i's in
	 * syn_h[syn_lane[i]]; syn_nb lanes used (room for the lanes' last group after).
	 */
	uint64_t syn_hashed;
	uint16_t syn_nb;
	uint8_t syn_lane[SYNQ_TCP_BURST_MAX];
	uint64_t syn_h[SYNQ_TCP_BURST_MAX + SYNQ_SIP_LANES_MAX] __rte_aligned(64);
	/*
	 * Who is flooding: the sources of every SYN that reached TCP, its window turned
	 * by synq_tcp_clock(), its last one published to /synq/syn_sources.
	 */
	struct synq_srcsketch sources __rte_cache_aligned;
	/* the listeners by port for IPv4 (synq_listener_lookup4_ports()), this worker's */
	struct synq_listener_ports lports __rte_cache_aligned;
} __rte_cache_aligned;

#endif /* SYNQ_TCP_TYPES_H */
