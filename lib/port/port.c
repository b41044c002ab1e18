/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port bring-up. Order follows ethdev's rules: configure, set up queues, start;
 * MAC and multicast settings after start, where every PMD accepts them.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <numa.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "synq_port.h"
#include "synq_stats.h"

#define RTE_LOGTYPE_SYNQ_PORT RTE_LOGTYPE_USER1
#define PORT_LOG(level, fmt, ...) RTE_LOG(level, SYNQ_PORT, "port: " fmt "\n", ##__VA_ARGS__)

/* Mbufs each lcore may hold outside the rings: a burst in flight and its cache. */
#define POOL_PER_LCORE 64
/*
 * Mbufs beyond the queues' reserve when mempool.mbufs is 0: what connections may hold
 * (mempool.conn_share of it), 8192 x 2304 B = 18 MiB a socket.
 */
#define POOL_SLACK 8192
/*
 * net_af_xdp (DPDK 22.11) fills each rx queue's fill ring with this many mbufs at
 * setup, whatever rx_desc says (ETH_AF_XDP_DFLT_NUM_DESCS, libxdp's default ring):
 * the queue's reserve.
 */
#define AF_XDP_FILL_RING 2048
/*
 * The completion ring of each of its XDP sockets, also fixed (2048): a frame sent
 * zero-copy stays the socket's from the tx ring (rx_desc entries, not tx_desc: the
 * PMD sizes both of the socket's rings from the rx queue's setup and ignores the tx
 * queue's) until the PMD takes it back from this ring, at the socket's next send.
 */
#define AF_XDP_COMP_RING 2048

static int
lcore_socket(unsigned int lcore_id)
{
	int s = (int)rte_lcore_to_socket_id(lcore_id);

	/* EAL leaves SOCKET_ID_ANY when it could not tell; ask the kernel. */
	if (s < 0 && numa_available() >= 0)
		s = numa_node_of_cpu((int)rte_lcore_to_cpu_id((int)lcore_id));
	return s < 0 ? 0 : s;
}

/*
 * The socket a port's memory belongs on: the device's own when ethdev knows it
 * (PCI), else the socket of the first lcore polling it (virtual devices have none).
 */
static int
port_socket(const struct synq_config *cfg, unsigned int pi, uint16_t port_id)
{
	int s = rte_eth_dev_socket_id(port_id);

	if (s >= 0)
		return s;
	for (unsigned int l = 0; l < cfg->nb_lcores; l++)
		if (synq_config_txq(cfg, l, pi) >= 0)
			return lcore_socket(cfg->lcores[l].lcore_id);
	return 0;
}

static void
warn_numa(const struct synq_config *cfg, unsigned int pi, uint16_t port_id)
{
	int ps = rte_eth_dev_socket_id(port_id);

	if (ps < 0)
		return;
	for (unsigned int l = 0; l < cfg->nb_lcores; l++) {
		int ls = lcore_socket(cfg->lcores[l].lcore_id);

		if (synq_config_txq(cfg, l, pi) >= 0 && ls != ps)
			PORT_LOG(WARNING, "%s is on socket %d but lcore %u polling it is on "
				"socket %d: every packet crosses the interconnect",
				cfg->ports[pi].name, ps, cfg->lcores[l].lcore_id, ls);
	}
}

