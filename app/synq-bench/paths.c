/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The paths. Each gets an engine built the way tests/fuzz/fuzz_tcp.c builds one (config
 * -> listeners -> sessions -> iface -> transport -> worker), from a config of one port
 * and the path's one listener, and a stream of frames, made and handled a chunk at a
 * time:
 *
 *   make the chunk's frames as templates                  (not timed)
 *   copy them into the chunk's mbufs                      (timed apart: "restore")
 *   for each burst of 32: synq_tcp_clock(), synq_net_input()  (timed: the figure)
 *
 * Replies are built in the request's own mbuf, so a frame is good for one use; the
 * restore copies back every byte the handler may read or write (the frame, and the
 * mbuf's length, offload and data offset fields), so each use sees exactly the
 * template.
 *
 * State that a path makes (SYN table entries, connections on the accept ring and in
 * the table of accepted flows) is undone between batches, outside the timed region,
 * and every batch brings fresh 4-tuples.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(RTE_ARCH_X86)
#include <immintrin.h>
#endif

#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>

#include "bench.h"
#include "synq_config.h"
#include "synq_cookie.h"
#include "synq_iface.h"
#include "synq_listener.h"
#include "synq_net.h"
#include "synq_session.h"
#include "synq_tcp.h"

/* The mix, a group at a time: 99 flood SYNs, one legitimate SYN, one legitimate ACK. */
#define MIX_GROUP 101
#define MIX_GROUPS 640

const struct path_info bench_paths[NB_PATHS] = {
	/* max_syn_backlog and batch: --table-entries, BENCH_TABLE_ENTRIES by default */
	[PATH_SYN_TABLE] = {"syn-table", "SYN -> SYN-ACK, SYN table entry",
		"{ \"port\": 80, \"syncookies\": 1, \"max_syn_backlog\": %u }",
		"a SYN table for a batch of SYNs (max_syn_backlog = batch = --table-entries; "
		"65536 by default: 131072 slots of 64 B, 8 MiB), emptied by the clients' RSTs "
		"(untimed) after each batch: it runs from empty to half full",
		BENCH_TABLE_ENTRIES, 80},
	[PATH_SYN_COOKIE] = {"syn-cookie", "SYN -> SYN-ACK, cookie",
		"{ \"port\": 80, \"syncookies\": 2 }",
		"no SYN table is looked up or written (syncookies 2 keeps none)", 65536, 50},
	[PATH_ACK_COOKIE] = {"ack-cookie", "cookie ACK -> validated, promoted",
		"{ \"port\": 80, \"syncookies\": 2, \"backlog\": 4096 }",
		"SYN-ACKs of 4096 fresh SYNs made untimed, then their ACKs (NOP NOP TS, as "
		"Linux sends them) timed; between batches the accept ring is drained and "
		"the accepted flows forgotten", 4096, 60},
	[PATH_ACK_FORGED] = {"ack-forged", "forged ACK -> rejected",
		"{ \"port\": 80, \"syncookies\": 1 }",
		"as under a SYN flood: the listener's SYN table share (4096) full and a cookie "
		"sent just before each batch, so every ACK is checked as a cookie and fails; "
		"random seq/ack (the 2^-24 that would pass are not sent)", 65536, 0},
	[PATH_MIX] = {"mix", "99% flood SYNs, 1% handshakes",
		"{ \"port\": 80, \"syncookies\": 2, \"backlog\": 4096 }",
		"groups of 101 frames in random order: 99 flood SYNs from random sources, 1 "
		"legitimate SYN, and the final ACK of the group before's legitimate SYN",
		MIX_GROUP * MIX_GROUPS, 0},
};

static const char config_fmt[] =
	"{ \"ports\": [ { \"name\": \"bench0\", \"mac\": \"02:53:51:00:00:01\","
	"    \"ipv4\": [\"198.18.0.1\"] } ],"
	"  \"lcores\": [ { \"lcore\": 1, \"role\": \"worker\","
	"    \"rx\": [ { \"port\": \"bench0\" } ] } ],"
	"  \"listeners\": [ %s ] }";

/* The same secret in every engine: a cookie made before a rebuild stays good after it. */
static const uint8_t secret[16] = "synq-bench key!";

struct engine {
	struct synq_config cfg;
	struct synq_iface ifc;
	struct synq_listeners ls;
	struct synq_sessions ss;
	struct synq_tcp *tcp;
	struct synq_tcp_worker *tw;
	struct synq_counters ctr;  /* the timed packets' */
	struct synq_counters prep; /* the untimed pre-passes' */
};

/* A mempool object's shape: the mbuf, then its buffer (headroom and data room). */
struct slot {
	struct rte_mbuf m;
	uint8_t buf[RTE_PKTMBUF_HEADROOM + RTE_MBUF_DEFAULT_DATAROOM];
};

static struct engine eng;
static struct slot *slots;		  /* BENCH_CHUNK of them, reused chunk after chunk */
static struct rte_mbuf *pkts[BENCH_CHUNK]; /* &slots[i].m */
static struct tmpl *chunk;		  /* a chunk's frames, made just before it is sent */
static struct tmpl *scratch;		  /* frames of an untimed pass, a chunk's worth */
static struct flow *flows;		  /* a batch's flows */
static unsigned int max_batch;

unsigned int
bench_batch(enum bench_path id, const struct run_opts *o)
{
	return id == PATH_SYN_TABLE ? o->table_entries : bench_paths[id].batch;
}

void
bench_listener(enum bench_path id, const struct run_opts *o, char *buf, size_t len)
{
	/* only the table path's has a number to fill in (its %u) */
	snprintf(buf, len, bench_paths[id].listener, o->table_entries);
}

static int
alloc_once(const struct run_opts *o)
{
	if (slots != NULL)
		return 0;
	for (unsigned int i = 0; i < NB_PATHS; i++)
		max_batch = RTE_MAX(max_batch, bench_batch((enum bench_path)i, o));
	slots = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*slots) * BENCH_CHUNK);
	chunk = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*chunk) * BENCH_CHUNK);
	scratch = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*scratch) * BENCH_CHUNK);
	flows = calloc(max_batch, sizeof(*flows));
	if (slots == NULL || chunk == NULL || scratch == NULL || flows == NULL) {
		fprintf(stderr, "synq-bench: out of memory\n");
		return -1;
	}
	/* fault every page in now, not in the first timed chunk */
	memset(slots, 0, sizeof(*slots) * BENCH_CHUNK);
	memset(chunk, 0, sizeof(*chunk) * BENCH_CHUNK);
	memset(scratch, 0, sizeof(*scratch) * BENCH_CHUNK);
	for (unsigned int i = 0; i < BENCH_CHUNK; i++) {
		struct rte_mbuf *m = &slots[i].m;

		m->buf_addr = slots[i].buf;
		m->buf_len = sizeof(slots[i].buf);
		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->nb_segs = 1;
		rte_mbuf_refcnt_set(m, 1);
		pkts[i] = m;
	}
	return 0;
}

