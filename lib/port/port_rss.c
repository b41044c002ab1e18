/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A port's RSS key and redirection table, read from the device, for the software copy
 * of its RSS (lib/iface/rss.c) that chooses the local ports of connections synq opens.
 *
 * synq gives a port a random key (lib/port/port.c: a public default key would let a
 * flood aim at one queue) and keeps the device's table; both are read back rather than
 * assumed: a device may refuse the key and keep its default, defaults differ between
 * drivers (mlx5 and i40e do not use Microsoft's), and a table may be spread over fewer
 * queues than the port has.
 */

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>

#include "synq_port_rss.h"

#define RSS_TCP (RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV6_TCP)
/*
 * A device that does not report its key's size (hash_key_size 0: net_null among
 * others) is taken to have the standard 40-byte one; the buffer it is read into is
 * larger than any key a driver has, should one write more than it said.
 */
#define RSS_KEY_STD 40
#define RSS_KEY_BUF 128

/* The device's table, @p size entries, in 64-entry groups as ethdev hands it. */
static int
reta_read(uint16_t port_id, uint16_t *reta, unsigned int size)
{
	struct rte_eth_rss_reta_entry64 conf[SYNQ_RSS_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE];
	unsigned int groups = (size + RTE_ETH_RETA_GROUP_SIZE - 1) / RTE_ETH_RETA_GROUP_SIZE;
	int rc;

	memset(conf, 0, sizeof(conf));
	for (unsigned int g = 0; g < groups; g++)
		conf[g].mask = UINT64_MAX;
	rc = rte_eth_dev_rss_reta_query(port_id, conf, (uint16_t)size);
	if (rc != 0)
		return rc;
	for (unsigned int i = 0; i < size; i++)
		reta[i] = conf[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
	return 0;
}

int
synq_port_rss_query(const struct synq_port *p, struct synq_rss *rss)
{
	uint8_t key[RSS_KEY_BUF];
	uint16_t reta[SYNQ_RSS_RETA_MAX];
	unsigned int key_len;
	struct rte_eth_rss_conf conf = {.rss_key = key};
	struct rte_eth_dev_info info;
	int rc;

	synq_rss_init_none(rss);
	if (p->nb_rxq <= 1)
		return 0;
	if (!p->rss)
		return -ENOTSUP;
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return rc;
	key_len = info.hash_key_size == 0 ? RSS_KEY_STD : info.hash_key_size;
	if (key_len < SYNQ_RSS_KEY_MIN || key_len > RSS_KEY_BUF || info.reta_size == 0 ||
		info.reta_size > SYNQ_RSS_RETA_MAX)
		return -ENOTSUP;
	conf.rss_key_len = (uint8_t)key_len;
	rc = rte_eth_dev_rss_hash_conf_get(p->port_id, &conf);
	if (rc != 0)
		return rc;
	/* both families' TCP must be hashed over the 4-tuple, as port.c asked */
	if ((conf.rss_hf & RSS_TCP) != RSS_TCP)
		return -ENOTSUP;
	rc = reta_read(p->port_id, reta, info.reta_size);
	if (rc != 0)
		return rc;
	/* the TCP 4-tuple uses the key's first 40 bytes: a longer key's tail is not kept */
	rc = synq_rss_init(rss, key, RTE_MIN(key_len, (unsigned int)SYNQ_RSS_KEY_MAX), reta,
		info.reta_size, p->nb_rxq);
	if (rc != 0) {
		synq_rss_init_none(rss);
		return -ENOTSUP;
	}
	return 0;
}
