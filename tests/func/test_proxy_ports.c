/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the proxy app (issue 13) with two ports and two workers: the
 * clients come on the ring port (A, 198.18.0.1/24), polled by lcore 0 alone; a
 * backend sits on the spare port's subnet (B, "net_ring_func_one", 198.18.1.1/24),
 * polled by lcore 1 alone. The backend connection must be carried by lcore 1
 * (lib/app/proxy_worker.c): its ARP request and SYN leave on port B with port B's MAC
 * and address, the backend's SYN-ACK and data are taken in by lcore 1, and the relay
 * works both ways, byte by byte, through the runtime's own routed send (no fake). A
 * backend on port A's subnet stays on the client's worker, lcore 0, as before. A
 * health check (listener 3, no client) of a backend behind port B is carried by
 * lcore 1 too, port B's queue 0's worker; it starts at the application's first poll
 * and not again (the clock stays before its next interval): its test runs first.
 *
 * The spare port is one ring for rx and tx: what lcore 1 sends is taken off it after
 * each of its polls, before its next rx burst would read it back.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "bytes.h"
#include "harness.h"
#include "synq_frame.h"
#include "synq_listener.h"

#define BACK_PORT 8080
#define LI_B 0	 /* port 90: its backend behind port B, PROXY v1 */
#define LI_A 1	 /* port 91: its backend on port A's subnet, no header */
#define LI_B6 2	 /* port 92: its IPv6 backend behind port B, no header */
#define LI_CHK 3 /* port 93: its backend behind port B, health checked */
#define ET_ARP 0x0806
#define ET_IPV4 0x0800
#define ET_IPV6 0x86dd

static const char config_text[] =
	"{ \"ports\": ["
	"    { \"name\": \"net_ring_func\", \"ipv4\": [\"198.18.0.1/24\"],"
	"      \"ipv6\": [\"2001:2::1/64\"], \"rx_desc\": 128, \"tx_desc\": 128 },"
	"    { \"name\": \"net_ring_func_one\", \"ipv4\": [\"198.18.1.1/24\"],"
	"      \"ipv6\": [\"2001:3::1/64\"], \"rx_desc\": 64, \"tx_desc\": 64 } ],"
	"  \"lcores\": ["
	"    { \"lcore\": 0, \"role\": \"both\","
	"      \"rx\": [ { \"port\": \"net_ring_func\", \"queue\": 0 } ] },"
	"    { \"lcore\": 1, \"role\": \"worker\","
	"      \"rx\": [ { \"port\": \"net_ring_func_one\", \"queue\": 0 } ] } ],"
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"
	"  \"listeners\": ["
	"    { \"port\": 90, \"app\": \"proxy\", \"max_flows\": 64, \"proxy_protocol\": 1,"
	"      \"backends\": [ { \"address\": \"198.18.1.2\", \"port\": 8080 } ] },"
	"    { \"port\": 91, \"app\": \"proxy\", \"max_flows\": 64,"
	"      \"backends\": [ { \"address\": \"198.18.0.2\", \"port\": 8080 } ] },"
	"    { \"port\": 92, \"app\": \"proxy\", \"max_flows\": 64,"
	"      \"backends\": [ { \"address\": \"2001:3::2\", \"port\": 8080 } ] },"
	"    { \"port\": 93, \"app\": \"proxy\", \"max_flows\": 64,"
	"      \"health_check\": { \"interval_ms\": 3600000, \"timeout_ms\": 1000 },"
	"      \"backends\": [ { \"address\": \"198.18.1.3\", \"port\": 8080 } ] } ] }";

HARNESS_SETUP(.name = "proxy_ports", .config = config_text, .spare_port = true, .lcores = "0,1");

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero6[6];
static const uint8_t b_ip[4] = {198, 18, 1, 1};	    /* port B's address */
static const uint8_t back_b[4] = {198, 18, 1, 2};   /* the backend behind port B */
static const uint8_t back_a[4] = {198, 18, 0, 2};   /* the backend on port A's subnet */
static const uint8_t back_chk[4] = {198, 18, 1, 3}; /* the checked one behind port B */
static const uint8_t back_mac[6] = {0x02, 0xbb, 0, 0, 0, 0x02};
static const uint8_t b_ip6[16] = {0x20, 0x01, 0, 0x03, [15] = 1};   /* port B's */
static const uint8_t back_b6[16] = {0x20, 0x01, 0, 0x03, [15] = 2}; /* behind port B */

static struct rte_ring *b_ring; /* port B's one ring: lcore 1's rx and tx */
static struct rte_ether_addr b_mac;
/* what went out: on port A (to clients, and lcore 0's own backend), on port B */
static struct rte_mbuf *a_out[128];
static unsigned int nb_a;
static struct rte_mbuf *b_out[128];
static unsigned int nb_b;
static uint64_t now_ms = 1000;

