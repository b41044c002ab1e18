/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional test of the port setup, the worker's poll and the stats code, on the
 * harness of harness.h with a ring port of two rx queues and a spare one-queue
 * device: ARP and ping replies, gratuitous ARPs and their schedule, a port that is not
 * memif going on with its link down, a memif port (the ring marked guarded) stopping
 * tx while its link is down and resuming when it is up, the unmap guard waiting only
 * for ports whose link is down, the gate's open/close race, the stats document, and the config
 * errors that only EAL and the ports can tell (an unknown device, more queues than the
 * device has, an lcore EAL does not run).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <stdatomic.h>

#include <rte_alarm.h>
#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "harness.h"
#include "synq_config.h"
#include "synq_port.h"
#include "synq_stats.h"
#include "synq_worker.h"

#define NB_Q 2

static const char config_text[] =
	"{ \"ports\": [ { \"name\": \"net_ring_func\","
	"    \"ipv4\": [\"198.18.0.1\"], \"ipv6\": [\"2001:2::1\"], \"rx_queues\": 2,"
	"    \"rx_desc\": 128, \"tx_desc\": 128 } ],"
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"worker\", \"rx\": ["
	"    { \"port\": \"net_ring_func\", \"queue\": 0 },"
	"    { \"port\": \"net_ring_func\", \"queue\": 1 } ] } ],"
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 } }";

/* the second device, net_ring_func_one, has a single queue pair: the error cases */
HARNESS_SETUP(.name = "port_ring", .config = config_text, .rx_queues = NB_Q, .spare_port = true);

static struct rte_mbuf *
arp_request(uint32_t target)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frames);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	assert_non_null(m);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp));
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = peer_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = peer_mac;
	arp->arp_data.arp_sip = RTE_BE32(RTE_IPV4(198, 18, 0, 2));
	memset(&arp->arp_data.arp_tha, 0, 6);
	arp->arp_data.arp_tip = target;
	return m;
}

static void
test_arp_reply_on_second_queue(void **state __rte_unused)
{
	struct rte_mbuf *r = exchange_rxq(arp_request(RTE_BE32(RTE_IPV4(198, 18, 0, 1))), 1);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	assert_non_null(r);
	assert_int_equal(r->data_len, 60);
	eth = rte_pktmbuf_mtod(r, struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, &peer_mac, 6);
	assert_memory_equal(&eth->src_addr, &our_mac, 6);
	arp = (struct rte_arp_hdr *)(eth + 1);
	assert_int_equal(rte_be_to_cpu_16(arp->arp_opcode), RTE_ARP_OP_REPLY);
	assert_memory_equal(&arp->arp_data.arp_sha, &our_mac, 6);
	assert_int_equal(arp->arp_data.arp_sip, RTE_BE32(RTE_IPV4(198, 18, 0, 1)));
	assert_memory_equal(&arp->arp_data.arp_tha, &peer_mac, 6);
	assert_int_equal(arp->arp_data.arp_tip, RTE_BE32(RTE_IPV4(198, 18, 0, 2)));
	rte_pktmbuf_free(r);
}

static void
test_arp_for_other_address_dropped(void **state __rte_unused)
{
	uint64_t before = synq_counter_read(worker()->ctr, SYNQ_CTR_ARP_DROP_NOT_OURS);

	assert_null(exchange(arp_request(RTE_BE32(RTE_IPV4(198, 18, 0, 9)))));
	assert_int_equal(synq_counter_read(worker()->ctr, SYNQ_CTR_ARP_DROP_NOT_OURS), before + 1);
}

