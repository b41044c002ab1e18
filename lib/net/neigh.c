/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table (synq_neigh.h): RFC 4861 section 7.3's state machine, for ARP
 * too, over a fixed array of entries chained from hash buckets. Entries are made by
 * lookups only (what synq sends), so the keys are ours, never an attacker's: the hash
 * needs no secret. Adverts update, never create (RFC 4861 7.2.5; Linux's rule for
 * unsolicited ARP).
 */

#include <assert.h>
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "synq_neigh.h"

/* The config refuses more next hops than a table holds (config_check_next_hops()). */
static_assert(SYNQ_NEIGH_MAX >= SYNQ_MAX_NEXT_HOPS, "a table holds every next hop");
/* synq_neigh_timers() takes a timer further ahead than this for a clock gone back. */
static_assert(SYNQ_NEIGH_LONGEST_MS >= SYNQ_NEIGH_REACHABLE_MS &&
		SYNQ_NEIGH_LONGEST_MS >= SYNQ_NEIGH_RETRANS_MS &&
		SYNQ_NEIGH_LONGEST_MS >= SYNQ_NEIGH_DELAY_MS &&
		SYNQ_NEIGH_LONGEST_MS >= SYNQ_NEIGH_FAILED_MS &&
		SYNQ_NEIGH_LONGEST_MS >= SYNQ_NEIGH_STALE_MS,
	"no state lasts longer than SYNQ_NEIGH_LONGEST_MS");

static void
count(struct synq_neigh_table *t, enum synq_counter id, uint64_t n)
{
	if (t->ctr != NULL && n > 0)
		synq_counter_add(t->ctr, id, n);
}

static void
drop(struct synq_neigh_table *t, void *pkt, enum synq_counter id)
{
	if (pkt == NULL)
		return;
	t->free_pkt(pkt);
	count(t, id, 1);
}

static unsigned int
hash(uint16_t port, uint8_t family, const uint8_t addr[16])
{
	uint32_t w[4];
	uint32_t h = (uint32_t)port << 8 | family;
	unsigned int i;

	memcpy(w, addr, sizeof(w));
	for (i = 0; i < 4; i++)
		h = (h ^ w[i]) * 0x9e3779b1u;
	return (h >> 16) & (SYNQ_NEIGH_BUCKETS - 1);
}

static bool
same(const struct synq_neigh_entry *e, uint16_t port, uint8_t family, const uint8_t addr[16])
{
	return e->port == port && e->family == family && memcmp(e->addr, addr, 16) == 0;
}

static struct synq_neigh_entry *
find(const struct synq_neigh_table *t, uint16_t port, uint8_t family, const uint8_t addr[16])
{
	uint16_t i = t->bucket[hash(port, family, addr)];

	while (i != SYNQ_NEIGH_NONE) {
		const struct synq_neigh_entry *e = &t->e[i];

		if (same(e, port, family, addr))
			return (struct synq_neigh_entry *)(uintptr_t)e;
		i = e->next;
	}
	return NULL;
}

static void
arm(struct synq_neigh_table *t, struct synq_neigh_entry *e, uint64_t when)
{
	e->timer = when;
	if (when < t->next_due)
		t->next_due = when;
}

/* Unchain entry @p e, drop what it queued (counted), put it on the free list. */
static void
release(struct synq_neigh_table *t, struct synq_neigh_entry *e)
{
	uint16_t idx = (uint16_t)(e - t->e);
	uint16_t *p = &t->bucket[hash(e->port, e->family, e->addr)];
	unsigned int i;

	while (*p != idx)
		p = &t->e[*p].next;
	*p = e->next;
	for (i = 0; i < e->nq; i++)
		drop(t, e->q[i], SYNQ_CTR_NEIGH_UNRESOLVED_DROPS);
	memset(e, 0, sizeof(*e));
	e->next = t->free_head;
	t->free_head = idx;
	t->used--;
}

/*
 * A free entry: from the free list, else the FAILED or STALE entry whose timer fires
 * first (neither holds packets nor is waited for), else none.
 */
static struct synq_neigh_entry *
take(struct synq_neigh_table *t)
{
	struct synq_neigh_entry *e, *victim = NULL;
	unsigned int i;

	if (t->free_head == SYNQ_NEIGH_NONE) {
		for (i = 0; i < SYNQ_NEIGH_MAX; i++) {
			e = &t->e[i];
			if ((e->state == SYNQ_NEIGH_FAILED || e->state == SYNQ_NEIGH_STALE) &&
				(victim == NULL || e->timer < victim->timer))
				victim = e;
		}
		if (victim == NULL)
			return NULL;
		release(t, victim);
	}
	e = &t->e[t->free_head];
	t->free_head = e->next;
	t->used++;
	return e;
}

