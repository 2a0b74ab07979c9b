/* SPDX-License-Identifier: BSD-3-Clause */
/* Receive path for IPv6: the fixed header checked, the destination ours (or
 * our solicited-node group, for ICMPv6), then ICMPv6 or TCP. Extension
 * headers are not followed: drench's peers send none on its flows. */
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "cksum.h"
#include "net-priv.h"

#define IP6_NEXT_FRAGMENT 44

static bool tcp6_cksum_ok(const struct net_iface *ifc, const struct rte_mbuf *m,
			  const struct rte_ipv6_hdr *ip, const struct rte_tcp_hdr *th, uint16_t len)
{
	int said = net_rx_l4_cksum_verdict(ifc, m);

	if (said >= 0)
		return said == 1;
	return net_ip6_l4_sum(ip, IPPROTO_TCP, th, len) == 0xffff;
}

static void tcp6_input(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
		       void *ctx)
{
	uint16_t len = rte_be_to_cpu_16(ip->payload_len);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint16_t thl = (th->data_off >> 4) * 4;

	ifc->stats.rx_tcp6++;
	if (len < sizeof(*th) || thl < sizeof(*th) || len < thl) {
		ifc->stats.drop_short++;
		return;
	}
	if (!tcp6_cksum_ok(ifc, m, ip, th, len)) {
		ifc->stats.drop_tcp_cksum++;
		return;
	}
	if (!ifc->on_tcp6) {
		ifc->stats.drop_tcp6_no_stack++;
		return;
	}
	struct tcp_seg seg;

	net_tcp_seg_parse(th, thl, (uint32_t)(len - thl), &seg);
	seg.ip6 = (const struct net_ip6_pair *)ip->src_addr; /* dst_addr follows */
	seg.saddr = net_ip6_low32(&seg.ip6->src);
	seg.daddr = net_ip6_low32(&seg.ip6->dst);
	ifc->on_tcp6(ctx, &seg);
}

/* Our unicast addresses take everything; our solicited-node groups only
 * ICMPv6 (neighbour discovery). */
static bool for_us(const struct net_iface *ifc, const struct rte_ipv6_hdr *ip)
{
	const struct net_ip6 *dst = (const struct net_ip6 *)ip->dst_addr;

	if (net_ip6_is_ours(ifc, dst))
		return true;
	return ip->proto == IPPROTO_ICMPV6 && net_ip6_is_our_solicited_node(ifc, dst);
}

bool net_ipv6_input(struct net_iface *ifc, struct rte_mbuf *m, uint64_t now_us, void *ctx)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
							  sizeof(struct rte_ether_hdr));
	uint16_t room = (uint16_t)(m->data_len - sizeof(struct rte_ether_hdr));

	ifc->stats.rx_ip6++;
	if (room < sizeof(*ip) || (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 ||
	    rte_be_to_cpu_16(ip->payload_len) > room - sizeof(*ip)) {
		ifc->stats.drop_short++;
		return false;
	}
	if (!for_us(ifc, ip)) {
		ifc->stats.drop_not_ours++;
		return false;
	}
	switch (ip->proto) {
	case IPPROTO_TCP:
		tcp6_input(ifc, m, ip, ctx);
		return false;
	case IPPROTO_ICMPV6:
		return net_icmp6_input(ifc, m, ip, now_us);
	case IP6_NEXT_FRAGMENT:
		ifc->stats.drop_fragment++;
		return false;
	default: /* another upper layer or an extension header */
		ifc->stats.drop_proto++;
		return false;
	}
}
