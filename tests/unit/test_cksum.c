/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synq_cksum_add() (lib/iface/synq_cksum.h) sums in add-with-carry chains on x86-64
 * and reads its tail in pieces (issue 14): it must fold to what the portable
 * synq_cksum_add_generic() folds to, and both to RFC 1071's sum of 16-bit words, for
 * every length a frame can have, at every alignment, from every starting sum; and
 * synq_cksum_fold() (halves added by rotation) and synq_cksum_ok() to the plain
 * reduction. A
 * checksum that accepted what the other rejects would pass a corrupt segment or drop
 * a good one. Without EAL.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "synq_cksum.h"

enum { MAX_LEN = 1500, ALIGN = 8 };

static uint64_t
rng_next(uint64_t *s)
{
	/* xorshift64*: reproducible, no libc state */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* RFC 1071 as written: 16-bit words in network order, a zero after an odd last byte. */
static uint16_t
rfc1071_fold(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Both sums of @p len bytes at @p p from @p start agree; from 0, with RFC 1071 too. */
static void
check_one(const uint8_t *p, size_t len, uint64_t start)
{
	uint64_t fast = synq_cksum_add(start, p, len);
	uint64_t ref = synq_cksum_add_generic(start, p, len);

	if (synq_cksum_fold(fast) != synq_cksum_fold(ref) || (fast == 0) != (ref == 0))
		fail_msg("len %zu, start %#" PRIx64 ": %#" PRIx64 " folds to %#x, the portable "
			 "%#" PRIx64 " to %#x",
			len, start, fast, synq_cksum_fold(fast), ref, synq_cksum_fold(ref));
	if (start == 0 && synq_cksum_fold(fast) != rte_cpu_to_be_16(rfc1071_fold(p, len)))
		fail_msg("len %zu: folds to %#x, RFC 1071 says %#x (network order)", len,
			synq_cksum_fold(fast), rfc1071_fold(p, len));
}

/* Every length 0..1500 at every alignment, random bytes and random starting sums. */
static void
test_random_lengths_alignments(void **state __rte_unused)
{
	static uint8_t buf[MAX_LEN + ALIGN];
	uint64_t rng = UINT64_C(0x5eed0c5c5eed0c5c);
	const uint64_t starts[] = {
		0, 1, 0xffff, UINT64_MAX, UINT64_MAX - 1, UINT64_C(0x8000000000000000)};

	for (size_t len = 0; len <= MAX_LEN; len++) {
		for (size_t a = 0; a < ALIGN; a++) {
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = (uint8_t)rng_next(&rng);
			check_one(buf + a, len, 0);
			check_one(buf + a, len, starts[(len + a) % RTE_DIM(starts)]);
			check_one(buf + a, len, rng_next(&rng));
		}
	}
}

/*
 * The words that make carries ripple: all ones (each addition carries), all zeros
 * (the one sum that folds to 0), and mixes of the two, where the sum of a chain sits
 * at all ones with a carry pending.
 */
static void
test_carry_extremes(void **state __rte_unused)
{
	static uint8_t buf[MAX_LEN + ALIGN];
	uint64_t rng = 42;
	const uint64_t starts[] = {0, 1, 2, UINT64_MAX, UINT64_MAX - 1, 0xffff};

	for (unsigned int fill = 0; fill < 4; fill++) {
		for (size_t len = 0; len <= 300; len++) {
			for (size_t a = 0; a < ALIGN; a++) {
				for (size_t i = 0; i < sizeof(buf); i++) {
					uint64_t r = rng_next(&rng);

					buf[i] = fill == 0   ? 0
						 : fill == 1 ? 0xff
						 : fill == 2 ? ((r & 7) == 0 ? 0 : 0xff)
							     : ((r & 7) == 0 ? 0xfe : 0xff);
				}
				for (unsigned int s = 0; s < RTE_DIM(starts); s++)
					check_one(buf + a, len, starts[s]);
			}
		}
	}
}

/* A sum carried from one call into the next, as the pseudo-header is carried. */
static void
test_chained(void **state __rte_unused)
{
	static uint8_t buf[256];
	uint64_t rng = 7;

	for (unsigned int n = 0; n < 20000; n++) {
		size_t l1 = rng_next(&rng) % 64, l2 = rng_next(&rng) % 128;
		uint64_t fast, ref;

		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (n & 1) ? 0xff : (uint8_t)rng_next(&rng);
		/* the first piece even, as every caller's (a header, an address) is */
		l1 &= ~(size_t)1;
		fast = synq_cksum_add(synq_cksum_add(n, buf, l1), buf + l1, l2);
		ref = synq_cksum_add_generic(synq_cksum_add_generic(n, buf, l1), buf + l1, l2);
		assert_int_equal(synq_cksum_fold(fast), synq_cksum_fold(ref));
		assert_int_equal(
			synq_cksum_fold(fast), synq_cksum_fold(synq_cksum_add(n, buf, l1 + l2)));
	}
}

/* The 16-bit fold as RFC 1071 4.1 writes it: add the high part back until none is left. */
static uint16_t
fold_plain(uint64_t x)
{
	while (x >> 16)
		x = (x & 0xffff) + (x >> 16);
	return (uint16_t)x;
}

/* Every 64-bit sum folds as the plain reduction does: 0 only from 0, 0xffff from
 * every other multiple of 0xffff. */
static void
test_fold(void **state __rte_unused)
{
	const uint64_t edges[] = {0, 1, 0xffff, 0x10000, 0x1fffe, 0xffffffff, 0x100000000,
		0xffffffff00000000, 0xffff0000ffff0000, UINT64_MAX, UINT64_MAX - 1,
		UINT64_C(0x8000000000000000), UINT64_C(0xfffeffff), UINT64_C(0x0001000000010000)};
	uint64_t rng = 99;

	for (unsigned int i = 0; i < RTE_DIM(edges); i++) {
		assert_int_equal(synq_cksum_fold(edges[i]), fold_plain(edges[i]));
		assert_int_equal(synq_cksum_ok(edges[i]), fold_plain(edges[i]) == 0xffff);
		assert_int_equal(synq_cksum_value(edges[i]), (uint16_t)~fold_plain(edges[i]));
	}
	for (unsigned int i = 0; i < 1000000; i++) {
		uint64_t x = rng_next(&rng);

		/* multiples of 0xffff and sums near the carries too */
		if (i % 3 == 1)
			x = (x >> 17) * 0xffff;
		else if (i % 3 == 2)
			x |= UINT64_C(0xffff0000ffff0000);
		if (synq_cksum_fold(x) != fold_plain(x))
			fail_msg("%#" PRIx64 " folds to %#x, not %#x", x, synq_cksum_fold(x),
				fold_plain(x));
		if (synq_cksum_ok(x) != (fold_plain(x) == 0xffff))
			fail_msg("%#" PRIx64 ": synq_cksum_ok() says %d", x, synq_cksum_ok(x));
	}
}

/*
 * synq_cksum_ok() around every multiple of 0xffff below 2^32 (the sums it must take,
 * and their neighbours), over the first 2^20 sums and at random: true exactly for
 * those that fold to 0xffff; also with each in the high half of a word.
 */
static void
check_ok(uint64_t x)
{
	if (synq_cksum_ok(x) != (fold_plain(x) == 0xffff))
		fail_msg("%#" PRIx64 ": synq_cksum_ok() says %d", x, synq_cksum_ok(x));
}

static void
test_ok_32(void **state __rte_unused)
{
	uint64_t rng = 1234, yes = 0;

	for (uint64_t k = 0; k <= 0x10001; k++) {
		for (int d = -2; d <= 2; d++) {
			uint64_t x = (k * 0xffff + (uint64_t)(int64_t)d) & UINT32_MAX;

			check_ok(x);
			check_ok(x << 32);
			yes += d == 0 && synq_cksum_ok(x);
		}
	}
	for (uint64_t x = 0; x < (1u << 20); x++)
		check_ok(x);
	for (unsigned int i = 0; i < (1u << 22); i++)
		check_ok(rng_next(&rng) & UINT32_MAX);
	/* the nonzero multiples of 0xffff below 2^32 */
	assert_int_equal(yes, 0x10001);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_lengths_alignments),
		cmocka_unit_test(test_carry_extremes),
		cmocka_unit_test(test_chained),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_ok_32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