static int
engine_start(struct engine *e, enum bench_path id, const struct run_opts *o)
{
	struct synq_tcp_worker_conf conf = {
		.lcore_id = 1,
		.nb_rxq = 1,
		/* without EAL the engine takes the TSC for 1 GHz: give it the real rate */
		.tsc_hz = o->tsc_hz,
	};
	char listener[256];
	char text[1024];
	char err[SYNQ_CONFIG_ERR_LEN];

	bench_listener(id, o, listener, sizeof(listener));
	snprintf(text, sizeof(text), config_fmt, listener);
	if (synq_config_parse(text, &e->cfg, err, sizeof(err)) != 0 ||
		synq_listeners_create(&e->ls, &e->cfg, 1, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "synq-bench: %s: %s\n", bench_paths[id].name, err);
		return -1;
	}
	synq_iface_init(&e->ifc, 0, &e->cfg.ports[0], &e->cfg.ports[0].mac);
	e->ifc.tx_cksum_offload = o->offload;
	conf.rxq[0].iface = &e->ifc;
	if (synq_sessions_create(&e->ss, synq_listeners_max_sessions(&e->ls), 0) != 0 ||
		(e->tcp = synq_tcp_create(&e->ls, &e->ss, secret, 0)) == NULL ||
		(e->tw = synq_tcp_worker_create(e->tcp, &conf)) == NULL) {
		fprintf(stderr, "synq-bench: %s: worker init failed\n", bench_paths[id].name);
		synq_tcp_free(e->tcp);
		synq_sessions_free(&e->ss);
		synq_listeners_free(&e->ls);
		return -1;
	}
	synq_tcp_clock(e->tw, rte_rdtsc());
	memset(&e->ctr, 0, sizeof(e->ctr));
	memset(&e->prep, 0, sizeof(e->prep));
	return 0;
}

