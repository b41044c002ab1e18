/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What comes back from the server: SYN-ACKs (answered with the final ACK, built from
 * the SYN-ACK alone, then optionally a RST or a FIN), RSTs (sorted into what they
 * refuse), the server's FINs (answered so its close completes), and the latency
 * histogram.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "gen.h"
#include "synq_tcp_opts.h"

#define ACK_WINDOW 502

/* A received segment, host byte order; addresses as the server sent them. */
struct rx_seg {
	uint32_t saddr;
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	uint16_t data_len;
	struct synq_tcp_opts o;	/* o.ts false when absent or malformed */
};

static bool
in_range(const struct gen_range *r, uint32_t a)
{
	return a - r->base < r->size;
}

/* Parse @p m as Ethernet (802.1Q allowed) + IPv4 + TCP; false for anything else. */
static bool
parse(const struct rte_mbuf *m, struct rx_seg *rs)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t off = sizeof(*eth);
	uint16_t type;
	uint16_t ihl, tot, doff;

	if (len < off)
		return false;
	type = eth->ether_type;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);

		off += sizeof(*vh);
		if (len < off)
			return false;
		type = vh->eth_proto;
	}
	if (type != RTE_BE16(RTE_ETHER_TYPE_IPV4) || len < off + sizeof(*ip))
		return false;
	ip = (const struct rte_ipv4_hdr *)(p + off);
	ihl = rte_ipv4_hdr_len(ip);
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ip->next_proto_id != IPPROTO_TCP || ihl < sizeof(*ip) ||
		tot > len - off || tot < ihl + sizeof(*th))
		return false;
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + ihl);
	doff = (uint16_t)((th->data_off >> 4) * 4);
	if (doff < sizeof(*th) || ihl + doff > tot)
		return false;
	rs->saddr = rte_be_to_cpu_32(ip->src_addr);
	rs->daddr = rte_be_to_cpu_32(ip->dst_addr);
	rs->sport = rte_be_to_cpu_16(th->src_port);
	rs->dport = rte_be_to_cpu_16(th->dst_port);
	rs->seq = rte_be_to_cpu_32(th->sent_seq);
	rs->ack = rte_be_to_cpu_32(th->recv_ack);
	rs->flags = th->tcp_flags;
	rs->data_len = (uint16_t)(tot - ihl - doff);
	if (synq_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th), &rs->o) != 0)
		rs->o.ts = false;
	return true;
}

/* A reply to @p rs, from the client it was sent to; numbers and flags set by the caller. */
static void
reply_seg(const struct rx_seg *rs, struct gen_seg *s)
{
	memset(s, 0, sizeof(*s));
	s->saddr = rs->daddr;
	s->daddr = rs->saddr;
	s->sport = rs->dport;
	s->dport = rs->sport;
	s->win = ACK_WINDOW;
}

static bool
emit(struct gen_ctx *c, const struct gen_seg *s, struct rte_mbuf **out, uint8_t *kinds,
	unsigned int *nb, uint8_t kind)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);
	uint16_t len;

	if (m == NULL) {
		c->st.alloc_failed++;
		return false;
	}
	len = gen_build(rte_pktmbuf_mtod(m, uint8_t *), &c->l2, s, c->offload);
	gen_mbuf_set(m, &c->l2, len, c->offload);
	out[*nb] = m;
	kinds[*nb] = kind;
	(*nb)++;
	return true;
}

/*
 * A client's SYN-ACK: the ack must be our ISN + 1 (the ISN is a hash of the
 * 4-tuple); then the final ACK (RFC 9293 3.5: seq = its ack, ack = its seq + 1,
 * with timestamps since both sides offered them), then the close asked for.
 */
static void
synack_input(struct gen_ctx *c, const struct rx_seg *rs, struct rte_mbuf **out, uint8_t *kinds,
	unsigned int *nb, uint32_t now_ts)
{
	uint8_t opt[SYNQ_TCP_OPTS_TS_LEN];
	struct gen_seg s;

	if (rs->ack != gen_isn(c->isn_key, rs->daddr, rs->dport) + 1) {
		c->st.synack_bad_ack++;
		return;
	}
	c->st.synacks_legit++;
	if (rs->o.ts)
		gen_hist_add(&c->lat, now_ts - rs->o.tsecr); /* modulo 2^32: wraps right */
	else
		c->st.synack_no_ts++;

	reply_seg(rs, &s);
	s.seq = rs->ack;
	s.ack = rs->seq + 1;
	s.flags = RTE_TCP_ACK_FLAG;
	s.ip_id = c->ip_id++;
	if (rs->o.ts) {
		s.opt = opt;
		s.opt_len = synq_tcp_opts_write_ts(opt, now_ts, rs->o.tsval);
	}
	if (!emit(c, &s, out, kinds, nb, GEN_REPLY_ACK))
		return;
	switch (c->a->close) {
	case GEN_CLOSE_RST:
		/* an abort, as Linux sends it (RST+ACK, seq = SND.NXT); no options */
		s.flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
		s.win = 0;
		s.opt = NULL;
		s.opt_len = 0;
		s.ip_id = c->ip_id++;
		emit(c, &s, out, kinds, nb, GEN_REPLY_CLOSE);
		break;
	case GEN_CLOSE_FIN:
		s.flags = RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG;
		s.ip_id = c->ip_id++;
		emit(c, &s, out, kinds, nb, GEN_REPLY_CLOSE);
		break;
	case GEN_CLOSE_NONE:
	default:
		break;
	}
}

