/* SPDX-License-Identifier: BSD-3-Clause */
/* Receive path: one burst, each frame checked layer by layer; every frame
 * that is not handed up is counted under its reason. */
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "cksum.h"
#include "net-priv.h"
#include "steer.h"

#define RX_BURST 32

/* TCP options we read: MSS, window scale, SACK-permitted, timestamps; the
 * rest (SACK blocks among them) is skipped. */
static void tcp_parse_options(const uint8_t *opt, int len, struct tcp_seg *seg)
{
	while (len > 0) {
		uint8_t kind = opt[0];
		if (kind == 0)
			return;
		if (kind == 1) {
			opt++;
			len--;
			continue;
		}
		if (len < 2 || opt[1] < 2 || opt[1] > len)
			return;
		if (kind == 2 && opt[1] == 4)
			seg->mss = (uint16_t)(opt[2] << 8 | opt[3]);
		else if (kind == 3 && opt[1] == 3)
			seg->wscale = (int8_t)(opt[2] > 14 ? 14 : opt[2]);
		else if (kind == 4 && opt[1] == 2)
			seg->sack_ok = true;
		else if (kind == 8 && opt[1] == 10) {
			seg->ts = true;
			seg->tsval = (uint32_t)opt[2] << 24 | (uint32_t)opt[3] << 16 |
				     (uint32_t)opt[4] << 8 | opt[5];
			seg->tsecr = (uint32_t)opt[6] << 24 | (uint32_t)opt[7] << 16 |
				     (uint32_t)opt[8] << 8 | opt[9];
		}
		len -= opt[1];
		opt += opt[1];
	}
}

void net_tcp_seg_parse(const struct rte_tcp_hdr *th, uint16_t thl, uint32_t payload_len,
		       struct tcp_seg *seg)
{
	*seg = (struct tcp_seg){
		.sport = rte_be_to_cpu_16(th->src_port),
		.dport = rte_be_to_cpu_16(th->dst_port),
		.seq = rte_be_to_cpu_32(th->sent_seq),
		.ack = rte_be_to_cpu_32(th->recv_ack),
		.flags = th->tcp_flags,
		.wnd = rte_be_to_cpu_16(th->rx_win),
		.wscale = -1,
		.payload = (const uint8_t *)th + thl,
		.len = payload_len,
	};
	tcp_parse_options((const uint8_t *)(th + 1), thl - (int)sizeof(*th), seg);
}

static bool tcp_cksum_ok(const struct net_iface *ifc, const struct rte_mbuf *m,
			 const struct rte_ipv4_hdr *ip, const struct rte_tcp_hdr *th)
{
	int said = net_rx_l4_cksum_verdict(ifc, m);

	if (said >= 0)
		return said == 1;
	uint16_t l4_len = rte_be_to_cpu_16(ip->total_length) - rte_ipv4_hdr_len(ip);
	return net_tcp_sum(ip, th, l4_len) == 0xffff;
}

static void tcp_wire_input(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
			   net_tcp_rx_fn on_tcp, void *ctx)
{
	uint16_t ihl = rte_ipv4_hdr_len(ip);
	uint16_t ip_len = rte_be_to_cpu_16(ip->total_length);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)((uint8_t *)ip + ihl);
	uint16_t thl = (th->data_off >> 4) * 4;

	ifc->stats.rx_tcp++;
	if (ip_len < ihl + sizeof(*th) || thl < sizeof(*th) || ip_len < ihl + thl) {
		ifc->stats.drop_short++;
		return;
	}
	if (!tcp_cksum_ok(ifc, m, ip, th)) {
		ifc->stats.drop_tcp_cksum++;
		return;
	}
	struct tcp_seg seg;

	net_tcp_seg_parse(th, thl, (uint32_t)(ip_len - ihl - thl), &seg);
	seg.saddr = rte_be_to_cpu_32(ip->src_addr);
	seg.daddr = rte_be_to_cpu_32(ip->dst_addr);
	on_tcp(ctx, &seg);
}

static bool ip_cksum_ok(const struct net_iface *ifc, const struct rte_mbuf *m,
			const struct rte_ipv4_hdr *ip)
{
	if (ifc->ofl.rx_ip_cksum) {
		uint64_t f = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
		if (f == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
			return true;
		if (f == RTE_MBUF_F_RX_IP_CKSUM_BAD)
			return false;
	}
	/* the one's complement sum over a correct header, checksum included, is all ones */
	return net_ipv4_hdr_sum(ip, rte_ipv4_hdr_len(ip)) == 0xffff;
}

/* Returns true when m was consumed (sent back) and must not be freed. */
static bool ipv4_input(struct net_iface *ifc, struct rte_mbuf *m, uint64_t now_us,
		       net_tcp_rx_fn on_tcp, void *ctx)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint16_t room = m->data_len - sizeof(*eth);

	(void)now_us;
	if (room < sizeof(*ip) || (ip->version_ihl >> 4) != 4 || rte_ipv4_hdr_len(ip) < 20 ||
	    rte_be_to_cpu_16(ip->total_length) > room ||
	    rte_be_to_cpu_16(ip->total_length) < rte_ipv4_hdr_len(ip)) {
		ifc->stats.drop_short++;
		return false;
	}
	if (!ip_cksum_ok(ifc, m, ip)) {
		ifc->stats.drop_ip_cksum++;
		return false;
	}
	if (!net_ip_is_ours(ifc, rte_be_to_cpu_32(ip->dst_addr))) {
		ifc->stats.drop_not_ours++;
		return false;
	}
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		ifc->stats.drop_fragment++;
		return false;
	}
	switch (ip->next_proto_id) {
	case IPPROTO_TCP:
		tcp_wire_input(ifc, m, ip, on_tcp, ctx);
		return false;
	case IPPROTO_ICMP:
		net_icmp_input(ifc, m);
		return true;
	default:
		ifc->stats.drop_proto++;
		return false;
	}
}

