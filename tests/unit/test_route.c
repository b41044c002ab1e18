/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The route table (lib/net/synq_route.h), built from parsed configs as synq builds it:
 * on-link subnets, the default route, the longest match whatever the config's order,
 * IPv6, no route, the /0 and /32 (/128) edges, the source address of each route.
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
#include "synq_route.h"

static struct synq_config cfg;
static struct synq_route_table rt;
static char err[SYNQ_CONFIG_ERR_LEN];

/* Two ports, p0 and p1, both polled by lcore 1. */
#define LCORES "\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":\"p0\"},{\"port\":\"p1\"}]}]"

/* Parse "{ports, lcores, routes}" from its parts and build the table. */
static void
build(const char *p0_addrs, const char *p1_addrs, const char *routes)
{
	char text[4096];

	snprintf(text, sizeof(text), "{\"ports\":[{\"name\":\"p0\",%s},{\"name\":\"p1\",%s}],"
		LCORES ",\"routes\":[%s]}", p0_addrs, p1_addrs, routes);
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s: %s", text, err);
	assert_int_equal(synq_route_build(&rt, &cfg), 0);
}

/* @p dst goes out of @p port to next hop @p via (NULL: on-link, dst), source @p src. */
static void
expect4(const char *dst, unsigned int port, const char *via, unsigned int src)
{
	struct synq_route_hop hop;
	uint32_t d = inet_addr(dst), v = via != NULL ? inet_addr(via) : d;

	if (synq_route_lookup4(&rt, d, &hop) != 0)
		fail_msg("%s: no route", dst);
	if (hop.port != port || hop.onlink != (via == NULL) || memcmp(hop.addr, &v, 4) != 0 ||
		hop.src != src)
		fail_msg("%s: port %u onlink %d src %u, expected port %u via %s src %u", dst,
			hop.port, hop.onlink, hop.src, port, via != NULL ? via : "(on link)", src);
}

static void
expect6(const char *dst, unsigned int port, const char *via, unsigned int src)
{
	struct synq_route_hop hop;
	uint8_t d[16], v[16];

	assert_int_equal(inet_pton(AF_INET6, dst, d), 1);
	assert_int_equal(inet_pton(AF_INET6, via != NULL ? via : dst, v), 1);
	if (synq_route_lookup6(&rt, d, &hop) != 0)
		fail_msg("%s: no route", dst);
	if (hop.port != port || hop.onlink != (via == NULL) || memcmp(hop.addr, v, 16) != 0 ||
		hop.src != src)
		fail_msg("%s: port %u onlink %d src %u, expected port %u via %s src %u", dst,
			hop.port, hop.onlink, hop.src, port, via != NULL ? via : "(on link)", src);
}

static void
expect_none4(const char *dst)
{
	struct synq_route_hop hop = {.port = 77};

	assert_int_equal(synq_route_lookup4(&rt, inet_addr(dst), &hop), -ENETUNREACH);
	assert_int_equal(hop.port, 77); /* untouched */
}

static void
expect_none6(const char *dst)
{
	struct synq_route_hop hop = {.port = 77};
	uint8_t d[16];

	assert_int_equal(inet_pton(AF_INET6, dst, d), 1);
	assert_int_equal(synq_route_lookup6(&rt, d, &hop), -ENETUNREACH);
	assert_int_equal(hop.port, 77);
}

static void
test_onlink(void **state __rte_unused)
{
	build("\"ipv4\":[\"198.18.8.1/24\",\"198.18.9.1/24\"]", "\"ipv4\":[\"10.0.0.1/30\"]", "");
	expect4("198.18.8.77", 0, NULL, 0);
	expect4("198.18.9.2", 0, NULL, 1);
	expect4("10.0.0.2", 1, NULL, 0);
	expect_none4("10.0.0.5");
	expect_none4("198.18.10.1");
	/* a second address in a subnet already there adds no entry; its first is the source */
	build("\"ipv4\":[\"198.18.8.1/24\",\"198.18.8.2/24\"]", "\"ipv4\":[]", "");
	assert_int_equal(rt.nb_v4, 1);
	expect4("198.18.8.9", 0, NULL, 0);
}

/* A bare address is a host address, as before prefixes existed: nothing is on-link. */
static void
test_host_address_no_subnet(void **state __rte_unused)
{
	build("\"ipv4\":[\"198.18.0.1\"],\"ipv6\":[\"2001:2::1\"]", "\"ipv4\":[\"198.19.0.1/32\"]",
		"");
	assert_int_equal(rt.nb_v4, 0);
	assert_int_equal(rt.nb_v6, 0);
	expect_none4("198.18.0.2");
	expect_none4("198.19.0.1");
	expect_none6("2001:2::2");
}

