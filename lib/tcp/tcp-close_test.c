/* SPDX-License-Identifier: BSD-3-Clause */
/* FIN and RST in both directions, TIME_WAIT policies. */
#include <errno.h>

#include "tcp-test-harness.h"

static struct tcp_conn *to_fin_wait_1(struct harness *h)
{
	struct tcp_conn *c = h_establish(h);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_1);
	return c;
}

static struct tcp_conn *to_fin_wait_2(struct harness *h)
{
	struct tcp_conn *c = to_fin_wait_1(h);
	h_peer_ack_seq(h, c, h_info(h, c).snd_max, 65535);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_2);
	return c;
}

static struct tcp_conn *to_close_wait(struct harness *h)
{
	struct tcp_conn *c = h_establish(h);
	h_peer_fin(h, c);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSE_WAIT);
	return c;
}

static struct tcp_conn *to_last_ack(struct harness *h)
{
	struct tcp_conn *c = to_close_wait(h);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	assert_int_equal(tcp_conn_state(c), TCP_LAST_ACK);
	return c;
}

/* the peer's FIN crosses ours: it does not ack our FIN */
static struct tcp_conn *to_closing(struct harness *h)
{
	struct tcp_conn *c = to_fin_wait_1(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg fin = h_seg(h, c, TCP_F_FIN | TCP_F_ACK, hc->peer_nxt, hc->iss + 1, 0);
	h_in(h, &fin);
	hc->peer_nxt++;
	assert_int_equal(tcp_conn_state(c), TCP_CLOSING);
	return c;
}

static struct tcp_conn *to_time_wait(struct harness *h)
{
	struct tcp_conn *c = to_fin_wait_2(h);
	h_peer_fin(h, c);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	return c;
}

static void active_close_goes_through_fin_wait_and_time_wait(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	tcp_send(h->s, c, 100, h->now);
	h_clear_tx(h);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	const struct tcp_seg_out *fin = h_last(h);
	assert_int_equal(fin->flags, TCP_F_FIN | TCP_F_ACK);
	assert_int_equal(fin->seq, hc->iss + 1 + 100);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_1);
	assert_int_equal(tcp_send(h->s, c, 1, h->now), -EPIPE);
	assert_int_equal(tcp_close(h->s, c, h->now), -EALREADY);
	h_peer_ack(h, c, 100, 65535); /* data acked, FIN not yet */
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_1);
	h_peer_ack_seq(h, c, hc->iss + 1 + 101, 65535);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_2);
	assert_int_equal(hc->acked, 100); /* the FIN is not stream data */
	h_peer_data(h, c, 0, 300, 0); /* half-close: we still receive */
	assert_int_equal(hc->rx_len, 300);
	h_clear_tx(h);
	h_peer_data(h, c, 300, 0, TCP_F_FIN);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_ACK);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1 + 301);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_stack_active(h->s), 1); /* the port stays busy */
	uint32_t id = tcp_conn_id(c);
	h_advance(h, 2 * (uint64_t)h->p.msl_us - h->p.tick_us);
	assert_non_null(tcp_conn_by_id(h->s, id));
	h_advance(h, h->p.tick_us);
	assert_null(tcp_conn_by_id(h->s, id));
	assert_int_equal(tcp_stack_active(h->s), 0);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(tcp_stack_stats(h->s)->time_wait_entered, 1);
}

static void the_rtt_bound_covers_open_connections_not_time_wait(void **state)
{
	struct harness *h = *state;
	struct tcp_rtt_bound none = tcp_stack_rtt_bound(h->s);
	assert_int_equal(none.rto_us, 0);
	assert_int_equal(none.srtt_us, 0);
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_conn_info info;
	tcp_conn_info(h->s, c, &info);
	struct tcp_rtt_bound open = tcp_stack_rtt_bound(h->s);
	assert_true(open.rto_us > 0);
	assert_int_equal(open.rto_us, info.rto_us);
	assert_int_equal(open.srtt_us, info.srtt_us);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	h_peer_ack_seq(h, c, hc->iss + 2, 65535);
	h_peer_data(h, c, 0, 0, TCP_F_FIN);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	assert_int_equal(tcp_stack_rtt_bound(h->s).rto_us, 0);
}

