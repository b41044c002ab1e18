/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A burst handled as a vector (issue 14: lib/net/input.c chunk_input(), the cookie
 * SYNs' SYN-ACKs deferred to the burst's end, the cookie ACKs and the RFC 6528 hashes
 * of a burst computed in lanes from the first frame that needs one, each result kept
 * by its record) must answer as the same frames handed in one at a time. Two engines
 * made alike (the same secrets and seeds: getrandom() answers from a fixed stream while
 * they are made; the same clock), the same frames: to one in bursts of 1 to 32 (now and
 * then up to 100: two chunks), to the other one by one. Every frame's verdict (replied,
 * in order, or dropped, in order), every reply's bytes and every counter must agree.
 * The frames: flood SYNs to cookie and table listeners (syncookies 0, 1, 2), handshakes
 * finished with the cookie or table ACK of the SYN-ACK, forged ACKs, RSTs, duplicate SYNs,
 * SYN-RST-SYN of one 4-tuple, a final ACK after its 4-tuple was promoted or reset earlier in the
 * same burst, IPv6 and VLAN frames among them. No EAL ports: synq_net_input() straight, as fuzz_tcp
 * does.
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "synq_config.h"
#include "synq_cookie.h"
#include "synq_iface.h"
#include "synq_listener.h"
#include "synq_net.h"
#include "synq_session.h"
#include "synq_siphash.h"
#include "synq_stats.h"
#include "synq_tcp.h"

#define BURST 100 /* past two chunks of lanes (64): their ends within bursts */
#define FRAMES 6000
#define TUPLES 48 /* the 4-tuples that handshakes, RSTs and duplicates reuse */
#define TSC_HZ UINT64_C(100000000000000)

static const char config_text[] =
	"{ \"ports\": [ { \"name\": \"eq0\", \"mac\": \"02:53:51:00:00:01\","
	"    \"ipv4\": [\"198.18.0.1/16\"], \"ipv6\": [\"2001:2::1/64\"] } ],"
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"both\", \"rx\": [ { \"port\": \"eq0\" } ] } "
	"],"
	"  \"tcp\": { \"max_syn_backlog\": 256, \"max_flows\": 8192 },"
	"  \"listeners\": ["
	"    { \"port\": 80, \"app\": \"hold\", \"backlog\": 4096, \"syncookies\": 1 },"
	"    { \"port\": 81, \"app\": \"hold\", \"backlog\": 4096, \"syncookies\": 2 },"
	"    { \"port\": 82, \"app\": \"hold\", \"backlog\": 4096, \"syncookies\": 0 } ] }";
static const uint16_t lports[] = {80, 81, 82};
static const uint8_t our_mac[6] = {0x02, 0x53, 0x51, 0, 0, 1};
static const uint8_t peer_mac[6] = {0x02, 0xaa, 0, 0, 0, 2};
static const uint8_t our_ip4[4] = {198, 18, 0, 1};
static const uint8_t our_ip6[16] = {0x20, 0x01, 0, 0x02, [15] = 1};

static struct synq_config cfg;
static struct rte_mempool *pool;
static bool faking;
static uint64_t rng;

/* splitmix64 */
static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The engines' wall clock (the cookies' windows), and its step at each burst's end
 * (0: held); the TSC both engines were last clocked at (setup()).
 */
static uint64_t wall_s = 1800000000;
static unsigned int wall_step;
static uint64_t clock_tsc;

/* While the engines are made: the same keys for both. */
ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	if (!faking)
		return syscall(SYS_getrandom, buf, len, flags);
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)splitmix(&rng);
	return (ssize_t)len;
}

/* The engines' wall clock (the cookies' windows): wall_s. */
int
clock_gettime(clockid_t id, struct timespec *ts)
{
	if (id != CLOCK_REALTIME_COARSE)
		return (int)syscall(SYS_clock_gettime, id, ts);
	ts->tv_sec = (time_t)wall_s;
	ts->tv_nsec = 0;
	return 0;
}

/*
 * RFC 5961's challenge ACKs a second: a random share of the limit
 * (tcp_challenge_limited()), drawn from EAL's one generator, which the two engines
 * would call in another order: the same share for both.
 */
uint64_t
rte_rand_max(uint64_t upper_bound)
{
	return upper_bound / 2;
}

struct world {
	struct synq_iface ifc;
	struct synq_listeners listeners;
	struct synq_sessions sessions;
	struct synq_tcp *tcp;
	struct synq_tcp_worker *tw;
	struct synq_counters ctr;
	struct rte_ring *ring; /* the hold app's events, drained */
	struct rte_ring *app_rings[RTE_MAX_LCORE];
};

static struct world wa, wb; /* a: bursts, b: one frame at a time */
/* the SipHash lanes engine a runs in (engine b: scalar, one lane) */
static enum synq_sip_impl impl_a = SYNQ_SIP_SCALAR;

static struct rte_ring *
ring_new(const char *name)
{
	struct rte_ring *r =
		rte_ring_create_elem(name, sizeof(struct synq_session_msg), 4096, SOCKET_ID_ANY, 0);

	assert_non_null(r);
	return r;
}

