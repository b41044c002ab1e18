/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_STATS_PRIV_H
#define SYNQ_STATS_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "synq_stats.h"

#define STATS_MAX_PORTS 32
#define STATS_MAX_POOLS 8

struct stats_port {
	uint16_t port_id;
	const char *name; /* owned by the caller (the config) */
	/* the port's "ipv6" array (its addresses and their states), or NULL: none */
	json_t *(*ipv6_fn)(const void *arg);
	const void *ipv6_arg;
};

/*
 * Control plane writes before lcores launch; everyone reads afterwards. The DPDK
 * telemetry thread may read at any time, so it takes @lock, as does every change to
 * the registry; @live is false before start and once teardown begins, and telemetry
 * answers nothing then (counters and ports may be freed or closed).
 */
struct stats_registry {
	pthread_mutex_t lock;
	bool live;
	struct timespec start; /* CLOCK_MONOTONIC at synq_stats_reset() */
	struct synq_counters *lcore[RTE_MAX_LCORE];
	const char *role[RTE_MAX_LCORE];
	struct stats_port ports[STATS_MAX_PORTS];
	unsigned int nb_ports;
	/* the mbuf pools: in use and free, against what connections may not take */
	struct stats_pool {
		const struct rte_mempool *mp;
		uint32_t reserve; /* mbufs kept for the rx/tx descriptors and caches */
	} pools[STATS_MAX_POOLS];
	unsigned int nb_pools;
	json_t *(*listeners_fn)(const void *arg);
	const void *listeners_arg;
	synq_stats_tel_fn conns_fn; /* /synq/conns: the runtime's */
	void *conns_arg;
	/* each worker's SYN sources' sketch (synq_srcsketch.h): read by /synq/syn_sources */
	const struct synq_srcsketch *sketch[RTE_MAX_LCORE];
};

extern struct stats_registry stats_registry;

struct rte_tel_data;

/* The telemetry command /synq/backends (stats_json.c; a test calls it directly). */
int stats_tel_backends(const char *cmd, const char *params, struct rte_tel_data *d);

/* The telemetry command /synq/syn_sources[,N] (stats_sources.c; a test calls it directly). */
int stats_tel_syn_sources(const char *cmd, const char *params, struct rte_tel_data *d);

/* Seconds since synq_stats_reset(). */
double stats_uptime(void);

#endif /* SYNQ_STATS_PRIV_H */