static int
create_pools(struct synq_ports *ps, const struct synq_config *cfg, char *err, size_t errlen)
{
	uint32_t need[RTE_MAX_NUMA_NODES] = {0};

	for (unsigned int i = 0; i < ps->nb; i++)
		need[ps->port[i].socket] += synq_port_reserve(&ps->port[i], cfg->mbuf_cache);
	for (unsigned int s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		char name[RTE_MEMPOOL_NAMESIZE];
		uint32_t n;

		if (need[s] == 0)
			continue;
		n = cfg->mbufs != 0 ? cfg->mbufs : need[s] + POOL_SLACK;
		if (n < need[s]) {
			snprintf(err, errlen, "config error: mempool.mbufs: %u is too small, "
				"expected at least %u for the queues on socket %u", n, need[s], s);
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "synq_mbuf_s%u", s);
		ps->pool[s] = rte_pktmbuf_pool_create(name, n, cfg->mbuf_cache, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, (int)s);
		if (ps->pool[s] == NULL) {
			snprintf(err, errlen, "cannot create a pool of %u mbufs on socket %u: %s "
				"(give EAL more memory with -m, or lower mempool.mbufs)", n, s,
				rte_strerror(rte_errno));
			return -rte_errno;
		}
		ps->reserve[s] = need[s];
		synq_stats_pool_register(ps->pool[s], need[s]);
		PORT_LOG(INFO, "pool %s: %u mbufs, %u of them the queues' reserve", name, n,
			need[s]);
	}
	for (unsigned int i = 0; i < ps->nb; i++) {
		struct synq_port *p = &ps->port[i];

		p->pool = ps->pool[p->socket];
		/*
		 * net_af_xdp registers the pool's memory as the socket's UMEM, from its first
		 * chunk's address for the whole pool's size: a pool in several chunks (EAL
		 * memory too fragmented or too short for one) would hand the kernel frames
		 * outside the UMEM. One chunk, or a clear error.
		 */
		if (p->af_xdp && p->pool->nb_mem_chunks != 1) {
			snprintf(err, errlen, "%s: the pool of %u mbufs on socket %d is in %u "
				"pieces, AF_XDP needs it in one (give EAL more memory with -m, "
				"or lower mempool.mbufs)", cfg->ports[i].name, p->pool->size,
				p->socket, p->pool->nb_mem_chunks);
			return -ENOMEM;
		}
	}
	return 0;
}

/* What the device can do, checked before anything is allocated or configured. */
static int
check_device(struct synq_port *p, const struct synq_config_port *cp, unsigned int pi,
	char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	int rc;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot read device info: %s", cp->name, strerror(-rc));
		return rc;
	}
	if (p->nb_rxq > info.max_rx_queues) {
		snprintf(err, errlen, "config error: ports[%u].rx_queues: %u is more than "
			"device %s has, expected at most %u", pi, p->nb_rxq, cp->name,
			info.max_rx_queues);
		return -EINVAL;
	}
	if (p->nb_txq > info.max_tx_queues) {
		snprintf(err, errlen, "config error: lcores: %u lcores poll %s but the device "
			"has %u tx queues, expected at most that many pollers", p->nb_txq,
			cp->name, info.max_tx_queues);
		return -EINVAL;
	}
	/* The device may round the descriptor counts: size the pools for what it uses. */
	p->nb_rxd = RTE_MIN(RTE_MAX(cp->rx_desc, info.rx_desc_lim.nb_min), info.rx_desc_lim.nb_max);
	p->nb_txd = RTE_MIN(RTE_MAX(cp->tx_desc, info.tx_desc_lim.nb_min), info.tx_desc_lim.nb_max);
	if (info.rx_desc_lim.nb_align > 1)
		p->nb_rxd = RTE_ALIGN_CEIL(p->nb_rxd, info.rx_desc_lim.nb_align);
	if (info.tx_desc_lim.nb_align > 1)
		p->nb_txd = RTE_ALIGN_CEIL(p->nb_txd, info.tx_desc_lim.nb_align);
	p->af_xdp = info.driver_name != NULL && strcmp(info.driver_name, "net_af_xdp") == 0;
	synq_port_size_queues(p);
	return 0;
}

