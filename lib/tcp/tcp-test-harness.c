/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp-test-harness.h"

#include <stdlib.h>
#include <string.h>

uint8_t h_peer_byte(uint64_t k)
{
	return (uint8_t)(k * 131 + (k >> 8) + 7);
}

static uint8_t pattern[H_RX_MAX + 65536];

struct h_conn *h_of(struct harness *h, const struct tcp_conn *c)
{
	uint32_t id = tcp_conn_id(c);
	assert_true(id < H_MAX_CONNS);
	return &h->conn[id];
}

static int cb_tx(void *ctx, const struct tcp_seg_out *seg)
{
	struct harness *h = ctx;
	assert_true(h->ntx < H_MAX_TX);
	h->tx_at[h->ntx] = h->now;
	h->tx[h->ntx++] = *seg;
	return h->tx_rc;
}

static void h_conn_open(struct h_conn *hc)
{
	unsigned opened = hc->opened + 1, closed = hc->closed;
	uint8_t *rx = hc->rx ? hc->rx : malloc(H_RX_MAX);
	assert_non_null(rx);
	memset(hc, 0, sizeof(*hc));
	hc->opened = opened;
	hc->closed = closed;
	hc->rx = rx;
}

/* A passive connection becomes the application's here: count it opened. */
static void cb_established(void *ctx, struct tcp_conn *c)
{
	struct harness *h = ctx;
	struct h_conn *hc = h_of(h, c);
	if (tcp_conn_passive(c)) {
		h_conn_open(hc);
		h->accepted = c;
	}
	assert_false(hc->established);
	hc->established = true;
	if (h->on_established_hook)
		h->on_established_hook(h, c);
}

static void cb_recv(void *ctx, struct tcp_conn *c, const uint8_t *data, uint32_t len)
{
	struct harness *h = ctx;
	struct h_conn *hc = h_of(h, c);
	assert_true(hc->rx_len + len <= H_RX_MAX);
	memcpy(hc->rx + hc->rx_len, data, len);
	hc->rx_len += len;
	if (h->on_recv_hook)
		h->on_recv_hook(h, c);
}

static void cb_acked(void *ctx, struct tcp_conn *c, uint64_t acked_total)
{
	struct h_conn *hc = h_of(ctx, c);
	assert_true(acked_total > hc->acked); /* cumulative, only grows */
	hc->acked = acked_total;
}

static void cb_peer_fin(void *ctx, struct tcp_conn *c)
{
	struct h_conn *hc = h_of(ctx, c);
	assert_false(hc->peer_fin);
	hc->peer_fin = true;
}

static void cb_closed(void *ctx, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct harness *h = ctx;
	struct h_conn *hc = h_of(h, c);
	hc->closed++;
	assert_int_equal(hc->closed, hc->opened); /* exactly once per open */
	hc->why = why;
	if (h->on_closed_hook)
		h->on_closed_hook(h, c);
}

static const struct tcp_ops h_ops = {
	.tx = cb_tx,
	.on_established = cb_established,
	.on_recv = cb_recv,
	.on_acked = cb_acked,
	.on_peer_fin = cb_peer_fin,
	.on_closed = cb_closed,
};

struct harness *h_new(void (*tune)(struct tcp_params *p))
{
	for (uint32_t k = 0; k < sizeof(pattern); k++)
		pattern[k] = h_peer_byte(k);
	struct harness *h = calloc(1, sizeof(*h));
	assert_non_null(h);
	tcp_params_default(&h->p);
	h->p.local_addr = H_LOCAL;
	h->p.port_min = 10000;
	h->p.port_max = 10000 + H_MAX_CONNS - 1;
	h->p.max_conns = H_MAX_CONNS;
	h->p.ooo_max_segs = 64;
	if (tune)
		tune(&h->p);
	h->now = H_T0;
	h->s = tcp_stack_create(&h->p, &h_ops, h);
	assert_non_null(h->s);
	return h;
}

/* Close everything still open, let TIME_WAIT run out, then check that nothing
 * leaked: no active connection, the out-of-order pool whole, and every
 * opened connection closed exactly once. */
