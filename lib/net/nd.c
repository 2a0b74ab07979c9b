/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 neighbour discovery (RFC 4861), the part a host on one link needs:
 * Neighbor Solicitations for our addresses are answered (to our unicast
 * addresses and to our solicited-node groups), the sender's link-layer
 * address is learned from solicitations and advertisements, and we solicit
 * a next hop to resolve it. The table is ARP's: a few slots, the oldest
 * evicted, refreshed every arp_refresh_us while the old answer stays in use.
 * No router discovery, no DAD of our own, no NUD states.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "cksum.h"
#include "net-priv.h"

#define ND_HOP_LIMIT 255 /* on-link only: a router would have lowered it */
#define ND_OPT_SLLA 1   /* source link-layer address */
#define ND_OPT_TLLA 2   /* target link-layer address */
#define NA_F_SOLICITED 0x40
#define NA_F_OVERRIDE 0x20

/* NS and NA share this layout; flags is NA's R|S|O byte, 0 in an NS. */
struct nd_msg {
	uint8_t type, code;
	rte_be16_t cksum;
	uint8_t flags, reserved[3];
	struct net_ip6 target;
};
_Static_assert(sizeof(struct nd_msg) == 24, "RFC 4861 4.3, 4.4");

/* one link-layer address option, the only option drench sends */
struct nd_lla_opt {
	uint8_t type, len; /* len in units of 8 bytes: 1 */
	struct rte_ether_addr mac;
};
_Static_assert(sizeof(struct nd_lla_opt) == 8, "RFC 4861 4.6.1");

int net_nd_lookup(const struct net_iface *ifc, const struct net_ip6 *ip,
		  struct rte_ether_addr *mac)
{
	for (int i = 0; i < NET_ND_SLOTS; i++) {
		const struct net_nd_entry *e = &ifc->nd[i];
		if (e->used && memcmp(&e->ip, ip, sizeof(*ip)) == 0) {
			*mac = e->mac;
			return 0;
		}
	}
	return -ENOENT;
}

static struct net_nd_entry *nd_slot_for(struct net_iface *ifc, const struct net_ip6 *ip)
{
	struct net_nd_entry *free_slot = NULL, *oldest = &ifc->nd[0];

	for (int i = 0; i < NET_ND_SLOTS; i++) {
		struct net_nd_entry *e = &ifc->nd[i];
		if (e->used && memcmp(&e->ip, ip, sizeof(*ip)) == 0)
			return e;
		if (!e->used && !free_slot)
			free_slot = e;
		if (e->updated_us < oldest->updated_us)
			oldest = e;
	}
	return free_slot ? free_slot : oldest;
}

void net_nd_learn(struct net_iface *ifc, const struct net_ip6 *ip,
		  const struct rte_ether_addr *mac, uint64_t now_us)
{
	struct net_nd_entry *slot = nd_slot_for(ifc, ip);

	slot->ip = *ip;
	slot->used = true;
	slot->mac = *mac;
	slot->updated_us = now_us;
}

/* ff02::1:ffXX:XXXX and its MAC 33:33:ffXX:XXXX (RFC 2464 7) */
static void solicited_node(const struct net_ip6 *ip, struct net_ip6 *group,
			   struct rte_ether_addr *mac)
{
	static const struct net_ip6 base = {{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff}};

	*group = base;
	memcpy(&group->b[13], &ip->b[13], 3);
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], &group->b[12], 4);
}

static struct rte_mbuf *nd_build(struct net_iface *ifc, uint8_t type, uint8_t flags,
				 const struct net_ip6 *src, const struct net_ip6 *dst,
				 const struct rte_ether_addr *dst_mac, const struct net_ip6 *target)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ifc->pool);
	if (!m) {
		ifc->stats.tx_nombuf++;
		return NULL;
	}
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct nd_msg *nd = (struct nd_msg *)(ip + 1);
	struct nd_lla_opt *opt = (struct nd_lla_opt *)(nd + 1);
	uint16_t len = sizeof(*nd) + sizeof(*opt);

	eth->dst_addr = *dst_mac;
	eth->src_addr = ifc->mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ND_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	memset(nd, 0, sizeof(*nd));
	nd->type = type;
	nd->flags = flags;
	nd->target = *target;
	opt->type = type == NET_ICMP6_NS ? ND_OPT_SLLA : ND_OPT_TLLA;
	opt->len = 1;
	opt->mac = ifc->mac;
	nd->cksum = net_ip6_l4_cksum(ip, IPPROTO_ICMPV6, nd, len);
	m->data_len = m->pkt_len = (uint32_t)(sizeof(*eth) + sizeof(*ip) + len);
	return m;
}