static void close_before_the_handshake_sends_fin_with_the_data(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	tcp_send(h->s, c, 100, h->now);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	h_clear_tx(h);
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	seg.mss = 1460;
	h_in(h, &seg);
	assert_true(hc->established);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->len, 100);
	assert_int_equal(h_last(h)->flags, TCP_F_ACK | TCP_F_PSH | TCP_F_FIN);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_1);
}

static void passive_close_goes_through_close_wait_and_last_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_clear_tx(h);
	h_peer_fin(h, c);
	assert_true(hc->peer_fin);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSE_WAIT);
	assert_int_equal(h->ntx, 0); /* the ACK waits for our FIN */
	assert_int_equal(tcp_send(h->s, c, 50, h->now), 0);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	assert_int_equal(tcp_conn_state(c), TCP_LAST_ACK);
	assert_int_equal(h_last(h)->flags & TCP_F_FIN, TCP_F_FIN);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 2);
	h_peer_ack_seq(h, c, hc->iss + 1 + 50 + 1, 65535);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_stack_active(h->s), 0);
}

/* The ACK of the peer's FIN rides on ours: one frame, no ACK of its own. */
static void close_after_the_peer_fin_sends_fin_and_ack_in_one_segment(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_clear_tx(h);
	h_peer_fin(h, c);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_FIN | TCP_F_ACK);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 2);
	h_advance(h, h->p.delack_us + h->p.tick_us); /* before a tail loss probe of the FIN */
	assert_int_equal(h->ntx, 1); /* no delayed ACK follows */
}

/* An application that does not close at once: the FIN is ACKed as data
 * would be, after delack_us. */
static void peer_fin_is_acked_after_delack_while_we_stay_open(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_clear_tx(h);
	h_peer_fin(h, c);
	h_advance(h, h->p.delack_us - h->p.tick_us);
	assert_int_equal(h->ntx, 0);
	h_advance(h, 2 * (uint64_t)h->p.tick_us);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_ACK);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 2);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSE_WAIT);
}

/* A server that sends its response, then its FIN in a frame of its own
 * (the kernel after write() and close()): the bare FIN is no full-sized
 * segment, so the ACK of both still waits, and our FIN carries it. */
static void bare_fin_after_unacked_data_waits_for_our_fin(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 0, 100, TCP_F_PSH);
	h_clear_tx(h);
	h_peer_fin(h, c);
	assert_int_equal(h->ntx, 0);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_FIN | TCP_F_ACK);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1 + 100 + 1);
}

/* A FIN on a second data segment not yet ACKed: that segment is ACKed at
 * once (RFC 5681 4.2), the FIN with it. */
static void fin_on_a_second_unacked_segment_is_acked_at_once(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 0, 100, TCP_F_PSH);
	h_clear_tx(h);
	h_peer_data(h, c, 100, 100, TCP_F_PSH | TCP_F_FIN);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1 + 200 + 1);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSE_WAIT);
}

static void simultaneous_close_goes_through_closing(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = to_closing(h);
	struct h_conn *hc = h_of(h, c);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 2);
	assert_int_equal(hc->closed, 0);
	h_peer_ack_seq(h, c, hc->iss + 2, 65535);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	assert_int_equal(hc->closed, 1);
	h_advance(h, 2 * (uint64_t)h->p.msl_us);
	assert_int_equal(tcp_stack_active(h->s), 0);
}

static void fin_again_in_time_wait_is_acked_and_restarts_2msl(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = to_time_wait(h);
	struct h_conn *hc = h_of(h, c);
	uint32_t id = tcp_conn_id(c);
	h_advance(h, h->p.msl_us);
	h_clear_tx(h);
	struct tcp_seg fin = h_seg(h, c, TCP_F_FIN | TCP_F_ACK, hc->peer_nxt - 1, hc->iss + 2, 0);
	h_in(h, &fin);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->ack, hc->peer_nxt);
	h_advance(h, 2 * (uint64_t)h->p.msl_us - h->p.tick_us);
	assert_non_null(tcp_conn_by_id(h->s, id));
	h_advance(h, h->p.tick_us);
	assert_null(tcp_conn_by_id(h->s, id));
}

static void tw_reset(struct tcp_params *p)
{
	p->tw_policy = TCP_TW_RESET;
}

/* We closed first and the peer's FIN came after its ACK of ours: the peer
 * is in LAST_ACK and needs our ACK, which ends it as a RST would, without
 * telling it of a reset. */
