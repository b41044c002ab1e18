/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the tests' own frame library (tests/lib): the RFC 1071 sum against
 * published vectors, the builders against frames written out byte by byte (their
 * checksums computed apart, by a closed-form sum in Python), and the parser on those
 * frames, on frames with lying lengths and on every truncation, each placed against
 * a PROT_NONE page so that a read past the end faults in any build.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "synq_frame.h"
#include "synq_guard.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t our_mac[6] = {0x02, 0x53, 0x51, 0x00, 0x00, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0xaa, 0x00, 0x00, 0x00, 0x02};
static const uint8_t our_ip4[4] = {198, 18, 0, 1};
static const uint8_t peer_ip4[4] = {198, 18, 1, 2};
static const uint8_t our_ip6[16] = {0x20, 0x01, 0x00, 0x02, [15] = 0x01};
static const uint8_t peer_ip6[16] = {0x20, 0x01, 0x00, 0x02, [13] = 0x01, [15] = 0x02};

/* A Linux SYN from 198.18.1.2:40001 to port 80: MSS 1460, SACK, TS 12345, wscale 7. */
static const uint8_t syn4[74] = {
	0x02, 0x53, 0x51, 0x00, 0x00, 0x01, 0x02, 0xaa, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06,
	0x9b, 0x60, 0xc6, 0x12, 0x01, 0x02, 0xc6, 0x12, 0x00, 0x01, 0x9c, 0x41,
	0x00, 0x50, 0x11, 0x11, 0x11, 0x11, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
	0xfa, 0xf0, 0xd0, 0xfa, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0x00, 0x00, 0x30, 0x39, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
	0x03, 0x07,
};

