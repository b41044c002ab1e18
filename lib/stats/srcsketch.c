/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SYN sources' sketch (synq_srcsketch.h): Space-Saving of the sampled SYNs, the
 * windows and their publication, and the merge of published windows.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include <rte_common.h>

#include "synq_srcsketch.h"

#define SS_MASK (SYNQ_SKETCH_IDX - 1)

_Static_assert(SYNQ_SKETCH_IDX <= 256 && SYNQ_SKETCH_IDX >= 2 * SYNQ_SKETCH_SLOTS &&
		       (SYNQ_SKETCH_IDX & SS_MASK) == 0,
	"the index's slots fit the home bytes, a power of two, at most half full");

/*
 * The HLL hash's key, one for the process: the registers of the workers' windows
 * merge by their maximum only if an address lands in the same register with the same
 * rank on every worker (RSS spreads one source's SYNs over all of them).
 */
static uint64_t hll_key[3]; /* [2]: synq_sketch_hll_mix4()'s multiplier, made odd */
static int hll_key_rc;
static pthread_once_t hll_key_once = PTHREAD_ONCE_INIT;

static void
hll_key_init(void)
{
	if (getrandom(hll_key, sizeof(hll_key), 0) != (ssize_t)sizeof(hll_key))
		hll_key_rc = -EIO;
	hll_key[2] |= 1; /* odd: the multiply a bijection, no address's bits lost */
}

int
synq_srcsketch_init(struct synq_srcsketch *s, uint64_t hz, uint64_t now_tsc)
{
	memset(s, 0, sizeof(*s));
	pthread_once(&hll_key_once, hll_key_init);
	if (hll_key_rc != 0)
		return hll_key_rc;
	s->key[0] = hll_key[0];
	s->key[1] = hll_key[1];
	s->hll_mul = hll_key[2];
	/* the Space-Saving slots' and the sample's: the worker's own */
	if (getrandom(s->key + 2, 2 * sizeof(s->key[0]), 0) != (ssize_t)(2 * sizeof(s->key[0])) ||
		getrandom(&s->rng, sizeof(s->rng), 0) != (ssize_t)sizeof(s->rng))
		return -EIO;
	s->rng |= 1; /* xorshift's one forbidden state is 0 */
	s->home0 = synq_sketch_fmix64(s->key[2]);
	s->hz_ms = RTE_MAX(hz / 1000, (uint64_t)1);
	s->window_tsc = s->hz_ms * SYNQ_SKETCH_WINDOW_MS;
	s->start_tsc = now_tsc;
	s->k = 1;
	s->skip = 1;
	s->gap = 1;
	s->live.sample = 1;
	rte_seqcount_init(&s->seq);
	return 0;
}

/* xorshift64* (Vigna 2016): the generator of the gaps, seeded from getrandom(). */
static inline uint64_t
rng_next(struct synq_srcsketch *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * UINT64_C(0x2545f4914f6cdd1d);
}

/* A gap uniform in [1, 2k - 1]: its mean k, so each SYN is sampled with odds 1/k. */
static inline uint32_t
gap_draw(struct synq_srcsketch *s)
{
	uint64_t r = rng_next(s) >> 32;

	return 1 + (uint32_t)((r * (2 * (uint64_t)s->k - 1)) >> 32);
}

/* The index slot of @p k: @p h0 the first half of its hash, of its first 8 bytes. */
static inline uint32_t
ss_home(const struct synq_srcsketch *s, uint64_t h0, const struct synq_sketch_key *k)
{
	uint64_t b;

	memcpy(&b, k->b + 8, 8);
	return (uint32_t)synq_sketch_fmix64(h0 ^ b ^ s->key[3]) & SS_MASK;
}

/* ss_home()'s first half: IPv4's keys (::ffff:a.b.c.d, its /24) have it made at init. */
static inline uint64_t
ss_home0(const struct synq_srcsketch *s, const struct synq_sketch_key *k)
{
	uint64_t a;

	memcpy(&a, k->b, 8);
	return synq_sketch_fmix64(a ^ s->key[2]);
}

