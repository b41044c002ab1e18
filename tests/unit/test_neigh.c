/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table (lib/net/synq_neigh.h) with a fake clock and fake packets:
 * every RFC 4861 7.3 transition, the 7.2.5 advert rules, the queue and table bounds,
 * and what never makes or changes an entry (an advert for no entry, a group MAC, a
 * next hop off the port's subnets).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "synq_config.h"
#include "synq_neigh.h"
#include "synq_stats.h"

static struct synq_config cfg;
static struct synq_neigh_table nt;
static struct synq_counters ctr;
static char err[SYNQ_CONFIG_ERR_LEN];

/* Fake packets: slots whose address is the pointer; freed[] says which the table freed. */
#define NB_PKTS 16
static int pkts[NB_PKTS];
static int freed[NB_PKTS];
static unsigned int nb_freed;

static void
free_pkt(void *p)
{
	int *i = p;

	assert_true(i >= pkts && i < pkts + NB_PKTS);
	assert_int_equal(freed[i - pkts], 0); /* never freed twice */
	freed[i - pkts] = 1;
	nb_freed++;
}

static const struct rte_ether_addr mac_a = {{0x02, 0, 0, 0, 0, 0xa}};
static const struct rte_ether_addr mac_b = {{0x02, 0, 0, 0, 0, 0xb}};

/* p0: 198.18.0.1/16 and 2001:db8::1/64; p1: 198.19.0.1/24 and 2001:db8:1::1/64. */
static int
setup(void **state __rte_unused)
{
	const char *text = "{\"ports\":["
		"{\"name\":\"p0\",\"ipv4\":[\"198.18.0.1/16\"],\"ipv6\":[\"2001:db8::1/64\"]},"
		"{\"name\":\"p1\",\"ipv4\":[\"198.19.0.1/24\"],\"ipv6\":[\"2001:db8:1::1/64\"]}],"
		"\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":\"p0\"},{\"port\":\"p1\"}]}]}";

	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s: %s", text, err);
	memset(&ctr, 0, sizeof(ctr));
	memset(freed, 0, sizeof(freed));
	nb_freed = 0;
	synq_neigh_init(&nt, &cfg, free_pkt, &ctr);
	return 0;
}

static uint64_t
c(enum synq_counter id)
{
	return synq_counter_read(&ctr, id);
}

static void
v4(uint8_t a[16], const char *s)
{
	memset(a, 0, 16);
	assert_int_equal(inet_pton(AF_INET, s, a), 1);
}

static void
v6(uint8_t a[16], const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

/* Look up @p a on port 0 with @p pkt; return what synq_neigh_lookup() returns. */
static int
look(const uint8_t a[16], uint8_t fam, void *pkt, uint64_t now, struct rte_ether_addr *mac,
	bool *sent)
{
	struct synq_neigh_solicit sol;
	bool solicit;
	int r = synq_neigh_lookup(&nt, 0, fam, a, pkt, now, mac, &sol, &solicit);

	if (solicit) {
		assert_int_equal(sol.port, 0);
		assert_int_equal(sol.family, fam);
		assert_false(sol.unicast);
		assert_memory_equal(sol.addr, a, 16);
	}
	if (sent != NULL)
		*sent = solicit;
	return r;
}

/* An unknown next hop: INCOMPLETE, one multicast solicitation, 3 queued, the 4th dropped. */
static void
test_miss_queues(void **state __rte_unused)
{
	uint8_t a[16];
	struct rte_ether_addr mac;
	bool sent;

	v4(a, "198.18.0.2");
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[0], 1000, &mac, &sent), 1);
	assert_true(sent);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_INCOMPLETE);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[1], 1001, &mac, &sent), 1);
	assert_false(sent); /* the timer retransmits, not every packet */
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[2], 1002, &mac, &sent), 1);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[3], 1003, &mac, &sent), -ENOBUFS);
	assert_int_equal(nb_freed, 1);
	assert_true(freed[3]);
	assert_int_equal(c(SYNQ_CTR_NEIGH_QUEUE_FULL), 1);
	assert_int_equal(c(SYNQ_CTR_NEIGH_SOLICITS), 1);
	/* The same address on the other port, or as the other family's key, is another entry. */
	assert_int_equal(synq_neigh_state(&nt, 1, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FREE);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_FREE);
}