static void
test_ping_reply(void **state __rte_unused)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frames);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *r;
	const uint16_t payload = 56;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		sizeof(*eth) + sizeof(*ip) + sizeof(*icmp) + payload);
	eth->dst_addr = our_mac;
	eth->src_addr = peer_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*icmp) + payload);
	ip->time_to_live = 7;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = RTE_BE32(RTE_IPV4(198, 18, 0, 2));
	ip->dst_addr = RTE_BE32(RTE_IPV4(198, 18, 0, 1));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	icmp->icmp_code = 0;
	icmp->icmp_ident = RTE_BE16(0x1234);
	icmp->icmp_seq_nb = RTE_BE16(7);
	for (uint16_t i = 0; i < payload; i++)
		((uint8_t *)(icmp + 1))[i] = (uint8_t)i;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, sizeof(*icmp) + payload);

	r = exchange(m);
	assert_non_null(r);
	eth = rte_pktmbuf_mtod(r, struct rte_ether_hdr *);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	assert_memory_equal(&eth->dst_addr, &peer_mac, 6);
	assert_int_equal(ip->src_addr, RTE_BE32(RTE_IPV4(198, 18, 0, 1)));
	assert_int_equal(ip->dst_addr, RTE_BE32(RTE_IPV4(198, 18, 0, 2)));
	assert_int_equal(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	assert_int_equal(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(icmp->icmp_seq_nb, RTE_BE16(7));
	assert_int_equal(rte_raw_cksum(icmp, sizeof(*icmp) + payload), 0xffff);
	for (uint16_t i = 0; i < payload; i++)
		assert_int_equal(((uint8_t *)(icmp + 1))[i], (uint8_t)i);
	rte_pktmbuf_free(r);
}

/*
 * The ARP frames the worker sent, in @p out (room for 4); the IPv6 host's frames that
 * go with the announcements (MLD reports, test_host6 checks them) are freed.
 */
static unsigned int
dequeue_arps(struct rte_mbuf **out)
{
	struct rte_mbuf *all[8];
	unsigned int n = rte_ring_dequeue_burst(tx_ring[0], (void **)all, RTE_DIM(all), NULL);
	unsigned int nb = 0;

	for (unsigned int i = 0; i < n; i++) {
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(all[i], struct rte_ether_hdr *);

		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP) && nb < 4)
			out[nb++] = all[i];
		else
			rte_pktmbuf_free(all[i]);
	}
	return nb;
}

static void
test_gratuitous_arp(void **state __rte_unused)
{
	struct rte_mbuf *out[4];
	struct rte_arp_hdr *arp;
	struct rte_ether_hdr *eth;

	synq_worker_announce(worker());
	assert_int_equal(dequeue_arps(out), 1);
	eth = rte_pktmbuf_mtod(out[0], struct rte_ether_hdr *);
	assert_true(rte_is_broadcast_ether_addr(&eth->dst_addr));
	arp = (struct rte_arp_hdr *)(eth + 1);
	assert_int_equal(arp->arp_data.arp_sip, RTE_BE32(RTE_IPV4(198, 18, 0, 1)));
	assert_int_equal(arp->arp_data.arp_tip, arp->arp_data.arp_sip);
	rte_pktmbuf_free(out[0]);
}

/* RFC 5227 2.3 on the worker's clock: two announcements, 2 s apart, then none. */
static void
test_announce_schedule(void **state __rte_unused)
{
	struct rte_mbuf *out[4];
	uint64_t hz = rte_get_tsc_hz();
	uint64_t t0 = rte_rdtsc();
	unsigned int n;

	worker()->announces_left = 2;
	worker()->announce_tsc = 0;
	synq_worker_tick(worker(), t0);
	synq_worker_tick(worker(), t0 + hz);
	n = dequeue_arps(out);
	assert_int_equal(n, 1);
	rte_pktmbuf_free(out[0]);
	synq_worker_tick(worker(), t0 + 2 * hz);
	synq_worker_tick(worker(), t0 + 10 * hz);
	n = dequeue_arps(out);
	assert_int_equal(n, 1);
	rte_pktmbuf_free(out[0]);
}

/*
 * A port that is not memif (not guarded) keeps polling rx and sending whatever its link
 * says (a net_tap whose interface moved to another namespace reads down): its gate
 * stays open, the link poll does not touch it.
 */
static void
test_link_down_other_port_goes_on(void **state __rte_unused)
{
	uint16_t port_id = ports.port[0].port_id;
	struct rte_mbuf *out[4], *m;
	struct snap s;

	assert_false(ports.port[0].guarded);
	snap_take(&s);
	assert_int_equal(rte_eth_dev_set_link_down(port_id), 0);
	worker()->link_tsc = 0;
	synq_worker_tick(worker(), rte_rdtsc());
	assert_true(synq_port_gate_open(&ports.port[0].gate));

	m = arp_request(RTE_BE32(RTE_IPV4(198, 18, 0, 1)));
	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	assert_int_equal(synq_worker_poll(worker()), 1);
	assert_int_equal(rte_ring_dequeue_burst(tx_ring[0], (void **)out, 4, NULL), 1);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(delta(&s, SYNQ_CTR_ARP_OUT_REPLIES), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_DROP_TX_LINK_DOWN), 0);
	assert_int_equal(rte_eth_dev_set_link_up(port_id), 0);
	worker()->link_tsc = 0;
	synq_worker_tick(worker(), rte_rdtsc());
	assert_int_equal(delta(&s, SYNQ_CTR_PORT_LINK_RESUMED), 0);
}