static struct synq_worker *
worker1(void)
{
	return rt.lcore[1];
}

/* Counter @p id of lcore @p lcore. */
static uint64_t
ctr(unsigned int lcore, enum synq_counter id)
{
	return synq_counter_read(synq_stats_lcore(lcore), id);
}

static int
setup_ports(void **state)
{
	if (setup(state) != 0)
		return -1;
	b_ring = rte_ring_lookup("func_one");
	if (b_ring == NULL || rte_eth_macaddr_get(ports.port[1].port_id, &b_mac) != 0)
		return -1;
	/* the tick never runs here; no announcement would share the rings anyway */
	worker1()->announces_left = 0;
	return 0;
}

static void
take(struct rte_ring *r, struct rte_mbuf **out, unsigned int *nb)
{
	struct rte_mbuf *m;

	while (rte_ring_dequeue(r, (void **)&m) == 0) {
		assert_true(*nb < 128);
		out[(*nb)++] = m;
	}
}

static void
clear(void)
{
	rte_pktmbuf_free_bulk(a_out, nb_a);
	rte_pktmbuf_free_bulk(b_out, nb_b);
	nb_a = nb_b = 0;
}

/* Each worker polled, then what it sent taken (lcore 1's before its next rx burst). */
static void
poll_workers(void)
{
	synq_worker_poll(worker());
	take(tx_ring[0], a_out, &nb_a);
	synq_worker_poll(worker1());
	take(b_ring, b_out, &nb_b);
}

/* The application and both workers a few rounds. */
static void
pump(void)
{
	for (unsigned int round = 0; round < 6; round++) {
		synq_app_builtin_poll_at(&app, now_ms);
		poll_workers();
	}
}

/* @p m in on port A, then pump(). */
static void
feed_a(struct rte_mbuf *m)
{
	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	poll_workers();
	pump();
}

/* @p m in on port B, then pump(). */
static void
feed_b(struct rte_mbuf *m)
{
	assert_int_equal(rte_ring_enqueue(b_ring, m), 0);
	poll_workers();
	pump();
}

/* @p m is an ARP request from @p mac / @p ip for @p tip, broadcast. */
static void
check_arp_request(
	const struct rte_mbuf *m, const uint8_t *mac, const uint8_t *ip, const uint8_t *tip)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *a = p + 14;

	assert_int_equal(rte_pktmbuf_data_len(m), ETH_MIN);
	assert_memory_equal(p, bcast, 6);
	assert_memory_equal(p + 6, mac, 6);
	assert_int_equal(synq_bytes_get16(p + 12), ET_ARP);
	assert_int_equal(synq_bytes_get16(a), 1);
	assert_int_equal(synq_bytes_get16(a + 2), ET_IPV4);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(synq_bytes_get16(a + 6), 1); /* request */
	assert_memory_equal(a + 8, mac, 6);
	assert_memory_equal(a + 14, ip, 4);
	assert_memory_equal(a + 18, zero6, 6);
	assert_memory_equal(a + 24, tip, 4);
}

/* The backend @p sip's ARP reply, unicast to @p mac / @p ip. */
static struct rte_mbuf *
arp_reply(const uint8_t *sip, const uint8_t *mac, const uint8_t *ip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frames);
	uint8_t *p, *a;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, ETH_MIN);
	assert_non_null(p);
	memset(p, 0, ETH_MIN);
	memcpy(p, mac, 6);
	memcpy(p + 6, back_mac, 6);
	synq_bytes_put16(p + 12, ET_ARP);
	a = p + 14;
	synq_bytes_put16(a, 1);
	synq_bytes_put16(a + 2, ET_IPV4);
	a[4] = 6;
	a[5] = 4;
	synq_bytes_put16(a + 6, 2);
	memcpy(a + 8, back_mac, 6);
	memcpy(a + 14, sip, 4);
	memcpy(a + 18, mac, 6);
	memcpy(a + 24, ip, 4);
	return m;
}

/* A backend's view of its connection from us. */
struct back {
	uint8_t family;
	const uint8_t *addr; /* the backend's */
	const uint8_t *ip;   /* ours on its port */
	const uint8_t *mac;  /* our port's MAC */
	uint16_t lport;	     /* our local port */
	uint32_t ours;	     /* our next sequence number */
	uint32_t theirs;     /* its next sequence number */
};

