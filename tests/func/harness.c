/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The functional tests' harness; what it offers and its rules are in harness.h.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>

#include "harness.h"
#include "runtime_dir.h"

struct synq_ports ports;
struct synq_runtime rt;
struct synq_app_lcore app;
struct rte_ring *rx_ring[HARNESS_MAX_RXQ];
struct rte_ring *tx_ring[HARNESS_MAX_RXQ];
struct rte_mempool *frames;

const struct rte_ether_addr peer_mac = {{0x02, 0xaa, 0, 0, 0, 0x02}};
struct rte_ether_addr our_mac;
const uint8_t our_ip4[4] = {198, 18, 0, 1};
const uint8_t our_ip6[16] = {0x20, 0x01, 0, 0x02, [15] = 1};

struct rte_mbuf *routed[HARNESS_ROUTED_MAX];
unsigned int nb_routed;
int routed_rc;
struct rte_mbuf *cli[HARNESS_CLI_MAX];
unsigned int nb_cli;
uint64_t app_now_ms = 1000;

static char prefix[64];
static struct synq_config cfg;
static struct rte_ring *app_events;
static struct synq_counters app_ctr;

/* The TCP tests' config: one ring port, one worker, the listeners L80..L85. */
static const char tcp_config[] = HARNESS_TCP_CONFIG " ] }";

/* Say why the setup failed; -1 for cmocka. */
static int
setup_failed(const char *what)
{
	fprintf(stderr, "harness: %s\n", what);
	return -1;
}

/* The ring port's rings, the port itself and, if asked, the spare one. */
static int
ring_ports(unsigned int nb_rxq, unsigned int nb_txq, bool spare_port)
{
	struct rte_ring *spare;

	for (unsigned int q = 0; q < nb_rxq; q++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "func_rx%u", q);
		rx_ring[q] = rte_ring_create(name, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rx_ring[q] == NULL)
			return setup_failed("rx ring");
	}
	for (unsigned int q = 0; q < nb_txq; q++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "func_tx%u", q);
		tx_ring[q] = rte_ring_create(name, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (tx_ring[q] == NULL)
			return setup_failed("tx ring");
	}
	if (rte_eth_from_rings("func", rx_ring, nb_rxq, tx_ring, nb_txq, 0) < 0)
		return setup_failed("rte_eth_from_rings");
	if (!spare_port)
		return 0;
	/* rte_eth_from_ring() names the device after the ring: net_ring_func_one */
	spare = rte_ring_create("func_one", 64, 0, 0);
	if (spare == NULL || rte_eth_from_ring(spare) < 0)
		return setup_failed("the spare port");
	return 0;
}