/* Its RST with the exact number: 54 bytes, zero padded to 60. */
static const uint8_t rst4[60] = {
	0x02, 0x53, 0x51, 0x00, 0x00, 0x01, 0x02, 0xaa, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06,
	0x9b, 0x74, 0xc6, 0x12, 0x01, 0x02, 0xc6, 0x12, 0x00, 0x01, 0x9c, 0x41,
	0x00, 0x50, 0x11, 0x11, 0x11, 0x12, 0x00, 0x00, 0x00, 0x00, 0x50, 0x04,
	0x00, 0x00, 0x64, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* An IPv6 ACK with PSH, NOP NOP timestamps and 5 bytes of data ("hello"). */
static const uint8_t ack6[91] = {
	0x02, 0x53, 0x51, 0x00, 0x00, 0x01, 0x02, 0xaa, 0x00, 0x00, 0x00, 0x02,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x25, 0x06, 0x40, 0x20, 0x01,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x02, 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x9c, 0x42, 0x00, 0x50, 0xfe, 0xdc,
	0xba, 0x98, 0x01, 0x02, 0x03, 0x04, 0x80, 0x18, 0x01, 0xf6, 0x85, 0x7b,
	0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	0x77, 0x88, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
};

static const uint8_t linux_syn_opts[20] = {0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0x00, 0x00, 0x30, 0x39, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};
static const uint8_t ack_opts[12] = {0x01, 0x01, 0x08, 0x0a, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x66, 0x77, 0x88};

/* The last byte of this page is followed by a PROT_NONE page. */
static struct synq_guard guard;

static int
setup_guard(void **state)
{
	(void)state;
	return synq_guard_map(&guard);
}

static int
teardown_guard(void **state)
{
	(void)state;
	synq_guard_unmap(&guard);
	return 0;
}

/* Parse the @p len bytes at @p f from the very end of the guard page. */
static int
parse_tail(const uint8_t *f, size_t len, struct synq_frame_view *v)
{
	uint8_t *p = synq_guard_tail(&guard, len);

	memcpy(p, f, len);
	return synq_frame_parse_tcp(p, len, v);
}

static struct synq_frame_tcp
syn4_desc(uint8_t *opt)
{
	struct synq_frame_tcp t = {
		.ip = {.family = 4, .src = peer_ip4, .dst = our_ip4, .ttl = 64, .id = 0x1234,
			.frag = SYNQ_FRAME_DF},
		.sport = 40001,
		.dport = 80,
		.seq = 0x11111111,
		.flags = SYNQ_FRAME_SYN,
		.win = 64240,
		.opt = opt,
		.opt_len = synq_frame_opts_syn(opt, 1460, 7, 12345),
	};

	memcpy(t.eth.dst, our_mac, 6);
	memcpy(t.eth.src, peer_mac, 6);
	return t;
}

static struct synq_frame_tcp
ack6_desc(uint8_t *opt)
{
	static const uint8_t hello[5] = {'h', 'e', 'l', 'l', 'o'};
	struct synq_frame_tcp t = {
		.ip = {.family = 6, .src = peer_ip6, .dst = our_ip6, .ttl = 64},
		.sport = 40002,
		.dport = 80,
		.seq = 0xfedcba98,
		.ack = 0x01020304,
		.flags = SYNQ_FRAME_ACK | SYNQ_FRAME_PSH,
		.win = 502,
		.opt = opt,
		.opt_len = synq_frame_opts_ack(opt, 0x11223344, 0x55667788),
		.data = hello,
		.data_len = sizeof(hello),
	};

	memcpy(t.eth.dst, our_mac, 6);
	memcpy(t.eth.src, peer_mac, 6);
	return t;
}

/* --- checksum ------------------------------------------------------------------- */

static void
test_bytes(void **state)
{
	uint8_t b[6] = {0};

	(void)state;
	synq_bytes_put16(b + 1, 0xa1b2);
	assert_int_equal(b[1], 0xa1);
	assert_int_equal(b[2], 0xb2);
	assert_int_equal(synq_bytes_get16(b + 1), 0xa1b2);
	synq_bytes_put32(b + 1, 0xc1d2e3f4);
	assert_int_equal(b[1], 0xc1);
	assert_int_equal(b[4], 0xf4);
	assert_int_equal(b[5], 0);
	assert_int_equal(synq_bytes_get32(b + 1), 0xc1d2e3f4);
}

static void
test_cksum_vectors(void **state)
{
	/* RFC 1071 3: the sum of these words folds to 0xddf2 */
	static const uint8_t rfc1071[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	/* an IPv4 header whose checksum (bytes 10..11) is 0xb861, with the field zeroed */
	uint8_t ip[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00,
		0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	static const uint8_t odd[3] = {0x12, 0x34, 0x56};
	static uint8_t ones[2 * 65536];
	uint32_t acc;

	(void)state;
	assert_int_equal(synq_frame_cksum_add(0, rfc1071, 8), 0x2ddf0);
	assert_int_equal(synq_frame_cksum(rfc1071, 8), 0x220d);
	assert_int_equal(synq_frame_cksum(ip, sizeof(ip)), 0xb861);
	synq_bytes_put16(ip + 10, 0xb861);
	assert_int_equal(synq_frame_cksum(ip, sizeof(ip)), 0);
	/* an odd last byte counts as its high half: 0x1234 + 0x5600 */
	assert_int_equal(synq_frame_cksum(odd, 3), (uint16_t)~0x6834);
	assert_int_equal(synq_frame_cksum(odd, 0), 0xffff);
	/* chained at an even split, as the pseudo-header and segment are */
	acc = synq_frame_cksum_add(0, rfc1071, 4);
	acc = synq_frame_cksum_add(acc, rfc1071 + 4, 4);
	assert_int_equal(synq_frame_cksum_fold(acc), 0x220d);
	/* 65536 words of 0xffff: the carries pile up to 32 bits and fold back to 0xffff */
	memset(ones, 0xff, sizeof(ones));
	assert_int_equal(synq_frame_cksum_add(0, ones, sizeof(ones)), 0xffff0000u);
	assert_int_equal(synq_frame_cksum(ones, sizeof(ones)), 0);
	assert_int_equal(synq_frame_cksum_fold(0x1fffe), 0);
}

static void
test_pseudo_headers(void **state)
{
	uint8_t ip4[20] = {0x45, [12] = 1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t ip6[40] = {0x60};

	(void)state;
	/* 0x0102 + 0x0304 + 0x0506 + 0x0708 + protocol 6 + length 0x20 */
	assert_int_equal(synq_frame_phdr4(ip4, 6, 0x20), 0x1014 + 6 + 0x20);
	for (unsigned int i = 8; i < 40; i++)
		ip6[i] = 0x11;
	/* 16 words of 0x1111, the 32-bit length as two words, next header */
	assert_int_equal(synq_frame_phdr6(ip6, 58, 0x12345), 16 * 0x1111 + 1 + 0x2345 + 58);
}

/* --- builders ------------------------------------------------------------------- */

static void
test_opts(void **state)
{
	uint8_t o[SYNQ_FRAME_OPTS_MAX];

	(void)state;
	assert_int_equal(synq_frame_opts_syn(o, 1460, 7, 12345), sizeof(linux_syn_opts));
	assert_memory_equal(o, linux_syn_opts, sizeof(linux_syn_opts));
	assert_int_equal(synq_frame_opts_ack(o, 0x11223344, 0x55667788), sizeof(ack_opts));
	assert_memory_equal(o, ack_opts, sizeof(ack_opts));
}

static void
test_build_exact(void **state)
{
	uint8_t opt[SYNQ_FRAME_OPTS_MAX];
	uint8_t buf[128];
	struct synq_frame_tcp t;

	(void)state;
	t = syn4_desc(opt);
	assert_int_equal(synq_frame_tcp_len(&t), sizeof(syn4));
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(buf), &t), sizeof(syn4));
	assert_memory_equal(buf, syn4, sizeof(syn4));

	/* padding overwrites what the buffer held: as a wire delivers it */
	t.seq = 0x11111112;
	t.flags = SYNQ_FRAME_RST;
	t.win = 0;
	t.opt_len = 0;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(synq_frame_tcp_len(&t), SYNQ_FRAME_MIN);
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(buf), &t), sizeof(rst4));
	assert_memory_equal(buf, rst4, sizeof(rst4));
	assert_int_equal(buf[sizeof(rst4)], 0xee);

	t = ack6_desc(opt);
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(buf), &t), sizeof(ack6));
	assert_memory_equal(buf, ack6, sizeof(ack6));
}

