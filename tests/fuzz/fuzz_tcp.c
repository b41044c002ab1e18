/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the whole engine, statefully. Each input is a program for a
 * fresh worker (listeners in every mode, the built-in apps hold, echo, http, close,
 * reset, and an application of the fuzzer's own), run from a clean start, so that the
 * same input is the same run: the ISN and hash keys (getrandom), rte_rand, the TSC
 * and the wall clock all come from the input.
 *
 * The program plays up to CLIENTS clients. A client sends a SYN with the options the
 * input says, learns our ISN and TSval from the SYN-ACK it sees (every frame synq
 * sends is parsed, its checksums and padding checked, and fed to the client it is
 * for), completes the handshake, sends data in or out of order, ACKs with any
 * numbers or what it received, a zero window, FIN, RST; raw frames of any bytes go in
 * too, a frame at a time or, for a quarter of the inputs, in bursts of up to 17 (the
 * frames sent in a row: the fast path's vectors, the cookie SYNs' deferred SYN-ACKs,
 * issue 14). The clock moves (timers: retransmissions, persist, idle, TIME-WAIT, the SYN
 * table, the replay memory), the wall clock steps either way (cookies), and the
 * fuzzer's application accepts, sends, closes, aborts, consumes and releases
 * through lib/app, stale handles included.
 *
 * Every frame handed to synq ends at the end of its mbuf's buffer (the rest of the
 * buffer poisoned), and every mbuf synq takes for itself has a poisoned tail: a read
 * past a frame, or past any buffer synq writes, is an AddressSanitizer report. Frames
 * out are checked, and invariants after each op. At the end of each input every
 * connection is ended the way an application and time end them, and then nothing may
 * be left: no flow, no half-open entry, no TIME-WAIT or replay entry, every session
 * back in the pool, every mbuf back in its mempool. Built with ASan and UBSan.
 *
 * The world is made for each input and freed after it (nothing of one input can
 * reach the next), and kept small so that this is cheap: see SESSIONS.
 */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "synq_app.h"
#include "synq_config.h"
#include "synq_frame.h"
#include "synq_iface.h"
#include "synq_listener.h"
#include "synq_net.h"
#include "synq_session.h"
#include "synq_stats.h"
#include "synq_tcp.h"
#include "synq_tcp_opts.h"

/* the worker and the two application lcores (ids index the rings) */
#define LC_WORKER 0
#define LC_BUILTIN 1
#define LC_FUZZ 2
#define CLIENTS 4
#define HANDLES 8
/*
 * The world is small, so that making one per input is cheap: a session pool of
 * SESSIONS (the listeners would ask for 1,100: most of the time went to making and
 * freeing it, and running dry is a path of its own), TIME-WAIT and replay memories
 * of FLOWMEM_MIN + 64 entries (256 slots, not 16,384), four HTTP head buffers.
 */
#define SESSIONS 32
#define FLOWMEM_MIN 16
#define SWEEP_CALLS 16
/*
 * What the connections may hold together (truesize): 16 buffers of the pool, so that
 * a few clients with data reach every pressure level (collapse, no open, drop, reset),
 * as a worker's share of a real pool is reached by many.
 */
#define MEM_BUDGET (16 * (uint64_t)(sizeof(struct rte_mbuf) + RTE_MBUF_DEFAULT_BUF_SIZE))
#define POOL_MBUFS 2048
#define BURST 32
/* bytes at the end of each mbuf's buffer that nothing may touch */
#define POISON 64
/* the data room of the receive pool's mbufs */
#define RX_ROOM RTE_MBUF_DEFAULT_BUF_SIZE
/*
 * The engine's clock rate: a tick so short that the real TSC read when the worker is
 * made (tw->tsc0) is never a whole 4 us unit before the one the harness starts from.
 */
#define TSC_HZ UINT64_C(100000000000000)
#define HZ_MS (TSC_HZ / 1000)
/* an input's program never runs the clock further than a day; its wind-down may go on
 * past it (a half-open entry made at the day's end must still see its time run out) */
#define MAX_MS (UINT64_C(86400) * 1000)

static const char config_text[] =
	"{ \"ports\": [ { \"name\": \"fuzz0\", \"mac\": \"02:53:51:00:00:01\","
	"    \"ipv4\": [\"198.18.0.1/16\"], \"ipv6\": [\"2001:2::1/64\"] } ],"
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"both\", \"rx\": [ { \"port\": \"fuzz0\" } ] } "
	"],"
	"  \"http\": { \"head_buffers\": 4 },"
	"  \"tcp\": { \"max_syn_backlog\": 8, \"max_flows\": 8, \"synack_retries\": 2 },"
	"  \"listeners\": ["
	"    { \"port\": 80, \"backlog\": 2, \"app\": \"hold\" },"
	"    { \"port\": 81, \"app\": \"echo\", \"syncookies\": 2, \"abort_on_overflow\": 1,"
	"      \"backlog\": 2, \"rcv_buf\": 4096, \"snd_buf\": 4096 },"
	"    { \"port\": 82, \"app\": \"http\", \"queue_model\": \"bsd\", \"backlog\": 2 },"
	"    { \"port\": 83, \"app\": \"close\", \"syncookies\": 0 },"
	"    { \"port\": 84, \"app\": \"reset\" },"
	"    { \"port\": 85, \"app\": \"echo\", \"rcv_buf\": 8192, \"window_scale\": 0 },"
	"    { \"port\": 86, \"app\": \"hold\", \"syncookies\": 2, \"backlog\": 1 },"
	"    { \"port\": 87, \"app\": \"hold\", \"queue_model\": \"bsd\", \"syncookies\": 0,"
	"      \"backlog\": 1 },"
	"    { \"port\": 88, \"app\": \"proxy\", \"proxy_protocol\": 1,"
	"      \"connect_timeout_ms\": 2000, \"rcv_buf\": 4096, \"snd_buf\": 4096,"
	"      \"backends\": [ { \"address\": \"198.18.1.2\", \"port\": 8000, \"weight\": 2 },"
	"        { \"address\": \"198.18.2.2\", \"port\": 8000 },"
	"        { \"address\": \"2001:2::3:2\", \"port\": 8000 } ] },"
	"    { \"port\": 89, \"app\": \"proxy\", \"proxy_protocol\": 2, \"balance\": "
	"\"least_conn\","
	"      \"connect_timeout_ms\": 600000,"
	"      \"backends\": [ { \"address\": \"198.18.3.2\", \"port\": 8001 },"
	"        { \"address\": \"198.18.4.2\", \"port\": 8001 },"
	"        { \"address\": \"2001:2::2:2\", \"port\": 8001 } ] },"
	"    { \"port\": 90, \"app\": \"proxy\", \"balance\": \"source_hash\","
	"      \"backends\": [ { \"address\": \"198.18.1.2\", \"port\": 8001, \"weight\": 3 },"
	"        { \"address\": \"198.18.2.2\", \"port\": 8001 },"
	"        { \"address\": \"2001:2::1:2\", \"port\": 8000 } ] } ] }";
