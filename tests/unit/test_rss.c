/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS in software (lib/iface/rss.c): the Toeplitz hash against the Intel 82599
 * datasheet's verification suite (7.1.2.8.3) and against DPDK's rte_softrss() and
 * rte_softrss_be() on random keys (40 and 52 bytes) and random 4-tuples of both
 * families (fixed seed, printed); the redirection table; and the local port chooser:
 * every port it yields lands on its queue, it yields every such port of the range once,
 * in order from the start point, so that the queues share the range about evenly; with
 * one queue (or no RSS) every port; the odd ranges; the refused parameters.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_thash.h>

#include "synq_rss.h"

#define SEED 1313u
#define RANDOM_CASES 40000
#define CASES_PER_KEY 50

/* The key of the verification suite (and of many NICs' defaults). */
static const uint8_t ms_key[40] = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25,
	0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb,
	0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};

static struct synq_rss rss; /* 8 KiB: not on the stack */

static void
rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

/* rss set up with @p key and a one-entry table (every hash to queue 0). */
static void
rss_key_only(const uint8_t *key, unsigned int key_len)
{
	static const uint16_t reta1[1] = {0};

	assert_int_equal(synq_rss_init(&rss, key, key_len, reta1, 1, 1), 0);
}

static void
addr4(uint8_t a[16], uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	memset(a, 0, 16);
	a[0] = b0;
	a[1] = b1;
	a[2] = b2;
	a[3] = b3;
}

/* 82599 datasheet 7.1.2.8.3, IPv4 with TCP: (source, destination, hash) */
static void
test_verification_suite_v4(void **state)
{
	(void)state;
	static const struct {
		uint8_t src[4], dst[4];
		uint16_t sport, dport;
		uint32_t hash;
	} v[] = {
		{{66, 9, 149, 187}, {161, 142, 100, 80}, 2794, 1766, 0x51ccc178},
		{{199, 92, 111, 2}, {65, 69, 140, 83}, 14230, 4739, 0xc626b0ea},
		{{24, 19, 198, 95}, {12, 22, 207, 184}, 12898, 38024, 0x5c2b394a},
		{{38, 27, 205, 30}, {209, 142, 163, 6}, 48228, 2217, 0xafc7327f},
		{{153, 39, 163, 191}, {202, 188, 127, 2}, 44251, 1303, 0x10e828a2},
	};

	rss_key_only(ms_key, sizeof(ms_key));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t s[16], d[16];

		addr4(s, v[i].src[0], v[i].src[1], v[i].src[2], v[i].src[3]);
		addr4(d, v[i].dst[0], v[i].dst[1], v[i].dst[2], v[i].dst[3]);
		assert_int_equal(synq_rss_hash(&rss, 4, s, d, rte_cpu_to_be_16(v[i].sport),
					 rte_cpu_to_be_16(v[i].dport)),
			v[i].hash);
	}
}

