/* SPDX-License-Identifier: BSD-3-Clause */
/* Transmit path: TCP segments built from struct tcp_seg_out, frames batched
 * per queue. Checksums go to the NIC when it offers them, else software. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "cksum.h"
#include "net.h"

uint16_t net_tx_flush(struct net_iface *ifc)
{
	uint16_t n = ifc->tx_len, sent;

	if (n == 0)
		return 0;
	sent = rte_eth_tx_burst(ifc->port_id, ifc->queue_id, ifc->tx, n);
	ifc->stats.tx_pkts += sent;
	if (sent < n) /* the ring is full: the rest waits, oldest first */
		memmove(ifc->tx, &ifc->tx[sent], (size_t)(n - sent) * sizeof(ifc->tx[0]));
	ifc->tx_len = n - sent;
	return sent;
}

void net_tx_queue(struct net_iface *ifc, struct rte_mbuf *m)
{
	if (ifc->tx_len == NET_TX_HOLD) {
		net_tx_flush(ifc);
		if (ifc->tx_len == NET_TX_HOLD) { /* still full: TCP resends what mattered */
			ifc->stats.tx_full++;
			rte_pktmbuf_free(m);
			return;
		}
	}
	ifc->tx[ifc->tx_len++] = m;
	if (ifc->tx_len % NET_TX_BURST == 0)
		net_tx_flush(ifc);
}

static uint8_t put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* MSS, NOP + window scale, NOP NOP + SACK-permitted (SYNs, when asked for),
 * NOP NOP + timestamps (RFC 7323 appendix A layout: 32-bit aligned), NOP NOP
 * + SACK blocks: at most 4 + 4 + 4 + 12 in a SYN, 12 + 2 + 26 otherwise. */
static uint8_t tcp_write_options(uint8_t *opt, const struct tcp_seg_out *s)
{
	uint8_t n = 0;

	if (s->mss) {
		opt[n++] = 2;
		opt[n++] = 4;
		opt[n++] = (uint8_t)(s->mss >> 8);
		opt[n++] = (uint8_t)s->mss;
	}
	if (s->wscale >= 0) {
		opt[n++] = 1;
		opt[n++] = 3;
		opt[n++] = 3;
		opt[n++] = (uint8_t)s->wscale;
	}
	if (s->sack_ok) {
		opt[n++] = 1;
		opt[n++] = 1;
		opt[n++] = 4;
		opt[n++] = 2;
	}
	if (s->ts) {
		opt[n++] = 1;
		opt[n++] = 1;
		opt[n++] = 8;
		opt[n++] = 10;
		n += put_be32(opt + n, s->tsval);
		n += put_be32(opt + n, s->tsecr);
	}
	if (s->n_sack) {
		opt[n++] = 1;
		opt[n++] = 1;
		opt[n++] = 5;
		opt[n++] = (uint8_t)(2 + 8 * s->n_sack);
		for (uint8_t i = 0; i < s->n_sack; i++) {
			n += put_be32(opt + n, s->sack[i][0]);
			n += put_be32(opt + n, s->sack[i][1]);
		}
	}
	return n;
}

static void fill_ipv4(struct rte_ipv4_hdr *ip, const struct tcp_seg_out *s, uint16_t l4_len)
{
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + l4_len);
	ip->packet_id = 0;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->hdr_checksum = 0;
	ip->src_addr = rte_cpu_to_be_32(s->saddr);
	ip->dst_addr = rte_cpu_to_be_32(s->daddr);
}

static void fill_tcp(struct rte_tcp_hdr *th, const struct tcp_seg_out *s, uint8_t opt_len)
{
	th->src_port = rte_cpu_to_be_16(s->sport);
	th->dst_port = rte_cpu_to_be_16(s->dport);
	th->sent_seq = rte_cpu_to_be_32(s->seq);
	th->recv_ack = rte_cpu_to_be_32(s->ack);
	th->data_off = (uint8_t)(((sizeof(*th) + opt_len) / 4) << 4);
	th->tcp_flags = s->flags;
	th->rx_win = rte_cpu_to_be_16(s->wnd);
	th->cksum = 0;
	th->tcp_urp = 0;
}

