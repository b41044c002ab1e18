/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's SYN table; the interface and its rules are in synq_syntab.h. The storage
 * is a keyed table (tcp_ktab.h); what is the SYN table's own is the retransmission
 * schedule and how it gives way under pressure.
 */

#include <assert.h>
#include <stdint.h>

#include <rte_common.h>

#include "synq_syntab.h"
#include "tcp_ktab.h"

static_assert(sizeof(struct synq_syn_entry) == TCP_KTAB_ENTRY,
	"a SYN table entry is one keyed-table entry, one cache line");

/*
 * Retransmission intervals stop doubling here. Only a caller's max_retries above 20
 * reaches it, and it keeps next_ms - now_ms below 2^31, where the wrap-safe
 * comparison (int32_t)(now_ms - next_ms) still sees the timer as in the future.
 */
#define RTO_MAX_SHIFT 20
static_assert(((uint64_t)SYNQ_SYNTAB_RTO_MS << RTO_MAX_SHIFT) < INT32_MAX,
	"retransmission interval must stay below 2^31 ms");

/* The table is the keyed table itself: no state of its own. */
struct synq_syntab;

static inline struct tcp_ktab *
kt(struct synq_syntab *t)
{
	return (struct tcp_ktab *)t;
}

static inline const struct tcp_ktab *
ckt(const struct synq_syntab *t)
{
	return (const struct tcp_ktab *)t;
}

struct synq_syntab *
synq_syntab_create(uint32_t max_entries, int socket)
{
	return (struct synq_syntab *)tcp_ktab_create("synq_syntab", max_entries, socket);
}

void
synq_syntab_free(struct synq_syntab *t)
{
	tcp_ktab_free(kt(t));
}

uint32_t
synq_syntab_count(const struct synq_syntab *t)
{
	return tcp_ktab_count(ckt(t));
}

uint32_t
synq_syntab_capacity(const struct synq_syntab *t)
{
	return tcp_ktab_capacity(ckt(t));
}

unsigned int
synq_syntab_pressure(const struct synq_syntab *t)
{
	return tcp_ktab_pressure(ckt(t));
}

void
synq_syntab_key_of(const struct synq_syn_entry *e, struct synq_flow_key *key)
{
	*key = e->key;
}

void
synq_syntab_prefetch(const struct synq_syntab *t, const struct synq_flow_key *key)
{
	tcp_ktab_prefetch(ckt(t), key);
}

struct synq_syn_entry *
synq_syntab_lookup(struct synq_syntab *t, const struct synq_flow_key *key)
{
	return tcp_ktab_lookup(kt(t), key);
}

void
synq_syntab_seed(struct synq_syntab *t, const struct tcp_hash_seed *seed)
{
	tcp_ktab_seed(kt(t), seed);
}

void
synq_syntab_prefetch_h(const struct synq_syntab *t, uint64_t h)
{
	tcp_ktab_prefetch_h(ckt(t), h);
}

struct synq_syn_entry *
synq_syntab_lookup_h(struct synq_syntab *t, const struct synq_flow_key *key, uint64_t h)
{
	return tcp_ktab_lookup_h(kt(t), key, h);
}

struct synq_syn_entry *
synq_syntab_insert(struct synq_syntab *t, const struct synq_flow_key *key, uint32_t now_ms)
{
	return synq_syntab_insert_h(t, key, tcp_ktab_hash(ckt(t), key), now_ms);
}

struct synq_syn_entry *
synq_syntab_insert_h(
	struct synq_syntab *t, const struct synq_flow_key *key, uint64_t h, uint32_t now_ms)
{
	struct synq_syn_entry *e = tcp_ktab_insert_h(kt(t), key, h);

	if (e != NULL) {
		e->syn_ms = now_ms;
		e->next_ms = now_ms + SYNQ_SYNTAB_RTO_MS;
		e->flags = SYNQ_SYN_F_USED;
	}
	return e;
}

void
synq_syntab_remove(struct synq_syntab *t, struct synq_syn_entry *e)
{
	tcp_ktab_remove(kt(t), e);
}

/*
 * Retries allowed for an entry that has had @p retries, at pressure @p drop
 * (tcp_ktab_pressure()). Under pressure only entries already retransmitted lose
 * retries: one whose SYN-ACK has gone unanswered is more likely a spoofed source than a
 * fresh one, and a fresh one is what a real client is waiting for. The floor of 2
 * keeps one more try for a client that lost one SYN-ACK; a caller's max_retries below
 * 2 is kept as is, never raised by pressure.
 */
static inline unsigned int
retry_limit(unsigned int drop, uint8_t retries, uint8_t max_retries)
{
	unsigned int least = RTE_MIN(max_retries, 2u);

	if (retries == 0 || drop == 0)
		return max_retries;
	return max_retries >= drop + least ? max_retries - drop : least;
}

struct timer_pass {
	const struct tcp_ktab *t;
	uint32_t now_ms;
	uint8_t max_retries;
	unsigned int max_out;
	struct synq_syn_entry **retransmit;
	struct synq_syn_entry *expired;
	unsigned int nr, ne;
};

static unsigned int
timer_visit(void *entry, void *arg)
{
	struct synq_syn_entry *e = entry;
	struct timer_pass *tp = arg;
	unsigned int v;

	if ((int32_t)(tp->now_ms - e->next_ms) < 0)
		return TCP_KTAB_KEEP;
	if (e->retries < retry_limit(tcp_ktab_pressure(tp->t), e->retries, tp->max_retries)) {
		e->retries++;
		e->next_ms = tp->now_ms +
			     ((uint32_t)SYNQ_SYNTAB_RTO_MS << RTE_MIN(e->retries, RTO_MAX_SHIFT));
		tp->retransmit[tp->nr++] = e;
		v = TCP_KTAB_KEEP;
	} else {
		tp->expired[tp->ne++] = *e;
		v = TCP_KTAB_REMOVE;
	}
	return v | (tp->nr == tp->max_out || tp->ne == tp->max_out ? TCP_KTAB_LAST : 0);
}

uint32_t
synq_syntab_timers(struct synq_syntab *t, uint32_t now_ms, unsigned int budget, uint8_t max_retries,
	struct synq_syn_entry **retransmit, struct synq_syn_entry *expired, unsigned int max_out)
{
	struct timer_pass tp = {
		.t = ckt(t),
		.now_ms = now_ms,
		.max_retries = max_retries,
		/* both counts must fit their 16 bits of the result */
		.max_out = RTE_MIN(max_out, (unsigned int)UINT16_MAX),
		.retransmit = retransmit,
		.expired = expired,
	};

	if (tp.max_out != 0)
		tcp_ktab_sweep(kt(t), budget, timer_visit, &tp);
	return tp.nr | (uint32_t)tp.ne << 16;
}