static void
world_create(struct world *w, const char *name)
{
	char err[SYNQ_CONFIG_ERR_LEN];
	struct synq_tcp_worker_conf conf = {
		.lcore_id = 0,
		.pool = pool,
		.nb_rxq = 1,
		.app_rings = w->app_rings,
		.tsc_hz = TSC_HZ,
		.flowmem_min = 16,
	};
	uint8_t secret[SYNQ_COOKIE_SECRET_LEN];
	struct rte_ether_addr mac;

	rng = 42;
	faking = true;
	memcpy(mac.addr_bytes, our_mac, 6);
	synq_iface_init(&w->ifc, 0, &cfg.ports[0], &mac);
	conf.rxq[0].iface = &w->ifc;
	for (unsigned int i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)splitmix(&rng);
	assert_int_equal(
		synq_listeners_create(&w->listeners, &cfg, 1, SOCKET_ID_ANY, err, sizeof(err)), 0);
	assert_int_equal(synq_sessions_create(&w->sessions, 8192, SOCKET_ID_ANY), 0);
	w->tcp = synq_tcp_create(&w->listeners, &w->sessions, secret, SOCKET_ID_ANY);
	assert_non_null(w->tcp);
	w->ring = ring_new(name);
	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++)
		w->app_rings[i] = w->ring;
	w->tw = synq_tcp_worker_create(w->tcp, &conf);
	assert_non_null(w->tw);
	faking = false;
}

static void
ring_drain(struct rte_ring *r)
{
	struct synq_session_msg msg;

	while (rte_ring_dequeue_elem(r, &msg, sizeof(msg)) == 0)
		rte_pktmbuf_free(msg.m);
}

/* A 4-tuple of the test: client address (IPv4 or IPv6), ports, its ISN. */
struct tuple {
	uint8_t family;
	uint8_t caddr[16];
	uint16_t cport, sport;
	uint32_t isn;
	uint32_t srv_isn;   /* from the last SYN-ACK seen, 0: none */
	uint32_t srv_tsval; /* its timestamp, echoed by a final ACK with timestamps */
	bool vlan;
	bool ts; /* RFC 7323 timestamps on its SYN and final ACK */
};

static struct tuple tuples[TUPLES];

/*
 * A frame of @p t: Ethernet (802.1Q id 7 when @p t->vlan), IP, TCP; with @p opts, a
 * SYN's options (MSS, window scale, SACK permitted; timestamps when @p t->ts) or an
 * ACK's timestamps echoing the SYN-ACK's (when @p t->ts).
 */
static struct rte_mbuf *
frame(const struct tuple *t, uint32_t seq, uint32_t ack, uint8_t flags, bool opts)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p, *ip;
	struct rte_tcp_hdr *th;
	size_t l2 = t->vlan ? 18 : 14, l3 = t->family == 4 ? 20 : 40;
	bool syn = flags & RTE_TCP_SYN_FLAG;
	size_t ol = !opts ? 0 : syn ? (t->ts ? 20 : 12) : t->ts ? 12 : 0;
	size_t l4 = 20 + ol;
	size_t len = l2 + l3 + l4;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)RTE_MAX(len, (size_t)60));
	assert_non_null(p);
	memset(p, 0, RTE_MAX(len, (size_t)60));
	memcpy(p, our_mac, 6);
	memcpy(p + 6, peer_mac, 6);
	if (t->vlan) {
		p[12] = 0x81;
		p[14] = 0;
		p[15] = 7;
	}
	p[l2 - 2] = t->family == 4 ? 0x08 : 0x86;
	p[l2 - 1] = t->family == 4 ? 0x00 : 0xdd;
	ip = p + l2;
	if (t->family == 4) {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;

		h->version_ihl = 0x45;
		h->total_length = rte_cpu_to_be_16((uint16_t)(l3 + l4));
		h->time_to_live = 64;
		h->next_proto_id = IPPROTO_TCP;
		memcpy(&h->src_addr, t->caddr, 4);
		memcpy(&h->dst_addr, our_ip4, 4);
		h->hdr_checksum = rte_ipv4_cksum(h);
	} else {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;

		h->vtc_flow = rte_cpu_to_be_32(6u << 28);
		h->payload_len = rte_cpu_to_be_16((uint16_t)l4);
		h->proto = IPPROTO_TCP;
		h->hop_limits = 64;
		memcpy(h->src_addr, t->caddr, 16);
		memcpy(h->dst_addr, our_ip6, 16);
	}
	th = (struct rte_tcp_hdr *)(ip + l3);
	th->src_port = rte_cpu_to_be_16(t->cport);
	th->dst_port = rte_cpu_to_be_16(t->sport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((l4 / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(65535);
	if (ol != 0) {
		uint8_t *o = (uint8_t *)(th + 1);
		static const uint8_t so[12] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2};
		static const uint8_t so_ts[20] = {
			2, 4, 0x05, 0xb4, 4, 2, 8, 10, [14] = 0, [16] = 1, 3, 3, 7};
		static const uint8_t ao_ts[12] = {1, 1, 8, 10};
		uint32_t tsval = rte_cpu_to_be_32(t->isn ^ 0x5a5a), tsecr;

		if (syn) {
			memcpy(o, t->ts ? so_ts : so, ol);
			if (t->ts)
				memcpy(o + 8, &tsval, 4);
		} else {
			tsecr = rte_cpu_to_be_32(t->srv_tsval);
			memcpy(o, ao_ts, sizeof(ao_ts));
			memcpy(o + 4, &tsval, 4);
			memcpy(o + 8, &tsecr, 4);
		}
	}
	th->cksum = t->family == 4 ? rte_ipv4_udptcp_cksum((struct rte_ipv4_hdr *)ip, th)
				   : rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)ip, th);
	return m;
}

static struct rte_mbuf *
frame_copy(const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	assert_non_null(c);
	p = (uint8_t *)rte_pktmbuf_append(c, m->data_len);
	assert_non_null(p);
	memcpy(p, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
	return c;
}

/* What one engine did with a frame: its place in tx (>= 0) or drop (-2 - place), -1 kept. */
struct outcome {
	int tx_pos;
	uint16_t len;
	uint8_t bytes[256];
};

static struct outcome out_a[BURST], out_b[BURST];

/* A SYN-ACK's TSval, 0 without timestamps. */
static uint32_t
synack_tsval(const struct rte_tcp_hdr *th)
{
	const uint8_t *o = (const uint8_t *)(th + 1);
	size_t n = (size_t)(th->data_off >> 4) * 4 - sizeof(*th);
	uint32_t v;

	for (size_t i = 0; i < n && o[i] != 0;) {
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2)
			break;
		if (o[i] == 8 && o[i + 1] == 10 && i + 10 <= n) {
			memcpy(&v, o + i + 2, 4);
			return rte_be_to_cpu_32(v);
		}
		i += o[i + 1];
	}
	return 0;
}

