/* SPDX-License-Identifier: BSD-3-Clause */
/* Server role: passive open, data both ways, closes from either side, RST,
 * SYN-ACK retransmission, the half-open bound, and the remote-address table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp-test-harness.h"

#define SPORT 40000

static const struct tcp_stats *st(struct harness *h)
{
	return tcp_stack_stats(h->s);
}

static struct harness *server(void (*tune)(struct tcp_params *p))
{
	struct harness *h = h_new(tune);
	h_listen(h);
	return h;
}

static void syn_gets_a_synack_with_our_mss_and_window_scale(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	const struct tcp_seg_out *o = h_syn(h, SPORT, 1000, 5);
	assert_non_null(o);
	assert_int_equal(o->flags, TCP_F_SYN | TCP_F_ACK);
	assert_int_equal(o->ack, h_peer_iss_for(SPORT) + 1);
	assert_int_equal(o->sport, H_LISTEN_PORT);
	assert_int_equal(o->dport, SPORT);
	assert_int_equal(o->daddr, H_PEER);
	assert_int_equal(o->mss, h->p.mss);
	assert_int_equal(o->wscale, h->p.wscale);
	assert_int_equal(o->wnd, h->p.rcv_wnd > 65535 ? 65535 : h->p.rcv_wnd); /* unscaled */
	assert_int_equal(tcp_conn_state(o->conn), TCP_SYN_RCVD);
	assert_true(tcp_conn_passive(o->conn));
	assert_int_equal(tcp_stack_half_open(h->s), 1);
	assert_null(h->accepted); /* half-open: not the application's yet */
	assert_int_equal(st(h)->syn_rx, 1);
	h_teardown(h);
}

static void synack_carries_no_window_scale_when_the_syn_had_none(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	const struct tcp_seg_out *o = h_syn(h, SPORT, 0, -1);
	assert_int_equal(o->wscale, -1);
	h_clear_tx(h);
	struct tcp_conn *c = h_accept_opts(h, SPORT + 1, 0, -1, 1000);
	struct tcp_conn_info ci = h_info(h, c);
	assert_int_equal(ci.snd_wscale, 0);
	assert_int_equal(ci.rcv_wscale, 0);
	assert_int_equal(ci.mss, 536); /* RFC 1122 default without the option */
	assert_int_equal(ci.snd_wnd, 1000);
	h_teardown(h);
}

static void ack_of_the_synack_establishes_and_hands_the_connection_over(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	struct tcp_conn *c = h_accept_opts(h, SPORT, 1000, 5, 300);
	struct tcp_conn_info ci = h_info(h, c);
	assert_true(h_of(h, c)->established);
	assert_int_equal(ci.mss, 1000);
	assert_int_equal(ci.snd_wscale, 5);
	assert_int_equal(ci.rcv_wscale, h->p.wscale);
	assert_int_equal(ci.snd_wnd, 300u << 5); /* scaled from the first non-SYN segment */
	assert_int_equal(ci.snd_una, h_of(h, c)->iss + 1);
	assert_int_equal(tcp_stack_half_open(h->s), 0);
	assert_int_equal(st(h)->conn_accepted, 1);
	assert_int_equal(st(h)->conn_established, 1);
	assert_int_equal(tcp_conn_remote_port(c), SPORT);
	assert_int_equal(tcp_conn_local_port(c), H_LISTEN_PORT);
	h_teardown(h);
}

static void data_flows_both_ways_on_a_passive_connection(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	struct tcp_conn *c = h_accept(h, SPORT);
	struct h_conn *hc = h_of(h, c);
	h_peer_data(h, c, 0, 1460, 0);
	h_peer_data(h, c, 1460, 1000, TCP_F_PSH);
	assert_int_equal(hc->rx_len, 2460);
	for (uint32_t i = 0; i < hc->rx_len; i++)
		assert_int_equal(hc->rx[i], h_peer_byte(i));
	h_clear_tx(h);
	assert_int_equal(tcp_send(h->s, c, 5000, h->now), 0);
	assert_int_equal(h_data_bytes(h), 5000);
	assert_int_equal(h->tx[0].seq, hc->iss + 1);
	assert_int_equal(h->tx[0].stream_off, 0);
	assert_int_equal(h->tx[0].ack, hc->peer_iss + 1 + 2460);
	h_peer_ack(h, c, 5000, 65535);
	assert_int_equal(hc->acked, 5000);
	h_teardown(h);
}