void
synq_neigh_init(struct synq_neigh_table *t, const struct synq_config *cfg,
	synq_neigh_free_t free_pkt, struct synq_counters *ctr)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < SYNQ_NEIGH_BUCKETS; i++)
		t->bucket[i] = SYNQ_NEIGH_NONE;
	for (i = 0; i < SYNQ_NEIGH_MAX; i++)
		t->e[i].next = i + 1 < SYNQ_NEIGH_MAX ? (uint16_t)(i + 1) : SYNQ_NEIGH_NONE;
	t->free_head = 0;
	t->next_due = UINT64_MAX;
	t->cfg = cfg;
	t->free_pkt = free_pkt;
	t->ctr = ctr;
}

void
synq_neigh_flush(struct synq_neigh_table *t)
{
	for (unsigned int i = 0; i < SYNQ_NEIGH_MAX; i++)
		if (t->e[i].state != SYNQ_NEIGH_FREE)
			release(t, &t->e[i]);
	t->next_due = UINT64_MAX;
}

static bool
prefix_match(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	return bits == 0 || ((a[bytes] ^ b[bytes]) & (0xff00 >> bits)) == 0;
}

/*
 * Whether @p addr may be a neighbour of @p port: on one of the port's subnets (an IPv6
 * link-local address on any port, RFC 4291 2.5.6), not one of our addresses, not
 * broadcast (the subnet's all-ones host or 255.255.255.255), multicast or unspecified.
 */
static bool
neighbour_ok(const struct synq_config *cfg, uint16_t port, uint8_t family, const uint8_t addr[16])
{
	static const uint8_t zero[16];
	const struct synq_config_port *p;
	unsigned int i;

	if (port >= cfg->nb_ports)
		return false;
	p = &cfg->ports[port];
	if (family == SYNQ_NEIGH_V4) {
		uint32_t a = rte_be_to_cpu_32(*(const unaligned_uint32_t *)addr);
		bool onlink = false;

		/* Not an IPv4 key; 0.0.0.0; multicast, class E and 255.255.255.255. */
		if (memcmp(addr + 4, zero, 12) != 0 || a == 0 || (a >> 28) >= 14)
			return false;
		for (i = 0; i < p->nb_ipv4; i++) {
			uint32_t me = rte_be_to_cpu_32(p->ipv4[i]);
			uint32_t host =
				p->ipv4_plen[i] == 0 ? UINT32_MAX : UINT32_MAX >> p->ipv4_plen[i];
			uint32_t mask = ~host;

			if (a == me)
				return false;
			if (p->ipv4_plen[i] >= 32 || (a & mask) != (me & mask))
				continue;
			if (p->ipv4_plen[i] <= 30 && ((a & host) == host || (a & host) == 0))
				return false; /* directed broadcast, or the subnet's own number */
			onlink = true;
		}
		return onlink;
	}
	if (family != SYNQ_NEIGH_V6 || addr[0] == 0xff || memcmp(addr, zero, 16) == 0)
		return false;
	for (i = 0; i < p->nb_ipv6; i++)
		if (memcmp(addr, p->ipv6[i], 16) == 0)
			return false;
	if (synq_in6_linklocal(addr))
		return true;
	for (i = 0; i < p->nb_ipv6; i++)
		if (p->ipv6_plen[i] < 128 && prefix_match(addr, p->ipv6[i], p->ipv6_plen[i]))
			return true;
	return false;
}

static void
solicit(struct synq_neigh_table *t, const struct synq_neigh_entry *e, bool unicast,
	struct synq_neigh_solicit *sol)
{
	sol->port = e->port;
	sol->family = e->family;
	sol->unicast = unicast;
	memcpy(sol->addr, e->addr, 16);
	sol->mac = e->mac;
	count(t, SYNQ_CTR_NEIGH_SOLICITS, 1);
}