/* INCOMPLETE: multicast at 0, 1, 2 s; at 3 s FAILED, queue freed; FAILED refuses 3 s, then gone. */
static void
test_incomplete_gives_up(void **state __rte_unused)
{
	struct synq_neigh_solicit sol[4];
	struct rte_ether_addr mac;
	uint8_t a[16];
	bool sent;

	v4(a, "198.18.0.2");
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[0], 0, &mac, &sent), 1);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[1], 0, &mac, &sent), 1);
	assert_int_equal(synq_neigh_timers(&nt, 999, sol, 4), 0);
	assert_int_equal(synq_neigh_timers(&nt, 1000, sol, 4), 1);
	assert_false(sol[0].unicast);
	assert_memory_equal(sol[0].addr, a, 16);
	assert_int_equal(synq_neigh_timers(&nt, 1500, sol, 4), 0);
	assert_int_equal(synq_neigh_timers(&nt, 2000, sol, 4), 1);
	assert_int_equal(c(SYNQ_CTR_NEIGH_SOLICITS), SYNQ_NEIGH_MCAST_SOLICIT);
	assert_int_equal(nb_freed, 0);
	assert_int_equal(synq_neigh_timers(&nt, 3000, sol, 4), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FAILED);
	assert_int_equal(nb_freed, 2);
	assert_true(freed[0] && freed[1]);
	assert_int_equal(c(SYNQ_CTR_NEIGH_RESOLVE_FAILED), 1);
	assert_int_equal(c(SYNQ_CTR_NEIGH_UNRESOLVED_DROPS), 2);
	/* FAILED: packets refused at once, no new solicitation. */
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[2], 4000, &mac, &sent), -EHOSTUNREACH);
	assert_false(sent);
	assert_true(freed[2]);
	assert_int_equal(c(SYNQ_CTR_NEIGH_UNRESOLVED_DROPS), 3);
	/* After SYNQ_NEIGH_FAILED_MS the entry is freed; the next packet resolves anew. */
	assert_int_equal(synq_neigh_timers(&nt, 3000 + SYNQ_NEIGH_FAILED_MS, sol, 4), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FREE);
	assert_int_equal(nt.used, 0);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[3], 6000, &mac, &sent), 1);
	assert_true(sent);
}

/* A solicited advert resolves INCOMPLETE: REACHABLE, the queue handed back in order. */
static void
test_solicited_resolves(void **state __rte_unused)
{
	struct rte_ether_addr mac;
	void *out[SYNQ_NEIGH_QUEUE];
	uint8_t a[16];

	v6(a, "2001:db8::2");
	assert_int_equal(look(a, SYNQ_NEIGH_V6, &pkts[0], 0, &mac, NULL), 1);
	assert_int_equal(look(a, SYNQ_NEIGH_V6, &pkts[1], 0, &mac, NULL), 1);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V6, a, &mac_a, true, true, 10, out),
		2);
	assert_ptr_equal(out[0], &pkts[0]);
	assert_ptr_equal(out[1], &pkts[1]);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_REACHABLE);
	assert_int_equal(look(a, SYNQ_NEIGH_V6, &pkts[2], 20, &mac, NULL), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	assert_int_equal(nb_freed, 0);
	/* No retransmission is left armed. */
	struct synq_neigh_solicit sol[2];

	assert_int_equal(synq_neigh_timers(&nt, 5000, sol, 2), 0);
}

