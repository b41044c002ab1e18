/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker that carries the proxy's connection to a backend (issue 13). The route
 * to the backend names the port it leaves from; the connection must be opened by a
 * worker that polls that port, on the rx queue its replies will reach:
 *
 *   - the transport (lib/tcp, tcp_active.c) opens it from the worker's first rx queue
 *     of the port and chooses the local port so that the reply's 4-tuple hashes to
 *     that queue under the port's RSS; with no RSS known, only queue 0 (a port of one
 *     queue gets everything there; a port of several, whose device tells nothing, is
 *     taken to steer what it cannot hash to queue 0, as net_ring and memif do);
 *   - so a worker may connect from port p when its first queue of p is queue 0, or
 *     p's RSS is known (synq_app_set_rss_ports());
 *   - the client's worker keeps the connection when it may: no command and no event
 *     crosses to another core for it; else the worker of p's queue 0 (the parser has
 *     every queue polled by exactly one worker), which may unless p has several
 *     queues, no RSS known, and that worker lists another queue of p first: then no
 *     worker may (no other has queue 0), and synq_app_proxy_check() refuses the
 *     config at start. One worker a port, not a spread over its workers: queue 0's
 *     holds with RSS known or not, and each worker has a proxy listener's twice
 *     max_flows flow slots, its own clients taking at most half (docs/architecture.md).
 *
 * Built once an application lcore, a few hundred bytes; a lookup is two loads. Here
 * too, builtin_proxy_source_of(): the source address and the worker of each
 * connection to a backend (a client's, a health check's), by the route to it; and
 * before it, builtin_proxy_pick(): the backend of each client.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_jhash.h>

#include "proxy_priv.h"

void
proxy_workers_build(struct proxy_workers *pw, const struct synq_config *cfg, uint32_t rss_ports)
{
	RTE_BUILD_BUG_ON(SYNQ_MAX_PORTS > 32);
	memset(pw->may, 0, sizeof(pw->may));
	for (unsigned int p = 0; p < SYNQ_MAX_PORTS; p++)
		pw->port_worker[p] = PROXY_NO_WORKER;
	if (cfg == NULL)
		return;
	for (unsigned int l = 0; l < cfg->nb_lcores; l++) {
		const struct synq_config_lcore *cl = &cfg->lcores[l];
		uint32_t seen = 0;

		if (cl->role == SYNQ_ROLE_APP || cl->lcore_id >= RTE_MAX_LCORE)
			continue;
		for (unsigned int r = 0; r < cl->nb_rx; r++) {
			unsigned int p = cl->rx[r].port;

			if (p >= SYNQ_MAX_PORTS)
				continue;
			if (cl->rx[r].queue == 0)
				pw->port_worker[p] = (uint16_t)cl->lcore_id;
			/* the transport takes the worker's first queue of the port */
			if (seen & 1u << p)
				continue;
			seen |= 1u << p;
			if (cl->rx[r].queue == 0 || (rss_ports & 1u << p))
				pw->may[cl->lcore_id] |= 1u << p;
		}
	}
}

unsigned int
proxy_worker_of(const struct proxy_workers *pw, unsigned int client_worker, unsigned int port)
{
	if (port >= SYNQ_MAX_PORTS)
		return PROXY_NO_WORKER;
	if (client_worker < RTE_MAX_LCORE && (pw->may[client_worker] & 1u << port))
		return client_worker;
	if (pw->port_worker[port] == PROXY_NO_WORKER ||
		!(pw->may[pw->port_worker[port]] & 1u << port))
		return PROXY_NO_WORKER;
	return pw->port_worker[port];
}

int
synq_app_proxy_check(const struct synq_config *cfg, const struct synq_route_table *routes,
	uint32_t rss_ports, char *err, size_t errlen)
{
	struct proxy_workers pw;

	proxy_workers_build(&pw, cfg, rss_ports);
	for (unsigned int li = 0; li < cfg->nb_listeners; li++) {
		const struct synq_config_proxy *px = &cfg->listeners[li].proxy;

		if (cfg->listeners[li].app != SYNQ_APP_PROXY)
			continue;
		for (unsigned int bi = 0; bi < px->nb_backends; bi++) {
			const struct synq_config_backend *b = &px->backends[bi];
			struct synq_route_hop hop;
			char addr[INET6_ADDRSTRLEN];
			const char *pname;
			uint32_t dst;
			int rc;

			memcpy(&dst, b->addr, 4);
			rc = b->family == 4 ? synq_route_lookup4(routes, dst, &hop)
					    : synq_route_lookup6(routes, b->addr, &hop);
			inet_ntop(b->family == 4 ? AF_INET : AF_INET6, b->addr, addr, sizeof(addr));
			/* the parser has every backend reachable: this is a forged config */
			if (rc != 0) {
				snprintf(err, errlen,
					"config error: listeners[%u].backends[%u]."
					"address: %s is reached by no route, expected a backend "
					"on a port's subnet or behind a route",
					li, bi, addr);
				return -ENETUNREACH;
			}
			if (hop.port < cfg->nb_ports &&
				proxy_worker_of(&pw, PROXY_NO_WORKER, hop.port) != PROXY_NO_WORKER)
				continue;
			pname = hop.port < cfg->nb_ports ? cfg->ports[hop.port].name : "?";
			snprintf(err, errlen,
				"config error: listeners[%u].backends[%u].address: "
				"%s is reached through port \"%s\", from which no worker can open "
				"a connection (its RSS is unknown, and no worker polls its queue 0 "
				"as the first of its queues of that port), expected an lcores[].rx "
				"that lists queue 0 of \"%s\" before that port's other queues",
				li, bi, addr, pname, pname);
			return -EINVAL;
		}
	}
	return 0;
}

