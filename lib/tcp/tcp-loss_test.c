/* SPDX-License-Identifier: BSD-3-Clause */
/* Loss recovery: RTO (RFC 6298, Karn, backoff, give-up), fast retransmit and
 * NewReno (RFC 5681, RFC 6582), congestion avoidance. */
#include "tcp-test-harness.h"

#define MSS 1460u
#define RTT 100000u

/* established after a handshake that took RTT: RTO = RTT + 4 * RTT/2 */
static struct tcp_conn *establish_rtt(struct harness *h, uint32_t rtt)
{
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	h->now += rtt;
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	seg.mss = MSS;
	seg.wscale = 7;
	h_in(h, &seg);
	hc->peer_nxt = hc->peer_iss + 1;
	assert_int_equal(h_info(h, c).rto_us, 3 * rtt);
	return c;
}

static void advance_until_tx(struct harness *h, unsigned ntx)
{
	for (int i = 0; i < 1000000 && h->ntx < ntx; i++)
		h_advance(h, h->p.tick_us);
	assert_true(h->ntx >= ntx);
}

static void rto_follows_rfc6298_from_measured_rtt(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = establish_rtt(h, RTT);
	tcp_send(h->s, c, 1000, h->now);
	h_advance(h, 50000);
	h_peer_ack(h, c, 1000, 65535);
	struct tcp_conn_info ci = h_info(h, c);
	/* RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, then SRTT = 7/8 SRTT + 1/8 R */
	uint32_t rttvar = (3 * (RTT / 2) + (RTT - 50000)) / 4;
	uint32_t srtt = (7 * RTT + 50000) / 8;
	assert_int_equal(ci.rttvar_us, rttvar);
	assert_int_equal(ci.srtt_us, srtt);
	assert_int_equal(ci.rto_us, srtt + 4 * rttvar);
	assert_int_equal(tcp_stack_stats(h->s)->rtt_samples, 2);
}

static void rto_floor_is_rto_min(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = establish_rtt(h, 100000);
	tcp_send(h->s, c, 10, h->now);
	h_advance(h, 1000);
	h_peer_ack(h, c, 10, 65535);
	for (int i = 0; i < 20; i++) { /* RTT 1 ms drives SRTT + 4 RTTVAR below 200 ms */
		tcp_send(h->s, c, 10, h->now);
		h_advance(h, 1000);
		h_peer_ack(h, c, 20 + 10 * (uint64_t)i, 65535);
	}
	assert_int_equal(h_info(h, c).rto_us, h->p.rto_min_us);
}

static void rto_retransmits_the_same_range_and_doubles(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = establish_rtt(h, RTT);
	h_clear_tx(h);
	tcp_send(h->s, c, 1000, h->now);
	for (unsigned n = 2; n <= 4; n++)
		advance_until_tx(h, n);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(h->tx[i].stream_off, 0);
		assert_int_equal(h->tx[i].len, 1000);
		assert_int_equal(h->tx[i].seq, h_seq_of(h, c, 0));
	}
	assert_int_equal(h->tx_at[1] - h->tx_at[0], 3 * RTT);
	assert_int_equal(h->tx_at[2] - h->tx_at[1], 6 * RTT);
	assert_int_equal(h->tx_at[3] - h->tx_at[2], 12 * RTT);
	const struct tcp_stats *st = tcp_stack_stats(h->s);
	assert_int_equal(st->retrans_rto, 3);
	assert_int_equal(st->retrans_bytes, 3000);
	struct tcp_conn_info ci = h_info(h, c);
	assert_int_equal(ci.cwnd, MSS);          /* loss window */
	assert_int_equal(ci.ssthresh, 2 * MSS);  /* max(FlightSize / 2, 2 SMSS) */
	assert_int_equal(ci.retries, 3);
}

static void go_back_n_after_rto_resends_from_snd_una(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = establish_rtt(h, RTT);
	tcp_send(h->s, c, 4 * MSS, h->now);
	h_clear_tx(h);
	advance_until_tx(h, 1);
	assert_int_equal(h->ntx, 1); /* cwnd = 1 segment */
	assert_int_equal(h->tx[0].stream_off, 0);
	h_peer_ack(h, c, MSS, 65535);
	/* slow start again: 2 segments from where the peer is */
	assert_int_equal(h->ntx, 3);
	assert_int_equal(h->tx[1].stream_off, MSS);
	assert_int_equal(h->tx[2].stream_off, 2 * MSS);
}

