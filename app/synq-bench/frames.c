/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frames a benchmark path sends: Ethernet + IPv4 + TCP as a Linux client sends
 * them, with valid checksums, from sources that never repeat in a run.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "bench.h"
#include "synq_tcp_opts.h"

#define ETH_LEN 14
#define IP4_LEN 20
#define TCP_LEN 20

static uint64_t rng_state;
/* Counter behind the source addresses; mixed by a bijection, so never twice the same. */
static uint32_t src_counter;

void
bench_rand_seed(uint64_t seed)
{
	rng_state = seed;
	src_counter = (uint32_t)(seed * 0x9e3779b9u);
}

/* splitmix64: fast, and good enough for addresses, ports and sequence numbers. */
uint64_t
bench_rand(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A bijection of 32-bit words (lowbias32): distinct counters give distinct addresses. */
static uint32_t
mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/*
 * A source the IPv4 input accepts (RFC 1122 3.2.1.3: not 0/8, 127/8, 224/4 and above,
 * nor our own address), spread over the whole space as a spoofed flood's are.
 */
static uint32_t
src_next(void)
{
	for (;;) {
		uint32_t a = mix32(src_counter++);
		uint32_t top = a >> 24;

		if (top != 0 && top != 127 && top < 224 && a != BENCH_OUR_IP4)
			return a;
	}
}

void
bench_flow_new(struct flow *f)
{
	uint64_t r = bench_rand();

	memset(f, 0, sizeof(*f));
	f->saddr = src_next();
	f->sport = (uint16_t)(1024 + (r % (65536 - 1024)));
	f->isn = (uint32_t)(r >> 32);
	f->tsval = (uint32_t)bench_rand();
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A whole frame from the client of @p f to our port, with @p opt_len bytes of options. */
static void
segment(struct tmpl *t, const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags,
	uint16_t win, const uint8_t *opt, unsigned int opt_len)
{
	static const struct rte_ether_addr ours = BENCH_OUR_MAC;
	static const struct rte_ether_addr peer = BENCH_PEER_MAC;
	uint16_t l4 = (uint16_t)(TCP_LEN + opt_len);
	uint8_t *p = t->data;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + ETH_LEN);
	uint8_t *th = p + ETH_LEN + IP4_LEN;
	uint16_t ck;

	memset(t, 0, sizeof(*t));
	memcpy(p, &ours, 6);
	memcpy(p + 6, &peer, 6);
	put16(p + 12, RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(IP4_LEN + l4);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)bench_rand());
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG); /* as Linux clients send */
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(f->saddr);
	ip->dst_addr = RTE_BE32(BENCH_OUR_IP4);
	put16(th, f->sport);
	put16(th + 2, BENCH_LISTEN_PORT);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = (uint8_t)((l4 / 4) << 4);
	th[13] = flags;
	put16(th + 14, win);
	if (opt_len != 0)
		memcpy(th + TCP_LEN, opt, opt_len);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ck = rte_ipv4_udptcp_cksum(ip, th);
	memcpy(th + 16, &ck, 2);
	/* zero padded to the Ethernet minimum, as a short frame comes off the wire */
	t->len = RTE_MAX(ETH_LEN + IP4_LEN + l4, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
}

/* Linux's SYN: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7 (74 bytes). */
void
bench_syn(struct tmpl *t, const struct flow *f)
{
	uint8_t o[20] = {SYNQ_TCP_OPT_MSS, 4, 0x05, 0xb4, SYNQ_TCP_OPT_SACK_PERM, 2,
		SYNQ_TCP_OPT_TS, 10, [16] = SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_WSCALE, 3, 7};

	put32(o + 8, f->tsval);
	segment(t, f, f->isn, 0, RTE_TCP_SYN_FLAG, 64240, o, sizeof(o));
}

/* Linux's ACK once timestamps are on: NOP, NOP, timestamps (66 bytes); window 64240 >> 7. */
void
bench_ack(struct tmpl *t, const struct flow *f, uint32_t seq, uint32_t ack, uint32_t tsval,
	uint32_t tsecr)
{
	uint8_t o[12] = {SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_TS, 10};

	put32(o + 4, tsval);
	put32(o + 8, tsecr);
	segment(t, f, seq, ack, RTE_TCP_ACK_FLAG, 502, o, sizeof(o));
}

/* The client's RST with the exact sequence number: what removes its half-open entry. */
void
bench_rst(struct tmpl *t, const struct flow *f)
{
	segment(t, f, f->isn + 1, 0, RTE_TCP_RST_FLAG, 0, NULL, 0);
}

/*
 * Read our ISN and TSval from @p m, the SYN-ACK answering the SYN of @p f; false when
 * it is not one (the caller stops: the ACKs built from it would be wrong).
 */
bool
bench_synack_parse(const struct rte_mbuf *m, struct flow *f)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *th = p + ETH_LEN + IP4_LEN;
	unsigned int doff;
	struct synq_tcp_opts o;

	if (m->data_len < ETH_LEN + IP4_LEN + TCP_LEN || p[12] != 0x08 || p[13] != 0x00)
		return false;
	doff = (unsigned int)(th[12] >> 4) * 4;
	if (th[13] != (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) || get32(th + 8) != f->isn + 1 ||
		doff < TCP_LEN || ETH_LEN + IP4_LEN + doff > m->data_len ||
		synq_tcp_opts_parse(th + TCP_LEN, doff - TCP_LEN, &o) != 0 || !o.ts)
		return false;
	f->our_isn = get32(th + 4);
	f->our_tsval = o.tsval;
	return true;
}