int
harness_setup(const struct harness_conf *hc)
{
	static const struct harness_conf tcp = {.name = "func"};
	static char argv0[64];
	char err[SYNQ_CONFIG_ERR_LEN];
	char *argv[] = {argv0, "--no-pci", "--no-huge", "-m", "256", "--file-prefix", prefix, "-l",
		"0", "--log-level", "lib.eal:warning", NULL};
	unsigned int nb_rxq, nb_txq;
	const char *name;

	if (hc == NULL)
		hc = &tcp;
	name = hc->name != NULL ? hc->name : tcp.name;
	nb_rxq = hc->rx_queues == 0 ? 1 : hc->rx_queues;
	nb_txq = hc->tx_queues == 0 ? 1 : hc->tx_queues;
	if (nb_rxq > HARNESS_MAX_RXQ || nb_txq > HARNESS_MAX_RXQ)
		return setup_failed("too many rx or tx queues");
	if (hc->lcores != NULL)
		argv[8] = (char *)(uintptr_t)hc->lcores;
	snprintf(argv0, sizeof(argv0), "test_%s", name);
	snprintf(prefix, sizeof(prefix), "synq-%s-%d", name, (int)getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return setup_failed("rte_eal_init");
	synq_stats_reset();
	if (ring_ports(nb_rxq, nb_txq, hc->spare_port) != 0)
		return -1;
	frames = rte_pktmbuf_pool_create("func_frames", 1024, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (frames == NULL)
		return setup_failed("mempool");
	if (synq_config_parse(
		    hc->config != NULL ? hc->config : tcp_config, &cfg, err, sizeof(err)) != 0)
		return setup_failed(err);
	/*
	 * The tests send to the port's IPv6 address at once: its duplicate address
	 * detection (a second) stays off unless the test is about it.
	 */
	for (unsigned int i = 0; i < cfg.nb_ports; i++)
		cfg.ports[i].ipv6_dad = cfg.ports[i].ipv6_dad && hc->ipv6_dad;
	if (synq_ports_start(&ports, &cfg, err, sizeof(err)) != 0 ||
		synq_runtime_init(&rt, &cfg, &ports, err, sizeof(err)) != 0)
		return setup_failed(err);
	/*
	 * The gratuitous ARPs of RFC 5227 go out from the tick too: without this they
	 * would share the tx ring with the SYN-ACK retransmissions the timer tests read.
	 * A test of the announcements sets its own.
	 */
	worker()->announces_left = 0;
	app_events = rte_ring_create_elem(
		"func_events", sizeof(struct synq_session_msg), 1024, 0, RING_F_SC_DEQ);
	if (app_events == NULL)
		return setup_failed("event ring");
	rt.event_rings[HARNESS_APP_LCORE] = app_events;
	if (synq_app_init(&app, HARNESS_APP_LCORE, &rt.listeners, &rt.sessions, app_events,
		    rt.cmd_rings, frames, &app_ctr) != 0)
		return setup_failed("synq_app_init");
	synq_app_set_routes(&app, &rt.routes, rt.cfg);
	if (rte_eth_macaddr_get(ports.port[0].port_id, &our_mac) != 0)
		return setup_failed("the ring port's MAC");
	if (hc->fake_routed)
		synq_tcp_worker_set_send(worker()->tcp, fake_send_routed, NULL);
	return 0;
}

int
harness_teardown(void)
{
	sent_clear();
	synq_stats_close();
	synq_app_free(&app);
	rt.event_rings[HARNESS_APP_LCORE] = NULL;
	rte_ring_free(app_events);
	synq_runtime_free(&rt);
	synq_ports_stop(&ports);
	rte_eal_cleanup();
	runtime_dir_remove(prefix);
	return 0;
}

int
fake_send_routed(void *arg __rte_unused, struct rte_mbuf *m, uint8_t family __rte_unused,
	const uint8_t *dst __rte_unused, uint16_t port_id __rte_unused)
{
	if (nb_routed == RTE_DIM(routed) || routed_rc < 0) {
		rte_pktmbuf_free(m);
		return nb_routed == RTE_DIM(routed) ? -ENOBUFS : routed_rc;
	}
	routed[nb_routed++] = m;
	return routed_rc;
}

void
routed_clear(void)
{
	for (unsigned int i = 0; i < nb_routed; i++)
		rte_pktmbuf_free(routed[i]);
	nb_routed = 0;
}

void
app_pump(void)
{
	for (unsigned int round = 0; round < 6; round++) {
		struct rte_mbuf *out[32];
		unsigned int n;

		synq_app_builtin_poll_at(&app, app_now_ms);
		n = poll_idle(out, RTE_DIM(out));
		for (unsigned int i = 0; i < n; i++) {
			if (nb_cli == RTE_DIM(cli))
				rte_pktmbuf_free(out[i]);
			else
				cli[nb_cli++] = out[i];
		}
	}
}

void
app_feed(struct rte_mbuf *m)
{
	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	synq_worker_poll(worker());
	app_pump();
}

void
sent_clear(void)
{
	routed_clear();
	for (unsigned int i = 0; i < nb_cli; i++)
		rte_pktmbuf_free(cli[i]);
	nb_cli = 0;
}

struct rte_mbuf *
ts_segment(const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
	unsigned int len)
{
	uint8_t o[SYNQ_TCP_OPTS_MAX];
	size_t n = synq_frame_opts_ack(o, f->tsval + 1, f->our_tsval);

	return segment(f, seq, ack, flags, o, (unsigned int)n, data, len);
}

struct flow
proxy_client(uint8_t t, uint16_t cport, uint16_t port)
{
	struct flow f = flow4(t, cport, port, 0x10000000u * t + cport);

	open_flow(&f);
	finish_flow(&f);
	return f;
}

unsigned int
pool_free(void)
{
	return rte_ring_count(rt.sessions.free);
}

struct synq_worker *
worker(void)
{
	return rt.lcore[0];
}

void
snap_take(struct snap *s)
{
	const struct synq_counters *c = synq_stats_lcore(0);

	assert_non_null(c);
	for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
		s->v[i] = synq_counter_read(c, i);
}

uint64_t
gauge(enum synq_counter id)
{
	synq_worker_tick(worker(), rte_rdtsc());
	return synq_counter_read(synq_stats_lcore(0), id);
}

uint64_t
delta(const struct snap *s, enum synq_counter id)
{
	return synq_counter_read(synq_stats_lcore(0), id) - s->v[id];
}

uint64_t
app_counter(enum synq_counter id)
{
	return synq_counter_read(&app_ctr, id);
}

static struct synq_tcp_worker_info
worker_info(void)
{
	struct synq_tcp_worker_info i;

	synq_tcp_worker_info(worker()->tcp, &i);
	return i;
}

uint32_t
table_count(void)
{
	return worker_info().syn_entries;
}

uint32_t
halfopen(unsigned int li)
{
	return worker_info().halfopen[li];
}

bool
cookie_sent(unsigned int li)
{
	return worker_info().cookies_sent[li];
}

struct synq_tcp_conn_info
conn_info(const struct synq_session *c)
{
	struct synq_tcp_conn_info i;

	assert_int_equal(synq_tcp_conn_info(worker()->tcp, c, &i), 0);
	return i;
}

struct flow
flow4(uint8_t test, uint16_t cport, uint16_t sport, uint32_t isn)
{
	struct flow f = {.family = 4, .cport = cport, .sport = sport, .isn = isn, .tsval = 12345};
	const uint8_t c[4] = {198, 18, test, 2};

	memcpy(f.caddr, c, 4);
	memcpy(f.saddr, our_ip4, 4);
	return f;
}

struct flow
flow6(uint8_t test, uint16_t cport, uint16_t sport, uint32_t isn)
{
	struct flow f = {.family = 6, .cport = cport, .sport = sport, .isn = isn, .tsval = 12345};
	const uint8_t c[16] = {0x20, 0x01, 0, 0x02, [13] = test, [15] = 2};

	memcpy(f.caddr, c, 16);
	memcpy(f.saddr, our_ip6, 16);
	return f;
}

void
note_sent(uint32_t *data_end, unsigned int *rsts)
{
	struct rte_mbuf *out[64];
	unsigned int n;

	while ((n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL)) != 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct synq_frame_view v;
			uint16_t port;

			assert_int_equal(
				synq_frame_parse_tcp(rte_pktmbuf_mtod(out[i], const uint8_t *),
					rte_pktmbuf_data_len(out[i]), &v),
				0);
			port = (uint16_t)(v.th[2] << 8 | v.th[3]);
			if (v.flags & F_RST)
				rsts[port]++;
			else if (v.tcp_len > v.doff &&
				 (int32_t)(v.seq + (uint32_t)(v.tcp_len - v.doff) -
					   data_end[port]) >= 0)
				data_end[port] = v.seq + (uint32_t)(v.tcp_len - v.doff);
		}
		rte_pktmbuf_free_bulk(out, n);
	}
}

