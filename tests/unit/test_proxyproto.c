/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PROXY protocol headers (lib/app/proxyproto.c) byte for byte: the example line and the
 * maximum lengths of HAProxy's doc/proxy-protocol.txt, hand-made version 2 headers for
 * both families and LOCAL, the IPv6 text form against RFC 5952's own examples and
 * against the C library on random addresses (fixed seed, printed), and the error paths:
 * a buffer one byte short, an unknown family, with the buffer untouched each time.
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
#include <arpa/inet.h>

#include "synq_proxyproto.h"

#define SEED 13013u
#define RANDOM_ADDRS 20000

static struct synq_proxyproto_addrs
addrs(int family, const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	struct synq_proxyproto_addrs a;

	memset(&a, 0, sizeof(a));
	a.family = (uint8_t)family;
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, src, a.src), 1);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, dst, a.dst), 1);
	a.sport = htons(sport);
	a.dport = htons(dport);
	return a;
}

/* The version 1 line of @p a, checked to be exactly @p want, in a buffer of its size. */
static void
v1_is(const struct synq_proxyproto_addrs *a, const char *want)
{
	size_t n = strlen(want);
	char *buf = malloc(n);

	assert_non_null(buf);
	assert_int_equal(synq_proxyproto_v1(buf, n, a), (int)n);
	assert_memory_equal(buf, want, n);
	free(buf);
}