/* A frame of the backend of @p k to us. */
static struct rte_mbuf *
back_seg(const struct back *k, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
	unsigned int len)
{
	const struct synq_frame_peer p = {.mac = back_mac,
		.our_mac = k->mac,
		.family = k->family,
		.addr = k->addr,
		.our_addr = k->ip,
		.port = BACK_PORT,
		.our_port = k->lport,
		.ip_id = 0x4321};
	struct rte_mbuf *m = rte_pktmbuf_alloc(frames);
	size_t n;

	assert_non_null(m);
	n = synq_frame_build_seg(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_tailroom(m), &p, seq,
		ack, flags, 64240, NULL, 0, data, len);
	assert_int_not_equal(n, 0);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)n));
	return m;
}

/* @p m is a segment from us to the backend of @p k, on its port: its view. */
static struct synq_frame_view
check_to_back(const struct rte_mbuf *m, const struct back *k)
{
	struct synq_frame_view v;

	assert_int_equal(synq_frame_parse_tcp(
				 rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), &v),
		0);
	assert_memory_equal(v.dst_mac, back_mac, 6);
	assert_memory_equal(v.src_mac, k->mac, 6);
	assert_int_equal(v.family, k->family);
	assert_memory_equal(v.src, k->ip, k->family == 4 ? 4 : 16);
	assert_memory_equal(v.dst, k->addr, k->family == 4 ? 4 : 16);
	assert_int_equal(v.ttl, 64);
	assert_true(v.ip_cksum_ok);
	assert_true(v.tcp_cksum_ok);
	assert_true(v.pad_zero);
	assert_int_equal(v.dport, BACK_PORT);
	return v;
}

/*
 * @p m is a neighbour solicitation from @p mac / @p ip for @p target, to its
 * solicited-node group; the backend's advertisement (S, O, its link-layer address).
 */
static struct rte_mbuf *
nd_answer(const struct rte_mbuf *m, const uint8_t *mac, const uint8_t *ip, const uint8_t *target)
{
	const uint8_t snm_mac[6] = {0x33, 0x33, 0xff, target[13], target[14], target[15]};
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *), *ip6 = p + 14, *icmp = ip6 + 40;
	struct rte_mbuf *a = rte_pktmbuf_alloc(frames);
	uint8_t *q;

	assert_int_equal(rte_pktmbuf_data_len(m), 14 + 40 + 32);
	assert_memory_equal(p, snm_mac, 6);
	assert_memory_equal(p + 6, mac, 6);
	assert_int_equal(synq_bytes_get16(p + 12), ET_IPV6);
	assert_int_equal(ip6[6], 58);
	assert_int_equal(ip6[7], 255);
	assert_memory_equal(ip6 + 8, ip, 16);
	assert_int_equal(icmp[0], 135);
	assert_memory_equal(icmp + 8, target, 16);
	assert_int_equal(synq_frame_cksum_fold(
				 synq_frame_cksum_add(synq_frame_phdr6(ip6, 58, 32), icmp, 32)),
		0);
	assert_non_null(a);
	q = (uint8_t *)rte_pktmbuf_append(a, 14 + 40 + 32);
	assert_non_null(q);
	memset(q, 0, 14 + 40 + 32);
	memcpy(q, mac, 6);
	memcpy(q + 6, back_mac, 6);
	synq_bytes_put16(q + 12, ET_IPV6);
	q[14] = 0x60;
	synq_bytes_put16(q + 14 + 4, 32);
	q[14 + 6] = 58;
	q[14 + 7] = 255;
	memcpy(q + 14 + 8, target, 16);
	memcpy(q + 14 + 24, ip, 16);
	q[54] = 136;
	synq_bytes_put32(q + 54 + 4, 0x60000000);
	memcpy(q + 54 + 8, target, 16);
	q[54 + 24] = 2;
	q[54 + 25] = 1;
	memcpy(q + 54 + 26, back_mac, 6);
	synq_bytes_put16(q + 54 + 2, synq_frame_cksum_fold(synq_frame_cksum_add(
					     synq_frame_phdr6(q + 14, 58, 32), q + 54, 32)));
	return a;
}

/*
 * The connection to backend @p addr opened from the port of @p out: an ARP request
 * or a neighbour solicitation, answered on @p in; then the SYN, byte by byte. The
 * backend's view of it.
 */
static struct back
expect_syn(uint8_t family, const uint8_t *addr, const uint8_t *ip, const uint8_t *mac,
	struct rte_ring *in, struct rte_mbuf **out, unsigned int *nb)
{
	struct synq_frame_view v;
	struct back k = {.family = family, .addr = addr, .ip = ip, .mac = mac};
	struct rte_mbuf *answer;

