/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-source connection limits (synq_srclimit.h): an open-addressing table with
 * linear probing and backward-shift deletion (no tombstones, so a churn of sources
 * never slows the lookups down), keyed by listener, kind, family and the address or
 * its prefix.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/random.h>

#include <rte_common.h>
#include <rte_log.h>

#include "synq_mem.h"
#include "synq_siphash.h"
#include "synq_srclimit.h"

/* The table's largest size (entries): 96 MiB. */
#define SRCLIMIT_MAX_ENTRIES (1u << 22)

enum kind {
	KIND_FREE = 0,
	KIND_ADDR,
	KIND_PREFIX,
};

struct entry {
	uint32_t count; /* connections; the entry is free at 0 */
	uint16_t listener;
	uint8_t family;
	uint8_t kind;	  /* enum kind */
	uint8_t addr[16]; /* the address, or the prefix with the rest zero */
};

struct synq_srclimit {
	struct synq_sipkey key;
	uint32_t mask; /* entries - 1 */
	bool eal_mem;
	uint32_t per_source[SYNQ_MAX_LISTENERS]; /* this worker's share; 0 = no limit */
	uint32_t per_prefix[SYNQ_MAX_LISTENERS];
	struct entry e[];
};

int
synq_srclimit_create(struct synq_srclimit **out, const struct synq_listeners *ls, int socket)
{
	uint64_t want = 0;
	uint32_t n;
	uint8_t key[16];
	struct synq_srclimit *t;

	*out = NULL;
	for (unsigned int i = 0; i < ls->nb; i++) {
		const struct synq_config_listener *c = ls->l[i].conf;

		if (c != NULL && (c->max_conns_per_source != 0 || c->max_conns_per_prefix != 0))
			want += 2 * ((uint64_t)ls->l[i].tcp.max_flows + 1);
	}
	if (want == 0)
		return 0;
	/* at most half full: past the largest table that could no longer hold */
	if (2 * want > SRCLIMIT_MAX_ENTRIES) {
		RTE_LOG(ERR, USER1,
			"srclimit: the max_flows of the listeners with max_conns_per_source or "
			"max_conns_per_prefix sum to %" PRIu64 " (+ 1 each), more than the %u "
			"a worker's table holds at half load\n",
			want / 2, SRCLIMIT_MAX_ENTRIES / 4);
		return -E2BIG;
	}
	n = (uint32_t)rte_align64pow2(2 * want);
	t = synq_mem_alloc(
		"synq_srclimit", sizeof(*t) + (size_t)n * sizeof(t->e[0]), socket, ls->eal_mem);
	if (t == NULL)
		return -ENOMEM;
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		synq_mem_free(t, ls->eal_mem);
		return -EIO;
	}
	t->key = synq_sipkey_load(key);
	t->mask = n - 1;
	t->eal_mem = ls->eal_mem;
	for (unsigned int i = 0; i < ls->nb; i++) {
		const struct synq_config_listener *c = ls->l[i].conf;
		uint32_t w = ls->nb_workers;

		if (c == NULL)
			continue;
		t->per_source[i] = (c->max_conns_per_source + w - 1) / w;
		t->per_prefix[i] = (c->max_conns_per_prefix + w - 1) / w;
	}
	*out = t;
	return 0;
}

void
synq_srclimit_free(struct synq_srclimit *t)
{
	if (t != NULL)
		synq_mem_free(t, t->eal_mem);
}

/* The key of @p addr (or of its prefix) on @p li, in an entry of count 0. */
static struct entry
key_of(unsigned int li, uint8_t family, const uint8_t *addr, enum kind kind)
{
	struct entry k = {.listener = (uint16_t)li, .family = family, .kind = (uint8_t)kind};
	size_t len = family == 4 ? (kind == KIND_PREFIX ? 3 : 4) : (kind == KIND_PREFIX ? 8 : 16);

	memcpy(k.addr, addr, len);
	return k;
}