struct rte_mbuf *
segment(const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *opt,
	unsigned int opt_len, const uint8_t *data, unsigned int data_len)
{
	return segment_win(f, seq, ack, flags, 64240, opt, opt_len, data, data_len);
}

struct rte_mbuf *
segment_win(const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
	const uint8_t *opt, unsigned int opt_len, const uint8_t *data, unsigned int data_len)
{
	/* IPv4: id 0x1234 and DF, as Linux clients send it; IPv6 has neither */
	const struct synq_frame_peer p = {.mac = peer_mac.addr_bytes,
		.our_mac = our_mac.addr_bytes,
		.family = f->family,
		.addr = f->caddr,
		.our_addr = f->saddr,
		.port = f->cport,
		.our_port = f->sport,
		.ip_id = 0x1234};
	struct rte_mbuf *m = rte_pktmbuf_alloc(frames);
	size_t len;

	assert_non_null(m);
	assert_int_equal(opt_len % 4, 0);
	len = synq_frame_build_seg(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_tailroom(m), &p, seq,
		ack, flags, win, opt, opt_len, data, data_len);
	assert_int_not_equal(len, 0);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)len));
	return m;
}

struct rte_mbuf *
syn_frame_opts(const struct flow *f, uint16_t mss, uint8_t wscale)
{
	uint8_t o[SYNQ_FRAME_OPTS_MAX];
	size_t n = synq_frame_opts_syn(o, mss, wscale, f->tsval);

	return segment(f, f->isn, 0, F_SYN, o, (unsigned int)n, NULL, 0);
}