/* Learn a SYN-ACK's ISN into its tuple (from engine b's replies). */
static void
learn(const struct rte_mbuf *r)
{
	const uint8_t *p = rte_pktmbuf_mtod(r, const uint8_t *);
	size_t l2 = p[12] == 0x81 ? 18 : 14;
	bool v4 = p[l2 - 2] == 0x08;
	const struct rte_tcp_hdr *th = (const void *)(p + l2 + (v4 ? 20 : 40));
	const uint8_t *dst = p + l2 + (v4 ? 16 : 24);

	if ((th->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) !=
		(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG))
		return;
	for (unsigned int i = 0; i < TUPLES; i++) {
		struct tuple *t = &tuples[i];

		if ((t->family == 4) == v4 && memcmp(t->caddr, dst, v4 ? 4 : 16) == 0 &&
			rte_be_to_cpu_16(th->dst_port) == t->cport &&
			rte_be_to_cpu_16(th->src_port) == t->sport) {
			t->srv_isn = rte_be_to_cpu_32(th->sent_seq);
			t->srv_tsval = synack_tsval(th);
		}
	}
}

static void
record(struct outcome *o, const struct rte_mbuf *m, int pos)
{
	o->tx_pos = pos;
	o->len = (uint16_t)RTE_MIN(m->data_len, (uint16_t)sizeof(o->bytes));
	memcpy(o->bytes, rte_pktmbuf_mtod(m, const uint8_t *), o->len);
}

/* Odd frames among the bursts (odd_frames_bursts_equal_one_by_one()): odd_frame() */
static bool odd;
static void odd_frame(struct rte_mbuf *m);

/* @p m whole: its bytes where they lie in its buffer, its receive flags. */
static struct rte_mbuf *
frame_copy_whole(const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	assert_non_null(c);
	c->data_off = m->data_off;
	p = (uint8_t *)rte_pktmbuf_append(c, m->data_len);
	assert_non_null(p);
	memcpy(p, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
	c->ol_flags = m->ol_flags;
	return c;
}

static struct rte_mbuf *pend_a[BURST];
static unsigned int nb_pend, tx_b, drop_b;

/*
 * Between two bursts: the wall clock steps on (a cookie window is 64 s: the final ACKs
 * of one burst bring cookies of the window before), and now and then the cookie secret
 * rotates, on both engines alike. The TSC stays: the ISNs' clock and the timers hold.
 */
static void
clock_step(void)
{
	static unsigned int bursts;
	uint8_t secret[SYNQ_COOKIE_SECRET_LEN];

	wall_s += wall_step;
	synq_tcp_clock(wa.tw, clock_tsc);
	synq_tcp_clock(wb.tw, clock_tsc);
	if (++bursts % 37 != 0)
		return;
	for (unsigned int i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(bursts * 7 + i);
	synq_tcp_worker_rotate_secret(wa.tw, secret);
	synq_tcp_worker_rotate_secret(wb.tw, secret);
}

/* Frame @p m: to engine b at once, its copy to the burst of engine a. */
static void
feed(struct rte_mbuf *m)
{
	struct rte_mbuf *tx[1], *drop[1];
	uint16_t nb_drop = 0, nb_tx;

	if (odd)
		odd_frame(m);
	pend_a[nb_pend] = odd ? frame_copy_whole(m) : frame_copy(m);
	synq_siphash_select(SYNQ_SIP_SCALAR);
	nb_tx = synq_net_input(&wb.ifc, &wb.ctr, NULL, wb.tw, 0, &m, 1, tx, drop, &nb_drop);
	assert_true(nb_tx + nb_drop <= 1);
	out_b[nb_pend].tx_pos = -1;
	if (nb_tx == 1) {
		record(&out_b[nb_pend], tx[0], (int)tx_b++);
		learn(tx[0]);
		rte_pktmbuf_free(tx[0]);
	} else if (nb_drop == 1) {
		out_b[nb_pend].tx_pos = -2 - (int)drop_b++;
		rte_pktmbuf_free(drop[0]);
	}
	nb_pend++;
}

/* Engine a takes the pending frames as one burst; both must have done the same. */
static void
flush(void)
{
	struct rte_mbuf *tx[BURST], *drop[BURST];
	uint16_t nb_drop = 0, nb_tx;
	unsigned int t = 0;

	if (nb_pend == 0)
		return;
	synq_siphash_select(impl_a);
	nb_tx = synq_net_input(
		&wa.ifc, &wa.ctr, NULL, wa.tw, 0, pend_a, (uint16_t)nb_pend, tx, drop, &nb_drop);
	for (unsigned int i = 0; i < nb_pend; i++) {
		out_a[i].tx_pos = -1;
		if (t < nb_tx && tx[t] == pend_a[i]) {
			record(&out_a[i], tx[t], (int)t);
			t++;
		}
		for (uint16_t d = 0; d < nb_drop; d++)
			if (drop[d] == pend_a[i])
				out_a[i].tx_pos = -2 - (int)d;
	}
	assert_int_equal(t, nb_tx); /* the replies in arrival order, of the burst's frames */
	assert_int_equal(tx_b, nb_tx);
	assert_int_equal(drop_b, nb_drop);
	for (unsigned int i = 0; i < nb_pend; i++) {
		if (out_a[i].tx_pos != out_b[i].tx_pos)
			fail_msg("frame %u of a burst of %u: verdicts differ (%d vs %d)", i,
				nb_pend, out_a[i].tx_pos, out_b[i].tx_pos);
		if (out_a[i].tx_pos >= 0 &&
			(out_a[i].len != out_b[i].len ||
				memcmp(out_a[i].bytes, out_b[i].bytes, out_a[i].len) != 0))
			fail_msg("frame %u of a burst of %u: replies differ", i, nb_pend);
	}
	for (unsigned int c = 0; c < SYNQ_CTR_MAX; c++)
		if (synq_counter_read(&wa.ctr, c) != synq_counter_read(&wb.ctr, c))
			fail_msg("counter %s: %" PRIu64 " in bursts, %" PRIu64 " one by one",
				synq_counter_name(c), synq_counter_read(&wa.ctr, c),
				synq_counter_read(&wb.ctr, c));
	for (uint16_t i = 0; i < nb_tx; i++)
		rte_pktmbuf_free(tx[i]);
	for (uint16_t i = 0; i < nb_drop; i++)
		rte_pktmbuf_free(drop[i]);
	nb_pend = 0;
	tx_b = 0;
	drop_b = 0;
	ring_drain(wa.ring);
	ring_drain(wb.ring);
	if (wall_step != 0)
		clock_step();
}

static uint64_t grng;

static uint32_t
rnd(uint32_t n)
{
	return (uint32_t)(splitmix(&grng) % n);
}

/*
 * The checksums of the IPv4 or IPv6 segment @p m made right again for what its headers
 * now say, where its lengths lie within the frame (so that the checks after them are
 * reached); @p ip_too: the IPv4 header's too.
 */
static void
cksums_fix(struct rte_mbuf *m, bool ip_too)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	size_t l2 = p[12] == 0x81 ? 18 : 14;
	uint8_t *ip = p + l2;

	if (p[l2 - 2] == 0x08) {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
		size_t hl = (size_t)(h->version_ihl & 0xf) * 4;
		size_t tot = rte_be_to_cpu_16(h->total_length);

		if (hl < 20 || l2 + hl > m->data_len)
			return;
		if (ip_too) {
			h->hdr_checksum = 0;
			h->hdr_checksum = rte_ipv4_cksum(h);
		}
		if (tot >= hl + 18 && l2 + tot <= m->data_len) {
			struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + hl);

			th->cksum = 0;
			th->cksum = rte_ipv4_udptcp_cksum(h, th);
		}
	} else if (p[l2 - 2] == 0x86) {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;
		size_t pl = rte_be_to_cpu_16(h->payload_len);

		if (pl >= 18 && l2 + 40 + pl <= m->data_len) {
			struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 40);

			th->cksum = 0;
			th->cksum = rte_ipv6_udptcp_cksum(h, th);
		}
	}
}