static void
engine_stop(struct engine *e, struct run_result *r)
{
	for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
		r->ctr[i] += synq_counter_read(&e->ctr, i);
	synq_tcp_worker_free(e->tw);
	synq_tcp_free(e->tcp);
	synq_sessions_free(&e->ss);
	synq_listeners_free(&e->ls);
}

/* Half-open entries in the engine's SYN table. */
static uint32_t
syn_entries(const struct engine *e)
{
	struct synq_tcp_worker_info info;

	synq_tcp_worker_info(e->tw, &info);
	return info.syn_entries;
}

/*
 * Between batches: take the sessions off the accept queue, as an application would,
 * and forget their flows, as the flow table and the replay memory do when their time
 * is up, so that the next batch finds the queue, the pool and those tables as the
 * last one did. (Pure ACKs leave no work in the worker's dirty list.)
 */
static void
drain(struct engine *e)
{
	struct synq_session *s[BENCH_BURST];
	uint16_t n;

	while ((n = synq_accept_burst(&e->ls.l[0].accept, s, RTE_DIM(s))) != 0) {
		for (uint16_t i = 0; i < n; i++) {
			synq_tcp_conn_forget(e->tw, s[i]);
			synq_session_free(&e->ss, s[i]);
		}
	}
}

static uint64_t
rx_flags(const struct run_opts *o)
{
	/* a NIC that checks checksums says so; without offload the flags say unknown */
	return o->offload ? RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD : 0;
}

/* Copy @p n templates into the first @p n slots, with what a PMD's rx sets. */
static void
restore(const struct tmpl *t, unsigned int n, uint64_t ol_flags)
{
	for (unsigned int i = 0; i < n; i++) {
		struct slot *s = &slots[i];

		memcpy(s->buf + RTE_PKTMBUF_HEADROOM, t[i].data, t[i].len);
		s->m.data_off = RTE_PKTMBUF_HEADROOM;
		s->m.data_len = t[i].len;
		s->m.pkt_len = t[i].len;
		s->m.ol_flags = ol_flags;
		s->m.tx_offload = 0;
	}
}

/*
 * --cold: the frame bytes to memory, as a NIC's DMA leaves them without cache
 * injection; the mbuf headers stay cached, as the PMD's rx has just written them.
 */
static void
flush_frames(const struct tmpl *t, unsigned int n)
{
#if defined(RTE_ARCH_X86)
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int off = 0; off < t[i].len; off += RTE_CACHE_LINE_SIZE)
			_mm_clflush(slots[i].buf + RTE_PKTMBUF_HEADROOM + off);
	_mm_mfence();
#else
	RTE_SET_USED(t);
	RTE_SET_USED(n);
#endif
}

/* User instructions so far, from the perf_event_open counter. */
static uint64_t
instr_now(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
}

/*
 * The timed region, what synq_worker_poll() does for each burst less rx, tx and
 * free: read the clock, handle the burst. Not inlined, so that a profiler can count
 * exactly this (valgrind --toggle-collect='timed_chunk*').
 */
