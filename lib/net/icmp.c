/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP echo reply, turned around in the received mbuf. */
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net.h"

void net_icmp_input(struct net_iface *ifc, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint16_t ihl = rte_ipv4_hdr_len(ip);
	uint16_t ip_len = rte_be_to_cpu_16(ip->total_length);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);

	ifc->stats.rx_icmp++;
	if (ip_len < ihl + sizeof(*icmp) || icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST) {
		ifc->stats.drop_proto++;
		rte_pktmbuf_free(m);
		return;
	}
	if (rte_raw_cksum(icmp, ip_len - ihl) != 0xffff) {
		ifc->stats.drop_ip_cksum++;
		rte_pktmbuf_free(m);
		return;
	}
	struct rte_ether_addr tmp = eth->dst_addr;
	eth->dst_addr = eth->src_addr;
	eth->src_addr = tmp;
	rte_be32_t a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, ip_len - ihl);
	m->ol_flags = 0;
	ifc->stats.icmp_echo_replies++;
	net_tx_queue(ifc, m);
}
