/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frames a benchmark path sends: Ethernet + IPv4 + TCP as a Linux client sends
 * them, with valid checksums, from sources that never repeat in a run. They are built
 * with the tests' frame library (tests/lib), outside the timed region.
 */

#include <string.h>

#include <rte_debug.h>
#include <rte_ether.h>

#include "bench.h"
#include "synq_frame.h"
#include "synq_tcp_opts.h"

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

/*
 * A whole frame from the client of @p f to our port, with @p opt_len bytes of options,
 * zero padded to the Ethernet minimum as a short frame comes off the wire.
 */
static void
segment(struct tmpl *t, const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags,
	uint16_t win, const uint8_t *opt, size_t opt_len)
{
	static const struct rte_ether_addr ours = BENCH_OUR_MAC;
	static const struct rte_ether_addr peer = BENCH_PEER_MAC;
	uint8_t saddr[4], daddr[4];
	const struct synq_frame_peer p = {.mac = peer.addr_bytes,
		.our_mac = ours.addr_bytes,
		.family = 4,
		.addr = saddr,
		.our_addr = daddr,
		.port = f->sport,
		.our_port = BENCH_LISTEN_PORT,
		.ip_id = (uint16_t)bench_rand()};

	synq_bytes_put32(saddr, f->saddr);
	synq_bytes_put32(daddr, BENCH_OUR_IP4);
	memset(t, 0, sizeof(*t));
	t->len = (uint16_t)synq_frame_build_seg(
		t->data, sizeof(t->data), &p, seq, ack, flags, win, opt, opt_len, NULL, 0);
	RTE_VERIFY(t->len != 0);
}

/* Linux's SYN: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7 (74 bytes). */
void
bench_syn(struct tmpl *t, const struct flow *f)
{
	uint8_t o[SYNQ_FRAME_SYN_OPTS_LEN];
	size_t n = synq_frame_opts_syn(o, 1460, 7, f->tsval);

	segment(t, f, f->isn, 0, SYNQ_FRAME_SYN, 64240, o, n);
}

/* Linux's ACK once timestamps are on: NOP, NOP, timestamps (66 bytes); window 64240 >> 7. */
void
bench_ack(struct tmpl *t, const struct flow *f, uint32_t seq, uint32_t ack, uint32_t tsval,
	uint32_t tsecr)
{
	uint8_t o[SYNQ_FRAME_ACK_OPTS_LEN];

	segment(t, f, seq, ack, SYNQ_FRAME_ACK, 502, o, synq_frame_opts_ack(o, tsval, tsecr));
}

/* The client's RST with the exact sequence number: what removes its half-open entry. */
void
bench_rst(struct tmpl *t, const struct flow *f)
{
	segment(t, f, f->isn + 1, 0, SYNQ_FRAME_RST, 0, NULL, 0);
}

/*
 * Read our ISN and TSval from @p m, the SYN-ACK answering the SYN of @p f; false when
 * it is not one (the caller stops: the ACKs built from it would be wrong). Checksums
 * are not looked at: with --offload synq leaves them to the NIC.
 */
bool
bench_synack_parse(const struct rte_mbuf *m, struct flow *f)
{
	struct synq_frame_view v;
	struct synq_tcp_opts o;

	if (synq_frame_parse_tcp(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, &v) != 0 ||
		v.family != 4 || v.flags != (SYNQ_FRAME_SYN | SYNQ_FRAME_ACK) ||
		v.ack != f->isn + 1 || synq_tcp_opts_parse(v.opt, v.opt_len, &o) != 0 || !o.ts)
		return false;
	f->our_isn = v.seq;
	f->our_tsval = o.tsval;
	return true;
}
