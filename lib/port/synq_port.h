/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_PORT_H
#define SYNQ_PORT_H

/**
 * @file
 * Ethernet ports as the config describes them: device lookup by name, rx queues with
 * RSS over the TCP 4-tuple where the device has it, one tx queue per polling lcore,
 * mbuf pools on each port's NUMA socket. Control plane only.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include <rte_rcu_qsbr.h>

#include "synq_config.h"
#include "synq_net.h"

/* Offloads a worker may use on a port; decided at start from the device's caps. */
#define SYNQ_PORT_TX_IPV4_CKSUM (1u << 0)
#define SYNQ_PORT_TX_TCP_CKSUM (1u << 1)

/* The longest RSS key synq draws for a port: any device's (hash_key_size is a uint8_t). */
#define SYNQ_PORT_RSS_KEY_MAX UINT8_MAX

struct synq_port {
	uint16_t port_id;
	int socket;	    /* NUMA node the port's queues and pool live on */
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t nb_rxd; /* descriptors per queue, as the device rounds the config's */
	uint16_t nb_txd;
	uint16_t nb_rx_held; /* mbufs an rx queue holds once set up: nb_rxd, or more (AF_XDP) */
	uint32_t nb_tx_held; /* mbufs a tx queue may hold: nb_txd, or more (AF_XDP) */
	bool af_xdp;	     /* a net_af_xdp port: its UMEM is the pool's memory */
	uint32_t tx_offloads; /* SYNQ_PORT_TX_* */
	bool rss;	    /* RSS over the TCP 4-tuple is on */
	/*
	 * The RSS key synq drew for the port (random, the device's size),
	 * kept here because ethdev keeps the pointer and drivers read the key when the
	 * port starts; rss_key_len 0: the device's own key.
	 */
	uint8_t rss_key_len;
	uint8_t rss_key[SYNQ_PORT_RSS_KEY_MAX];
	bool started;
	bool guarded; /* a net_memif port: its gate follows its link, its peer's leaving
		       * waits for the workers; any other port's gate stays open */
	/*
	 * May the workers call rx and tx burst on it: even open, odd closed (lib/port/link.c).
	 * The interrupt thread closes it (a memif peer leaving), the workers close it when
	 * the link is down and open it when the link is up; everyone reads it per burst.
	 */
	_Atomic uint32_t gate;
	struct rte_mempool *pool;
	struct synq_iface iface; /* read by the workers of this port */
	struct synq_iface_live live; /* iface.live: what the workers change (atomics) */
};

struct synq_ports {
	struct synq_port port[SYNQ_MAX_PORTS]; /* same order as synq_config.ports */
	unsigned int nb;
	struct rte_mempool *pool[RTE_MAX_NUMA_NODES];
	/* of each pool, the mbufs the rx/tx descriptors and lcore caches may hold: what
	 * connections never get (lib/tcp's memory budget is a share of the rest) */
	uint32_t reserve[RTE_MAX_NUMA_NODES];
	/* the workers' quiescent states (lcore ids), for synq_ports_unmap_guard() */
	struct rte_rcu_qsbr *qsbr;
};

/**
 * Find, configure and start every port of @p cfg. After rte_eal_init(). On error
 * nothing stays started and @p err names the config key at fault.
 *
 * @return 0 or a negative errno.
 */
int synq_ports_start(struct synq_ports *ps, const struct synq_config *cfg, char *err,
	size_t errlen);

/**
 * Fill @p key with a random RSS key of @p hash_key_size bytes (a device's
 * rte_eth_dev_info; 0, a device that does not say: the standard 40), from getrandom().
 *
 * @return the key's length, or 0 when none could be drawn.
 */
unsigned int synq_port_rss_key_draw(uint8_t key[SYNQ_PORT_RSS_KEY_MAX], unsigned int hash_key_size);

/** Stop and close every started port and free the pools. */
void synq_ports_stop(struct synq_ports *ps);

/* link.c: the ports' gates, and the grace period before a memif peer's memory goes */

struct rte_rcu_qsbr;

/**
 * Open every gate of @p ps, learn which ports are memif and arm the unmap guard for
 * them. Called by synq_ports_start(); main lcore, before any worker runs.
 *
 * @return 0 or a negative errno.
 */
int synq_ports_guard_init(struct synq_ports *ps);

/**
 * Arm the unmap guard for @p ps if any of its ports is guarded (a memif port), disarm it
 * otherwise. synq_ports_guard_init() calls it; tests that mark a port guarded too.
 */
void synq_ports_guard_arm(struct synq_ports *ps);

/** Disarm the unmap guard of @p ps (synq_ports_stop(), before the devices stop). */
void synq_ports_guard_fini(struct synq_ports *ps);

/**
 * Called first by synq's munmap(): from the EAL interrupt thread while a memif port is
 * started, close the gate of every memif port whose link is down (memif_disconnect sets
 * it down in that thread before it unmaps) and wait until every online worker passed a
 * quiescent state (no burst in flight on those ports, none starting). With no memif
 * link down, or anywhere else, returns at once. Blocks the interrupt thread for one
 * pass of each worker's loop.
 */
void synq_ports_unmap_guard(void);

/** The calling worker lcore takes part in the grace periods; before its first burst. */
void synq_ports_online(struct synq_ports *ps, unsigned int lcore_id);

/** The calling worker lcore no longer calls any burst and leaves the grace periods. */
void synq_ports_offline(struct synq_ports *ps, unsigned int lcore_id);

/**
 * The calling worker holds nothing from a burst: report it (once a pass of the loop,
 * between bursts). One load and one store to the lcore's own line.
 */
static inline void
synq_ports_quiescent(struct rte_rcu_qsbr *qsbr, unsigned int lcore_id)
{
	if (qsbr != NULL)
		rte_rcu_qsbr_quiescent(qsbr, lcore_id);
}

/** May a worker call rx or tx burst on the port of @p gate now. Any lcore. */
static inline bool
synq_port_gate_open(const _Atomic uint32_t *gate)
{
	return (atomic_load_explicit(gate, memory_order_relaxed) & 1) == 0;
}

/**
 * Poll @p p's link (from a worker's tick, not per burst) if it is a memif port: close
 * its gate if the link is down, open it if the link is up again; a link that cannot be
 * read leaves the gate as it is. Any other port: nothing (its gate stays open, its link
 * is never read here). Any worker of the port.
 *
 * @return 1 if this call opened the gate, -1 if it closed it, 0 otherwise.
 */
int synq_port_link_check(struct synq_port *p);

/**
 * From the descriptor counts @p p's device takes (nb_rxd, nb_txd) and its driver
 * (af_xdp): nb_rxd as the queues are set up with (on net_af_xdp a power of two, the
 * XDP socket's rings), nb_rx_held and nb_tx_held, the mbufs each queue may hold.
 * Called by synq_ports_start(); alone for the unit tests.
 */
void synq_port_size_queues(struct synq_port *p);

/**
 * Mbufs port @p p's queues (after synq_port_size_queues()) and the caches of its
 * polling lcores (@p mbuf_cache each) may hold: its share of the pool's reserve.
 */
uint32_t synq_port_reserve(const struct synq_port *p, unsigned int mbuf_cache);

#endif /* SYNQ_PORT_H */