static void data_on_the_handshake_ack_is_delivered(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	const struct tcp_seg_out *o = h_syn(h, SPORT, 1460, 7);
	struct tcp_conn *c = o->conn;
	uint32_t iss = o->seq;
	static const uint8_t req[] = "GET / HTTP/1.1\r\n\r\n";
	struct tcp_seg seg = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = SPORT, .dport = H_LISTEN_PORT,
		.seq = h_peer_iss_for(SPORT) + 1, .ack = iss + 1, .flags = TCP_F_ACK | TCP_F_PSH,
		.wnd = 512, .wscale = -1, .payload = req, .len = sizeof(req) - 1,
	};
	h_in(h, &seg);
	assert_ptr_equal(h->accepted, c);
	assert_int_equal(h_of(h, c)->rx_len, sizeof(req) - 1);
	assert_memory_equal(h_of(h, c)->rx, req, sizeof(req) - 1);
	h_teardown(h);
}

static void peer_fin_then_our_close_ends_in_last_ack_without_time_wait(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	struct tcp_conn *c = h_accept(h, SPORT);
	h_peer_fin(h, c);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSE_WAIT);
	assert_true(h_of(h, c)->peer_fin);
	assert_int_equal(tcp_send(h->s, c, 100, h->now), 0);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	assert_true(h_last(h)->flags & TCP_F_FIN);
	assert_int_equal(tcp_conn_state(c), TCP_LAST_ACK);
	h_peer_ack_seq(h, c, h_seq_of(h, c, 100) + 1, 65535);
	assert_int_equal(h_of(h, c)->closed, 1);
	assert_int_equal(h_of(h, c)->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_stack_active(h->s), 0);
	h_teardown(h);
}

static void our_close_first_ends_in_time_wait(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	struct tcp_conn *c = h_accept(h, SPORT);
	assert_int_equal(tcp_close(h->s, c, h->now), 0);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_1);
	h_peer_ack_seq(h, c, h_seq_of(h, c, 0) + 1, 65535);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_2);
	h_peer_fin(h, c);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	assert_int_equal(h_of(h, c)->closed, 1);
	assert_int_equal(tcp_stack_active(h->s), 1);
	h_advance(h, 2ull * h->p.msl_us + 2 * h->p.tick_us);
	assert_int_equal(tcp_stack_active(h->s), 0);
	h_teardown(h);
}

static void a_new_syn_ends_a_time_wait_of_the_same_four_tuple(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	struct tcp_conn *c = h_accept(h, SPORT);
	tcp_close(h->s, c, h->now);
	h_peer_ack_seq(h, c, h_seq_of(h, c, 0) + 1, 65535);
	h_peer_fin(h, c);
	uint32_t old_nxt = h_info(h, c).rcv_nxt;
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	struct tcp_seg syn = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = SPORT, .dport = H_LISTEN_PORT,
		.seq = old_nxt + 100000, .flags = TCP_F_SYN, .wnd = 65535, .mss = 1460, .wscale = 7,
	};
	h_in(h, &syn);
	assert_int_equal(h_last(h)->flags, TCP_F_SYN | TCP_F_ACK);
	assert_int_equal(h_last(h)->ack, old_nxt + 100001);
	assert_int_equal(st(h)->syn_tw_reuse, 1);
	assert_int_equal(tcp_stack_active(h->s), 1); /* the old one is gone, the new one half-open */
	assert_int_equal(tcp_stack_half_open(h->s), 1);
	/* an old SYN (below rcv_nxt) does not */
	h_teardown(h);
}

static void rst_in_syn_rcvd_forgets_the_half_open_connection(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	h_syn(h, SPORT, 1460, 7);
	struct tcp_seg rst = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = SPORT, .dport = H_LISTEN_PORT,
		.seq = h_peer_iss_for(SPORT) + 1, .flags = TCP_F_RST, .wscale = -1,
	};
	h_in(h, &rst);
	assert_int_equal(tcp_stack_half_open(h->s), 0);
	assert_int_equal(tcp_stack_active(h->s), 0);
	assert_int_equal(st(h)->half_open_reset, 1);
	assert_int_equal(st(h)->conn_closed, 0); /* the application never saw it */
	/* a RST outside the window is ignored */
	h_syn(h, SPORT, 1460, 7);
	rst.seq += 1u << 30;
	h_in(h, &rst);
	assert_int_equal(tcp_stack_half_open(h->s), 1);
	assert_int_equal(st(h)->drop_bad_rst, 1);
	h_teardown(h);
}

