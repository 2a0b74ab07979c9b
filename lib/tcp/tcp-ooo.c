/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Out-of-order queue: payload that arrived beyond a hole is copied into
 * entries of a per-stack pool (ooo_max_segs entries of up to MSS bytes) and
 * linked per connection in sequence order. When the hole fills, tcp_input
 * calls tcp_ooo_deliver(), which hands the bytes to on_recv in order. Entries may
 * overlap; delivery skips what is already received.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp-priv.h"

struct ooo_ent {
	uint32_t next;
	uint32_t seq;
	uint16_t len;
	uint8_t fin;
	uint8_t pad;
	uint8_t data[];
};

static struct ooo_ent *ent(const struct tcp_ooo_pool *pool, uint32_t i)
{
	return (struct ooo_ent *)(pool->mem + (size_t)i * pool->stride);
}

int tcp_ooo_pool_init(struct tcp_ooo_pool *pool, uint32_t cap, uint16_t data_max)
{
	memset(pool, 0, sizeof(*pool));
	pool->free_head = TCP_NONE;
	pool->data_max = data_max;
	pool->stride = (uint32_t)((sizeof(struct ooo_ent) + data_max + 7) & ~(size_t)7);
	pool->cap = cap;
	if (cap == 0)
		return 0;
	pool->mem = malloc((size_t)cap * pool->stride);
	if (pool->mem == NULL)
		return -ENOMEM;
	for (uint32_t i = cap; i-- > 0;) {
		ent(pool, i)->next = pool->free_head;
		pool->free_head = i;
	}
	pool->nfree = cap;
	return 0;
}

void tcp_ooo_pool_fini(struct tcp_ooo_pool *pool)
{
	free(pool->mem);
	pool->mem = NULL;
}

static void ent_put(struct tcp_ooo_pool *pool, uint32_t i)
{
	ent(pool, i)->next = pool->free_head;
	pool->free_head = i;
	pool->nfree++;
}

static bool covers(const struct ooo_ent *e, uint32_t seq, uint32_t len, bool fin)
{
	return SEQ_LEQ(e->seq, seq) && SEQ_LEQ(seq + len, e->seq + e->len) &&
	       (!fin || (e->fin && seq + len == e->seq + e->len));
}

static int insert_one(struct tcp_ooo_pool *pool, uint32_t *head, uint32_t seq,
		      const uint8_t *data, uint32_t len, bool fin)
{
	uint32_t *link = head;
	while (*link != TCP_NONE) {
		struct ooo_ent *e = ent(pool, *link);
		if (covers(e, seq, len, fin))
			return -EEXIST;
		if (SEQ_GT(e->seq, seq))
			break;
		link = &e->next;
	}
	if (pool->nfree == 0)
		return -ENOBUFS;
	uint32_t i = pool->free_head;
	struct ooo_ent *e = ent(pool, i);
	pool->free_head = e->next;
	pool->nfree--;
	e->seq = seq;
	e->len = (uint16_t)len;
	e->fin = fin;
	if (len)
		memcpy(e->data, data, len);
	e->next = *link;
	*link = i;
	return 0;
}

/* A segment larger than an entry (GRO, a peer ignoring our MSS) takes several
 * entries; when the pool runs dry, or the connection holds max_entries
 * (0: no cap), the head part is kept. */
int tcp_ooo_insert(struct tcp_ooo_pool *pool, uint32_t *head, uint32_t seq, const uint8_t *data,
		   uint32_t len, bool fin, uint32_t max_entries)
{
	int rc = -EEXIST;
	uint32_t held = max_entries ? tcp_ooo_count(pool, *head) : 0;
	do {
		if (max_entries && held >= max_entries)
			return -EDQUOT;
		uint32_t n = umin32(len, pool->data_max);
		int r = insert_one(pool, head, seq, data, n, fin && n == len);
		if (r == -ENOBUFS)
			return -ENOBUFS;
		if (r == 0) {
			rc = 0;
			held++;
		}
		seq += n;
		len -= n;
		if (len > 0) /* a bare FIN has no data: NULL + 0 is undefined */
			data += n;
	} while (len > 0);
	return rc;
}

