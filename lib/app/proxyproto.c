/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PROXY protocol headers, versions 1 and 2 (HAProxy's doc/proxy-protocol.txt).
 *
 * Version 1 is formatted here by hand rather than with snprintf() and inet_ntop():
 * no locale, and an IPv6 text form that is the one of RFC 5952 whatever the C library
 * does (glibc's inet_ntop() writes "::ffff:1.2.3.4", which spec 2.1's "series of sets
 * of 4 hexadecimal digits" does not allow). A line is built in a local buffer of
 * SYNQ_PROXYPROTO_V1_MAX bytes and copied whole, so a short buffer is refused before
 * anything is written.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_byteorder.h>

#include "synq_proxyproto.h"

/* spec 2.2: "\r\n\r\n\0\r\nQUIT\n", with a NUL in the 5th byte */
static const uint8_t v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

#define V2_VER_LOCAL 0x20 /* version 2 (high nibble), command LOCAL */
#define V2_VER_PROXY 0x21 /* version 2, command PROXY */
#define V2_FAM_UNSPEC 0x00
#define V2_FAM_TCP4 0x11 /* AF_INET (high nibble), STREAM */
#define V2_FAM_TCP6 0x21 /* AF_INET6, STREAM */

/* Append the decimal form of @p v, no leading zero, at @p p; return the end. */
static char *
put_dec(char *p, unsigned int v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* Append @p v in lower-case hex without leading zeros ("0" for zero). */
static char *
put_hex16(char *p, unsigned int v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = digits[(v >> shift) & 0xf];
	return p;
}

static char *
put_ipv4(char *p, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			*p++ = '.';
		p = put_dec(p, a[i]);
	}
	return p;
}

/*
 * RFC 5952 section 4: leading zeros of a group dropped (4.1), the longest run of two or
 * more zero groups shortened to "::", the first one on a tie (4.2), lower case (4.3).
 */
static char *
put_ipv6(char *p, const uint8_t a[16])
{
	unsigned int g[8];
	int best = -1, best_len = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	if (best_len < 2)
		best = -1; /* 4.2.2: "::" never stands for a single group */
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i > 0 && i != best + best_len)
			*p++ = ':';
		p = put_hex16(p, g[i]);
	}
	return p;
}

static int
copy_out(void *buf, size_t size, const void *src, size_t len)
{
	if (size < len)
		return -ENOSPC;
	memcpy(buf, src, len);
	return (int)len;
}

int
synq_proxyproto_v1(void *buf, size_t size, const struct synq_proxyproto_addrs *a)
{
	char line[SYNQ_PROXYPROTO_V1_MAX];
	char *p = line;
	bool v6;

	if (a->family != 4 && a->family != 6)
		return -EINVAL;
	v6 = a->family == 6;
	memcpy(p, v6 ? "PROXY TCP6 " : "PROXY TCP4 ", 11);
	p += 11;
	p = v6 ? put_ipv6(p, a->src) : put_ipv4(p, a->src);
	*p++ = ' ';
	p = v6 ? put_ipv6(p, a->dst) : put_ipv4(p, a->dst);
	*p++ = ' ';
	p = put_dec(p, rte_be_to_cpu_16(a->sport));
	*p++ = ' ';
	p = put_dec(p, rte_be_to_cpu_16(a->dport));
	*p++ = '\r';
	*p++ = '\n';
	return copy_out(buf, size, line, (size_t)(p - line));
}

int
synq_proxyproto_v1_unknown(void *buf, size_t size)
{
	static const char line[] = "PROXY UNKNOWN\r\n";

	return copy_out(buf, size, line, sizeof(line) - 1);
}

/* The 16-byte fixed part of a version 2 header; @p alen in host order. */
static void
v2_head(uint8_t *h, uint8_t ver_cmd, uint8_t fam, uint16_t alen)
{
	memcpy(h, v2_sig, sizeof(v2_sig));
	h[12] = ver_cmd;
	h[13] = fam;
	h[14] = (uint8_t)(alen >> 8); /* spec 2.2: length in network order */
	h[15] = (uint8_t)alen;
}

int
synq_proxyproto_v2(void *buf, size_t size, const struct synq_proxyproto_addrs *a)
{
	uint8_t h[SYNQ_PROXYPROTO_V2_MAX];
	size_t alen = a->family == 4 ? 4 : 16;
	uint8_t *p = h + SYNQ_PROXYPROTO_V2_HDR_LEN;

	if (a->family != 4 && a->family != 6)
		return -EINVAL;
	/* spec 2.2: source address, destination address, source port, destination port */
	v2_head(h, V2_VER_PROXY, a->family == 4 ? V2_FAM_TCP4 : V2_FAM_TCP6,
		(uint16_t)(2 * alen + 4));
	memcpy(p, a->src, alen);
	memcpy(p + alen, a->dst, alen);
	memcpy(p + 2 * alen, &a->sport, 2); /* both already in network order */
	memcpy(p + 2 * alen + 2, &a->dport, 2);
	return copy_out(buf, size, h, SYNQ_PROXYPROTO_V2_HDR_LEN + 2 * alen + 4);
}

int
synq_proxyproto_v2_local(void *buf, size_t size)
{
	uint8_t h[SYNQ_PROXYPROTO_V2_HDR_LEN];

	/* spec 2.2: LOCAL "should not present any address so it sets this field to zero" */
	v2_head(h, V2_VER_LOCAL, V2_FAM_UNSPEC, 0);
	return copy_out(buf, size, h, sizeof(h));
}