/*
 * the listeners' ports, by number (the program names them 0..7, 8 = a closed port,
 * 9, 10 and 11 the proxies); 14 makes the client a backend of theirs, 15 a server that
 * the fuzzer's application connects to
 */
static const uint16_t ports[] = {80, 81, 82, 83, 84, 85, 86, 87, 9, 88, 89, 90};
/* the proxies' backends listen on BACKEND_PORT + 0 or 1 (client k's address) */
#define BACKEND_PORT 8000
#define LI_BACKEND 14
#define LI_CONNECT 15

static const uint8_t our_mac[6] = {0x02, 0x53, 0x51, 0, 0, 1};
static const uint8_t peer_mac[6] = {0x02, 0xaa, 0, 0, 0, 2};
static const uint8_t our_ip4[4] = {198, 18, 0, 1};
static const uint8_t our_ip6[16] = {0x20, 0x01, 0, 0x02, [15] = 1};

/* Made once: the config, the mempool. */
static struct synq_config cfg;
static struct rte_mempool *pool;    /* synq's own frames, the applications' copies */
static struct rte_mempool *rx_pool; /* the frames the harness hands in, as a NIC's */

/* Made per input. */
static struct synq_iface ifc;
static struct synq_listeners listeners;
static struct synq_sessions sessions;
static struct synq_tcp *tcp;
static struct synq_tcp_worker *tw;
static struct rte_ring *rings[3]; /* [LC_WORKER] commands, else events */
static struct rte_ring *cmd_rings[RTE_MAX_LCORE], *event_rings[RTE_MAX_LCORE];
static struct synq_app_lcore builtin, fuzz_app;
static struct synq_counters ctr, app_ctr;

/* The outside world, from the input. */
static bool faking;	  /* getrandom() and the wall clock answer from the input */
static uint64_t rng;	  /* splitmix64 state */
static uint64_t tsc_base; /* the TSC the engine's clock starts from */
static uint64_t now_ms;	  /* since the start of the input */
static int64_t wall_s;	  /* CLOCK_REALTIME_COARSE at now_ms == 0, then stepped */
static bool debug;	  /* FUZZ_TCP_DEBUG is set: print the counters each frame moves */
static uint64_t out_hash; /* FNV-1a of every frame out: the same input, the same hash */

/* A client of the program. */
struct client {
	bool v6;
	uint8_t addr[16];
	uint16_t cport;
	uint16_t sport;
	bool ts;	    /* it offered timestamps */
	uint32_t isn;	    /* its own */
	uint32_t snd_nxt;   /* its next sequence number */
	uint32_t our_isn;   /* learnt from the SYN-ACK */
	uint32_t rcv_nxt;   /* what it received in order from us */
	uint32_t tsval;	    /* its clock */
	uint32_t ts_recent; /* our last TSval */
	bool synack;	    /* it saw a SYN-ACK (a server: our SYN) */
	/*
	 * A server synq connected to (issue 13, active open): cport is its port, sport
	 * ours, learnt from our SYN; its SYN-ACK goes with its first in-order segment
	 */
	bool server;
	bool synack_sent;
	/*
	 * A backend of the proxies (a server too): it listens on cport, and each new SYN
	 * of ours to it (another port of ours) is a new connection it follows instead
	 */
	bool backend;
};
static struct client clients[CLIENTS];

/* A session the fuzzer's application holds. */
struct handle {
	struct synq_session *s;
	bool closed;	 /* SYNQ_EV_CLOSED came: release is allowed, commands are stale */
	uint32_t unread; /* bytes of data events not yet consumed */
};
static struct handle handles[HANDLES];
static uint64_t connects; /* synq_app_connect() calls that took a session */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FUZZ_TCP_KEEP_GOING=1 (coverage.sh): a broken invariant is printed, the run goes on */
static bool keep_going;

static void
check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_tcp: invariant broken: %s\n", what);
		if (!keep_going)
			abort();
	}
}

static uint64_t
splitmix(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The process's getrandom() and clock_gettime(): during an input, the engine's keys
 * and its wall clock come from the input; otherwise (libFuzzer, ASan, EAL) the
 * kernel's. Only CLOCK_REALTIME_COARSE, the engine's (synq_tcp_clock()), is faked:
 * libFuzzer's timeout alarm reads CLOCK_REALTIME during an input, and a faked one
 * made it see a unit run for -96597979 seconds and report a timeout.
 */
ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	if (!faking)
		return syscall(SYS_getrandom, buf, len, flags);
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)splitmix();
	return (ssize_t)len;
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	if (!faking || id != CLOCK_REALTIME_COARSE)
		return (int)syscall(SYS_clock_gettime, id, ts);
	ts->tv_sec = (time_t)(wall_s + (int64_t)(now_ms / 1000));
	ts->tv_nsec = (long)(now_ms % 1000) * 1000000;
	return 0;
}

/* The program's bytes, read front to back; zeros once it ends. */
struct prog {
	const uint8_t *p;
	size_t n;
};

