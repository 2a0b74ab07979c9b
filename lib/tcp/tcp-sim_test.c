/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole transfers over a lossy, reordering link against a small model peer.
 *
 * The peer acknowledges every segment cumulatively (so holes produce
 * duplicate ACKs), sends its own stream with a go-back-N retransmission
 * timer, and closes once its data is acknowledged. Each run checks that both
 * streams arrive complete and in order, that every segment's stream_off maps
 * to its sequence number, and that the connection ends normally.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp-test-harness.h"

#define OUR_BYTES 200000u
#define PEER_BYTES 300000u
#define PEER_SEG 1000u
#define PEER_WND 8000u
#define MAXQ 4096

struct pkt {
	uint64_t at;
	bool to_peer;
	struct tcp_seg_out out; /* to_peer */
	struct tcp_seg in;      /* to us */
};

struct sim {
	struct harness *h;
	struct tcp_conn *c;
	uint64_t rng;
	unsigned loss_pct;
	struct pkt q[MAXQ];
	unsigned nq;
	/* the peer */
	bool synced, fin_rcvd, fin_acked;
	uint32_t our_iss;
	uint8_t got[OUR_BYTES];
	uint64_t rcv_nxt;           /* our stream, in order */
	uint64_t snd_una, snd_nxt;  /* its stream offsets; PEER_BYTES is its FIN */
	uint64_t last_progress;
	unsigned dropped;
};

static uint32_t rnd(struct sim *m)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return (uint32_t)m->rng;
}

static void enqueue(struct sim *m, struct pkt *p)
{
	if (rnd(m) % 100 < m->loss_pct) {
		m->dropped++;
		return;
	}
	assert_true(m->nq < MAXQ);
	p->at = m->h->now + 2000 + rnd(m) % 8000; /* 2..10 ms: reorders */
	m->q[m->nq++] = *p;
}

static void peer_send(struct sim *m, uint8_t flags, uint64_t off, uint32_t len)
{
	struct harness *h = m->h;
	struct h_conn *hc = h_of(h, m->c);
	uint32_t ack = m->our_iss + 1 + (uint32_t)m->rcv_nxt + m->fin_rcvd;
	struct pkt p = {.to_peer = false};
	p.in = h_seg(h, m->c, TCP_F_ACK | flags, hc->peer_iss + 1 + (uint32_t)off, ack, len);
	if (flags & TCP_F_SYN) {
		p.in.seq = hc->peer_iss;
		p.in.mss = 1460;
		p.in.wscale = 7;
	}
	enqueue(m, &p);
}

static void peer_output(struct sim *m)
{
	if (!m->synced)
		return;
	while (m->snd_nxt < PEER_BYTES && m->snd_nxt - m->snd_una < PEER_WND) {
		uint32_t len = (uint32_t)(PEER_BYTES - m->snd_nxt < PEER_SEG ? PEER_BYTES - m->snd_nxt
									 : PEER_SEG);
		peer_send(m, 0, m->snd_nxt, len);
		m->snd_nxt += len;
	}
	if (m->snd_nxt == PEER_BYTES && m->snd_una == PEER_BYTES && m->fin_rcvd) {
		peer_send(m, TCP_F_FIN, PEER_BYTES, 0); /* close after the data */
		m->snd_nxt = PEER_BYTES + 1;
	}
}

static void peer_rx_data(struct sim *m, const struct tcp_seg_out *o)
{
	uint32_t expect = m->our_iss + 1 + (uint32_t)o->stream_off;
	assert_int_equal(o->seq, expect);
	assert_true(o->stream_off + o->len <= OUR_BYTES);
	memset(m->got + o->stream_off, 1, o->len);
	while (m->rcv_nxt < OUR_BYTES && m->got[m->rcv_nxt])
		m->rcv_nxt++;
	uint32_t fin_seq = o->seq + o->len;
	if ((o->flags & TCP_F_FIN) && fin_seq == m->our_iss + 1 + OUR_BYTES &&
	    m->rcv_nxt == OUR_BYTES)
		m->fin_rcvd = true;
}