void
synq_port_size_queues(struct synq_port *p)
{
	p->nb_rx_held = p->nb_rxd;
	p->nb_tx_held = p->nb_txd;
	if (p->af_xdp) {
		/*
		 * rx_desc sizes the XDP socket's rx and tx rings, which the kernel wants a
		 * power of two (it says only EINVAL otherwise); the fill and completion
		 * rings are fixed.
		 */
		p->nb_rxd = (uint16_t)RTE_MIN(rte_align32pow2(p->nb_rxd), 1u << 15);
		p->nb_rx_held = RTE_MAX(p->nb_rxd, AF_XDP_FILL_RING);
		p->nb_tx_held = (uint32_t)p->nb_rxd + AF_XDP_COMP_RING;
	}
}

uint32_t
synq_port_reserve(const struct synq_port *p, unsigned int mbuf_cache)
{
	/* a mempool cache may hold 1.5 times its size before it flushes */
	return (uint32_t)p->nb_rxq * p->nb_rx_held + (uint32_t)p->nb_txq * p->nb_tx_held +
		(uint32_t)p->nb_txq * (POOL_PER_LCORE + mbuf_cache * 3 / 2);
}

/*
 * Neighbour solicitations go to the solicited-node groups of our addresses, MLD
 * queries to all-nodes or to those groups (RFC 4861 7.2.1, RFC 3810 5.1.15): the
 * device must pass them. All-multicast where it has it (any address synq may add
 * later is covered), else the list of the groups' MACs (RFC 2464 7); a device that
 * has neither may still pass multicast (net_ring, net_null do): logged, not fatal.
 */
static void
join_groups(struct synq_port *p, const char *name)
{
	struct rte_ether_addr mc[SYNQ_IFACE_MAX_IPV6 + 1];
	uint32_t n = 0;
	int rc;

	rc = rte_eth_allmulticast_enable(p->port_id);
	if (rc == 0)
		return;
	mc[n++] = (struct rte_ether_addr){{0x33, 0x33, 0, 0, 0, 0x01}};
	for (unsigned int i = 0; i < p->iface.nb_ipv6; i++) {
		const uint8_t *a = p->iface.ipv6[i];
		struct rte_ether_addr g = {{0x33, 0x33, 0xff, a[13], a[14], a[15]}};
		uint32_t j;

		for (j = 0; j < n && !rte_is_same_ether_addr(&mc[j], &g); j++)
			;
		if (j == n)
			mc[n++] = g;
	}
	if (rte_eth_dev_set_mc_addr_list(p->port_id, mc, n) == 0) {
		PORT_LOG(INFO,
			"%s: no all-multicast (%s); %u IPv6 multicast groups joined by "
			"address",
			name, strerror(-rc), n);
		return;
	}
	PORT_LOG(NOTICE,
		"%s: neither all-multicast (%s) nor a multicast address list; IPv6 "
		"neighbour discovery relies on the device passing multicast",
		name, strerror(-rc));
}

/*
 * A random RSS key for @p p, of the device's own key size. A driver's default key is
 * public (Microsoft's, or the one in its source), and with it anyone can choose
 * spoofed 4-tuples that all hash to one queue: a flood aimed at one worker, whatever
 * the number of workers. Drawn at each start, the key tells a flood nothing. synq's
 * own use of the key (the local ports of the connections it opens, port_rss.c) reads
 * it back from the device. A device that does not say its key's size (net_null) gets
 * the standard 40 bytes, as port_rss.c assumes; one that refuses the key keeps its own
 * (configure_port()).
 */
static void
rss_key_draw(struct synq_port *p, const struct rte_eth_dev_info *info,
	struct rte_eth_rss_conf *rc, const char *name)
{
	p->rss_key_len = (uint8_t)synq_port_rss_key_draw(p->rss_key, info->hash_key_size);
	if (p->rss_key_len == 0) {
		PORT_LOG(WARNING, "%s: no random RSS key (getrandom: %s): it keeps its default "
			"key, which a flood can be aimed with", name, strerror(errno));
		return;
	}
	rc->rss_key = p->rss_key;
	rc->rss_key_len = p->rss_key_len;
}

