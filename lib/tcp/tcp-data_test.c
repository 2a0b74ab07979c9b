/* SPDX-License-Identifier: BSD-3-Clause */
/* Data in both directions: stream ranges, windows, cwnd, delayed ACK,
 * out-of-order queue, duplicates, zero window and persist. */
#include <errno.h>
#include <string.h>

#include "tcp-test-harness.h"

/* every data segment emitted so far covers [0, n) of the stream exactly once,
 * in order, each at most mss long, at the sequence number the offset maps to */
static void assert_stream_ranges(struct harness *h, struct tcp_conn *c, uint64_t n,
				 uint16_t mss)
{
	uint64_t next = 0;
	for (unsigned i = 0; i < h->ntx; i++) {
		const struct tcp_seg_out *o = &h->tx[i];
		if (o->len == 0)
			continue;
		assert_int_equal(o->stream_off, next);
		assert_int_equal(o->seq, h_seq_of(h, c, o->stream_off));
		assert_true(o->len <= mss);
		assert_true(o->flags & TCP_F_ACK);
		next += o->len;
	}
	assert_int_equal(next, n);
}

static void send_emits_the_stream_ranges_tcp_send_queued(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	h_clear_tx(h);
	assert_int_equal(tcp_send(h->s, c, 3000, h->now), 0);
	assert_int_equal(h_data_segs(h), 3);
	assert_stream_ranges(h, c, 3000, 1460);
	assert_int_equal(h->tx[2].len, 80);
	assert_true(h->tx[2].flags & TCP_F_PSH);
	assert_int_equal(h->tx[0].ack, h_of(h, c)->peer_iss + 1);
	assert_int_equal(tcp_send(h->s, c, 500, h->now), 0);
	assert_stream_ranges(h, c, 3500, 1460);
	assert_int_equal(tcp_stack_stats(h->s)->tx_bytes, 3500);
}

static void data_queued_before_the_handshake_goes_after_it(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	assert_int_equal(tcp_send(h->s, c, 2000, h->now), 0);
	assert_int_equal(h->ntx, 1); /* only the SYN */
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	seg.mss = 1000;
	seg.wscale = 0;
	h_in(h, &seg);
	h->ntx--; /* drop the SYN from the ranges check */
	memmove(h->tx, h->tx + 1, h->ntx * sizeof(h->tx[0]));
	assert_stream_ranges(h, c, 2000, 1000);
	assert_int_equal(h->ntx, 2); /* no pure ACK: it rode on the data */
}

static void initial_window_is_ten_segments(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	h_clear_tx(h);
	tcp_send(h->s, c, 100 * 1460, h->now);
	assert_int_equal(h_data_segs(h), 10);
	assert_int_equal(h_info(h, c).cwnd, 14600);
	assert_stream_ranges(h, c, 10 * 1460, 1460);
}

static void slow_start_adds_one_mss_per_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	tcp_send(h->s, c, 100 * 1460, h->now);
	h_clear_tx(h);
	uint32_t cwnd = h_info(h, c).cwnd;
	/* one ACK for two segments: L = 1 SMSS (RFC 5681 3.1) */
	h_peer_ack(h, c, 2 * 1460, 65535);
	assert_int_equal(h_info(h, c).cwnd, cwnd + 1460);
	assert_int_equal(h_of(h, c)->acked, 2 * 1460);
	/* flight was 8 segments, window now 11: three more go out */
	assert_int_equal(h_data_segs(h), 3);
	for (int k = 3; k <= 10; k++)
		h_peer_ack(h, c, (uint64_t)k * 1460, 65535);
	assert_int_equal(h_info(h, c).cwnd, cwnd + 9 * 1460);
	const struct tcp_conn_info ci = h_info(h, c);
	assert_true(ci.snd_max - ci.snd_una <= ci.cwnd);
}

static void peer_window_limits_what_is_in_flight(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish_opts(h, 1460, 0, 4000);
	h_clear_tx(h);
	tcp_send(h->s, c, 10000, h->now);
	/* 2 full segments fit; the 1080-byte tail would be a silly window */
	assert_int_equal(h_data_bytes(h), 2920);
	h_peer_ack(h, c, 2920, 4000);
	assert_int_equal(h_data_bytes(h), 2 * 2920);
	h_peer_ack(h, c, 2 * 2920, 1000); /* window shrinks below one MSS */
	/* nothing in flight: a small segment is better than a stall */
	assert_int_equal(h_data_bytes(h), 2 * 2920 + 1000);
	assert_stream_ranges(h, c, 2 * 2920 + 1000, 1460);
}

