/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fast path's parse (lib/net/input.c net_chunk_parse(), issue 14) against a model
 * of the slow path written here from frame_input(), net_ipv4_input(), net_tcp_input()
 * and synq_tcp_input(): a frame is taken into a record exactly when every check of
 * those passes (the slow path would hand the same segment to synq_tcp_input_parsed()),
 * and the record says what they would have said. A fast path that took a frame the
 * slow path drops (a bad checksum, a port's BAD flag, a fragment, a source no host may
 * use) would answer what must not be answered; one that left a good frame would only
 * be slow, and is caught too.
 *
 * Frames: valid TCP segments (options, data, Ethernet padding, with and without an
 * 802.1Q tag), then one to three random bytes changed in their headers, sometimes with
 * the checksums made right again so the checks after them are reached, any receive
 * checksum flags, now and then a shared or chained mbuf or a short one; to a port with
 * one address, one with three, one with a VLAN. The model's checksums are the tests'
 * own (tests/lib), not lib/iface's. Without EAL.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "fake_mbuf.h"
#include "net_priv.h"
#include "synq_frame.h"

enum { BATCH = 32, ROUNDS = 6000, PORTS = 3 };

static const uint8_t our_mac[6] = {0x02, 0x53, 0x51, 0, 0, 9};
static struct synq_iface ifcs[PORTS]; /* one address; three; one and VLAN 100 */
static struct fake_mbuf fm[BATCH];
static uint64_t rng = 0x7e57ba5e;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint8_t x[4] = {a, b, c, d};
	uint32_t v;

	memcpy(&v, x, 4);
	return v;
}

