/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Addresses with prefixes and routes (issue 13): the ports' addresses, each with an
 * optional "/len" that makes its subnet on-link, and the top-level "routes", each a
 * prefix and a next hop on the link of one port. The table built from them is
 * lib/net's (synq_route.h); here only what the file says, checked:
 *
 *   - a bare address is a host address (/32, /128), exactly as before prefixes
 *     existed, and "is this address ours" still compares the address alone;
 *   - a subnet is on one port only, and a route's prefix is no port's subnet;
 *   - a route's prefix has no host bits set, and no two routes have the same one;
 *   - no address, prefix or next hop is IPv4-mapped (::ffff:0:0/96), no port address
 *     has a /0, and no route's prefix is one of our own addresses;
 *   - a route's next hop ("via") is of the prefix's family, unicast, not ours, not a
 *     subnet's network, broadcast or subnet-router anycast address, and its port is
 *     the one with the longest subnet holding it, as the lookup finds it ("port", if
 *     given, must agree; it is needed for an IPv6 link-local next hop, which every
 *     port's link has). No recursion: a next hop is on a link or the route is refused.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "synq_config.h"
#include "config_priv.h"

/* "addr/len" at its longest: an IPv6 address, "/", three digits */
#define PREFIX_TEXT_MAX (INET6_ADDRSTRLEN + 4)

/* ::ffff:0:0/96, the IPv4-mapped addresses (RFC 4291 2.5.5.2) */
static const uint8_t v4mapped[16] = {[10] = 0xff, [11] = 0xff};

static unsigned int
family_bits(uint8_t family)
{
	return family == 4 ? 32 : 128;
}

/*
 * "addr" or "addr/len" into @p addr (IPv4 in the first 4 bytes) and @p plen (the full
 * length when no "/len"). The length is decimal digits only, without a leading zero.
 * Returns 0, -EAFNOSUPPORT (not an address of @p family), -ERANGE (a bad length).
 */
static int
parse_prefix(const char *s, uint8_t family, uint8_t addr[16], uint8_t *plen)
{
	char buf[PREFIX_TEXT_MAX + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	unsigned int len = 0;

	if (alen > PREFIX_TEXT_MAX)
		return -EAFNOSUPPORT;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, buf, addr) != 1)
		return -EAFNOSUPPORT;
	*plen = (uint8_t)family_bits(family);
	if (slash == NULL)
		return 0;
	s = slash + 1;
	if (*s == '\0' || strlen(s) > 3 || (s[0] == '0' && s[1] != '\0'))
		return -ERANGE;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -ERANGE;
		len = len * 10 + (unsigned int)(*s - '0');
	}
	if (len > family_bits(family))
		return -ERANGE;
	*plen = (uint8_t)len;
	return 0;
}