void h_teardown(struct harness *h)
{
	for (uint32_t id = 0; id < tcp_stack_capacity(h->s); id++) {
		struct tcp_conn *c = tcp_conn_by_id(h->s, id);
		if (c)
			tcp_abort(h->s, c, h->now);
	}
	assert_int_equal(tcp_stack_active(h->s), 0);
	assert_int_equal(tcp_stack_ooo_free(h->s), h->p.ooo_max_segs);
	for (unsigned i = 0; i < H_MAX_CONNS; i++) {
		assert_int_equal(h->conn[i].opened, h->conn[i].closed);
		free(h->conn[i].rx);
	}
	const struct tcp_stats *st = tcp_stack_stats(h->s);
	assert_int_equal(st->conn_closed, st->conn_attempts + st->conn_accepted);
	assert_int_equal(tcp_stack_half_open(h->s), 0);
	tcp_stack_destroy(h->s);
	free(h);
}

int h_setup(void **state)
{
	*state = h_new(NULL);
	return 0;
}

int h_teardown_fixture(void **state)
{
	h_teardown(*state);
	return 0;
}

struct tcp_conn *h_connect(struct harness *h)
{
	struct tcp_conn *c = NULL;
	assert_int_equal(tcp_connect(h->s, H_PEER, H_PEER_PORT, h->now, &c), 0);
	struct h_conn *hc = h_of(h, c);
	h_conn_open(hc);
	const struct tcp_seg_out *syn = h_last(h);
	assert_int_equal(syn->flags, TCP_F_SYN);
	hc->iss = syn->seq;
	hc->peer_iss = H_PEER_ISS + tcp_conn_id(c) * 100000u;
	hc->peer_nxt = hc->peer_iss;
	return c;
}

struct tcp_conn *h_establish_opts(struct harness *h, uint16_t mss, int8_t wscale, uint16_t wnd)
{
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	seg.mss = mss;
	seg.wscale = wscale;
	seg.wnd = wnd;
	h_in(h, &seg);
	hc->peer_nxt = hc->peer_iss + 1;
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	return c;
}

struct tcp_conn *h_establish(struct harness *h)
{
	return h_establish_opts(h, 1460, 7, 65535);
}

struct tcp_seg h_seg(struct harness *h, struct tcp_conn *c, uint8_t flags, uint32_t seq,
		     uint32_t ack, uint32_t len)
{
	struct h_conn *hc = h_of(h, c);
	uint32_t off = seq - (hc->peer_iss + 1);
	struct tcp_seg seg = {
		.saddr = tcp_conn_remote_addr(c),
		.daddr = tcp_conn_local_addr(h->s, c),
		.sport = tcp_conn_remote_port(c),
		.dport = tcp_conn_local_port(c),
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.wnd = 65535,
		.wscale = -1,
		.len = len,
	};
	if (len) {
		assert_true((uint64_t)off + len <= sizeof(pattern));
		seg.payload = pattern + off;
	}
	if (tcp_conn_remote_addr6(h->s, c)) { /* an IPv6 connection: as lib/net gives it */
		static struct net_ip6_pair hdr[H_MAX_CONNS];
		struct net_ip6_pair *a = &hdr[tcp_conn_id(c) % H_MAX_CONNS];
		a->src = *tcp_conn_remote_addr6(h->s, c);
		a->dst = *tcp_conn_local_addr6(h->s, c);
		seg.ip6 = a;
		seg.saddr = net_ip6_low32(&a->src);
		seg.daddr = net_ip6_low32(&a->dst);
	}
	return seg;
}

void h_listen(struct harness *h)
{
	assert_int_equal(tcp_listen(h->s, H_LISTEN_PORT), 0);
}

uint32_t h_peer_iss_for(uint16_t sport)
{
	return H_PEER_ISS + (uint32_t)sport * 1000u;
}

const struct tcp_seg_out *h_syn(struct harness *h, uint16_t sport, uint16_t mss, int8_t wscale)
{
	unsigned before = h->ntx;
	struct tcp_seg seg = {
		.saddr = H_PEER,
		.daddr = H_LOCAL,
		.sport = sport,
		.dport = H_LISTEN_PORT,
		.seq = h_peer_iss_for(sport),
		.flags = TCP_F_SYN,
		.wnd = 65535,
		.mss = mss,
		.wscale = wscale,
	};
	h_in(h, &seg);
	return h->ntx > before ? h_last(h) : NULL;
}