/* An advert for no entry (unsolicited ARP, gratuitous ARP, NA) creates none. */
static void
test_unsolicited_creates_nothing(void **state __rte_unused)
{
	void *out[SYNQ_NEIGH_QUEUE];
	uint8_t a[16];

	v4(a, "198.18.0.9");
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &mac_a, false, true, 0, out),
		-ENOENT);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &mac_a, true, true, 0, out),
		-ENOENT);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FREE);
	assert_int_equal(nt.used, 0);
}

/* A group or zero MAC never enters an entry, not even an INCOMPLETE one. */
static void
test_bad_mac(void **state __rte_unused)
{
	static const struct rte_ether_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	static const struct rte_ether_addr mcast = {{0x33, 0x33, 0, 0, 0, 1}};
	static const struct rte_ether_addr zero = {{0}};
	void *out[SYNQ_NEIGH_QUEUE];
	struct rte_ether_addr mac;
	uint8_t a[16];

	v4(a, "198.18.0.2");
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[0], 0, &mac, NULL), 1);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &bcast, true, true, 1, out),
		-EINVAL);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &mcast, true, true, 1, out),
		-EINVAL);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &zero, true, true, 1, out),
		-EINVAL);
	assert_int_equal(c(SYNQ_CTR_NEIGH_BAD_MAC), 3);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_INCOMPLETE);
	/* And on a resolved entry the MAC stays. */
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &mac_a, true, true, 2, out),
		1);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &bcast, false, true, 3, out),
		-EINVAL);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[1], 4, &mac, NULL), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
}

/* Next hops that are no unicast neighbour of the port: refused, freed, counted, no entry. */
static void
test_bad_target(void **state __rte_unused)
{
	static const char *const bad4[] = {
		"198.20.0.2",	   /* on no subnet */
		"198.19.0.2",	   /* p1's subnet, not p0's */
		"198.18.0.1",	   /* ours */
		"198.18.255.255",  /* the subnet's broadcast */
		"198.18.0.0",	   /* the subnet's number */
		"255.255.255.255", /* broadcast */
		"224.0.0.1",	   /* multicast */
		"0.0.0.0",
	};
	static const char *const bad6[] = {
		"2001:db8:1::2", /* p1's subnet */
		"2001:db8::1",	 /* ours */
		"ff02::1",	 /* multicast */
		"::",
		"2001:db9::2",
	};
	struct rte_ether_addr mac;
	unsigned int i, n = 0;
	uint8_t a[16];

	for (i = 0; i < RTE_DIM(bad4); i++, n++) {
		v4(a, bad4[i]);
		assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[n], 0, &mac, NULL), -EINVAL);
		assert_true(freed[n]);
	}
	for (i = 0; i < RTE_DIM(bad6); i++, n++) {
		v6(a, bad6[i]);
		assert_int_equal(look(a, SYNQ_NEIGH_V6, &pkts[n], 0, &mac, NULL), -EINVAL);
		assert_true(freed[n]);
	}
	/* An IPv4 key with bytes beyond the fourth is no IPv4 address. */
	v4(a, "198.18.0.2");
	a[4] = 1;
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[n++], 0, &mac, NULL), -EINVAL);
	/* A port that does not exist. */
	v4(a, "198.18.0.2");
	bool solicit;
	struct synq_neigh_solicit sol;

	assert_int_equal(synq_neigh_lookup(&nt, 5, SYNQ_NEIGH_V4, a, &pkts[n++], 0, &mac, &sol,
		&solicit), -EINVAL);
	assert_int_equal(c(SYNQ_CTR_NEIGH_BAD_TARGET), n);
	assert_int_equal(nb_freed, n);
	assert_int_equal(nt.used, 0);
	/* What is fine: on the subnet, and IPv6 link-local on any port. */
	v4(a, "198.18.200.7");
	assert_int_equal(look(a, SYNQ_NEIGH_V4, NULL, 0, &mac, NULL), 1);
	v6(a, "fe80::2");
	assert_int_equal(look(a, SYNQ_NEIGH_V6, NULL, 0, &mac, NULL), 1);
	assert_int_equal(synq_neigh_lookup(&nt, 1, SYNQ_NEIGH_V6, a, NULL, 0, &mac, &sol,
		&solicit), 1);
	assert_true(solicit);
	assert_int_equal(sol.port, 1);
	assert_int_equal(nt.used, 3);
}

