/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_STATS_H
#define SYNQ_STATS_H

/**
 * @file
 * Per-lcore counters with a single writer each, summed when read, and the JSON
 * document and telemetry commands built from them.
 *
 * Writers are the lcore that owns a struct synq_counters; they update it with
 * synq_counter_add(), a relaxed atomic store that compiles to a plain move.
 * Readers (the main lcore, the telemetry thread) load with relaxed atomics and never
 * write. Nothing here takes a lock on the packet path.
 */

#include <stdint.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_lcore.h>

enum synq_counter {
#define SYNQ_COUNTER(id, name, desc) SYNQ_CTR_##id,
#include "synq_counters.def"
#undef SYNQ_COUNTER
	SYNQ_CTR_MAX
};

/** One lcore's counters; written by that lcore only. */
struct synq_counters {
	uint64_t v[SYNQ_CTR_MAX]; /* owner lcore: rw, readers: ro (relaxed loads) */
} __rte_cache_aligned;

/** Add @p n to counter @p id. Only the owning lcore may call this. */
static inline void
synq_counter_add(struct synq_counters *c, enum synq_counter id, uint64_t n)
{
	__atomic_store_n(&c->v[id], c->v[id] + n, __ATOMIC_RELAXED);
}

/** Add one to counter @p id. Only the owning lcore may call this. */
static inline void
synq_counter_inc(struct synq_counters *c, enum synq_counter id)
{
	synq_counter_add(c, id, 1);
}

/** Set gauge @p id (a counter that goes down too). Only the owning lcore may call this. */
static inline void
synq_counter_set(struct synq_counters *c, enum synq_counter id, uint64_t v)
{
	__atomic_store_n(&c->v[id], v, __ATOMIC_RELAXED);
}

/** Read counter @p id of @p c; safe from any thread. */
static inline uint64_t
synq_counter_read(const struct synq_counters *c, enum synq_counter id)
{
	return __atomic_load_n(&c->v[id], __ATOMIC_RELAXED);
}

/** The counter's name as JSON, telemetry and the docs show it (nstat style). */
const char *synq_counter_name(enum synq_counter id);

/** One line saying what the counter counts. */
const char *synq_counter_desc(enum synq_counter id);

/**
 * Record the start time that uptime is measured from, and forget every registered
 * lcore and port. Control plane, before any lcore is launched.
 */
void synq_stats_reset(void);

/**
 * Stop answering telemetry: call before freeing counters or closing ports. Control
 * plane only; synq_stats_reset() opens it again.
 */
void synq_stats_close(void);

/**
 * Register @p c as the counters of @p lcore_id with @p role ("worker", "app", "both",
 * "main"). @p c must stay valid until synq_stats_reset(). Control plane only.
 *
 * @return 0, or -EINVAL for a bad lcore id, -EEXIST if the lcore is registered.
 */
int synq_stats_lcore_register(unsigned int lcore_id, struct synq_counters *c, const char *role);

/** Counters registered for @p lcore_id, or NULL. Any thread. */
struct synq_counters *synq_stats_lcore(unsigned int lcore_id);

/** Sum every registered lcore's counters into @p out. Any thread. */
void synq_stats_sum(struct synq_counters *out);

/**
 * Add ethdev port @p port_id, shown as @p name, to the device stats of the JSON
 * document and of telemetry. Control plane only.
 */
int synq_stats_port_register(uint16_t port_id, const char *name);

/**
 * Where the "ipv6" array of registered port @p port_id in the JSON document comes
 * from: @p fn(@p arg), called by whichever thread builds the document (its addresses
 * and their duplicate address detection states). Control plane.
 *
 * @return 0, or -ENOENT for a port not registered.
 */
int synq_stats_port_set_ipv6(uint16_t port_id, json_t *(*fn)(const void *arg), const void *arg);

struct rte_mempool;
struct synq_srcsketch;

/**
 * Add lcore @p lcore_id's SYN sources' sketch @p s to telemetry (/synq/syn_sources):
 * read through synq_srcsketch_read() only, while the registry is live. Control plane,
 * before the lcores launch.
 *
 * @return 0, -EINVAL, or -EEXIST when the lcore has one.
 */
int synq_stats_sketch_register(unsigned int lcore_id, const struct synq_srcsketch *s);

/**
 * Add mbuf pool @p mp, of which @p reserve mbufs are the queues' (connections never
 * hold them), to the JSON document ("mempools": in use, free) and to telemetry
 * (/synq/mempools). Control plane only.
 */
int synq_stats_pool_register(const struct rte_mempool *mp, uint32_t reserve);

/**
 * Where the document's "listeners" array comes from: @p fn(@p arg), called by
 * whichever thread builds the document. NULL: an empty array. Control plane.
 */
void synq_stats_set_listeners(json_t *(*fn)(const void *arg), const void *arg);

struct rte_tel_data;

/** A telemetry command another module answers (DPDK's rte_telemetry_cb, with an arg). */
typedef int (*synq_stats_tel_fn)(void *arg, const char *params, struct rte_tel_data *d);

/**
 * Who answers /synq/conns: @p fn(@p arg, params, d), on telemetry's thread, once the
 * registry let go of its lock (the answer may wait for the workers: lib/worker's
 * synq_runtime_tel_conns()). @p arg must outlive the telemetry thread; NULL: the
 * command answers -ENOTSUP. Control plane.
 */
void synq_stats_set_conns(synq_stats_tel_fn fn, void *arg);

/**
 * issue 15: a command that acts (/synq/reload, /synq/rotate_secret): it returns its
 * reply, a JSON object of integers and strings (strings cut to DPDK's 127 bytes), or
 * NULL for -ENOMEM. Called on the telemetry thread, outside the registry's lock: it
 * must bound its own wait and be safe while synq stops.
 */
typedef json_t *(*synq_stats_cmd_t)(void);

/**
 * Set the handlers of /synq/reload and /synq/rotate_secret (NULL: the command answers
 * -ENOTSUP). Control plane, before synq_stats_telemetry_init().
 */
void synq_stats_set_control(synq_stats_cmd_t reload, synq_stats_cmd_t rotate_secret);

/**
 * The whole statistics document: time, uptime, summed counters, per-lcore counters,
 * per-port device stats, listeners. Any thread; the caller owns the reference.
 */
json_t *synq_stats_json(void);

/**
 * synq_stats_json() from a thread that must never wait (an application lcore: the
 * metrics app): NULL when the registry is held (telemetry reads it, teardown began)
 * or not live. The registry held meanwhile, as telemetry holds it.
 */
json_t *synq_stats_json_try(void);

/**
 * Write synq_stats_json() to @p path atomically: a temporary file beside it, then
 * rename(2), so a reader sees either the previous document or the new one whole. The
 * temporary file is created exclusively and never through a symbolic link.
 *
 * @return 0 or a negative errno.
 */
int synq_stats_write_file(const char *path);

/**
 * Check that synq_stats_write_file(@p path) can work (its temporary file can be
 * created beside it), without writing @p path: readers take the file's first
 * appearance as "synq is running".
 *
 * @return 0 or a negative errno.
 */
int synq_stats_check_file(const char *path);

/**
 * Register the telemetry commands /synq/stats, /synq/lcores, /synq/lcore_stats,
 * /synq/ports, /synq/listeners, /synq/backends, /synq/conns and
 * /synq/syn_sources with DPDK telemetry (dpdk-telemetry.py reads them). After
 * rte_eal_init().
 *
 * @return 0 or a negative errno.
 */
int synq_stats_telemetry_init(void);

#endif /* SYNQ_STATS_H */
