/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_GEN_H
#define SYNQ_GEN_H

/*
 * synq-gen's private header: the arguments, the run's state and counters, and the
 * functions its files share (gen.c: arguments, EAL, port, loop, report; gen_tx.c:
 * frames and new traffic; gen_rx.c: replies and latency; pcap.c: the pcap writer).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

/* Frames in a burst: rx, tx and replies alike. */
#define GEN_BURST 32
/* The largest frame built here: Ethernet + 802.1Q + IPv4 + TCP with 40 bytes of options. */
#define GEN_FRAME_MAX (14 + 4 + 20 + 60)
/*
 * The TSval clock of our SYNs: 100 ns a tick, so that a sub-microsecond round trip
 * still measures; RFC 7323 5.4 allows ticks down to 59 ns. It wraps in 429 s, which
 * only latencies longer than that would notice.
 */
#define GEN_TS_PER_US 10
/* Ethernet's minimum without the FCS: shorter frames are zero padded. */
#define GEN_FRAME_MIN 60
/* Source ports: above the well-known ones, as Linux picks them. */
#define GEN_SPORT_MIN 1024
#define GEN_SPORT_SPAN (65536 - GEN_SPORT_MIN)
/* The generator's MAC when neither --src-mac nor a unicast port MAC gives one. */
#define GEN_DEFAULT_MAC "02:53:47:00:00:01"
/* The target's MAC in pcap mode without --dst-mac: synq's built-in config's. */
#define GEN_DEFAULT_DST_MAC "02:53:51:00:00:01"

/* What a new packet is; the order of --mix. */
enum gen_mode {
	GEN_SYN,	/* flood: a SYN from a random spoofed source */
	GEN_HANDSHAKE,	/* a client's SYN; its SYN-ACK is answered */
	GEN_ACK,	/* flood: an ACK with random numbers from a random source */
	GEN_RST,	/* flood: a RST with a random sequence number from a random source */
	GEN_NB_MODES
};
/* --pcap-kind mix: of every 4 frames, 2 SYNs, a forged ACK and a RST */
#define GEN_PCAP_MIX GEN_NB_MODES

/* How a handshake client ends its connection after the final ACK. */
enum gen_close {
	GEN_CLOSE_NONE,
	GEN_CLOSE_RST,
	GEN_CLOSE_FIN,
};

/* What a reply built by gen_rx() is, for the counters once the tx queue took it. */
enum gen_reply {
	GEN_REPLY_ACK,		/* a handshake's final ACK */
	GEN_REPLY_CLOSE,	/* its RST or FIN (--close) */
	GEN_REPLY_FIN,		/* an answer to the server's FIN */
};

/* An IPv4 prefix, host byte order; size is a power of two (1 for a /32). */
struct gen_range {
	uint32_t base;
	uint32_t size;
};

struct gen_args {
	const char *port;		/* ethdev name; NULL: the only port */
	struct rte_ether_addr src_mac;
	struct rte_ether_addr dst_mac;
	bool has_src_mac;
	bool has_dst_mac;		/* else resolved by ARP */
	uint32_t dst;			/* target address, host order */
	uint16_t dport;
	uint16_t vlan;			/* 0: untagged */
	unsigned int mix[GEN_NB_MODES];	/* shares of the new packets */
	double rate;			/* new packets a second; 0 = as fast as possible */
	double duration_s;
	unsigned int drain_ms;		/* replies still answered after the last new packet */
	struct gen_range flood;		/* sources of the floods */
	struct gen_range clients;	/* sources of the handshake clients */
	enum gen_close close;
	const char *json;
	bool quiet;
	bool no_offload;
	uint64_t seed;			/* 0: drawn at random */
	/* pcap mode: no EAL */
	const char *pcap_out;
	uint64_t pcap_count;
	enum gen_mode pcap_kind;	/* GEN_SYN, GEN_ACK, GEN_RST or GEN_PCAP_MIX */
};

/* Link-layer addressing of every frame we send. */
struct gen_l2 {
	struct rte_ether_addr src;
	struct rte_ether_addr dst;
	uint16_t vlan;
};

static inline uint16_t
gen_l2_len(const struct gen_l2 *l2)
{
	return sizeof(struct rte_ether_hdr) + (l2->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0);
}

/* One TCP segment to build; addresses, ports and numbers in host order. */
struct gen_seg {
	uint32_t saddr;
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	uint16_t win;
	uint16_t ip_id;
	const uint8_t *opt;
	unsigned int opt_len;		/* a multiple of 4, at most 40 */
};