static void
test_build_vlan(void **state)
{
	uint8_t opt[SYNQ_FRAME_OPTS_MAX];
	uint8_t buf[128];
	struct synq_frame_tcp t = syn4_desc(opt);

	(void)state;
	t.eth.tagged = true;
	t.eth.tci = 5 << 13 | 100;
	assert_int_equal(synq_frame_tcp_len(&t), sizeof(syn4) + 4);
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(buf), &t), sizeof(syn4) + 4);
	assert_memory_equal(buf, syn4, 12);
	assert_int_equal(synq_bytes_get16(buf + 12), SYNQ_FRAME_ET_VLAN);
	assert_int_equal(synq_bytes_get16(buf + 14), 5 << 13 | 100);
	assert_memory_equal(buf + 16, syn4 + 12, sizeof(syn4) - 12);
}

static void
test_build_limits(void **state)
{
	uint8_t opt[SYNQ_FRAME_OPTS_MAX];
	uint8_t buf[128];
	struct synq_frame_tcp t = syn4_desc(opt);

	(void)state;
	/* one byte short: nothing written */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(syn4) - 1, &t), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xee);
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(syn4), &t), sizeof(syn4));
	/* a padded frame needs room for its padding */
	t.opt_len = 0;
	assert_int_equal(synq_frame_build_tcp(buf, SYNQ_FRAME_MIN - 1, &t), 0);
	/* options: a multiple of 4, at most 40 */
	t.opt_len = 3;
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(buf), &t), 0);
	t.opt_len = 44;
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(buf), &t), 0);
	t.opt_len = 0;
	t.ip.family = 5;
	assert_int_equal(synq_frame_build_tcp(buf, sizeof(buf), &t), 0);
	/* IPv4's 16-bit total length counts the header, IPv6's payload length does not */
	{
		static uint8_t big[70000];
		static uint8_t data[65535];

		t.ip.family = 4;
		t.data = data;
		t.data_len = 65535 - 40;
		assert_int_equal(synq_frame_build_tcp(big, sizeof(big), &t), 14 + 65535);
		t.data_len++;
		assert_int_equal(synq_frame_build_tcp(big, sizeof(big), &t), 0);
		t = ack6_desc(opt);
		t.data = data;
		t.data_len = 65535 - 32;
		assert_int_equal(synq_frame_build_tcp(big, sizeof(big), &t), 14 + 40 + 65535);
		t.data_len++;
		assert_int_equal(synq_frame_build_tcp(big, sizeof(big), &t), 0);
	}
}

