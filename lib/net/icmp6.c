/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMPv6 (RFC 4443): the checksum over the pseudo header, echo replies
 * turned around in the received mbuf, neighbour discovery to nd.c. */
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "cksum.h"
#include "net-priv.h"

static void echo_reply(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint16_t len = rte_be_to_cpu_16(ip->payload_len);
	uint8_t a[16];

	struct rte_ether_addr tmp = eth->dst_addr;
	eth->dst_addr = eth->src_addr;
	eth->src_addr = tmp;
	memcpy(a, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, a, 16);
	ip->hop_limits = 64;
	icmp->icmp_type = NET_ICMP6_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = net_ip6_l4_cksum(ip, IPPROTO_ICMPV6, icmp, len);
	m->data_len = m->pkt_len = (uint32_t)(sizeof(*eth) + sizeof(*ip) + len); /* no padding */
	m->ol_flags = 0;
	ifc->stats.icmp6_echo_replies++;
	net_tx_queue(ifc, m);
}

bool net_icmp6_input(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
		     uint64_t now_us)
{
	const uint8_t *icmp = (const uint8_t *)(ip + 1);
	uint16_t len = rte_be_to_cpu_16(ip->payload_len);

	ifc->stats.rx_icmp6++;
	if (len < 4) {
		ifc->stats.drop_short++;
		return false;
	}
	if (net_ip6_l4_sum(ip, IPPROTO_ICMPV6, icmp, len) != 0xffff) {
		ifc->stats.drop_icmp6_cksum++;
		return false;
	}
	switch (icmp[0]) {
	case NET_ICMP6_NS:
	case NET_ICMP6_NA:
		net_nd_input(ifc, m, ip, now_us);
		return false;
	case NET_ICMP6_ECHO_REQUEST:
		/* to a group (our solicited-node one) we do not answer */
		if (!net_ip6_is_ours(ifc, (const struct net_ip6 *)ip->dst_addr)) {
			ifc->stats.drop_not_ours++;
			return false;
		}
		if (len < sizeof(struct rte_icmp_hdr) || icmp[1] != 0) {
			ifc->stats.drop_proto++;
			return false;
		}
		echo_reply(ifc, m, ip);
		return true;
	default:
		ifc->stats.drop_proto++;
		return false;
	}
}