static void peer_rst_resets_an_established_passive_connection(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	struct tcp_conn *c = h_accept(h, SPORT);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg rst = h_seg(h, c, TCP_F_RST, hc->peer_nxt, 0, 0);
	h_in(h, &rst);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_RESET);
	assert_int_equal(tcp_stack_active(h->s), 0);
	/* and the remote-address table forgot it: a late ACK gets a RST */
	h_clear_tx(h);
	struct tcp_seg late = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = SPORT, .dport = H_LISTEN_PORT,
		.seq = hc->peer_nxt, .ack = hc->iss + 1, .flags = TCP_F_ACK, .wscale = -1,
	};
	h_in(h, &late);
	assert_int_equal(h->ntx, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_RST);
	assert_int_equal(h_last(h)->seq, hc->iss + 1);
	h_teardown(h);
}

static void synack_is_retransmitted_with_backoff_then_dropped(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	const struct tcp_seg_out *o = h_syn(h, SPORT, 1460, 7);
	uint32_t iss = o->seq;
	h_clear_tx(h);
	for (int i = 0; i < 200 && tcp_stack_active(h->s); i++)
		h_advance(h, 1000000);
	assert_int_equal(h->ntx, h->p.synack_retries);
	uint64_t expect_gap = 2ull * h->p.rto_init_us; /* RFC 6298 5.5: double each time */
	for (unsigned i = 0; i < h->ntx; i++) {
		assert_int_equal(h->tx[i].flags, TCP_F_SYN | TCP_F_ACK);
		assert_int_equal(h->tx[i].seq, iss);
		assert_int_equal(h->tx[i].mss, h->p.mss);
		if (i > 0) {
			uint64_t gap = h->tx_at[i] - h->tx_at[i - 1];
			uint64_t want = expect_gap > h->p.rto_max_us ? h->p.rto_max_us : expect_gap;
			assert_true(gap >= want && gap < want + 1000000 + h->p.tick_us);
			expect_gap *= 2;
		}
	}
	assert_int_equal(st(h)->retrans_synack, h->p.synack_retries);
	assert_int_equal(st(h)->synack_timeout, 1);
	assert_int_equal(tcp_stack_half_open(h->s), 0);
	assert_int_equal(st(h)->conn_closed, 0);
	h_teardown(h);
}

static void a_lost_synack_is_sent_again_for_a_duplicate_syn(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	uint32_t iss = h_syn(h, SPORT, 1460, 7)->seq;
	const struct tcp_seg_out *o = h_syn(h, SPORT, 1460, 7);
	assert_non_null(o);
	assert_int_equal(o->flags, TCP_F_SYN | TCP_F_ACK);
	assert_int_equal(o->seq, iss);
	assert_int_equal(tcp_stack_half_open(h->s), 1);
	assert_int_equal(tcp_stack_active(h->s), 1);
	h_teardown(h);
}

static void bound_8(struct tcp_params *p)
{
	p->max_half_open = 8;
}

static void syn_flood_is_bounded_by_max_half_open(void **state)
{
	struct harness *h = server(bound_8);
	(void)state;
	for (uint16_t i = 0; i < 20; i++)
		h_syn(h, (uint16_t)(SPORT + i), 1460, 7);
	assert_int_equal(h_count(h, 0xff, TCP_F_SYN | TCP_F_ACK), 8);
	assert_int_equal(tcp_stack_half_open(h->s), 8);
	assert_int_equal(st(h)->syn_drop_backlog, 12);
	/* completing a handshake makes room for one more */
	struct tcp_seg ack = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = SPORT, .dport = H_LISTEN_PORT,
		.seq = h_peer_iss_for(SPORT) + 1, .ack = h->tx[0].seq + 1, .flags = TCP_F_ACK,
		.wnd = 65535, .wscale = -1,
	};
	h_in(h, &ack);
	assert_non_null(h->accepted);
	assert_int_equal(tcp_stack_half_open(h->s), 7);
	assert_non_null(h_syn(h, SPORT + 100, 1460, 7));
	assert_int_equal(tcp_stack_half_open(h->s), 8);
	h_teardown(h);
}