static int
setup(void **state __rte_unused)
{
	struct synq_config_port cp;
	struct rte_ether_addr mac;

	memcpy(mac.addr_bytes, our_mac, 6);
	for (unsigned int p = 0; p < PORTS; p++) {
		memset(&cp, 0, sizeof(cp));
		cp.ipv4[0] = ip4(198, 18, 0, 1);
		cp.nb_ipv4 = 1;
		if (p == 1) {
			cp.ipv4[1] = ip4(198, 18, 0, 2);
			cp.ipv4[2] = ip4(198, 19, 7, 7);
			cp.nb_ipv4 = 3;
		}
		cp.vlan = p == 2 ? 100 : 0;
		synq_iface_init(&ifcs[p], p, &cp, &mac);
	}
	return 0;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The tests' own RFC 1071 check: the bytes, with their checksum field, sum to all ones. */
static bool
sum_ok(uint32_t acc, const uint8_t *p, size_t len)
{
	return synq_frame_cksum_fold(synq_frame_cksum_add(acc, p, len)) == 0;
}

static void
fix_tcp(uint8_t *ip, uint16_t l4_len)
{
	uint8_t *th = ip + 20;

	th[16] = th[17] = 0;
	synq_bytes_put16(th + 16, synq_frame_cksum_fold(synq_frame_cksum_add(
					  synq_frame_phdr4(ip, IPPROTO_TCP, l4_len), th, l4_len)));
}

/* A valid segment to port @p ifc at @p buf; its length. */
static uint16_t
build(const struct synq_iface *ifc, uint8_t *buf)
{
	uint16_t l2 = ifc->vlan != 0 ? 18 : 14;
	uint16_t opt = (uint16_t)(rnd() % 11 * 4),
		 data = (uint16_t)(rnd() % 4 == 0 ? rnd() % 80 : 0);
	uint16_t l4_len = (uint16_t)(20 + opt + data),
		 pad = (uint16_t)(rnd() % 3 == 0 ? rnd() % 9 : 0);
	uint8_t *ip = buf + l2, *th = ip + 20;
	uint32_t src;

	memcpy(buf, our_mac, 6);
	for (unsigned int k = 6; k < 12; k++)
		buf[k] = (uint8_t)rnd();
	buf[6] &= 0xfe;
	buf[7] |= 1; /* a station, never zero */
	if (ifc->vlan != 0) {
		synq_bytes_put16(buf + 12, 0x8100);
		synq_bytes_put16(buf + 14, (uint16_t)((rnd() & 0xf000) | ifc->vlan));
	}
	synq_bytes_put16(buf + l2 - 2, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	synq_bytes_put16(ip + 2, (uint16_t)(20 + l4_len));
	synq_bytes_put16(ip + 4, (uint16_t)rnd());
	ip[6] = rnd() % 2 ? 0x40 : 0; /* DF or not */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	do
		src = (uint32_t)rnd();
	while ((src >> 24) == 0 || (src >> 24) == 127 || (src >> 24) >= 224);
	synq_bytes_put16(ip + 12, (uint16_t)(src >> 16));
	synq_bytes_put16(ip + 14, (uint16_t)src);
	memcpy(ip + 16, &ifc->ipv4[rnd() % ifc->nb_ipv4], 4);
	synq_frame_fix_ip4(ip);
	for (unsigned int k = 0; k < l4_len; k++)
		th[k] = (uint8_t)rnd();
	th[12] = (uint8_t)((20 + opt) / 4 << 4 | (th[12] & 0x0f));
	fix_tcp(ip, l4_len);
	memset(ip + 20 + l4_len, 0, pad);
	return (uint16_t)(l2 + 20 + l4_len + pad);
}

/* What the fast path must make of @p m: the slow path's checks, one by one. */
static bool
model(const struct synq_iface *ifc, const struct rte_mbuf *m, struct synq_tcp_seg *want)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t len = m->data_len, l2 = 14, type, hlen, tot, l4_len, doff;
	uint64_t ipf = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint64_t l4f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	const uint8_t zero[6] = {0};
	const uint8_t *ip, *th;
	uint32_t saddr, daddr;
	int didx = -1;

	/* frame_input() */
	if (m->nb_segs != 1 || !RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 || len < 14)
		return false;
	if ((f[6] & 1) || memcmp(f + 6, zero, 6) == 0 || memcmp(f + 6, our_mac, 6) == 0)
		return false;
	if (memcmp(f, our_mac, 6) != 0) /* another host's, or a group: no TCP for either */
		return false;
	type = get16(f + 12);
	if (type == 0x8100) {
		if (len < 18 || ifc->vlan == 0 || (get16(f + 14) & 0xfff) != ifc->vlan)
			return false;
		type = get16(f + 16);
		l2 = 18;
	} else if (ifc->vlan != 0) {
		return false;
	}
	if (type != 0x0800)
		return false;
	/* net_ipv4_input() */
	ip = f + l2;
	if (len - l2 < 20 || ip[0] >> 4 != 4)
		return false;
	hlen = (uint16_t)((ip[0] & 0xf) * 4);
	if (hlen < 20 || hlen > len - l2)
		return false;
	if (ipf == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
		(ipf == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN && !sum_ok(0, ip, hlen)))
		return false;
	tot = get16(ip + 2);
	if (tot < hlen || tot > len - l2)
		return false;
	memcpy(&saddr, ip + 12, 4);
	memcpy(&daddr, ip + 16, 4);
	for (unsigned int k = 0; k < ifc->nb_ipv4 && didx < 0; k++)
		if (ifc->ipv4[k] == daddr)
			didx = (int)k;
	if (didx < 0) /* a broadcast goes on, to be dropped by net_tcp_input() */
		return false;
	if (ip[12] == 0 || ip[12] == 127 || ip[12] >= 224)
		return false;
	for (unsigned int k = 0; k < ifc->nb_ipv4; k++)
		if (ifc->ipv4[k] == saddr)
			return false;
	if (hlen != 20 || (get16(ip + 6) & 0x3fff) != 0 || ip[9] != IPPROTO_TCP)
		return false;
	/* synq_tcp_input() */
	l4_len = (uint16_t)(tot - hlen);
	th = ip + hlen;
	if (l4_len < 20)
		return false;
	doff = (uint16_t)((th[12] >> 4) * 4);
	if (doff < 20 || doff > l4_len)
		return false;
	if (l4f == RTE_MBUF_F_RX_L4_CKSUM_BAD ||
		(l4f == RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN &&
			!sum_ok(synq_frame_phdr4(ip, IPPROTO_TCP, l4_len), th, l4_len)))
		return false;

	memset(want, 0, sizeof(*want));
	want->m = (struct rte_mbuf *)(uintptr_t)m;
	want->l3 = (uint8_t *)(uintptr_t)ip;
	want->l2_len = l2;
	want->l3_len = 20;
	want->l4_len = l4_len;
	want->family = 4;
	want->daddr_idx = (uint8_t)didx;
	want->saddr4 = saddr;
	want->daddr4 = daddr;
	want->th = (const struct rte_tcp_hdr *)th;
	want->seq = get32(th + 4);
	want->ack = get32(th + 8);
	want->doff = doff;
	want->flags = th[13];
	return true;
}

/* One to three bytes of the headers changed; the checksums now and then made right. */
static void
mutate(const struct synq_iface *ifc, struct rte_mbuf *m, uint16_t l2)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	static const uint8_t useful[] = {0, 1, 0x7f, 0x80, 0xe0, 0xff, 0x45, 0x46, 0x44, 0x35, 0x08,
		0x81, 0x06, 0x11, 0x20, 0x3f, 0x50, 0x40, 0xf0};
	unsigned int n = 1 + (unsigned int)(rnd() % 3);
	uint16_t span = (uint16_t)RTE_MIN((unsigned int)m->data_len, l2 + 20u + 40u);

	for (unsigned int k = 0; k < n; k++) {
		uint64_t r = rnd();

		f[r % span] = (uint8_t)(r >> 32 & 1 ? useful[(r >> 40) % sizeof(useful)] : r >> 48);
	}
	/* whole fields a byte seldom makes: our own address or MAC as the source, a
	 * destination not ours, the broadcasts, a group or zero MAC */
	if (m->data_len >= l2 + 20u) {
		uint64_t r = rnd();
		const uint32_t bcast = UINT32_MAX;

		switch (r % 8) {
		case 0:
			memcpy(f + l2 + 12, &ifc->ipv4[(r >> 8) % ifc->nb_ipv4], 4);
			break;
		case 1:
			memcpy(f + l2 + 16, r >> 8 & 1 ? &bcast : &ifc->ipv4[0], 4);
			f[l2 + 19] ^= (uint8_t)(r >> 8 & 1 ? 0 : 0x10);
			break;
		case 2:
			memcpy(f + 6, r >> 8 & 1 ? our_mac : (const uint8_t[6]){0}, 6);
			break;
		case 3:
			memset(f, 0xff, 6);
			break;
		case 4:
			f[6] |= 1;
			break;
		default:
			break;
		}
	}
	if (rnd() % 2 && m->data_len >= l2 + 20u)
		synq_frame_fix_ip4(f + l2);
	if (rnd() % 2 && m->data_len >= l2 + 40u) {
		uint16_t tot = get16(f + l2 + 2);

		if (tot >= 40 && tot <= m->data_len - l2 && (f[l2] & 0xf) == 5)
			fix_tcp(f + l2, (uint16_t)(tot - 20));
	}
}