static __rte_noinline void
timed_chunk(struct engine *e, unsigned int n, struct run_result *r)
{
	struct rte_mbuf *tx[BENCH_BURST];
	struct rte_mbuf *drop[BENCH_BURST];
	uint64_t nb_tx = 0, nb_drop = 0;
	uint64_t t0 = rte_rdtsc();

	for (unsigned int i = 0; i < n; i += BENCH_BURST) {
		uint16_t nb = (uint16_t)RTE_MIN((unsigned int)BENCH_BURST, n - i);
		uint16_t nd;

		synq_tcp_clock(e->tw, rte_rdtsc());
		nb_tx += synq_net_input(&e->ifc, &e->ctr, NULL, e->tw, 0, &pkts[i], nb, tx, drop,
			&nd);
		nb_drop += nd;
	}
	r->handler_cycles += rte_rdtsc() - t0;
	r->tx += nb_tx;
	r->drop += nb_drop;
}

/*
 * Would this ACK pass as a cookie in the window of @p now_s or the next one (a batch
 * lasts well under the 64 s of a window)? A random one does with probability 2^-24;
 * the forged path drops those few, so that "every forged ACK fails" is exact.
 */
static bool
cookie_passes(struct synq_cookie_ctx *probe, const struct flow *f, uint32_t seq, uint32_t ack,
	uint64_t now_s)
{
	struct synq_cookie_flow cf = {
		.family = 4,
		.sport = rte_cpu_to_be_16(f->sport),
		.dport = RTE_BE16(BENCH_LISTEN_PORT),
	};
	uint32_t saddr = rte_cpu_to_be_32(f->saddr);
	uint32_t daddr = RTE_BE32(BENCH_OUR_IP4);
	struct synq_cookie_opts out;

	memcpy(cf.saddr, &saddr, 4);
	memcpy(cf.daddr, &daddr, 4);
	return synq_cookie_check(probe, &cf, seq - 1, ack - 1, now_s, &out) ||
		synq_cookie_check(probe, &cf, seq - 1, ack - 1, now_s + SYNQ_COOKIE_WINDOW_S, &out);
}

/*
 * How a batch's frames are made: a chunk at a time, just before the chunk is sent, so
 * that the bench's own data in cache is a chunk's worth (as a worker's rx ring), not a
 * batch's, which would push the engine's tables out of the last-level cache.
 */
struct gen {
	enum bench_path id;
	struct run_result *r;
	/* ack-forged: what the engine's cookie check will be */
	struct synq_cookie_ctx probe;
	uint64_t now_s;
	/* mix: where in each group the legitimate SYN and ACK go; the flow before group 0 */
	uint8_t at_syn[MIX_GROUPS];
	uint8_t at_ack[MIX_GROUPS];
	const struct flow *prev;
};

static void
ack_of(struct tmpl *t, const struct flow *f)
{
	bench_ack(t, f, f->isn + 1, f->our_isn + 1, f->tsval + 1, f->our_tsval);
}

/* Frame number @p i of the batch. */
static void
gen_frame(struct gen *g, unsigned int i, struct tmpl *t)
{
	struct flow f;

	switch (g->id) {
	case PATH_SYN_TABLE:
		/* kept: their RSTs empty the table after the batch */
		bench_flow_new(&flows[i]);
		bench_syn(t, &flows[i]);
		break;
	case PATH_ACK_COOKIE:
		ack_of(t, &flows[i]);
		break;
	case PATH_ACK_FORGED: {
		uint32_t seq, ack;

		bench_flow_new(&f);
		do {
			uint64_t v = bench_rand();

			seq = (uint32_t)v;
			ack = (uint32_t)(v >> 32);
		} while (cookie_passes(&g->probe, &f, seq, ack, g->now_s));
		bench_ack(t, &f, seq, ack, (uint32_t)bench_rand(), (uint32_t)bench_rand());
		break;
	}
	case PATH_MIX: {
		unsigned int grp = i / MIX_GROUP, j = i % MIX_GROUP;

		if (j == g->at_syn[grp]) {
			bench_syn(t, &flows[grp]);
		} else if (j == g->at_ack[grp]) {
			/* the ACK of the legitimate SYN of the group before */
			ack_of(t, grp == 0 ? g->prev : &flows[grp - 1]);
			g->r->legit_acks++;
		} else {
			bench_flow_new(&f);
			bench_syn(t, &f);
		}
		break;
	}
	default: /* PATH_SYN_COOKIE */
		bench_flow_new(&f);
		bench_syn(t, &f);
		break;
	}
}