static inline bool
key_eq(const struct synq_sketch_key *a, const struct synq_sketch_key *b)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	memcpy(&b0, b->b, 8);
	memcpy(&b1, b->b + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

static void
ss_index(struct synq_sketch_ss *ss, uint32_t j)
{
	uint32_t slot = ss->home[j];

	while (ss->idx[slot] != 0)
		slot = (slot + 1) & SS_MASK;
	ss->idx[slot] = (uint8_t)(j + 1);
}

/*
 * Entry @p j out of the index: linear probing's deletion by backward shift (Knuth,
 * TAOCP vol. 3, 6.4 algorithm R): each entry after the hole that may move into it,
 * its home not between the hole and itself, moves, until an empty slot.
 */
static void
ss_unindex(struct synq_sketch_ss *ss, uint32_t j)
{
	uint32_t hole = ss->home[j];

	while (ss->idx[hole] != j + 1)
		hole = (hole + 1) & SS_MASK;
	for (uint32_t i = (hole + 1) & SS_MASK; ss->idx[i] != 0; i = (i + 1) & SS_MASK) {
		uint32_t h = ss->home[ss->idx[i] - 1];

		if (((i - h) & SS_MASK) >= ((i - hole) & SS_MASK)) {
			ss->idx[hole] = ss->idx[i];
			hole = i;
		}
	}
	ss->idx[hole] = 0;
}

/*
 * The entry of the smallest count. Counts only grow, and a taken-over entry leaves
 * the smallest, so the first entry still at the last search's smallest, from where
 * that search stopped on, is the smallest again: a flood of new sources (each
 * sample taking over the smallest) finds it in a step or two, not a scan of all.
 */
static uint32_t
ss_min(struct synq_sketch_ss *ss)
{
	uint32_t j = 0;

	for (uint32_t i = ss->min_at; i < SYNQ_SKETCH_SLOTS; i++)
		if (ss->count[i] == ss->min_val) {
			ss->min_at = i;
			return i;
		}
	for (uint32_t i = 1; i < SYNQ_SKETCH_SLOTS; i++)
		if (ss->count[i] < ss->count[j])
			j = i;
	ss->min_val = ss->count[j];
	ss->min_at = j;
	return j;
}

/*
 * Space-Saving, weighted: a listed key gains @p w; a new one takes a free counter, or
 * the smallest's, counting from its count (the overestimate it may carry, err).
 */
static __rte_always_inline void
ss_add(const struct synq_srcsketch *s, struct synq_sketch_ss *ss, const struct synq_sketch_key *k,
	uint64_t h0, uint32_t w)
{
	uint32_t home = ss_home(s, h0, k);
	uint32_t slot = home;
	uint32_t j, min;

	ss->total += w;
	for (; ss->idx[slot] != 0; slot = (slot + 1) & SS_MASK) {
		j = ss->idx[slot] - 1u;
		if (key_eq(&ss->key[j], k)) {
			ss->count[j] += w;
			return;
		}
	}
	if (ss->n < SYNQ_SKETCH_SLOTS) {
		j = ss->n++;
		ss->key[j] = *k;
		ss->count[j] = w;
		ss->err[j] = 0;
		ss->home[j] = (uint8_t)home;
		ss->idx[slot] = (uint8_t)(j + 1);
		return;
	}
	j = ss_min(ss);
	min = ss->count[j];
	ss_unindex(ss, j);
	ss->key[j] = *k;
	ss->count[j] = min + w;
	ss->err[j] = min;
	ss->home[j] = (uint8_t)home;
	ss_index(ss, j);
}

void
synq_srcsketch_sample(struct synq_srcsketch *s, uint8_t family, const uint8_t *addr)
{
	struct synq_sketch_key k = {.b = {0}};

	s->live.syns += s->gap; /* the gap this SYN ends, every SYN of it fed */
	if (family == 4) {
		/* RFC 4291 2.5.5.2: ::ffff:a.b.c.d */
		k.b[10] = 0xff;
		k.b[11] = 0xff;
		memcpy(k.b + 12, addr, 4);
		ss_add(s, &s->live.ss[SYNQ_SKETCH_ADDR], &k, s->home0, s->k);
		k.b[15] = 0;
		ss_add(s, &s->live.ss[SYNQ_SKETCH_V4_24], &k, s->home0, s->k);
	} else {
		memcpy(k.b, addr, 16);
		ss_add(s, &s->live.ss[SYNQ_SKETCH_ADDR], &k, ss_home0(s, &k), s->k);
		memset(k.b + 6, 0, 10);
		ss_add(s, &s->live.ss[SYNQ_SKETCH_V6_48], &k, ss_home0(s, &k), s->k);
	}
	/* a flood past the budget: half the samples, twice the weight */
	if (++s->samples >= SYNQ_SKETCH_STEP && s->k < SYNQ_SKETCH_SAMPLE_MAX) {
		s->k <<= 1;
		s->samples = 0;
		s->live.sample = RTE_MAX(s->live.sample, s->k);
	}
	s->skip = s->gap = gap_draw(s);
}

void
synq_srcsketch_rotate(struct synq_srcsketch *s, uint64_t tsc)
{
	/* the SYNs of the gaps that ended, and those of the one under way */
	uint64_t syns = s->live.syns + (s->gap - s->skip);
	uint32_t k = 1;

	s->live.syns = syns;
	s->live.window_ms = (tsc - s->start_tsc) / s->hz_ms;
	rte_seqcount_write_begin(&s->seq);
	memcpy(&s->pub, &s->live, sizeof(s->pub));
	rte_seqcount_write_end(&s->seq);
	memset(&s->live, 0, sizeof(s->live));
	s->start_tsc = tsc;
	/* the k that would have kept the last window near its budget of samples */
	while (k < SYNQ_SKETCH_SAMPLE_MAX && syns / k > SYNQ_SKETCH_SAMPLES)
		k <<= 1;
	s->k = k;
	s->live.sample = k;
	s->samples = 0;
	s->skip = s->gap = gap_draw(s);
}

void
synq_srcsketch_read(const struct synq_srcsketch *s, struct synq_sketch_epoch *out)
{
	uint32_t sn;

	do {
		sn = rte_seqcount_read_begin(&s->seq);
		memcpy(out, &s->pub, sizeof(*out));
	} while (rte_seqcount_read_retry(&s->seq, sn));
}

uint64_t
synq_sketch_hll_estimate(const uint8_t *regs)
{
	const double m = SYNQ_SKETCH_HLL_REGS;
	double sum = 0, e;
	unsigned int zeros = 0;

	for (unsigned int j = 0; j < SYNQ_SKETCH_HLL_REGS; j++) {
		sum += ldexp(1.0, -(int)regs[j]);
		zeros += regs[j] == 0;
	}
	/* Flajolet et al. 2007, figure 3: alpha_m m^2 / sum 2^-M[j] */
	e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	/* small range: linear counting, m ln(m / V), while some register is empty */
	if (e <= 2.5 * m && zeros != 0)
		e = m * log(m / zeros);
	/* a 64-bit hash needs no large-range correction below 2^57 or so */
	return (uint64_t)(e + 0.5);
}

struct synq_sketch_view *
synq_sketch_view_create(unsigned int max_epochs)
{
	struct synq_sketch_view *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->max_epochs = max_epochs;
	for (unsigned int t = 0; t < SYNQ_SKETCH_KINDS; t++) {
		v->items[t] = calloc(
			(size_t)RTE_MAX(max_epochs, 1u) * SYNQ_SKETCH_SLOTS, sizeof(*v->items[t]));
		if (v->items[t] == NULL) {
			synq_sketch_view_free(v);
			return NULL;
		}
	}
	return v;
}

void
synq_sketch_view_free(struct synq_sketch_view *v)
{
	if (v == NULL)
		return;
	for (unsigned int t = 0; t < SYNQ_SKETCH_KINDS; t++)
		free(v->items[t]);
	free(v);
}

/*
 * Merging Space-Saving summaries (Agarwal et al., "Mergeable summaries", 2012): a
 * key's counts add up; in a summary that does not list it, it had at most that
 * summary's smallest counter (a full one's; 0 when it had room). So each merged
 * count is within the sum of the summaries' smallest counters of the truth.
 */
int
synq_sketch_view_add(struct synq_sketch_view *v, const struct synq_sketch_epoch *e)
{
	if (v->nb_epochs == v->max_epochs)
		return -ENOSPC;
	v->nb_epochs++;
	v->syns += e->syns;
	v->window_ms = RTE_MAX(v->window_ms, e->window_ms);
	v->sample = RTE_MAX(v->sample, e->sample);
	for (unsigned int j = 0; j < SYNQ_SKETCH_HLL_REGS; j++)
		v->hll[j] = RTE_MAX(v->hll[j], e->hll[j]);
	for (unsigned int t = 0; t < SYNQ_SKETCH_KINDS; t++) {
		const struct synq_sketch_ss *ss = &e->ss[t];
		uint32_t min = UINT32_MAX;

		for (uint32_t i = 0; i < ss->n && i < SYNQ_SKETCH_SLOTS; i++) {
			v->items[t][v->n[t]++] = (struct synq_sketch_item){
				.key = ss->key[i], .count = ss->count[i], .err = ss->err[i]};
			min = RTE_MIN(min, ss->count[i]);
		}
		if (ss->n == SYNQ_SKETCH_SLOTS)
			v->error[t] += min;
	}
	return 0;
}

static int
item_by_key(const void *a, const void *b)
{
	return memcmp(((const struct synq_sketch_item *)a)->key.b,
		((const struct synq_sketch_item *)b)->key.b, 16);
}

/*
 * By the SYNs known, then the count. Not by the count alone: under a flood of random
 * sources each sample takes the smallest counter over, and a source of one sampled
 * SYN lists the smallest count plus k, above a real source near the bound (k reaches
 * thousands in a flood's first window). Its known SYNs are k; the real one's, all of
 * them but what it took over.
 */
static int
item_by_count(const void *a, const void *b)
{
	const struct synq_sketch_item *x = a, *y = b;

	if (x->count - x->err != y->count - y->err)
		return x->count - x->err > y->count - y->err ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return item_by_key(a, b);
}

void
synq_sketch_view_finish(struct synq_sketch_view *v)
{
	for (unsigned int t = 0; t < SYNQ_SKETCH_KINDS; t++) {
		struct synq_sketch_item *it = v->items[t];
		uint32_t n = 0;

		qsort(it, v->n[t], sizeof(*it), item_by_key);
		for (uint32_t i = 0; i < v->n[t]; i++) {
			if (n != 0 && key_eq(&it[n - 1].key, &it[i].key)) {
				it[n - 1].count += it[i].count;
				it[n - 1].err += it[i].err;
			} else {
				it[n++] = it[i];
			}
		}
		v->n[t] = n;
		qsort(it, n, sizeof(*it), item_by_count);
	}
}

const char *
synq_sketch_key_str(
	enum synq_sketch_kind kind, const struct synq_sketch_key *key, char *buf, size_t len)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char a[INET6_ADDRSTRLEN];

	if (kind != SYNQ_SKETCH_V6_48 && memcmp(key->b, mapped, sizeof(mapped)) == 0)
		inet_ntop(AF_INET, key->b + 12, a, sizeof(a));
	else
		inet_ntop(AF_INET6, key->b, a, sizeof(a));
	if (kind == SYNQ_SKETCH_ADDR)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, kind == SYNQ_SKETCH_V4_24 ? 24u : 48u);
	return buf;
}