/* Add @p d to the IP length of the header at @p ip (IPv4 total, IPv6 payload). */
static void
ip_len_add(uint8_t *ip, bool v4, int d)
{
	uint8_t *f = ip + (v4 ? offsetof(struct rte_ipv4_hdr, total_length)
			      : offsetof(struct rte_ipv6_hdr, payload_len));
	uint16_t v = (uint16_t)((f[0] << 8 | f[1]) + d);

	f[0] = (uint8_t)(v >> 8);
	f[1] = (uint8_t)v;
}

/*
 * A third of the frames made odd, as a client that lies makes them: a bit of a header
 * changed, the receive checksum flags, lengths that disagree, a payload on a SYN,
 * options of any bytes, bytes past the IP length, no room left in the buffer (the
 * SYN-ACK cannot be written over its SYN), an odd start, a cut frame, a fragment, TOS,
 * id and TTL of any value; checksums made right again mostly, so that the checks after
 * them are reached. Both engines take the same bytes (frame_copy_whole()).
 */
static void
odd_frame(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	size_t l2 = p[12] == 0x81 ? 18 : 14;
	bool v4 = p[l2 - 2] == 0x08;
	size_t l3 = v4 ? 20 : 40;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(p + l2 + l3);
	size_t hdrs = l2 + l3 + (size_t)(th->data_off >> 4) * 4;
	uint8_t tmp[256];
	uint16_t len;

	if (rnd(3) != 0)
		return;
	switch (rnd(12)) {
	case 0: /* a bit of a header */
		p[rnd((uint32_t)hdrs)] ^= (uint8_t)(1u << rnd(8));
		if (rnd(2))
			cksums_fix(m, true);
		break;
	case 1: { /* the port's checksum flags, a checksum wrong half the time */
		static const uint64_t ipf[] = {RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
			RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
			RTE_MBUF_F_RX_IP_CKSUM_NONE};
		static const uint64_t l4f[] = {RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN,
			RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
			RTE_MBUF_F_RX_L4_CKSUM_NONE};

		m->ol_flags = ipf[rnd(4)] | l4f[rnd(4)];
		if (rnd(2))
			th->cksum ^= 0x0100;
		if (rnd(2) && v4)
			((struct rte_ipv4_hdr *)(p + l2))->hdr_checksum ^= 1;
		break;
	}
	case 2: /* the IP length a few bytes off */
		ip_len_add(p + l2, v4, (int)rnd(9) - 4);
		cksums_fix(m, true);
		break;
	case 3: { /* a payload */
		uint16_t n = (uint16_t)(1 + rnd(40));

		if (rte_pktmbuf_append(m, n) == NULL)
			break;
		memmove(p + hdrs + n, p + hdrs, m->data_len - n - hdrs);
		for (uint16_t i = 0; i < n; i++)
			p[hdrs + i] = (uint8_t)rnd(256);
		ip_len_add(p + l2, v4, n);
		cksums_fix(m, true);
		break;
	}
	case 4: { /* options of any bytes, any data offset */
		size_t ol = (size_t)rnd(11) * 4;
		uint8_t *o = (uint8_t *)(th + 1);

		if (l2 + l3 + 20 + ol > m->data_len &&
			rte_pktmbuf_append(m, (uint16_t)(l2 + l3 + 20 + ol - m->data_len)) == NULL)
			break;
		for (size_t i = 0; i < ol; i++)
			o[i] = (uint8_t)(rnd(3) == 0 ? rnd(256) : rnd(10));
		th->data_off = (uint8_t)((20 + ol) / 4 << 4);
		ip_len_add(p + l2, v4, (int)(l2 + l3 + 20 + ol) - (int)hdrs);
		cksums_fix(m, true);
		break;
	}
	case 5: /* bytes past the IP length */
		len = (uint16_t)(1 + rnd(30));
		if (rte_pktmbuf_append(m, len) != NULL)
			for (uint16_t i = 0; i < len; i++)
				p[m->data_len - len + i] = (uint8_t)rnd(256);
		break;
	case 6: /* the frame at (or near) the end of its buffer: no room for a SYN-ACK */
	case 7: /* an odd start */
		len = m->data_len;
		memcpy(tmp, p, len);
		m->data_off = rnd(2) ? (uint16_t)(m->buf_len - len - rnd(60))
				     : (uint16_t)(m->data_off + 1);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), tmp, len);
		break;
	case 8: /* cut */
		rte_pktmbuf_trim(m, (uint16_t)RTE_MIN(m->data_len - 1u, 1 + rnd(30)));
		break;
	case 9: /* a fragment, or DF, or the reserved bit */
		if (v4) {
			static const uint16_t fo[] = {0x4000, 0x2000, 0x0001, 0x8000, 0x1fff, 0};

			((struct rte_ipv4_hdr *)(p + l2))->fragment_offset =
				rte_cpu_to_be_16(fo[rnd(RTE_DIM(fo))]);
			cksums_fix(m, true);
		}
		break;
	case 10: /* what the SYN-ACK writes over: TOS, id, TTL, urgent pointer, window */
		if (v4) {
			struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)(p + l2);

			h->type_of_service = (uint8_t)rnd(256);
			h->packet_id = (uint16_t)rnd(65536);
			h->time_to_live = (uint8_t)rnd(256);
		}
		th->tcp_urp = (uint16_t)rnd(65536);
		th->rx_win = (uint16_t)rnd(65536);
		cksums_fix(m, true);
		break;
	default: /* one checksum wrong, no flags */
		if (rnd(2) && v4)
			((struct rte_ipv4_hdr *)(p + l2))->hdr_checksum ^= 0x8000;
		else
			th->cksum ^= 0x0001;
	}
}