/*
 * The server's FIN to a client: acknowledge it, and close our side too unless the
 * server has our FIN already (its ack says which: ISN + 1 = not yet, ISN + 2 = yes).
 * Without this the server would retransmit its FIN for a minute.
 */
static void
fin_input(struct gen_ctx *c, const struct rx_seg *rs, struct rte_mbuf **out, uint8_t *kinds,
	unsigned int *nb, uint32_t now_ts)
{
	uint32_t isn = gen_isn(c->isn_key, rs->daddr, rs->dport);
	uint8_t opt[SYNQ_TCP_OPTS_TS_LEN];
	struct gen_seg s;

	c->st.fins++;
	reply_seg(rs, &s);
	s.seq = rs->ack;
	s.ack = rs->seq + rs->data_len + 1;
	s.flags = RTE_TCP_ACK_FLAG | (rs->ack == isn + 1 ? RTE_TCP_FIN_FLAG : 0);
	s.ip_id = c->ip_id++;
	if (rs->o.ts) {
		s.opt = opt;
		s.opt_len = synq_tcp_opts_write_ts(opt, now_ts, rs->o.tsval);
	}
	emit(c, &s, out, kinds, nb, GEN_REPLY_FIN);
}

/*
 * A RST to a client: RST+ACK with seq 0 acknowledging our SYN refuses the SYN
 * (RFC 9293 3.10.7.1); a RST without ACK carries our ack as its seq and refuses our
 * ACK (3.10.7.4); anything else aborts a connection that was open.
 */
static void
rst_input(struct gen_ctx *c, const struct rx_seg *rs)
{
	uint32_t isn = gen_isn(c->isn_key, rs->daddr, rs->dport);

	if (!(rs->flags & RTE_TCP_ACK_FLAG))
		c->st.rst_to_ack++;
	else if (rs->seq == 0 && rs->ack == isn + 1)
		c->st.rst_to_syn++;
	else
		c->st.rst_after_open++;
}

static void
rx_one(struct gen_ctx *c, const struct rte_mbuf *m, struct rte_mbuf **out, uint8_t *kinds,
	unsigned int *nb, uint32_t now_ts)
{
	const struct gen_args *a = c->a;
	struct rx_seg rs;
	bool legit;

	if (!parse(m, &rs) || rs.saddr != a->dst || rs.sport != a->dport) {
		c->st.rx_other++;
		return;
	}
	legit = in_range(&a->clients, rs.daddr);
	if (!legit && !in_range(&a->flood, rs.daddr)) {
		c->st.rx_other++;
		return;
	}
	if ((rs.flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG)) ==
		(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) {
		if (legit) {
			synack_input(c, &rs, out, kinds, nb, now_ts);
		} else {
			c->st.synacks_flood++;
			if (rs.ack != gen_isn(c->isn_key, rs.daddr, rs.dport) + 1)
				c->st.synack_bad_ack_flood++;
		}
	} else if (rs.flags & RTE_TCP_RST_FLAG) {
		if (legit)
			rst_input(c, &rs);
		else
			c->st.rst_flood++;
	} else if ((rs.flags & RTE_TCP_FIN_FLAG) && legit) {
		fin_input(c, &rs, out, kinds, nb, now_ts);
	} else {
		c->st.rx_other++;
	}
}

/*
 * Handle the @p n received frames (freed here) and return the replies to send, in
 * order, in @p out (room for 2 * @p n), what each is in @p kinds.
 */
unsigned int
gen_rx(struct gen_ctx *c, struct rte_mbuf **pkts, unsigned int n, struct rte_mbuf **out,
	uint8_t *kinds, uint32_t now_ts)
{
	unsigned int nb = 0;

	c->st.rx_packets += n;
	for (unsigned int i = 0; i < n; i++)
		rx_one(c, pkts[i], out, kinds, &nb, now_ts);
	rte_pktmbuf_free_bulk(pkts, n);
	return nb;
}

static unsigned int
hist_index(uint32_t v)
{
	unsigned int e;

	if (v < GEN_HIST_LINEAR)
		return v;
	e = 31u - (unsigned int)__builtin_clz(v); /* 6..31 */
	return GEN_HIST_LINEAR + (e - 6) * GEN_HIST_SUB + ((v >> (e - 5)) & (GEN_HIST_SUB - 1));
}

/* The middle of bucket @p i: at most half a bucket (1.5 %) from any value in it. */
static double
hist_value(unsigned int i)
{
	unsigned int e, sub;

	if (i < GEN_HIST_LINEAR)
		return i;
	e = 6 + (i - GEN_HIST_LINEAR) / GEN_HIST_SUB;
	sub = (i - GEN_HIST_LINEAR) % GEN_HIST_SUB;
	return (double)((uint64_t)(GEN_HIST_SUB + sub) << (e - 5)) +
		(double)((uint64_t)1 << (e - 5)) / 2;
}

void
gen_hist_add(struct gen_hist *h, uint32_t v)
{
	h->b[hist_index(v)]++;
	if (h->n == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->n++;
	h->sum += v;
}

/* The @p p quantile (0 < p <= 1): the smallest value with at least p * n at or below. */
double
gen_hist_pct(const struct gen_hist *h, double p)
{
	uint64_t rank, seen = 0;
	double v;

	if (h->n == 0)
		return 0;
	rank = (uint64_t)(p * (double)h->n + 0.999999);
	if (rank < 1)
		rank = 1;
	for (unsigned int i = 0; i < GEN_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			v = hist_value(i);
			/* never outside what was seen */
			return v < h->min ? h->min : v > h->max ? h->max : v;
		}
	}
	return h->max;
}