struct rte_mbuf *
syn_frame(const struct flow *f)
{
	return syn_frame_opts(f, 1460, 7);
}

struct rte_mbuf *
ack_frame(const struct flow *f, uint32_t seq, uint32_t ack, const uint8_t *data,
	unsigned int data_len)
{
	uint8_t o[SYNQ_FRAME_ACK_OPTS_LEN];
	size_t n = synq_frame_opts_ack(o, f->tsval + 1, f->our_tsval);

	return segment(f, seq, ack, (uint8_t)(F_ACK | (data_len != 0 ? F_PSH : 0)), o,
		(unsigned int)n, data, data_len);
}

struct rte_mbuf *
rst_frame(const struct flow *f, uint32_t seq)
{
	return segment(f, seq, 0, F_RST, NULL, 0, NULL, 0);
}

struct rte_mbuf *
exchange_rxq(struct rte_mbuf *m, unsigned int q)
{
	struct rte_mbuf *out[4];
	unsigned int n;

	assert_int_equal(rte_ring_count(tx_ring[0]), 0);
	assert_int_equal(rte_ring_enqueue(rx_ring[q], m), 0);
	assert_int_equal(synq_worker_poll(worker()), 1);
	n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL);
	if (n > 1) {
		rte_pktmbuf_free_bulk(out, n);
		fail_msg("one segment in, %u frames out", n);
	}
	return n == 1 ? out[0] : NULL;
}

struct rte_mbuf *
exchange(struct rte_mbuf *m)
{
	return exchange_rxq(m, 0);
}

void
exchange_silent(struct rte_mbuf *m)
{
	struct rte_mbuf *r = exchange(m);

	if (r != NULL) {
		rte_pktmbuf_free(r);
		fail_msg("a reply was sent where none was expected");
	}
}

struct rte_mbuf *
exchange_ack(struct rte_mbuf *m)
{
	struct rte_mbuf *out[4];
	unsigned int n;

	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	assert_int_equal(synq_worker_poll(worker()), 1);
	synq_worker_poll(worker());
	n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL);
	if (n != 1) {
		rte_pktmbuf_free_bulk(out, n);
		fail_msg("one segment in, %u frames out", n);
	}
	return out[0];
}

unsigned int
poll_idle(struct rte_mbuf **out, unsigned int max)
{
	synq_worker_poll(worker());
	return rte_ring_dequeue_burst(tx_ring[0], (void **)out, max, NULL);
}