static uint8_t
u8(struct prog *g)
{
	if (g->n == 0)
		return 0;
	g->n--;
	return *g->p++;
}

static uint16_t
u16(struct prog *g)
{
	return (uint16_t)(u8(g) << 8 | u8(g));
}

static uint32_t
u32(struct prog *g)
{
	return (uint32_t)u16(g) << 16 | u16(g);
}

/*
 * Every mbuf of the pool (those synq takes for its own frames too) ends POISON bytes
 * before its memory does, and those bytes are poisoned: a read or write past
 * buf_len is an AddressSanitizer report, not a quiet read of the next mbuf.
 */
static void
poison_tail(struct rte_mempool *mp __rte_unused, void *opaque __rte_unused, void *obj,
	unsigned int idx __rte_unused)
{
	struct rte_mbuf *m = obj;

	m->buf_len = (uint16_t)(m->buf_len - POISON);
	ASAN_POISON_MEMORY_REGION((uint8_t *)m->buf_addr + m->buf_len, POISON);
}

/* A ring in plain memory: none of EAL's memzones to make and free per input. */
static struct rte_ring *
ring_new(unsigned int count)
{
	ssize_t sz = rte_ring_get_memsize_elem(sizeof(struct synq_session_msg), count);
	struct rte_ring *r = sz > 0 ? aligned_alloc(RTE_CACHE_LINE_SIZE,
					      RTE_ALIGN_CEIL((size_t)sz, RTE_CACHE_LINE_SIZE))
				    : NULL;

	if (r == NULL || rte_ring_init(r, "fuzz", count, RING_F_SP_ENQ | RING_F_SC_DEQ) != 0)
		abort();
	return r;
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	char prefix[64], err[SYNQ_CONFIG_ERR_LEN];
	char *eal[] = {"fuzz_tcp", "--no-pci", "--no-huge", "-m", "512", "--no-shconf",
		"--no-telemetry", "--file-prefix", prefix, "-l", "0", "--log-level", "*:error",
		NULL};

	cpu_set_t cpus;

	snprintf(prefix, sizeof(prefix), "synq-fuzz-%d", (int)getpid());
	/* EAL pins this thread to lcore 0's CPU: the affinity is given back after it,
	 * or every process of a -jobs=N campaign would share CPU 0 */
	if (sched_getaffinity(0, sizeof(cpus), &cpus) != 0)
		abort();
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0 ||
		synq_config_parse(config_text, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_tcp setup: %s\n", err);
		abort();
	}
	if (sched_setaffinity(0, sizeof(cpus), &cpus) != 0)
		abort();
	debug = getenv("FUZZ_TCP_DEBUG") != NULL;
	keep_going = getenv("FUZZ_TCP_KEEP_GOING") != NULL;
	/* nothing is shared (--no-shconf): the runtime directory goes now, not at an exit
	 * that a crash never reaches */
	rmdir(rte_eal_get_runtime_dir());
	/* no per-lcore cache: the pool's in-use count is exact at any time */
	pool = rte_pktmbuf_pool_create("fuzz", POOL_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		abort();
	rte_mempool_obj_iter(pool, poison_tail, NULL);
	rx_pool = rte_pktmbuf_pool_create("fuzz_rx", POOL_MBUFS, 0, 0, RX_ROOM, 0);
	if (rx_pool == NULL)
		abort();
	/* FIFOs, empty at the end of every input (wind_down() checks): made once */
	rings[LC_WORKER] = ring_new(SYNQ_SESSION_CMD_RING);
	rings[LC_BUILTIN] = ring_new(1024);
	rings[LC_FUZZ] = ring_new(1024);
	return 0;
}

static void frame_out(struct rte_mbuf *m);

/*
 * The path refuses a SYN (no SYN-ACK) whose ISN's five low bits are zero, one in 32,
 * as lib/net refuses one for no route (-ENETUNREACH, bit 5 set) or a next hop FAILED
 * (-EHOSTUNREACH): the connect then ends at once inside the output (issue 13,
 * SynqTcpConnectUnreachable). The ISN comes from the input's seed: the same input, the
 * same refusals. 0: the packet goes.
 */
static int
path_refuses(const struct rte_mbuf *m, uint8_t family)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t off = family == 4 ? 20u : 40u;
	uint32_t seq;

	if (m->data_len < off + 14 ||
		(ip[off + 13] & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) != RTE_TCP_SYN_FLAG)
		return 0;
	memcpy(&seq, ip + off + 4, sizeof(seq));
	seq = rte_be_to_cpu_32(seq);
	if ((seq & 31) != 0)
		return 0;
	return (seq & 32) ? -ENETUNREACH : -EHOSTUNREACH;
}

/*
 * The routed send of the connections synq opens: an IP packet, which goes out as
 * frame_out() sees frames, in an Ethernet header to the peer's MAC, padded; or which
 * the path refuses (path_refuses()).
 */