/*
 * Latency histogram: exact below 64 ticks, then 32 sub-buckets per power of two (a
 * bucket is at most 3 % wide), up to 2^32 ticks. Fixed size: nothing is allocated at
 * packet rate.
 */
#define GEN_HIST_LINEAR 64
#define GEN_HIST_SUB 32
#define GEN_HIST_BUCKETS (GEN_HIST_LINEAR + (32 - 6) * GEN_HIST_SUB)

struct gen_hist {
	uint64_t b[GEN_HIST_BUCKETS];
	uint64_t n;
	uint64_t sum;
	uint32_t min;
	uint32_t max;
};

/* Every figure of a run; one writer (the main lcore), read after the run. */
struct gen_stats {
	uint64_t offered[GEN_NB_MODES];	/* new packets the tx queue took, per mode */
	uint64_t tx_full;		/* new packets it did not take (freed) */
	uint64_t acks_sent;		/* final ACKs: handshakes completed */
	uint64_t closes_sent;		/* RSTs or FINs closing a completed handshake */
	uint64_t fin_replies;		/* answers to the server's FINs */
	uint64_t reply_dropped;		/* replies the tx queue did not take */
	uint64_t alloc_failed;
	uint64_t rx_packets;
	uint64_t synacks_legit;		/* SYN-ACKs to client addresses, right ack */
	uint64_t synacks_flood;		/* SYN-ACKs to flood addresses */
	uint64_t synack_bad_ack;	/* SYN-ACKs to client addresses, wrong ack: failure */
	uint64_t synack_bad_ack_flood;
	uint64_t synack_no_ts;		/* client SYN-ACKs without a timestamp: no latency */
	uint64_t rst_to_syn;		/* a client's SYN refused (RST+ACK, seq 0): failure */
	uint64_t rst_to_ack;		/* a client's ACK refused (RST, no ACK): failure */
	uint64_t rst_after_open;	/* the server aborted a completed handshake */
	uint64_t rst_flood;		/* RSTs to flood addresses */
	uint64_t fins;			/* the server's FINs to clients */
	uint64_t rx_other;		/* anything else: ARP, pure ACKs, other hosts */
	uint64_t stalls;		/* loop iterations that started late (descheduled?) */
	uint64_t stall_us;		/* the time lost in them */
	uint64_t stall_max_us;
};

/* The run's state. */
struct gen_ctx {
	const struct gen_args *a;
	uint16_t port_id;
	struct rte_mempool *pool;
	struct gen_l2 l2;
	bool offload;			/* the NIC computes IPv4 and TCP checksums */
	uint64_t tsc0;			/* start of the run: TSval 0 */
	uint64_t hz_us;			/* TSC ticks a microsecond */
	uint64_t isn_key;		/* makes our ISNs checkable without state */
	uint64_t rng;
	uint64_t next_client;		/* next unique client 4-tuple */
	uint16_t ip_id;
	int wrr[GEN_NB_MODES];		/* smooth weighted round robin over --mix */
	int wrr_total;
	struct gen_stats st;
	struct gen_hist lat;		/* SYN -> SYN-ACK of the clients, in TSval ticks */
};

/* gen_tx.c */
uint64_t gen_rand(uint64_t *state);
uint32_t gen_isn(uint64_t key, uint32_t saddr, uint16_t sport);
uint16_t gen_build(uint8_t *buf, const struct gen_l2 *l2, const struct gen_seg *s,
	bool offload);
void gen_mbuf_set(struct rte_mbuf *m, const struct gen_l2 *l2, uint16_t len, bool offload);
void gen_flood_seg(struct gen_ctx *c, enum gen_mode mode, uint32_t saddr, uint16_t sport,
	uint32_t now_ts, struct gen_seg *s, uint8_t *opt);
void gen_wrr_init(struct gen_ctx *c);
unsigned int gen_tx_new(struct gen_ctx *c, struct rte_mbuf **pkts, uint8_t *modes,
	unsigned int n, uint32_t now_ts);

/* gen_rx.c */
unsigned int gen_rx(struct gen_ctx *c, struct rte_mbuf **pkts, unsigned int n,
	struct rte_mbuf **out, uint8_t *kinds, uint32_t now_ts);
void gen_hist_add(struct gen_hist *h, uint32_t v);
double gen_hist_pct(const struct gen_hist *h, double p);

/* pcap.c */
int gen_pcap_write(const struct gen_args *a);

#endif /* SYNQ_GEN_H */