unsigned int
settle_ack(bool apps, uint32_t *ack)
{
	struct rte_mbuf *out[64];
	unsigned int n, total = 0;

	for (unsigned int p = 0; p < 2; p++) {
		synq_worker_poll(worker());
		if (apps)
			synq_app_builtin_poll(&app);
		while ((n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL)) !=
			0) {
			struct synq_frame_view v;

			assert_int_equal(
				synq_frame_parse_tcp(rte_pktmbuf_mtod(out[n - 1], const uint8_t *),
					rte_pktmbuf_data_len(out[n - 1]), &v),
				0);
			*ack = v.ack;
			rte_pktmbuf_free_bulk(out, n);
			total += n;
		}
	}
	return total;
}

void
data_in(const struct flow *f, uint32_t seq, const uint8_t *data, unsigned int data_len)
{
	assert_int_equal(
		rte_ring_enqueue(rx_ring[0], ack_frame(f, seq, f->our_isn + 1, data, data_len)), 0);
}

struct rte_mbuf *
one_out(void)
{
	struct rte_mbuf *out[4];
	unsigned int n = poll_idle(out, RTE_DIM(out));

	if (n != 1) {
		rte_pktmbuf_free_bulk(out, n);
		fail_msg("%u frames out, expected 1", n);
	}
	return out[0];
}

struct synq_frame_view
check_reply(const struct rte_mbuf *r, const struct flow *f)
{
	const uint8_t *p = rte_pktmbuf_mtod(r, const uint8_t *);
	struct synq_frame_view v;

	assert_int_equal(r->nb_segs, 1);
	assert_int_equal(r->data_len, r->pkt_len);
	/* every length checked: IP within the frame, TCP, a data offset within the segment */
	assert_int_equal(synq_frame_parse_tcp(p, r->data_len, &v), 0);
	assert_memory_equal(v.dst_mac, &peer_mac, 6);
	assert_memory_equal(v.src_mac, &our_mac, 6);
	assert_false(v.tagged);
	assert_int_equal(v.family, f->family);
	if (f->family == 4) {
		assert_int_equal(v.ip[0], 0x45);
		assert_int_equal(v.tos, 0);
		assert_int_equal(v.id, 0);		 /* DF set, nothing to reassemble */
		assert_int_equal(v.frag, SYNQ_FRAME_DF); /* DF, offset 0 */
		assert_true(v.ip_cksum_ok);
		assert_memory_equal(v.src, our_ip4, 4);
		assert_memory_equal(v.dst, f->caddr, 4);
	} else {
		/* version 6, class 0, no flow label */
		assert_int_equal(synq_bytes_get32(v.ip), 0x60000000);
		assert_memory_equal(v.src, our_ip6, 16);
		assert_memory_equal(v.dst, f->caddr, 16);
	}
	assert_int_equal(v.ttl, 64);
	assert_int_equal(r->data_len, RTE_MAX(ETH_LEN + v.ip_len, ETH_MIN));
	assert_true(v.pad_zero);
	/* the pseudo-header of RFC 9293 3.1 or RFC 8200 8.1 included */
	assert_true(v.tcp_cksum_ok);
	assert_int_equal(v.sport, f->sport);
	assert_int_equal(v.dport, f->cport);
	assert_int_equal(v.reserved, 0);
	assert_int_equal(v.urg, 0);
	return v;
}

void
check_synack(const struct rte_mbuf *r, struct flow *f, struct synq_tcp_opts *o)
{
	struct synq_frame_view v = check_reply(r, f);

	assert_int_equal(v.flags, F_SYN | F_ACK);
	assert_int_equal(v.ack, f->isn + 1);
	/* 65535, or a listener's smaller rcv_buf */
	assert_int_equal(v.win, f->sport == 85 ? 8192 : SYNQ_TCP_SYNACK_WINDOW);
	assert_int_equal(v.tcp_len, v.doff); /* no data */
	assert_int_equal(synq_tcp_opts_parse(v.opt, v.opt_len, o), 0);
	assert_int_equal(o->mss, f->family == 4 ? SYNQ_TCP_MSS4 : SYNQ_TCP_MSS6);
	assert_true(o->sack_perm);
	assert_true(o->ts);
	assert_int_equal(o->tsecr, f->tsval);
	f->our_isn = v.seq;
	f->our_tsval = o->tsval;
}