/* Make and send the @p n frames of a batch, a chunk at a time. */
static void
run_stream(struct engine *e, unsigned int n, const struct run_opts *o, struct run_result *r,
	struct gen *g)
{
	uint64_t flags = rx_flags(o);

	for (unsigned int base = 0; base < n; base += BENCH_CHUNK) {
		unsigned int k = RTE_MIN((unsigned int)BENCH_CHUNK, n - base);
		uint64_t t0, i0;

		for (unsigned int i = 0; i < k; i++) {
			gen_frame(g, base + i, &chunk[i]);
			/* 10GbE: 0.8 ns a byte; FCS, preamble and inter-frame gap are 24 more */
			r->wire_ns10 += (uint64_t)(RTE_MAX(chunk[i].len, (uint16_t)60) + 24) * 8;
		}
		t0 = rte_rdtsc();
		restore(chunk, k, flags);
		r->restore_cycles += rte_rdtsc() - t0;
		if (o->cold)
			flush_frames(chunk, k);
		if (o->baseline)
			continue;
		i0 = o->instr_fd >= 0 ? instr_now(o->instr_fd) : 0;
		timed_chunk(e, k, r);
		if (o->instr_fd >= 0)
			r->instructions += instr_now(o->instr_fd) - i0;
	}
	r->packets += n;
}

/* Untimed: the @p n frames at @p t through the handler, counted apart; replies unread. */
static void
send_untimed(struct engine *e, const struct tmpl *t, unsigned int n, const struct run_opts *o)
{
	for (unsigned int base = 0; base < n; base += BENCH_CHUNK) {
		unsigned int k = RTE_MIN((unsigned int)BENCH_CHUNK, n - base);

		restore(t + base, k, rx_flags(o));
		for (unsigned int i = 0; i < k; i += BENCH_BURST) {
			uint16_t nb = (uint16_t)RTE_MIN((unsigned int)BENCH_BURST, k - i);
			struct rte_mbuf *tx[BENCH_BURST];
			struct rte_mbuf *drop[BENCH_BURST];
			uint16_t nd;

			synq_tcp_clock(e->tw, rte_rdtsc());
			synq_net_input(&e->ifc, &e->prep, NULL, e->tw, 0, &pkts[i], nb, tx, drop,
				&nd);
		}
	}
}

/*
 * Untimed: answer the SYNs of flows @p f[0..n) and note our ISN and TSval from each
 * SYN-ACK, from which the ACKs are built. Counted apart from the timed packets.
 */
static int
syn_prepass(struct engine *e, struct flow *f, unsigned int n, const struct run_opts *o,
	struct run_result *r)
{
	for (unsigned int base = 0; base < n; base += BENCH_CHUNK) {
		unsigned int k = RTE_MIN((unsigned int)BENCH_CHUNK, n - base);

		for (unsigned int i = 0; i < k; i++)
			bench_syn(&scratch[i], &f[base + i]);
		restore(scratch, k, rx_flags(o));
		for (unsigned int i = 0; i < k; i += BENCH_BURST) {
			uint16_t nb = (uint16_t)RTE_MIN((unsigned int)BENCH_BURST, k - i);
			struct rte_mbuf *tx[BENCH_BURST];
			struct rte_mbuf *drop[BENCH_BURST];
			uint16_t nt, nd;

			synq_tcp_clock(e->tw, rte_rdtsc());
			nt = synq_net_input(&e->ifc, &e->prep, NULL, e->tw, 0, &pkts[i], nb, tx,
				drop, &nd);
			for (uint16_t j = 0; j < nb; j++) {
				if (nt != nb || tx[j] != pkts[i + j] ||
					!bench_synack_parse(tx[j], &f[base + i + j])) {
					snprintf(r->problem, sizeof(r->problem),
						"pre-pass: a SYN got no SYN-ACK");
					return -1;
				}
			}
		}
	}
	return 0;
}