/* Without routes, a check's worker: the first with a command ring; PROXY_NO_WORKER: none. */
static unsigned int
any_worker(const struct synq_app_lcore *a)
{
	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++)
		if (a->cmd_rings[i] != NULL)
			return i;
	return PROXY_NO_WORKER;
}

int
builtin_proxy_source_of(const struct synq_app_lcore *a, const struct synq_config_backend *b,
	const struct synq_session *cs, const struct synq_listener *l, uint8_t *src,
	unsigned int *worker)
{
	struct synq_route_hop hop;

	memset(src, 0, 16);
	*worker = PROXY_NO_WORKER;
	if (a->routes == NULL || a->cfg == NULL) {
		/* no routes given (an embedding without them): no port to choose by; the
		 * address the client used, on its worker */
		if (cs == NULL) {
			if (l->any || l->family != b->family)
				return -ENETUNREACH;
			memcpy(src, l->addr, 16);
			*worker = any_worker(a);
			return *worker == PROXY_NO_WORKER ? -ENETUNREACH : 0;
		}
		if (cs->family != b->family)
			return -ENETUNREACH;
		memcpy(src, cs->daddr, 16);
		*worker = cs->worker;
		return 0;
	}
	if (b->family == 4) {
		uint32_t dst;

		memcpy(&dst, b->addr, 4);
		if (synq_route_lookup4(a->routes, dst, &hop) != 0 ||
			hop.src >= a->cfg->ports[hop.port].nb_ipv4)
			return -ENETUNREACH;
		memcpy(src, &a->cfg->ports[hop.port].ipv4[hop.src], 4);
	} else {
		if (synq_route_lookup6(a->routes, b->addr, &hop) != 0 ||
			hop.src >= a->cfg->ports[hop.port].nb_ipv6)
			return -ENETUNREACH;
		memcpy(src, a->cfg->ports[hop.port].ipv6[hop.src], 16);
	}
	/* one rule for every connection to a backend (proxy_worker.c): a client's prefers
	 * its own worker, a check has none to prefer and gets the port's */
	*worker = proxy_worker_of(
		&a->proxy->workers, cs != NULL ? cs->worker : PROXY_NO_WORKER, hop.port);
	return *worker == PROXY_NO_WORKER ? -ENETUNREACH : 0;
}

/*
 * The first backend for a new client @p cs of listener @p li, among those up; NONE
 * when every backend is down. Down backends take no share: round robin and the hash
 * spread over the weights of those up (HAProxy's map-based hash does the same).
 */
unsigned int
builtin_proxy_pick(struct synq_app_lcore *a, unsigned int li, const struct synq_session *cs)
{
	const struct synq_config_proxy *px = &a->ls->l[li].conf->proxy;
	struct synq_proxy *p = a->proxy;
	unsigned int best = NONE;

	switch (px->balance) {
	case SYNQ_BALANCE_LEAST_CONN:
		/* the least active[i] / weight[i], compared as products; ties: the first */
		for (unsigned int i = 0; i < px->nb_backends; i++)
			if (!be_down(a, li, i) &&
				(best == NONE ||
					(uint64_t)p->active[li][i] * px->backends[best].weight <
						(uint64_t)p->active[li][best] *
							px->backends[i].weight))
				best = i;
		return best;
	case SYNQ_BALANCE_SOURCE_HASH: {
		uint32_t total = 0, h, key[4];
		uint64_t down = 0;

		/* one look at the states: the walk below sees the same set */
		for (unsigned int i = 0; i < px->nb_backends; i++) {
			if (be_down(a, li, i))
				down |= (uint64_t)1 << i;
			else
				total += px->backends[i].weight;
		}
		if (total == 0)
			return NONE;
		/* rte_jhash() reads 32-bit words: the session's saddr is not aligned for it */
		memcpy(key, cs->saddr, sizeof(key));
		h = rte_jhash(key, cs->family == 4 ? 4 : 16, p->hash_key) % total;
		for (unsigned int i = 0; i < px->nb_backends; i++) {
			if (down & ((uint64_t)1 << i))
				continue;
			if (h < px->backends[i].weight)
				return i;
			h -= px->backends[i].weight;
		}
		return NONE;
	}
	case SYNQ_BALANCE_ROUND_ROBIN:
	default: {
		/* smooth weighted round robin: each gains its weight, the largest pays all */
		int32_t total = 0;

		for (unsigned int i = 0; i < px->nb_backends; i++) {
			if (be_down(a, li, i))
				continue;
			p->rr_cur[li][i] += px->backends[i].weight;
			total += px->backends[i].weight;
			if (best == NONE || p->rr_cur[li][i] > p->rr_cur[li][best])
				best = i;
		}
		if (best != NONE)
			p->rr_cur[li][best] -= total;
		return best;
	}
	}
}

/* The next backend after @p be of listener @p li that is up; NONE when none is. */
unsigned int
builtin_proxy_next_up(const struct synq_app_lcore *a, unsigned int li, unsigned int be)
{
	unsigned int n = a->ls->l[li].conf->proxy.nb_backends;

	for (unsigned int k = 1; k <= n; k++)
		if (!be_down(a, li, (be + k) % n))
			return (be + k) % n;
	return NONE;
}