/* A client tuple of the reused set, new ISN. */
static void
tuple_new(struct tuple *t, unsigned int i)
{
	memset(t, 0, sizeof(*t));
	t->family = rnd(6) == 0 ? 6 : 4;
	if (t->family == 4) {
		t->caddr[0] = 198;
		t->caddr[1] = 18;
		t->caddr[2] = (uint8_t)(1 + i);
		t->caddr[3] = 2;
	} else {
		static const uint8_t pre[16] = {0x20, 0x01, 0, 0x02, [14] = 0x10};

		memcpy(t->caddr, pre, 16);
		t->caddr[15] = (uint8_t)i;
	}
	t->cport = (uint16_t)(1024 + rnd(60000));
	t->sport = lports[rnd(RTE_DIM(lports))];
	t->isn = (uint32_t)splitmix(&grng);
	t->vlan = t->family == 4 && rnd(12) == 0; /* our port is untagged: dropped */
	t->ts = rnd(2) == 0;
}

static void
one_frame(void)
{
	struct tuple *t = &tuples[rnd(TUPLES)];
	struct tuple flood;

	switch (rnd(12)) {
	case 0: /* flood SYN from a fresh source */
	case 1:
		tuple_new(&flood, 200 + rnd(50));
		flood.caddr[3] = (uint8_t)rnd(256);
		flood.sport =
			lports[rnd(8) == 0 ? 2 : rnd(2)]; /* the table's kept for handshakes */
		feed(frame(&flood, flood.isn, 0, RTE_TCP_SYN_FLAG, true));
		break;
	case 2: /* a new handshake's SYN (or a duplicate of the last) */
		if (rnd(3) == 0)
			tuple_new(t, (unsigned int)(t - tuples));
		feed(frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, rnd(2) == 0));
		break;
	case 3: /* its final ACK, from the SYN-ACK the engines sent */
	case 4:
		if (t->srv_isn != 0) {
			feed(frame(t, t->isn + 1, t->srv_isn + 1, RTE_TCP_ACK_FLAG, true));
			if (rnd(3) == 0) /* again: now the flow's, or after its reset */
				feed(frame(t, t->isn + 1, t->srv_isn + 1, RTE_TCP_ACK_FLAG, true));
		} else {
			feed(frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, true));
		}
		break;
	case 5: /* a forged ACK */
		feed(frame(t, (uint32_t)splitmix(&grng), (uint32_t)splitmix(&grng),
			RTE_TCP_ACK_FLAG, false));
		break;
	case 6: /* a RST of the tuple, then maybe its final ACK (stale in the lanes) */
		feed(frame(t, t->isn + 1, 0, RTE_TCP_RST_FLAG, false));
		if (t->srv_isn != 0 && rnd(2) == 0)
			feed(frame(t, t->isn + 1, t->srv_isn + 1, RTE_TCP_ACK_FLAG, true));
		break;
	case 7: /* SYN, RST, SYN of one 4-tuple */
		feed(frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, true));
		feed(frame(t, t->isn + 1, 0, RTE_TCP_RST_FLAG, false));
		t->isn += 100000;
		feed(frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, true));
		break;
	case 8: /* a final ACK with a cookie of the tuple's SYN-ACK, its ISN one off */
		if (t->srv_isn != 0)
			feed(frame(t, t->isn + 1, t->srv_isn + 2, RTE_TCP_ACK_FLAG, true));
		break;
	case 9: /* ACK with FIN, or SYN-ACK from the client: not pure, checked alone */
		feed(frame(t, t->isn + 1, t->srv_isn + 1,
			rnd(2) ? RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG
			       : RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
			false));
		break;
	default: /* SYN then its final ACK, both pending in one burst often */
		feed(frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, true));
		if (t->srv_isn != 0)
			feed(frame(t, t->isn + 1, t->srv_isn + 1, RTE_TCP_ACK_FLAG, true));
		break;
	}
}