static int
routed_out(void *arg, struct rte_mbuf *m, uint8_t family, const uint8_t *dst, uint16_t port_id)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	struct rte_ether_hdr *eth;
	int rc;

	(void)arg;
	check(port_id == 0, "routed packets leave from our port");
	check((family == 4 && ip[0] == 0x45 && memcmp(ip + 16, dst, 4) == 0) ||
			(family == 6 && ip[0] >> 4 == 6 && memcmp(ip + 24, dst, 16) == 0),
		"a routed packet starts with its IP header, to its destination");
	rc = path_refuses(m, family);
	if (rc != 0) {
		rte_pktmbuf_free(m);
		return rc;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	check(eth != NULL, "routed packets leave headroom for Ethernet");
	memcpy(eth->dst_addr.addr_bytes, peer_mac, 6);
	memcpy(eth->src_addr.addr_bytes, our_mac, 6);
	eth->ether_type = rte_cpu_to_be_16(family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	if (m->pkt_len < SYNQ_FRAME_MIN) {
		uint16_t pad = (uint16_t)(SYNQ_FRAME_MIN - m->pkt_len);
		uint8_t *z = (uint8_t *)rte_pktmbuf_append(m, pad);

		check(z != NULL, "room for the padding");
		memset(z, 0, pad);
	}
	frame_out(m);
	return 0;
}

static void
world_create(void)
{
	char err[SYNQ_CONFIG_ERR_LEN];
	struct synq_tcp_worker_conf conf = {
		.lcore_id = LC_WORKER,
		.pool = pool,
		.nb_rxq = 1,
		.app_rings = event_rings,
		.tsc_hz = TSC_HZ,
		.flowmem_min = FLOWMEM_MIN,
		.mem_budget = MEM_BUDGET,
		.send_routed = routed_out,
	};
	uint8_t secret[SYNQ_COOKIE_SECRET_LEN];
	struct rte_ether_addr mac;

	memcpy(mac.addr_bytes, our_mac, 6);
	synq_iface_init(&ifc, 0, &cfg.ports[0], &mac);
	conf.rxq[0].iface = &ifc;
	for (unsigned int i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)splitmix();
	if (synq_listeners_create(&listeners, &cfg, 1, SOCKET_ID_ANY, err, sizeof(err)) != 0 ||
		synq_sessions_create(&sessions, SESSIONS, SOCKET_ID_ANY) != 0 ||
		(tcp = synq_tcp_create(&listeners, &sessions, secret, SOCKET_ID_ANY)) == NULL)
		abort();
	cmd_rings[LC_WORKER] = rings[LC_WORKER];
	event_rings[LC_BUILTIN] = rings[LC_BUILTIN];
	event_rings[LC_FUZZ] = rings[LC_FUZZ];
	tw = synq_tcp_worker_create(tcp, &conf);
	if (tw == NULL)
		abort();
	tsc_base = rte_rdtsc();
	memset(&ctr, 0, sizeof(ctr));
	memset(&app_ctr, 0, sizeof(app_ctr));
	if (synq_app_init(&builtin, LC_BUILTIN, &listeners, &sessions, rings[LC_BUILTIN], cmd_rings,
		    pool, &app_ctr) != 0 ||
		synq_app_init(&fuzz_app, LC_FUZZ, &listeners, &sessions, rings[LC_FUZZ], cmd_rings,
			pool, &app_ctr) != 0)
		abort();
	synq_tcp_clock(tw, tsc_base);
}

static void
ring_drain(struct rte_ring *r)
{
	struct synq_session_msg msg;

	while (rte_ring_dequeue_elem(r, &msg, sizeof(msg)) == 0)
		rte_pktmbuf_free(msg.m);
}

static void
world_free(void)
{
	synq_app_free(&builtin);
	synq_app_free(&fuzz_app);
	synq_tcp_worker_free(tw);
	for (unsigned int i = 0; i < RTE_DIM(rings); i++)
		ring_drain(rings[i]);
	synq_tcp_free(tcp);
	synq_sessions_free(&sessions);
	synq_listeners_free(&listeners);
	memset(cmd_rings, 0, sizeof(cmd_rings));
	memset(event_rings, 0, sizeof(event_rings));
}

/*
 * An mbuf of the receive pool holding the @p len bytes at @p frame, aligned as a NIC
 * aligns them, its buffer ending where they end: the bytes after them (up to the
 * buffer's real end) are poisoned, so a read past the frame is an AddressSanitizer
 * report.
 */
static struct rte_mbuf *
frame_mbuf(const uint8_t *frame, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(rx_pool);
	uint16_t off = (uint16_t)RTE_ALIGN_FLOOR(RX_ROOM - len, 8);

	check(m != NULL, "the receive pool is never empty when a frame arrives");
	ASAN_UNPOISON_MEMORY_REGION(m->buf_addr, RX_ROOM);
	m->buf_len = (uint16_t)(off + len);
	ASAN_POISON_MEMORY_REGION((uint8_t *)m->buf_addr + m->buf_len, RX_ROOM - m->buf_len);
	m->data_off = off;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	m->data_len = len;
	m->pkt_len = len;
	return m;
}

/* What a client learns from a frame synq sent it. */
static void
client_learn(struct client *c, const struct synq_frame_view *v)
{
	struct synq_tcp_opts o;

	if (v->opt_len != 0 && synq_tcp_opts_parse(v->opt, v->opt_len, &o) == 0 && o.ts)
		c->ts_recent = o.tsval;
	if (c->server && (v->flags & (SYNQ_FRAME_SYN | SYNQ_FRAME_ACK)) == SYNQ_FRAME_SYN) {
		c->our_isn = v->seq;
		c->rcv_nxt = v->seq + 1;
		c->synack = true;
		return;
	}
	if ((v->flags & (SYNQ_FRAME_SYN | SYNQ_FRAME_ACK)) == (SYNQ_FRAME_SYN | SYNQ_FRAME_ACK)) {
		/* a retransmission for an earlier SYN of the same 4-tuple is not ours */
		if (v->ack != c->isn + 1)
			return;
		c->our_isn = v->seq;
		c->rcv_nxt = v->seq + 1;
		c->synack = true;
		return;
	}
	if (v->flags & SYNQ_FRAME_RST)
		return;
	/* in-order data and FIN are received; the rest a real client would drop */
	if (v->seq == c->rcv_nxt)
		c->rcv_nxt += v->data_len + ((v->flags & SYNQ_FRAME_FIN) ? 1 : 0);
}

/* A frame synq sent: well formed, from us, to a client (or a raw frame's sender). */
static void
frame_out(struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	struct synq_frame_view v;

	check(m->nb_segs == 1 && m->data_len == m->pkt_len, "frames out are one segment");
	for (uint16_t i = 0; debug && i < m->data_len; i++)
		out_hash = (out_hash ^ p[i]) * UINT64_C(0x100000001b3);
	check(m->pkt_len >= SYNQ_FRAME_MIN, "frames out are padded to the Ethernet minimum");
	if (synq_frame_parse_tcp(p, m->data_len, &v) == 0) {
		check(v.ip_cksum_ok && v.tcp_cksum_ok, "TCP frames out have right checksums");
		check(v.pad_zero, "padding is zeros");
		check(memcmp(v.src_mac, our_mac, 6) == 0, "frames leave from our MAC");
		check(!(v.dst_mac[0] & 1), "no reply to a multicast or broadcast MAC");
		for (unsigned int i = 0; i < CLIENTS; i++) {
			struct client *c = &clients[i];

			/* a server learns our port from our first SYN; a backend from each
			 * new connection's */
			if (c->server && (c->sport == 0 || (c->backend && v.sport != c->sport)) &&
				v.dport == c->cport && v.family == (c->v6 ? 6 : 4) &&
				memcmp(v.dst, c->addr, c->v6 ? 16 : 4) == 0 &&
				(v.flags & (SYNQ_FRAME_SYN | SYNQ_FRAME_ACK)) == SYNQ_FRAME_SYN) {
				c->sport = v.sport;
				c->synack_sent = false;
				c->snd_nxt = c->isn;
			}
			if (v.dport == c->cport && v.sport == c->sport &&
				v.family == (c->v6 ? 6 : 4) &&
				memcmp(v.dst, c->addr, c->v6 ? 16 : 4) == 0)
				client_learn(c, &v);
		}
	}
	rte_pktmbuf_free(m);
}

/* The engine's clock and the fake TSC, now_ms after the start. */
static void
clock_set(void)
{
	synq_tcp_clock(tw, tsc_base + now_ms * HZ_MS);
}

/* FUZZ_TCP_DEBUG=1: the counters that moved, after each frame in */

static void
debug_counters(void)
{
	static uint64_t last[SYNQ_CTR_MAX];

	for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++) {
		uint64_t v = synq_counter_read(&ctr, i);

		if (v > last[i])
			fprintf(stderr, " %s+%" PRIu64, synq_counter_name(i), v - last[i]);
		last[i] = v;
	}
	fprintf(stderr, "\n");
}

