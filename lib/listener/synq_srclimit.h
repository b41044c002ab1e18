/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_SRCLIMIT_H
#define SYNQ_SRCLIMIT_H

/**
 * @file
 * Per-source connection limits (listeners[].max_conns_per_source and
 * max_conns_per_prefix), as HAProxy's stick-table conn_cur or nginx's limit_conn:
 * how many connections one client address, and one /24 (IPv4) or /64 (IPv6), has on
 * a listener. One table per worker, written by that worker alone: the worker that
 * promotes a connection takes its place (synq_srclimit_take()) and gives it back
 * when the connection ends (synq_srclimit_put()).
 *
 * RSS hashes the 4-tuple, so one address's connections spread over the workers:
 * each worker allows ceil(limit / workers), and the node as a whole at most
 * workers * ceil(limit / workers) (the limit itself when it divides evenly). A
 * client under the limit whose ports hash unevenly may be refused a little early.
 *
 * The table has a fixed size: two entries (address, prefix) for every connection the
 * worker can carry on a limited listener (max_flows + 1 each), at half load at most,
 * so it is never full in practice; an entry lives while its count is above 0. The
 * table is at most 2^22 entries (96 MiB): listeners whose limited max_flows sum past
 * about 2^20 a worker are refused at start-up (-E2BIG, logged). Were
 * it full anyway, a new source is refused (SynqSrcLimitTableFull): fail closed. The
 * slots are found with SipHash under a key of the worker's own, so that no client
 * can choose addresses that collide.
 */

#include <stdbool.h>
#include <stdint.h>

#include "synq_listener.h"
#include "synq_stats.h"

struct synq_srclimit;

/**
 * The table for listeners @p ls, on @p socket; *@p out NULL when no listener has a
 * limit (take and put then do nothing). Control plane.
 *
 * @return 0, or -ENOMEM / -EIO (no random key) / -E2BIG (the limited listeners'
 *   max_flows + 1 sum past 2^20: logged).
 */
int synq_srclimit_create(struct synq_srclimit **out, const struct synq_listeners *ls, int socket);

/** Free @p t (NULL is ignored). */
void synq_srclimit_free(struct synq_srclimit *t);

/**
 * A new connection from @p addr (@p family 4: 4 bytes, 6: 16) on listener @p li.
 * Owning worker only.
 *
 * @return 0 when it is within the listener's limits (counted in); -EBUSY when the
 *   address or its prefix has its share already, -ENOSPC when the table is full:
 *   counted in @p ctr (SynqSrcLimitSource, SynqSrcLimitPrefix,
 *   SynqSrcLimitTableFull), nothing kept.
 */
int synq_srclimit_take(struct synq_srclimit *t, struct synq_counters *ctr, unsigned int li,
	uint8_t family, const uint8_t *addr);

/** The connection of synq_srclimit_take() ended. Owning worker only. */
void synq_srclimit_put(
	struct synq_srclimit *t, unsigned int li, uint8_t family, const uint8_t *addr);

/** Connections counted for @p addr (or its prefix, with @p prefix) on @p li. */
uint32_t synq_srclimit_count(const struct synq_srclimit *t, unsigned int li, uint8_t family,
	const uint8_t *addr, bool prefix);

#endif /* SYNQ_SRCLIMIT_H */