int
synq_neigh_lookup(struct synq_neigh_table *t, uint16_t port, uint8_t family, const uint8_t addr[16],
	void *pkt, uint64_t now, struct rte_ether_addr *mac, struct synq_neigh_solicit *sol,
	bool *solicit_now)
{
	struct synq_neigh_entry *e;
	uint16_t *b;

	*solicit_now = false;
	e = find(t, port, family, addr);
	if (e == NULL) {
		if (!neighbour_ok(t->cfg, port, family, addr)) {
			drop(t, pkt, SYNQ_CTR_NEIGH_BAD_TARGET);
			return -EINVAL;
		}
		e = take(t);
		if (e == NULL) {
			drop(t, pkt, SYNQ_CTR_NEIGH_TABLE_FULL);
			return -ENOSPC;
		}
		b = &t->bucket[hash(port, family, addr)];
		memcpy(e->addr, addr, 16);
		e->port = port;
		e->family = family;
		e->next = *b;
		*b = (uint16_t)(e - t->e);
		/* RFC 4861 7.2.2: create INCOMPLETE, send a multicast solicitation. */
		e->state = SYNQ_NEIGH_INCOMPLETE;
		e->probes = 1;
		arm(t, e, now + SYNQ_NEIGH_RETRANS_MS);
		solicit(t, e, false, sol);
		*solicit_now = true;
	}
	switch (e->state) {
	case SYNQ_NEIGH_INCOMPLETE:
		if (pkt == NULL)
			return 1;
		if (e->nq == SYNQ_NEIGH_QUEUE) {
			drop(t, pkt, SYNQ_CTR_NEIGH_QUEUE_FULL);
			return -ENOBUFS;
		}
		e->q[e->nq++] = pkt;
		return 1;
	case SYNQ_NEIGH_FAILED:
		drop(t, pkt, SYNQ_CTR_NEIGH_UNRESOLVED_DROPS);
		return -EHOSTUNREACH;
	case SYNQ_NEIGH_STALE:
		/* RFC 4861 7.3.3: sending to a STALE entry starts the DELAY timer. */
		e->state = SYNQ_NEIGH_DELAY;
		arm(t, e, now + SYNQ_NEIGH_DELAY_MS);
		break;
	default: /* REACHABLE, DELAY, PROBE: the MAC known serves meanwhile */
		break;
	}
	*mac = e->mac;
	return 0;
}

static void
set_stale(struct synq_neigh_table *t, struct synq_neigh_entry *e, uint64_t now)
{
	e->state = SYNQ_NEIGH_STALE;
	arm(t, e, now + SYNQ_NEIGH_STALE_MS);
}

static void
set_reachable(struct synq_neigh_table *t, struct synq_neigh_entry *e, uint64_t now)
{
	e->state = SYNQ_NEIGH_REACHABLE;
	e->probes = 0;
	arm(t, e, now + SYNQ_NEIGH_REACHABLE_MS);
}

int
synq_neigh_advert(struct synq_neigh_table *t, uint16_t port, uint8_t family, const uint8_t addr[16],
	const struct rte_ether_addr *mac, bool solicited, bool override, uint64_t now, void **out)
{
	struct synq_neigh_entry *e;
	bool differs;
	int n;

	/* RFC 826 and RFC 4861 4.6.1: a link-layer address is a unicast one, never a group. */
	if (!rte_is_valid_assigned_ether_addr(mac)) {
		count(t, SYNQ_CTR_NEIGH_BAD_MAC, 1);
		return -EINVAL;
	}
	e = find(t, port, family, addr);
	if (e == NULL)
		return -ENOENT; /* 7.2.5: no entry, the advertisement is silently discarded */
	if (e->state == SYNQ_NEIGH_INCOMPLETE || e->state == SYNQ_NEIGH_FAILED) {
		/* 7.2.5: record the address; REACHABLE if solicited, else STALE; send the queue. */
		e->mac = *mac;
		if (solicited)
			set_reachable(t, e, now);
		else
			set_stale(t, e, now);
		n = e->nq;
		memcpy(out, e->q, n * sizeof(e->q[0]));
		e->nq = 0;
		e->probes = 0;
		return n;
	}
	differs = !rte_is_same_ether_addr(mac, &e->mac);
	if (!override && differs) {
		/* 7.2.5: not an override with another address: REACHABLE drops to STALE only. */
		if (e->state == SYNQ_NEIGH_REACHABLE)
			set_stale(t, e, now);
		return 0;
	}
	e->mac = *mac;
	if (solicited)
		set_reachable(t, e, now);
	else if (differs)
		set_stale(t, e, now);
	return 0;
}

void
synq_neigh_confirm(struct synq_neigh_table *t, uint16_t port, uint8_t family,
	const uint8_t addr[16], uint64_t now)
{
	struct synq_neigh_entry *e = find(t, port, family, addr);

	if (e != NULL && e->state != SYNQ_NEIGH_INCOMPLETE && e->state != SYNQ_NEIGH_FAILED)
		set_reachable(t, e, now);
}