static inline bool
same(const struct entry *a, const struct entry *b)
{
	return a->listener == b->listener && a->family == b->family && a->kind == b->kind &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

static inline uint32_t
home(const struct synq_srclimit *t, const struct entry *k)
{
	/* everything but the count */
	return (uint32_t)synq_siphash24(
		       &t->key, &k->listener, sizeof(*k) - offsetof(struct entry, listener)) &
	       t->mask;
}

/* The slot of @p k, or of the free slot where it would go (NULL: the table is full). */
static struct entry *
find(const struct synq_srclimit *t, const struct entry *k)
{
	uint32_t i = home(t, k);

	for (uint32_t probes = 0; probes <= t->mask; probes++, i = (i + 1) & t->mask) {
		struct entry *e = (struct entry *)&t->e[i];

		if (e->count == 0 || same(e, k))
			return e;
	}
	return NULL;
}

/* Free slot @p i, moving back the entries after it that would no longer be found. */
static void
erase(struct synq_srclimit *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t h;

		t->e[i].count = 0;
		do {
			j = (j + 1) & t->mask;
			if (t->e[j].count == 0)
				return;
			h = home(t, &t->e[j]);
			/* e[j] stays when its home lies cyclically in (i, j] */
		} while (i <= j ? (i < h && h <= j) : (i < h || h <= j));
		t->e[i] = t->e[j];
		i = j;
	}
}

static void
drop(struct synq_srclimit *t, const struct entry *k)
{
	struct entry *e = find(t, k);

	if (e == NULL || e->count == 0)
		return;
	if (--e->count == 0)
		erase(t, (uint32_t)(e - t->e));
}

/* Count @p k in (its slot was found free or its own); false when the table is full. */
static bool
add(struct synq_srclimit *t, const struct entry *k)
{
	struct entry *e = find(t, k);

	if (e == NULL)
		return false;
	if (e->count == 0)
		*e = *k;
	e->count++;
	return true;
}

/* Whether @p k has @p max connections already (false when it has none, or no room). */
static bool
at_limit(const struct synq_srclimit *t, const struct entry *k, uint32_t max)
{
	const struct entry *e = find(t, k);

	return e != NULL && e->count >= max;
}

int
synq_srclimit_take(struct synq_srclimit *t, struct synq_counters *ctr, unsigned int li,
	uint8_t family, const uint8_t *addr)
{
	struct entry ka, kp;

	if (t == NULL || (t->per_source[li] == 0 && t->per_prefix[li] == 0))
		return 0;
	ka = key_of(li, family, addr, KIND_ADDR);
	kp = key_of(li, family, addr, KIND_PREFIX);
	if (t->per_source[li] != 0 && at_limit(t, &ka, t->per_source[li])) {
		synq_counter_inc(ctr, SYNQ_CTR_SRC_LIMIT_SOURCE);
		return -EBUSY;
	}
	if (t->per_prefix[li] != 0 && at_limit(t, &kp, t->per_prefix[li])) {
		synq_counter_inc(ctr, SYNQ_CTR_SRC_LIMIT_PREFIX);
		return -EBUSY;
	}
	if (t->per_source[li] != 0 && !add(t, &ka))
		goto full;
	if (t->per_prefix[li] != 0 && !add(t, &kp)) {
		if (t->per_source[li] != 0)
			drop(t, &ka);
		goto full;
	}
	return 0;
full:
	synq_counter_inc(ctr, SYNQ_CTR_SRC_LIMIT_TABLE_FULL);
	return -ENOSPC;
}

void
synq_srclimit_put(struct synq_srclimit *t, unsigned int li, uint8_t family, const uint8_t *addr)
{
	struct entry k;

	if (t == NULL || (t->per_source[li] == 0 && t->per_prefix[li] == 0))
		return;
	if (t->per_source[li] != 0) {
		k = key_of(li, family, addr, KIND_ADDR);
		drop(t, &k);
	}
	if (t->per_prefix[li] != 0) {
		k = key_of(li, family, addr, KIND_PREFIX);
		drop(t, &k);
	}
}

uint32_t
synq_srclimit_count(const struct synq_srclimit *t, unsigned int li, uint8_t family,
	const uint8_t *addr, bool prefix)
{
	struct entry k = key_of(li, family, addr, prefix ? KIND_PREFIX : KIND_ADDR);
	const struct entry *e;

	if (t == NULL)
		return 0;
	e = find(t, &k);
	return e != NULL && same(e, &k) ? e->count : 0;
}