/* Resolve @p a on port 0 with an advert (solicited or not) at @p now. */
static void
resolve(const uint8_t a[16], uint8_t fam, bool solicited, uint64_t now)
{
	struct rte_ether_addr mac;
	void *out[SYNQ_NEIGH_QUEUE];

	assert_int_equal(look(a, fam, NULL, now, &mac, NULL), 1);
	assert_int_equal(synq_neigh_advert(&nt, 0, fam, a, &mac_a, solicited, false, now, out), 0);
}

/*
 * An unsolicited advert resolves INCOMPLETE to STALE; sending enters DELAY; 5 s later
 * PROBE with unicast probes at 5, 6, 7 s to the MAC known (which serves meanwhile);
 * at 8 s FAILED.
 */
static void
test_stale_delay_probe_fail(void **state __rte_unused)
{
	struct synq_neigh_solicit sol[4];
	struct rte_ether_addr mac;
	uint8_t a[16];

	v4(a, "198.18.0.2");
	resolve(a, SYNQ_NEIGH_V4, false, 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_STALE);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[0], 0, &mac, NULL), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_DELAY);
	assert_int_equal(synq_neigh_timers(&nt, SYNQ_NEIGH_DELAY_MS - 1, sol, 4), 0);
	assert_int_equal(synq_neigh_timers(&nt, SYNQ_NEIGH_DELAY_MS, sol, 4), 1);
	assert_true(sol[0].unicast);
	assert_true(rte_is_same_ether_addr(&sol[0].mac, &mac_a));
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_PROBE);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[1], 5500, &mac, NULL), 0);
	assert_int_equal(synq_neigh_timers(&nt, 6000, sol, 4), 1);
	assert_true(sol[0].unicast);
	assert_int_equal(synq_neigh_timers(&nt, 7000, sol, 4), 1);
	assert_int_equal(c(SYNQ_CTR_NEIGH_SOLICITS), 1 + SYNQ_NEIGH_UCAST_SOLICIT);
	assert_int_equal(synq_neigh_timers(&nt, 8000, sol, 4), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FAILED);
	assert_int_equal(c(SYNQ_CTR_NEIGH_RESOLVE_FAILED), 1);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[2], 8001, &mac, NULL), -EHOSTUNREACH);
}

/* PROBE answered (solicited) or DELAY confirmed by the upper layer: REACHABLE, no probe. */
static void
test_probe_and_delay_confirmed(void **state __rte_unused)
{
	struct synq_neigh_solicit sol[4];
	struct rte_ether_addr mac;
	void *out[SYNQ_NEIGH_QUEUE];
	uint8_t a[16], b[16];

	v4(a, "198.18.0.2");
	v4(b, "198.18.0.3");
	resolve(a, SYNQ_NEIGH_V4, false, 0);
	resolve(b, SYNQ_NEIGH_V4, false, 0);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, NULL, 0, &mac, NULL), 0);
	assert_int_equal(look(b, SYNQ_NEIGH_V4, NULL, 0, &mac, NULL), 0);
	synq_neigh_confirm(&nt, 0, SYNQ_NEIGH_V4, b, 100);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, b), SYNQ_NEIGH_REACHABLE);
	assert_int_equal(synq_neigh_timers(&nt, SYNQ_NEIGH_DELAY_MS, sol, 4), 1); /* a only */
	assert_memory_equal(sol[0].addr, a, 16);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &mac_a, true, false, 5100,
		out), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_REACHABLE);
	assert_int_equal(synq_neigh_timers(&nt, 9000, sol, 4), 0);
	/* REACHABLE_TIME after its confirmation, each drops to STALE. */
	assert_int_equal(synq_neigh_timers(&nt, 100 + SYNQ_NEIGH_REACHABLE_MS, sol, 4), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, b), SYNQ_NEIGH_STALE);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_REACHABLE);
	assert_int_equal(synq_neigh_timers(&nt, 5100 + SYNQ_NEIGH_REACHABLE_MS, sol, 4), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_STALE);
	/* Confirm is a no-op on an unresolved entry. */
	v4(a, "198.18.0.4");
	assert_int_equal(look(a, SYNQ_NEIGH_V4, NULL, 0, &mac, NULL), 1);
	synq_neigh_confirm(&nt, 0, SYNQ_NEIGH_V4, a, 1);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_INCOMPLETE);
}