/*
 * The key is a secret against an attacker who chooses 4-tuples: from getrandom(), as
 * the cookie and ISN secrets, not rte_rand() (a linear generator whose state its
 * outputs give away). hash_key_size is a uint8_t: every size fits the buffer.
 */
unsigned int
synq_port_rss_key_draw(uint8_t key[SYNQ_PORT_RSS_KEY_MAX], unsigned int hash_key_size)
{
	unsigned int len = hash_key_size != 0 ? hash_key_size : 40;

	if (len > SYNQ_PORT_RSS_KEY_MAX)
		return 0;
	/* up to 256 bytes, getrandom() returns them all or fails */
	if (getrandom(key, len, 0) != (ssize_t)len)
		return 0;
	return len;
}

/*
 * Whether the device holds the key synq drew: a driver without an update (-ENOTSUP)
 * may have taken it at configure or start all the same, and then rss_key_len says so.
 */
static bool
rss_key_held(const struct synq_port *p)
{
	uint8_t key[UINT8_MAX + 1];
	struct rte_eth_rss_conf rc = {.rss_key = key, .rss_key_len = p->rss_key_len};

	return rte_eth_dev_rss_hash_conf_get(p->port_id, &rc) == 0 &&
		memcmp(key, p->rss_key, p->rss_key_len) == 0;
}

/* Drop the key synq drew: the device keeps (or takes back) its own. */
static void
rss_key_drop(struct synq_port *p, struct rte_eth_conf *conf)
{
	p->rss_key_len = 0;
	conf->rx_adv_conf.rss_conf.rss_key = NULL;
	conf->rx_adv_conf.rss_conf.rss_key_len = 0;
}

/* rte_eth_dev_configure(), again without the key where the device refuses it. */
static int
dev_configure(struct synq_port *p, struct rte_eth_conf *conf, const char *name)
{
	int rc = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, conf);
	int krc = rc;

	if (rc == 0 || p->rss_key_len == 0)
		return rc;
	rss_key_drop(p, conf);
	rc = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, conf);
	/* said only when the key was the cause, not the queue counts */
	if (rc == 0)
		PORT_LOG(WARNING, "%s refuses a key of its own size for RSS (%s): it keeps its "
			"default key, which a flood can be aimed with", name, strerror(-krc));
	return rc;
}

/*
 * Some devices take the key only through an update (net_null ignores the configure's):
 * set it again once started, the device's own key left where this is refused.
 * port_rss.c reads back whichever the device holds.
 */
static void
rss_key_update(struct synq_port *p, uint64_t hf, const char *name)
{
	struct rte_eth_rss_conf rss = {
		.rss_key = p->rss_key,
		.rss_key_len = p->rss_key_len,
		.rss_hf = hf,
	};
	int rc;

	if (p->rss_key_len == 0)
		return;
	rc = rte_eth_dev_rss_hash_update(p->port_id, &rss);
	if (rc != 0 && !rss_key_held(p)) {
		PORT_LOG(WARNING, "%s refuses a random RSS key (%s): it keeps its default key, "
			"which a flood can be aimed with", name, strerror(-rc));
		p->rss_key_len = 0;
	}
}

