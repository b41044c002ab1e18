/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_PORT_H
#define SYNQ_PORT_H

/**
 * @file
 * Ethernet ports as the config describes them: device lookup by name, rx queues with
 * RSS over the TCP 4-tuple where the device has it, one tx queue per polling lcore,
 * mbuf pools on each port's NUMA socket. Control plane only.
 */

#include <stdint.h>

#include <rte_mempool.h>

#include "synq_config.h"
#include "synq_net.h"

/* Offloads a worker may use on a port; decided at start from the device's caps. */
#define SYNQ_PORT_TX_IPV4_CKSUM (1u << 0)
#define SYNQ_PORT_TX_TCP_CKSUM (1u << 1)

struct synq_port {
	uint16_t port_id;
	int socket;	    /* NUMA node the port's queues and pool live on */
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t nb_rxd; /* descriptors per queue, as the device rounds the config's */
	uint16_t nb_txd;
	uint32_t tx_offloads; /* SYNQ_PORT_TX_* */
	bool rss;	    /* RSS over the TCP 4-tuple is on */
	bool started;
	struct rte_mempool *pool;
	struct synq_iface iface; /* read by the workers of this port */
};

struct synq_ports {
	struct synq_port port[SYNQ_MAX_PORTS]; /* same order as synq_config.ports */
	unsigned int nb;
	struct rte_mempool *pool[RTE_MAX_NUMA_NODES];
	/* of each pool, the mbufs the rx/tx descriptors and lcore caches may hold: what
	 * connections never get (lib/tcp's memory budget is a share of the rest) */
	uint32_t reserve[RTE_MAX_NUMA_NODES];
};

/**
 * Find, configure and start every port of @p cfg. After rte_eal_init(). On error
 * nothing stays started and @p err names the config key at fault.
 *
 * @return 0 or a negative errno.
 */
int synq_ports_start(struct synq_ports *ps, const struct synq_config *cfg, char *err,
	size_t errlen);

/** Stop and close every started port and free the pools. */
void synq_ports_stop(struct synq_ports *ps);

#endif /* SYNQ_PORT_H */