/* RFC 4861 7.2.5 on a resolved entry: the override flag and another MAC. */
static void
test_override_rules(void **state __rte_unused)
{
	struct rte_ether_addr mac;
	void *out[SYNQ_NEIGH_QUEUE];
	uint8_t a[16];

	v6(a, "2001:db8::2");
	resolve(a, SYNQ_NEIGH_V6, true, 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_REACHABLE);
	/* No override, another MAC: REACHABLE drops to STALE, the MAC stays. */
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V6, a, &mac_b, true, false, 1, out),
		0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_STALE);
	assert_int_equal(look(a, SYNQ_NEIGH_V6, NULL, 2, &mac, NULL), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
	/* Now DELAY: no override, another MAC: nothing changes. */
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V6, a, &mac_b, false, false, 3, out),
		0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_DELAY);
	/* Unsolicited with override, another MAC: the MAC changes, STALE. */
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V6, a, &mac_b, false, true, 4, out),
		0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_STALE);
	assert_int_equal(look(a, SYNQ_NEIGH_V6, NULL, 5, &mac, NULL), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	/* Unsolicited, the same MAC: the state stays (DELAY). */
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V6, a, &mac_b, false, false, 6, out),
		0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_DELAY);
	/* Solicited, the same MAC, no override: REACHABLE. */
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V6, a, &mac_b, true, false, 7, out),
		0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_REACHABLE);
	/* Solicited with override, another MAC: REACHABLE with it. */
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V6, a, &mac_a, true, true, 8, out),
		0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V6, a), SYNQ_NEIGH_REACHABLE);
	assert_int_equal(look(a, SYNQ_NEIGH_V6, NULL, 9, &mac, NULL), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_a));
}

/* A STALE entry nobody sends to is freed after SYNQ_NEIGH_STALE_MS. */
static void
test_stale_gc(void **state __rte_unused)
{
	struct synq_neigh_solicit sol[2];
	uint8_t a[16];

	v4(a, "198.18.0.2");
	resolve(a, SYNQ_NEIGH_V4, false, 0);
	assert_int_equal(synq_neigh_timers(&nt, SYNQ_NEIGH_STALE_MS - 1, sol, 2), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_STALE);
	assert_int_equal(synq_neigh_timers(&nt, SYNQ_NEIGH_STALE_MS, sol, 2), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FREE);
	assert_int_equal(nt.used, 0);
}

static void
nth4(uint8_t a[16], unsigned int i)
{
	char s[32];

	snprintf(s, sizeof(s), "198.18.%u.%u", 1 + i / 250, 1 + i % 250);
	v4(a, s);
}

/*
 * SYNQ_NEIGH_MAX resolving entries fill the table: the next is refused and counted.
 * A STALE entry is reused for a new one (the oldest first); resolving ones never.
 */