static void
test_put_ip(void **state)
{
	const struct synq_frame_ip ip4 = {.family = 4, .src = peer_ip4, .dst = our_ip4,
		.ttl = 50, .tos = 0xb8, .id = 0xbeef, .frag = 0x2003};
	const struct synq_frame_ip ip6 = {.family = 6, .src = peer_ip6, .dst = our_ip6,
		.ttl = 255, .tos = 0xb8, .flow = 0xabcde};
	const struct synq_frame_eth eth = {.dst = {1, 2, 3, 4, 5, 6}, .src = {7, 8, 9, 10, 11, 12}};
	uint8_t b[64];

	(void)state;
	assert_int_equal(synq_frame_put_eth(b, sizeof(b), &eth, SYNQ_FRAME_ET_ARP), 14);
	assert_int_equal(synq_bytes_get16(b + 12), SYNQ_FRAME_ET_ARP);
	assert_int_equal(synq_frame_put_eth(b, 13, &eth, SYNQ_FRAME_ET_ARP), 0);

	assert_int_equal(synq_frame_put_ip(b, sizeof(b), &ip4, SYNQ_FRAME_PROTO_ICMP, 8), 20);
	assert_int_equal(b[0], 0x45);
	assert_int_equal(b[1], 0xb8);
	assert_int_equal(synq_bytes_get16(b + 2), 28);
	assert_int_equal(synq_bytes_get16(b + 4), 0xbeef);
	assert_int_equal(synq_bytes_get16(b + 6), 0x2003);
	assert_int_equal(b[8], 50);
	assert_int_equal(b[9], SYNQ_FRAME_PROTO_ICMP);
	assert_memory_equal(b + 12, peer_ip4, 4);
	assert_memory_equal(b + 16, our_ip4, 4);
	assert_int_equal(synq_frame_cksum(b, 20), 0);
	assert_int_equal(synq_frame_put_ip(b, 19, &ip4, SYNQ_FRAME_PROTO_ICMP, 8), 0);
	assert_int_equal(synq_frame_put_ip(b, sizeof(b), &ip4, SYNQ_FRAME_PROTO_ICMP, 65516), 0);

	/* a change, then the fix: the change is what is left to see */
	b[8] = 1;
	assert_int_not_equal(synq_frame_cksum(b, 20), 0);
	synq_frame_fix_ip4(b);
	assert_int_equal(synq_frame_cksum(b, 20), 0);
	/* IHL 6: the option word is summed too; IHL 4 is summed as 5 */
	b[0] = 0x46;
	memset(b + 20, 0x5a, 4);
	synq_frame_fix_ip4(b);
	assert_int_equal(synq_frame_cksum(b, 24), 0);
	b[0] = 0x44;
	synq_frame_fix_ip4(b);
	assert_int_equal(synq_frame_cksum(b, 20), 0);

	/* version 6, traffic class 0xb8, flow label 0xabcde */
	assert_int_equal(synq_frame_put_ip(b, sizeof(b), &ip6, SYNQ_FRAME_PROTO_ICMP6, 32), 40);
	assert_int_equal(synq_bytes_get32(b), 0x6b8abcde);
	assert_int_equal(synq_bytes_get16(b + 4), 32);
	assert_int_equal(b[6], SYNQ_FRAME_PROTO_ICMP6);
	assert_int_equal(b[7], 255);
	assert_memory_equal(b + 8, peer_ip6, 16);
	assert_memory_equal(b + 24, our_ip6, 16);
	assert_int_equal(synq_frame_put_ip(b, 39, &ip6, SYNQ_FRAME_PROTO_ICMP6, 32), 0);
}