static void karn_takes_no_sample_from_a_retransmitted_segment(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = establish_rtt(h, RTT);
	h_clear_tx(h);
	tcp_send(h->s, c, 1000, h->now);
	advance_until_tx(h, 2);
	uint32_t backed_off = h_info(h, c).rto_us;
	assert_int_equal(backed_off, 6 * RTT);
	h_advance(h, 10000);
	h_peer_ack(h, c, 1000, 65535);
	struct tcp_conn_info ci = h_info(h, c);
	assert_int_equal(tcp_stack_stats(h->s)->rtt_samples, 1); /* the SYN's only */
	assert_int_equal(ci.srtt_us, RTT);
	assert_int_equal(ci.rto_us, backed_off); /* kept until a valid sample */
	assert_int_equal(ci.retries, 0);
	tcp_send(h->s, c, 1000, h->now);
	h_advance(h, RTT);
	h_peer_ack(h, c, 2000, 65535);
	assert_int_equal(tcp_stack_stats(h->s)->rtt_samples, 2);
	/* R = SRTT: RTTVAR shrinks to 3/4 of RTT/2, SRTT stays */
	assert_int_equal(h_info(h, c).rto_us, RTT + 4 * (3 * (RTT / 2) / 4));
}

static void gives_up_after_max_retries(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = establish_rtt(h, RTT);
	struct h_conn *hc = h_of(h, c);
	h_clear_tx(h);
	tcp_send(h->s, c, 500, h->now);
	for (int i = 0; i < 100000 && hc->closed == 0; i++)
		h_advance(h, 10000);
	assert_int_equal(hc->why, TCP_CLOSE_TIMEOUT);
	const struct tcp_stats *st = tcp_stack_stats(h->s);
	assert_int_equal(st->retrans_rto, h->p.max_retries);
	assert_int_equal(st->conn_timeout, 1);
	assert_int_equal(h_data_segs(h), 1 + h->p.max_retries);
	assert_int_equal(h_last(h)->flags & TCP_F_RST, TCP_F_RST);
}

static void max_rto_1s(struct tcp_params *p)
{
	p->rto_max_us = 1000000;
	p->tlp = false;
}

static void backoff_stops_at_rto_max(void **state)
{
	(void)state;
	struct harness *h = h_new(max_rto_1s);
	struct tcp_conn *c = establish_rtt(h, RTT);
	h_clear_tx(h);
	tcp_send(h->s, c, 500, h->now);
	for (unsigned n = 2; n <= 6; n++)
		advance_until_tx(h, n);
	assert_int_equal(h->tx_at[2] - h->tx_at[1], 6 * RTT);
	assert_int_equal(h->tx_at[3] - h->tx_at[2], 1000000);
	assert_int_equal(h->tx_at[5] - h->tx_at[4], 1000000);
	h_teardown(h);
}

/* ten segments out, the first acked, the second lost */
static struct tcp_conn *second_segment_lost(struct harness *h)
{
	struct tcp_conn *c = establish_rtt(h, RTT);
	tcp_send(h->s, c, 100 * MSS, h->now);
	h_peer_ack(h, c, MSS, 65535); /* cwnd 11: segments 10 and 11 go out */
	assert_int_equal(h_info(h, c).snd_max - h_info(h, c).snd_una, 11 * MSS);
	h_clear_tx(h);
	return c;
}

static void fast_retransmit_on_the_third_duplicate_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = second_segment_lost(h);
	uint32_t flight = 11 * MSS;
	h_peer_ack(h, c, MSS, 65535);
	h_peer_ack(h, c, MSS, 65535);
	assert_int_equal(h->ntx, 0);
	h_peer_ack(h, c, MSS, 65535);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h->tx[0].stream_off, MSS);
	assert_int_equal(h->tx[0].len, MSS);
	struct tcp_conn_info ci = h_info(h, c);
	assert_true(ci.in_recovery);
	assert_int_equal(ci.ssthresh, flight / 2);
	assert_int_equal(ci.cwnd, flight / 2 + 3 * MSS);
	const struct tcp_stats *st = tcp_stack_stats(h->s);
	assert_int_equal(st->retrans_fast, 1);
	assert_int_equal(st->dup_acks, 3);
	assert_int_equal(st->retrans_bytes, MSS);
	/* each further duplicate inflates cwnd by one MSS */
	h_peer_ack(h, c, MSS, 65535);
	assert_int_equal(h_info(h, c).cwnd, flight / 2 + 4 * MSS);
	for (int i = 0; i < 4; i++)
		h_peer_ack(h, c, MSS, 65535);
	/* cwnd 8030 + 8 * 1460 = 19710 > flight 16060: new data flows */
	assert_int_equal(h_data_segs(h), 1 + 2);
	assert_int_equal(h->tx[1].stream_off, 12 * MSS);
}

