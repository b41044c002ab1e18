/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's memory of flows that ended; the interface is in synq_flowmem.h, the
 * storage is a keyed table (tcp_ktab.h).
 */

#include <assert.h>

#include "synq_flowmem.h"
#include "tcp_ktab.h"

static_assert(sizeof(struct synq_flowmem_entry) == TCP_KTAB_ENTRY,
	"a flow memory entry is one keyed-table entry, one cache line");

/* The table is the keyed table itself. */
struct synq_flowmem;

static inline struct tcp_ktab *
kt(struct synq_flowmem *t)
{
	return (struct tcp_ktab *)t;
}

struct synq_flowmem *
synq_flowmem_create(const char *name, uint32_t max_entries, int socket)
{
	return (struct synq_flowmem *)tcp_ktab_create(name, max_entries, socket);
}

void
synq_flowmem_free(struct synq_flowmem *t)
{
	tcp_ktab_free(kt(t));
}

uint32_t
synq_flowmem_count(const struct synq_flowmem *t)
{
	return tcp_ktab_count((const struct tcp_ktab *)t);
}

uint32_t
synq_flowmem_capacity(const struct synq_flowmem *t)
{
	return tcp_ktab_capacity((const struct tcp_ktab *)t);
}

uint32_t
synq_flowmem_slots(const struct synq_flowmem *t)
{
	return tcp_ktab_slots((const struct tcp_ktab *)t);
}

const struct synq_flowmem_entry *
synq_flowmem_next(const struct synq_flowmem *t, uint32_t *pos, uint32_t end)
{
	return tcp_ktab_next((const struct tcp_ktab *)t, pos, end);
}

struct synq_flowmem_entry *
synq_flowmem_lookup(struct synq_flowmem *t, const struct synq_flow_key *key)
{
	return tcp_ktab_lookup(kt(t), key);
}

void
synq_flowmem_seed(struct synq_flowmem *t, const struct tcp_hash_seed *seed)
{
	tcp_ktab_seed(kt(t), seed);
}

struct synq_flowmem_entry *
synq_flowmem_lookup_h(struct synq_flowmem *t, const struct synq_flow_key *key, uint64_t h)
{
	return tcp_ktab_lookup_h(kt(t), key, h);
}

struct synq_flowmem_entry *
synq_flowmem_insert(struct synq_flowmem *t, const struct synq_flow_key *key, uint32_t now_ms,
	uint32_t lifetime_ms)
{
	struct synq_flowmem_entry *e = tcp_ktab_insert(kt(t), key);

	if (e != NULL) {
		e->born_ms = now_ms;
		e->life_ms = lifetime_ms;
	}
	return e;
}

struct synq_flowmem_entry *
synq_flowmem_find_or_insert(struct synq_flowmem *t, const struct synq_flow_key *key,
	uint32_t now_ms, uint32_t lifetime_ms)
{
	return synq_flowmem_find_or_insert_h(
		t, key, tcp_ktab_hash(kt(t), key), now_ms, lifetime_ms);
}

struct synq_flowmem_entry *
synq_flowmem_find_or_insert_h(struct synq_flowmem *t, const struct synq_flow_key *key, uint64_t h,
	uint32_t now_ms, uint32_t lifetime_ms)
{
	bool found;
	struct synq_flowmem_entry *e = tcp_ktab_find_or_insert_h(kt(t), key, h, &found);

	if (e != NULL && !found) {
		e->born_ms = now_ms;
		e->life_ms = lifetime_ms;
	}
	return e;
}

void
synq_flowmem_remove(struct synq_flowmem *t, struct synq_flowmem_entry *e)
{
	tcp_ktab_remove(kt(t), e);
}

struct expire_pass {
	const struct tcp_ktab *t;
	uint32_t now_ms;
	unsigned int n;
};

static unsigned int
expire_visit(void *entry, void *arg)
{
	const struct synq_flowmem_entry *e = entry;
	struct expire_pass *ep = arg;

	/* ages are below 2^31 ms: a wrapped clock still subtracts right */
	if (ep->now_ms - e->born_ms < RTE_MAX(e->life_ms >> tcp_ktab_pressure(ep->t), e->min_ms))
		return TCP_KTAB_KEEP;
	ep->n++;
	return TCP_KTAB_REMOVE;
}

unsigned int
synq_flowmem_expire(struct synq_flowmem *t, uint32_t now_ms, unsigned int budget)
{
	struct expire_pass ep = {.t = kt(t), .now_ms = now_ms};

	tcp_ktab_sweep(kt(t), budget, expire_visit, &ep);
	return ep.n;
}