/* --- parser --------------------------------------------------------------------- */

static void
test_parse_syn4(void **state)
{
	struct synq_frame_view v;

	(void)state;
	assert_int_equal(parse_tail(syn4, sizeof(syn4), &v), 0);
	assert_memory_equal(v.dst_mac, our_mac, 6);
	assert_memory_equal(v.src_mac, peer_mac, 6);
	assert_false(v.tagged);
	assert_int_equal(v.type, SYNQ_FRAME_ET_IPV4);
	assert_int_equal(v.l2_len, 14);
	assert_int_equal(v.family, 4);
	assert_int_equal(v.ip_hlen, 20);
	assert_int_equal(v.ip_len, 60);
	assert_memory_equal(v.src, peer_ip4, 4);
	assert_memory_equal(v.dst, our_ip4, 4);
	assert_int_equal(v.tos, 0);
	assert_int_equal(v.id, 0x1234);
	assert_int_equal(v.frag, SYNQ_FRAME_DF);
	assert_int_equal(v.ttl, 64);
	assert_true(v.ip_cksum_ok);
	assert_int_equal(v.tcp_len, 40);
	assert_int_equal(v.doff, 40);
	assert_int_equal(v.reserved, 0);
	assert_int_equal(v.sport, 40001);
	assert_int_equal(v.dport, 80);
	assert_int_equal(v.seq, 0x11111111);
	assert_int_equal(v.ack, 0);
	assert_int_equal(v.flags, SYNQ_FRAME_SYN);
	assert_int_equal(v.win, 64240);
	assert_int_equal(v.cksum, 0xd0fa);
	assert_int_equal(v.urg, 0);
	assert_true(v.tcp_cksum_ok);
	assert_int_equal(v.opt_len, 20);
	assert_memory_equal(v.opt, linux_syn_opts, 20);
	assert_int_equal(v.data_len, 0);
	assert_int_equal(v.pad_len, 0);
	assert_true(v.pad_zero);
}

static void
test_parse_rst4_ack6(void **state)
{
	uint8_t f[128];
	struct synq_frame_view v;

	(void)state;
	assert_int_equal(parse_tail(rst4, sizeof(rst4), &v), 0);
	assert_int_equal(v.flags, SYNQ_FRAME_RST);
	assert_int_equal(v.seq, 0x11111112);
	assert_int_equal(v.doff, 20);
	assert_int_equal(v.opt_len, 0);
	assert_int_equal(v.pad_len, 6);
	assert_true(v.pad_zero);
	assert_true(v.ip_cksum_ok && v.tcp_cksum_ok);
	/* trailer bytes after the packet are not part of it, nor of its sums */
	memcpy(f, rst4, sizeof(rst4));
	f[59] = 1;
	assert_int_equal(parse_tail(f, sizeof(rst4), &v), 0);
	assert_false(v.pad_zero);
	assert_true(v.ip_cksum_ok && v.tcp_cksum_ok);

	assert_int_equal(parse_tail(ack6, sizeof(ack6), &v), 0);
	assert_int_equal(v.family, 6);
	assert_int_equal(v.type, SYNQ_FRAME_ET_IPV6);
	assert_int_equal(v.ip_hlen, 40);
	assert_int_equal(v.ip_len, 77);
	assert_memory_equal(v.src, peer_ip6, 16);
	assert_memory_equal(v.dst, our_ip6, 16);
	assert_int_equal(v.ttl, 64);
	assert_int_equal(v.tos, 0);
	assert_int_equal(v.flow, 0);
	assert_true(v.ip_cksum_ok);
	assert_true(v.tcp_cksum_ok);
	assert_int_equal(v.seq, 0xfedcba98);
	assert_int_equal(v.ack, 0x01020304);
	assert_int_equal(v.flags, SYNQ_FRAME_ACK | SYNQ_FRAME_PSH);
	assert_int_equal(v.win, 502);
	assert_int_equal(v.opt_len, 12);
	assert_memory_equal(v.opt, ack_opts, 12);
	assert_int_equal(v.data_len, 5);
	assert_memory_equal(v.data, "hello", 5);
	assert_int_equal(v.pad_len, 0);
}