static void a_full_table_drops_syns_and_counts_them(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	for (uint16_t i = 0; i < H_MAX_CONNS; i++)
		h_accept(h, (uint16_t)(SPORT + i));
	assert_null(h_syn(h, SPORT + H_MAX_CONNS, 1460, 7));
	assert_int_equal(st(h)->syn_drop_full, 1);
	assert_int_equal(tcp_stack_active(h->s), H_MAX_CONNS);
	h_teardown(h);
}

static void segments_to_no_connection_get_a_reset(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	struct tcp_seg ack = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = SPORT, .dport = H_LISTEN_PORT,
		.seq = 5, .ack = 777, .flags = TCP_F_ACK, .wscale = -1,
	};
	h_in(h, &ack);
	assert_int_equal(h_last(h)->flags, TCP_F_RST);
	assert_int_equal(h_last(h)->seq, 777);
	struct tcp_seg syn = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = SPORT, .dport = 81,
		.seq = 1000, .flags = TCP_F_SYN, .wscale = -1,
	};
	h_in(h, &syn); /* a closed port */
	assert_int_equal(h_last(h)->flags, TCP_F_RST | TCP_F_ACK);
	assert_int_equal(h_last(h)->ack, 1001);
	unsigned n = h->ntx;
	ack.flags = TCP_F_RST;
	h_in(h, &ack); /* never answer a RST */
	assert_int_equal(h->ntx, n);
	assert_int_equal(tcp_stack_active(h->s), 0);
	h_teardown(h);
}

static void a_bad_ack_in_syn_rcvd_gets_a_reset_and_keeps_the_connection(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	const struct tcp_seg_out *o = h_syn(h, SPORT, 1460, 7);
	struct tcp_conn *c = o->conn;
	struct tcp_seg ack = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = SPORT, .dport = H_LISTEN_PORT,
		.seq = h_peer_iss_for(SPORT) + 1, .ack = o->seq + 5, .flags = TCP_F_ACK,
		.wscale = -1,
	};
	h_in(h, &ack);
	assert_int_equal(h_last(h)->flags, TCP_F_RST);
	assert_int_equal(h_last(h)->seq, ack.ack);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_RCVD);
	assert_int_equal(st(h)->drop_bad_ack, 1);
	h_teardown(h);
}

static void eight_conns(struct tcp_params *p)
{
	p->port_min = 0;
	p->port_max = 0;
	p->max_conns = 8; /* 16 slots: collisions and wrap-around are frequent */
}

/* Connections closed and reopened in a scrambled order, each checked after
 * every step: the remote-address table (with its backward-shift deletion)
 * must keep finding every one. */
static void every_passive_connection_is_found_through_churn(void **state)
{
	struct harness *h = server(eight_conns);
	struct tcp_conn *conns[8];
	uint16_t ports[8];
	uint64_t rng = 88172645463325252ull;
	(void)state;
	for (uint16_t i = 0; i < 8; i++) {
		ports[i] = (uint16_t)(SPORT + i);
		conns[i] = h_accept(h, ports[i]);
	}
	for (int round = 0; round < 3000; round++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		unsigned i = (unsigned)(rng % 8);
		h_clear_tx(h);
		tcp_abort(h->s, conns[i], h->now);
		ports[i] = (uint16_t)(SPORT + 8 + (rng >> 16) % 20000);
		for (unsigned j = 0; j < 8; j++)
			if (j != i && ports[j] == ports[i])
				ports[i]++;
		conns[i] = h_accept(h, ports[i]);
		for (unsigned j = 0; j < 8; j++) {
			struct h_conn *hc = h_of(h, conns[j]);
			uint32_t had = hc->rx_len;
			if (had >= 4000)
				continue;
			h_peer_data(h, conns[j], had, 1, 0);
			assert_int_equal(hc->rx_len, had + 1);
			assert_int_equal(tcp_conn_remote_port(conns[j]), ports[j]);
		}
	}
	h_teardown(h);
}