/* One batch of path @p id: prepare, send its frames, undo its state. */
static int
batch(struct engine *e, enum bench_path id, unsigned int n, const struct run_opts *o,
	struct run_result *r, struct flow *prev)
{
	static struct gen g;
	uint32_t entries;

	g.id = id;
	g.r = r;
	switch (id) {
	case PATH_SYN_TABLE:
		run_stream(e, n, o, r, &g);
		entries = syn_entries(e);
		if (!o->baseline && entries != n && r->problem[0] == '\0')
			snprintf(r->problem, sizeof(r->problem),
				"%u SYN table entries after %u SYNs", entries, n);
		/*
		 * Empty the table as clients do, with their RSTs, rather than build a new
		 * one: the same memory stays in use from batch to batch, as on a worker.
		 */
		for (unsigned int base = 0; base < n; base += BENCH_CHUNK) {
			unsigned int k = RTE_MIN((unsigned int)BENCH_CHUNK, n - base);

			for (unsigned int i = 0; i < k; i++)
				bench_rst(&scratch[i], &flows[base + i]);
			send_untimed(e, scratch, k, o);
		}
		entries = syn_entries(e);
		if (entries != 0 && r->problem[0] == '\0')
			snprintf(r->problem, sizeof(r->problem),
				"%u SYN table entries left after the clients' RSTs", entries);
		return 0;
	case PATH_SYN_COOKIE:
		run_stream(e, n, o, r, &g);
		return 0;
	case PATH_ACK_COOKIE:
		for (unsigned int i = 0; i < n; i++)
			bench_flow_new(&flows[i]);
		if (syn_prepass(e, flows, n, o, r) != 0)
			return -1;
		run_stream(e, n, o, r, &g);
		drain(e);
		return 0;
	case PATH_ACK_FORGED:
		/*
		 * A SYN beyond the full table gets a cookie: with syncookies 1, ACKs are
		 * checked as cookies only within two windows of the last one sent.
		 */
		bench_flow_new(&flows[0]);
		if (syn_prepass(e, flows, 1, o, r) != 0)
			return -1;
		{
			struct timespec wall;

			/* the engine's cookie check: the same secret, the same coarse clock */
			synq_cookie_init(&g.probe, secret);
			clock_gettime(CLOCK_REALTIME_COARSE, &wall);
			g.now_s = (uint64_t)wall.tv_sec;
		}
		run_stream(e, n, o, r, &g);
		return 0;
	case PATH_MIX: {
		unsigned int groups = (n + MIX_GROUP - 1) / MIX_GROUP;

		for (unsigned int i = 0; i < groups; i++)
			bench_flow_new(&flows[i]);
		if (syn_prepass(e, flows, groups, o, r) != 0)
			return -1;
		for (unsigned int i = 0; i < groups; i++) {
			unsigned int at_ack = (unsigned int)(bench_rand() % (MIX_GROUP - 1));

			g.at_syn[i] = (uint8_t)(bench_rand() % MIX_GROUP);
			g.at_ack[i] = (uint8_t)(at_ack + (at_ack >= g.at_syn[i]));
		}
		g.prev = prev;
		run_stream(e, n, o, r, &g);
		*prev = flows[groups - 1];
		drain(e);
		return 0;
	}
	default:
		return -1;
	}
}