static void
test_parse_vlan(void **state)
{
	uint8_t opt[SYNQ_FRAME_OPTS_MAX];
	uint8_t buf[128];
	struct synq_frame_tcp t = ack6_desc(opt);
	struct synq_frame_view v;
	size_t len;

	(void)state;
	t.eth.tagged = true;
	t.eth.tci = 0x1000 | 100;
	len = synq_frame_build_tcp(buf, sizeof(buf), &t);
	assert_int_equal(parse_tail(buf, len, &v), 0);
	assert_true(v.tagged);
	assert_int_equal(v.tci, 0x1000 | 100);
	assert_int_equal(v.type, SYNQ_FRAME_ET_IPV6);
	assert_int_equal(v.l2_len, 18);
	assert_ptr_equal(v.ip, synq_guard_tail(&guard, len) + 18);
	assert_int_equal(v.data_len, 5);
	assert_true(v.tcp_cksum_ok);
}

/* A changed byte under a stale checksum is seen; IPv6 has no header checksum. */
static void
test_parse_cksums(void **state)
{
	uint8_t f[128];
	struct synq_frame_view v;

	(void)state;
	memcpy(f, syn4, sizeof(syn4));
	f[14 + 8] = 63; /* TTL */
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), 0);
	assert_false(v.ip_cksum_ok);
	assert_true(v.tcp_cksum_ok);
	memcpy(f, syn4, sizeof(syn4));
	f[sizeof(syn4) - 1] = 8; /* window scale */
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), 0);
	assert_true(v.ip_cksum_ok);
	assert_false(v.tcp_cksum_ok);
	/* an address is under the TCP sum too, through the pseudo-header */
	memcpy(f, syn4, sizeof(syn4));
	f[14 + 15] ^= 1;
	synq_frame_fix_ip4(f + 14);
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), 0);
	assert_true(v.ip_cksum_ok);
	assert_false(v.tcp_cksum_ok);

	memcpy(f, ack6, sizeof(ack6));
	f[14 + 39] ^= 1;
	assert_int_equal(parse_tail(f, sizeof(ack6), &v), 0);
	assert_true(v.ip_cksum_ok);
	assert_false(v.tcp_cksum_ok);
	memcpy(f, ack6, sizeof(ack6));
	f[sizeof(ack6) - 1] ^= 0x80;
	assert_int_equal(parse_tail(f, sizeof(ack6), &v), 0);
	assert_false(v.tcp_cksum_ok);
}