static void
test_default_route(void **state __rte_unused)
{
	build("\"ipv4\":[\"198.18.8.1/24\"]", "\"ipv4\":[\"192.0.2.1/24\"]",
		"{\"prefix\":\"0.0.0.0/0\",\"via\":\"192.0.2.254\"}");
	expect4("8.8.8.8", 1, "192.0.2.254", 0);
	expect4("198.18.8.3", 0, NULL, 0); /* on-link beats the default */
	/* the /0 edge: the extremes of the address space */
	expect4("0.0.0.1", 1, "192.0.2.254", 0);
	expect4("255.255.255.254", 1, "192.0.2.254", 0);
}

/* The longest prefix wins, whatever order the config gives the routes in. */
static void
test_longest_match(void **state __rte_unused)
{
	static const char *const orders[] = {
		"{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254\"},"
		"{\"prefix\":\"10.0.0.0/8\",\"via\":\"198.18.8.1\"},"
		"{\"prefix\":\"10.1.0.0/16\",\"via\":\"192.0.2.2\"},"
		"{\"prefix\":\"10.1.2.0/24\",\"via\":\"198.18.8.3\"},"
		"{\"prefix\":\"10.1.2.3/32\",\"via\":\"192.0.2.4\"}",
		"{\"prefix\":\"10.1.2.3/32\",\"via\":\"192.0.2.4\"},"
		"{\"prefix\":\"10.1.2.0/24\",\"via\":\"198.18.8.3\"},"
		"{\"prefix\":\"10.1.0.0/16\",\"via\":\"192.0.2.2\"},"
		"{\"prefix\":\"10.0.0.0/8\",\"via\":\"198.18.8.1\"},"
		"{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254\"}",
		"{\"prefix\":\"10.1.0.0/16\",\"via\":\"192.0.2.2\"},"
		"{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254\"},"
		"{\"prefix\":\"10.1.2.3/32\",\"via\":\"192.0.2.4\"},"
		"{\"prefix\":\"10.0.0.0/8\",\"via\":\"198.18.8.1\"},"
		"{\"prefix\":\"10.1.2.0/24\",\"via\":\"198.18.8.3\"}",
	};

	for (unsigned int i = 0; i < RTE_DIM(orders); i++) {
		build("\"ipv4\":[\"198.18.8.100/24\"]", "\"ipv4\":[\"192.0.2.1/24\"]", orders[i]);
		expect4("10.1.2.3", 1, "192.0.2.4", 0);	   /* the /32 edge: that host only */
		expect4("10.1.2.4", 0, "198.18.8.3", 0);   /* its neighbour: the /24 */
		expect4("10.1.3.1", 1, "192.0.2.2", 0);	   /* /16 */
		expect4("10.200.0.1", 0, "198.18.8.1", 0); /* /8 */
		expect4("11.0.0.0", 0, "198.18.8.254", 0); /* /0 */
		expect4("192.0.2.9", 1, NULL, 0);	   /* on link */
	}
}

/* One port's subnet inside another's: the longer one, the other port. */
static void
test_nested_subnets(void **state __rte_unused)
{
	build("\"ipv4\":[\"10.0.0.1/8\"]", "\"ipv4\":[\"10.1.0.1/16\"]", "");
	expect4("10.1.2.3", 1, NULL, 0);
	expect4("10.2.0.1", 0, NULL, 0);
}

/* A route's source is the address whose subnet holds its next hop. */
static void
test_source_address(void **state __rte_unused)
{
	build("\"ipv4\":[\"198.18.8.1/24\",\"198.18.9.1/24\"],"
	      "\"ipv6\":[\"2001:db8::1/64\",\"2001:db8:1::1/64\"]", "\"ipv4\":[]",
		"{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.9.254\"},"
		"{\"prefix\":\"::/0\",\"via\":\"2001:db8:1::fe\"}");
	expect4("8.8.8.8", 0, "198.18.9.254", 1);
	expect6("2001:4860::8888", 0, "2001:db8:1::fe", 1);
}

