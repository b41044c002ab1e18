/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The route table (synq_route.h): built once from the config, then a linear
 * longest-prefix match over entries sorted longest prefix first. The config parser
 * already refused what would make a lookup ambiguous (a subnet on two ports, two
 * routes with one prefix, a route over a subnet, a next hop on no link or on two).
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "synq_route.h"

static uint32_t
mask4(unsigned int plen)
{
	return plen == 0 ? 0 : UINT32_MAX << (32 - plen);
}

static uint64_t
mask64(unsigned int plen)
{
	return plen == 0 ? 0 : plen >= 64 ? UINT64_MAX : UINT64_MAX << (64 - plen);
}

static uint64_t
half6(const uint8_t *a)
{
	uint64_t v;

	memcpy(&v, a, 8);
	return rte_be_to_cpu_64(v);
}

/* Insert keeping the longest prefix first; among equals, the order of insertion. */
static void
add4(struct synq_route_table *rt, const struct synq_route_v4 *e)
{
	unsigned int i = rt->nb_v4;

	while (i > 0 && rt->v4[i - 1].plen < e->plen) {
		rt->v4[i] = rt->v4[i - 1];
		i--;
	}
	rt->v4[i] = *e;
	rt->nb_v4++;
}

static void
add6(struct synq_route_table *rt, const struct synq_route_v6 *e)
{
	unsigned int i = rt->nb_v6;

	while (i > 0 && rt->v6[i - 1].plen < e->plen) {
		rt->v6[i] = rt->v6[i - 1];
		i--;
	}
	rt->v6[i] = *e;
	rt->nb_v6++;
}

static bool
match6(const struct synq_route_v6 *e, uint64_t hi, uint64_t lo)
{
	return (hi & e->mask[0]) == e->net[0] && (lo & e->mask[1]) == e->net[1];
}

static struct synq_route_v6
entry6(const uint8_t *addr, unsigned int plen, uint16_t port, unsigned int src)
{
	struct synq_route_v6 e = {
		.mask = {mask64(plen), plen > 64 ? mask64(plen - 64) : 0},
		.port = port,
		.src = (uint8_t)src,
		.plen = (uint8_t)plen,
	};

	e.net[0] = half6(addr) & e.mask[0];
	e.net[1] = half6(addr + 8) & e.mask[1];
	return e;
}

/* The on-link subnets of port @p pi: one entry each, the first address the source. */
static void
add_subnets(struct synq_route_table *rt, const struct synq_config_port *cp, uint16_t pi)
{
	for (unsigned int a = 0; a < cp->nb_ipv4; a++) {
		struct synq_route_v4 e = {
			.mask = mask4(cp->ipv4_plen[a]),
			.port = pi,
			.src = (uint8_t)a,
			.plen = cp->ipv4_plen[a],
		};
		bool dup = false;

		if (e.plen == 32)
			continue; /* a host address: no subnet */
		e.net = rte_be_to_cpu_32(cp->ipv4[a]) & e.mask;
		for (unsigned int i = 0; i < rt->nb_v4; i++)
			dup |= rt->v4[i].plen == e.plen && rt->v4[i].net == e.net;
		if (!dup)
			add4(rt, &e);
	}
	for (unsigned int a = 0; a < cp->nb_ipv6; a++) {
		struct synq_route_v6 e;
		bool dup = false;

		if (cp->ipv6_plen[a] == 128)
			continue;
		e = entry6(cp->ipv6[a], cp->ipv6_plen[a], pi, a);
		for (unsigned int i = 0; i < rt->nb_v6; i++)
			dup |= rt->v6[i].plen == e.plen && rt->v6[i].net[0] == e.net[0] &&
				rt->v6[i].net[1] == e.net[1];
		if (!dup)
			add6(rt, &e);
	}
}