/* Lengths that lie, and frames that are not TCP over IP. */
static void
test_parse_errors(void **state)
{
	uint8_t f[128];
	struct synq_frame_view v;

	(void)state;
	/* IPv4 total length past the frame, and below header + TCP header */
	memcpy(f, syn4, sizeof(syn4));
	synq_bytes_put16(f + 16, 61);
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EINVAL);
	synq_bytes_put16(f + 16, 39);
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EINVAL);
	synq_bytes_put16(f + 16, 19);
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EINVAL);
	/* IHL below 5, and past the packet */
	memcpy(f, syn4, sizeof(syn4));
	f[14] = 0x44;
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EINVAL);
	f[14] = 0x4f;
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EINVAL);
	/* IHL 6 with NOP, NOP, NOP, EOL: TCP after 24 bytes, its sum unchanged */
	memcpy(f, rst4, 34);
	memcpy(f + 34, (const uint8_t[]){1, 1, 1, 0}, 4);
	memcpy(f + 38, rst4 + 34, 20);
	f[14] = 0x46;
	synq_bytes_put16(f + 16, 44);
	synq_frame_fix_ip4(f + 14);
	assert_int_equal(parse_tail(f, 58, &v), 0);
	assert_int_equal(v.ip_hlen, 24);
	assert_int_equal(v.ip_len, 44);
	assert_int_equal(v.tcp_len, 20);
	assert_int_equal(v.flags, SYNQ_FRAME_RST);
	assert_true(v.ip_cksum_ok);
	assert_true(v.tcp_cksum_ok);
	/* a version that is not the ethertype's */
	memcpy(f, syn4, sizeof(syn4));
	f[14] = 0x65;
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EINVAL);
	memcpy(f, ack6, sizeof(ack6));
	f[14] = 0x40;
	assert_int_equal(parse_tail(f, sizeof(ack6), &v), -EINVAL);
	/* data offset below 5 words, past the segment */
	memcpy(f, syn4, sizeof(syn4));
	f[14 + 20 + 12] = 0x40;
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EINVAL);
	f[14 + 20 + 12] = 0xb0;
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EINVAL);
	/* the reserved bits are reported, not refused */
	f[14 + 20 + 12] = 0xa3;
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), 0);
	assert_int_equal(v.reserved, 3);
	assert_int_equal(v.doff, 40);
	/* IPv6 payload length past the frame, and shorter than a TCP header */
	memcpy(f, ack6, sizeof(ack6));
	synq_bytes_put16(f + 18, 38);
	assert_int_equal(parse_tail(f, sizeof(ack6), &v), -EINVAL);
	synq_bytes_put16(f + 18, 19);
	assert_int_equal(parse_tail(f, sizeof(ack6), &v), -EINVAL);
	/* a payload length shorter than the frame: the rest is padding */
	synq_bytes_put16(f + 18, 32);
	assert_int_equal(parse_tail(f, sizeof(ack6), &v), 0);
	assert_int_equal(v.data_len, 0);
	assert_int_equal(v.pad_len, 5);
	assert_false(v.pad_zero);

	/* not TCP over IP: ARP, UDP, an IPv4 fragment, an IPv6 extension header */
	memcpy(f, syn4, sizeof(syn4));
	synq_bytes_put16(f + 12, SYNQ_FRAME_ET_ARP);
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EPROTONOSUPPORT);
	memcpy(f, syn4, sizeof(syn4));
	f[14 + 9] = SYNQ_FRAME_PROTO_UDP;
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EPROTONOSUPPORT);
	memcpy(f, syn4, sizeof(syn4));
	synq_bytes_put16(f + 20, 0x2000);
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EPROTONOSUPPORT);
	synq_bytes_put16(f + 20, 0x0001);
	assert_int_equal(parse_tail(f, sizeof(syn4), &v), -EPROTONOSUPPORT);
	memcpy(f, ack6, sizeof(ack6));
	f[14 + 6] = 0;
	assert_int_equal(parse_tail(f, sizeof(ack6), &v), -EPROTONOSUPPORT);
	/* a tag with nothing after it */
	synq_bytes_put16(f + 12, SYNQ_FRAME_ET_VLAN);
	assert_int_equal(parse_tail(f, 17, &v), -EINVAL);
}

/*
 * Every cut of each frame, the tagged one included: refused while the IP packet is
 * incomplete, read in full once only padding is missing; never a read past the cut.
 */