static void client_and_server_connections_share_one_stack(void **state)
{
	struct harness *h = server(NULL);
	(void)state;
	struct tcp_conn *cl = h_establish(h);
	struct tcp_conn *sv = h_accept(h, H_PEER_PORT); /* same remote port as the client's peer */
	h_peer_data(h, cl, 0, 10, 0);
	h_peer_data(h, sv, 0, 20, 0);
	assert_int_equal(h_of(h, cl)->rx_len, 10);
	assert_int_equal(h_of(h, sv)->rx_len, 20);
	assert_false(tcp_conn_passive(cl));
	assert_true(tcp_conn_passive(sv));
	h_teardown(h);
}

static void listening_costs_8_bytes_per_entry_and_stays_within_128(void **state)
{
	struct harness *h = h_new(NULL);
	(void)state;
	size_t before = tcp_stack_mem_per_conn(h->s);
	h_listen(h);
	assert_int_equal(tcp_stack_mem_per_conn(h->s), before + 8);
	assert_true(tcp_stack_mem_per_conn(h->s) <= 128);
	h_teardown(h);
}

static void listen_checks_its_port(void **state)
{
	struct harness *h = h_new(NULL);
	(void)state;
	assert_int_equal(tcp_listen(h->s, 0), -EINVAL);
	assert_int_equal(tcp_listen(h->s, (uint16_t)h->p.port_min), -EINVAL); /* a client port */
	assert_int_equal(tcp_listen(h->s, 80), 0);
	assert_int_equal(tcp_listen(h->s, 80), 0);
	assert_int_equal(tcp_listen(h->s, 81), -EBUSY);
	h_teardown(h);
}

static void server_only(struct tcp_params *p)
{
	p->port_min = 0;
	p->port_max = 0;
	p->max_conns = 10;
}

static void a_server_only_stack_sizes_by_max_conns_and_refuses_connect(void **state)
{
	struct harness *h = server(server_only);
	struct tcp_conn *c = NULL;
	(void)state;
	assert_int_equal(tcp_stack_capacity(h->s), 10);
	assert_int_equal(tcp_connect(h->s, H_PEER, 80, h->now, &c), -EOPNOTSUPP);
	for (uint16_t i = 0; i < 10; i++)
		h_accept(h, (uint16_t)(SPORT + i));
	assert_null(h_syn(h, SPORT + 10, 1460, 7));
	h_teardown(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syn_gets_a_synack_with_our_mss_and_window_scale),
		cmocka_unit_test(synack_carries_no_window_scale_when_the_syn_had_none),
		cmocka_unit_test(ack_of_the_synack_establishes_and_hands_the_connection_over),
		cmocka_unit_test(data_flows_both_ways_on_a_passive_connection),
		cmocka_unit_test(data_on_the_handshake_ack_is_delivered),
		cmocka_unit_test(peer_fin_then_our_close_ends_in_last_ack_without_time_wait),
		cmocka_unit_test(our_close_first_ends_in_time_wait),
		cmocka_unit_test(a_new_syn_ends_a_time_wait_of_the_same_four_tuple),
		cmocka_unit_test(rst_in_syn_rcvd_forgets_the_half_open_connection),
		cmocka_unit_test(peer_rst_resets_an_established_passive_connection),
		cmocka_unit_test(synack_is_retransmitted_with_backoff_then_dropped),
		cmocka_unit_test(a_lost_synack_is_sent_again_for_a_duplicate_syn),
		cmocka_unit_test(syn_flood_is_bounded_by_max_half_open),
		cmocka_unit_test(a_full_table_drops_syns_and_counts_them),
		cmocka_unit_test(segments_to_no_connection_get_a_reset),
		cmocka_unit_test(a_bad_ack_in_syn_rcvd_gets_a_reset_and_keeps_the_connection),
		cmocka_unit_test(every_passive_connection_is_found_through_churn),
		cmocka_unit_test(client_and_server_connections_share_one_stack),
		cmocka_unit_test(listening_costs_8_bytes_per_entry_and_stays_within_128),
		cmocka_unit_test(listen_checks_its_port),
		cmocka_unit_test(a_server_only_stack_sizes_by_max_conns_and_refuses_connect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
