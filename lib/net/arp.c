/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP: a few slots (the server or the gateway; a responder's clients),
 * answers for each of our addresses, learns from requests aimed at us and
 * from replies. */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "net.h"

uint32_t net_next_hop(const struct net_iface *ifc, uint32_t dst)
{
	if (ifc->gateway && (dst & ifc->netmask) != (ifc->ip & ifc->netmask))
		return ifc->gateway;
	return dst;
}

int net_arp_lookup(struct net_iface *ifc, uint32_t ip, struct rte_ether_addr *mac)
{
	for (int i = 0; i < NET_ARP_SLOTS; i++) {
		if (ifc->arp[i].ip == ip) {
			*mac = ifc->arp[i].mac;
			return 0;
		}
	}
	return -ENOENT;
}

static struct net_arp_entry *arp_slot_for(struct net_iface *ifc, uint32_t ip)
{
	struct net_arp_entry *free_slot = NULL, *oldest = &ifc->arp[0];

	for (int i = 0; i < NET_ARP_SLOTS; i++) {
		struct net_arp_entry *e = &ifc->arp[i];
		if (e->ip == ip)
			return e;
		if (e->ip == 0 && !free_slot)
			free_slot = e;
		if (e->updated_us < oldest->updated_us)
			oldest = e;
	}
	return free_slot ? free_slot : oldest;
}

void net_arp_learn(struct net_iface *ifc, uint32_t ip, const struct rte_ether_addr *mac,
		   uint64_t now_us)
{
	struct net_arp_entry *slot = arp_slot_for(ifc, ip);

	slot->ip = ip;
	slot->mac = *mac;
	slot->updated_us = now_us;
}

static struct rte_mbuf *arp_build(struct net_iface *ifc, uint16_t op, uint32_t sip,
				  const struct rte_ether_addr *dst_mac, uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ifc->pool);
	if (!m)
		return NULL;
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	eth->dst_addr = *dst_mac;
	eth->src_addr = ifc->mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	arp->arp_data.arp_sha = ifc->mac;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	arp->arp_data.arp_tha = op == RTE_ARP_OP_REQUEST ? (struct rte_ether_addr){{0}} : *dst_mac;
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	m->data_len = m->pkt_len = sizeof(*eth) + sizeof(*arp);
	return m;
}

int net_arp_request(struct net_iface *ifc, uint32_t ip)
{
	struct rte_ether_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	struct rte_mbuf *m = arp_build(ifc, RTE_ARP_OP_REQUEST, ifc->ip, &bcast, ip);

	if (!m) {
		ifc->stats.tx_nombuf++;
		return -ENOBUFS;
	}
	ifc->stats.arp_requests_tx++;
	net_tx_queue(ifc, m);
	return 0;
}

void net_arp_refresh(struct net_iface *ifc, uint64_t now_us)
{
	for (int i = 0; i < NET_ARP_SLOTS; i++) {
		struct net_arp_entry *e = &ifc->arp[i];
		if (e->ip && now_us - e->updated_us > ifc->arp_refresh_us) {
			/* ask again but keep using the old answer meanwhile */
			e->updated_us = now_us;
			net_arp_request(ifc, e->ip);
		}
	}
	if (ifc->n_ip6) /* the neighbour table is refreshed on the same beat */
		net_nd_refresh(ifc, now_us);
}

void net_arp_input(struct net_iface *ifc, struct rte_mbuf *m, uint64_t now_us)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	ifc->stats.rx_arp++;
	if (m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		ifc->stats.drop_short++;
		return;
	}
	uint32_t sip = rte_be_to_cpu_32(arp->arp_data.arp_sip);
	uint32_t tip = rte_be_to_cpu_32(arp->arp_data.arp_tip);
	uint16_t op = rte_be_to_cpu_16(arp->arp_opcode);

	if (!net_ip_is_ours(ifc, tip)) {
		ifc->stats.drop_not_ours++;
		return;
	}
	net_arp_learn(ifc, sip, &arp->arp_data.arp_sha, now_us);
	if (op == RTE_ARP_OP_REQUEST) {
		struct rte_mbuf *r = arp_build(ifc, RTE_ARP_OP_REPLY, tip, &arp->arp_data.arp_sha, sip);
		if (!r) {
			ifc->stats.tx_nombuf++;
			return;
		}
		ifc->stats.arp_replies_tx++;
		net_tx_queue(ifc, r);
	}
}