static void
test_parse_vs_model(void **state __rte_unused)
{
	static const uint64_t flags[] = {0, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_BAD,
		RTE_MBUF_F_RX_IP_CKSUM_NONE | RTE_MBUF_F_RX_L4_CKSUM_NONE,
		RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_BAD,
		RTE_MBUF_F_RX_L4_CKSUM_NONE};
	unsigned int taken = 0, left = 0;

	for (unsigned int round = 0; round < ROUNDS; round++) {
		const struct synq_iface *ifc = &ifcs[round % PORTS];
		struct rte_mbuf *pkts[BATCH];
		struct synq_tcp_seg seg[BATCH], want;
		uint8_t v[BATCH], frame[FAKE_MBUF_ROOM];
		uint16_t n = (uint16_t)(1 + rnd() % BATCH), l2 = ifc->vlan != 0 ? 18 : 14;
		unsigned int nb, fast = 0;

		for (uint16_t i = 0; i < n; i++) {
			uint16_t len = build(ifc, frame);
			uint64_t r = rnd();

			pkts[i] = fake_mbuf_set(&fm[i], frame, len);
			if (r % 4 != 0)
				mutate(ifc, pkts[i], l2);
			if (r >> 8 & 1)
				pkts[i]->ol_flags = flags[(r >> 16) % RTE_DIM(flags)];
			if ((r >> 24) % 32 == 0)
				pkts[i]->data_len = (uint16_t)((r >> 32) % (len + 1u));
			if ((r >> 24) % 64 == 1)
				rte_mbuf_refcnt_set(pkts[i], 2);
			if ((r >> 24) % 64 == 2)
				pkts[i]->nb_segs = 2;
			if ((r >> 24) % 64 == 3)
				pkts[i]->ol_flags |= RTE_MBUF_F_INDIRECT;
		}
		memset(seg, 0, sizeof(seg));
		nb = net_chunk_parse(ifc, 3, pkts, n, seg, v);
		for (uint16_t i = 0; i < n; i++) {
			bool want_fast = model(ifc, pkts[i], &want);

			if ((v[i] == NET_FAST) != want_fast)
				fail_msg("round %u frame %u (port %u, %u bytes): fast path %s, "
					 "the slow path's checks say %s",
					round, i, round % PORTS, pkts[i]->data_len,
					v[i] == NET_FAST ? "took it" : "left it",
					want_fast ? "take" : "drop");
			assert_true(v[i] == NET_FAST || v[i] == NET_DROP);
			assert_int_equal(seg[i].kept, want_fast);
			if (!want_fast) {
				left++;
				continue;
			}
			taken++;
			fast++;
			assert_ptr_equal(seg[i].m, want.m);
			assert_ptr_equal(seg[i].l3, want.l3);
			assert_int_equal(seg[i].l2_len, want.l2_len);
			assert_int_equal(seg[i].l3_len, want.l3_len);
			assert_int_equal(seg[i].l4_len, want.l4_len);
			assert_int_equal(seg[i].family, 4);
			assert_int_equal(seg[i].daddr_idx, want.daddr_idx);
			assert_int_equal(seg[i].rxq_idx, 3);
			assert_int_equal(seg[i].saddr4, want.saddr4);
			assert_int_equal(seg[i].daddr4, want.daddr4);
			assert_ptr_equal(seg[i].th, want.th);
			assert_int_equal(seg[i].seq, want.seq);
			assert_int_equal(seg[i].ack, want.ack);
			assert_int_equal(seg[i].doff, want.doff);
			assert_int_equal(seg[i].flags, want.flags);
			assert_int_equal(seg[i].tag, i);
			assert_false(seg[i].hashed);
		}
		assert_int_equal(nb, fast);
	}
	print_message("fast path vs model: %u taken, %u left to the slow path\n", taken, left);
	assert_true(taken > 20000);
	assert_true(left > 20000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_vs_model),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
