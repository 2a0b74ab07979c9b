/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/net's counters; no DPDK here, so reports are read and written in
 * every build. */
#pragma once

#include "counter-table.h"

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

/* out += b - a, field by field; and the (key, offset, help) of every counter */
void net_stats_add_diff(struct net_stats *out, const struct net_stats *a,
			const struct net_stats *b);
extern const struct counter_table net_stats_table;