/* Give up on @p e (RFC 4861 7.3.3): FAILED for a while, its queue dropped and counted. */
static void
give_up(struct synq_neigh_table *t, struct synq_neigh_entry *e, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < e->nq; i++)
		drop(t, e->q[i], SYNQ_CTR_NEIGH_UNRESOLVED_DROPS);
	e->nq = 0;
	e->probes = 0;
	e->state = SYNQ_NEIGH_FAILED;
	memset(&e->mac, 0, sizeof(e->mac));
	arm(t, e, now + SYNQ_NEIGH_FAILED_MS);
	count(t, SYNQ_CTR_NEIGH_RESOLVE_FAILED, 1);
}

/*
 * Fire @p e's timer: 1 when it wrote a solicitation into @p sol, 0 when it wrote none,
 * -1 when one is due and @p room is false (the timer stays as it was, due).
 */
static int
fire(struct synq_neigh_table *t, struct synq_neigh_entry *e, uint64_t now,
	struct synq_neigh_solicit *sol, bool room)
{
	bool probe = e->state == SYNQ_NEIGH_PROBE;

	switch (e->state) {
	case SYNQ_NEIGH_INCOMPLETE:
	case SYNQ_NEIGH_PROBE:
		/* 7.3.3 and 7.2.2: a solicitation every RETRANS_TIMER, MAX_*_SOLICIT in all. */
		if (e->probes >= (probe ? SYNQ_NEIGH_UCAST_SOLICIT : SYNQ_NEIGH_MCAST_SOLICIT)) {
			give_up(t, e, now);
			return 0;
		}
		if (!room)
			return -1;
		e->probes++;
		arm(t, e, now + SYNQ_NEIGH_RETRANS_MS);
		solicit(t, e, probe, sol);
		return 1;
	case SYNQ_NEIGH_DELAY:
		/* 7.3.3: no confirmation within DELAY_FIRST_PROBE_TIME: probe unicast. */
		if (!room)
			return -1;
		e->state = SYNQ_NEIGH_PROBE;
		e->probes = 1;
		arm(t, e, now + SYNQ_NEIGH_RETRANS_MS);
		solicit(t, e, true, sol);
		return 1;
	case SYNQ_NEIGH_REACHABLE:
		set_stale(t, e, now); /* 7.3.3: REACHABLE_TIME without confirmation */
		return 0;
	default: /* STALE unused, FAILED held long enough */
		release(t, e);
		return 0;
	}
}

unsigned int
synq_neigh_timers(
	struct synq_neigh_table *t, uint64_t now, struct synq_neigh_solicit *sol, unsigned int max)
{
	unsigned int i, n = 0;
	uint64_t due = UINT64_MAX;

	/*
	 * Nothing due, unless the clock went back: every timer is armed at most
	 * SYNQ_NEIGH_LONGEST_MS ahead, so one further ahead was armed on a clock that has
	 * since gone back (a caller's 32-bit milliseconds wrap). Left alone it would fire
	 * when the clock is back there, 49 days on: an INCOMPLETE entry holding its
	 * packets, a FAILED one refusing its next hop all along. It fires now instead:
	 * one early step of its state machine, never a wrong MAC.
	 */
	if (t->used == 0 || (now < t->next_due && t->next_due - now <= SYNQ_NEIGH_LONGEST_MS))
		return 0;
	for (i = 0; i < SYNQ_NEIGH_MAX; i++) {
		struct synq_neigh_entry *e = &t->e[i];
		int r = 0;

		if (e->state != SYNQ_NEIGH_FREE && e->timer > now &&
			e->timer - now > SYNQ_NEIGH_LONGEST_MS)
			e->timer = now;
		if (e->state != SYNQ_NEIGH_FREE && e->timer <= now)
			r = fire(t, e, now, n < max ? &sol[n] : NULL, n < max);
		if (r > 0)
			n++;
		if (e->state != SYNQ_NEIGH_FREE && e->timer < due)
			due = e->timer; /* still due (r < 0): the next call fires it */
	}
	t->next_due = due;
	return n;
}

enum synq_neigh_state
synq_neigh_state(
	const struct synq_neigh_table *t, uint16_t port, uint8_t family, const uint8_t addr[16])
{
	const struct synq_neigh_entry *e = find(t, port, family, addr);

	return e == NULL ? SYNQ_NEIGH_FREE : (enum synq_neigh_state)e->state;
}