	assert_int_equal(*nb, 1);
	if (family == 4) {
		check_arp_request(out[0], mac, ip, addr);
		answer = arp_reply(addr, mac, ip);
	} else {
		answer = nd_answer(out[0], mac, ip, addr);
	}
	clear();
	assert_int_equal(rte_ring_enqueue(in, answer), 0);
	poll_workers();
	assert_int_equal(*nb, 1);
	v = check_to_back(out[0], &k);
	assert_int_equal(v.flags, F_SYN);
	assert_int_equal(v.data_len, 0);
	assert_true(v.sport >= rt.listeners.l[0].tcp.local_port_lo &&
		    v.sport <= rt.listeners.l[0].tcp.local_port_hi);
	k.lport = v.sport;
	k.ours = v.seq + 1;
	k.theirs = 0x70000001u;
	clear();
	return k;
}

/* The data of frames @p out to @p k in order from k->ours into @p buf; FINs counted. */
static unsigned int
back_got(struct back *k, struct rte_mbuf **out, unsigned int nb, uint8_t *buf, unsigned int size,
	unsigned int *fins)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nb; i++) {
		struct synq_frame_view v = check_to_back(out[i], k);

		assert_int_equal(v.flags & F_RST, 0);
		if (v.seq != k->ours)
			continue;
		assert_true(n + v.data_len <= size);
		memcpy(buf + n, v.data, v.data_len);
		n += v.data_len;
		k->ours += v.data_len;
		if (v.flags & F_FIN) {
			k->ours++;
			(*fins)++;
		}
	}
	return n;
}

/* What port A sent to client @p f in order since @p *seq, into @p buf. */
static unsigned int
cli_got(const struct flow *f, uint32_t *seq, uint8_t *buf, unsigned int size, unsigned int *fins,
	unsigned int *rsts)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nb_a; i++) {
		struct synq_frame_view v;

		if (synq_frame_parse_tcp(rte_pktmbuf_mtod(a_out[i], const uint8_t *),
			    rte_pktmbuf_data_len(a_out[i]), &v) != 0 ||
			v.dport != f->cport ||
			memcmp(v.dst, f->caddr, f->family == 4 ? 4 : 16) != 0)
			continue;
		v = check_reply(a_out[i], f);
		*rsts += !!(v.flags & F_RST);
		if (v.seq != *seq)
			continue;
		assert_true(n + v.data_len <= size);
		memcpy(buf + n, v.data, v.data_len);
		n += v.data_len;
		*seq += v.data_len;
		if (v.flags & F_FIN) {
			(*seq)++;
			(*fins)++;
		}
	}
	return n;
}

/* The client's segment with timestamps. */
static struct rte_mbuf *
cli_seg(const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
	unsigned int len)
{
	uint8_t o[SYNQ_TCP_OPTS_MAX];
	size_t n = synq_frame_opts_ack(o, f->tsval + 1, f->our_tsval);

	return segment(f, seq, ack, flags, o, (unsigned int)n, data, len);
}

/*
 * 0: the health check of listener 3's backend behind port B, which no client asked
 * for, is carried by port B's worker, lcore 1 (the one rule of proxy_worker.c, no
 * client's worker to prefer): its ARP request and SYN leave on port B from port B's
 * address, the backend's SYN-ACK is taken in by lcore 1, and the check's RST after the
 * handshake leaves there too; nothing on port A, nothing opened by lcore 0; a success,
 * its session back in the pool.
 */
static void
test_check_spare_port(void **state __rte_unused)
{
	unsigned int free0 = rte_ring_count(rt.sessions.free);
	uint64_t open0[2] = {ctr(0, SYNQ_CTR_TCP_ACTIVE_OPENS), ctr(1, SYNQ_CTR_TCP_ACTIVE_OPENS)};
	uint64_t est1 = ctr(1, SYNQ_CTR_TCP_CONNECT_ESTAB);
	uint64_t checks0 = app_counter(SYNQ_CTR_PROXY_CHECKS);
	uint64_t errors0 = app_counter(SYNQ_CTR_PROXY_CHECK_ERRORS);
	const struct synq_backend_stats *st =
		synq_backend_stats_at(&rt.listeners.l[LI_CHK], app.lcore_id, 0);
	bool ack = false, rst = false;
	struct back k;

	/* the application's first poll: the check starts */
	pump();
	assert_int_equal(app_counter(SYNQ_CTR_PROXY_CHECKS), checks0 + 1);
	assert_int_equal(app_counter(SYNQ_CTR_PROXY_CHECK_ERRORS), errors0);
	assert_int_equal(nb_a, 0);
	assert_int_equal(ctr(1, SYNQ_CTR_TCP_ACTIVE_OPENS), open0[1] + 1);
	assert_int_equal(ctr(0, SYNQ_CTR_TCP_ACTIVE_OPENS), open0[0]);
	k = expect_syn(4, back_chk, b_ip, b_mac.addr_bytes, b_ring, b_out, &nb_b);

	/* the backend accepts: lcore 1 completes the handshake, then the check's RST */
	feed_b(back_seg(&k, k.theirs - 1, k.ours, F_SYN | F_ACK, NULL, 0));
	assert_int_equal(ctr(1, SYNQ_CTR_TCP_CONNECT_ESTAB), est1 + 1);
	assert_int_equal(nb_a, 0);
	for (unsigned int i = 0; i < nb_b; i++) {
		struct synq_frame_view v = check_to_back(b_out[i], &k);

		assert_int_equal(v.seq, k.ours);
		assert_int_equal(v.flags & (F_SYN | F_FIN), 0);
		if (v.flags & F_RST)
			rst = true;
		else if (v.flags == F_ACK && v.ack == k.theirs)
			ack = true;
	}
	assert_true(ack);
	assert_true(rst);
	assert_int_equal(__atomic_load_n(&st->checks_ok, __ATOMIC_RELAXED), 1);
	assert_int_equal(__atomic_load_n(&st->checks_failed, __ATOMIC_RELAXED), 0);
	clear();
	pump();
	assert_int_equal(nb_a + nb_b, 0);
	assert_int_equal(rte_ring_count(rt.sessions.free), free0);
}