static void peer_rx(struct sim *m, const struct tcp_seg_out *o)
{
	assert_false(o->flags & TCP_F_RST);
	if (o->flags & TCP_F_SYN) {
		m->our_iss = o->seq;
		peer_send(m, TCP_F_SYN, 0, 0);
		return;
	}
	m->synced = true;
	struct h_conn *hc = h_of(m->h, m->c);
	uint64_t acked = (uint32_t)(o->ack - (hc->peer_iss + 1));
	if (acked > m->snd_una && acked <= m->snd_nxt) {
		m->snd_una = acked;
		m->last_progress = m->h->now;
		if (acked == PEER_BYTES + 1)
			m->fin_acked = true;
	}
	bool fin_before = m->fin_rcvd;
	if (o->len)
		peer_rx_data(m, o);
	else if ((o->flags & TCP_F_FIN) && o->seq == m->our_iss + 1 + OUR_BYTES &&
		 m->rcv_nxt == OUR_BYTES)
		m->fin_rcvd = true;
	if (o->len || (o->flags & TCP_F_FIN) || fin_before != m->fin_rcvd)
		peer_send(m, 0, m->snd_nxt, 0); /* ACK every segment */
	peer_output(m);
}

static void peer_timer(struct sim *m)
{
	if (!m->synced || m->snd_una == m->snd_nxt || m->fin_acked)
		return;
	if (m->h->now - m->last_progress < 300000)
		return;
	m->snd_nxt = m->snd_una > PEER_BYTES ? PEER_BYTES : m->snd_una; /* go back */
	m->last_progress = m->h->now;
	peer_output(m);
	if (m->snd_nxt == PEER_BYTES && m->snd_una == PEER_BYTES) {
		peer_send(m, TCP_F_FIN, PEER_BYTES, 0);
		m->snd_nxt = PEER_BYTES + 1;
	}
}

static void collect_tx(struct sim *m)
{
	for (unsigned i = 0; i < m->h->ntx; i++) {
		struct pkt p = {.to_peer = true, .out = m->h->tx[i]};
		enqueue(m, &p);
	}
	h_clear_tx(m->h);
}

static void deliver_due(struct sim *m)
{
	for (unsigned i = 0; i < m->nq;) {
		if (m->q[i].at > m->h->now) {
			i++;
			continue;
		}
		struct pkt p = m->q[i];
		m->q[i] = m->q[--m->nq];
		if (p.to_peer) {
			peer_rx(m, &p.out);
		} else if (tcp_conn_by_id(m->h->s, tcp_conn_id(m->c)) != NULL) {
			h_in(m->h, &p.in);
			collect_tx(m);
		}
	}
}

static void run(uint64_t seed, unsigned loss_pct)
{
	struct sim *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	m->h = h_new(NULL);
	m->rng = seed;
	m->loss_pct = loss_pct;
	struct harness *h = m->h;
	m->c = h_connect(h);
	struct h_conn *hc = h_of(h, m->c);
	assert_int_equal(tcp_send(h->s, m->c, OUR_BYTES, h->now), 0);
	collect_tx(m);
	bool closed_ours = false;
	for (int step = 0; step < 600000; step++) {
		h_advance(h, 1000);
		collect_tx(m);
		peer_timer(m);
		deliver_due(m);
		if (!closed_ours && hc->acked == OUR_BYTES) {
			assert_int_equal(tcp_close(h->s, m->c, h->now), 0);
			closed_ours = true;
			collect_tx(m);
		}
		if (hc->closed && m->fin_acked && m->fin_rcvd)
			break;
	}
	print_message("seed %llu loss %u%%: %.1f s virtual, dropped %u, rto %llu, fast %llu, "
		      "ooo %llu, dupacks %llu\n",
		      (unsigned long long)seed, loss_pct, (double)(h->now - H_T0) / 1e6,
		      m->dropped, (unsigned long long)tcp_stack_stats(h->s)->retrans_rto,
		      (unsigned long long)tcp_stack_stats(h->s)->retrans_fast,
		      (unsigned long long)tcp_stack_stats(h->s)->ooo_queued,
		      (unsigned long long)tcp_stack_stats(h->s)->dup_acks);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_NORMAL);
	assert_true(m->fin_rcvd);
	assert_int_equal(m->rcv_nxt, OUR_BYTES);
	assert_int_equal(hc->acked, OUR_BYTES);
	assert_int_equal(hc->rx_len, PEER_BYTES);
	for (uint32_t k = 0; k < PEER_BYTES; k++)
		assert_int_equal(hc->rx[k], h_peer_byte(k));
	if (loss_pct > 0)
		assert_true(tcp_stack_stats(h->s)->retrans_bytes > 0);
	h_advance(h, 2 * (uint64_t)h->p.msl_us); /* TIME_WAIT runs out */
	h_teardown(h);
	free(m);
}

static void clean_link_transfers_both_streams(void **state)
{
	(void)state;
	run(1, 0);
}

static void lossy_reordering_link_transfers_both_streams(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 6; seed++)
		run(seed * 0x9e3779b97f4a7c15ull, 3 + (unsigned)seed * 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_link_transfers_both_streams),
		cmocka_unit_test(lossy_reordering_link_transfers_both_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