static void
test_table_full(void **state __rte_unused)
{
	struct rte_ether_addr mac;
	void *out[SYNQ_NEIGH_QUEUE];
	uint8_t a[16];
	unsigned int i;

	for (i = 0; i < SYNQ_NEIGH_MAX; i++) {
		nth4(a, i);
		assert_int_equal(look(a, SYNQ_NEIGH_V4, NULL, i, &mac, NULL), 1);
	}
	assert_int_equal(nt.used, SYNQ_NEIGH_MAX);
	nth4(a, SYNQ_NEIGH_MAX);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[0], 300, &mac, NULL), -ENOSPC);
	assert_true(freed[0]);
	assert_int_equal(c(SYNQ_CTR_NEIGH_TABLE_FULL), 1);
	/* Entries 7 then 3 go STALE: the new entry takes 7's (the older STALE timer). */
	nth4(a, 7);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &mac_a, false, true, 301, out),
		0);
	nth4(a, 3);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &mac_a, false, true, 302, out),
		0);
	nth4(a, SYNQ_NEIGH_MAX);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, NULL, 303, &mac, NULL), 1);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_INCOMPLETE);
	nth4(a, 7);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FREE);
	nth4(a, 3);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_STALE);
	assert_int_equal(nt.used, SYNQ_NEIGH_MAX);
	/* Every other entry is still found through its chain. */
	for (i = 0; i < SYNQ_NEIGH_MAX; i++) {
		nth4(a, i);
		if (i != 7 && i != 3)
			assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a),
				SYNQ_NEIGH_INCOMPLETE);
	}
}

/* Solicitations beyond the caller's room stay due and come out on the next call. */
static void
test_timers_room(void **state __rte_unused)
{
	struct synq_neigh_solicit sol[2];
	struct rte_ether_addr mac;
	uint8_t a[16], b[16];

	v4(a, "198.18.0.2");
	v4(b, "198.18.0.3");
	assert_int_equal(look(a, SYNQ_NEIGH_V4, NULL, 0, &mac, NULL), 1);
	assert_int_equal(look(b, SYNQ_NEIGH_V4, NULL, 0, &mac, NULL), 1);
	assert_int_equal(synq_neigh_timers(&nt, 1000, sol, 1), 1);
	assert_int_equal(synq_neigh_timers(&nt, 1001, sol, 1), 1);
	assert_int_equal(synq_neigh_timers(&nt, 1002, sol, 1), 0);
	assert_int_equal(synq_neigh_timers(&nt, 1003, NULL, 0), 0);
	assert_int_equal(c(SYNQ_CTR_NEIGH_SOLICITS), 4);
}

/*
 * Flush frees what the table holds, queued packets on every port and family, and
 * leaves it empty and usable: init alone would leak the queued packets.
 */
static void
test_flush(void **state __rte_unused)
{
	struct synq_neigh_solicit sol;
	struct rte_ether_addr mac;
	void *out[SYNQ_NEIGH_QUEUE];
	uint8_t a[16], b[16], d[16];
	bool solicit;

	v4(a, "198.18.0.2");
	v6(b, "2001:db8:1::2");
	v4(d, "198.18.0.3");
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[0], 0, &mac, NULL), 1);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[1], 0, &mac, NULL), 1);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[2], 0, &mac, NULL), 1);
	assert_int_equal(synq_neigh_lookup(&nt, 1, SYNQ_NEIGH_V6, b, &pkts[3], 0, &mac, &sol,
		&solicit), 1);
	resolve(d, SYNQ_NEIGH_V4, true, 0);
	assert_int_equal(nt.used, 3);
	synq_neigh_flush(&nt);
	assert_int_equal(nb_freed, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_true(freed[i]);
	assert_int_equal(c(SYNQ_CTR_NEIGH_UNRESOLVED_DROPS), 4);
	assert_int_equal(nt.used, 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FREE);
	assert_int_equal(synq_neigh_state(&nt, 1, SYNQ_NEIGH_V6, b), SYNQ_NEIGH_FREE);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, d), SYNQ_NEIGH_FREE);
	/* nothing is due any more, and the table works as new: every entry can be taken */
	assert_int_equal(synq_neigh_timers(&nt, 1000000, &sol, 1), 0);
	for (unsigned int i = 0; i < SYNQ_NEIGH_MAX; i++) {
		nth4(a, i);
		assert_int_equal(look(a, SYNQ_NEIGH_V4, NULL, 1, &mac, NULL), 1);
	}
	nth4(a, 0);
	assert_int_equal(synq_neigh_advert(&nt, 0, SYNQ_NEIGH_V4, a, &mac_a, true, true, 2, out),
		0);
	assert_int_equal(nb_freed, 4);
}