/* Whether @p a and @p b agree on their first @p plen bits. */
static bool
same_prefix(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int full = plen / 8, rest = plen % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* @p addr with its bits past @p plen cleared, into @p out. */
static void
mask_prefix(const uint8_t *addr, unsigned int plen, uint8_t out[16])
{
	memset(out, 0, 16);
	memcpy(out, addr, plen / 8);
	if (plen % 8 != 0)
		out[plen / 8] = addr[plen / 8] & (uint8_t)(0xff << (8 - plen % 8));
}

/*
 * Whether the bits of @p addr past @p plen (of @p bits) are all zero or, with @p ones,
 * all one: the network and broadcast addresses of an IPv4 subnet, the subnet-router
 * anycast address of an IPv6 one (RFC 4291 2.6.1).
 */
static bool
host_bits_all(const uint8_t *addr, unsigned int plen, unsigned int bits, bool ones)
{
	for (unsigned int b = plen; b < bits; b++)
		if (((addr[b / 8] >> (7 - b % 8)) & 1) != ones)
			return false;
	return true;
}

/* Address @p a of port @p cp (of @p family), as prefix bytes, and its length. */
static const uint8_t *
port_addr(const struct synq_config_port *cp, uint8_t family, unsigned int a, unsigned int *plen)
{
	*plen = family == 4 ? cp->ipv4_plen[a] : cp->ipv6_plen[a];
	return family == 4 ? (const uint8_t *)&cp->ipv4[a] : cp->ipv6[a];
}

static unsigned int
port_nb_addr(const struct synq_config_port *cp, uint8_t family)
{
	return family == 4 ? cp->nb_ipv4 : cp->nb_ipv6;
}

/* One entry of ports[].ipv4 / ipv6, "addr" or "addr/len", checked and stored. */
static int
parse_port_addr(struct config_parse *p, const json_t *v, const char *ipath, uint8_t family,
	struct synq_config_port *cp)
{
	unsigned int bits = family_bits(family);
	uint8_t a[16];
	uint8_t plen;
	int rc;

	if (config_want_string(p, v, ipath, NULL, family == 4 ? "an IPv4 address string" :
			"an IPv6 address string") != 0)
		return -EINVAL;
	rc = parse_prefix(json_string_value(v), family, a, &plen);
	if (rc == -EAFNOSUPPORT)
		return config_fail(p, ipath, NULL, v, family == 4 ? "is not an IPv4 address, "
			"expected dotted quad such as \"198.18.0.1\" or \"198.18.0.1/24\"" :
			"is not an IPv6 address, expected such as \"2001:2::1\" or "
			"\"2001:2::1/64\"");
	/* a /0 would put every destination of the family on this link: no router ever */
	if (rc == -ERANGE || (rc == 0 && plen == 0))
		return config_fail(p, ipath, NULL, v, "has a bad prefix length, expected "
			"/1../%u after the address, or none for a host address", bits);
	if (family == 4) {
		uint32_t h = ntohl(*(const uint32_t *)(const void *)a);

		if (h == INADDR_ANY || h == INADDR_BROADCAST || IN_MULTICAST(h) ||
			(h >> 24) == IN_LOOPBACKNET)
			return config_fail(p, ipath, NULL, v, "cannot be a host address, "
				"expected a unicast address (not 0, broadcast, multicast "
				"or loopback)");
		/* RFC 3021: a /31 has no network or broadcast address */
		if (plen <= 30 && (host_bits_all(a, plen, bits, false) ||
			host_bits_all(a, plen, bits, true)))
			return config_fail(p, ipath, NULL, v, "is the network or broadcast "
				"address of its subnet, expected a host address in it");
		memcpy(&cp->ipv4[cp->nb_ipv4], a, 4);
		cp->ipv4_plen[cp->nb_ipv4++] = plen;
		return 0;
	}
	if (config_in6_multicast(a) || config_in6_unspecified(a) || config_in6_loopback(a))
		return config_fail(p, ipath, NULL, v, "cannot be a host address, "
			"expected a unicast address (not ::, ::1 or multicast)");
	/* RFC 4291 2.5.5.2: ::ffff:a.b.c.d names an IPv4 node, never on an IPv6 link */
	if (config_in6_v4mapped(a))
		return config_fail(p, ipath, NULL, v, "is IPv4-mapped, expected an IPv6 "
			"address (an IPv4 one goes in \"ipv4\")");
	/* RFC 6164: a /127 has no subnet-router anycast address to avoid */
	if (plen <= 126 && host_bits_all(a, plen, bits, false))
		return config_fail(p, ipath, NULL, v, "is the subnet-router anycast address of "
			"its subnet (RFC 4291 2.6.1), expected a host address in it");
	memcpy(cp->ipv6[cp->nb_ipv6], a, 16);
	cp->ipv6_plen[cp->nb_ipv6++] = plen;
	return 0;
}

int
config_parse_addresses(struct config_parse *p, const json_t *port, const char *path,
	struct synq_config_port *cp)
{
	static const char *const keys[] = {"ipv4", "ipv6"};
	char ipath[CONFIG_KEY_PATH_LEN + 32];

	for (unsigned int k = 0; k < RTE_DIM(keys); k++) {
		const json_t *arr = json_object_get(port, keys[k]);
		size_t i;
		json_t *v;

		if (arr == NULL)
			continue;
		if (config_want_array(p, arr, path, keys[k], 0, SYNQ_MAX_ADDRS) != 0)
			return -EINVAL;
		json_array_foreach(arr, i, v)
		{
			snprintf(ipath, sizeof(ipath), "%s.%s[%zu]", path, keys[k], i);
			if (parse_port_addr(p, v, ipath, k == 0 ? 4 : 6, cp) != 0)
				return -EINVAL;
		}
	}
	return 0;
}

/*
 * The port and address whose subnet (a prefix shorter than a host address) equals
 * @p prefix / @p plen, or holds @p addr when @p prefix is NULL; from port @p from on.
 * Returns the port index with *@p ai the address index, or -1.
 */
static int
find_subnet(const struct synq_config *cfg, unsigned int from, uint8_t family,
	const uint8_t *prefix, unsigned int plen, const uint8_t *addr, unsigned int *ai)
{
	for (unsigned int i = from; i < cfg->nb_ports; i++) {
		for (unsigned int a = 0; a < port_nb_addr(&cfg->ports[i], family); a++) {
			unsigned int l;
			const uint8_t *pa = port_addr(&cfg->ports[i], family, a, &l);

			if (l == family_bits(family))
				continue; /* a host address: no subnet */
			if (prefix != NULL ? l == plen && same_prefix(pa, prefix, l) :
					same_prefix(pa, addr, l)) {
				*ai = a;
				return (int)i;
			}
		}
	}
	return -1;
}

/* A subnet is on one port: two ports sharing one would make on-link ambiguous. */
static int
check_subnets(struct config_parse *p, const struct synq_config *cfg)
{
	for (unsigned int i = 0; i < cfg->nb_ports; i++) {
		for (uint8_t family = 4; family <= 6; family += 2) {
			for (unsigned int a = 0; a < port_nb_addr(&cfg->ports[i], family); a++) {
				char path[CONFIG_KEY_PATH_LEN];
				unsigned int l, oa;
				const uint8_t *pa = port_addr(&cfg->ports[i], family, a, &l);
				int o;

				if (l == family_bits(family))
					continue;
				o = find_subnet(cfg, i + 1, family, pa, l, NULL, &oa);
				if (o < 0)
					continue;
				snprintf(path, sizeof(path), "ports[%d].ipv%u[%u]", o, family, oa);
				return config_fail(p, path, NULL, NULL, "is in the subnet of "
					"ports[%u].ipv%u[%u] too, expected each subnet on one "
					"port", i, family, a);
			}
		}
	}
	return 0;
}

bool
config_addr_is_ours(const struct synq_config *cfg, uint8_t family, const uint8_t *addr)
{
	for (unsigned int i = 0; i < cfg->nb_ports; i++)
		for (unsigned int a = 0; a < port_nb_addr(&cfg->ports[i], family); a++) {
			unsigned int l;

			if (memcmp(port_addr(&cfg->ports[i], family, a, &l), addr,
				family == 4 ? 4 : 16) == 0)
				return true;
		}
	return false;
}

bool
config_addr_onlink(const struct synq_config *cfg, uint8_t family, const uint8_t *addr)
{
	unsigned int ai;

	return find_subnet(cfg, 0, family, NULL, 0, addr, &ai) >= 0;
}

bool
config_addr_reachable(const struct synq_config *cfg, uint8_t family, const uint8_t *addr)
{
	unsigned int ai;

	if (find_subnet(cfg, 0, family, NULL, 0, addr, &ai) >= 0)
		return true;
	for (unsigned int i = 0; i < cfg->nb_routes; i++)
		if (cfg->routes[i].family == family &&
			same_prefix(cfg->routes[i].prefix, addr, cfg->routes[i].plen))
			return true;
	return false;
}

int
config_addr_subnet_special(const struct synq_config *cfg, uint8_t family, const uint8_t *addr,
	unsigned int *ai)
{
	unsigned int bits = family_bits(family);

	for (unsigned int i = 0; i < cfg->nb_ports; i++) {
		for (unsigned int a = 0; a < port_nb_addr(&cfg->ports[i], family); a++) {
			unsigned int l;
			const uint8_t *pa = port_addr(&cfg->ports[i], family, a, &l);

			if (l + 2 > bits || !same_prefix(pa, addr, l))
				continue;
			if (host_bits_all(addr, l, bits, false) ||
				(family == 4 && host_bits_all(addr, l, bits, true))) {
				*ai = a;
				return (int)i;
			}
		}
	}
	return -1;
}

/* The route's "prefix": well formed, no host bits, not a repeat, not a subnet. */
static int
route_prefix(struct config_parse *p, const json_t *rj, const char *path,
	const struct synq_config *cfg, struct synq_config_route *r)
{
	const json_t *v = json_object_get(rj, "prefix");
	char buf[INET6_ADDRSTRLEN];
	uint8_t masked[16];
	unsigned int ai;
	int rc, port;
	const char *s;

	if (v == NULL)
		return config_fail(p, path, "prefix", NULL, "is missing, expected a destination "
			"prefix such as \"0.0.0.0/0\" or \"2001:db8::/32\"");
	if (config_want_string(p, v, path, "prefix", "a prefix string") != 0)
		return -EINVAL;
	s = json_string_value(v);
	r->family = strchr(s, ':') != NULL ? 6 : 4;
	rc = parse_prefix(s, r->family, r->prefix, &r->plen);
	if (rc == -EAFNOSUPPORT)
		return config_fail(p, path, "prefix", v, "is not an address and length, "
			"expected such as \"198.18.0.0/16\" or \"2001:db8::/32\"");
	if (rc == -ERANGE)
		return config_fail(p, path, "prefix", v, "has a bad prefix length, expected "
			"/0../%u", family_bits(r->family));
	/* RFC 4291 2.5.5.2: IPv4-mapped destinations are IPv4 ones, never routed as IPv6 */
	if (r->family == 6 && r->plen >= 96 && same_prefix(r->prefix, v4mapped, 96))
		return config_fail(p, path, "prefix", v, "is IPv4-mapped, expected an IPv6 "
			"prefix (an IPv4 destination takes an IPv4 route)");
	mask_prefix(r->prefix, r->plen, masked);
	if (memcmp(masked, r->prefix, 16) != 0)
		return config_fail(p, path, "prefix", v, "has host bits set, expected the "
			"network address \"%s/%u\"", inet_ntop(r->family == 4 ? AF_INET :
			AF_INET6, masked, buf, sizeof(buf)), r->plen);
	for (unsigned int j = 0; j < cfg->nb_routes; j++)
		if (cfg->routes[j].family == r->family && cfg->routes[j].plen == r->plen &&
			memcmp(cfg->routes[j].prefix, r->prefix, 16) == 0)
			return config_fail(p, path, "prefix", v, "repeats routes[%u].prefix, "
				"expected one route a prefix", j);
	if (r->plen == family_bits(r->family) && config_addr_is_ours(cfg, r->family, r->prefix))
		return config_fail(p, path, "prefix", v, "is one of our addresses, expected a "
			"destination that is not synq itself");
	port = find_subnet(cfg, 0, r->family, r->prefix, r->plen, NULL, &ai);
	if (port >= 0)
		return config_fail(p, path, "prefix", v, "is the subnet of ports[%d].ipv%u[%u], "
			"on link already, expected a prefix that is no port's subnet", port,
			r->family, ai);
	return 0;
}

/* The route's optional "port": the index of the port it names, or -1 when absent. */
static int
route_port(struct config_parse *p, const json_t *rj, const char *path,
	const struct synq_config *cfg, int *named)
{
	const json_t *v = json_object_get(rj, "port");

	*named = -1;
	if (v == NULL)
		return 0;
	if (config_want_string(p, v, path, "port", "the name of a port in \"ports\"") != 0)
		return -EINVAL;
	for (unsigned int i = 0; i < cfg->nb_ports; i++)
		if (strcmp(cfg->ports[i].name, json_string_value(v)) == 0)
			*named = (int)i;
	if (*named < 0)
		return config_fail(p, path, "port", v, "names no port, expected the name of an "
			"entry of \"ports\"");
	return 0;
}

/*
 * The port and address with the longest subnet holding @p addr, as the lookup picks
 * the link (lib/net/route.c); a subnet is on one port (check_subnets), so the longest
 * is on one port only. Returns the port index with *@p ai the address index, or -1.
 */
static int
longest_subnet(const struct synq_config *cfg, uint8_t family, const uint8_t *addr,
	unsigned int *ai)
{
	unsigned int best_len = 0;
	int best = -1;

	for (unsigned int i = 0; i < cfg->nb_ports; i++) {
		for (unsigned int a = 0; a < port_nb_addr(&cfg->ports[i], family); a++) {
			unsigned int l;
			const uint8_t *pa = port_addr(&cfg->ports[i], family, a, &l);

			if (l == family_bits(family) || !same_prefix(pa, addr, l) ||
				(best >= 0 && l <= best_len))
				continue;
			best = (int)i;
			best_len = l;
			*ai = a;
		}
	}
	return best;
}

/* "via" as an address: unicast, not ours, not IPv4-mapped. */
static int
via_address(struct config_parse *p, const json_t *v, const char *path,
	const struct synq_config *cfg, struct synq_config_route *r)
{
	uint8_t plen;

	if (strchr(json_string_value(v), '/') != NULL ||
		parse_prefix(json_string_value(v), r->family, r->via, &plen) != 0)
		return config_fail(p, path, "via", v, "is not an IPv%u address, expected the "
			"next hop, of the prefix's family, without a length", r->family);
	if (r->family == 4 ? (r->via[0] == 0 || r->via[0] == 127 || r->via[0] >= 224) :
			(config_in6_multicast(r->via) || config_in6_unspecified(r->via) ||
			config_in6_loopback(r->via)))
		return config_fail(p, path, "via", v, "is not a unicast address, expected a "
			"next hop (not 0, loopback, multicast or broadcast)");
	if (r->family == 6 && config_in6_v4mapped(r->via))
		return config_fail(p, path, "via", v, "is IPv4-mapped, expected an IPv6 next "
			"hop (RFC 4291 2.5.5.2)");
	if (config_addr_is_ours(cfg, r->family, r->via))
		return config_fail(p, path, "via", v, "is one of our addresses, expected a "
			"next hop on a link");
	return 0;
}

/*
 * The route's "via" and its port: the port with the longest subnet holding it, as the
 * lookup decides what is on which link; "port", when given, must be that port (or
 * take the next hop as IPv6 link-local, which is on every link).
 */
static int
route_via(struct config_parse *p, const json_t *rj, const char *path,
	const struct synq_config *cfg, struct synq_config_route *r)
{
	const json_t *v = json_object_get(rj, "via");
	unsigned int ai = 0, l; /* set when port >= 0; gcc cannot tell */
	int named, port;

	if (v == NULL)
		return config_fail(p, path, "via", NULL, "is missing, expected the next hop's "
			"address");
	if (config_want_string(p, v, path, "via", "an address string") != 0 ||
		route_port(p, rj, path, cfg, &named) != 0 || via_address(p, v, path, cfg, r) != 0)
		return -EINVAL;
	if (named >= 0 && r->family == 6 && config_in6_linklocal(r->via)) {
		/* fe80::/64 is on every link; the source is the port's first global address */
		if (cfg->ports[named].nb_ipv6 == 0)
			return config_fail(p, path, "port", json_object_get(rj, "port"),
				"has no IPv6 address to send from, expected one in "
				"ports[%d].ipv6", named);
		r->port = (uint16_t)named;
		return 0;
	}
	port = longest_subnet(cfg, r->family, r->via, &ai);
	if (named >= 0 && port != named) {
		unsigned int nai;

		if (port >= 0 && find_subnet(cfg, (unsigned int)named, r->family, NULL, 0, r->via,
				&nai) == named)
			return config_fail(p, path, "port", json_object_get(rj, "port"), "is not "
				"where via is: ports[%d] has a longer subnet holding it, expected "
				"\"%s\" or no \"port\"", port, cfg->ports[port].name);
		return config_fail(p, path, "via", v, "is in no subnet of ports[%d], expected "
			"an address inside one of its ipv%u prefixes", named, r->family);
	}
	if (port < 0 && r->family == 6 && config_in6_linklocal(r->via))
		return config_fail(p, path, "via", v, "is link-local, on every port's link, "
			"expected \"port\" to name the port");
	if (port < 0)
		return config_fail(p, path, "via", v, "is in no port's subnet, expected a next "
			"hop inside some ports[].ipv%u prefix (%s)", r->family, r->family == 4 ?
			"\"198.18.8.1/24\"" : "\"2001:db8::1/64\"");
	port_addr(&cfg->ports[port], r->family, ai, &l);
	if (r->family == 4 && l <= 30 && (host_bits_all(r->via, l, 32, false) ||
		host_bits_all(r->via, l, 32, true)))
		return config_fail(p, path, "via", v, "is the network or broadcast address of "
			"ports[%d].ipv4[%u]'s subnet, expected a host in it", port, ai);
	/* RFC 4291 2.6.1: every router of the subnet answers it, none in particular */
	if (r->family == 6 && l <= 126 && host_bits_all(r->via, l, 128, false))
		return config_fail(p, path, "via", v, "is the subnet-router anycast address of "
			"ports[%d].ipv6[%u]'s subnet, expected one router's own address", port,
			ai);
	r->port = (uint16_t)port;
	return 0;
}

int
config_parse_routes(struct config_parse *p, const json_t *root, struct synq_config *cfg)
{
	static const char *const known[] = {"prefix", "via", "port", NULL};
	const json_t *arr = json_object_get(root, "routes");
	char path[CONFIG_KEY_PATH_LEN];
	size_t i;
	json_t *rj;

	if (check_subnets(p, cfg) != 0)
		return -EINVAL;
	if (arr == NULL)
		return 0;
	if (config_want_array(p, arr, "", "routes", 0, SYNQ_MAX_ROUTES) != 0)
		return -EINVAL;
	json_array_foreach(arr, i, rj)
	{
		struct synq_config_route *r = &cfg->routes[i];

		snprintf(path, sizeof(path), "routes[%zu]", i);
		if (config_want_object(p, rj, path, NULL) != 0 ||
			config_check_keys(p, rj, path, known) != 0 ||
			route_prefix(p, rj, path, cfg, r) != 0 ||
			route_via(p, rj, path, cfg, r) != 0)
			return -EINVAL;
		cfg->nb_routes++;
	}
	return 0;
}

int
config_parse_allow(struct config_parse *p, const json_t *lj, const char *path,
	struct synq_config_listener *l)
{
	static const uint8_t v4mapped[16] = {[10] = 0xff, [11] = 0xff};
	const json_t *v = json_object_get(lj, "allow");
	char key[32], buf[INET6_ADDRSTRLEN];
	uint8_t masked[16];
	size_t i;
	json_t *e;

	l->nb_allow = 0;
	if (v == NULL && l->app == SYNQ_APP_METRICS)
		return config_fail(p, path, "allow", NULL, "is missing, expected the source "
			"prefixes app \"metrics\" answers, such as [\"198.18.0.0/24\", \"::1/128\"]");
	if (v == NULL)
		return 0;
	if (config_want_array(p, v, path, "allow", 1, SYNQ_MAX_ALLOW) != 0)
		return -EINVAL;
	json_array_foreach(v, i, e)
	{
		struct synq_prefix *px = &l->allow[i];
		int rc;

		snprintf(key, sizeof(key), "allow[%zu]", i);
		if (config_want_string(p, e, path, key, "a prefix string") != 0)
			return -EINVAL;
		px->family = strchr(json_string_value(e), ':') != NULL ? 6 : 4;
		rc = parse_prefix(json_string_value(e), px->family, px->addr, &px->plen);
		if (rc == -ERANGE)
			return config_fail(p, path, key, e, "has a bad prefix length, expected "
				"/0../%u", family_bits(px->family));
		if (rc != 0)
			return config_fail(p, path, key, e, "is not an address and length, "
				"expected such as \"198.18.0.0/24\" or \"2001:db8::/64\"");
		/* RFC 4291 2.5.5.2: an IPv4 client's segments are IPv4 ones, never mapped */
		if (px->family == 6 && px->plen >= 96 && same_prefix(px->addr, v4mapped, 96))
			return config_fail(p, path, key, e, "is IPv4-mapped, expected an IPv4 "
				"prefix for IPv4 clients");
		mask_prefix(px->addr, px->plen, masked);
		if (memcmp(masked, px->addr, 16) != 0)
			return config_fail(p, path, key, e, "has host bits set, expected the "
				"network address \"%s/%u\"", inet_ntop(px->family == 4 ? AF_INET :
				AF_INET6, masked, buf, sizeof(buf)), px->plen);
		l->nb_allow++;
	}
	return 0;
}