/*
 * The frames of one burst (issue 14: synq_net_input() takes a burst as a vector, the
 * cookie SYNs' SYN-ACKs written at its end): a quarter of the inputs, by their rng,
 * hand synq bursts of 2 to 17 frames, the frames the program sends in a row, so that
 * the segments of one burst meet (a RST after a cookie SYN of its 4-tuple, two SYNs of
 * one); the others a frame at a time, as a slow link would.
 */
static struct rte_mbuf *burst[BURST];
static unsigned int burst_len, burst_max;

/* Handle the burst: replies go out in arrival order, the rest is freed. */
static void
burst_flush(void)
{
	struct rte_mbuf *tx[BURST], *drop[BURST];
	uint16_t nb_drop = 0, nb_tx, n = (uint16_t)burst_len;
	unsigned int seen = 0;

	if (n == 0)
		return;
	burst_len = 0;
	nb_tx = synq_net_input(&ifc, &ctr, NULL, tw, 0, burst, n, tx, drop, &nb_drop);
	if (debug)
		debug_counters();
	check(nb_tx + nb_drop <= n, "a frame goes to one place");
	/* each to one place, the replies in the order of the frames they answer */
	for (uint16_t i = 0, t = 0; i < n; i++) {
		unsigned int places = 0;

		if (t < nb_tx && tx[t] == burst[i]) {
			t++;
			places++;
		}
		for (uint16_t d = 0; d < nb_drop; d++)
			places += drop[d] == burst[i];
		check(places <= 1, "a frame goes to one place");
		seen += places;
	}
	check(seen == (unsigned int)nb_tx + nb_drop,
		"replies in arrival order, of the burst's frames");
	for (uint16_t i = 0; i < nb_tx; i++)
		frame_out(tx[i]);
	for (uint16_t i = 0; i < nb_drop; i++)
		rte_pktmbuf_free(drop[i]);
}

/* A frame from the wire, into the burst; the burst handled once full. */
static void
frame_in(struct rte_mbuf *m)
{
	burst[burst_len++] = m;
	if (burst_len >= burst_max)
		burst_flush();
}

/* The fuzzer's application: its events. */
static void
fuzz_app_events(void)
{
	struct synq_app_event ev[BURST];
	uint16_t n = synq_app_recv_burst(&fuzz_app, ev, BURST);

	for (uint16_t i = 0; i < n; i++) {
		struct handle *h = NULL;

		for (unsigned int k = 0; k < HANDLES; k++)
			if (handles[k].s == ev[i].s)
				h = &handles[k];
		check(h != NULL, "events only for sessions the application accepted");
		check(!h->closed, "nothing after SYNQ_EV_CLOSED");
		if (ev[i].kind == SYNQ_EV_DATA) {
			h->unread += rte_pktmbuf_pkt_len(ev[i].m);
			rte_pktmbuf_free(ev[i].m);
		} else if (ev[i].kind == SYNQ_EV_CLOSED) {
			h->closed = true;
		}
	}
}

/* Commands to the worker, output, events, the built-in apps, until all is quiet. */
static void
pump(void)
{
	for (unsigned int round = 0; round < 16; round++) {
		struct synq_session_msg msg;
		struct rte_mbuf *out[BURST];
		uint8_t rxq[BURST];
		unsigned int n, work = 0;

		while (rte_ring_dequeue_elem(rings[LC_WORKER], &msg, sizeof(msg)) == 0) {
			synq_tcp_command(tw, &ctr, &msg);
			work++;
		}
		while ((n = synq_tcp_output(tw, &ctr, out, rxq, BURST)) != 0) {
			for (unsigned int i = 0; i < n; i++)
				frame_out(out[i]);
			work += n;
		}
		work += synq_app_builtin_poll_at(&builtin, now_ms);
		if (rte_ring_count(rings[LC_FUZZ]) != 0) {
			fuzz_app_events();
			work++;
		}
		if (work == 0)
			return;
	}
}

/* The clock moves by @p ms: timers run, their frames go out. */
static bool winding; /* in wind_down(): the clock is not held at MAX_MS */