/*
 * A memif port's (marked guarded here: the ring PMD stands in) link down closes its gate
 * at the worker's next link poll: its rx queues are not polled, what it would send is
 * freed and counted (SynqDropTxLinkDown), the announcement is not counted as sent; the
 * link up again opens it (SynqPortLinkResumed) and the frame that waited is answered.
 */
static void
test_link_down_stops_tx(void **state __rte_unused)
{
	uint16_t port_id = ports.port[0].port_id;
	struct rte_mbuf *out[4], *m;
	struct snap s;

	ports.port[0].guarded = true;
	snap_take(&s);
	assert_int_equal(rte_eth_dev_set_link_down(port_id), 0);
	worker()->link_tsc = 0;
	synq_worker_tick(worker(), rte_rdtsc());
	assert_false(synq_port_gate_open(&ports.port[0].gate));

	m = arp_request(RTE_BE32(RTE_IPV4(198, 18, 0, 1)));
	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	assert_int_equal(synq_worker_poll(worker()), 0);
	assert_int_equal(rte_ring_count(rx_ring[0]), 1);
	synq_worker_announce(worker());
	assert_int_equal(rte_ring_count(tx_ring[0]), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_DROP_TX_LINK_DOWN), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_ARP_OUT_GRATUITOUS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TX_FRAMES), 0);

	/* still down: the next poll of the link leaves the gate closed */
	worker()->link_tsc = 0;
	synq_worker_tick(worker(), rte_rdtsc());
	assert_int_equal(delta(&s, SYNQ_CTR_PORT_LINK_RESUMED), 0);

	assert_int_equal(rte_eth_dev_set_link_up(port_id), 0);
	worker()->link_tsc = 0;
	synq_worker_tick(worker(), rte_rdtsc());
	assert_true(synq_port_gate_open(&ports.port[0].gate));
	assert_int_equal(delta(&s, SYNQ_CTR_PORT_LINK_RESUMED), 1);
	assert_int_equal(synq_worker_poll(worker()), 1);
	assert_int_equal(rte_ring_dequeue_burst(tx_ring[0], (void **)out, 4, NULL), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_ARP_OUT_REPLIES), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_DROP_TX_LINK_DOWN), 1);
	rte_pktmbuf_free(out[0]);
	ports.port[0].guarded = false;
}

static atomic_bool guard_done;

/* An EAL alarm runs in the interrupt thread, where memif_disconnect calls munmap. */
static void
guard_in_intr_thread(void *arg __rte_unused)
{
	synq_ports_unmap_guard();
	atomic_store(&guard_done, true);
}

/*
 * Run the unmap guard in the interrupt thread; report quiescent states (as the worker's
 * loop does) only if @p report. @return whether it returned within 2 s.
 */
static bool
run_guard(bool report)
{
	uint64_t end = rte_get_timer_cycles() + 2 * rte_get_timer_hz();

	atomic_store(&guard_done, false);
	assert_int_equal(rte_eal_alarm_set(1, guard_in_intr_thread, NULL), 0);
	while (!atomic_load(&guard_done) && rte_get_timer_cycles() < end) {
		if (report)
			synq_ports_quiescent(ports.qsbr, rte_lcore_id());
		rte_pause();
	}
	if (atomic_load(&guard_done))
		return true;
	while (!atomic_load(&guard_done)) { /* let it finish before failing */
		synq_ports_quiescent(ports.qsbr, rte_lcore_id());
		rte_pause();
	}
	return false;
}

/*
 * The unmap guard (an munmap in the interrupt thread) closes and waits only for memif
 * ports whose link is down (memif_disconnect sets it down before it unmaps): a memif
 * port whose peer stays keeps its gate open and the guard does not wait for anyone.
 */
