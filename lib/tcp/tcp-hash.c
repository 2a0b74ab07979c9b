/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Passive connections by remote (address, port). On the server side every
 * connection has the same local address and port, so the client's lookup by
 * local port cannot work; this table maps the remote half of the 4-tuple to
 * a conn id.
 *
 * Open addressing with linear probing, 2 slots of 4 bytes per table entry
 * (load factor at most 1/2, 8 bytes per connection). The home slot is
 * hash * size >> 32, so the size need not be a power of two and stays exactly
 * 2 x entries. Deletion shifts the following entries back (Knuth's algorithm
 * R), so there are no tombstones and lookups never slow down with churn.
 */
#include <errno.h>
#include <stdlib.h>

#include "tcp-priv.h"

/* A 64-bit mix (splitmix64's finaliser) of address and port. */
static uint32_t tuple_hash(uint32_t addr, uint16_t port)
{
	uint64_t x = ((uint64_t)addr << 16) | port;

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return (uint32_t)x;
}

static uint32_t home_of(const struct tcp_hash *h, uint32_t addr, uint16_t port)
{
	return (uint32_t)(((uint64_t)tuple_hash(addr, port) * h->size) >> 32);
}

static uint32_t next_slot(const struct tcp_hash *h, uint32_t i)
{
	return i + 1 == h->size ? 0 : i + 1;
}

int tcp_hash_init(struct tcp_hash *h, uint32_t entries)
{
	h->size = 2 * entries;
	h->slots = malloc((size_t)h->size * sizeof(*h->slots));
	if (h->slots == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < h->size; i++)
		h->slots[i] = TCP_NONE;
	return 0;
}

void tcp_hash_fini(struct tcp_hash *h)
{
	free(h->slots);
	h->slots = NULL;
	h->size = 0;
}

/* An IPv6 peer hashes by its address's low 32 bits, as IPv4 does by its
 * address; the full address is checked on a match (tcp-addr6.c). */
struct tcp_conn *tcp_hash_find(struct tcp_stack *s, const struct tcp_seg *seg)
{
	const struct tcp_hash *h = &s->hash;
	uint32_t raddr = seg->saddr;
	uint16_t rport = seg->sport;

	for (uint32_t i = home_of(h, raddr, rport); h->slots[i] != TCP_NONE; i = next_slot(h, i)) {
		struct tcp_conn *c = &s->conns[h->slots[i]];
		if (c->daddr == raddr && c->dport == rport && tcp_addr6_same_remote(s, c, seg))
			return c;
	}
	return NULL;
}

/* The table never fills: it has twice as many slots as the stack has entries. */
void tcp_hash_insert(struct tcp_stack *s, struct tcp_conn *c)
{
	const struct tcp_hash *h = &s->hash;
	uint32_t i = home_of(h, c->daddr, c->dport);

	while (h->slots[i] != TCP_NONE)
		i = next_slot(h, i);
	h->slots[i] = conn_id(s, c);
}

/* Is home cyclically in (hole, j]? Then the entry at j may not move to hole. */
static bool stays(uint32_t hole, uint32_t home, uint32_t j)
{
	if (hole <= j)
		return hole < home && home <= j;
	return hole < home || home <= j;
}

void tcp_hash_remove(struct tcp_stack *s, struct tcp_conn *c)
{
	struct tcp_hash *h = &s->hash;
	uint32_t id = conn_id(s, c), i = home_of(h, c->daddr, c->dport);

	while (h->slots[i] != id) {
		if (h->slots[i] == TCP_NONE)
			return; /* not in the table */
		i = next_slot(h, i);
	}
	uint32_t hole = i;
	for (uint32_t j = next_slot(h, hole); h->slots[j] != TCP_NONE; j = next_slot(h, j)) {
		const struct tcp_conn *o = &s->conns[h->slots[j]];
		if (stays(hole, home_of(h, o->daddr, o->dport), j))
			continue;
		h->slots[hole] = h->slots[j];
		hole = j;
	}
	h->slots[hole] = TCP_NONE;
}