static void
test_v1_spec_example(void **state)
{
	(void)state;
	struct synq_proxyproto_addrs a = addrs(4, "192.168.0.1", "192.168.0.11", 56324, 443);

	/* spec 2.1, the example before an HTTP request */
	v1_is(&a, "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
}

static void
test_v1_tcp4(void **state)
{
	(void)state;
	struct synq_proxyproto_addrs a = addrs(4, "0.0.0.0", "10.0.100.9", 0, 80);

	/* no leading zeros anywhere, a zero is "0" */
	v1_is(&a, "PROXY TCP4 0.0.0.0 10.0.100.9 0 80\r\n");
	a = addrs(4, "255.255.255.255", "255.255.255.255", 65535, 65535);
	v1_is(&a, "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n");
	assert_int_equal(strlen("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n"),
		SYNQ_PROXYPROTO_V1_TCP4_MAX);
}

static void
test_v1_tcp6(void **state)
{
	(void)state;
	const char *ff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
	struct synq_proxyproto_addrs a = addrs(6, ff, ff, 65535, 65535);
	char want[SYNQ_PROXYPROTO_V1_MAX + 1];

	/* spec 2.1: the longest TCP6 line, 104 bytes */
	snprintf(want, sizeof(want), "PROXY TCP6 %s %s 65535 65535\r\n", ff, ff);
	assert_int_equal(strlen(want), SYNQ_PROXYPROTO_V1_TCP6_MAX);
	v1_is(&a, want);
	/* spec 2.1: 107 bytes, the UNKNOWN worst case, is the most a receiver takes */
	snprintf(want, sizeof(want), "PROXY UNKNOWN %s %s 65535 65535\r\n", ff, ff);
	assert_int_equal(strlen(want), SYNQ_PROXYPROTO_V1_MAX);
	assert_true(SYNQ_PROXYPROTO_V1_TCP6_MAX <= SYNQ_PROXYPROTO_V1_MAX);
	a = addrs(6, "2001:db8::1", "2001:db8:0:1:1:1:1:1", 1024, 8080);
	v1_is(&a, "PROXY TCP6 2001:db8::1 2001:db8:0:1:1:1:1:1 1024 8080\r\n");
	/* an IPv4-mapped address stays in hex groups (spec 2.1), never dotted */
	a = addrs(6, "::ffff:192.0.2.1", "::1", 1, 2);
	v1_is(&a, "PROXY TCP6 ::ffff:c000:201 ::1 1 2\r\n");
}

/* The IPv6 text of @p text as the encoder writes it (the source of a TCP6 line). */
static void
ipv6_text(const uint8_t addr[16], char *out, size_t outlen)
{
	struct synq_proxyproto_addrs a;
	char line[SYNQ_PROXYPROTO_V1_MAX];
	int n;
	char *sp;

	memset(&a, 0, sizeof(a));
	a.family = 6;
	memcpy(a.src, addr, 16);
	n = synq_proxyproto_v1(line, sizeof(line), &a);
	assert_true(n > 11 && n <= SYNQ_PROXYPROTO_V1_TCP6_MAX);
	sp = memchr(line + 11, ' ', (size_t)n - 11);
	assert_non_null(sp);
	assert_true((size_t)(sp - (line + 11)) < outlen);
	memcpy(out, line + 11, (size_t)(sp - (line + 11)));
	out[sp - (line + 11)] = '\0';
}

static void
ipv6_is(const char *in, const char *want)
{
	uint8_t addr[16];
	char got[64];

	assert_int_equal(inet_pton(AF_INET6, in, addr), 1);
	ipv6_text(addr, got, sizeof(got));
	assert_string_equal(got, want);
}

static void
test_rfc5952_examples(void **state)
{
	(void)state;
	ipv6_is("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"); /* 4.1, 4.2.1 */
	ipv6_is("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");	   /* 4.2.2 */
	ipv6_is("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");			   /* 4.2.3 longest */
	ipv6_is("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");		   /* 4.2.3 first */
	ipv6_is("2001:DB8::AAAA", "2001:db8::aaaa");			   /* 4.3 */
	ipv6_is("::", "::");
	ipv6_is("::1", "::1");
	ipv6_is("1::", "1::");
	ipv6_is("1:0:0:0:0:0:0:0", "1::");
	ipv6_is("0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1");
	ipv6_is("::1.2.3.4", "::102:304"); /* glibc writes it dotted */
	ipv6_is("fe80::200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf");
}

/*
 * Random addresses, each group zero half the time (so that runs of every length and
 * position occur) and otherwise of a random width: the text must read back as the same
 * address, and be glibc's inet_ntop() (which follows RFC 5952 but for its dotted IPv4
 * tails).
 */
static void
test_ipv6_random(void **state)
{
	(void)state;
	unsigned int seed = SEED;
	unsigned int dotted = 0;

	printf("seed %u\n", seed);
	srand(seed);
	for (int n = 0; n < RANDOM_ADDRS; n++) {
		uint8_t addr[16], back[16];
		char got[64], ref[INET6_ADDRSTRLEN];

		for (int g = 0; g < 8; g++) {
			unsigned int v =
				(rand() & 1) ? 0 : ((unsigned int)rand() & 0xffff) >> (rand() % 16);

			addr[2 * g] = (uint8_t)(v >> 8);
			addr[2 * g + 1] = (uint8_t)v;
		}
		ipv6_text(addr, got, sizeof(got));
		assert_null(strchr(got, '.'));
		assert_int_equal(inet_pton(AF_INET6, got, back), 1);
		assert_memory_equal(back, addr, 16);
		assert_non_null(inet_ntop(AF_INET6, addr, ref, sizeof(ref)));
		if (strchr(ref, '.') != NULL) {
			dotted++;
			continue;
		}
		assert_string_equal(got, ref);
	}
	/* the skipped ones are the few ::x.x.x.x and ::ffff:x.x.x.x */
	assert_true(dotted < RANDOM_ADDRS / 20);
}

/* The spec's signature (2.2), "\r\n\r\n\0\r\nQUIT\n", then what follows it. */
#define SIG "\r\n\r\n\0\r\nQUIT\n"

static void
test_v2_tcp4(void **state)
{
	(void)state;
	struct synq_proxyproto_addrs a = addrs(4, "192.168.0.1", "192.168.0.11", 56324, 443);
	static const char want[] = SIG "\x21\x11\x00\x0c"  /* v2 PROXY, TCP over IPv4, 12 */
				       "\xc0\xa8\x00\x01"  /* 192.168.0.1 */
				       "\xc0\xa8\x00\x0b"  /* 192.168.0.11 */
				       "\xdc\x04\x01\xbb"; /* 56324 443 */
	uint8_t buf[SYNQ_PROXYPROTO_V2_TCP4_LEN];

	assert_int_equal(sizeof(want) - 1, SYNQ_PROXYPROTO_V2_TCP4_LEN);
	assert_int_equal(synq_proxyproto_v2(buf, sizeof(buf), &a), SYNQ_PROXYPROTO_V2_TCP4_LEN);
	assert_memory_equal(buf, want, sizeof(want) - 1);
}

static void
test_v2_tcp6(void **state)
{
	(void)state;
	struct synq_proxyproto_addrs a = addrs(6, "2001:db8::1", "2001:db8:0:0:1::2", 12345, 80);
	static const char want[] = SIG
		"\x21\x21\x00\x24" /* v2 PROXY, TCP over IPv6, 36 */
		"\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01" /* 2001:db8::1 */
		"\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x02" /* ...:1::2 */
		"\x30\x39\x00\x50";						   /* 12345 80 */
	uint8_t buf[SYNQ_PROXYPROTO_V2_MAX];

	assert_int_equal(sizeof(want) - 1, SYNQ_PROXYPROTO_V2_TCP6_LEN);
	assert_int_equal(synq_proxyproto_v2(buf, sizeof(buf), &a), SYNQ_PROXYPROTO_V2_TCP6_LEN);
	assert_memory_equal(buf, want, sizeof(want) - 1);
}

static void
test_v2_local_and_unknown(void **state)
{
	(void)state;
	static const char want[] = SIG "\x20\x00\x00\x00"; /* v2 LOCAL, UNSPEC, no address */
	uint8_t buf[16];
	char line[15];

	assert_int_equal(synq_proxyproto_v2_local(buf, sizeof(buf)), 16);
	assert_memory_equal(buf, want, 16);
	assert_int_equal(synq_proxyproto_v1_unknown(line, sizeof(line)), 15);
	assert_memory_equal(line, "PROXY UNKNOWN\r\n", 15);
}

/* @p len is the header's length: one byte less is refused and nothing is written. */
static void
short_refused(int (*fn)(void *, size_t, const struct synq_proxyproto_addrs *),
	const struct synq_proxyproto_addrs *a, int len)
{
	uint8_t buf[SYNQ_PROXYPROTO_V1_MAX], ref[SYNQ_PROXYPROTO_V1_MAX];

	memset(buf, 0xa5, sizeof(buf));
	memset(ref, 0xa5, sizeof(ref));
	assert_int_equal(fn(buf, (size_t)len - 1, a), -ENOSPC);
	assert_int_equal(fn(buf, 0, a), -ENOSPC);
	assert_memory_equal(buf, ref, sizeof(buf));
	assert_int_equal(fn(buf, (size_t)len, a), len);
	assert_int_equal(buf[len], 0xa5); /* nothing past the header either */
}

static void
test_errors(void **state)
{
	(void)state;
	struct synq_proxyproto_addrs a4 = addrs(4, "192.168.0.1", "192.168.0.11", 56324, 443);
	struct synq_proxyproto_addrs a6 = addrs(6, "2001:db8::1", "2001:db8::2", 1, 65535);
	uint8_t buf[SYNQ_PROXYPROTO_V1_MAX], ref[SYNQ_PROXYPROTO_V1_MAX];

	short_refused(synq_proxyproto_v1, &a4, 47);
	short_refused(synq_proxyproto_v1, &a6, 44);
	short_refused(synq_proxyproto_v2, &a4, SYNQ_PROXYPROTO_V2_TCP4_LEN);
	short_refused(synq_proxyproto_v2, &a6, SYNQ_PROXYPROTO_V2_TCP6_LEN);
	memset(buf, 0xa5, sizeof(buf));
	memset(ref, 0xa5, sizeof(ref));
	assert_int_equal(synq_proxyproto_v1_unknown(buf, 14), -ENOSPC);
	assert_int_equal(synq_proxyproto_v2_local(buf, 15), -ENOSPC);
	/* a family that is neither 4 nor 6: refused, whatever the buffer */
	for (int fam = 0; fam < 256; fam++) {
		if (fam == 4 || fam == 6)
			continue;
		a4.family = (uint8_t)fam;
		assert_int_equal(synq_proxyproto_v1(buf, sizeof(buf), &a4), -EINVAL);
		assert_int_equal(synq_proxyproto_v2(buf, sizeof(buf), &a4), -EINVAL);
	}
	assert_memory_equal(buf, ref, sizeof(buf));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_spec_example),
		cmocka_unit_test(test_v1_tcp4),
		cmocka_unit_test(test_v1_tcp6),
		cmocka_unit_test(test_rfc5952_examples),
		cmocka_unit_test(test_ipv6_random),
		cmocka_unit_test(test_v2_tcp4),
		cmocka_unit_test(test_v2_tcp6),
		cmocka_unit_test(test_v2_local_and_unknown),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
