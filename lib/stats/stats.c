/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter registry: which lcores have counters, which ports are shown, and when the
 * run started. Written by the control plane before lcores launch, read by anyone.
 */

#include <errno.h>
#include <string.h>
#include <time.h>

#include "stats_priv.h"
#include "synq_stats.h"

static const char *const counter_names[SYNQ_CTR_MAX] = {
#define SYNQ_COUNTER(id, name, desc) [SYNQ_CTR_##id] = name,
#include "synq_counters.def"
#undef SYNQ_COUNTER
};

static const char *const counter_descs[SYNQ_CTR_MAX] = {
#define SYNQ_COUNTER(id, name, desc) [SYNQ_CTR_##id] = desc,
#include "synq_counters.def"
#undef SYNQ_COUNTER
};

struct stats_registry stats_registry = {.lock = PTHREAD_MUTEX_INITIALIZER};

const char *
synq_counter_name(enum synq_counter id)
{
	return id < SYNQ_CTR_MAX ? counter_names[id] : NULL;
}

const char *
synq_counter_desc(enum synq_counter id)
{
	return id < SYNQ_CTR_MAX ? counter_descs[id] : NULL;
}

void
synq_stats_reset(void)
{
	pthread_mutex_lock(&stats_registry.lock);
	memset(stats_registry.lcore, 0, sizeof(stats_registry.lcore));
	memset(stats_registry.role, 0, sizeof(stats_registry.role));
	memset(stats_registry.sketch, 0, sizeof(stats_registry.sketch));
	stats_registry.nb_ports = 0;
	stats_registry.nb_pools = 0;
	stats_registry.listeners_fn = NULL;
	stats_registry.conns_fn = NULL;
	stats_registry.live = true;
	clock_gettime(CLOCK_MONOTONIC, &stats_registry.start);
	pthread_mutex_unlock(&stats_registry.lock);
}

void
synq_stats_close(void)
{
	pthread_mutex_lock(&stats_registry.lock);
	stats_registry.live = false;
	pthread_mutex_unlock(&stats_registry.lock);
}

int
synq_stats_lcore_register(unsigned int lcore_id, struct synq_counters *c, const char *role)
{
	if (lcore_id >= RTE_MAX_LCORE || c == NULL || role == NULL)
		return -EINVAL;
	pthread_mutex_lock(&stats_registry.lock);
	if (stats_registry.lcore[lcore_id] != NULL) {
		pthread_mutex_unlock(&stats_registry.lock);
		return -EEXIST;
	}
	stats_registry.lcore[lcore_id] = c;
	stats_registry.role[lcore_id] = role;
	pthread_mutex_unlock(&stats_registry.lock);
	return 0;
}

int
synq_stats_sketch_register(unsigned int lcore_id, const struct synq_srcsketch *s)
{
	int rc = 0;

	if (lcore_id >= RTE_MAX_LCORE || s == NULL)
		return -EINVAL;
	pthread_mutex_lock(&stats_registry.lock);
	if (stats_registry.sketch[lcore_id] != NULL)
		rc = -EEXIST;
	else
		stats_registry.sketch[lcore_id] = s;
	pthread_mutex_unlock(&stats_registry.lock);
	return rc;
}

struct synq_counters *
synq_stats_lcore(unsigned int lcore_id)
{
	return lcore_id < RTE_MAX_LCORE ? stats_registry.lcore[lcore_id] : NULL;
}

void
synq_stats_sum(struct synq_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		const struct synq_counters *c = stats_registry.lcore[l];

		if (c == NULL)
			continue;
		for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
			out->v[i] += synq_counter_read(c, i);
	}
}

int
synq_stats_pool_register(const struct rte_mempool *mp, uint32_t reserve)
{
	int rc = 0;

	pthread_mutex_lock(&stats_registry.lock);
	if (stats_registry.nb_pools < RTE_DIM(stats_registry.pools))
		stats_registry.pools[stats_registry.nb_pools++] =
			(struct stats_pool){.mp = mp, .reserve = reserve};
	else
		rc = -ENOSPC;
	pthread_mutex_unlock(&stats_registry.lock);
	return rc;
}

int
synq_stats_port_register(uint16_t port_id, const char *name)
{
	struct stats_port *p;
	int rc = 0;

	pthread_mutex_lock(&stats_registry.lock);
	if (stats_registry.nb_ports < RTE_DIM(stats_registry.ports)) {
		p = &stats_registry.ports[stats_registry.nb_ports++];
		p->port_id = port_id;
		p->name = name;
		p->ipv6_fn = NULL;
	} else {
		rc = -ENOSPC;
	}
	pthread_mutex_unlock(&stats_registry.lock);
	return rc;
}

int
synq_stats_port_set_ipv6(uint16_t port_id, json_t *(*fn)(const void *arg), const void *arg)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&stats_registry.lock);
	for (unsigned int i = 0; i < stats_registry.nb_ports; i++) {
		struct stats_port *p = &stats_registry.ports[i];

		if (p->port_id != port_id)
			continue;
		p->ipv6_fn = fn;
		p->ipv6_arg = arg;
		rc = 0;
	}
	pthread_mutex_unlock(&stats_registry.lock);
	return rc;
}

void
synq_stats_set_listeners(json_t *(*fn)(const void *arg), const void *arg)
{
	pthread_mutex_lock(&stats_registry.lock);
	stats_registry.listeners_fn = fn;
	stats_registry.listeners_arg = arg;
	pthread_mutex_unlock(&stats_registry.lock);
}

void
synq_stats_set_conns(synq_stats_tel_fn fn, void *arg)
{
	pthread_mutex_lock(&stats_registry.lock);
	stats_registry.conns_fn = fn;
	stats_registry.conns_arg = arg;
	pthread_mutex_unlock(&stats_registry.lock);
}

double
stats_uptime(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - stats_registry.start.tv_sec) +
		(double)(now.tv_nsec - stats_registry.start.tv_nsec) / 1e9;
}