/*
 * 1: a client on port A (lcore 0), its backend behind port B (lcore 1 only): the SYN
 * leaves on port B from lcore 1, whose queue takes the replies; PROXY v1, bytes both
 * ways, half-close each way, every session back in the pool.
 */
static void
test_relay_other_worker(void **state __rte_unused)
{
	static const char hello[] = "hello backend";
	static const char world[] = "hello client!";
	unsigned int free0 = rte_ring_count(rt.sessions.free), fins = 0, rsts = 0, n;
	uint64_t open0[2] = {ctr(0, SYNQ_CTR_TCP_ACTIVE_OPENS), ctr(1, SYNQ_CTR_TCP_ACTIVE_OPENS)};
	uint64_t est0[2] = {ctr(0, SYNQ_CTR_TCP_CONNECT_ESTAB), ctr(1, SYNQ_CTR_TCP_CONNECT_ESTAB)};
	uint64_t in1 = ctr(1, SYNQ_CTR_TCP_IN_SEGS);
	uint64_t errors0 = app_counter(SYNQ_CTR_PROXY_CONNECT_ERRORS);
	struct flow f = flow4(40, 40040, 90, 0x40000000u);
	uint8_t buf[512];
	char want[128];
	uint32_t cseq;
	struct back k;

	open_flow(&f);
	finish_flow(&f);
	cseq = f.our_isn + 1;
	pump();
	/* nothing towards the backend on port A; lcore 1 opened it, lcore 0 did not */
	assert_int_equal(nb_a, 0);
	assert_int_equal(ctr(1, SYNQ_CTR_TCP_ACTIVE_OPENS), open0[1] + 1);
	assert_int_equal(ctr(0, SYNQ_CTR_TCP_ACTIVE_OPENS), open0[0]);
	k = expect_syn(4, back_b, b_ip, b_mac.addr_bytes, b_ring, b_out, &nb_b);

	/* its SYN-ACK in on port B: lcore 1 takes it, ACKs it, and the header follows */
	feed_b(back_seg(&k, k.theirs - 1, k.ours, F_SYN | F_ACK, NULL, 0));
	assert_int_equal(ctr(1, SYNQ_CTR_TCP_CONNECT_ESTAB), est0[1] + 1);
	assert_int_equal(ctr(0, SYNQ_CTR_TCP_CONNECT_ESTAB), est0[0]);
	assert_true(ctr(1, SYNQ_CTR_TCP_IN_SEGS) > in1);
	assert_true(nb_b >= 1);
	{
		struct synq_frame_view v = check_to_back(b_out[0], &k);

		assert_int_equal(v.flags & (F_SYN | F_ACK | F_RST), F_ACK);
		assert_int_equal(v.ack, k.theirs);
	}
	n = back_got(&k, b_out, nb_b, buf, sizeof(buf), &fins);
	snprintf(want, sizeof(want), "PROXY TCP4 198.18.40.2 198.18.0.1 40040 90\r\n");
	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, n);
	assert_int_equal(nb_a, 0);
	clear();

	/* client -> backend: in on port A (lcore 0), out on port B (lcore 1) */
	feed_a(cli_seg(&f, f.isn + 1, cseq, F_ACK | F_PSH, hello, sizeof(hello)));
	n = back_got(&k, b_out, nb_b, buf, sizeof(buf), &fins);
	assert_int_equal(n, sizeof(hello));
	assert_memory_equal(buf, hello, n);
	clear();

	/* backend -> client: in on port B (lcore 1), out on port A (lcore 0) */
	feed_b(back_seg(&k, k.theirs, k.ours, F_ACK | F_PSH, world, sizeof(world)));
	k.theirs += sizeof(world);
	n = cli_got(&f, &cseq, buf, sizeof(buf), &fins, &rsts);
	assert_int_equal(n, sizeof(world));
	assert_memory_equal(buf, world, n);
	assert_int_equal(fins, 0);
	/* lcore 1 acknowledged the backend's bytes on port B */
	assert_true(nb_b >= 1);
	assert_int_equal(check_to_back(b_out[nb_b - 1], &k).ack, k.theirs);
	clear();

	/* the client's FIN: the backend gets ours on port B */
	feed_a(cli_seg(&f, f.isn + 1 + sizeof(hello), cseq, F_ACK | F_FIN, NULL, 0));
	n = back_got(&k, b_out, nb_b, buf, sizeof(buf), &fins);
	assert_int_equal(n, 0);
	assert_int_equal(fins, 1);
	clear();

	/* the backend's FIN: the client gets ours on port A */
	feed_b(back_seg(&k, k.theirs, k.ours, F_ACK | F_FIN, NULL, 0));
	k.theirs++;
	fins = 0;
	cli_got(&f, &cseq, buf, sizeof(buf), &fins, &rsts);
	assert_int_equal(fins, 1);
	assert_int_equal(rsts, 0);
	clear();
	/* the client ACKs it: both sides over, both sessions back in the pool */
	feed_a(cli_seg(&f, f.isn + 2 + sizeof(hello), cseq, F_ACK, NULL, 0));
	clear();
	assert_int_equal(rte_ring_count(rt.sessions.free), free0);
	assert_int_equal(app_counter(SYNQ_CTR_PROXY_CONNECT_ERRORS), errors0);
}