static void fast_retransmitted_segment_gives_no_rtt_sample(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = establish_rtt(h, RTT);
	h_peer_ack(h, c, 0, 65535); /* the first scaled window: an update, not a duplicate */
	tcp_send(h->s, c, 10 * MSS, h->now); /* the first segment is timed, then lost */
	h_advance(h, 10000);
	for (int i = 0; i < 3; i++)
		h_peer_ack(h, c, 0, 65535);
	assert_int_equal(tcp_stack_stats(h->s)->retrans_fast, 1);
	h_advance(h, 10000);
	h_peer_ack(h, c, 10 * MSS, 65535);
	assert_int_equal(tcp_stack_stats(h->s)->rtt_samples, 1); /* the SYN's only */
	assert_int_equal(h_info(h, c).srtt_us, RTT);
}

static void changed_window_or_payload_is_not_a_duplicate_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = second_segment_lost(h);
	h_peer_ack(h, c, MSS, 65000);
	h_peer_ack(h, c, MSS, 64000);
	h_peer_ack(h, c, MSS, 63000);
	assert_int_equal(tcp_stack_stats(h->s)->dup_acks, 0);
	h_peer_data(h, c, 0, 10, 0);
	assert_int_equal(tcp_stack_stats(h->s)->dup_acks, 0);
}

static void newreno_partial_ack_retransmits_the_next_hole(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = second_segment_lost(h);
	for (int i = 0; i < 3; i++)
		h_peer_ack(h, c, MSS, 65535);
	struct tcp_conn_info before = h_info(h, c);
	h_clear_tx(h);
	/* the retransmission filled segment 1; segment 3 was lost too */
	h_peer_ack(h, c, 3 * MSS, 65535);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h->tx[0].stream_off, 3 * MSS);
	struct tcp_conn_info ci = h_info(h, c);
	assert_true(ci.in_recovery);
	/* deflate by the amount acked, add back one MSS */
	assert_int_equal(ci.cwnd, before.cwnd - 2 * MSS + MSS);
	assert_int_equal(tcp_stack_stats(h->s)->retrans_fast, 2);
	/* a full ACK (everything up to recover) ends recovery */
	h_peer_ack(h, c, 12 * MSS, 65535);
	ci = h_info(h, c);
	assert_false(ci.in_recovery);
	assert_true(ci.cwnd <= ci.ssthresh);
	assert_int_equal(ci.ssthresh, before.ssthresh);
}

static void congestion_avoidance_adds_mss_squared_over_cwnd(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = establish_rtt(h, RTT);
	tcp_send(h->s, c, MSS, h->now);
	h_clear_tx(h);
	advance_until_tx(h, 1); /* RTO: ssthresh = 2 MSS, cwnd = 1 MSS */
	h_peer_ack(h, c, MSS, 65535);
	assert_int_equal(h_info(h, c).cwnd, 2 * MSS); /* slow start up to ssthresh */
	uint64_t acked = MSS;
	for (int i = 0; i < 5; i++) {
		uint32_t cwnd = h_info(h, c).cwnd;
		tcp_send(h->s, c, MSS, h->now);
		acked += MSS;
		h_peer_ack(h, c, acked, 65535);
		assert_int_equal(h_info(h, c).cwnd, cwnd + MSS * MSS / cwnd);
	}
}

static void three_duplicates_for_data_before_recover_do_not_re_enter(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = second_segment_lost(h);
	h_clear_tx(h);
	advance_until_tx(h, 1); /* RTO instead of fast retransmit: recover = snd_max */
	uint64_t rto = tcp_stack_stats(h->s)->retrans_rto;
	assert_int_equal(rto, 1);
	for (int i = 0; i < 3; i++)
		h_peer_ack(h, c, MSS, 65535);
	assert_int_equal(tcp_stack_stats(h->s)->retrans_fast, 0);
	assert_false(h_info(h, c).in_recovery);
}

/* These tests are about the RTO and fast retransmit, so no tail loss probe
 * comes first (tests/unit/tcp/tlp-*.pkt cover it). */
static void no_tlp(struct tcp_params *p)
{
	p->tlp = false;
}

static int setup_no_tlp(void **state)
{
	*state = h_new(no_tlp);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_no_tlp, h_teardown_fixture)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(rto_follows_rfc6298_from_measured_rtt),
		T(rto_floor_is_rto_min),
		T(rto_retransmits_the_same_range_and_doubles),
		T(go_back_n_after_rto_resends_from_snd_una),
		T(karn_takes_no_sample_from_a_retransmitted_segment),
		T(gives_up_after_max_retries),
		cmocka_unit_test(backoff_stops_at_rto_max),
		T(fast_retransmit_on_the_third_duplicate_ack),
		T(fast_retransmitted_segment_gives_no_rtt_sample),
		T(changed_window_or_payload_is_not_a_duplicate_ack),
		T(newreno_partial_ack_retransmits_the_next_hole),
		T(congestion_avoidance_adds_mss_squared_over_cwnd),
		T(three_duplicates_for_data_before_recover_do_not_re_enter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