static void reset_policy_acks_the_last_fin_and_frees_the_slot(void **state)
{
	(void)state;
	struct harness *h = h_new(tw_reset);
	struct tcp_conn *c = to_fin_wait_2(h);
	struct h_conn *hc = h_of(h, c);
	uint32_t snd_nxt = h_info(h, c).snd_nxt;
	h_clear_tx(h);
	h_peer_fin(h, c);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_ACK);
	assert_int_equal(h_last(h)->seq, snd_nxt);
	assert_int_equal(h_last(h)->ack, hc->peer_nxt);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_stack_active(h->s), 0);
	assert_int_equal(tcp_stack_stats(h->s)->time_wait_reset, 1);
	h_teardown(h);
}

/* Both closed at once: the peer enters TIME_WAIT too, and the RST ends it. */
static void reset_policy_ends_a_simultaneous_close_with_rst(void **state)
{
	(void)state;
	struct harness *h = h_new(tw_reset);
	struct tcp_conn *c = to_closing(h);
	struct h_conn *hc = h_of(h, c);
	h_clear_tx(h);
	h_peer_ack_seq(h, c, hc->iss + 2, 65535);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags & TCP_F_RST, TCP_F_RST);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_stack_active(h->s), 0);
	assert_int_equal(tcp_stack_stats(h->s)->time_wait_reset, 1);
	h_teardown(h);
}

static void fin_wait_2_gives_up_when_the_peer_stays_silent(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = to_fin_wait_2(h);
	struct h_conn *hc = h_of(h, c);
	h_advance(h, h->p.msl_us);
	h_peer_data(h, c, 0, 10, 0); /* activity restarts the idle limit */
	h_advance(h, 2 * (uint64_t)h->p.msl_us - h->p.tick_us);
	assert_int_equal(hc->closed, 0);
	h_advance(h, h->p.tick_us);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(tcp_stack_stats(h->s)->fin_wait_2_timeout, 1);
}

static void out_of_order_fin_waits_for_the_hole(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 100, 100, TCP_F_FIN);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_false(hc->peer_fin);
	h_peer_data(h, c, 0, 100, 0);
	assert_int_equal(hc->rx_len, 200);
	assert_true(hc->peer_fin);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSE_WAIT);
	assert_int_equal(h_last(h)->ack, hc->peer_iss + 1 + 201);
}

static void data_after_the_peer_fin_is_dropped(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = to_close_wait(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_ACK, hc->peer_nxt, hc->iss + 1, 10);
	h_in(h, &seg);
	assert_int_equal(hc->rx_len, 0);
	assert_int_equal(tcp_stack_stats(h->s)->drop_after_fin, 1);
}

/* an in-window RST closes every synchronized state with RESET */
static void rst_at_rcv_nxt_resets(struct harness *h, struct tcp_conn *c, bool reported)
{
	struct h_conn *hc = h_of(h, c);
	unsigned closed = hc->closed, ntx = h->ntx;
	/* exactly at rcv_nxt (RFC 5961 3.2; elsewhere in the window it only
	 * draws a challenge ACK: tests/unit/tcp/rfc5961-*.pkt) */
	struct tcp_seg rst = h_seg(h, c, TCP_F_RST, hc->peer_nxt, 0, 0);
	h_in(h, &rst);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSED);
	assert_int_equal(h->ntx, ntx); /* never answer a RST */
	if (reported) {
		assert_int_equal(hc->closed, closed + 1);
		assert_int_equal(hc->why, TCP_CLOSE_RESET);
	} else {
		assert_int_equal(hc->closed, closed);
	}
	assert_int_equal(tcp_stack_active(h->s), 0);
}

static void rst_resets_established(void **state)
{
	rst_at_rcv_nxt_resets(*state, h_establish(*state), true);
	assert_int_equal(tcp_stack_stats(((struct harness *)*state)->s)->conn_reset_rx, 1);
}

static void rst_resets_fin_wait_1(void **state)
{
	rst_at_rcv_nxt_resets(*state, to_fin_wait_1(*state), true);
}

static void rst_resets_fin_wait_2(void **state)
{
	rst_at_rcv_nxt_resets(*state, to_fin_wait_2(*state), true);
}

static void rst_resets_close_wait(void **state)
{
	rst_at_rcv_nxt_resets(*state, to_close_wait(*state), true);
}

static void rst_resets_last_ack(void **state)
{
	rst_at_rcv_nxt_resets(*state, to_last_ack(*state), true);
}