void
check_rst(const struct rte_mbuf *r, const struct flow *f, uint32_t seq)
{
	struct synq_frame_view v = check_reply(r, f);

	assert_int_equal(v.flags, F_RST);
	assert_int_equal(v.seq, seq);
	assert_int_equal(v.win, 0);
	assert_int_equal(v.doff, TCP_LEN);
	assert_int_equal(v.tcp_len, TCP_LEN);
}

void
check_ack(struct rte_mbuf *r, const struct flow *f, uint32_t seq, uint32_t ack)
{
	struct synq_frame_view v;

	assert_non_null(r);
	v = check_reply(r, f);
	assert_int_equal(v.flags, F_ACK);
	assert_int_equal(v.seq, seq);
	assert_int_equal(v.ack, ack);
	rte_pktmbuf_free(r);
}

void
check_conn(const struct synq_session *c, const struct flow *f, unsigned int li)
{
	struct synq_tcp_conn_info ci = conn_info(c);
	size_t alen = f->family == 4 ? 4 : 16;

	assert_int_equal(c->family, f->family);
	assert_memory_equal(c->saddr, f->caddr, alen);
	assert_memory_equal(c->daddr, f->saddr, alen);
	assert_int_equal(c->sport, rte_cpu_to_be_16(f->cport));
	assert_int_equal(c->dport, rte_cpu_to_be_16(f->sport));
	assert_int_equal(conn_info(c).client_isn, f->isn);
	assert_int_equal(conn_info(c).our_isn, f->our_isn);
	assert_int_equal(c->listener, li);
	assert_int_equal(conn_info(c).port_id, ports.port[0].port_id);
	assert_int_equal(c->worker, 0);
	assert_memory_equal(&ci.peer_mac, &peer_mac, 6);
	assert_memory_equal(&ci.our_mac, &our_mac, 6);
}

void
open_flow_opts(struct flow *f, uint16_t mss, uint8_t wscale, struct synq_tcp_opts *o)
{
	struct rte_mbuf *r = exchange(syn_frame_opts(f, mss, wscale));

	assert_non_null(r);
	check_synack(r, f, o);
	rte_pktmbuf_free(r);
}

void
open_flow(struct flow *f)
{
	struct synq_tcp_opts o;

	open_flow_opts(f, 1460, 7, &o);
}

void
finish_flow(const struct flow *f)
{
	exchange_silent(ack_frame(f, f->isn + 1, f->our_isn + 1, NULL, 0));
}

void
reset_flow(const struct flow *f)
{
	exchange_silent(rst_frame(f, f->isn + 1));
}

struct synq_session *
established(struct flow *f, unsigned int li)
{
	struct rte_mbuf *out[4];
	struct synq_session *c;
	unsigned int n;

	open_flow(f);
	finish_flow(f);
	c = accept_one(li);
	n = poll_idle(out, RTE_DIM(out)); /* the attach */
	assert_int_equal(n, 0);
	return c;
}

bool
next_event(struct synq_app_event *ev)
{
	if (synq_app_recv_burst(&app, ev, 1) == 1)
		return true;
	synq_worker_poll(worker());
	return synq_app_recv_burst(&app, ev, 1) == 1;
}

/* The application lcore's counter of events of @p kind (SynqAppEvents*). */
static uint64_t
event_count(uint16_t kind)
{
	static const enum synq_counter ctr_of[] = {
		[SYNQ_EV_DATA] = SYNQ_CTR_APP_EV_DATA,
		[SYNQ_EV_PEER_CLOSED] = SYNQ_CTR_APP_EV_PEER_CLOSED,
		[SYNQ_EV_RESET] = SYNQ_CTR_APP_EV_RESET,
		[SYNQ_EV_CLOSED] = SYNQ_CTR_APP_EV_CLOSED,
		[SYNQ_EV_CONNECTED] = SYNQ_CTR_APP_EV_CONNECTED,
		[SYNQ_EV_REFUSED] = SYNQ_CTR_APP_EV_REFUSED,
		[SYNQ_EV_TIMEDOUT] = SYNQ_CTR_APP_EV_TIMEDOUT,
		[SYNQ_EV_CONNECT_FAILED] = SYNQ_CTR_APP_EV_CONNECT_FAILED,
	};

	assert_true(kind < RTE_DIM(ctr_of) && kind != 0);
	return app_counter(ctr_of[kind]);
}