/*
 * 2: a backend on port A's subnet stays with the client's worker: lcore 0 sends its
 * ARP request and SYN on port A, nothing leaves on port B; the backend refuses, the
 * client gets its RST.
 */
static void
test_same_port_stays(void **state __rte_unused)
{
	unsigned int free0 = rte_ring_count(rt.sessions.free), fins = 0, rsts = 0;
	uint64_t open0[2] = {ctr(0, SYNQ_CTR_TCP_ACTIVE_OPENS), ctr(1, SYNQ_CTR_TCP_ACTIVE_OPENS)};
	uint64_t none0 = app_counter(SYNQ_CTR_PROXY_NO_BACKEND);
	struct flow f = flow4(41, 40041, 91, 0x41000000u);
	uint8_t buf[64];
	uint32_t cseq;
	struct back k;

	open_flow(&f);
	finish_flow(&f);
	cseq = f.our_isn + 1;
	pump();
	assert_int_equal(nb_b, 0);
	assert_int_equal(ctr(0, SYNQ_CTR_TCP_ACTIVE_OPENS), open0[0] + 1);
	assert_int_equal(ctr(1, SYNQ_CTR_TCP_ACTIVE_OPENS), open0[1]);
	k = expect_syn(4, back_a, our_ip4, our_mac.addr_bytes, rx_ring[0], a_out, &nb_a);
	assert_int_equal(nb_b, 0);

	feed_a(back_seg(&k, 0x5000, k.ours, F_RST | F_ACK, NULL, 0));
	cli_got(&f, &cseq, buf, sizeof(buf), &fins, &rsts);
	assert_int_equal(rsts, 1);
	assert_int_equal(nb_b, 0);
	assert_int_equal(app_counter(SYNQ_CTR_PROXY_NO_BACKEND), none0 + 1);
	clear();
	pump();
	clear();
	assert_int_equal(rte_ring_count(rt.sessions.free), free0);
}

/*
 * 3: IPv6: a client on port A, its backend 2001:3::2 behind port B: the neighbour
 * solicitation and the SYN leave on port B from lcore 1, from port B's address; a
 * byte each way; the backend's RST, taken in by lcore 1, reaches the client from
 * lcore 0.
 */
