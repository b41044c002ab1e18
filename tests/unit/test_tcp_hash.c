/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tables of a worker share one hash seed (issue 14: a segment's key is hashed once
 * for the SYN table, TIME-WAIT and the flow table), and the slot order of a table shows
 * on the wire: a sweep retransmits the due SYN-ACKs in slot order. Keys an attacker
 * finds together in one table's probe chain must not be together in another's: each
 * table takes its slots through its own multiplier (tcp_hash_slot()). Without EAL.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_common.h>

#include "synq_flowmem.h"
#include "synq_syntab.h"
#include "tcp_hash.h"

enum { MAX = 512, N = 64 };

static const struct tcp_hash_seed seed = {
	{UINT64_C(0x0123456789abcdef), UINT64_C(0xfedcba9876543210), UINT64_C(0x5555aaaa3333cccc)}};

/* key @p i: one client address, a source port each, as an attacker's own connections */
static struct synq_flow_key
key_n(uint32_t i)
{
	struct synq_flow_key k;

	memset(&k, 0, sizeof(k));
	k.saddr[0] = 198;
	k.saddr[1] = 18;
	k.saddr[3] = 2;
	k.sport = (uint16_t)(1024 + i);
	k.dport = 0x5000;
	k.family = 4;
	return k;
}

/*
 * How many of the N keys lie, relative to key 0, at the same slot in both tables:
 * @p a and @p b the keys' entries in each. 1 (key 0) and chance for unrelated slots.
 */
static unsigned int
same_places(const uintptr_t *a, const uintptr_t *b)
{
	unsigned int same = 0;

	for (unsigned int i = 0; i < N; i++)
		same += a[i] - a[0] == b[i] - b[0];
	return same;
}

/* two SYN tables of one size, seeded alike, given the same keys */
static void
test_syntabs(void **state __rte_unused)
{
	struct synq_syntab *a = synq_syntab_create(MAX, 0), *b = synq_syntab_create(MAX, 0);
	uintptr_t ea[N], eb[N];

	assert_non_null(a);
	assert_non_null(b);
	synq_syntab_seed(a, &seed);
	synq_syntab_seed(b, &seed);
	for (uint32_t i = 0; i < N; i++) {
		struct synq_flow_key k = key_n(i);

		ea[i] = (uintptr_t)synq_syntab_insert(a, &k, 0);
		eb[i] = (uintptr_t)synq_syntab_insert(b, &k, 0);
		assert_true(ea[i] != 0 && eb[i] != 0);
		/* each still finds the key by the shared hash */
		assert_true((uintptr_t)synq_syntab_lookup_h(a, &k, tcp_hash(&seed, &k)) == ea[i]);
		assert_true((uintptr_t)synq_syntab_lookup_h(b, &k, tcp_hash(&seed, &k)) == eb[i]);
	}
	assert_true(same_places(ea, eb) < N / 4);
	synq_syntab_free(a);
	synq_syntab_free(b);
}

/* the SYN table and TIME-WAIT of a worker, of one size (64-byte entries both) */
static void
test_syntab_and_time_wait(void **state __rte_unused)
{
	struct synq_syntab *a = synq_syntab_create(MAX, 0);
	struct synq_flowmem *b = synq_flowmem_create("test_time_wait", MAX, 0);
	uintptr_t ea[N], eb[N];

	assert_non_null(a);
	assert_non_null(b);
	synq_syntab_seed(a, &seed);
	synq_flowmem_seed(b, &seed);
	for (uint32_t i = 0; i < N; i++) {
		struct synq_flow_key k = key_n(i);

		ea[i] = (uintptr_t)synq_syntab_insert(a, &k, 0);
		eb[i] = (uintptr_t)synq_flowmem_insert(b, &k, 0, 60000);
		assert_true(ea[i] != 0 && eb[i] != 0);
		assert_true((uintptr_t)synq_flowmem_lookup_h(b, &k, tcp_hash(&seed, &k)) == eb[i]);
	}
	assert_true(same_places(ea, eb) < N / 4);
	synq_syntab_free(a);
	synq_flowmem_free(b);
}

/* A random seed @p s and IPv4 flow key @p k from @p x; the key's source address. */
static uint32_t
random_key4(uint64_t *x, struct tcp_hash_seed *s, struct synq_flow_key *k)
{
	uint32_t saddr;

	for (unsigned int w = 0; w < RTE_DIM(s->w); w++)
		s->w[w] = tcp_hash_splitmix64(x);
	saddr = (uint32_t)tcp_hash_splitmix64(x);
	memset(k, 0, sizeof(*k));
	memcpy(k->saddr, &saddr, sizeof(saddr));
	k->sport = (uint16_t)tcp_hash_splitmix64(x);
	k->dport = (uint16_t)tcp_hash_splitmix64(x);
	k->family = 4;
	k->daddr_idx = (uint8_t)tcp_hash_splitmix64(x);
	k->rxq_idx = (uint8_t)tcp_hash_splitmix64(x);
	return saddr;
}

/*
 * tcp_hash4() (the burst's prefetch, from an IPv4 record's fields, no key made) is
 * tcp_hash() of the key the same segment makes: random fields, random seeds.
 */
static void
test_hash4(void **state __rte_unused)
{
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);

	for (unsigned int i = 0; i < 100000; i++) {
		struct tcp_hash_seed s;
		struct synq_flow_key k;
		uint32_t saddr;

		saddr = random_key4(&x, &s, &k);
		assert_true(tcp_hash4(&s, saddr, k.sport, k.dport, k.daddr_idx, k.rxq_idx) ==
			    tcp_hash(&s, &k));
	}
}

/*
 * tcp_hash4_raw() (the prefetch's: the TCP header's ports and the record's two indices
 * one load each) is tcp_hash() of the key the same segment makes; and tcp_hash(),
 * which reads the key's last 8 bytes in one load, ignores its padding byte, as
 * synq_flow_key_equal() does: random fields, random seeds.
 */
static void
test_hash4_raw(void **state __rte_unused)
{
	uint64_t x = UINT64_C(0x2545f4914f6cdd1d);

	for (unsigned int i = 0; i < 100000; i++) {
		struct tcp_hash_seed s;
		struct synq_flow_key k;
		uint8_t hdr[4], idx2[2];
		uint32_t saddr, ports;
		uint16_t idx;
		uint64_t h;

		saddr = random_key4(&x, &s, &k);
		/* the ports as the TCP header has them, the indices as the record */
		memcpy(hdr, &k.sport, 2);
		memcpy(hdr + 2, &k.dport, 2);
		memcpy(&ports, hdr, 4);
		idx2[0] = k.daddr_idx;
		idx2[1] = k.rxq_idx;
		memcpy(&idx, idx2, 2);
		h = tcp_hash(&s, &k);
		assert_true(tcp_hash4_raw(&s, saddr, ports, idx) == h);
		k.pad = (uint8_t)(tcp_hash_splitmix64(&x) | 1);
		assert_true(tcp_hash(&s, &k) == h);
		/* every other byte of the key counts */
		for (unsigned int b = 0; b < offsetof(struct synq_flow_key, pad); b++) {
			uint8_t *kb = (uint8_t *)&k;

			kb[b] ^= 0x80;
			assert_true(tcp_hash(&s, &k) != h);
			kb[b] ^= 0x80;
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntabs),
		cmocka_unit_test(test_syntab_and_time_wait),
		cmocka_unit_test(test_hash4),
		cmocka_unit_test(test_hash4_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
