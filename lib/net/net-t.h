/* SPDX-License-Identifier: BSD-3-Clause */
/* Types of lib/net: one interface per (port, queue) owned by one worker lcore. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "counter-table.h"

#define NET_TX_BURST 32
/* Frames the NIC's ring refused wait here for the next flush; only beyond
 * this are frames dropped (tx_full). Dropping at once would turn a short
 * burst into TCP losses, recovered by RTO hundreds of milliseconds later. */
#define NET_TX_HOLD 1024

struct steer;
#define NET_ARP_SLOTS 32 /* a responder talks to a client's whole address range */
#define NET_ND_SLOTS 32  /* the IPv6 neighbour table: as many slots as ARP has */

/* Counters; every drop has its reason. The list makes struct net_stats,
 * net_stats_add_diff() and net_stats_table. */
#define NET_STATS(X) \
	X(rx_pkts, "rx_packets", "frames received") \
	X(tx_pkts, "tx_packets", "frames sent") \
	X(rx_arp, "rx_arp", "ARP frames received") \
	X(rx_icmp, "rx_icmp", "ICMP packets received") \
	X(rx_tcp, "rx_tcp", "IPv4 TCP segments received") \
	X(arp_requests_tx, "arp_requests_tx", "ARP requests sent") \
	X(arp_replies_tx, "arp_replies_tx", "ARP replies sent") \
	X(icmp_echo_replies, "icmp_echo_replies", "ICMP echo replies sent") \
	X(drop_short, "drop_short", "frames dropped: shorter than their headers say") \
	X(drop_not_ipv4, "drop_not_ipv4", "frames dropped: neither ARP nor IP we handle") \
	X(drop_ip_cksum, "drop_ip_cksum", "packets dropped: IPv4 header checksum wrong") \
	X(drop_tcp_cksum, "drop_tcp_cksum", "segments dropped: TCP checksum wrong") \
	X(drop_fragment, "drop_fragment", "packets dropped: fragments") \
	X(drop_not_ours, "drop_not_ours", "packets dropped: for another address") \
	X(drop_proto, "drop_proto", "packets dropped: a protocol or type we do not answer") \
	X(tx_nombuf, "tx_nombuf", "frames not sent: no mbuf") \
	X(tx_full, "tx_full", "frames dropped: the transmit ring and its hold queue full") \
	X(steer_out, "steer_out", "frames passed to the worker that owns them") \
	X(steer_in, "steer_in", "frames other workers passed to us") \
	X(steer_drop, "steer_drop", "frames dropped: the owner's ring was full") \
	X(arp_shared_out, "arp_shared_out", "ARP copies passed to other workers") \
	X(arp_shared_in, "arp_shared_in", "ARP copies other workers passed to us") \
	X(rx_ip6, "rx_ip6", "IPv6 packets received") \
	X(rx_nd, "rx_nd", "neighbour discovery messages received") \
	X(rx_icmp6, "rx_icmp6", "ICMPv6 messages received") \
	X(rx_tcp6, "rx_tcp6", "IPv6 TCP segments received") \
	X(nd_solicits_tx, "nd_solicits_tx", "neighbour solicitations sent") \
	X(nd_adverts_tx, "nd_adverts_tx", "neighbour advertisements sent") \
	X(icmp6_echo_replies, "icmp6_echo_replies", "ICMPv6 echo replies sent") \
	X(drop_nd_invalid, "drop_nd_invalid", "ND dropped: hop limit not 255, bad code, length or option") \
	X(drop_icmp6_cksum, "drop_icmp6_cksum", "ICMPv6 dropped: checksum wrong") \
	X(drop_tcp6_no_stack, "drop_tcp6_no_stack", "IPv6 TCP segments no handler takes")

struct net_stats {
	NET_STATS(COUNTER_TABLE_MEMBER)
};

/* An IPv6 address, network byte order. */
struct net_ip6 {
	uint8_t b[16];
};

struct net_nd_entry {
	struct net_ip6 ip; /* used says whether the slot holds one */
	bool used;
	struct rte_ether_addr mac;
	uint64_t updated_us;
};

struct tcp_seg;
/* Called for every valid IPv6 TCP segment addressed to us; seg's saddr and
 * daddr are 0, the addresses are apart (struct tcp_seg holds IPv4 ones). */
typedef void (*net_tcp6_rx_fn)(void *ctx, const struct net_ip6 *saddr,
			       const struct net_ip6 *daddr, const struct tcp_seg *seg);

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