/*
 * A clock that goes back (the TCP worker's 32-bit milliseconds wrap every 49.7 days):
 * what was armed before fires at once, not 49 days on. Without that an INCOMPLETE
 * entry would hold its packets, and a FAILED one refuse its next hop, all that time.
 */
static void
test_clock_back(void **state __rte_unused)
{
	const uint64_t before = UINT32_MAX - 500, t0 = before - 3000;
	struct synq_neigh_solicit sol[4];
	struct rte_ether_addr mac;
	uint8_t a[16], b[16], d[16];
	bool sent;

	v4(a, "198.18.0.2");
	v4(b, "198.18.0.3");
	v4(d, "198.18.0.4");
	/* d FAILED just before the wrap, a INCOMPLETE with a packet, b REACHABLE */
	assert_int_equal(look(d, SYNQ_NEIGH_V4, NULL, t0, &mac, NULL), 1);
	assert_int_equal(synq_neigh_timers(&nt, t0 + 1000, sol, 4), 1);
	assert_int_equal(synq_neigh_timers(&nt, t0 + 2000, sol, 4), 1);
	assert_int_equal(synq_neigh_timers(&nt, before, sol, 4), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, d), SYNQ_NEIGH_FAILED);
	assert_int_equal(look(a, SYNQ_NEIGH_V4, &pkts[0], before, &mac, NULL), 1);
	resolve(b, SYNQ_NEIGH_V4, true, before);
	/* the clock wraps to 10: a retransmits, b goes STALE, d is freed */
	assert_int_equal(synq_neigh_timers(&nt, 10, sol, 4), 1);
	assert_memory_equal(sol[0].addr, a, 16);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, b), SYNQ_NEIGH_STALE);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, d), SYNQ_NEIGH_FREE);
	/* and runs on the new clock: a's last try, then it gives up and frees its packet */
	assert_int_equal(synq_neigh_timers(&nt, 1009, sol, 4), 0);
	assert_int_equal(synq_neigh_timers(&nt, 1010, sol, 4), 1);
	assert_int_equal(synq_neigh_timers(&nt, 2010, sol, 4), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, a), SYNQ_NEIGH_FAILED);
	assert_true(freed[0]);
	/* d resolves anew at once */
	assert_int_equal(look(d, SYNQ_NEIGH_V4, NULL, 2010, &mac, &sent), 1);
	assert_true(sent);
	/* a clock that stays put scans nothing while nothing is due */
	assert_int_equal(synq_neigh_timers(&nt, 2011, sol, 4), 0);
	assert_int_equal(synq_neigh_state(&nt, 0, SYNQ_NEIGH_V4, d), SYNQ_NEIGH_INCOMPLETE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_miss_queues, setup),
		cmocka_unit_test_setup(test_incomplete_gives_up, setup),
		cmocka_unit_test_setup(test_solicited_resolves, setup),
		cmocka_unit_test_setup(test_unsolicited_creates_nothing, setup),
		cmocka_unit_test_setup(test_bad_mac, setup),
		cmocka_unit_test_setup(test_bad_target, setup),
		cmocka_unit_test_setup(test_stale_delay_probe_fail, setup),
		cmocka_unit_test_setup(test_probe_and_delay_confirmed, setup),
		cmocka_unit_test_setup(test_override_rules, setup),
		cmocka_unit_test_setup(test_stale_gc, setup),
		cmocka_unit_test_setup(test_table_full, setup),
		cmocka_unit_test_setup(test_timers_room, setup),
		cmocka_unit_test_setup(test_flush, setup),
		cmocka_unit_test_setup(test_clock_back, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
