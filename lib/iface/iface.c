/* SPDX-License-Identifier: BSD-3-Clause */

#include <string.h>

#include "synq_iface.h"

void
synq_iface_init(struct synq_iface *ifc, uint16_t port_id, const struct synq_config_port *cp,
	const struct rte_ether_addr *mac)
{
	uint8_t *ll;

	memset(ifc, 0, sizeof(*ifc));
	ifc->port_id = port_id;
	ifc->vlan = cp->vlan;
	ifc->mac = *mac;
	memcpy(ifc->ipv4, cp->ipv4, sizeof(cp->ipv4[0]) * cp->nb_ipv4);
	ifc->nb_ipv4 = cp->nb_ipv4;
	memcpy(ifc->ipv6, cp->ipv6, sizeof(cp->ipv6[0]) * cp->nb_ipv6);
	ifc->nb_ipv6 = cp->nb_ipv6;

	/*
	 * fe80::/64 with the modified EUI-64 of the MAC (RFC 4291 appendix A): Linux
	 * peers send their solicitations and router traffic to it, and a host that
	 * answers ND should own one.
	 */
	ll = ifc->ipv6[ifc->nb_ipv6++];
	ll[0] = 0xfe;
	ll[1] = 0x80;
	ll[8] = mac->addr_bytes[0] ^ 0x02;
	ll[9] = mac->addr_bytes[1];
	ll[10] = mac->addr_bytes[2];
	ll[11] = 0xff;
	ll[12] = 0xfe;
	ll[13] = mac->addr_bytes[3];
	ll[14] = mac->addr_bytes[4];
	ll[15] = mac->addr_bytes[5];
}

int
synq_iface_ipv4_index(const struct synq_iface *ifc, uint32_t addr)
{
	for (unsigned int i = 0; i < ifc->nb_ipv4; i++)
		if (ifc->ipv4[i] == addr)
			return (int)i;
	return -1;
}

int
synq_iface_ipv6_index(const struct synq_iface *ifc, const uint8_t addr[16])
{
	for (unsigned int i = 0; i < ifc->nb_ipv6; i++)
		if (memcmp(ifc->ipv6[i], addr, 16) == 0)
			return (int)i;
	return -1;
}

bool
synq_iface_has_ipv4(const struct synq_iface *ifc, uint32_t addr)
{
	return synq_iface_ipv4_index(ifc, addr) >= 0;
}

bool
synq_iface_has_ipv6(const struct synq_iface *ifc, const uint8_t addr[16])
{
	return synq_iface_ipv6_index(ifc, addr) >= 0;
}

void
synq_iface_live_init(struct synq_iface *ifc, struct synq_iface_live *live, bool dad)
{
	memset(live, 0, sizeof(*live));
	for (unsigned int i = 0; i < ifc->nb_ipv6; i++)
		atomic_init(&live->ipv6_state[i], dad ? SYNQ_IP6_TENTATIVE : SYNQ_IP6_PREFERRED);
	atomic_init(&live->mld_answer_tsc, 0);
	atomic_init(&live->dup_pending, false);
	ifc->live = live;
}
