/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_PORT_RSS_H
#define SYNQ_PORT_RSS_H

/**
 * @file
 * A started port's RSS as software needs it (lib/iface/synq_rss.h): the device's hash
 * key and redirection table, read from ethdev. Control plane only: at start, and again
 * whenever the table may have changed (a device reset).
 */

#include "synq_port.h"
#include "synq_rss.h"

/**
 * Fill @p rss with the RSS of started port @p p: its key and redirection table as the
 * device reports them (rte_eth_dev_rss_hash_conf_get(), rte_eth_dev_rss_reta_query()).
 *
 * A port with one rx queue needs no RSS: @p rss says "every tuple lands on queue 0" and
 * the device is not asked. Main lcore, before the workers read @p rss.
 *
 * A device that does not report its key's size (net_null) is taken to use the standard
 * 40-byte key.
 *
 * @return 0 with @p rss usable; -ENOTSUP when the port has several rx queues but no RSS
 *         over TCP of both families, or a device that does not tell its key or table
 *         (net_ring, memif), or a redirection table larger than SYNQ_RSS_RETA_MAX: then
 *         which queue a reply reaches is unknown and @p rss is left saying "queue 0";
 *         another negative errno when ethdev fails.
 */
int synq_port_rss_query(const struct synq_port *p, struct synq_rss *rss);

#endif /* SYNQ_PORT_RSS_H */
