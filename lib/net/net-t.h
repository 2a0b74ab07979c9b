/* SPDX-License-Identifier: BSD-3-Clause */
/* Types of lib/net: one interface per (port, queue) owned by one worker lcore. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "ip6-t.h"

#define NET_TX_BURST 32
/* Frames the NIC's ring refused wait here for the next flush; only beyond
 * this are frames dropped (tx_full). Dropping at once would turn a short
 * burst into TCP losses, recovered by RTO hundreds of milliseconds later. */
#define NET_TX_HOLD 1024

struct steer;
#define NET_ARP_SLOTS 32 /* a responder talks to a client's whole address range */
#define NET_ND_SLOTS 32  /* the IPv6 neighbour table: as many slots as ARP has */

#include "net-stats.h"

struct net_nd_entry {
	struct net_ip6 ip; /* used says whether the slot holds one */
	bool used;
	struct rte_ether_addr mac;
	uint64_t updated_us;
};

struct tcp_seg;
/* Called for every valid IPv6 TCP segment addressed to us: seg->ip6 points
 * at the header's addresses, saddr and daddr hold their low
 * 32 bits (tcp-wire.h). */
typedef void (*net_tcp6_rx_fn)(void *ctx, const struct tcp_seg *seg);

struct net_arp_entry {
	uint32_t ip; /* host order, 0 = free */
	struct rte_ether_addr mac;
	uint64_t updated_us;
};

/* Checksum work the port does for us. */
struct net_offloads {
	bool tx_ip_cksum, tx_tcp_cksum;
	bool rx_ip_cksum, rx_tcp_cksum;
};

struct net_iface {
	uint16_t port_id, queue_id;
	struct rte_mempool *pool;
	struct rte_ether_addr mac;
	uint32_t ip;      /* our (first) address, host order */
	uint32_t n_ips;   /* we own ip .. ip + n_ips - 1 (net_iface_init sets 1) */
	uint32_t netmask; /* host order */
	uint32_t gateway; /* next hop for off-subnet peers, host order; 0 = none */
	struct net_offloads ofl;
	struct net_arp_entry arp[NET_ARP_SLOTS];
	uint32_t arp_refresh_us;
	/* IPv6: on when n_ip6 > 0 (net_iface_set_ip6) */
	struct net_ip6 ip6;      /* our (first) address */
	uint32_t n_ip6;          /* we own ip6 .. ip6 + n_ip6 - 1 (the low 32 bits count) */
	uint8_t prefix6;         /* on-link prefix length */
	struct net_ip6 gateway6; /* next hop off the prefix; all zeros = none */
	struct net_nd_entry nd[NET_ND_SLOTS];
	net_tcp6_rx_fn on_tcp6;  /* NULL: IPv6 TCP is counted (drop_tcp6_no_stack) and dropped */
	const struct steer *steer; /* NULL: this worker owns every frame */
	struct rte_mbuf *tx[NET_TX_HOLD];
	uint16_t tx_len;
	struct net_stats stats;
};
