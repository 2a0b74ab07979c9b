/* SPDX-License-Identifier: BSD-3-Clause */
/* What the files of lib/net share and no caller needs. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "net.h"

/* What the port says of a received TCP checksum, when it checks them:
 * 1 good, 0 bad, -1 not said (the caller sums it). */
static inline int net_rx_l4_cksum_verdict(const struct net_iface *ifc, const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (!ifc->ofl.rx_tcp_cksum)
		return -1;
	return f == RTE_MBUF_F_RX_L4_CKSUM_GOOD ? 1 : f == RTE_MBUF_F_RX_L4_CKSUM_BAD ? 0 : -1;
}

struct rte_ipv6_hdr;

/* ICMPv6 types (RFC 4443, RFC 4861) */
#define NET_ICMP6_ECHO_REQUEST 128
#define NET_ICMP6_ECHO_REPLY 129
#define NET_ICMP6_NS 135
#define NET_ICMP6_NA 136

struct rte_tcp_hdr;

/* A TCP header of thl bytes (options included) and the payload_len bytes
 * after it, read into seg; the addresses are the caller's (rx.c). */
void net_tcp_seg_parse(const struct rte_tcp_hdr *th, uint16_t thl, uint32_t payload_len,
		       struct tcp_seg *seg);

/* An ICMPv6 message for us, its checksum not yet checked; true when m was
 * consumed (sent back). icmp6.c */
bool net_icmp6_input(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
		     uint64_t now_us);
/* A Neighbor Solicitation or Advertisement with a valid checksum. nd.c */
void net_nd_input(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
		  uint64_t now_us);

/* ff02::1:ffXX:XXXX for one of our addresses (RFC 4291 2.7.1). nd.c */
bool net_ip6_is_our_solicited_node(const struct net_iface *ifc, const struct net_ip6 *ip);