/* 1 to 32 frames mostly, as a NIC's bursts; now and then up to 100 (the lanes' 64) */
static unsigned int
burst_size(void)
{
	return rnd(4) != 0 ? 1 + rnd(32) : 33 + rnd(BURST - 32);
}

static void
equal_one(uint64_t seed)
{
	unsigned int want;

	grng = seed;
	for (unsigned int i = 0; i < TUPLES; i++)
		tuple_new(&tuples[i], i);
	want = burst_size();
	for (unsigned int f = 0; f < FRAMES; f++) {
		one_frame();
		if (nb_pend + 3 > BURST || nb_pend >= want) {
			flush();
			want = burst_size();
		}
	}
	flush();
}

static void
bursts_equal_one_by_one(void **state __rte_unused)
{
	static const enum synq_sip_impl impls[] = {SYNQ_SIP_AVX512, SYNQ_SIP_AVX2, SYNQ_SIP_SCALAR};

	/* each implementation this CPU has, against the scalar one a frame at a time */
	for (uint64_t seed = 1; seed <= 6; seed++) {
		impl_a = impls[seed % RTE_DIM(impls)];
		if (!synq_siphash_impl_available(impl_a))
			impl_a = SYNQ_SIP_SCALAR;
		equal_one(seed);
	}
	synq_siphash_select(SYNQ_SIP_AUTO);
	if (getenv("BURST_EQUIV_DEBUG") != NULL)
		for (unsigned int c = 0; c < SYNQ_CTR_MAX; c++)
			if (synq_counter_read(&wa.ctr, c) != 0)
				printf("%s %" PRIu64 "\n", synq_counter_name(c),
					synq_counter_read(&wa.ctr, c));
	/* the test reached the paths it is about */
	assert_true(synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_SENT) > 100);
	assert_true(synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_RECV) > 20);
	assert_true(synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_FAILED) > 20);
}

/*
 * As bursts_equal_one_by_one(), the wall clock moving between bursts and the secret
 * rotating now and then (clock_step()): a burst's final ACKs bring cookies of the
 * window before as well as of this one, so the lanes check them under two keys (a
 * lane's own, struct synq_cookie_lanes's sel) and against keys a rotation derived;
 * each must answer as synq_cookie_check() one at a time does.
 */
static void
bursts_equal_across_windows(void **state __rte_unused)
{
	static const enum synq_sip_impl impls[] = {SYNQ_SIP_AVX512, SYNQ_SIP_AVX2, SYNQ_SIP_SCALAR};
	uint64_t recv = synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_RECV);
	uint64_t failed = synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_FAILED);

	wall_step = 9;
	for (uint64_t seed = 7; seed <= 12; seed++) {
		impl_a = impls[seed % RTE_DIM(impls)];
		if (!synq_siphash_impl_available(impl_a))
			impl_a = SYNQ_SIP_SCALAR;
		equal_one(seed);
	}
	wall_step = 0;
	synq_siphash_select(SYNQ_SIP_AUTO);
	assert_true(synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_RECV) > recv + 100);
	assert_true(synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_FAILED) > failed + 100);
}

/*
 * The same with a third of the frames odd (odd_frame()): the fast path's parse, the
 * SYN-ACKs written over their SYNs or built whole, the deferred cookie SYNs' among
 * them (a SYN with no room is answered at the burst's end as at once: not at all).
 */
static void
odd_frames_bursts_equal_one_by_one(void **state __rte_unused)
{
	uint64_t csum = synq_counter_read(&wa.ctr, SYNQ_CTR_TCP_IN_CSUM_ERRORS);
	uint64_t sent = synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_SENT);

	odd = true;
	for (uint64_t seed = 7; seed <= 9; seed++) {
		impl_a = seed == 8 && synq_siphash_impl_available(SYNQ_SIP_AVX2) ? SYNQ_SIP_AVX2
										 : SYNQ_SIP_SCALAR;
		equal_one(seed);
	}
	odd = false;
	synq_siphash_select(SYNQ_SIP_AUTO);
	assert_true(synq_counter_read(&wa.ctr, SYNQ_CTR_TCP_IN_CSUM_ERRORS) > csum + 100);
	assert_true(synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_SENT) > sent + 100);
}

/* Engine @p w takes @p n frames as one burst; its replies learnt, everything freed. */
static void
burst_in(struct world *w, struct rte_mbuf **m, uint16_t n)
{
	struct rte_mbuf *tx[BURST], *drop[BURST];
	uint16_t nb_drop = 0, nb_tx;

	nb_tx = synq_net_input(&w->ifc, &w->ctr, NULL, w->tw, 0, m, n, tx, drop, &nb_drop);
	for (uint16_t i = 0; i < nb_tx; i++) {
		learn(tx[i]);
		rte_pktmbuf_free(tx[i]);
	}
	for (uint16_t i = 0; i < nb_drop; i++)
		rte_pktmbuf_free(drop[i]);
	ring_drain(w->ring);
}