/* The TCP header of an IPv6 frame (no extension headers: rx6.c follows
 * none either), or NULL. */
static struct rte_tcp_hdr *tcp6_of(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);

	if (m->data_len < sizeof(*eth) + sizeof(*ip6) + sizeof(struct rte_tcp_hdr) ||
	    ip6->proto != IPPROTO_TCP)
		return NULL;
	return (struct rte_tcp_hdr *)(ip6 + 1);
}

/* The TCP header of a frame to steer, IPv4 or (with an IPv6 address) IPv6. */
static struct rte_tcp_hdr *tcp_of(const struct net_iface *ifc, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	if (m->data_len < sizeof(*eth))
		return NULL;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
		return ifc->n_ip6 ? tcp6_of(m) : NULL;
	if (m->data_len < sizeof(*eth) + sizeof(*ip) + sizeof(struct rte_tcp_hdr) ||
	    ip->next_proto_id != IPPROTO_TCP || (ip->version_ihl >> 4) != 4)
		return NULL;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)((uint8_t *)ip + rte_ipv4_hdr_len(ip));
	if ((uint8_t *)(th + 1) > rte_pktmbuf_mtod(m, uint8_t *) + m->data_len)
		return NULL;
	return th;
}

/* Another worker owns the frame's destination port: hand it over. Returns
 * true when m left this worker. */
static bool steer_away(struct net_iface *ifc, struct rte_mbuf *m)
{
	const struct steer *st = ifc->steer;
	struct rte_tcp_hdr *th = tcp_of(ifc, m);

	if (!th)
		return false;
	uint16_t owner = steer_owner(st, rte_be_to_cpu_16(th->dst_port));
	if (owner == st->self)
		return false;
	if (rte_ring_enqueue(st->rings[owner], m) < 0) {
		ifc->stats.steer_drop++;
		rte_pktmbuf_free(m);
	} else {
		ifc->stats.steer_out++;
	}
	return true;
}

/* Every worker keeps its own ARP table: copies of ARP frames go to all. */
static void share_arp(struct net_iface *ifc, struct rte_mbuf *m)
{
	const struct steer *st = ifc->steer;

	for (uint16_t w = 0; w < st->n_workers; w++) {
		if (w == st->self)
			continue;
		rte_mbuf_refcnt_update(m, 1);
		if (rte_ring_enqueue(st->rings[w], m) < 0) {
			rte_mbuf_refcnt_update(m, -1);
			ifc->stats.steer_drop++;
		} else {
			ifc->stats.arp_shared_out++;
		}
	}
}

static bool is_arp(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	return m->data_len >= sizeof(*eth) &&
	       eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
}

static void frame_input(struct net_iface *ifc, struct rte_mbuf *m, uint64_t now_us,
			net_tcp_rx_fn on_tcp, void *ctx)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	bool consumed = false;

	if (m->data_len < sizeof(*eth) || m->nb_segs != 1) {
		ifc->stats.drop_short++;
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
		net_arp_input(ifc, m, now_us);
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		consumed = ipv4_input(ifc, m, now_us, on_tcp, ctx);
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) && ifc->n_ip6) {
		consumed = net_ipv6_input(ifc, m, now_us, ctx);
	} else {
		ifc->stats.drop_not_ipv4++;
	}
	if (!consumed)
		rte_pktmbuf_free(m);
}

/* Frames other workers passed to us: already ours, no steering. */
static uint16_t steered_in(struct net_iface *ifc, uint64_t now_us, net_tcp_rx_fn on_tcp,
			   void *ctx)
{
	struct rte_mbuf *pkts[RX_BURST];
	unsigned n = rte_ring_dequeue_burst(ifc->steer->rings[ifc->steer->self], (void **)pkts,
					    RX_BURST, NULL);

	for (unsigned i = 0; i < n; i++) {
		if (is_arp(pkts[i]))
			ifc->stats.arp_shared_in++;
		else
			ifc->stats.steer_in++;
		frame_input(ifc, pkts[i], now_us, on_tcp, ctx);
	}
	return (uint16_t)n;
}

uint16_t net_rx(struct net_iface *ifc, uint64_t now_us, net_tcp_rx_fn on_tcp, void *ctx)
{
	struct rte_mbuf *pkts[RX_BURST];
	bool steering = ifc->steer && ifc->steer->n_workers > 1;
	uint16_t n = rte_eth_rx_burst(ifc->port_id, ifc->queue_id, pkts, RX_BURST);

	ifc->stats.rx_pkts += n;
	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (steering && is_arp(pkts[i]))
			share_arp(ifc, pkts[i]);
		else if (steering && steer_away(ifc, pkts[i]))
			continue;
		frame_input(ifc, pkts[i], now_us, on_tcp, ctx);
	}
	return steering ? (uint16_t)(n + steered_in(ifc, now_us, on_tcp, ctx)) : n;
}