static void
advance(uint64_t ms)
{
	struct rte_mbuf *out[BURST];
	uint8_t rxq[BURST];
	unsigned int n;

	now_ms += ms;
	if (now_ms > MAX_MS && !winding)
		now_ms = MAX_MS;
	clock_set();
	while ((n = synq_tcp_timers(tw, &ctr, out, rxq, BURST)) != 0)
		for (unsigned int i = 0; i < n; i++)
			frame_out(out[i]);
	pump();
}

/* A TCP segment from client @p c. */
static void
client_send(const struct client *c, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
	const uint8_t *opt, size_t opt_len, const uint8_t *data, size_t data_len)
{
	const struct synq_frame_peer p = {.mac = peer_mac,
		.our_mac = our_mac,
		.family = c->v6 ? 6 : 4,
		.addr = c->addr,
		.our_addr = c->v6 ? our_ip6 : our_ip4,
		.port = c->cport,
		.our_port = c->sport};
	uint8_t frame[2048];
	size_t len;

	len = synq_frame_build_seg(
		frame, sizeof(frame), &p, seq, ack, flags, win, opt, opt_len, data, data_len);
	check(len != 0, "the harness builds its frames");
	frame_in(frame_mbuf(frame, (uint16_t)len));
}

/* The options of an ACK: timestamps when the client offered them. */
static size_t
client_opts(struct client *c, uint8_t *opt)
{
	if (!c->ts)
		return 0;
	c->tsval += 1 + (uint32_t)(now_ms & 0xff);
	return synq_frame_opts_ack(opt, c->tsval, c->ts_recent);
}

/*
 * Active open (issue 13): the fuzzer's application connects to client @p c, which
 * plays a server (its address and port made, its ISN and timestamps from the input),
 * from a free handle; its SYN-ACK is its first op_seg() kind 0.
 */
static void
server_init(struct prog *g, struct client *c)
{
	c->server = true;
	c->sport = 0;
	c->isn = u32(g);
	c->snd_nxt = c->isn;
	c->ts = u8(g) & 1;
	c->tsval = u32(g);
}

static void
op_connect(struct prog *g, struct client *c)
{
	struct synq_session *s;

	server_init(g, c);
	for (unsigned int k = 0; k < HANDLES; k++) {
		if (handles[k].s != NULL)
			continue;
		if (synq_app_connect(&fuzz_app, LC_WORKER, &listeners.l[u8(g) % listeners.nb],
			    c->v6 ? 6 : 4, c->addr, rte_cpu_to_be_16(c->cport),
			    c->v6 ? our_ip6 : our_ip4, &s) != 0)
			return;
		handles[k] = (struct handle){.s = s};
		connects++;
		return;
	}
}

/*
 * SYN: client k (v4 or v6) to listener i, with the options a byte picks (MSS, window
 * scale, SACK, timestamps: Linux's layout, or none), its ISN and TSval from the input.
 */
static void
op_syn(struct prog *g, struct client *c, unsigned int k)
{
	uint8_t sel = u8(g), opt[SYNQ_FRAME_OPTS_MAX];
	size_t opt_len = 0;

	memset(c, 0, sizeof(*c));
	c->v6 = sel & 1;
	if (c->v6) {
		const uint8_t a[16] = {0x20, 0x01, 0, 0x02, [13] = (uint8_t)k, [15] = 2};

		memcpy(c->addr, a, 16);
	} else {
		const uint8_t a[4] = {198, 18, (uint8_t)(k + 1), 2};

		memcpy(c->addr, a, 4);
	}
	c->sport = ports[(sel >> 1 & 15) % RTE_DIM(ports)];
	c->cport = (uint16_t)(40000 + u8(g));
	/* the last of 16 port numbers: synq connects to this client instead (a server) */
	if ((sel >> 1 & 15) == LI_CONNECT) {
		op_connect(g, c);
		return;
	}
	/*
	 * the one before: this client is a backend of the proxies (issue 13), on the
	 * port the cport byte picks; it answers the proxies' SYNs (op 1: its SYN-ACK, op
	 * 5: refused) or lets them time out
	 */
	if ((sel >> 1 & 15) == LI_BACKEND) {
		c->cport = (uint16_t)(BACKEND_PORT + (c->cport & 1));
		server_init(g, c);
		c->backend = true;
		return;
	}
	c->isn = u32(g);
	c->snd_nxt = c->isn + 1;
	if (sel & 0x80) {
		c->ts = true;
		c->tsval = u32(g);
		opt_len = synq_frame_opts_syn(opt, u16(g), u8(g) & 15, c->tsval);
	} else if (sel & 0x40) {
		/* MSS alone, as old stacks send it */
		opt[0] = 2;
		opt[1] = 4;
		opt[2] = u8(g);
		opt[3] = u8(g);
		opt_len = 4;
	}
	client_send(c, c->isn, 0, SYNQ_FRAME_SYN, u16(g), opt, opt_len, NULL, 0);
}

/*
 * A segment of client c: kind 0 the final ACK (or the next in-order segment), 1 data
 * at an offset the input picks, 2 any numbers (and TSval), 3 FIN, 4 RST near its sequence, 5 an
 * ACK of what it received with the window the input picks (0: zero window).
 */