static void
test_relay_v6_rst(void **state __rte_unused)
{
	unsigned int free0 = rte_ring_count(rt.sessions.free), fins = 0, rsts = 0, n;
	uint64_t open0[2] = {ctr(0, SYNQ_CTR_TCP_ACTIVE_OPENS), ctr(1, SYNQ_CTR_TCP_ACTIVE_OPENS)};
	uint64_t est1 = ctr(1, SYNQ_CTR_TCP_CONNECT_ESTAB);
	uint64_t resets0 = app_counter(SYNQ_CTR_PROXY_RESETS);
	struct flow f = flow6(42, 40042, 92, 0x42000000u);
	uint8_t buf[64];
	uint32_t cseq;
	struct back k;

	open_flow(&f);
	finish_flow(&f);
	cseq = f.our_isn + 1;
	pump();
	assert_int_equal(nb_a, 0);
	assert_int_equal(ctr(1, SYNQ_CTR_TCP_ACTIVE_OPENS), open0[1] + 1);
	assert_int_equal(ctr(0, SYNQ_CTR_TCP_ACTIVE_OPENS), open0[0]);
	k = expect_syn(6, back_b6, b_ip6, b_mac.addr_bytes, b_ring, b_out, &nb_b);
	feed_b(back_seg(&k, k.theirs - 1, k.ours, F_SYN | F_ACK, NULL, 0));
	assert_int_equal(ctr(1, SYNQ_CTR_TCP_CONNECT_ESTAB), est1 + 1);
	clear();

	feed_a(cli_seg(&f, f.isn + 1, cseq, F_ACK | F_PSH, "x", 1));
	n = back_got(&k, b_out, nb_b, buf, sizeof(buf), &fins);
	assert_int_equal(n, 1);
	assert_int_equal(buf[0], 'x');
	clear();
	feed_b(back_seg(&k, k.theirs, k.ours, F_ACK | F_PSH, "y", 1));
	k.theirs++;
	n = cli_got(&f, &cseq, buf, sizeof(buf), &fins, &rsts);
	assert_int_equal(n, 1);
	assert_int_equal(buf[0], 'y');
	clear();

	feed_b(back_seg(&k, k.theirs, k.ours, F_RST | F_ACK, NULL, 0));
	cli_got(&f, &cseq, buf, sizeof(buf), &fins, &rsts);
	assert_int_equal(rsts, 1);
	assert_int_equal(nb_b, 0);
	clear();
	pump();
	clear();
	assert_int_equal(rte_ring_count(rt.sessions.free), free0);
	assert_int_equal(app_counter(SYNQ_CTR_PROXY_RESETS), resets0 + 1);
}

/* Connections lcore 1 carries in its flow table. */
static uint32_t
flows1(void)
{
	struct synq_tcp_worker_info info;

	synq_tcp_worker_info(worker1()->tcp, &info);
	return info.flows;
}

/*
 * 4: the client's RST crosses the backend's CONNECTED, each from its own worker: the
 * backend's SYN-ACK taken in by lcore 1 and the client's RST by lcore 0 before the
 * application reads either, in both orders: the backend gets our RST on port B,
 * nothing more reaches the client, both sessions go back to the pool and lcore 1's
 * flow slot is free again.
 */
static void
test_client_rst_crosses_connected(void **state __rte_unused)
{
	for (unsigned int order = 0; order < 2; order++) {
		unsigned int free0 = rte_ring_count(rt.sessions.free), fins = 0, rsts = 0;
		uint32_t flows0 = flows1();
		struct flow f = flow4(43, (uint16_t)(40043 + order), 90, 0x43000000u);
		uint8_t buf[64];
		uint32_t cseq;
		struct back k;
		struct rte_mbuf *m;
		bool back_rst = false;

		open_flow(&f);
		finish_flow(&f);
		cseq = f.our_isn + 1;
		pump();
		/* the neighbour is known since test 1: the SYN at once */
		assert_int_equal(nb_b, 1);
		k = (struct back){.family = 4, .addr = back_b, .ip = b_ip, .mac = b_mac.addr_bytes};
		{
			struct synq_frame_view v = check_to_back(b_out[0], &k);

			assert_int_equal(v.flags, F_SYN);
			k.lport = v.sport;
			k.ours = v.seq + 1;
			k.theirs = 0x70000001u;
		}
		clear();
		assert_int_equal(flows1(), flows0 + 1);
		m = back_seg(&k, k.theirs - 1, k.ours, F_SYN | F_ACK, NULL, 0);
		if (order == 0) {
			/* lcore 1's CONNECTED first in the application's ring, then the RST */
			assert_int_equal(rte_ring_enqueue(b_ring, m), 0);
			poll_workers();
			assert_int_equal(
				rte_ring_enqueue(rx_ring[0],
					cli_seg(&f, f.isn + 1, cseq, F_RST | F_ACK, NULL, 0)),
				0);
			poll_workers();
		} else {
			/* the client's RST first, the SYN-ACK in flight once the abort is sent */
			assert_int_equal(
				rte_ring_enqueue(rx_ring[0],
					cli_seg(&f, f.isn + 1, cseq, F_RST | F_ACK, NULL, 0)),
				0);
			poll_workers();
			synq_app_builtin_poll_at(&app, now_ms);
			assert_int_equal(rte_ring_enqueue(b_ring, m), 0);
			poll_workers();
		}
		pump();
		pump();
		for (unsigned int i = 0; i < nb_b; i++) {
			struct synq_frame_view v;

			if (synq_frame_parse_tcp(rte_pktmbuf_mtod(b_out[i], const uint8_t *),
				    rte_pktmbuf_data_len(b_out[i]), &v) == 0 &&
				(v.flags & F_RST))
				back_rst = true;
		}
		assert_true(back_rst);
		cli_got(&f, &cseq, buf, sizeof(buf), &fins, &rsts);
		assert_int_equal(rsts, 0);
		assert_int_equal(fins, 0);
		clear();
		assert_int_equal(flows1(), flows0);
		assert_int_equal(rte_ring_count(rt.sessions.free), free0);
	}
}

