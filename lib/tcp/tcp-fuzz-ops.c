/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Each input byte group is one operation: connect, send, close, abort,
 * advance the clock, or a segment from the peer whose fields are chosen
 * relative to the connection's state (near rcv_nxt/snd_una, or anywhere), so
 * that most segments get past the sequence checks. After every operation the
 * stack's invariants are checked; at the end everything is aborted and the
 * stack must be empty with its out-of-order pool whole. The stack also
 * listens on port 80: the peer opens passive connections from a few ports.
 */
#include "tcp-fuzz-ops.h"

#include <stdlib.h>
#include <string.h>

#include "tcp-priv.h"

#define NCONN 4
#define PEER 0xc6130001u
#define LOCAL 0xc6120001u

struct fz {
	struct tcp_stack *s;
	const uint8_t *p;
	size_t n;
	uint64_t now;
	unsigned opened[NCONN], closed[NCONN];
	uint32_t peer_iss[NCONN];
	uint16_t wnd[NCONN];
	uint8_t payload[4096];
};

static uint8_t take(struct fz *f)
{
	if (f->n == 0)
		return 0;
	f->n--;
	return *f->p++;
}

static uint32_t take32(struct fz *f)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | take(f);
	return v;
}

#define CHECK(x)                  \
	do {                      \
		if (!(x))         \
			abort();  \
	} while (0)

static int fz_tx(void *ctx, const struct tcp_seg_out *o)
{
	struct fz *f = ctx;
	CHECK(o->len <= f->s->p.mss);
	CHECK(o->conn == NULL || !conn_gone(o->conn));
	/* payload only from the queue and inside the peer's window */
	if (o->len && o->conn) {
		const struct tcp_conn *c = o->conn;
		CHECK(SEQ_LEQ(o->seq + o->len, c->snd_lim));
		CHECK(SEQ_LEQ(o->seq + o->len, c->snd_una + c->snd_wnd));
	}
	return 0;
}

static void fz_recv(void *ctx, struct tcp_conn *c, const uint8_t *d, uint32_t len)
{
	(void)ctx;
	(void)c;
	volatile uint8_t x = 0;
	for (uint32_t i = 0; i < len; i++) /* reads must stay in bounds (ASan) */
		x ^= d[i];
	(void)x;
}

static void fz_established(void *ctx, struct tcp_conn *c)
{
	struct fz *f = ctx;
	if (tcp_conn_passive(c)) /* from here the application owns it */
		f->opened[tcp_conn_id(c)]++;
}

static void fz_closed(void *ctx, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct fz *f = ctx;
	uint32_t id = tcp_conn_id(c);
	CHECK(why < TCP_CLOSE_REASON_COUNT);
	f->closed[id]++;
	CHECK(f->closed[id] == f->opened[id]);
}

static void check_conn(const struct tcp_stack *s, const struct tcp_conn *c)
{
	if (conn_gone(c))
		return;
	CHECK(SEQ_LEQ(c->snd_una, c->snd_nxt));
	CHECK(SEQ_LEQ(c->snd_nxt, c->snd_max) || c->state == TCP_SYN_SENT);
	CHECK(SEQ_LEQ(c->snd_max, c->snd_lim + 1));
	CHECK(c->cwnd >= c->mss || c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD);
	CHECK(!c->passive || c->lport == 80);
	/* every passive connection is found by its remote address and port */
	CHECK(!c->passive || tcp_hash_find((struct tcp_stack *)s,
					   &(struct tcp_seg){.saddr = c->daddr, .sport = c->dport}) == c);
	CHECK(c->rto_us >= s->p.rto_min_us && c->rto_us <= s->p.rto_max_us);
	/* an armed timer is armed no later than its earliest deadline (it may be
	 * stale, armed while nothing is due: it fires once and finds nothing) */
	CHECK(!c->rtx_on || (tw_armed(s->wheel, conn_id(s, c)) &&
			     SEQ_LEQ(tw_expiry(s->wheel, conn_id(s, c)), c->rtx_at)));
	CHECK(!c->dack_on || (tw_armed(s->wheel, conn_id(s, c)) &&
			      SEQ_LEQ(tw_expiry(s->wheel, conn_id(s, c)), c->dack_at)));
	/* a tail loss probe is armed only as the retransmission timer, for
	 * data in flight, outside persist, and not after an RTO round */
	CHECK(!c->tlp_on || (c->rtx_on && !c->persist && c->snd_una != c->snd_max));
	CHECK(!c->tlp_on || c->retries == 0);
}