static void
op_seg(struct prog *g, struct client *c, uint8_t kind)
{
	uint8_t opt[SYNQ_FRAME_OPTS_MAX], data[1500];
	size_t opt_len = client_opts(c, opt), len = 0;
	uint32_t seq = c->snd_nxt, ack = c->rcv_nxt;
	uint8_t flags = SYNQ_FRAME_ACK;
	uint16_t win = 65535;

	switch (kind) {
	case 0:
		/* a server's SYN-ACK, with the options the input picks */
		if (c->server && !c->synack_sent && c->synack) {
			struct synq_tcp_synack_opts so = {.sack_perm = c->ts,
				.ts = c->ts,
				.tsval = c->tsval,
				.tsecr = c->ts_recent};
			uint8_t o[SYNQ_TCP_OPTS_MAX] = {0};
			unsigned int n;

			/* one input byte at a time, in order: no initializer's unsequenced reads */
			so.mss = u16(g);
			so.wscale = u8(g) % 16;
			if (so.wscale > 14)
				so.wscale = SYNQ_TCP_NO_WSCALE;
			n = synq_tcp_opts_write_synack(o, &so);
			client_send(c, c->isn, c->rcv_nxt, SYNQ_FRAME_SYN | SYNQ_FRAME_ACK, u16(g),
				o, (n + 3) & ~3u, NULL, 0);
			c->synack_sent = true;
			c->snd_nxt = c->isn + 1;
			return;
		}
		break;
	case 1:
		len = u8(g) * (size_t)(1 + (u8(g) & 7));
		len = RTE_MIN(len, sizeof(data));
		memset(data, 'a' + (int)(len % 26), len);
		for (size_t i = 0; i < len && g->n != 0 && i < 64; i++)
			data[i] = u8(g);
		seq += (uint32_t)(int16_t)u16(g);
		flags |= SYNQ_FRAME_PSH;
		break;
	case 2:
		seq += u32(g);
		ack += u32(g);
		flags = u8(g);
		win = u16(g);
		/* any TSval too, older than the last one included (PAWS, RFC 7323 5) */
		if (opt_len != 0)
			opt_len = synq_frame_opts_ack(opt, c->tsval + u32(g), c->ts_recent);
		else
			(void)u32(g);
		break;
	case 3:
		flags |= SYNQ_FRAME_FIN;
		break;
	case 4:
		flags = (u8(g) & 1) ? SYNQ_FRAME_RST | SYNQ_FRAME_ACK : SYNQ_FRAME_RST;
		seq += (uint32_t)(int8_t)u8(g);
		break;
	default:
		win = u16(g);
		break;
	}
	client_send(c, seq, ack, flags, win, opt, opt_len, data, len);
	/* the client's view: what it sent in order is sent */
	if (seq == c->snd_nxt && !(flags & SYNQ_FRAME_RST))
		c->snd_nxt += (uint32_t)len + ((flags & (SYNQ_FRAME_FIN | SYNQ_FRAME_SYN)) ? 1 : 0);
}

/* A raw frame of any bytes, up to 255, with the receive checksum flags a byte picks. */
static void
op_raw(struct prog *g)
{
	static const uint64_t rx_flags[] = {0, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_BAD,
		RTE_MBUF_F_RX_IP_CKSUM_NONE | RTE_MBUF_F_RX_L4_CKSUM_NONE};
	uint8_t sel = u8(g), len = u8(g), frame[255];
	struct rte_mbuf *m;

	for (unsigned int i = 0; i < len; i++)
		frame[i] = u8(g);
	m = frame_mbuf(frame, len);
	m->ol_flags |= rx_flags[sel % RTE_DIM(rx_flags)];
	frame_in(m);
}

/* The handle a byte names, if the application holds one there. */
static struct handle *
handle_at(uint8_t b)
{
	struct handle *h = &handles[b % HANDLES];

	return h->s != NULL ? h : NULL;
}

/* Accept what hold listeners 0, 6, 7 queued, into free handles. */
static void
app_accept(uint8_t b)
{
	static const unsigned int hold[] = {0, 6, 7};
	struct synq_listener *l = &listeners.l[hold[b % RTE_DIM(hold)]];

	for (unsigned int k = 0; k < HANDLES; k++) {
		struct synq_session *s;

		if (handles[k].s != NULL)
			continue;
		if (synq_app_accept(&fuzz_app, l, &s, 1) != 1)
			return;
		handles[k] = (struct handle){.s = s};
	}
}

/* Application command c (0 send, 1 close, 2 abort, 3 consumed, 4 release). */
static void
op_app(struct prog *g, uint8_t c)
{
	uint8_t b = u8(g), buf[255 * 8];
	struct handle *h = handle_at(b);
	unsigned int len;

	if (h == NULL) {
		app_accept(b);
		return;
	}
	switch (c) {
	case 0:
		len = u8(g) * (1u + (b >> 5));
		for (unsigned int i = 0; i < len; i++)
			buf[i] = (uint8_t)('A' + i % 26);
		(void)synq_app_send_copy(&fuzz_app, h->s, buf, len);
		break;
	case 1:
		(void)synq_app_close(&fuzz_app, h->s);
		break;
	case 2:
		(void)synq_app_abort(&fuzz_app, h->s);
		break;
	case 3:
		len = RTE_MIN(h->unread, (uint32_t)u16(g));
		h->unread -= len;
		synq_app_consumed(&fuzz_app, h->s, len);
		break;
	default:
		if (h->closed) {
			synq_app_release(&fuzz_app, h->s);
			*h = (struct handle){0};
		}
		break;
	}
}

/* After each op: the tables within their bounds, the gauges in step with them. */
static void
check_bounds(void)
{
	struct synq_tcp_worker_info i;
	uint32_t max_flows = 0, in_use = sessions.nb - rte_ring_count(sessions.free);

	synq_tcp_worker_info(tw, &i);
	for (unsigned int l = 0; l < listeners.nb; l++)
		max_flows += listeners.l[l].tcp.max_flows;
	check(i.curr_estab <= i.flows, "ESTABLISHED and CLOSE-WAIT are flows");
	check(i.flows <= max_flows, "no more flows than the listeners' max_flows");
	check(in_use <= sessions.nb, "sessions in use within the pool");
}

/* One op of the program; docs/testing.md lists them. */
static void
op(struct prog *g)
{
	uint8_t code = u8(g);
	unsigned int k = (code >> 4) % CLIENTS;
	struct client *c = &clients[k];

	/* a burst ends where the program does anything but send a frame */
	if ((code & 15) > 6 && (code & 15) != 10)
		burst_flush();
	switch (code & 15) {
	case 0:
		op_syn(g, c, k);
		break;
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
		op_seg(g, c, (uint8_t)((code & 15) - 1));
		break;
	case 7:
		advance(u8(g) * UINT64_C(10));
		break;
	case 8:
		advance(u8(g) * UINT64_C(1000));
		break;
	case 9:
		/* the wall clock steps, back or forth, by up to an hour */
		wall_s += (int64_t)(int8_t)u8(g) * 30;
		clock_set();
		break;
	case 10:
		op_raw(g);
		break;
	default:
		op_app(g, (uint8_t)((code & 15) - 11));
		break;
	}
	pump();
	check_bounds();
}

