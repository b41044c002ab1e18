/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_BENCH_H
#define SYNQ_BENCH_H

/*
 * synq-bench: the worker's packet handler, synq_net_input(), on one core, fed frames
 * built in memory, one handshake path at a time. No EAL, no PMD, no mempool: the
 * mbufs are plain memory, as in tests/fuzz/fuzz_net.c. docs/benchmarks.md says what
 * the figures mean; main.c runs the paths and prints them, paths.c drives the
 * engine, frames.c builds what goes in.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "synq_stats.h"

/* What synq_worker_poll() asks of rte_eth_rx_burst() (SYNQ_BURST). */
#define BENCH_BURST 32
/*
 * Frames restored at a time, then handled: a default rx ring's worth (rx_desc 1024).
 * The restore leaves them in L2, as a NIC's writes are in cache when the worker reads
 * them (with DDIO or its like); --cold flushes them to memory instead.
 */
#define BENCH_CHUNK 1024

/* Our side: the one port and address of every path's config. */
#define BENCH_OUR_MAC {{0x02, 0x53, 0x51, 0x00, 0x00, 0x01}}
/* 198.18.0.1; not RTE_IPV4(), which shifts a signed int into its sign bit */
#define BENCH_OUR_IP4 UINT32_C(0xc6120001)
#define BENCH_PEER_MAC {{0x02, 0xaa, 0x00, 0x00, 0x00, 0x02}}
#define BENCH_LISTEN_PORT 80

/* One client's connection attempt, host byte order throughout. */
struct flow {
	uint32_t saddr;
	uint16_t sport;
	uint32_t isn;	    /* the client's */
	uint32_t tsval;	    /* the client's TSval in its SYN */
	uint32_t our_isn;   /* from our SYN-ACK */
	uint32_t our_tsval; /* from our SYN-ACK */
};

/* A frame as the wire brings it, kept to be copied into an mbuf before each use. */
struct tmpl {
	uint8_t data[126];
	uint16_t len;
} __rte_aligned(64);

/* frames.c */
void bench_rand_seed(uint64_t seed);
uint64_t bench_rand(void);
void bench_flow_new(struct flow *f);
void bench_syn(struct tmpl *t, const struct flow *f);
void bench_ack(struct tmpl *t, const struct flow *f, uint32_t seq, uint32_t ack, uint32_t tsval,
	uint32_t tsecr);
void bench_rst(struct tmpl *t, const struct flow *f);
bool bench_synack_parse(const struct rte_mbuf *m, struct flow *f);

/* paths.c */
enum bench_path {
	PATH_SYN_TABLE,
	PATH_SYN_COOKIE,
	PATH_ACK_COOKIE,
	PATH_ACK_FORGED,
	PATH_MIX,
	NB_PATHS
};

struct path_info {
	const char *name;
	const char *what;     /* one line for the tables */
	const char *listener; /* the listener of its config, as JSON */
	const char *setup;    /* what state it runs in, for the output */
	unsigned int batch;   /* packets between state rebuilds / drains */
	double target_ns;     /* the target, 0 for none */
};

extern const struct path_info bench_paths[NB_PATHS];

/* Default max_syn_backlog of the table path, and its batch: a round fills it half. */
#define BENCH_TABLE_ENTRIES 65536
#define BENCH_TABLE_ENTRIES_MAX (1u << 20)

struct run_opts {
	bool offload;	  /* NIC checksum offload: rx verdict GOOD, tx checksums left */
	bool cold;	  /* flush each chunk's frame bytes from the caches before timing */
	bool baseline;	  /* everything but the timed handler calls (for perf stat) */
	int instr_fd;	  /* perf_event_open counter of user instructions, or -1 */
	uint64_t tsc_hz;  /* calibrated */
	unsigned int table_entries; /* the table path's max_syn_backlog and batch */
};

/* What one round of one path gave. */
struct run_result {
	uint64_t packets;
	uint64_t handler_cycles;  /* TSC ticks in the timed region */
	uint64_t restore_cycles;  /* TSC ticks copying templates back */
	uint64_t instructions;	  /* user instructions in the timed region, when counted */
	uint64_t wire_ns10;	  /* line time of all frames at 10GbE, in 0.1 ns */
	uint64_t tx;		  /* frames the handler put in tx */
	uint64_t drop;		  /* frames it put in drop */
	uint64_t legit_acks;	  /* mix: legitimate final ACKs in the stream */
	uint64_t ctr[SYNQ_CTR_MAX]; /* counters of the timed packets */
	char problem[256];	  /* the first failed check; "" when all passed */
};

/* Packets between state rebuilds of path @p id. */
unsigned int bench_batch(enum bench_path id, const struct run_opts *o);

/* The listener of path @p id's config, as JSON. */
void bench_listener(enum bench_path id, const struct run_opts *o, char *buf, size_t len);

/* Run @p packets of path @p id; returns 0, or -1 when the setup failed (printed). */
int bench_run(enum bench_path id, uint64_t packets, const struct run_opts *o,
	struct run_result *r);

#endif /* SYNQ_BENCH_H */