static void
test_ipv6(void **state __rte_unused)
{
	build("\"ipv6\":[\"2001:db8::1/64\"]", "\"ipv6\":[\"2001:db8:ff::1/126\"]",
		"{\"prefix\":\"2001:db8:5::/48\",\"via\":\"2001:db8::fe\"},"
		"{\"prefix\":\"2001:db8:5:1::/64\",\"via\":\"2001:db8:ff::2\"},"
		"{\"prefix\":\"2001:db8:5:1::7/128\",\"via\":\"2001:db8::7\"},"
		"{\"prefix\":\"2001:db8:6::/47\",\"via\":\"2001:db8:ff::3\"}");
	expect6("2001:db8::abcd", 0, NULL, 0);
	expect6("2001:db8:ff::2", 1, NULL, 0);
	expect6("2001:db8:5:2::1", 0, "2001:db8::fe", 0);
	expect6("2001:db8:5:1::1", 1, "2001:db8:ff::2", 0);
	expect6("2001:db8:5:1::7", 0, "2001:db8::7", 0); /* the /128 edge */
	expect6("2001:db8:5:1::8", 1, "2001:db8:ff::2", 0);
	expect6("2001:db8:7:ffff::1", 1, "2001:db8:ff::3", 0); /* a /47: bit 47 ignored */
	expect_none6("2001:db8:8::1");
	expect_none6("2001:db8:ff::4");
	expect_none6("fe80::1"); /* link-local: on every link, no port's */
	expect_none4("198.18.0.1");
}

/* ::/0 through the router's link-local address, on the port "port" names. */
static void
test_ipv6_default_link_local(void **state __rte_unused)
{
	build("\"ipv6\":[\"2001:db8::1/64\"]", "\"ipv6\":[\"2001:db8:2::1/64\",\"2001:db8:3::1\"]",
		"{\"prefix\":\"::/0\",\"via\":\"fe80::1\",\"port\":\"p1\"}");
	expect6("2001:4860::8888", 1, "fe80::1", 0);
	expect6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 1, "fe80::1", 0);
	expect6("2001:db8::9", 0, NULL, 0);
	/* a link-local destination never goes to a router (synq_route.h) */
	expect_none6("fe80::5");
}

/* A link-local next hop: the source is the port's first global address, in any order. */
static void
test_ipv6_source_for_link_local_hop(void **state __rte_unused)
{
	build("\"ipv6\":[\"fe80::1\",\"2001:db8::1/64\"]", "\"ipv6\":[]",
		"{\"prefix\":\"::/0\",\"via\":\"fe80::fe\",\"port\":\"p0\"}");
	expect6("2001:4860::8888", 0, "fe80::fe", 1);
}

static void
test_no_route(void **state __rte_unused)
{
	build("\"ipv4\":[]", "\"ipv4\":[]", "");
	expect_none4("8.8.8.8");
	expect_none6("2001:db8::1");
	/* an IPv4 default does not route IPv6, nor the reverse */
	build("\"ipv4\":[\"198.18.8.1/24\"]", "\"ipv6\":[\"2001:db8::1/64\"]",
		"{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254\"}");
	expect_none6("2001:db9::1");
	build("\"ipv4\":[\"198.18.8.1/24\"]", "\"ipv6\":[\"2001:db8::1/64\"]",
		"{\"prefix\":\"::/0\",\"via\":\"2001:db8::fe\"}");
	expect_none4("8.8.8.8");
	expect6("2001:db9::1", 1, "2001:db8::fe", 0);
}

/* What the parser lets through is all the table takes: a forged config is refused. */
static void
test_build_refuses(void **state __rte_unused)
{
	build("\"ipv4\":[\"198.18.8.1/24\"]", "\"ipv4\":[]",
		"{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254\"}");
	cfg.routes[0].port = SYNQ_MAX_PORTS;
	assert_int_equal(synq_route_build(&rt, &cfg), -EINVAL);
	/* the most entries there can be fit: every route and every address a subnet */
	assert_true(RTE_DIM(rt.v4) >= SYNQ_MAX_ROUTES + SYNQ_MAX_PORTS * SYNQ_MAX_ADDRS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_onlink),
		cmocka_unit_test(test_host_address_no_subnet),
		cmocka_unit_test(test_default_route),
		cmocka_unit_test(test_longest_match),
		cmocka_unit_test(test_nested_subnets),
		cmocka_unit_test(test_source_address),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_default_link_local),
		cmocka_unit_test(test_ipv6_source_for_link_local_hop),
		cmocka_unit_test(test_no_route),
		cmocka_unit_test(test_build_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