int net_nd_solicit(struct net_iface *ifc, const struct net_ip6 *ip)
{
	struct net_ip6 group;
	struct rte_ether_addr mac;

	solicited_node(ip, &group, &mac);
	struct rte_mbuf *m = nd_build(ifc, NET_ICMP6_NS, 0, &ifc->ip6, &group, &mac, ip);
	if (!m)
		return -ENOBUFS;
	ifc->stats.nd_solicits_tx++;
	net_tx_queue(ifc, m);
	return 0;
}

void net_nd_refresh(struct net_iface *ifc, uint64_t now_us)
{
	for (int i = 0; i < NET_ND_SLOTS; i++) {
		struct net_nd_entry *e = &ifc->nd[i];
		if (e->used && now_us - e->updated_us > ifc->arp_refresh_us) {
			/* ask again but keep using the old answer meanwhile */
			e->updated_us = now_us;
			net_nd_solicit(ifc, &e->ip);
		}
	}
}

/* Copy the link-layer address option of the given type into *mac, NULL
 * when there is none; false when an option is malformed (RFC 4861 7.1: a
 * zero length invalidates the message). */
static bool find_lla(const uint8_t *opt, int len, uint8_t type, struct rte_ether_addr *buf,
		     const struct rte_ether_addr **mac)
{
	*mac = NULL;
	while (len > 0) {
		if (len < 8 || opt[1] == 0 || opt[1] * 8 > len)
			return false;
		if (opt[0] == type && opt[1] == 1) {
			memcpy(buf, opt + 2, sizeof(*buf));
			*mac = buf;
		}
		len -= opt[1] * 8;
		opt += opt[1] * 8;
	}
	return true;
}

static bool is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* A solicitation for one of our addresses: learn the asker, advertise. */
static void ns_input(struct net_iface *ifc, const struct rte_ether_hdr *eth,
		     const struct rte_ipv6_hdr *ip, const struct nd_msg *ns,
		     const struct rte_ether_addr *slla, uint64_t now_us)
{
	static const struct net_ip6 all_nodes = {{0xff, 0x02, [15] = 0x01}};
	static const struct rte_ether_addr all_nodes_mac = {{0x33, 0x33, 0, 0, 0, 0x01}};
	const struct net_ip6 *src = (const struct net_ip6 *)ip->src_addr;
	struct rte_mbuf *r;

	if (!net_ip6_is_ours(ifc, &ns->target)) {
		ifc->stats.drop_not_ours++;
		return;
	}
	if (is_unspecified(ip->src_addr)) { /* a peer's duplicate address detection */
		r = nd_build(ifc, NET_ICMP6_NA, NA_F_OVERRIDE, &ns->target, &all_nodes,
			     &all_nodes_mac, &ns->target);
	} else {
		if (slla)
			net_nd_learn(ifc, src, slla, now_us);
		r = nd_build(ifc, NET_ICMP6_NA, NA_F_SOLICITED | NA_F_OVERRIDE, &ns->target, src,
			     slla ? slla : &eth->src_addr, &ns->target);
	}
	if (!r)
		return;
	ifc->stats.nd_adverts_tx++;
	net_tx_queue(ifc, r);
}

/* An advertisement: learn the target's address when it came to us, or
 * update an entry we have when it came to a group. */
static void na_input(struct net_iface *ifc, const struct rte_ipv6_hdr *ip,
		     const struct nd_msg *na, const struct rte_ether_addr *tlla, uint64_t now_us)
{
	struct rte_ether_addr known;

	if (!tlla || net_ip6_is_ours(ifc, &na->target))
		return;
	if (net_ip6_is_ours(ifc, (const struct net_ip6 *)ip->dst_addr) ||
	    net_nd_lookup(ifc, &na->target, &known) == 0)
		net_nd_learn(ifc, &na->target, tlla, now_us);
}

void net_nd_input(struct net_iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
		  uint64_t now_us)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct nd_msg *nd = (const struct nd_msg *)(ip + 1);
	int len = rte_be_to_cpu_16(ip->payload_len);
	const struct rte_ether_addr *lla;
	struct rte_ether_addr lla_buf;
	bool ns;

	ifc->stats.rx_nd++;
	ns = nd->type == NET_ICMP6_NS;
	/* RFC 4861 7.1.1 and 7.1.2 */
	if (ip->hop_limits != ND_HOP_LIMIT || nd->code != 0 || len < (int)sizeof(*nd) ||
	    nd->target.b[0] == 0xff ||
	    !find_lla((const uint8_t *)(nd + 1), len - (int)sizeof(*nd),
		      ns ? ND_OPT_SLLA : ND_OPT_TLLA, &lla_buf, &lla) ||
	    (ns && is_unspecified(ip->src_addr) && (lla || ip->dst_addr[0] != 0xff)) ||
	    (!ns && ip->dst_addr[0] == 0xff && (nd->flags & NA_F_SOLICITED))) {
		ifc->stats.drop_nd_invalid++;
		return;
	}
	if (ns)
		ns_input(ifc, eth, ip, nd, lla, now_us);
	else
		na_input(ifc, ip, nd, lla, now_us);
}