static void check_stack(const struct tcp_stack *s)
{
	uint32_t live = 0, passive = 0, half_open = 0, slots = 0;
	for (uint32_t i = 0; i < s->cap; i++) {
		check_conn(s, &s->conns[i]);
		live += !conn_gone(&s->conns[i]);
		passive += !conn_gone(&s->conns[i]) && s->conns[i].passive;
		half_open += s->conns[i].state == TCP_SYN_RCVD;
	}
	for (uint32_t i = 0; i < s->hash.size; i++)
		slots += s->hash.slots[i] != TCP_NONE;
	CHECK(slots == passive);
	CHECK(half_open == s->half_open);
	CHECK(live == s->active);
	CHECK(live + s->fq_count == s->cap);
	CHECK(s->ooo.nfree <= s->ooo.cap);
}

static struct tcp_conn *pick(struct fz *f)
{
	return tcp_conn_by_id(f->s, take(f) % NCONN);
}

/* Mostly ACK, now and then RST, SYN, FIN or no ACK: random flags would reset
 * nearly every connection before it got anywhere. */
static uint8_t pick_flags(struct fz *f, bool syn_sent)
{
	uint8_t b = take(f), flags = TCP_F_ACK;
	if ((b & 0x0f) == 0)
		flags |= TCP_F_RST;
	if ((b & 0x1f) == 1 || (syn_sent && (b & 0x30)))
		flags |= TCP_F_SYN;
	if ((b & 0x70) == 0x70)
		flags |= TCP_F_FIN;
	if ((b & 0x8f) == 0x82)
		flags &= (uint8_t)~TCP_F_ACK;
	return flags;
}

static uint32_t pick_ack(struct fz *f, const struct tcp_conn *c, uint8_t how)
{
	switch ((how >> 4) & 3) {
	case 0: return c->snd_una; /* duplicate ACK candidate */
	case 1: return c->snd_max;
	case 2: return c->snd_una + (uint32_t)((int8_t)take(f) * 100);
	default: return take32(f);
	}
}

static uint16_t pick_wnd(struct fz *f, uint32_t id, uint8_t how)
{
	if (how & 0x80) {
		uint8_t b = take(f);
		f->wnd[id] = (b & 3) == 0 ? 0 : (uint16_t)(b << 8 | take(f));
	}
	return f->wnd[id];
}

static void op_segment(struct fz *f)
{
	uint8_t which = take(f);
	struct tcp_conn *c = tcp_conn_by_id(f->s, which % NCONN);
	uint8_t how = take(f);
	struct tcp_seg seg = {
		.saddr = PEER, .daddr = LOCAL, .sport = c ? c->dport : 80,
		.dport = c ? c->lport : (uint16_t)(1000 + which % 8),
		.wscale = -1,
	};
	if (!c && (which & 0x80)) { /* to the listening port, from a peer port */
		seg.sport = (uint16_t)(2000 + which % 4);
		seg.dport = 80;
	}
	if ((how & 7) == 7)
		seg.sport = 81; /* a stranger */
	if (c && c->state == TCP_SYN_SENT) {
		uint32_t id = tcp_conn_id(c);
		seg.flags = pick_flags(f, true);
		seg.seq = f->peer_iss[id];
		seg.ack = (how & 2) ? c->snd_max : take32(f);
		seg.wnd = pick_wnd(f, id, how | 0x80);
		if (how & 4) {
			seg.mss = (uint16_t)(take(f) << 4);
			seg.wscale = (int8_t)(take(f) % 20);
		}
	} else if (c && c->state == TCP_SYN_RCVD) {
		seg.flags = pick_flags(f, false);
		seg.seq = (how & 8) ? take32(f) : c->rcv_nxt - !!(how & 0x40);
		seg.ack = (how & 2) ? c->snd_max : c->snd_max + take(f);
		seg.wnd = pick_wnd(f, tcp_conn_id(c), how | 0x80);
	} else if (c) {
		seg.flags = pick_flags(f, false);
		seg.seq = (how & 8) ? c->rcv_nxt + (uint32_t)((int8_t)take(f) * 100) : c->rcv_nxt;
		if ((how & 0x4f) == 0x4f)
			seg.seq = take32(f);
		seg.ack = pick_ack(f, c, how);
		seg.wnd = pick_wnd(f, tcp_conn_id(c), how);
	} else {
		seg.flags = take(f) & 0x3f;
		seg.seq = take32(f);
		seg.ack = take32(f);
	}
	if (take(f) & 1)
		seg.len = (uint32_t)(take(f) << 3) % sizeof(f->payload);
	seg.payload = seg.len ? f->payload : NULL;
	tcp_input(f->s, &seg, f->now);
}