static void received_data_is_delivered_in_order(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_clear_tx(h);
	h_peer_data(h, c, 0, 1000, 0);
	assert_int_equal(hc->rx_len, 1000);
	assert_int_equal(h->ntx, 0); /* the ACK is delayed */
	h_peer_data(h, c, 1000, 1460, TCP_F_PSH);
	assert_int_equal(hc->rx_len, 2460);
	for (uint32_t k = 0; k < hc->rx_len; k++)
		assert_int_equal(hc->rx[k], h_peer_byte(k));
	/* second segment: ACK at once */
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1 + 2460);
	assert_int_equal(h_info(h, c).rcv_nxt, hc->peer_iss + 1 + 2460);
	assert_int_equal(tcp_stack_stats(h->s)->rx_bytes, 2460);
}

static void delayed_ack_fires_after_delack_us(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	h_clear_tx(h);
	h_peer_data(h, c, 0, 100, 0);
	h_advance(h, h->p.delack_us - h->p.tick_us);
	assert_int_equal(h->ntx, 0);
	h_advance(h, h->p.tick_us);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_ACK);
	assert_int_equal(h_last(h)->ack, h_of(h, c)->peer_iss + 101);
	assert_int_equal(tcp_stack_stats(h->s)->delayed_acks, 1);
	h_advance(h, 10 * h->p.delack_us); /* fires once */
	assert_int_equal(h->ntx, 1);
}

static void no_delack(struct tcp_params *p)
{
	p->delack_us = 0;
}

static void delack_zero_acks_every_segment(void **state)
{
	(void)state;
	struct harness *h = h_new(no_delack);
	struct tcp_conn *c = h_establish(h);
	h_clear_tx(h);
	h_peer_data(h, c, 0, 100, 0);
	assert_int_equal(h->ntx, 1);
	h_teardown(h);
}

static void data_ready_to_send_carries_the_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	h_clear_tx(h);
	h_peer_data(h, c, 0, 100, 0);
	tcp_send(h->s, c, 10, h->now);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->len, 10);
	assert_int_equal(h_last(h)->ack, h_of(h, c)->peer_iss + 101);
	h_advance(h, h->p.delack_us);
	assert_int_equal(h->ntx, 1); /* nothing left to ACK */
}

static void out_of_order_is_queued_and_delivered_when_the_hole_fills(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_clear_tx(h);
	h_peer_data(h, c, 1000, 1000, 0);
	assert_int_equal(hc->rx_len, 0);
	assert_int_equal(h->ntx, 1); /* immediate duplicate ACK */
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1);
	h_peer_data(h, c, 2000, 500, 0);
	assert_int_equal(h->ntx, 2);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1);
	assert_int_equal(h_info(h, c).ooo_segs, 2);
	assert_int_equal(tcp_stack_ooo_free(h->s), h->p.ooo_max_segs - 2);
	h_peer_data(h, c, 0, 1000, 0);
	assert_int_equal(hc->rx_len, 2500);
	for (uint32_t k = 0; k < hc->rx_len; k++)
		assert_int_equal(hc->rx[k], h_peer_byte(k));
	assert_int_equal(h->ntx, 3); /* filling the hole is ACKed at once */
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1 + 2500);
	const struct tcp_stats *st = tcp_stack_stats(h->s);
	assert_int_equal(st->ooo_queued, 2);
	assert_int_equal(st->ooo_delivered, 2);
	assert_int_equal(tcp_stack_ooo_free(h->s), h->p.ooo_max_segs);
}

static void overlapping_out_of_order_segments_deliver_each_byte_once(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 1500, 1000, 0);
	h_peer_data(h, c, 1000, 1000, 0); /* overlaps the first */
	h_peer_data(h, c, 1500, 500, 0);  /* already covered */
	assert_int_equal(tcp_stack_stats(h->s)->ooo_drop_dup, 1);
	h_peer_data(h, c, 0, 1200, 0);
	assert_int_equal(hc->rx_len, 2500);
	for (uint32_t k = 0; k < hc->rx_len; k++)
		assert_int_equal(hc->rx[k], h_peer_byte(k));
}

static void small_ooo(struct tcp_params *p)
{
	p->ooo_max_segs = 2;
}