struct tcp_conn *h_accept_opts(struct harness *h, uint16_t sport, uint16_t mss, int8_t wscale,
			       uint16_t wnd)
{
	const struct tcp_seg_out *synack = h_syn(h, sport, mss, wscale);
	assert_non_null(synack);
	assert_int_equal(synack->flags, TCP_F_SYN | TCP_F_ACK);
	struct tcp_conn *c = synack->conn;
	uint32_t iss = synack->seq;
	struct tcp_seg ack = {
		.saddr = H_PEER,
		.daddr = H_LOCAL,
		.sport = sport,
		.dport = H_LISTEN_PORT,
		.seq = h_peer_iss_for(sport) + 1,
		.ack = iss + 1,
		.flags = TCP_F_ACK,
		.wnd = wnd,
		.wscale = -1,
	};
	h->accepted = NULL;
	h_in(h, &ack);
	assert_ptr_equal(h->accepted, c);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	struct h_conn *hc = h_of(h, c);
	hc->iss = iss;
	hc->peer_iss = h_peer_iss_for(sport);
	hc->peer_nxt = hc->peer_iss + 1;
	return c;
}

struct tcp_conn *h_accept(struct harness *h, uint16_t sport)
{
	return h_accept_opts(h, sport, 1460, 7, 65535);
}

void h_in(struct harness *h, const struct tcp_seg *seg)
{
	tcp_input(h->s, seg, h->now);
}

uint32_t h_seq_of(struct harness *h, struct tcp_conn *c, uint64_t stream_off)
{
	return h_of(h, c)->iss + 1 + (uint32_t)stream_off;
}

void h_peer_data(struct harness *h, struct tcp_conn *c, uint32_t off, uint32_t len,
		 uint8_t extra_flags)
{
	struct h_conn *hc = h_of(h, c);
	struct tcp_conn_info ci = h_info(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_ACK | extra_flags, hc->peer_iss + 1 + off,
				   ci.snd_una, len);
	uint32_t end = seg.seq + len + !!(extra_flags & TCP_F_FIN);
	if ((int32_t)(end - hc->peer_nxt) > 0)
		hc->peer_nxt = end;
	h_in(h, &seg);
}

void h_peer_ack_seq(struct harness *h, struct tcp_conn *c, uint32_t ack, uint16_t wnd)
{
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_ACK, hc->peer_nxt, ack, 0);
	seg.wnd = wnd;
	h_in(h, &seg);
}

void h_peer_ack(struct harness *h, struct tcp_conn *c, uint64_t acked, uint16_t wnd)
{
	h_peer_ack_seq(h, c, h_seq_of(h, c, acked), wnd);
}

void h_peer_fin(struct harness *h, struct tcp_conn *c)
{
	struct h_conn *hc = h_of(h, c);
	struct tcp_conn_info ci = h_info(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_ACK | TCP_F_FIN, hc->peer_nxt, ci.snd_max, 0);
	h_in(h, &seg);
	hc->peer_nxt++;
}

void h_advance(struct harness *h, uint64_t us)
{
	h->now += us;
	tcp_timers_run(h->s, h->now);
}

const struct tcp_seg_out *h_last(struct harness *h)
{
	assert_true(h->ntx > 0);
	return &h->tx[h->ntx - 1];
}

void h_clear_tx(struct harness *h)
{
	h->ntx = 0;
}

unsigned h_count(struct harness *h, uint8_t mask, uint8_t flags)
{
	unsigned n = 0;
	for (unsigned i = 0; i < h->ntx; i++)
		n += (h->tx[i].flags & mask) == flags;
	return n;
}

unsigned h_data_segs(struct harness *h)
{
	unsigned n = 0;
	for (unsigned i = 0; i < h->ntx; i++)
		n += h->tx[i].len > 0;
	return n;
}

uint64_t h_data_bytes(struct harness *h)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < h->ntx; i++)
		n += h->tx[i].len;
	return n;
}

struct tcp_conn_info h_info(struct harness *h, struct tcp_conn *c)
{
	struct tcp_conn_info ci;
	tcp_conn_info(h->s, c, &ci);
	return ci;
}
