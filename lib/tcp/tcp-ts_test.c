/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 7323 timestamps: negotiation, echo, the MSS they cost, PAWS. */
#include "tcp-test-harness.h"

#define PEER_TS 5000u

static void offset_7(struct tcp_params *p)
{
	p->ts_offset_ms = 7;
}

/* SYN-ACK with timestamps (peer clock at tsval) */
static struct tcp_conn *establish_ts(struct harness *h, uint32_t tsval)
{
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	const struct tcp_seg_out *syn = h_last(h);
	assert_true(syn->ts);
	assert_int_equal(syn->tsval, (uint32_t)(h->now / 1000) + h->p.ts_offset_ms);
	assert_int_equal(syn->tsecr, 0);
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	seg.mss = 1460;
	seg.ts = true;
	seg.tsval = tsval;
	seg.tsecr = syn->tsval;
	h_in(h, &seg);
	hc->peer_nxt = hc->peer_iss + 1;
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	return c;
}

static void peer_data_ts(struct harness *h, struct tcp_conn *c, uint32_t off, uint32_t len,
			 uint32_t tsval)
{
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_ACK, hc->peer_iss + 1 + off, h_info(h, c).snd_una,
				   len);
	seg.ts = true;
	seg.tsval = tsval;
	if (seg.seq + len - hc->peer_nxt < 1u << 31)
		hc->peer_nxt = seg.seq + len;
	h_in(h, &seg);
}

static void every_segment_echoes_the_peer_and_costs_12_bytes(void **state)
{
	(void)state;
	struct harness *h = h_new(offset_7);
	struct tcp_conn *c = establish_ts(h, PEER_TS);
	const struct tcp_seg_out *ack = h_last(h);
	assert_true(ack->ts);
	assert_int_equal(ack->tsecr, PEER_TS);
	assert_int_equal(h_info(h, c).mss, 1460 - 12);
	assert_true(h_info(h, c).timestamps);
	h_advance(h, 3000);
	h_clear_tx(h);
	assert_int_equal(tcp_send(h->s, c, 3000, h->now), 0);
	assert_int_equal(h->tx[0].len, 1448);
	for (unsigned i = 0; i < h->ntx; i++) {
		assert_true(h->tx[i].ts);
		assert_int_equal(h->tx[i].tsval, (uint32_t)(h->now / 1000) + 7);
		assert_int_equal(h->tx[i].tsecr, PEER_TS);
	}
	/* a newer TSval at the left edge is echoed from then on */
	peer_data_ts(h, c, 0, 100, PEER_TS + 50);
	h_advance(h, 50000);
	tcp_timers_run(h->s, h->now);
	assert_int_equal(h_last(h)->tsecr, PEER_TS + 50);
	h_teardown(h);
}

/* RFC 7323 5.3: an older TSval is an old duplicate: dropped and ACKed,
 * its bytes not delivered. */
static void paws_drops_an_older_timestamp(void **state)
{
	(void)state;
	struct harness *h = h_new(NULL);
	struct tcp_conn *c = establish_ts(h, PEER_TS);
	h_clear_tx(h);
	peer_data_ts(h, c, 0, 100, PEER_TS - 1);
	assert_int_equal(tcp_stack_stats(h->s)->drop_paws, 1);
	assert_int_equal(h_of(h, c)->rx_len, 0);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_ACK);
	assert_int_equal(h_last(h)->ack, h_of(h, c)->peer_iss + 1);
	/* the same bytes with a current timestamp are taken */
	peer_data_ts(h, c, 0, 100, PEER_TS);
	assert_int_equal(h_of(h, c)->rx_len, 100);
	h_teardown(h);
}

static void no_timestamps_when_the_peer_does_not_answer_them(void **state)
{
	(void)state;
	struct harness *h = h_new(NULL);
	struct tcp_conn *c = h_establish(h);
	assert_false(h_last(h)->ts);
	assert_int_equal(h_info(h, c).mss, 1460);
	h_clear_tx(h);
	assert_int_equal(tcp_send(h->s, c, 100, h->now), 0);
	assert_false(h_last(h)->ts);
	h_teardown(h);
}

static void off(struct tcp_params *p)
{
	p->timestamps = false;
}

static void not_offered_when_disabled(void **state)
{
	(void)state;
	struct harness *h = h_new(off);
	h_connect(h);
	assert_false(h_last(h)->ts);
	h_teardown(h);
}

/* Server role: a SYN with timestamps gets them back, its TSval echoed. */
static void synack_echoes_the_syn(void **state)
{
	(void)state;
	struct harness *h = h_new(NULL);
	h_listen(h);
	struct tcp_seg syn = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = 40000, .dport = H_LISTEN_PORT,
		.seq = h_peer_iss_for(40000), .flags = TCP_F_SYN, .wnd = 65535, .mss = 1460,
		.wscale = 7, .ts = true, .tsval = 99,
	};
	h_in(h, &syn);
	const struct tcp_seg_out *sa = h_last(h);
	assert_int_equal(sa->flags, TCP_F_SYN | TCP_F_ACK);
	assert_true(sa->ts);
	assert_int_equal(sa->tsecr, 99);
	h_teardown(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_segment_echoes_the_peer_and_costs_12_bytes),
		cmocka_unit_test(paws_drops_an_older_timestamp),
		cmocka_unit_test(no_timestamps_when_the_peer_does_not_answer_them),
		cmocka_unit_test(not_offered_when_disabled),
		cmocka_unit_test(synack_echoes_the_syn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
