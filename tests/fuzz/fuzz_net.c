/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: one frame (the input, after a byte of receive flags) through the
 * whole packet handler, Ethernet to the handshake engine, with listeners in every
 * mode (SYN table, cookies, bsd, close) and the data path of the connections it
 * accepts. No EAL: fake mbufs and plain memory, so nothing is ever sent: after each
 * input the connections' output work is forgotten and the data they kept (the fake
 * mbuf) taken back. State carries over between inputs (SYN table, TIME-WAIT and
 * replay memories, flow table, accept queues), as on a worker; the clock moves with
 * the input. Built with AddressSanitizer and UBSan: any read past a frame, any
 * overflow, any undefined behaviour stops the run.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "synq_config.h"
#include "synq_iface.h"
#include "synq_listener.h"
#include "synq_net.h"
#include "synq_session.h"
#include "synq_stats.h"
#include "synq_tcp.h"

#define HEADROOM RTE_PKTMBUF_HEADROOM
#define ROOM 2048

static const char config_text[] =
	"{ \"ports\": [ { \"name\": \"fuzz0\", \"mac\": \"02:53:51:00:00:01\","
	"    \"ipv4\": [\"198.18.0.1\"], \"ipv6\": [\"2001:2::1\"] } ],"
	"  \"lcores\": [ { \"lcore\": 1, \"role\": \"both\", \"rx\": [ { \"port\": \"fuzz0\" } ] } ],"
	"  \"tcp\": { \"max_syn_backlog\": 8, \"max_flows\": 8 },"
	"  \"listeners\": ["
	"    { \"port\": 80, \"backlog\": 4 },"
	"    { \"port\": 81, \"syncookies\": 2, \"abort_on_overflow\": 1, \"backlog\": 1 },"
	"    { \"port\": 82, \"queue_model\": \"bsd\", \"backlog\": 2, \"syncookies\": 0 },"
	"    { \"port\": 83, \"app\": \"close\" } ] }";

static struct synq_config cfg;
static struct synq_iface ifc;
static struct synq_listeners listeners;
static struct synq_sessions sessions;
static struct synq_tcp *tcp;
static struct synq_tcp_worker *tw;
static struct synq_counters ctr;
static uint64_t tsc;
/* the rate the engine's clock takes without EAL (synq_tcp_worker_conf.tsc_hz) */
#define TSC_HZ UINT64_C(1000000000)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	static const uint8_t secret[16] = "fuzzing secret!";
	char err[SYNQ_CONFIG_ERR_LEN];

	if (synq_config_parse(config_text, &cfg, err, sizeof(err)) != 0 ||
		synq_listeners_create(&listeners, &cfg, 1, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz setup: %s\n", err);
		abort();
	}
	synq_iface_init(&ifc, 0, &cfg.ports[0], &cfg.ports[0].mac);
	{
		struct synq_tcp_worker_conf conf = {
			.lcore_id = 1,
			.rxq = {{.iface = &ifc}},
			.nb_rxq = 1,
			.tsc_hz = TSC_HZ,
		};

		if (synq_sessions_create(&sessions, synq_listeners_max_sessions(&listeners),
			    0) != 0 ||
			(tcp = synq_tcp_create(&listeners, &sessions, secret, 0)) == NULL ||
			(tw = synq_tcp_worker_create(tcp, &conf)) == NULL)
			abort();
	}
	tsc = rte_rdtsc();
	return 0;
}

/* Now and then the application takes everything from the queues and lets it go. */
static void
drain_accept_queues(void)
{
	for (unsigned int i = 0; i < listeners.nb; i++) {
		struct synq_session *s[8];
		uint16_t n;

		while ((n = synq_accept_burst(&listeners.l[i].accept, s, 8)) != 0) {
			for (uint16_t k = 0; k < n; k++) {
				synq_tcp_conn_forget(tw, s[k]);
				synq_session_free(&sessions, s[k]);
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t rx_flags[] = {0, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_BAD,
		RTE_MBUF_F_RX_IP_CKSUM_NONE | RTE_MBUF_F_RX_L4_CKSUM_NONE};
	struct rte_mbuf *tx[1], *drop[1], *pkts[1];
	uint8_t *buf;
	struct rte_mbuf m;
	uint16_t nb_drop;

	if (size < 1 || size > ROOM)
		return 0;
	/* byte 0: receive checksum flags, and how far the clock moves (up to ~4 min) */
	tsc += (uint64_t)(data[0] >> 3) * TSC_HZ * 8;
	synq_tcp_clock(tw, tsc);

	/* the frame at the very end of its own allocation: any overread is caught */
	buf = malloc(HEADROOM + ROOM);
	memset(&m, 0, sizeof(m));
	m.buf_addr = buf;
	m.buf_len = HEADROOM + ROOM;
	m.data_off = HEADROOM;
	m.nb_segs = 1;
	rte_mbuf_refcnt_set(&m, 1);
	m.data_len = (uint16_t)(size - 1);
	m.pkt_len = (uint32_t)(size - 1);
	m.ol_flags = rx_flags[(data[0] & 7) % RTE_DIM(rx_flags)];
	memcpy(buf + HEADROOM, data + 1, size - 1);
	pkts[0] = &m;

	synq_net_input(&ifc, &ctr, NULL, tw, 0, pkts, 1, tx, drop, &nb_drop);
	/* what no output will ever send goes, and the fake mbuf a connection kept */
	synq_tcp_output_discard(tw);
	/* sometimes: connections stay in the flow table across inputs, to be fuzzed */
	if (data[0] & 0x80)
		drain_accept_queues();
	free(buf);
	return 0;
}
