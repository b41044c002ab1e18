/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test.reorder_permille: fault injection for the tests of the data path, a stage
 * between rte_eth_rx_burst() and synq_net_input(). Now and then it holds back a TCP
 * segment that carries data and hands it to the input after the next frame of the
 * same rx queue (or alone, once it has waited REORDER_WAIT_MS): the client's data
 * then arrives out of order. The transport knows nothing of it.
 */

#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "worker_priv.h"

/* A held segment goes on alone after this long without a frame behind it. */
#define REORDER_WAIT_MS 2

/* A TCP segment with data, as far as its headers tell? Reads within the frame only. */
static bool
is_data_segment(const struct synq_iface *ifc, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t l2 = sizeof(struct rte_ether_hdr) + (ifc->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0);
	uint32_t l3, l4_len;
	rte_be16_t type;
	const uint8_t *ip;

	if (len < l2 + sizeof(struct rte_ipv4_hdr))
		return false;
	memcpy(&type, p + l2 - sizeof(type), sizeof(type));
	ip = p + l2;
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;

		if (h->next_proto_id != IPPROTO_TCP)
			return false;
		l3 = (uint32_t)(h->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
		if (rte_be_to_cpu_16(h->total_length) < l3)
			return false;
		l4_len = rte_be_to_cpu_16(h->total_length) - l3;
	} else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *h = (const struct rte_ipv6_hdr *)ip;

		if (len < l2 + sizeof(*h) || h->proto != IPPROTO_TCP)
			return false;
		l3 = sizeof(*h);
		l4_len = rte_be_to_cpu_16(h->payload_len);
	} else {
		return false;
	}
	if (len < l2 + l3 + sizeof(struct rte_tcp_hdr))
		return false;
	/* more than the TCP header and its options: data (the data offset, in words) */
	return l4_len > (uint32_t)(ip[l3 + offsetof(struct rte_tcp_hdr, data_off)] >> 4) * 4;
}

uint16_t
worker_reorder(struct synq_reorder_stage *r, struct synq_counters *ctr, const struct synq_iface *ifc,
	uint8_t rxq_idx, struct rte_mbuf **pkts, uint16_t n, uint64_t tsc)
{
	/* the one held before goes right after this burst's first frame, never held again */
	if (r->held != NULL && r->held_rxq == rxq_idx && n != 0) {
		memmove(&pkts[2], &pkts[1], (size_t)(n - 1) * sizeof(pkts[0]));
		pkts[1] = r->held;
		r->held = NULL;
		return (uint16_t)(n + 1);
	}
	if (r->held != NULL)
		return n;
	for (uint16_t i = 0; i < n; i++) {
		uint64_t x = r->rng;

		if (!is_data_segment(ifc, pkts[i]))
			continue;
		/* xorshift64: a test knob needs no better */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r->rng = x;
		if (x % 1000 >= r->permille)
			continue;
		r->held = pkts[i];
		r->held_rxq = rxq_idx;
		r->held_tsc = tsc;
		memmove(&pkts[i], &pkts[i + 1], (size_t)(n - i - 1) * sizeof(pkts[0]));
		synq_counter_inc(ctr, SYNQ_CTR_TEST_REORDER_HELD);
		return (uint16_t)(n - 1);
	}
	return n;
}

struct rte_mbuf *
worker_reorder_due(struct synq_reorder_stage *r, uint64_t tsc, uint8_t *rxq_idx)
{
	struct rte_mbuf *m = r->held;

	if (m == NULL || tsc - r->held_tsc < rte_get_tsc_hz() / 1000 * REORDER_WAIT_MS)
		return NULL;
	r->held = NULL;
	*rxq_idx = r->held_rxq;
	return m;
}