static void
test_parse_truncations(void **state)
{
	uint8_t opt[SYNQ_FRAME_OPTS_MAX];
	uint8_t tagged[128];
	struct synq_frame_tcp t = syn4_desc(opt);
	const struct {
		const uint8_t *f;
		size_t len;
		size_t packet; /* Ethernet and IP, without padding */
	} frames[] = {
		{syn4, sizeof(syn4), sizeof(syn4)},
		{rst4, sizeof(rst4), 54},
		{ack6, sizeof(ack6), sizeof(ack6)},
		{tagged, sizeof(syn4) + 4, sizeof(syn4) + 4},
	};
	struct synq_frame_view v;

	(void)state;
	t.eth.tagged = true;
	t.eth.tci = 100;
	assert_int_equal(synq_frame_build_tcp(tagged, sizeof(tagged), &t), sizeof(syn4) + 4);
	for (size_t i = 0; i < DIM(frames); i++) {
		for (size_t len = 0; len <= frames[i].len; len++) {
			int rc = parse_tail(frames[i].f, len, &v);

			if (len < frames[i].packet) {
				assert_int_equal(rc, -EINVAL);
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(v.pad_len, len - frames[i].packet);
				assert_true(v.tcp_cksum_ok);
			}
		}
	}
}

/* Built and parsed back: every field of the description comes out as it went in. */
static void
test_build_parse_round_trip(void **state)
{
	uint8_t opt[SYNQ_FRAME_OPTS_MAX] = {0};
	uint8_t data[300];
	uint8_t buf[512];
	struct synq_frame_view v;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	for (unsigned int n = 0; n < 2 * 11 * 4; n++) {
		struct synq_frame_tcp t = n & 1 ? ack6_desc(opt) : syn4_desc(opt);
		size_t len;

		t.opt_len = (n / 2 % 11) * 4;
		t.data = data;
		t.data_len = (size_t)(n * 37 % 300);
		t.seq = n * 0x9e3779b9u;
		t.ack = ~t.seq;
		t.flags = (uint8_t)(n * 13);
		t.win = (uint16_t)(n * 1000);
		t.urg = (uint16_t)n;
		t.eth.tagged = n / 22 % 2;
		t.eth.tci = (uint16_t)n;
		len = synq_frame_build_tcp(buf, sizeof(buf), &t);
		assert_int_equal(len, synq_frame_tcp_len(&t));
		assert_int_equal(parse_tail(buf, len, &v), 0);
		assert_int_equal(v.family, t.ip.family);
		assert_int_equal(v.tagged, t.eth.tagged);
		assert_int_equal(v.sport, t.sport);
		assert_int_equal(v.dport, t.dport);
		assert_int_equal(v.seq, t.seq);
		assert_int_equal(v.ack, t.ack);
		assert_int_equal(v.flags, t.flags);
		assert_int_equal(v.win, t.win);
		assert_int_equal(v.urg, t.urg);
		assert_int_equal(v.opt_len, t.opt_len);
		assert_memory_equal(v.opt, opt, t.opt_len);
		assert_int_equal(v.data_len, t.data_len);
		assert_memory_equal(v.data, data, t.data_len);
		assert_true(v.ip_cksum_ok);
		assert_true(v.tcp_cksum_ok);
		assert_true(v.pad_zero);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_cksum_vectors),
		cmocka_unit_test(test_pseudo_headers),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_build_exact),
		cmocka_unit_test(test_build_vlan),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_put_ip),
		cmocka_unit_test(test_parse_syn4),
		cmocka_unit_test(test_parse_rst4_ack6),
		cmocka_unit_test(test_parse_vlan),
		cmocka_unit_test(test_parse_cksums),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_truncations),
		cmocka_unit_test(test_build_parse_round_trip),
	};

	return cmocka_run_group_tests(tests, setup_guard, teardown_guard);
}