/* The peer opens (or opens again) a passive connection from one of 4 ports. */
static void op_syn(struct fz *f)
{
	uint8_t b = take(f);
	struct tcp_seg seg = {
		.saddr = PEER, .daddr = LOCAL, .sport = (uint16_t)(2000 + b % 4), .dport = 80,
		.seq = take32(f), .flags = TCP_F_SYN, .wnd = 65535, .wscale = -1,
	};
	if (b & 4) {
		seg.mss = (uint16_t)(take(f) << 4);
		seg.wscale = (int8_t)(take(f) % 20);
	}
	tcp_input(f->s, &seg, f->now);
}

static void op(struct fz *f)
{
	struct tcp_conn *c;
	switch (take(f) % 9) {
	case 0:
		if (tcp_connect(f->s, PEER, 80, f->now, &c) == 0) {
			f->opened[tcp_conn_id(c)]++;
			f->peer_iss[tcp_conn_id(c)] = take32(f);
			f->wnd[tcp_conn_id(c)] = 65535;
		}
		break;
	case 1:
		if ((c = pick(f)))
			tcp_send(f->s, c, (uint32_t)take(f) * 197, f->now);
		break;
	case 2:
		if ((c = pick(f)))
			tcp_close(f->s, c, f->now);
		break;
	case 3:
		if ((c = pick(f)) && take(f) < 32)
			tcp_abort(f->s, c, f->now);
		break;
	case 4:
		f->now += (uint64_t)take(f) * (take(f) & 1 ? 100000 : 1000);
		tcp_timers_run(f->s, f->now);
		break;
	case 5:
		op_syn(f);
		break;
	default:
		op_segment(f);
		break;
	}
}

static void add_stats(struct tcp_stats *sum, const struct tcp_stats *st)
{
	static const struct tcp_stats zero;

	tcp_stats_add_diff(sum, &zero, st);
}

void tcp_fuzz_one(const uint8_t *data, size_t len, struct tcp_stats *sum)
{
	static const struct tcp_ops ops = {.tx = fz_tx, .on_established = fz_established,
					   .on_recv = fz_recv, .on_closed = fz_closed};
	struct fz *f = calloc(1, sizeof(*f));
	CHECK(f);
	struct tcp_params p;
	tcp_params_default(&p);
	p.local_addr = LOCAL;
	p.port_min = 1000;
	p.port_max = 1000 + NCONN - 1;
	p.max_conns = NCONN;
	p.ooo_max_segs = 8;
	p.mss = 536;
	p.msl_us = 2000000;
	f->s = tcp_stack_create(&p, &ops, f);
	CHECK(f->s);
	CHECK(tcp_listen(f->s, 80) == 0);
	f->p = data;
	f->n = len;
	f->now = 1000000;
	while (f->n > 0) {
		op(f);
		check_stack(f->s);
	}
	for (uint32_t id = 0; id < NCONN; id++)
		if (tcp_conn_by_id(f->s, id))
			tcp_abort(f->s, tcp_conn_by_id(f->s, id), f->now);
	CHECK(tcp_stack_active(f->s) == 0);
	CHECK(tcp_stack_ooo_free(f->s) == p.ooo_max_segs);
	for (uint32_t id = 0; id < NCONN; id++)
		CHECK(f->opened[id] == f->closed[id]);
	if (sum)
		add_stats(sum, tcp_stack_stats(f->s));
	tcp_stack_destroy(f->s);
	free(f);
}
