/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv6 address as lib/net and lib/tcp share it (no DPDK type needed). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* An IPv6 address, network byte order. */
struct net_ip6 {
	uint8_t b[16];
};

/* Its last 32 bits, host order: what the IPv4 fields of a segment hold for
 * an IPv6 one, so ranges and lookups stay 32-bit arithmetic. */
/* Two addresses in an IPv6 header's order: source, then destination (a
 * received header's own bytes, or a connection's local and remote ones). */
struct net_ip6_pair {
	struct net_ip6 src, dst;
};

static inline uint32_t net_ip6_low32(const struct net_ip6 *ip)
{
	return (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 | (uint32_t)ip->b[14] << 8 |
	       ip->b[15];
}

static inline void net_ip6_set_low32(struct net_ip6 *ip, uint32_t v)
{
	ip->b[12] = (uint8_t)(v >> 24);
	ip->b[13] = (uint8_t)(v >> 16);
	ip->b[14] = (uint8_t)(v >> 8);
	ip->b[15] = (uint8_t)v;
}

static inline bool net_ip6_equal(const struct net_ip6 *a, const struct net_ip6 *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}