static void full_out_of_order_queue_drops_and_counts(void **state)
{
	(void)state;
	struct harness *h = h_new(small_ooo);
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 100, 100, 0);
	h_peer_data(h, c, 200, 100, 0);
	h_clear_tx(h);
	h_peer_data(h, c, 300, 100, 0);
	assert_int_equal(tcp_stack_stats(h->s)->ooo_drop_full, 1);
	assert_int_equal(h->ntx, 1); /* still a duplicate ACK */
	h_peer_data(h, c, 0, 100, 0);
	assert_int_equal(hc->rx_len, 300); /* the dropped segment must come again */
	h_peer_data(h, c, 300, 100, 0);
	assert_int_equal(hc->rx_len, 400);
	h_teardown(h);
}

static void out_of_order_segment_larger_than_mss_is_kept_whole(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 1000, 4000, 0); /* GRO-sized: takes three entries */
	assert_int_equal(h_info(h, c).ooo_segs, 3);
	h_peer_data(h, c, 0, 1000, 0);
	assert_int_equal(hc->rx_len, 5000);
	for (uint32_t k = 0; k < hc->rx_len; k++)
		assert_int_equal(hc->rx[k], h_peer_byte(k));
	assert_int_equal(tcp_stack_ooo_free(h->s), h->p.ooo_max_segs);
}

static void duplicate_and_old_segments_are_dropped_and_acked(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 0, 1000, 0);
	h_clear_tx(h);
	h_peer_data(h, c, 0, 1000, 0); /* whole duplicate */
	assert_int_equal(hc->rx_len, 1000);
	assert_int_equal(tcp_stack_stats(h->s)->drop_dup_data, 1);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1001);
	h_peer_data(h, c, 500, 1000, 0); /* half old: the new half is kept */
	assert_int_equal(hc->rx_len, 1500);
	for (uint32_t k = 0; k < hc->rx_len; k++)
		assert_int_equal(hc->rx[k], h_peer_byte(k));
	h_clear_tx(h);
	struct tcp_seg far = h_seg(h, c, TCP_F_ACK, hc->peer_iss + 1 + 10000000, hc->iss + 1, 0);
	h_in(h, &far); /* beyond the window */
	assert_int_equal(tcp_stack_stats(h->s)->drop_bad_seq, 1);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(hc->rx_len, 1500);
}

static void ack_for_unsent_data_is_dropped_and_acked(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	tcp_send(h->s, c, 100, h->now);
	h_clear_tx(h);
	h_peer_ack(h, c, 5000, 65535);
	assert_int_equal(tcp_stack_stats(h->s)->drop_bad_ack, 1);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_of(h, c)->acked, 0);
}

static void segment_without_ack_or_with_syn_is_dropped(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, 0, hc->peer_nxt, 0, 10);
	h_in(h, &seg);
	assert_int_equal(hc->rx_len, 0);
	seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_nxt, hc->iss + 1, 0);
	h_clear_tx(h);
	h_in(h, &seg);
	assert_int_equal(tcp_stack_stats(h->s)->drop_bad_flags, 2);
	assert_int_equal(tcp_stack_stats(h->s)->challenge_acks, 1);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
}

static void zero_window_probes_then_resumes_when_it_opens(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish_opts(h, 1460, 0, 65535);
	struct h_conn *hc = h_of(h, c);
	tcp_send(h->s, c, 1000, h->now);
	h_peer_ack(h, c, 1000, 0); /* all acked, window closed */
	h_clear_tx(h);
	tcp_send(h->s, c, 3000, h->now);
	assert_int_equal(h->ntx, 0);
	assert_true(h_info(h, c).persist);
	uint32_t rto = h_info(h, c).rto_us;
	uint64_t t0 = h->now;
	/* probes answered with a zero window keep coming, further apart */
	for (int i = 0; i < 12; i++) {
		while (h->ntx == (unsigned)i)
			h_advance(h, h->p.tick_us);
		const struct tcp_seg_out *p = h_last(h);
		assert_int_equal(p->len, 0);
		assert_int_equal(p->seq, hc->iss + 1 + 1000 - 1);
		h_peer_ack(h, c, 1000, 0);
	}
	assert_int_equal(h->tx_at[0] - t0, rto);
	assert_int_equal(h->tx_at[1] - h->tx_at[0], 2 * rto);
	assert_int_equal(tcp_stack_stats(h->s)->persist_probes, 12);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	h_clear_tx(h);
	h_peer_ack(h, c, 1000, 65535);
	assert_int_equal(h_data_bytes(h), 3000);
	assert_false(h_info(h, c).persist);
	assert_int_equal(tcp_stack_stats(h->s)->retrans_bytes, 0);
}