/* The counters say every packet went the path's way; the first exception, if any. */
static void
check(enum bench_path id, const struct run_opts *o, struct run_result *r)
{
	const uint64_t *c = r->ctr;
	uint64_t n = r->packets;
	uint64_t syns = n - r->legit_acks;

	if (r->problem[0] != '\0' || o->baseline)
		return;
#define FAIL(...) snprintf(r->problem, sizeof(r->problem), __VA_ARGS__)
	if (c[SYNQ_CTR_TCP_IN_SEGS] != n)
		FAIL("%" PRIu64 " of %" PRIu64 " frames reached TCP", c[SYNQ_CTR_TCP_IN_SEGS], n);
	else if (c[SYNQ_CTR_TCP_IN_CSUM_ERRORS] != 0)
		FAIL("%" PRIu64 " TCP checksum errors", c[SYNQ_CTR_TCP_IN_CSUM_ERRORS]);
	else if (id == PATH_SYN_TABLE && (r->tx != n || c[SYNQ_CTR_SYNCOOKIES_SENT] != 0 ||
						 c[SYNQ_CTR_SYN_DUPLICATES] != 0))
		FAIL("%" PRIu64 " SYN-ACKs for %" PRIu64 " SYNs, %" PRIu64 " of them cookies",
			r->tx, n, c[SYNQ_CTR_SYNCOOKIES_SENT]);
	else if (id == PATH_SYN_COOKIE && (r->tx != n || c[SYNQ_CTR_SYNCOOKIES_SENT] != n))
		FAIL("%" PRIu64 " SYN-ACKs for %" PRIu64 " SYNs, %" PRIu64 " of them cookies",
			r->tx, n, c[SYNQ_CTR_SYNCOOKIES_SENT]);
	else if (id == PATH_ACK_COOKIE &&
		(c[SYNQ_CTR_TCP_PASSIVE_OPENS] != n || c[SYNQ_CTR_SYNCOOKIES_RECV] != n ||
			r->tx != 0))
		FAIL("%" PRIu64 " of %" PRIu64 " cookie ACKs promoted",
			c[SYNQ_CTR_TCP_PASSIVE_OPENS], n);
	else if (id == PATH_ACK_FORGED &&
		(c[SYNQ_CTR_TCP_PASSIVE_OPENS] != 0 || c[SYNQ_CTR_SYNCOOKIES_FAILED] != n ||
			r->tx != c[SYNQ_CTR_TCP_OUT_RSTS]))
		FAIL("forged ACKs: %" PRIu64 " promoted, %" PRIu64 " of %" PRIu64 " failed",
			c[SYNQ_CTR_TCP_PASSIVE_OPENS], c[SYNQ_CTR_SYNCOOKIES_FAILED], n);
	else if (id == PATH_MIX && (c[SYNQ_CTR_TCP_PASSIVE_OPENS] != r->legit_acks ||
					   r->tx != syns || c[SYNQ_CTR_SYNCOOKIES_SENT] != syns))
		FAIL("%" PRIu64 " of %" PRIu64 " legitimate handshakes completed, %" PRIu64
		     " SYN-ACKs for %" PRIu64 " SYNs",
			c[SYNQ_CTR_TCP_PASSIVE_OPENS], r->legit_acks, r->tx, syns);
#undef FAIL
}

int
bench_run(enum bench_path id, uint64_t packets, const struct run_opts *o, struct run_result *r)
{
	struct engine *e = &eng;
	struct flow prev;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (alloc_once(o) != 0)
		return -1;
	if (engine_start(e, id, o) != 0)
		return -1;
	if (id == PATH_MIX) {
		bench_flow_new(&prev);
		rc = syn_prepass(e, &prev, 1, o, r);
	}
	if (id == PATH_ACK_FORGED) {
		/* a SYN flood's state: the listener's share of the SYN table full */
		unsigned int share = e->ls.l[0].syn_share;

		for (unsigned int i = 0; i < share; i++)
			bench_flow_new(&flows[i]);
		rc = syn_prepass(e, flows, share, o, r);
		if (rc == 0 && syn_entries(e) != share) {
			snprintf(r->problem, sizeof(r->problem), "SYN table not full: %u of %u",
				syn_entries(e), share);
			rc = -1;
		}
	}
	while (rc == 0 && r->packets < packets) {
		unsigned int n = (unsigned int)RTE_MIN(packets - r->packets,
			(uint64_t)bench_batch(id, o));

		rc = batch(e, id, n, o, r, &prev);
	}
	engine_stop(e, r);
	if (rc != 0 && r->problem[0] == '\0')
		snprintf(r->problem, sizeof(r->problem), "setup failed");
	check(id, o, r);
	return rc;
}