int
synq_route_source(const struct synq_config_port *cp, uint8_t family, const uint8_t *via)
{
	unsigned int n = family == 4 ? cp->nb_ipv4 : cp->nb_ipv6;
	int best = -1, best_len = -1;

	for (unsigned int a = 0; a < n; a++) {
		unsigned int plen = family == 4 ? cp->ipv4_plen[a] : cp->ipv6_plen[a];
		const uint8_t *pa = family == 4 ? (const uint8_t *)&cp->ipv4[a] : cp->ipv6[a];
		bool in = memcmp(pa, via, plen / 8) == 0 && (plen % 8 == 0 ||
			((pa[plen / 8] ^ via[plen / 8]) & (0xff << (8 - plen % 8))) == 0);

		if (in && (int)plen > best_len) {
			best = (int)a;
			best_len = (int)plen;
		}
	}
	if (best >= 0 || n == 0)
		return n > 0 ? best : -1;
	/* a link-local next hop: the first address that is not link-local, else the first */
	for (unsigned int a = 0; family == 6 && a < n; a++)
		if (!synq_in6_linklocal(cp->ipv6[a]))
			return (int)a;
	return 0;
}

int
synq_route_build(struct synq_route_table *rt, const struct synq_config *cfg)
{
	memset(rt, 0, sizeof(*rt));
	for (unsigned int pi = 0; pi < cfg->nb_ports; pi++)
		add_subnets(rt, &cfg->ports[pi], (uint16_t)pi);
	for (unsigned int i = 0; i < cfg->nb_routes; i++) {
		const struct synq_config_route *r = &cfg->routes[i];
		int src;

		if (r->port >= cfg->nb_ports)
			return -EINVAL;
		src = synq_route_source(&cfg->ports[r->port], r->family, r->via);
		if (src < 0)
			return -EINVAL;
		if (r->family == 4) {
			struct synq_route_v4 e = {
				.mask = mask4(r->plen),
				.port = r->port,
				.src = (uint8_t)src,
				.plen = r->plen,
			};

			memcpy(&e.via, r->via, 4);
			e.net = rte_be_to_cpu_32(*(const uint32_t *)(const void *)r->prefix) &
				e.mask;
			add4(rt, &e);
		} else {
			struct synq_route_v6 e = entry6(r->prefix, r->plen, r->port,
				(unsigned int)src);

			memcpy(e.via, r->via, 16);
			add6(rt, &e);
		}
	}
	return 0;
}

int
synq_route_lookup4(const struct synq_route_table *rt, uint32_t dst, struct synq_route_hop *hop)
{
	uint32_t h = rte_be_to_cpu_32(dst);

	for (unsigned int i = 0; i < rt->nb_v4; i++) {
		const struct synq_route_v4 *e = &rt->v4[i];

		if ((h & e->mask) != e->net)
			continue;
		memset(hop, 0, sizeof(*hop));
		hop->port = e->port;
		hop->src = e->src;
		hop->onlink = e->via == 0;
		memcpy(hop->addr, hop->onlink ? &dst : &e->via, 4);
		return 0;
	}
	return -ENETUNREACH;
}

int
synq_route_lookup6(const struct synq_route_table *rt, const uint8_t dst[16],
	struct synq_route_hop *hop)
{
	static const uint8_t zero[16];
	uint64_t hi = half6(dst), lo = half6(dst + 8);
	/* a link-local destination never goes to a router: on-link entries only */
	bool scoped = synq_in6_linklocal(dst);

	for (unsigned int i = 0; i < rt->nb_v6; i++) {
		const struct synq_route_v6 *e = &rt->v6[i];

		if (!match6(e, hi, lo) || (scoped && memcmp(e->via, zero, 16) != 0))
			continue;
		hop->port = e->port;
		hop->src = e->src;
		hop->onlink = memcmp(e->via, zero, 16) == 0;
		memcpy(hop->addr, hop->onlink ? dst : e->via, 16);
		return 0;
	}
	return -ENETUNREACH;
}