static void
test_unmap_guard_link_down_only(void **state __rte_unused)
{
	uint16_t port_id = ports.port[0].port_id;
	struct snap s;

	ports.port[0].guarded = true;
	synq_ports_guard_arm(&ports);
	synq_ports_online(&ports, rte_lcore_id());
	snap_take(&s);

	/* link up: another port's peer leaving; no wait, though this worker never reports */
	assert_true(run_guard(false));
	assert_true(synq_port_gate_open(&ports.port[0].gate));

	/* link down: this port's peer leaving; the gate closes, the guard waits for us */
	assert_int_equal(rte_eth_dev_set_link_down(port_id), 0);
	assert_false(run_guard(false));
	assert_false(synq_port_gate_open(&ports.port[0].gate));
	assert_true(run_guard(true));
	assert_int_equal(rte_eth_dev_set_link_up(port_id), 0);
	worker()->link_tsc = 0;
	synq_worker_tick(worker(), rte_rdtsc());
	assert_true(synq_port_gate_open(&ports.port[0].gate));
	assert_int_equal(delta(&s, SYNQ_CTR_PORT_LINK_RESUMED), 1);

	synq_ports_offline(&ports, rte_lcore_id());
	ports.port[0].guarded = false;
	synq_ports_guard_arm(&ports);
}

#define RACE_ROUNDS 20000

static atomic_uint race_open_after_guard;

/*
 * The interrupt thread's side: the link goes up (the worker opens the gate), then down
 * and the guard runs, as memif_disconnect does. Once the guard returned, the gate must
 * be closed, even when the worker read the link up just before it went down and tried
 * to open afterwards (its compare-and-swap from the value it read must fail).
 */
static void
race_in_intr_thread(void *arg __rte_unused)
{
	uint16_t port_id = ports.port[0].port_id;

	for (unsigned int k = 0; k < RACE_ROUNDS; k++) {
		rte_eth_dev_set_link_up(port_id);
		for (unsigned int spin = k % 64; spin > 0; spin--)
			rte_pause();
		rte_eth_dev_set_link_down(port_id);
		synq_ports_unmap_guard();
		if (synq_port_gate_open(&ports.port[0].gate))
			atomic_fetch_add(&race_open_after_guard, 1);
	}
	atomic_store(&guard_done, true);
}

/*
 * The gate's open (a worker's link poll, compare-and-swap) against its close (the unmap
 * guard in the interrupt thread), RACE_ROUNDS times: the worker polls the link and
 * reports quiescent states flat out meanwhile. A close never loses to an open that
 * read the link before it went down.
 */
static void
test_gate_open_close_race(void **state __rte_unused)
{
	uint64_t end = rte_get_timer_cycles() + 60 * rte_get_timer_hz();
	unsigned int opened = 0;

	ports.port[0].guarded = true;
	synq_ports_guard_arm(&ports);
	synq_ports_online(&ports, rte_lcore_id());
	atomic_store(&race_open_after_guard, 0);
	atomic_store(&guard_done, false);
	assert_int_equal(rte_eal_alarm_set(1, race_in_intr_thread, NULL), 0);
	while (!atomic_load(&guard_done)) {
		opened += synq_port_link_check(&ports.port[0]) > 0;
		synq_ports_quiescent(ports.qsbr, rte_lcore_id());
		assert_true(rte_get_timer_cycles() < end);
	}
	synq_ports_offline(&ports, rte_lcore_id());
	ports.port[0].guarded = false;
	synq_ports_guard_arm(&ports);
	assert_int_equal(rte_eth_dev_set_link_up(ports.port[0].port_id), 0);
	worker()->link_tsc = 0;
	atomic_store(&ports.port[0].gate, 0); /* as the ports start: open */
	print_message("gate race: %u rounds, the worker opened %u times, open after the "
		      "guard %u times\n",
		RACE_ROUNDS, opened, atomic_load(&race_open_after_guard));
	assert_true(opened > 0);
	assert_int_equal(atomic_load(&race_open_after_guard), 0);
}

static void
test_stats_document(void **state __rte_unused)
{
	json_t *doc = synq_stats_json();
	json_t *port = json_array_get(json_object_get(doc, "ports"), 0);
	json_t *lcore = json_array_get(json_object_get(doc, "lcores"), 0);

	assert_non_null(port);
	assert_string_equal(json_string_value(json_object_get(port, "name")), "net_ring_func");
	/* the frames of the tests before: ring PMD counts them per port */
	assert_true(json_integer_value(json_object_get(port, "ipackets")) >= 3);
	assert_true(json_integer_value(json_object_get(port, "opackets")) >= 3);
	assert_string_equal(json_string_value(json_object_get(lcore, "role")), "worker");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "counters"),
				 "SynqArpOutReplies")),
		synq_counter_read(worker()->ctr, SYNQ_CTR_ARP_OUT_REPLIES));
	json_decref(doc);
}