void tcp_ooo_free_all(struct tcp_ooo_pool *pool, uint32_t *head)
{
	while (*head != TCP_NONE) {
		uint32_t i = *head;
		*head = ent(pool, i)->next;
		ent_put(pool, i);
	}
}

uint32_t tcp_ooo_count(const struct tcp_ooo_pool *pool, uint32_t head)
{
	uint32_t n = 0;
	for (; head != TCP_NONE; head = ent(pool, head)->next)
		n++;
	return n;
}

/* Unlinks the entry before on_recv runs, so that the application may abort
 * the connection (which frees the rest of the queue) from inside on_recv. */
static bool deliver_head(struct tcp_stack *s, struct tcp_conn *c, bool *fin)
{
	struct tcp_ooo_pool *pool = &s->ooo;
	uint32_t i = c->ooo_head;
	struct ooo_ent *e = ent(pool, i);
	if (SEQ_GT(e->seq, c->rcv_nxt))
		return false;
	c->ooo_head = e->next;
	uint32_t end = e->seq + e->len;
	if (SEQ_GT(end, c->rcv_nxt)) {
		uint32_t skip = c->rcv_nxt - e->seq, n = end - c->rcv_nxt;
		c->rcv_nxt = end;
		s->st.rx_bytes += n;
		if (s->ops.on_recv)
			s->ops.on_recv(s->ctx, c, e->data + skip, n);
	}
	s->st.ooo_delivered++;
	*fin = e->fin && end == c->rcv_nxt;
	ent_put(pool, i);
	return true;
}

bool tcp_ooo_deliver(struct tcp_stack *s, struct tcp_conn *c)
{
	bool fin = false;
	while (!conn_gone(c) && c->ooo_head != TCP_NONE && !fin) {
		if (!deliver_head(s, c, &fin))
			break;
	}
	return fin && !conn_gone(c);
}

bool tcp_ooo_overlap(const struct tcp_ooo_pool *pool, uint32_t head, uint32_t seq, uint32_t end,
		     uint32_t out[2])
{
	for (uint32_t at = head; at != TCP_NONE; at = ent(pool, at)->next) {
		const struct ooo_ent *e = ent(pool, at);
		if (SEQ_GEQ(e->seq, end))
			return false;
		uint32_t lo = SEQ_MAX(e->seq, seq), hi = SEQ_MIN(e->seq + e->len, end);
		if (SEQ_LT(lo, hi)) {
			out[0] = lo;
			out[1] = hi;
			return true;
		}
	}
	return false;
}

/* The next range of contiguous (or overlapping) entries from *at on. */
static bool next_range(const struct tcp_ooo_pool *pool, uint32_t *at, uint32_t r[2])
{
	while (*at != TCP_NONE && ent(pool, *at)->len == 0) /* a lone FIN: no data */
		*at = ent(pool, *at)->next;
	if (*at == TCP_NONE)
		return false;
	const struct ooo_ent *e = ent(pool, *at);
	r[0] = e->seq;
	r[1] = e->seq + e->len;
	for (*at = e->next; *at != TCP_NONE; *at = e->next) {
		e = ent(pool, *at);
		if (SEQ_GT(e->seq, r[1]))
			break;
		if (SEQ_GT(e->seq + e->len, r[1]))
			r[1] = e->seq + e->len;
	}
	return true;
}

static bool holds(const uint32_t r[2], uint32_t seq)
{
	return SEQ_GEQ(seq, r[0]) && SEQ_LT(seq, r[1]);
}

uint8_t tcp_ooo_sack_blocks(const struct tcp_ooo_pool *pool, uint32_t head, uint32_t recent,
			    uint32_t (*out)[2], uint8_t max)
{
	uint32_t r[2], at = head;
	uint8_t n = 0;
	while (max > 0 && next_range(pool, &at, r)) /* the newest first */
		if (holds(r, recent)) {
			out[n][0] = r[0];
			out[n++][1] = r[1];
			break;
		}
	for (at = head; n < max && next_range(pool, &at, r);)
		if (!holds(r, recent)) {
			out[n][0] = r[0];
			out[n++][1] = r[1];
		}
	return n;
}