static void unanswered_probes_give_up(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish_opts(h, 1460, 0, 0);
	struct h_conn *hc = h_of(h, c);
	tcp_send(h->s, c, 100, h->now);
	for (int i = 0; i < 2000 && hc->closed == 0; i++)
		h_advance(h, 100000);
	assert_int_equal(hc->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(tcp_stack_stats(h->s)->persist_probes, h->p.max_retries);
}

static void abort_from_on_recv(struct harness *h, struct tcp_conn *c)
{
	tcp_abort(h->s, c, h->now);
}

static void application_may_abort_from_on_recv(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 1000, 1000, 0); /* queued */
	h->on_recv_hook = abort_from_on_recv;
	h_peer_data(h, c, 0, 1000, 0);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_ABORTED);
	assert_int_equal(hc->rx_len, 1000); /* nothing delivered after the abort */
	assert_int_equal(h_last(h)->flags & TCP_F_RST, TCP_F_RST);
	assert_int_equal(tcp_stack_ooo_free(h->s), h->p.ooo_max_segs);
	h->on_recv_hook = NULL;
	/* the slot is free again */
	struct tcp_conn *d = h_connect(h);
	assert_int_equal(tcp_stack_active(h->s), 1);
	(void)d;
}

static void abort_once_queued_data_flows(struct harness *h, struct tcp_conn *c)
{
	if (h_of(h, c)->rx_len > 1000) /* the first queued segment */
		tcp_abort(h->s, c, h->now);
}

static void application_may_abort_while_queued_data_is_delivered(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 1000, 1000, 0);
	h_peer_data(h, c, 2000, 1000, 0);
	h_peer_data(h, c, 3000, 1000, TCP_F_FIN);
	h->on_recv_hook = abort_once_queued_data_flows;
	h_peer_data(h, c, 0, 1000, 0);
	h->on_recv_hook = NULL;
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_ABORTED);
	assert_int_equal(hc->rx_len, 2000);
	assert_false(hc->peer_fin);
	assert_int_equal(tcp_stack_ooo_free(h->s), h->p.ooo_max_segs);
}

static void sequence_numbers_wrap(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	/* the peer ISS sits 4096 below the wrap */
	for (uint32_t off = 0; off < 8000; off += 1000)
		h_peer_data(h, c, off, 1000, 0);
	assert_int_equal(hc->rx_len, 8000);
	assert_int_equal(h_info(h, c).rcv_nxt, hc->peer_iss + 1 + 8000);
	assert_true(h_info(h, c).rcv_nxt < hc->peer_iss);
}

static void tx_failure_counts_and_is_retransmitted(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	h->tx_rc = -ENOBUFS;
	tcp_send(h->s, c, 100, h->now);
	h->tx_rc = 0;
	assert_int_equal(tcp_stack_stats(h->s)->tx_fail, 1);
	h_clear_tx(h);
	h_advance(h, h_info(h, c).rto_us);
	assert_int_equal(h_data_bytes(h), 100);
	assert_int_equal(h->tx[0].stream_off, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, h_setup, h_teardown_fixture)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(send_emits_the_stream_ranges_tcp_send_queued),
		T(data_queued_before_the_handshake_goes_after_it),
		T(initial_window_is_ten_segments),
		T(slow_start_adds_one_mss_per_ack),
		T(peer_window_limits_what_is_in_flight),
		T(received_data_is_delivered_in_order),
		T(delayed_ack_fires_after_delack_us),
		cmocka_unit_test(delack_zero_acks_every_segment),
		T(data_ready_to_send_carries_the_ack),
		T(out_of_order_is_queued_and_delivered_when_the_hole_fills),
		T(overlapping_out_of_order_segments_deliver_each_byte_once),
		cmocka_unit_test(full_out_of_order_queue_drops_and_counts),
		T(out_of_order_segment_larger_than_mss_is_kept_whole),
		T(duplicate_and_old_segments_are_dropped_and_acked),
		T(ack_for_unsent_data_is_dropped_and_acked),
		T(segment_without_ack_or_with_syn_is_dropped),
		T(zero_window_probes_then_resumes_when_it_opens),
		T(unanswered_probes_give_up),
		T(application_may_abort_from_on_recv),
		T(application_may_abort_while_queued_data_is_delivered),
		T(sequence_numbers_wrap),
		T(tx_failure_counts_and_is_retransmitted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
