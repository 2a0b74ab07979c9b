/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net: receive and send on one (port, queue) for one worker lcore.
 *
 * Receive order: net_rx() -> ethernet -> arp_input() | ipv4_input() ->
 * icmp_input() | tcp_wire_input() -> the caller's TCP handler; with an IPv6
 * address, also -> net_ipv6_input() -> net_icmp6_input() (-> net_nd_input())
 * | tcp6_input() -> ifc->on_tcp6.
 * lib/net knows the TCP wire format (net/tcp-wire.h) but not the stack.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "net-t.h"
#include "tcp-wire.h"

struct rte_mbuf;

/* Called for every valid TCP segment addressed to us; payload valid during the call. */
typedef void (*net_tcp_rx_fn)(void *ctx, const struct tcp_seg *seg);
/* Copy bytes [off, off + len) of the connection's send stream into dst. */
typedef void (*net_fill_fn)(void *ctx, struct tcp_conn *c, uint64_t off, uint32_t len,
			    uint8_t *dst);

/** Receive one burst and dispatch it; returns packets received. */
uint16_t net_rx(struct net_iface *ifc, uint64_t now_us, net_tcp_rx_fn on_tcp, void *ctx);

/** Build and queue one TCP segment; 0, -EHOSTUNREACH (no ARP entry yet), -ENOBUFS. */
int net_tcp_tx(struct net_iface *ifc, const struct tcp_seg_out *s, net_fill_fn fill, void *ctx);

/** Queue a built frame; flushes when the burst is full. */
void net_tx_queue(struct net_iface *ifc, struct rte_mbuf *m);
/** Send what is queued; returns frames handed to the NIC. */
uint16_t net_tx_flush(struct net_iface *ifc);

static inline bool net_ip_is_ours(const struct net_iface *ifc, uint32_t ip)
{
	return ip - ifc->ip < ifc->n_ips; /* wraps when below */
}

/* ARP */
int net_arp_lookup(struct net_iface *ifc, uint32_t ip, struct rte_ether_addr *mac);
int net_arp_request(struct net_iface *ifc, uint32_t ip);
void net_arp_learn(struct net_iface *ifc, uint32_t ip, const struct rte_ether_addr *mac,
		   uint64_t now_us);
/** Re-request entries older than arp_refresh_us, IPv6 neighbours too; call now and then. */
void net_arp_refresh(struct net_iface *ifc, uint64_t now_us);
/** Next hop for dst: dst itself on our subnet, else the gateway. */
uint32_t net_next_hop(const struct net_iface *ifc, uint32_t dst);

/* IPv6 */
/** Our IPv6 address and on-link prefix length (0..128): turns the IPv6 path
 * on; until then IPv6 frames are dropped as drop_not_ipv4. */
void net_iface_set_ip6(struct net_iface *ifc, const struct net_ip6 *ip, uint8_t prefix_len);
bool net_ip6_is_ours(const struct net_iface *ifc, const struct net_ip6 *ip);
/** Next hop for dst: dst itself on our prefix (or with no gateway6), else gateway6. */
void net_ip6_next_hop(const struct net_iface *ifc, const struct net_ip6 *dst,
		      struct net_ip6 *hop);

/* Neighbour discovery (RFC 4861): ARP's slots and refresh, for IPv6 */
int net_nd_lookup(const struct net_iface *ifc, const struct net_ip6 *ip,
		  struct rte_ether_addr *mac);
/** Send a Neighbor Solicitation for ip to its solicited-node group; 0 or -ENOBUFS. */
int net_nd_solicit(struct net_iface *ifc, const struct net_ip6 *ip);
void net_nd_learn(struct net_iface *ifc, const struct net_ip6 *ip,
		  const struct rte_ether_addr *mac, uint64_t now_us);
/** Solicit again entries older than arp_refresh_us; net_arp_refresh calls it. */
void net_nd_refresh(struct net_iface *ifc, uint64_t now_us);

/** Build and queue one IPv6 TCP segment (s->saddr, s->daddr unused); 0,
 * -EHOSTUNREACH (no neighbour entry yet), -ENOBUFS, -EMSGSIZE. */
int net_tcp6_tx(struct net_iface *ifc, const struct net_ip6 *saddr, const struct net_ip6 *daddr,
		const struct tcp_seg_out *s, net_fill_fn fill, void *ctx);

/* internal dispatch, exposed for the unit tests */
void net_arp_input(struct net_iface *ifc, struct rte_mbuf *m, uint64_t now_us);
/* consumes m: sends it back as the reply or frees it */
void net_icmp_input(struct net_iface *ifc, struct rte_mbuf *m);
/* an Ethernet frame of type IPv6; true when m was consumed (an echo reply) */
bool net_ipv6_input(struct net_iface *ifc, struct rte_mbuf *m, uint64_t now_us, void *ctx);