static void rst_resets_closing(void **state)
{
	rst_at_rcv_nxt_resets(*state, to_closing(*state), true);
}

static void rst_in_time_wait_frees_the_slot_without_a_second_on_closed(void **state)
{
	rst_at_rcv_nxt_resets(*state, to_time_wait(*state), false);
}

static void rst_outside_the_window_is_ignored(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	unsigned ntx = h->ntx;
	struct tcp_seg rst = h_seg(h, c, TCP_F_RST, hc->peer_nxt + h->p.rcv_wnd + 10, 0, 0);
	h_in(h, &rst);
	rst.seq = hc->peer_nxt - 1;
	h_in(h, &rst);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_int_equal(h->ntx, ntx);
	assert_int_equal(tcp_stack_stats(h->s)->drop_bad_rst, 2);
}

static void abort_sends_rst_and_closes(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	tcp_send(h->s, c, 10, h->now);
	uint32_t snd_nxt = h_info(h, c).snd_nxt;
	tcp_abort(h->s, c, h->now);
	assert_int_equal(h_last(h)->flags, TCP_F_RST | TCP_F_ACK);
	assert_int_equal(h_last(h)->seq, snd_nxt);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_ABORTED);
	assert_int_equal(tcp_stack_stats(h->s)->conn_aborted, 1);
	h_advance(h, 100000000); /* no timer left behind */
	assert_int_equal(hc->closed, 1);
	assert_int_equal(tcp_close(h->s, c, h->now), -ENOTCONN);
	assert_int_equal(tcp_send(h->s, c, 1, h->now), -ENOTCONN);
}

/* the peer may hold a half-open connection: reset it, without ACK */
static void abort_in_syn_sent_resets_without_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	uint32_t syn_seq = h->tx[0].seq;
	tcp_abort(h->s, c, h->now);
	assert_int_equal(h->ntx, 2);
	assert_int_equal(h->tx[1].flags, TCP_F_RST);
	assert_int_equal(h->tx[1].seq, syn_seq + 1);
	assert_int_equal(h_of(h, c)->why, TCP_CLOSE_ABORTED);
}

static void reconnect_from_on_closed(struct harness *h, struct tcp_conn *c)
{
	(void)c;
	h->on_closed_hook = NULL;
	h_connect(h);
}

static void on_closed_may_open_a_new_connection(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	h->on_closed_hook = reconnect_from_on_closed;
	struct tcp_seg rst = h_seg(h, c, TCP_F_RST, h_of(h, c)->peer_nxt, 0, 0);
	h_in(h, &rst);
	assert_int_equal(tcp_stack_active(h->s), 1);
	assert_int_equal(h_last(h)->flags, TCP_F_SYN);
}

#define T(f) cmocka_unit_test_setup_teardown(f, h_setup, h_teardown_fixture)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(active_close_goes_through_fin_wait_and_time_wait),
		T(close_before_the_handshake_sends_fin_with_the_data),
		T(the_rtt_bound_covers_open_connections_not_time_wait),
		T(passive_close_goes_through_close_wait_and_last_ack),
		T(close_after_the_peer_fin_sends_fin_and_ack_in_one_segment),
		T(peer_fin_is_acked_after_delack_while_we_stay_open),
		T(bare_fin_after_unacked_data_waits_for_our_fin),
		T(fin_on_a_second_unacked_segment_is_acked_at_once),
		T(simultaneous_close_goes_through_closing),
		T(fin_again_in_time_wait_is_acked_and_restarts_2msl),
		cmocka_unit_test(reset_policy_acks_the_last_fin_and_frees_the_slot),
		cmocka_unit_test(reset_policy_ends_a_simultaneous_close_with_rst),
		T(fin_wait_2_gives_up_when_the_peer_stays_silent),
		T(out_of_order_fin_waits_for_the_hole),
		T(data_after_the_peer_fin_is_dropped),
		T(rst_resets_established),
		T(rst_resets_fin_wait_1),
		T(rst_resets_fin_wait_2),
		T(rst_resets_close_wait),
		T(rst_resets_last_ack),
		T(rst_resets_closing),
		T(rst_in_time_wait_frees_the_slot_without_a_second_on_closed),
		T(rst_outside_the_window_is_ignored),
		T(abort_sends_rst_and_closes),
		T(abort_in_syn_sent_resets_without_ack),
		T(on_closed_may_open_a_new_connection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
