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
 *     crosses to another core for it; else the worker of p's queue 0, which always
 *     may (the parser has every queue polled by exactly one worker), or, should its
 *     first queue of p be another one on a port without RSS, the first worker in
 *     lcores[] order that may. One worker a port, not a spread over its workers: it
 *     holds for every RSS, and each worker has a proxy listener's twice max_flows
 *     flow slots, its own clients taking at most half (docs/architecture.md).
 *
 * Built once an application lcore, a few hundred bytes; a lookup is two loads.
 */

#include <string.h>

#include "builtin_priv.h"

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

			/* the transport takes the worker's first queue of the port */
			if (p >= SYNQ_MAX_PORTS || (seen & 1u << p))
				continue;
			seen |= 1u << p;
			if (cl->rx[r].queue == 0 || (rss_ports & 1u << p))
				pw->may[cl->lcore_id] |= 1u << p;
			if (cl->rx[r].queue == 0)
				pw->port_worker[p] = (uint16_t)cl->lcore_id;
		}
	}
	/* queue 0's worker lists another queue of the port first: the first that may */
	for (unsigned int l = 0; l < cfg->nb_lcores; l++) {
		const struct synq_config_lcore *cl = &cfg->lcores[l];

		if (cl->role == SYNQ_ROLE_APP || cl->lcore_id >= RTE_MAX_LCORE)
			continue;
		for (unsigned int p = 0; p < SYNQ_MAX_PORTS; p++)
			if ((pw->may[cl->lcore_id] & 1u << p) &&
				(pw->port_worker[p] == PROXY_NO_WORKER ||
					!(pw->may[pw->port_worker[p]] & 1u << p)))
				pw->port_worker[p] = (uint16_t)cl->lcore_id;
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
