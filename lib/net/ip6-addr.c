/* SPDX-License-Identifier: BSD-3-Clause */
/* Our IPv6 addresses: which are ours, their solicited-node groups, and the
 * next hop toward a peer. A range counts in the low 32 bits, as an IPv4
 * range counts in its address. */
#include <string.h>

#include <rte_byteorder.h>

#include "net-priv.h"

void net_iface_set_ip6(struct net_iface *ifc, const struct net_ip6 *ip, uint8_t prefix_len)
{
	ifc->ip6 = *ip;
	ifc->n_ip6 = 1;
	ifc->prefix6 = prefix_len > 128 ? 128 : prefix_len;
}

bool net_ip6_is_ours(const struct net_iface *ifc, const struct net_ip6 *ip)
{
	return ifc->n_ip6 && memcmp(ip->b, ifc->ip6.b, 12) == 0 &&
	       net_ip6_low32(ip) - net_ip6_low32(&ifc->ip6) < ifc->n_ip6; /* wraps when below */
}

bool net_ip6_is_our_solicited_node(const struct net_iface *ifc, const struct net_ip6 *ip)
{
	static const uint8_t group[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};

	if (!ifc->n_ip6 || memcmp(ip->b, group, sizeof(group)) != 0)
		return false;
	/* one of ip6 .. ip6 + n - 1 ends in these 24 bits */
	uint32_t want = net_ip6_low32(ip) & 0xffffff, first = net_ip6_low32(&ifc->ip6) & 0xffffff;
	return ifc->n_ip6 > 0xffffff || ((want - first) & 0xffffff) < ifc->n_ip6;
}

static bool same_prefix(const struct net_ip6 *a, const struct net_ip6 *b, uint8_t len)
{
	uint8_t bytes = len / 8, bits = len % 8;

	if (memcmp(a->b, b->b, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits));
	return (a->b[bytes] & mask) == (b->b[bytes] & mask);
}

static bool is_zero(const struct net_ip6 *ip)
{
	static const struct net_ip6 zero;

	return memcmp(ip, &zero, sizeof(zero)) == 0;
}

void net_ip6_next_hop(const struct net_iface *ifc, const struct net_ip6 *dst,
		      struct net_ip6 *hop)
{
	if (!is_zero(&ifc->gateway6) && !same_prefix(dst, &ifc->ip6, ifc->prefix6))
		*hop = ifc->gateway6;
	else
		*hop = *dst;
}