/* Start @p text's ports; expect failure with @p key in the message. */
static void
expect_start_error(const char *text, const char *key)
{
	struct synq_config c;
	struct synq_ports ps;
	char err[SYNQ_CONFIG_ERR_LEN];

	assert_int_equal(synq_config_parse(text, &c, err, sizeof(err)), 0);
	assert_true(synq_ports_start(&ps, &c, err, sizeof(err)) < 0);
	if (strstr(err, key) == NULL)
		fail_msg("error \"%s\" does not name %s", err, key);
}

static void
test_unknown_device(void **state __rte_unused)
{
	expect_start_error("{\"ports\":[{\"name\":\"net_ring_nope\"}],"
			   "\"lcores\":[{\"lcore\":0,\"rx\":[{\"port\":\"net_ring_nope\"}]}]}",
		"ports[0].name");
}

static void
test_too_many_queues(void **state __rte_unused)
{
	expect_start_error("{\"ports\":[{\"name\":\"net_ring_func_one\",\"rx_queues\":2}],"
			   "\"lcores\":[{\"lcore\":0,\"rx\":[{\"port\":\"net_ring_func_one\"},"
			   "{\"port\":\"net_ring_func_one\",\"queue\":1}]}]}",
		"ports[0].rx_queues");
}

static void
test_lcore_not_enabled(void **state __rte_unused)
{
	struct synq_config c;
	struct synq_runtime r;
	char err[SYNQ_CONFIG_ERR_LEN];

	/* -l 0 was given: lcore 1 does not exist for EAL. */
	assert_int_equal(synq_config_parse("{\"ports\":[{\"name\":\"net_ring_func\"}],"
					   "\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":"
					   "\"net_ring_func\"}]}]}",
				 &c, err, sizeof(err)),
		0);
	assert_true(synq_runtime_init(&r, &c, &ports, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "lcores[0].lcore"));
}

/*
 * Issue 13: a proxy backend on net_ring_func's subnet, whose two queues have no RSS
 * known (a ring port tells nothing), and lcore 0 lists queue 1 of it before queue 0:
 * no worker could open a connection there (every try SynqTcpConnectNoPort), so the
 * runtime refuses it at start, naming the backend and the port
 * (synq_app_proxy_check() from synq_runtime_init()).
 */
static void
test_proxy_backend_no_worker(void **state __rte_unused)
{
	static const char fmt[] =
		"{\"ports\":[{\"name\":\"net_ring_func\",\"ipv4\":[\"198.18.0.1/24\"],"
		"\"rx_queues\":2}],"
		"\"lcores\":[{\"lcore\":0,\"role\":\"both\",\"rx\":["
		"{\"port\":\"net_ring_func\",\"queue\":%u},"
		"{\"port\":\"net_ring_func\",\"queue\":%u}]}],"
		"\"listeners\":[{\"port\":90,\"app\":\"proxy\","
		"\"backends\":[{\"address\":\"198.18.0.7\",\"port\":80}]}]}";
	struct synq_config c;
	struct synq_runtime r;
	char text[1024], err[SYNQ_CONFIG_ERR_LEN];

	snprintf(text, sizeof(text), fmt, 1u, 0u);
	assert_int_equal(synq_config_parse(text, &c, err, sizeof(err)), 0);
	assert_int_equal(synq_runtime_init(&r, &c, &ports, err, sizeof(err)), -EINVAL);
	if (strstr(err, "listeners[0].backends[0].address: 198.18.0.7 is reached through "
			"port \"net_ring_func\"") == NULL)
		fail_msg("error \"%s\" does not name the backend and its port", err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_reply_on_second_queue),
		cmocka_unit_test(test_arp_for_other_address_dropped),
		cmocka_unit_test(test_ping_reply),
		cmocka_unit_test(test_gratuitous_arp),
		cmocka_unit_test(test_announce_schedule),
		cmocka_unit_test(test_link_down_other_port_goes_on),
		cmocka_unit_test(test_link_down_stops_tx),
		cmocka_unit_test(test_unmap_guard_link_down_only),
		cmocka_unit_test(test_gate_open_close_race),
		cmocka_unit_test(test_stats_document),
		cmocka_unit_test(test_unknown_device),
		cmocka_unit_test(test_too_many_queues),
		cmocka_unit_test(test_lcore_not_enabled),
		cmocka_unit_test(test_proxy_backend_no_worker),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
