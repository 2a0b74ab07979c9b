/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 connections. The table, the ids and the lookups are IPv4's: a
 * segment's saddr and daddr hold its addresses' low 32 bits, so a client
 * connection is still found from its local address's low 32 bits and port,
 * and a passive one from the remote (low 32 bits, port) hash. What IPv6 adds
 * is a side array of full addresses per id, checked after the 32-bit match,
 * and allocated only by a stack with p.ip6: an IPv4 stack's entries, its
 * lookups and its segments are what they were.
 */
#include <errno.h>
#include <stdlib.h>

#include "tcp-priv.h"

int tcp_addr6_init(struct tcp_stack *s)
{
	if (!s->p.ip6)
		return 0;
	s->addr6 = calloc((size_t)s->cap + 1, sizeof(*s->addr6)); /* the last: a RST's reply */
	s->local6_low = net_ip6_low32(&s->p.local_ip6);
	return s->addr6 ? 0 : -ENOMEM;
}

void tcp_addr6_fini(struct tcp_stack *s)
{
	free(s->addr6);
	s->addr6 = NULL;
}

/* A client connection: the local address's low 32 bits pick the id as for
 * IPv4 (lib/net has checked the upper 96 are ours). */
struct tcp_conn *tcp_addr6_lookup(struct tcp_stack *s, const struct tcp_seg *seg)
{
	if (!s->addr6)
		return NULL;
	if (seg->dport == s->listen_port && s->listen_port != 0)
		return tcp_hash_find(s, seg);
	uint32_t addr = seg->daddr - s->local6_low; /* wraps when below */
	if (addr >= s->n_addrs || !s->client_ports || seg->dport < s->port_first)
		return NULL;
	uint32_t off = seg->dport - s->port_first;
	if (off % s->port_step != 0)
		return NULL;
	uint64_t id = (uint64_t)(off / s->port_step) * s->n_addrs + addr;
	if (id >= s->cap)
		return NULL;
	struct tcp_conn *c = &s->conns[id];
	if (conn_gone(c) || c->passive || c->daddr != seg->saddr || c->dport != seg->sport ||
	    !tcp_addr6_same_remote(s, c, seg))
		return NULL;
	return c;
}

void tcp_addr6_client(struct tcp_stack *s, struct tcp_conn *c, const struct net_ip6 *daddr)
{
	struct tcp_addr6 *a = &s->addr6[c->id];

	a->a.src = s->p.local_ip6;
	net_ip6_set_low32(&a->a.src, s->local6_low + c->id % s->n_addrs);
	a->a.dst = *daddr;
	a->v6 = true;
}

void tcp_addr6_passive(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	s->addr6[c->id].v6 = seg->ip6 != NULL;
	if (!seg->ip6)
		return;
	s->addr6[c->id].a.src = seg->ip6->dst;
	s->addr6[c->id].a.dst = seg->ip6->src;
}

/* A RST answers from the segment's destination to its source; the slot
 * past the connections' holds them while it is sent. */
void tcp_addr6_reply(struct tcp_stack *s, const struct tcp_seg *seg, struct tcp_seg_out *o)
{
	s->addr6[s->cap].a.src = seg->ip6->dst;
	s->addr6[s->cap].a.dst = seg->ip6->src;
	o->ip6_slot = s->cap + 1;
}

const struct net_ip6_pair *tcp_seg_out_ip6(const struct tcp_stack *s, const struct tcp_seg_out *o)
{
	return o->ip6_slot ? &s->addr6[o->ip6_slot - 1].a : NULL;
}

/* The 32-bit word an IPv6 address gives RFC 6528's hash: its four words
 * xored, so two peers that differ only in the upper 96 bits get different ISNs. */
uint32_t tcp_addr6_fold(const struct net_ip6 *ip)
{
	uint32_t x = 0;

	for (int i = 0; i < 16; i += 4)
		x ^= (uint32_t)ip->b[i] << 24 | (uint32_t)ip->b[i + 1] << 16 |
		     (uint32_t)ip->b[i + 2] << 8 | ip->b[i + 3];
	return x;
}

int tcp_connect6(struct tcp_stack *s, const struct net_ip6 *daddr, uint16_t dport, uint64_t now,
		 struct tcp_conn **out)
{
	if (!s->addr6)
		return -EAFNOSUPPORT;
	return tcp_conn_open(s, daddr, net_ip6_low32(daddr), dport, now, out);
}

const struct net_ip6 *tcp_conn_local_addr6(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return conn_is_ip6(s, c) ? &s->addr6[c->id].a.src : NULL;
}

const struct net_ip6 *tcp_conn_remote_addr6(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return conn_is_ip6(s, c) ? &s->addr6[c->id].a.dst : NULL;
}