/* Whether nothing is left: no flow, entry, memory, session or handle. */
static bool
all_gone(void)
{
	struct synq_tcp_worker_info i;

	synq_tcp_worker_info(tw, &i);
	for (unsigned int k = 0; k < HANDLES; k++)
		if (handles[k].s != NULL)
			return false;
	return i.flows == 0 && i.syn_entries == 0 && i.time_wait == 0 && i.replay == 0 &&
	       i.curr_estab == 0 && rte_ring_count(sessions.free) == sessions.nb;
}

/* The application aborts what it holds, releases what is closed, takes what waits. */
static void
app_let_go(void)
{
	for (unsigned int k = 0; k < HANDLES; k++) {
		struct handle *h = &handles[k];

		if (h->s != NULL && h->closed) {
			synq_app_release(&fuzz_app, h->s);
			*h = (struct handle){0};
		} else if (h->s != NULL) {
			(void)synq_app_abort(&fuzz_app, h->s);
		}
	}
	for (uint8_t l = 0; l < 3; l++)
		app_accept(l);
	pump();
}

/*
 * The timers, as often as a worker that ticks all the time would run them in the
 * time the harness jumped: each call visits a budget of slots (64) of each table;
 * SWEEP_CALLS calls pass over the largest table four times.
 */
static void
sweep(void)
{
	for (unsigned int i = 0; i < SWEEP_CALLS && !all_gone(); i++) {
		struct rte_mbuf *out[BURST];
		uint8_t rxq[BURST];
		unsigned int n = synq_tcp_timers(tw, &ctr, out, rxq, BURST);

		for (unsigned int k = 0; k < n; k++)
			frame_out(out[k]);
		if (i % 8 == 7)
			app_let_go();
	}
}

static void
debug_wind_down(unsigned int step)
{
	struct synq_tcp_worker_info i;

	synq_tcp_worker_info(tw, &i);
	fprintf(stderr,
		"wind down step %u at %" PRIu64 " ms: flows %u syn %u time_wait %u "
		"replay %u estab %u sessions free %u/%u\n",
		step, now_ms, i.flows, i.syn_entries, i.time_wait, i.replay, i.curr_estab,
		rte_ring_count(sessions.free), sessions.nb);
	for (uint32_t x = 0; x < sessions.nb; x++) {
		struct synq_tcp_conn_info ci;

		if (synq_tcp_conn_info(tw, &sessions.s[x], &ci) == 0)
			fprintf(stderr,
				"  session %u: state %d listener %u app_lcore %u "
				"rcv_queued %u snd_queued %u rtx %u\n",
				x, ci.state, sessions.s[x].listener, sessions.s[x].app_lcore,
				ci.rcv_queued, ci.snd_queued, ci.rtx_ms);
	}
}

/*
 * The end: the application lets go of everything, nobody answers any more, and time
 * passes: a few short steps (what the aborts and closes send, the SYN-ACK
 * retransmissions), then minutes at a time (TIME-WAIT, the replay memory, the
 * retransmissions giving up, idle timeouts), each followed by a full sweep of the
 * timers, up to a day.
 * Everything must end.
 */
static void
wind_down(void)
{
	unsigned int step;

	winding = true;
	for (step = 0; step < 12 && !all_gone(); step++) {
		app_let_go();
		advance(step < 4 ? 250 : 1000);
	}
	for (; step < 12 + 600 && !all_gone(); step++) {
		app_let_go();
		advance(150000);
		sweep();
		if (debug)
			debug_wind_down(step);
	}
	winding = false;
	check(all_gone(), "every connection ends once the application and the client stop");
	check(rte_ring_count(rings[LC_WORKER]) == 0 && rte_ring_count(rings[LC_FUZZ]) == 0 &&
			rte_ring_count(rings[LC_BUILTIN]) == 0,
		"no command or event left in flight");
	/* the proxies' connects to their backends too (issue 13) */
	check(synq_counter_read(&app_ctr, SYNQ_CTR_APP_ACCEPTED) + connects +
				synq_counter_read(&app_ctr, SYNQ_CTR_PROXY_CONNECTS) ==
			synq_counter_read(&app_ctr, SYNQ_CTR_APP_EV_CLOSED),
		"every session accepted or connected gets its SYNQ_EV_CLOSED once");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog g = {data, size};
	unsigned int ops;

	if (size < 12 || size > 4096)
		return 0;
	faking = true;
	memset(clients, 0, sizeof(clients));
	memset(handles, 0, sizeof(handles));
	connects = 0;
	rng = (uint64_t)u32(&g) << 32 | u32(&g);
	rte_srand(rng);
	burst_max = (rng >> 62) == 3 ? 2 + (unsigned int)(rng >> 56 & 15) : 1;
	/* a wall clock in 2001..2106, from the input */
	wall_s = INT64_C(1000000000) + (int64_t)(u32(&g) % UINT32_C(3000000000));
	now_ms = 0;
	out_hash = UINT64_C(0xcbf29ce484222325);
	world_create();
	for (ops = 0; ops < 512 && g.n != 0; ops++)
		op(&g);
	burst_flush();
	wind_down();
	if (debug) {
		fprintf(stderr, "frames out: FNV-1a %016" PRIx64 "\napplications:", out_hash);
		for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
			if (synq_counter_read(&app_ctr, i) != 0)
				fprintf(stderr, " %s %" PRIu64, synq_counter_name(i),
					synq_counter_read(&app_ctr, i));
		fprintf(stderr, "\n");
	}
	world_free();
	check(rte_mempool_in_use_count(pool) == 0 && rte_mempool_in_use_count(rx_pool) == 0,
		"every mbuf is back in its pool");
	faking = false;
	return 0;
}