/* Lcore @p lcore's gauge @p id after a tick of its timers. */
static uint64_t
lgauge(unsigned int lcore, enum synq_counter id)
{
	synq_worker_tick(rt.lcore[lcore], rte_get_tsc_cycles());
	return ctr(lcore, id);
}

/*
 * 5: what a client of lcore 0 sends to a backend that never acknowledges waits in
 * lcore 1's send queue, charged to lcore 1 (the worker that holds it), not to lcore 0
 * once relayed; the client's RST aborts the backend connection and lcore 1's charge
 * goes back to what it was.
 */
static void
test_relayed_bytes_charged_to_sender(void **state __rte_unused)
{
	static uint8_t blob[1000];
	unsigned int free0 = rte_ring_count(rt.sessions.free), fins = 0, rsts = 0;
	uint64_t held0[2] = {
		lgauge(0, SYNQ_CTR_MEM_HELD_BYTES), lgauge(1, SYNQ_CTR_MEM_HELD_BYTES)};
	uint32_t flows0 = flows1();
	struct flow f = flow4(44, 40044, 90, 0x44000000u);
	uint8_t buf[64];
	uint32_t cseq;
	struct back k = {.family = 4, .addr = back_b, .ip = b_ip, .mac = b_mac.addr_bytes};
	bool back_rst = false;

	memset(blob, 'z', sizeof(blob));
	open_flow(&f);
	finish_flow(&f);
	cseq = f.our_isn + 1;
	pump();
	assert_int_equal(nb_b, 1);
	{
		struct synq_frame_view v = check_to_back(b_out[0], &k);

		assert_int_equal(v.flags, F_SYN);
		k.lport = v.sport;
		k.ours = v.seq + 1;
		k.theirs = 0x70000001u;
	}
	clear();
	feed_b(back_seg(&k, k.theirs - 1, k.ours, F_SYN | F_ACK, NULL, 0));
	clear();
	feed_a(cli_seg(&f, f.isn + 1, cseq, F_ACK | F_PSH, blob, sizeof(blob)));
	assert_true(nb_b >= 1);
	clear();
	pump();
	clear();
	assert_true(lgauge(1, SYNQ_CTR_MEM_HELD_BYTES) > held0[1]);
	assert_int_equal(lgauge(0, SYNQ_CTR_MEM_HELD_BYTES), held0[0]);

	feed_a(cli_seg(&f, f.isn + 1 + sizeof(blob), cseq, F_RST | F_ACK, NULL, 0));
	pump();
	for (unsigned int i = 0; i < nb_b; i++) {
		struct synq_frame_view v;

		if (synq_frame_parse_tcp(rte_pktmbuf_mtod(b_out[i], const uint8_t *),
			    rte_pktmbuf_data_len(b_out[i]), &v) == 0 &&
			(v.flags & F_RST))
			back_rst = true;
	}
	assert_true(back_rst);
	cli_got(&f, &cseq, buf, sizeof(buf), &fins, &rsts);
	assert_int_equal(rsts, 0);
	clear();
	assert_int_equal(lgauge(1, SYNQ_CTR_MEM_HELD_BYTES), held0[1]);
	assert_int_equal(lgauge(0, SYNQ_CTR_MEM_HELD_BYTES), held0[0]);
	assert_int_equal(flows1(), flows0);
	assert_int_equal(rte_ring_count(rt.sessions.free), free0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_spare_port), /* first: the check's one start */
		cmocka_unit_test(test_relay_other_worker),
		cmocka_unit_test(test_same_port_stays),
		cmocka_unit_test(test_relay_v6_rst),
		cmocka_unit_test(test_client_rst_crosses_connected),
		cmocka_unit_test(test_relayed_bytes_charged_to_sender),
	};

	return cmocka_run_group_tests(tests, setup_ports, teardown);
}