void
expect_event(struct synq_session *c, uint16_t kind)
{
	struct synq_app_event ev;
	uint64_t before = event_count(kind);

	assert_true(next_event(&ev));
	assert_ptr_equal(ev.s, c);
	assert_int_equal(ev.kind, kind);
	assert_int_equal(event_count(kind), before + 1); /* each kind counted */
}

void
expect_data_event(struct synq_session *c, const uint8_t *data, uint32_t len)
{
	struct synq_app_event ev;

	assert_true(next_event(&ev));
	assert_ptr_equal(ev.s, c);
	assert_int_equal(ev.kind, SYNQ_EV_DATA);
	assert_int_equal(rte_pktmbuf_pkt_len(ev.m), len);
	assert_memory_equal(rte_pktmbuf_mtod(ev.m, const uint8_t *), data, len);
	rte_pktmbuf_free(ev.m);
}

void
events_to_closed(struct synq_session *c, uint16_t last_but_one)
{
	struct synq_app_event ev;
	uint16_t prev = 0;
	/* an event that comes once a connection: counted once */
	bool once = last_but_one != 0 && last_but_one != SYNQ_EV_DATA;
	uint64_t before = once ? event_count(last_but_one) : 0;

	for (;;) {
		assert_true(next_event(&ev));
		assert_ptr_equal(ev.s, c);
		if (ev.kind == SYNQ_EV_CLOSED)
			break;
		prev = ev.kind;
	}
	assert_int_equal(prev, last_but_one);
	if (once)
		assert_int_equal(event_count(last_but_one), before + 1);
	synq_app_release(&app, c);
}

struct rte_mbuf *
command(struct synq_session *c, uint16_t cmd)
{
	struct rte_mbuf *out[4];
	unsigned int n;

	if (cmd == SYNQ_CMD_ABORT)
		assert_int_equal(synq_app_abort(&app, c), 0);
	else
		assert_int_equal(synq_app_close(&app, c), 0);
	n = poll_idle(out, RTE_DIM(out));
	if (n != 1) {
		rte_pktmbuf_free_bulk(out, n);
		fail_msg("one command, %u frames out", n);
	}
	return out[0];
}

void
conn_drop(struct synq_session *c)
{
	struct rte_mbuf *out[8];
	struct synq_app_event ev;
	unsigned int n;

	assert_int_equal(synq_app_abort(&app, c), 0);
	n = poll_idle(out, RTE_DIM(out));
	rte_pktmbuf_free_bulk(out, n);
	for (;;) {
		assert_true(next_event(&ev));
		if (ev.kind == SYNQ_EV_DATA)
			rte_pktmbuf_free(ev.m);
		if (ev.kind == SYNQ_EV_CLOSED && ev.s == c)
			break;
	}
	synq_app_release(&app, c);
}

struct synq_session *
accept_one(unsigned int li)
{
	struct synq_session *c[2];
	uint16_t n = synq_app_accept(&app, &rt.listeners.l[li], c, RTE_DIM(c));

	if (n == 2) {
		conn_drop(c[1]);
		conn_drop(c[0]);
	}
	assert_int_equal(n, 1);
	return c[0];
}

unsigned int
drain(unsigned int li)
{
	struct synq_session *c[8];
	unsigned int total = 0;
	uint16_t n;

	while ((n = synq_app_accept(&app, &rt.listeners.l[li], c, RTE_DIM(c))) != 0) {
		for (uint16_t i = 0; i < n; i++)
			conn_drop(c[i]);
		total += n;
	}
	return total;
}