static int
configure_port(struct synq_port *p, const struct synq_config_port *cp, unsigned int pi,
	char *err, size_t errlen)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	struct rte_ether_addr mac;
	uint16_t nb_rxd = p->nb_rxd;
	uint16_t nb_txd = p->nb_txd;
	int rc;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot read device info: %s", cp->name, strerror(-rc));
		return rc;
	}
	/* RSS over the TCP 4-tuple keeps a flow's SYN and ACK on one queue. */
	if (p->nb_rxq > 1) {
		uint64_t hf = (RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV6_TCP) &
			info.flow_type_rss_offloads;

		if (hf == 0) {
			PORT_LOG(WARNING, "%s has no RSS over TCP: a flow's SYN and ACK may reach "
				"different queues", cp->name);
		} else {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = hf;
			p->rss = true;
			rss_key_draw(p, &info, &conf.rx_adv_conf.rss_conf, cp->name);
		}
	}
	conf.rxmode.offloads = info.rx_offload_capa &
		(RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM);
	conf.txmode.offloads = info.tx_offload_capa &
		(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	if (conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		p->tx_offloads |= SYNQ_PORT_TX_IPV4_CKSUM;
	if (conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
		p->tx_offloads |= SYNQ_PORT_TX_TCP_CKSUM;

again:
	rc = dev_configure(p, &conf, cp->name);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (rc != 0) {
		snprintf(err, errlen, "config error: ports[%u].rx_queues: device %s refuses %u rx "
			"and %u tx queues (%s), expected fewer queues or fewer polling lcores", pi,
			cp->name, p->nb_rxq, p->nb_txq, strerror(-rc));
		return rc;
	}
	for (uint16_t q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd, (unsigned int)p->socket, NULL,
			p->pool);
		if (rc != 0) {
			snprintf(err, errlen, "config error: ports[%u].rx_desc: device %s refuses "
				"rx queue %u with %u descriptors (%s), expected another count or "
				"more memory (-m)", pi, cp->name, q, nb_rxd, strerror(-rc));
			return rc;
		}
	}
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (uint16_t q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, nb_txd, (unsigned int)p->socket,
			&txconf);
		if (rc != 0) {
			snprintf(err, errlen, "config error: ports[%u].tx_desc: device %s refuses "
				"tx queue %u with %u descriptors (%s), expected another count", pi,
				cp->name, q, nb_txd, strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0 && p->rss_key_len != 0) {
		/* Many drivers program the key only at start, and may refuse it only there:
		 * configured again without it, queues and all, the port starts as before. */
		PORT_LOG(WARNING, "%s does not start with a random RSS key (%s): it keeps "
			"its default key, which a flood can be aimed with", cp->name,
			strerror(-rc));
		rss_key_drop(p, &conf);
		goto again;
	}
	if (rc != 0) {
		snprintf(err, errlen, "config error: ports[%u].name: device %s does not start "
			"(%s), expected a usable device", pi, cp->name, strerror(-rc));
		return rc;
	}
	p->started = true;
	rss_key_update(p, conf.rx_adv_conf.rss_conf.rss_hf, cp->name);

	if (cp->mac_set) {
		rc = rte_eth_dev_default_mac_addr_set(p->port_id,
			(struct rte_ether_addr *)(uintptr_t)&cp->mac);
		if (rc != 0) {
			snprintf(err, errlen, "config error: ports[%u].mac: device %s refuses a "
				"new MAC address (%s), expected no \"mac\" for it", pi, cp->name,
				strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_macaddr_get(p->port_id, &mac);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot read its MAC address: %s", cp->name,
			strerror(-rc));
		return rc;
	}
	if (cp->promiscuous && (rc = rte_eth_promiscuous_enable(p->port_id)) != 0) {
		snprintf(err, errlen, "config error: ports[%u].promiscuous: device %s refuses "
			"it (%s)", pi, cp->name, strerror(-rc));
		return rc;
	}
	synq_iface_init(&p->iface, p->port_id, cp, &mac);
	synq_iface_live_init(&p->iface, &p->live, cp->ipv6_dad);
	join_groups(p, cp->name);
	p->iface.tx_cksum_offload = (p->tx_offloads & (SYNQ_PORT_TX_IPV4_CKSUM |
		SYNQ_PORT_TX_TCP_CKSUM)) == (SYNQ_PORT_TX_IPV4_CKSUM | SYNQ_PORT_TX_TCP_CKSUM);
	return 0;
}

/*
 * The port's IPv6 addresses and their states (RFC 4862 5.4) for the stats document:
 * [{"address": "2001:2::1", "state": "preferred" | "tentative" | "duplicate"}].
 * Whichever thread builds the document; the states are atomics.
 */
static json_t *
ipv6_json(const void *arg)
{
	static const char *const names[] = {
		[SYNQ_IP6_PREFERRED] = "preferred",
		[SYNQ_IP6_TENTATIVE] = "tentative",
		[SYNQ_IP6_DUPLICATE] = "duplicate",
	};
	const struct synq_iface *ifc = arg;
	json_t *a = json_array();

	for (unsigned int i = 0; i < ifc->nb_ipv6; i++) {
		char s[INET6_ADDRSTRLEN];
		uint8_t st = synq_iface_ipv6_state(ifc, i);

		if (inet_ntop(AF_INET6, ifc->ipv6[i], s, sizeof(s)) == NULL)
			continue;
		json_array_append_new(a, json_pack("{s:s, s:s}", "address", s, "state",
						 st < RTE_DIM(names) ? names[st] : "unknown"));
	}
	return a;
}

int
synq_ports_start(struct synq_ports *ps, const struct synq_config *cfg, char *err, size_t errlen)
{
	int rc;

	memset(ps, 0, sizeof(*ps));
	for (unsigned int i = 0; i < cfg->nb_ports; i++) {
		const struct synq_config_port *cp = &cfg->ports[i];
		struct synq_port *p = &ps->port[i];

		if (rte_eth_dev_get_port_by_name(cp->name, &p->port_id) != 0) {
			snprintf(err, errlen, "config error: ports[%u].name: \"%s\" names no DPDK "
				"device, expected one of the devices EAL probed (--vdev, -a); %u "
				"found", i, cp->name, rte_eth_dev_count_avail());
			return -ENODEV;
		}
		p->socket = port_socket(cfg, i, p->port_id);
		p->nb_rxq = cp->rx_queues;
		p->nb_txq = (uint16_t)synq_config_nb_txq(cfg, i);
		rc = check_device(p, cp, i, err, errlen);
		if (rc != 0)
			return rc;
		ps->nb++;
		warn_numa(cfg, i, p->port_id);
	}
	rc = create_pools(ps, cfg, err, errlen);
	for (unsigned int i = 0; rc == 0 && i < ps->nb; i++) {
		struct synq_port *p = &ps->port[i];
		char mac[RTE_ETHER_ADDR_FMT_SIZE];
		struct rte_eth_link link;

		rc = configure_port(p, &cfg->ports[i], i, err, errlen);
		if (rc != 0)
			break;
		rte_ether_format_addr(mac, sizeof(mac), &p->iface.mac);
		rte_eth_link_get_nowait(p->port_id, &link);
		PORT_LOG(INFO, "%s (port %u) started: %s, socket %d, %u rx / %u tx queues%s, "
			"link %s", cfg->ports[i].name, p->port_id, mac, p->socket, p->nb_rxq,
			p->nb_txq, p->rss ? ", RSS over TCP" : "",
			link.link_status ? "up" : "down");
		synq_stats_port_register(p->port_id, cfg->ports[i].name);
		synq_stats_port_set_ipv6(p->port_id, ipv6_json, &p->iface);
	}
	if (rc == 0) {
		rc = synq_ports_guard_init(ps);
		if (rc != 0)
			snprintf(err, errlen, "no memory for the ports' grace periods");
	}
	if (rc != 0)
		synq_ports_stop(ps);
	return rc;
}

void
synq_ports_stop(struct synq_ports *ps)
{
	synq_ports_guard_fini(ps);
	for (unsigned int i = 0; i < ps->nb; i++) {
		struct synq_port *p = &ps->port[i];

		if (!p->started)
			continue;
		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		p->started = false;
	}
	for (unsigned int s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		rte_mempool_free(ps->pool[s]);
		ps->pool[s] = NULL;
	}
	ps->nb = 0;
}