/*
 * @p t's final ACK (its SYN-ACK learnt) as frame @p at of a burst of 7 to engine a, the
 * other 6 forged ACKs of its neighbours' ports: one cookie received and promoted, the
 * 6 others failed.
 */
static void
final_ack_among_forged(const struct tuple *t, unsigned int at)
{
	struct rte_mbuf *m[7];
	uint64_t recv = synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_RECV);
	uint64_t opens = synq_counter_read(&wa.ctr, SYNQ_CTR_TCP_PASSIVE_OPENS);
	uint64_t failed = synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_FAILED);

	for (unsigned int i = 0; i < 7; i++) {
		struct tuple o = *t; /* a forged ACK of a neighbour: fails its check */

		o.cport = (uint16_t)(t->cport + 1 + i);
		m[i] = i == at ? frame(t, t->isn + 1, t->srv_isn + 1, RTE_TCP_ACK_FLAG, true)
			       : frame(&o, t->isn + 1, t->srv_isn + 1, RTE_TCP_ACK_FLAG, false);
	}
	burst_in(&wa, m, 7);
	assert_int_equal(synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_RECV), recv + 1);
	assert_int_equal(synq_counter_read(&wa.ctr, SYNQ_CTR_TCP_PASSIVE_OPENS), opens + 1);
	assert_int_equal(synq_counter_read(&wa.ctr, SYNQ_CTR_SYNCOOKIES_FAILED), failed + 6);
}

/*
 * Both engines could share a mistake of the lanes (a request filled wrong checks every
 * IPv4 cookie ACK alike, one at a time too): an IPv4 cookie handshake, among forged
 * ACKs of its burst, must open its connection. The cookie comes from the SYN path
 * (synq_cookie_make_burst() at the burst's end), the check from the ACK lanes.
 */
static void
cookie_ack_in_lanes_opens(void **state __rte_unused)
{
	struct tuple *t = &tuples[0];
	struct rte_mbuf *m[8];

	for (unsigned int k = 0; k < 2; k++) {
		memset(t, 0, sizeof(*t));
		t->family = 4;
		memcpy(t->caddr, (const uint8_t[]){198, 18, 251, (uint8_t)(1 + k)}, 4);
		t->cport = 4000;
		t->sport = 81; /* syncookies 2 */
		t->isn = 1000000 * (k + 1);
		t->ts = k == 1;
		for (unsigned int i = 0; i < 7; i++)
			m[i] = frame(t, (uint32_t)splitmix(&grng), (uint32_t)splitmix(&grng),
				RTE_TCP_ACK_FLAG, false);
		m[7] = frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, true);
		burst_in(&wa, m, 8);
		assert_int_not_equal(t->srv_isn, 0);
		final_ack_among_forged(t, 3);
	}
}

/*
 * Both engines check their cookies in the same lanes (a burst of one is a burst), so
 * the tests above cannot see a mistake of the window before's key: a handshake whose
 * SYN came in one window and whose final ACK comes in the next, after two rotations of
 * the secret (the SYN's key then its master's predecessor's), must open its connection
 * from a burst's lanes among forged ACKs.
 */
static void
cookie_ack_of_window_before_opens(void **state __rte_unused)
{
	struct tuple *t = &tuples[0];
	struct rte_mbuf *m[8];
	uint8_t secret[SYNQ_COOKIE_SECRET_LEN];

	for (unsigned int k = 0; k < 2; k++) {
		memset(secret, 0x30 + (int)k, sizeof(secret));
		synq_tcp_worker_rotate_secret(wa.tw, secret);
		wall_s += SYNQ_COOKIE_WINDOW_S; /* the rotation in force */
		synq_tcp_clock(wa.tw, clock_tsc);
		memset(t, 0, sizeof(*t));
		t->family = 4;
		memcpy(t->caddr, (const uint8_t[]){198, 18, 250, (uint8_t)(1 + k)}, 4);
		t->cport = 4100;
		t->sport = 81; /* syncookies 2 */
		t->isn = 7000000 * (k + 1);
		t->ts = k == 1;
		m[0] = frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, true);
		burst_in(&wa, m, 1);
		assert_int_not_equal(t->srv_isn, 0);
		memset(secret, 0x40 + (int)k, sizeof(secret));
		synq_tcp_worker_rotate_secret(wa.tw, secret);
		wall_s += SYNQ_COOKIE_WINDOW_S; /* the window after the SYN's */
		synq_tcp_clock(wa.tw, clock_tsc);
		final_ack_among_forged(t, 4);
	}
}

/*
 * A cookie SYN of @p t whose mbuf has no room for its SYN-ACK: no MSS option (SACK-
 * permitted and a window scale only, 8 bytes), the SYN-ACK's 4 bytes longer (its MSS),
 * and the frame moved to its buffer's end.
 */
static struct rte_mbuf *
syn_no_room(const struct tuple *t)
{
	static const uint8_t opt[8] = {4, 2, 3, 3, 7, 0, 0, 0};
	struct rte_mbuf *m = frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, false);
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + 14);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint16_t len = 14 + 20 + 20 + sizeof(opt), off;

	assert_non_null(rte_pktmbuf_append(m, (uint16_t)(len - m->data_len)));
	memcpy(th + 1, opt, sizeof(opt));
	ip->total_length = rte_cpu_to_be_16(20 + 20 + sizeof(opt));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->data_off = (uint8_t)((20 + sizeof(opt)) / 4 << 4);
	th->cksum = 0;
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	off = (uint16_t)(m->buf_len - len);
	memmove((uint8_t *)m->buf_addr + off, p, len);
	m->data_off = off;
	return m;
}

/*
 * synq_tcp_burst_end() writes a burst's cookie SYN-ACKs and counts them once: a SYN
 * among them whose SYN-ACK has no room is dropped, as one by one, and not counted;
 * the others are answered and counted, each once.
 */
