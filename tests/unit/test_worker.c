/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/worker's stage in front of the input, test.reorder_permille, on fake mbufs: it
 * holds back only TCP segments that carry data, puts the held one back after the
 * first frame of the next burst of the same rx queue (and holds nothing more in that
 * burst), lets it go alone once due, counts what it held, and reads nothing past a
 * frame, however its headers lie.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_mbuf.h"
#include "synq_frame.h"
#include "worker_priv.h"

static const uint8_t our_mac[6] = {0x02, 0x53, 0x51, 0, 0, 1};
static const uint8_t peer_mac[6] = {0x02, 0xaa, 0, 0, 0, 2};
static const uint8_t ip_ours[4] = {198, 18, 0, 1}, ip_peer[4] = {198, 18, 0, 2};
static const uint8_t ip6_ours[16] = {0x20, 0x01, 0, 2, [15] = 1};
static const uint8_t ip6_peer[16] = {0x20, 0x01, 0, 2, [15] = 2};

static struct synq_iface ifc;
static struct synq_counters ctr;
static struct fake_mbuf bufs[8];

/* A TCP segment from the peer with @p data_len bytes of data, in fake mbuf @p i. */
static struct rte_mbuf *
segment(unsigned int i, uint8_t family, size_t data_len)
{
	static const uint8_t data[64] = "0123456789";
	struct synq_frame_tcp t = {
		.ip = {.family = family, .src = family == 4 ? ip_peer : ip6_peer,
			.dst = family == 4 ? ip_ours : ip6_ours, .ttl = 64},
		.sport = 40000, .dport = 80, .seq = 1, .ack = 1,
		.flags = SYNQ_FRAME_ACK, .win = 1000,
		.data = data, .data_len = data_len,
	};
	uint8_t frame[256];
	size_t len;

	memcpy(t.eth.dst, our_mac, 6);
	memcpy(t.eth.src, peer_mac, 6);
	len = synq_frame_build_tcp(frame, sizeof(frame), &t);
	assert_true(len != 0);
	return fake_mbuf_set(&bufs[i], frame, (uint16_t)len);
}

static uint64_t
held_count(void)
{
	return synq_counter_read(&ctr, SYNQ_CTR_TEST_REORDER_HELD);
}

static void
test_holds_data_only(void **state __rte_unused)
{
	struct synq_reorder_stage r = {.permille = 1000, .rng = 1};
	struct rte_mbuf *pkts[SYNQ_BURST + 1];
	struct rte_mbuf *ack = segment(0, 4, 0), *d1 = segment(1, 4, 10);
	struct rte_mbuf *d2 = segment(2, 6, 1), *f3 = segment(3, 4, 0);
	uint64_t before = held_count();
	uint8_t rxq = 9;

	/* a pure ACK is never held: with permille 1000 the first data segment is */
	pkts[0] = ack;
	pkts[1] = d1;
	pkts[2] = d2;
	assert_int_equal(worker_reorder(&r, &ctr, &ifc, 0, pkts, 3, 100), 2);
	assert_ptr_equal(pkts[0], ack);
	assert_ptr_equal(pkts[1], d2);
	assert_ptr_equal(r.held, d1);
	assert_int_equal(held_count(), before + 1);
	/* another rx queue's burst: the held one waits, nothing more is held */
	pkts[0] = d2;
	assert_int_equal(worker_reorder(&r, &ctr, &ifc, 1, pkts, 1, 101), 1);
	assert_ptr_equal(pkts[0], d2);
	assert_ptr_equal(r.held, d1);
	/* its own queue's next burst: back after the first frame, nothing held this time */
	pkts[0] = f3;
	pkts[1] = d2;
	assert_int_equal(worker_reorder(&r, &ctr, &ifc, 0, pkts, 2, 102), 3);
	assert_ptr_equal(pkts[0], f3);
	assert_ptr_equal(pkts[1], d1);
	assert_ptr_equal(pkts[2], d2);
	assert_null(r.held);
	assert_int_equal(held_count(), before + 1);
	/* nothing held: nothing is due */
	assert_null(worker_reorder_due(&r, 1000000, &rxq));
}

static void
test_due_alone(void **state __rte_unused)
{
	struct synq_reorder_stage r = {.permille = 1000, .rng = 1};
	struct rte_mbuf *pkts[2] = {segment(0, 6, 20)};
	uint8_t rxq = 9;

	assert_int_equal(worker_reorder(&r, &ctr, &ifc, 3, pkts, 1, 0), 0);
	assert_non_null(r.held);
	/* without EAL the TSC rate is unknown (0): it is due at once */
	assert_ptr_equal(worker_reorder_due(&r, 0, &rxq), &bufs[0].m);
	assert_int_equal(rxq, 3);
	assert_null(r.held);
}

static void
test_permille(void **state __rte_unused)
{
	struct synq_reorder_stage r = {.permille = 100, .rng = 0x9e3779b97f4a7c15ull};
	unsigned int held = 0;

	/* about one in ten data segments, never a burst's worth */
	for (unsigned int i = 0; i < 2000; i++) {
		struct rte_mbuf *pkts[2] = {segment(0, 4, 5)};

		if (worker_reorder(&r, &ctr, &ifc, 0, pkts, 1, i) == 0) {
			held++;
			r.held = NULL;
		}
	}
	assert_in_range(held, 120, 280);
}

/* Headers that lie about lengths: nothing read past the frame, nothing held. */
static void
test_lying_headers(void **state __rte_unused)
{
	struct synq_reorder_stage r = {.permille = 1000, .rng = 1};
	struct rte_mbuf *m = segment(0, 4, 0);
	uint8_t *p = fake_mbuf_data(&bufs[0]);
	struct rte_mbuf *pkts[2];

	/* an IPv4 total length that claims data the frame does not have */
	synq_bytes_put16(p + 14 + 2, 1500);
	for (uint16_t len = 0; len <= 60; len++) {
		m->data_len = len;
		m->pkt_len = len;
		pkts[0] = m;
		(void)worker_reorder(&r, &ctr, &ifc, 0, pkts, 1, 0);
		r.held = NULL;
	}
	/* a total length shorter than the IP header: not data */
	m->data_len = m->pkt_len = 60;
	synq_bytes_put16(p + 14 + 2, 10);
	pkts[0] = m;
	assert_int_equal(worker_reorder(&r, &ctr, &ifc, 0, pkts, 1, 0), 1);
	/* not TCP */
	p[14 + 9] = 17;
	synq_bytes_put16(p + 14 + 2, 46);
	assert_int_equal(worker_reorder(&r, &ctr, &ifc, 0, pkts, 1, 0), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holds_data_only),
		cmocka_unit_test(test_due_alone),
		cmocka_unit_test(test_permille),
		cmocka_unit_test(test_lying_headers),
	};

	memcpy(&ifc.mac, our_mac, 6);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
