/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The proxy app's configuration (issue 13): a listener with "app": "proxy" relays each
 * connection it accepts to one of its "backends" (lib/app/builtin_proxy.c). Here only
 * what the file says, checked; the health checks run in builtin_proxy.c too.
 *
 *   - a proxy listener has 1..SYNQ_MAX_BACKENDS backends; any other app has none, nor
 *     any of the keys beside them (a typo of "app" must not pass quietly);
 *   - a backend is a unicast address of either family (not unspecified, loopback,
 *     multicast, broadcast, IPv4-mapped or -compatible, IPv6 link-local, IPv4
 *     link-local off the ports' subnets (a router would get it and drop it), nor a
 *     port subnet's network, broadcast or subnet-router anycast address), never one of
 *     ours (synq would connect to itself), reachable (a port's subnet or a route
 *     holds it: the routes are parsed before the listeners), and no two backends
 *     share address and port;
 *   - the health checks' timeout is shorter than their interval, so at most one check
 *     of a backend is in flight at any time;
 *   - over all listeners, the backends on a port's subnet and the routes' next hops
 *     are at most SYNQ_MAX_NEXT_HOPS distinct addresses: what a worker's neighbour
 *     table holds, as the health checks keep each of them in it.
 */

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "synq_config.h"
#include "config_priv.h"

/* connect_timeout_ms: HAProxy's "timeout connect"; bounded, so a dead backend's
 * clients are let go */
#define CONNECT_TIMEOUT_MIN 10
#define CONNECT_TIMEOUT_MAX 600000
#define CONNECT_TIMEOUT_DEFAULT 3000

/* health_check: HAProxy's inter 2000, rise 2, fall 3; a check at most 10 a second */
#define CHECK_INTERVAL_MIN 100
#define CHECK_INTERVAL_MAX 3600000
#define CHECK_INTERVAL_DEFAULT 2000
#define CHECK_TIMEOUT_DEFAULT 1000
#define CHECK_COUNT_MAX 100
#define CHECK_RISE_DEFAULT 2
#define CHECK_FALL_DEFAULT 3

static const char *const proxy_keys[] = {"backends", "balance", "proxy_protocol",
	"connect_timeout_ms", "health_check", NULL};

/* Why @p a (of @p family) cannot be a backend, or NULL when it can. */
static const char *
backend_addr_refused(const struct synq_config *cfg, uint8_t family, const uint8_t *a)
{
	unsigned int ai;

	if (family == 4) {
		/* 0/8 "this network", 127/8, 224/4 multicast, 240/4 and 255.255.255.255 */
		if (a[0] == 0)
			return "is unspecified (0.0.0.0/8)";
		if (a[0] == 127)
			return "is loopback";
		if (a[0] >= 224 && a[0] < 240)
			return "is multicast";
		if (a[0] >= 240)
			return "is broadcast or reserved (240.0.0.0/4)";
	} else {
		if (config_in6_unspecified(a))
			return "is unspecified";
		if (config_in6_loopback(a))
			return "is loopback";
		if (config_in6_multicast(a))
			return "is multicast";
		/* RFC 4291 2.5.5: IPv4 addresses, to be given as such */
		if (config_in6_v4mapped(a) || config_in6_v4compat(a))
			return "is IPv4-mapped or IPv4-compatible (give the IPv4 address)";
		/* fe80::/10 is on every port's link: nothing says which */
		if (config_in6_linklocal(a))
			return "is link-local (on every port's link)";
	}
	if (config_addr_is_ours(cfg, family, a))
		return "is one of our addresses (synq would connect to itself)";
	if (config_addr_subnet_special(cfg, family, a, &ai) >= 0)
		return family == 4 ? "is the network or broadcast address of a port's subnet" :
			"is the subnet-router anycast address of a port's subnet";
	/* RFC 3927 2.7: 169.254/16 is never forwarded; only a port's own link has it */
	if (family == 4 && a[0] == 169 && a[1] == 254 && !config_addr_onlink(cfg, family, a))
		return "is link-local (169.254.0.0/16, which no router forwards) and on no "
			"port's subnet";
	/* checked at start, not at the first client: the routes are static */
	if (!config_addr_reachable(cfg, family, a))
		return family == 4 ? "is reached by no route (in no ports[].ipv4 subnet nor "
			"routes[] prefix)" : "is reached by no route (in no ports[].ipv6 subnet "
			"nor routes[] prefix)";
	return NULL;
}

static int
parse_backend(struct config_parse *p, const json_t *bj, const char *path,
	const struct synq_config *cfg, struct synq_config_proxy *px)
{
	static const char *const known[] = {"address", "port", "weight", NULL};
	struct synq_config_backend *b = &px->backends[px->nb_backends];
	const json_t *v;
	const char *why;

	if (config_want_object(p, bj, path, NULL) != 0 ||
		config_check_keys(p, bj, path, known) != 0)
		return -EINVAL;
	v = json_object_get(bj, "address");
	if (v == NULL)
		return config_fail(p, path, "address", NULL, "is missing, expected the "
			"backend's IPv4 or IPv6 address");
	if (config_want_string(p, v, path, "address", "an address string") != 0)
		return -EINVAL;
	memset(b->addr, 0, sizeof(b->addr));
	if (inet_pton(AF_INET, json_string_value(v), b->addr) == 1)
		b->family = 4;
	else if (inet_pton(AF_INET6, json_string_value(v), b->addr) == 1)
		b->family = 6;
	else
		return config_fail(p, path, "address", v, "is not an address, expected an IPv4 "
			"or IPv6 address such as \"198.18.8.2\" or \"2001:db8::2\"");
	why = backend_addr_refused(cfg, b->family, b->addr);
	if (why != NULL)
		return config_fail(p, path, "address", v, "%s, expected a backend's unicast "
			"address", why);

	if (json_object_get(bj, "port") == NULL)
		return config_fail(p, path, "port", NULL,
			"is missing, expected the backend's TCP port 1..65535");
	b->weight = 1;
	if (CONFIG_GET_UINT(p, bj, path, "port", 1, 65535, b->port) != 0 ||
		CONFIG_GET_UINT(p, bj, path, "weight", 1, SYNQ_BACKEND_WEIGHT_MAX, b->weight) != 0)
		return -EINVAL;
	for (unsigned int i = 0; i < px->nb_backends; i++)
		if (px->backends[i].family == b->family && px->backends[i].port == b->port &&
			memcmp(px->backends[i].addr, b->addr, sizeof(b->addr)) == 0)
			return config_fail(p, path, "address", v, "port %u repeats backends[%u], "
				"expected each address and port once (a weight says more)",
				b->port, i);
	px->nb_backends++;
	return 0;
}

/* "health_check": TCP connects to each backend, HAProxy's check/inter/rise/fall. */
static int
parse_health(struct config_parse *p, const json_t *lj, const char *path,
	struct synq_config_proxy *px)
{
	static const char *const known[] = {"interval_ms", "timeout_ms", "rise", "fall", NULL};
	const json_t *h = json_object_get(lj, "health_check");
	char hpath[CONFIG_KEY_PATH_LEN + 16];

	px->check_interval_ms = CHECK_INTERVAL_DEFAULT;
	px->check_timeout_ms = CHECK_TIMEOUT_DEFAULT;
	px->check_rise = CHECK_RISE_DEFAULT;
	px->check_fall = CHECK_FALL_DEFAULT;
	if (h == NULL)
		return 0;
	px->health_check = true;
	snprintf(hpath, sizeof(hpath), "%s.health_check", path);
	if (config_want_object(p, h, path, "health_check") != 0 ||
		config_check_keys(p, h, hpath, known) != 0 ||
		CONFIG_GET_UINT(p, h, hpath, "interval_ms", CHECK_INTERVAL_MIN, CHECK_INTERVAL_MAX,
			px->check_interval_ms) != 0 ||
		CONFIG_GET_UINT(p, h, hpath, "rise", 1, CHECK_COUNT_MAX, px->check_rise) != 0 ||
		CONFIG_GET_UINT(p, h, hpath, "fall", 1, CHECK_COUNT_MAX, px->check_fall) != 0)
		return -EINVAL;
	/* a default timeout follows a shorter interval down, as HAProxy's check timeout */
	if (json_object_get(h, "timeout_ms") == NULL &&
		px->check_timeout_ms >= px->check_interval_ms)
		px->check_timeout_ms = px->check_interval_ms / 2;
	/* one check of a backend in flight at a time: it ends before the next starts */
	return CONFIG_GET_UINT(p, h, hpath, "timeout_ms", 1, px->check_interval_ms - 1,
		px->check_timeout_ms);
}

int
config_parse_proxy(struct config_parse *p, const json_t *lj, const char *path,
	const struct synq_config *cfg, struct synq_config_listener *l)
{
	struct synq_config_proxy *px = &l->proxy;
	char bpath[CONFIG_KEY_PATH_LEN + 32];
	const json_t *v;
	size_t i;
	json_t *b;

	memset(px, 0, sizeof(*px));
	if (l->app != SYNQ_APP_PROXY) {
		for (const char *const *k = proxy_keys; *k != NULL; k++)
			if (json_object_get(lj, *k) != NULL)
				return config_fail(p, path, *k, NULL, "is set for app \"%s\", "
					"expected it only with \"app\": \"proxy\"",
					synq_app_name(l->app));
		return 0;
	}
	v = json_object_get(lj, "backends");
	if (v == NULL)
		return config_fail(p, path, "backends", NULL, "is missing, expected the proxy's "
			"backends: [{\"address\": \"198.18.8.2\", \"port\": 80}]");
	if (config_want_array(p, v, path, "backends", 1, SYNQ_MAX_BACKENDS) != 0)
		return -EINVAL;
	json_array_foreach(v, i, b)
	{
		snprintf(bpath, sizeof(bpath), "%s.backends[%zu]", path, i);
		if (parse_backend(p, b, bpath, cfg, px) != 0)
			return -EINVAL;
	}
	px->balance = SYNQ_BALANCE_ROUND_ROBIN;
	px->connect_timeout_ms = CONNECT_TIMEOUT_DEFAULT;
	if (CONFIG_GET_ENUM(p, lj, path, "balance", config_balances, "a balance",
		    px->balance) != 0 ||
		CONFIG_GET_UINT(p, lj, path, "proxy_protocol", 0, 2, px->proxy_protocol) != 0 ||
		CONFIG_GET_UINT(p, lj, path, "connect_timeout_ms", CONNECT_TIMEOUT_MIN,
			CONNECT_TIMEOUT_MAX, px->connect_timeout_ms) != 0)
		return -EINVAL;
	return parse_health(p, lj, path, px);
}

/* A next hop as a worker's neighbour table keys it; @c port only for IPv6 link-local. */
struct next_hop {
	uint8_t family;
	uint16_t port;
	uint8_t addr[16];
};

/* Add (family, port, addr) to @p hops unless there: false when it is new and no room. */
static bool
hop_add(struct next_hop *hops, unsigned int *n, uint8_t family, uint16_t port,
	const uint8_t *addr)
{
	for (unsigned int i = 0; i < *n; i++)
		if (hops[i].family == family && hops[i].port == port &&
			memcmp(hops[i].addr, addr, 16) == 0)
			return true;
	if (*n == SYNQ_MAX_NEXT_HOPS)
		return false;
	hops[*n].family = family;
	hops[*n].port = port;
	memcpy(hops[*n].addr, addr, 16);
	(*n)++;
	return true;
}

/*
 * Every backend is health-checked every interval, so its next hop never leaves a
 * worker's neighbour table: with more distinct next hops than the table holds, the
 * ones beyond would never resolve (lookups refused, the backend down) while nothing
 * says why. A backend both on a subnet and under a longer route counts as on-link:
 * one too many, never one too few.
 */
int
config_check_next_hops(struct config_parse *p, const json_t *listeners,
	const struct synq_config *cfg)
{
	struct next_hop hops[SYNQ_MAX_NEXT_HOPS];
	char path[CONFIG_KEY_PATH_LEN + 32];
	unsigned int n = 0;

	static_assert(SYNQ_MAX_ROUTES <= SYNQ_MAX_NEXT_HOPS, "room for every route's next hop");
	for (unsigned int r = 0; r < cfg->nb_routes; r++) {
		const struct synq_config_route *rt = &cfg->routes[r];
		bool scoped = rt->family == 6 && config_in6_linklocal(rt->via);

		hop_add(hops, &n, rt->family, scoped ? rt->port : UINT16_MAX, rt->via);
	}
	for (unsigned int l = 0; l < cfg->nb_listeners; l++) {
		const struct synq_config_proxy *px = &cfg->listeners[l].proxy;

		for (unsigned int b = 0; b < px->nb_backends; b++) {
			const struct synq_config_backend *be = &px->backends[b];
			const json_t *bj = json_array_get(
				json_object_get(json_array_get(listeners, l), "backends"), b);

			if (!config_addr_onlink(cfg, be->family, be->addr) ||
				hop_add(hops, &n, be->family, UINT16_MAX, be->addr))
				continue;
			snprintf(path, sizeof(path), "listeners[%u].backends[%u]", l, b);
			return config_fail(p, path, "address", json_object_get(bj, "address"),
				"is on a port's subnet, one next hop more than the %u synq "
				"resolves (on-link backends and routes' next hops, over all "
				"listeners), expected at most %u: reach more through a router "
				"(routes[])", SYNQ_MAX_NEXT_HOPS, SYNQ_MAX_NEXT_HOPS);
		}
	}
	return 0;
}