/* 82599 datasheet 7.1.2.8.3, IPv6 with TCP */
static void
test_verification_suite_v6(void **state)
{
	(void)state;
	static const struct {
		uint8_t src[16], dst[16];
		uint16_t sport, dport;
		uint32_t hash;
	} v[] = {
		{/* 3ffe:2501:200:1fff::7 -> 3ffe:2501:200:3::1 */
			{0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 7},
			{0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 1},
			2794, 1766, 0x40207d3d},
		{/* 3ffe:501:8::260:97ff:fe40:efab -> ff02::1 */
			{0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0, 0x02, 0x60, 0x97, 0xff, 0xfe,
				0x40, 0xef, 0xab},
			{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 14230, 4739,
			0xdde51bbf},
		{/* 3ffe:1900:4545:3:200:f8ff:fe21:67cf -> fe80::200:f8ff:fe21:67cf */
			{0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8, 0xff,
				0xfe, 0x21, 0x67, 0xcf},
			{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67,
				0xcf},
			44251, 38024, 0x02d1feef},
	};

	rss_key_only(ms_key, sizeof(ms_key));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(
			synq_rss_hash(&rss, 6, v[i].src, v[i].dst, rte_cpu_to_be_16(v[i].sport),
				rte_cpu_to_be_16(v[i].dport)),
			v[i].hash);
}

/* DPDK's view of the same tuple: host-order words, as rte_thash.h wants them. */
static uint32_t
dpdk_hash(int family, const uint8_t *src, const uint8_t *dst, uint16_t sport_be, uint16_t dport_be,
	const uint8_t *key, const uint8_t *key_be)
{
	union rte_thash_tuple t;
	uint32_t h, h_be;

	memset(&t, 0, sizeof(t));
	if (family == 4) {
		memcpy(&t.v4.src_addr, src, 4);
		memcpy(&t.v4.dst_addr, dst, 4);
		t.v4.src_addr = rte_be_to_cpu_32(t.v4.src_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(t.v4.dst_addr);
		t.v4.sport = rte_be_to_cpu_16(sport_be);
		t.v4.dport = rte_be_to_cpu_16(dport_be);
		h = rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, key);
		h_be = rte_softrss_be((uint32_t *)&t, RTE_THASH_V4_L4_LEN, key_be);
	} else {
		struct rte_ipv6_hdr ip6;

		memcpy(ip6.src_addr, src, 16);
		memcpy(ip6.dst_addr, dst, 16);
		rte_thash_load_v6_addrs(&ip6, &t);
		t.v6.sport = rte_be_to_cpu_16(sport_be);
		t.v6.dport = rte_be_to_cpu_16(dport_be);
		h = rte_softrss((uint32_t *)&t, RTE_THASH_V6_L4_LEN, key);
		h_be = rte_softrss_be((uint32_t *)&t, RTE_THASH_V6_L4_LEN, key_be);
	}
	assert_int_equal(h, h_be);
	return h;
}

/*
 * Random keys of both lengths, random tuples of both families: synq_rss_hash() (base
 * plus the port's tables), synq_rss_toeplitz() over the whole input and
 * synq_rss_hash_port() over a second port agree with rte_softrss() and rte_softrss_be().
 */
static void
test_random_vs_softrss(void **state)
{
	(void)state;
	uint8_t key[SYNQ_RSS_KEY_MAX], key_be[SYNQ_RSS_KEY_MAX];
	unsigned int key_len = 40;

	printf("seed %u\n", SEED);
	srand(SEED);
	for (int n = 0; n < RANDOM_CASES; n++) {
		int family = (n & 1) ? 6 : 4;
		unsigned int alen = family == 6 ? 16 : 4;
		uint8_t s[16] = {0}, d[16] = {0}, in[36];
		uint16_t sport = (uint16_t)rand(), dport = (uint16_t)rand(), p2 = (uint16_t)rand();
		uint32_t want, base;

		if (n % CASES_PER_KEY == 0) {
			key_len = (n / CASES_PER_KEY) & 1 ? 52 : 40;
			rnd_bytes(key, key_len);
			rte_convert_rss_key((const uint32_t *)key, (uint32_t *)key_be, key_len);
			rss_key_only(key, key_len);
		}
		rnd_bytes(s, alen);
		rnd_bytes(d, alen);
		want = dpdk_hash(family, s, d, sport, dport, key, key_be);
		assert_int_equal(synq_rss_hash(&rss, family, s, d, sport, dport), want);
		memcpy(in, s, alen);
		memcpy(in + alen, d, alen);
		memcpy(in + 2 * alen, &sport, 2);
		memcpy(in + 2 * alen + 2, &dport, 2);
		assert_int_equal(synq_rss_toeplitz(key, key_len, in, 2 * alen + 4), want);
		base = synq_rss_hash_base(&rss, family, s, d, sport);
		assert_int_equal(synq_rss_hash_port(&rss, family, base, p2),
			dpdk_hash(family, s, d, sport, rte_cpu_to_be_16(p2), key, key_be));
	}
}

/* A random key and a table of @p size entries spreading @p nb_q queues round robin. */
static void
rss_random(unsigned int size, uint16_t nb_q)
{
	uint8_t key[40];
	uint16_t reta[SYNQ_RSS_RETA_MAX];

	rnd_bytes(key, sizeof(key));
	for (unsigned int i = 0; i < size; i++)
		reta[i] = (uint16_t)(i % nb_q);
	assert_int_equal(synq_rss_init(&rss, key, sizeof(key), reta, size, nb_q), 0);
}

static void
test_reta(void **state)
{
	(void)state;
	uint8_t key_be[40];

	srand(SEED + 1);
	for (int n = 0; n < 2000; n++) {
		unsigned int size = 64u << (n % 6); /* 64 .. 2048 */
		uint16_t nb_q = (uint16_t)(1 + n % 7);
		int family = (n & 1) ? 6 : 4;
		uint8_t s[16] = {0}, d[16] = {0};
		uint16_t sport = (uint16_t)rand(), dport = (uint16_t)rand();
		uint32_t h;

		rss_random(size, nb_q);
		rte_convert_rss_key((const uint32_t *)rss.key, (uint32_t *)key_be, 40);
		rnd_bytes(s, family == 6 ? 16 : 4);
		rnd_bytes(d, family == 6 ? 16 : 4);
		h = dpdk_hash(family, s, d, sport, dport, rss.key, key_be);
		/* the low bits of the hash index the table */
		for (uint16_t q = 0; q < nb_q; q++)
			assert_int_equal(synq_rss_lands(&rss, family, s, d, sport, dport, q),
				(h % size) % nb_q == q);
	}
}

/*
 * The walk over [lo, hi] from @p start for each queue: each port it yields lands on
 * that queue (checked with rte_softrss()), follows the previous one in the walk's
 * order, and every port of the range is yielded for exactly one queue. Returns the
 * share of the busiest queue, in per mille of the range.
 */
static unsigned int
walk_all(int family, uint16_t lo, uint16_t hi, uint16_t start)
{
	static uint8_t seen[65536];
	uint8_t s[16] = {0}, d[16] = {0}, key_be[40];
	uint16_t sport = (uint16_t)rand();
	uint32_t range = (uint32_t)(hi - lo) + 1, total = 0, most = 0;

	rte_convert_rss_key((const uint32_t *)rss.key, (uint32_t *)key_be, 40);
	rnd_bytes(s, family == 6 ? 16 : 4);
	rnd_bytes(d, family == 6 ? 16 : 4);
	memset(seen, 0, sizeof(seen));
	for (uint16_t q = 0; q < rss.nb_queues; q++) {
		struct synq_rss_ports it;
		uint32_t count = 0, last_off = 0;
		int p;

		synq_rss_ports_init(&it, &rss, family, s, d, sport, lo, hi, start, q);
		while ((p = synq_rss_ports_next(&it)) >= 0) {
			/* offset from the start, in the walk's order: strictly increasing */
			uint32_t off = ((uint32_t)p - start + range) % range;

			assert_true(p >= lo && p <= hi);
			assert_true(count == 0 || off > last_off);
			last_off = off;
			assert_int_equal(seen[p], 0);
			seen[p] = 1;
			assert_int_equal(rss.reta_size == 0
						 ? 0
						 : rss.reta[dpdk_hash(family, s, d, sport,
								    rte_cpu_to_be_16((uint16_t)p),
								    rss.key, key_be) &
							    (rss.reta_size - 1)],
				q);
			count++;
		}
		assert_int_equal(synq_rss_ports_next(&it), -1); /* and it stays done */
		total += count;
		most = count > most ? count : most;
	}
	assert_int_equal(total, range);
	return (unsigned int)(1000 * (uint64_t)most / range);
}

static void
test_chooser_shares(void **state)
{
	(void)state;
	srand(SEED + 2);
	for (int n = 0; n < 8; n++) {
		uint16_t nb_q = (uint16_t)(2 + n % 4); /* 2..5 queues */
		unsigned int share;

		rss_random(128u << (n % 3), nb_q);
		/* 8192 ports: a queue's share is 1/nb_q within a few per cent */
		share = walk_all((n & 1) ? 6 : 4, 20000, 28191, (uint16_t)(20000 + rand() % 8192));
		assert_true(share < 1000u / nb_q + 1000u / nb_q / 10);
	}
}

static void
test_chooser_one_queue(void **state)
{
	(void)state;
	static const uint16_t reta0[128];
	uint8_t key[40];
	struct synq_rss_ports it;
	uint8_t s[16] = {10, 0, 0, 2}, d[16] = {10, 0, 0, 1};

	srand(SEED + 3);
	/* no RSS at all: every port, in order from the start, wrapping */
	synq_rss_init_none(&rss);
	synq_rss_ports_init(&it, &rss, 4, s, d, rte_cpu_to_be_16(80), 1000, 1009, 1007, 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(synq_rss_ports_next(&it), 1000 + (7 + i) % 10);
	assert_int_equal(synq_rss_ports_next(&it), -1);
	/* and none for another queue */
	synq_rss_ports_init(&it, &rss, 4, s, d, rte_cpu_to_be_16(80), 1000, 1009, 1000, 1);
	assert_int_equal(synq_rss_ports_next(&it), -1);
	/* RSS over a single queue: every port too */
	rnd_bytes(key, sizeof(key));
	assert_int_equal(synq_rss_init(&rss, key, sizeof(key), reta0, 128, 1), 0);
	assert_int_equal(walk_all(6, 1024, 65535, 50000), 1000);
}

static void
test_chooser_ranges(void **state)
{
	(void)state;
	struct synq_rss_ports it;
	uint8_t s[16] = {10, 0, 0, 2}, d[16] = {10, 0, 0, 1};

	srand(SEED + 4);
	synq_rss_init_none(&rss);
	/* one port; a start outside the range starts at lo */
	synq_rss_ports_init(&it, &rss, 4, s, d, 0, 5000, 5000, 4999, 0);
	assert_int_equal(synq_rss_ports_next(&it), 5000);
	assert_int_equal(synq_rss_ports_next(&it), -1);
	synq_rss_ports_init(&it, &rss, 4, s, d, 0, 5000, 5001, 6000, 0);
	assert_int_equal(synq_rss_ports_next(&it), 5000);
	/* lo above hi: nothing */
	synq_rss_ports_init(&it, &rss, 4, s, d, 0, 5001, 5000, 5000, 0);
	assert_int_equal(synq_rss_ports_next(&it), -1);
	/* the top of the port space wraps to lo, not to 0 */
	synq_rss_ports_init(&it, &rss, 4, s, d, 0, 65534, 65535, 65535, 0);
	assert_int_equal(synq_rss_ports_next(&it), 65535);
	assert_int_equal(synq_rss_ports_next(&it), 65534);
	assert_int_equal(synq_rss_ports_next(&it), -1);
	/* the whole space, with RSS over 3 queues */
	rss_random(512, 3);
	assert_true(walk_all(4, 0, 65535, 12345) < 1000 / 3 + 20);
	/* a queue the table never names (queues 0-2 of 4): no port, and no walk for it */
	{
		uint8_t key[40];
		uint16_t reta[512];

		rnd_bytes(key, sizeof(key));
		for (unsigned int i = 0; i < RTE_DIM(reta); i++)
			reta[i] = (uint16_t)(i % 3);
		assert_int_equal(synq_rss_init(&rss, key, sizeof(key), reta, 512, 4), 0);
		synq_rss_ports_init(&it, &rss, 4, s, d, rte_cpu_to_be_16(80), 1024, 65535,
			30000, 3);
		assert_int_equal(it.left, 0);
		assert_int_equal(synq_rss_ports_next(&it), -1);
	}
}

static void
test_init_refused(void **state)
{
	(void)state;
	uint8_t key[SYNQ_RSS_KEY_MAX + 1] = {0};
	uint16_t reta[SYNQ_RSS_RETA_MAX * 2] = {0};

	assert_int_equal(synq_rss_init(&rss, key, 39, reta, 128, 1), -EINVAL);
	assert_int_equal(synq_rss_init(&rss, key, 53, reta, 128, 1), -EINVAL);
	assert_int_equal(synq_rss_init(&rss, key, 40, reta, 0, 1), -EINVAL);
	assert_int_equal(synq_rss_init(&rss, key, 40, reta, 96, 1), -EINVAL);
	assert_int_equal(synq_rss_init(&rss, key, 40, reta, SYNQ_RSS_RETA_MAX * 2, 1), -EINVAL);
	assert_int_equal(synq_rss_init(&rss, key, 40, reta, 128, 0), -EINVAL);
	reta[127] = 2; /* a queue the port does not have */
	assert_int_equal(synq_rss_init(&rss, key, 40, reta, 128, 2), -EINVAL);
	assert_int_equal(synq_rss_init(&rss, key, 40, reta, 128, 3), 0);
	assert_int_equal(synq_rss_init(&rss, key, 52, reta, SYNQ_RSS_RETA_MAX, 3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verification_suite_v4),
		cmocka_unit_test(test_verification_suite_v6),
		cmocka_unit_test(test_random_vs_softrss),
		cmocka_unit_test(test_reta),
		cmocka_unit_test(test_chooser_shares),
		cmocka_unit_test(test_chooser_one_queue),
		cmocka_unit_test(test_chooser_ranges),
		cmocka_unit_test(test_init_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