static void
cookie_synack_without_room(void **state __rte_unused)
{
	static const enum synq_counter sent[] = {
		SYNQ_CTR_SYNCOOKIES_SENT, SYNQ_CTR_SYNACKS_SENT, SYNQ_CTR_TCP_OUT_SEGS};
	uint64_t before[RTE_DIM(sent)];

	for (unsigned int c = 0; c < RTE_DIM(sent); c++)
		before[c] = synq_counter_read(&wa.ctr, sent[c]);
	impl_a = SYNQ_SIP_SCALAR;
	for (unsigned int k = 0; k < 5; k++) {
		struct tuple *t = &tuples[k];

		memset(t, 0, sizeof(*t));
		t->family = 4;
		memcpy(t->caddr, (const uint8_t[]){198, 18, 252, (uint8_t)(1 + k)}, 4);
		t->cport = (uint16_t)(5000 + k);
		t->sport = 81; /* syncookies 2 */
		t->isn = 7000000 * (k + 1);
		t->ts = k == 3;
		if (k % 2 == 1) {
			feed(syn_no_room(t));
			rte_pktmbuf_free(pend_a[nb_pend - 1]); /* its copy had room */
			pend_a[nb_pend - 1] = syn_no_room(t);
		} else {
			feed(frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, true));
		}
	}
	flush(); /* the same verdicts, replies and counters as one by one */
	for (unsigned int k = 0; k < 5; k++)
		assert_true(k % 2 == 1 ? out_a[k].tx_pos < -1 : out_a[k].tx_pos >= 0);
	for (unsigned int c = 0; c < RTE_DIM(sent); c++)
		assert_int_equal(synq_counter_read(&wa.ctr, sent[c]), before[c] + 3);
}

/*
 * The RFC 6528 hash of a table SYN comes from the lanes (syn_lanes(), a burst's table
 * SYNs at once); the same SYN sent again alone is answered from its entry, its TSval
 * offset from the scalar tcp_tuple_hash() (tcp_ts_off()): with the clock held, both
 * SYN-ACKs carry the same TSval only if the lanes hashed the 4-tuple as the scalar code
 * does. Both engines share the lanes, so the equality test above cannot see this.
 */
static void
table_syn_hash_run(struct world *w, uint16_t burst)
{
	struct rte_mbuf *m[8];
	uint32_t tsval[8], isn[8];

	for (unsigned int i = 0; i < 8; i++) {
		struct tuple *t = &tuples[i];

		memset(t, 0, sizeof(*t));
		t->family = 4;
		memcpy(t->caddr, (const uint8_t[]){198, 18, 252, (uint8_t)(1 + i)}, 4);
		t->cport = (uint16_t)(5000 + 7 * i);
		t->sport = i & 1 ? 82 : 80; /* syncookies 0 and 1: SYN-table entries */
		t->isn = 3000000u * (i + 1);
		t->ts = true;
		m[i] = frame(t, t->isn, 0, RTE_TCP_SYN_FLAG, true);
	}
	for (uint16_t i = 0; i < 8; i += burst)
		burst_in(w, m + i, burst);
	for (unsigned int i = 0; i < 8; i++) {
		assert_int_not_equal(tuples[i].srv_tsval, 0);
		tsval[i] = tuples[i].srv_tsval;
		isn[i] = tuples[i].srv_isn;
		tuples[i].srv_tsval = 0;
	}
	for (unsigned int i = 0; i < 8; i++) {
		m[0] = frame(&tuples[i], tuples[i].isn, 0, RTE_TCP_SYN_FLAG, true);
		burst_in(w, m, 1);
		assert_int_equal(tuples[i].srv_isn, isn[i]);
		assert_int_equal(tuples[i].srv_tsval, tsval[i]);
	}
}

/* Engine a the SYNs in one burst of 8, engine b one by one: their states stay equal. */
static void
table_syn_hash_in_lanes_is_scalar(void **state __rte_unused)
{
	table_syn_hash_run(&wa, 8);
	table_syn_hash_run(&wb, 1);
}

static int
setup(void **state __rte_unused)
{
	char prefix[64], err[SYNQ_CONFIG_ERR_LEN];
	char *eal[] = {"test_tcp_burst_equiv", "--no-pci", "--no-huge", "-m", "256", "--no-shconf",
		"--no-telemetry", "--file-prefix", prefix, "-l", "0", "--log-level", "*:error",
		NULL};
	uint64_t base;

	snprintf(prefix, sizeof(prefix), "t-burst-eq-%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0 ||
		synq_config_parse(config_text, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	rmdir(rte_eal_get_runtime_dir());
	pool = rte_pktmbuf_pool_create("eq", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return -1;
	world_create(&wa, "eq_a");
	world_create(&wb, "eq_b");
	/* one clock: at this TSC rate the engines' creations are the same instant */
	base = rte_rdtsc();
	synq_tcp_clock(wa.tw, base);
	synq_tcp_clock(wb.tw, base);
	clock_tsc = base;
	return 0;
}

static int
teardown(void **state __rte_unused)
{
	rte_eal_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: the others leave the SYN tables' shares full of half-open entries */
		cmocka_unit_test(table_syn_hash_in_lanes_is_scalar),
		cmocka_unit_test(bursts_equal_one_by_one),
		/* before the tests that feed engine a alone: the counters still equal */
		cmocka_unit_test(bursts_equal_across_windows),
		cmocka_unit_test(odd_frames_bursts_equal_one_by_one),
		/* before the next: engine a alone takes its bursts, the counters then differ */
		cmocka_unit_test(cookie_synack_without_room),
		cmocka_unit_test(cookie_ack_in_lanes_opens),
		cmocka_unit_test(cookie_ack_of_window_before_opens),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