static void set_checksums(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
			  struct rte_tcp_hdr *th)
{
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = sizeof(*ip);
	m->ol_flags = RTE_MBUF_F_TX_IPV4;
	if (ifc->ofl.tx_ip_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = net_ipv4_cksum(ip);
	if (ifc->ofl.tx_tcp_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		th->cksum = net_tcp_cksum(ip, th,
					  rte_be_to_cpu_16(ip->total_length) - (uint16_t)sizeof(*ip));
	}
}

int net_tcp_tx(struct net_iface *ifc, const struct tcp_seg_out *s, net_fill_fn fill, void *ctx)
{
	struct rte_ether_addr dst_mac;

	if (net_arp_lookup(ifc, net_next_hop(ifc, s->daddr), &dst_mac) < 0)
		return -EHOSTUNREACH;
	struct rte_mbuf *m = rte_pktmbuf_alloc(ifc->pool);
	if (!m) {
		ifc->stats.tx_nombuf++;
		return -ENOBUFS;
	}
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint8_t opt_len = tcp_write_options((uint8_t *)(th + 1), s);
	uint8_t *payload = (uint8_t *)(th + 1) + opt_len;
	uint16_t l4_len = (uint16_t)(sizeof(*th) + opt_len + s->len);

	if (sizeof(*eth) + sizeof(*ip) + l4_len > rte_pktmbuf_tailroom(m)) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	eth->dst_addr = dst_mac;
	eth->src_addr = ifc->mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	fill_ipv4(ip, s, l4_len);
	fill_tcp(th, s, opt_len);
	if (s->len)
		fill(ctx, s->conn, s->stream_off, s->len, payload);
	m->data_len = m->pkt_len = (uint32_t)(sizeof(*eth) + sizeof(*ip) + l4_len);
	set_checksums(ifc, m, ip, th);
	net_tx_queue(ifc, m);
	return 0;
}

static void fill_ipv6(struct rte_ipv6_hdr *ip, const struct net_ip6 *saddr,
		      const struct net_ip6 *daddr, uint16_t l4_len)
{
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(l4_len);
	ip->proto = IPPROTO_TCP;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, saddr, 16);
	memcpy(ip->dst_addr, daddr, 16);
}

/* IPv6 has no header checksum; TCP's covers the pseudo header (RFC 8200 8.1). */
static void set_checksums6(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
			   struct rte_tcp_hdr *th, uint16_t l4_len)
{
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = sizeof(*ip);
	m->ol_flags = RTE_MBUF_F_TX_IPV6;
	if (ifc->ofl.tx_tcp_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_ipv6_phdr_cksum(ip, m->ol_flags);
	} else {
		th->cksum = net_ip6_l4_cksum(ip, IPPROTO_TCP, th, l4_len);
	}
}

int net_tcp6_tx(struct net_iface *ifc, const struct net_ip6 *saddr, const struct net_ip6 *daddr,
		const struct tcp_seg_out *s, net_fill_fn fill, void *ctx)
{
	struct rte_ether_addr dst_mac;
	struct net_ip6 hop;

	net_ip6_next_hop(ifc, daddr, &hop);
	if (net_nd_lookup(ifc, &hop, &dst_mac) < 0)
		return -EHOSTUNREACH;
	struct rte_mbuf *m = rte_pktmbuf_alloc(ifc->pool);
	if (!m) {
		ifc->stats.tx_nombuf++;
		return -ENOBUFS;
	}
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint8_t opt_len = tcp_write_options((uint8_t *)(th + 1), s);
	uint16_t l4_len = (uint16_t)(sizeof(*th) + opt_len + s->len);

	if (sizeof(*eth) + sizeof(*ip) + l4_len > rte_pktmbuf_tailroom(m)) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	eth->dst_addr = dst_mac;
	eth->src_addr = ifc->mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	fill_ipv6(ip, saddr, daddr, l4_len);
	fill_tcp(th, s, opt_len);
	if (s->len)
		fill(ctx, s->conn, s->stream_off, s->len, (uint8_t *)(th + 1) + opt_len);
	m->data_len = m->pkt_len = (uint32_t)(sizeof(*eth) + sizeof(*ip) + l4_len);
	set_checksums6(ifc, m, ip, th, l4_len);
	net_tx_queue(ifc, m);
	return 0;
}
