/* SPDX-License-Identifier: BSD-3-Clause */
/* Connection setup, port allocation and segments for unknown connections. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "tcp-test-harness.h"

static void syn_carries_mss_and_window_scale(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	const struct tcp_seg_out *syn = h_last(h);
	assert_int_equal(syn->flags, TCP_F_SYN);
	assert_int_equal(syn->mss, h->p.mss);
	assert_int_equal(syn->wscale, h->p.wscale);
	assert_int_equal(syn->wnd, 65535); /* 1 MiB does not fit unscaled */
	assert_int_equal(syn->sport, tcp_conn_local_port(c));
	assert_int_equal(syn->dport, H_PEER_PORT);
	assert_int_equal(syn->daddr, H_PEER);
	assert_int_equal(syn->saddr, H_LOCAL);
	assert_ptr_equal(syn->conn, c);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	assert_int_equal(tcp_stack_active(h->s), 1);
}

static void handshake_negotiates_mss_and_window_scale(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish_opts(h, 1200, 5, 1000);
	struct h_conn *hc = h_of(h, c);
	struct tcp_conn_info ci = h_info(h, c);
	assert_true(hc->established);
	assert_int_equal(ci.mss, 1200);
	assert_int_equal(ci.snd_wscale, 5);
	assert_int_equal(ci.rcv_wscale, h->p.wscale);
	assert_int_equal(ci.snd_wnd, 1000); /* the SYN-ACK window is not scaled */
	const struct tcp_seg_out *ack = h_last(h);
	assert_int_equal(ack->flags, TCP_F_ACK);
	assert_int_equal(ack->seq, hc->iss + 1);
	assert_int_equal(ack->ack, hc->peer_iss + 1);
	assert_int_equal(ack->wnd, h->p.rcv_wnd >> h->p.wscale);
	assert_int_equal(tcp_stack_stats(h->s)->conn_established, 1);
}

static void handshake_without_options_uses_536_and_no_scaling(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish_opts(h, 0, -1, 8192);
	struct tcp_conn_info ci = h_info(h, c);
	assert_int_equal(ci.mss, 536);
	assert_int_equal(ci.snd_wscale, 0);
	assert_int_equal(ci.rcv_wscale, 0);
	assert_int_equal(h_last(h)->wnd, 65535);
	/* the peer's later windows are taken unscaled */
	h_peer_ack(h, c, 0, 3000);
	assert_int_equal(h_info(h, c).snd_wnd, 3000);
}

static void peer_mss_larger_than_ours_is_capped(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish_opts(h, 9000, 7, 65535);
	assert_int_equal(h_info(h, c).mss, h->p.mss);
}

static void handshake_rtt_gives_rto_per_rfc6298(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	h->now += 100000; /* 100 ms */
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	seg.mss = 1460;
	seg.wscale = 7;
	h_in(h, &seg);
	struct tcp_conn_info ci = h_info(h, c);
	/* first sample R: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 * RTTVAR */
	assert_int_equal(ci.srtt_us, 100000);
	assert_int_equal(ci.rttvar_us, 50000);
	assert_int_equal(ci.rto_us, 100000 + 4 * 50000);
}

static void syn_ack_with_a_wrong_ack_is_answered_with_rst(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 5, 0);
	h_in(h, &seg);
	const struct tcp_seg_out *rst = h_last(h);
	assert_int_equal(rst->flags, TCP_F_RST);
	assert_int_equal(rst->seq, hc->iss + 5);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	assert_int_equal(tcp_stack_stats(h->s)->drop_bad_ack, 1);
}

static void rst_answering_our_syn_is_refused(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg bare = h_seg(h, c, TCP_F_RST, 0, 0, 0);
	h_in(h, &bare); /* without an acceptable ACK: ignored */
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	assert_int_equal(tcp_stack_stats(h->s)->drop_bad_rst, 1);
	unsigned ntx = h->ntx;
	struct tcp_seg rst = h_seg(h, c, TCP_F_RST | TCP_F_ACK, 0, hc->iss + 1, 0);
	h_in(h, &rst);
	assert_int_equal(hc->closed, 1);
	assert_int_equal(hc->why, TCP_CLOSE_REFUSED);
	assert_int_equal(h->ntx, ntx); /* never answer a RST */
	assert_int_equal(tcp_stack_stats(h->s)->conn_refused, 1);
	assert_int_equal(tcp_stack_active(h->s), 0);
}

static void syn_retries_back_off_then_give_up(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	for (int i = 0; i < 200 && hc->closed == 0; i++)
		h_advance(h, 500000);
	assert_int_equal(hc->why, TCP_CLOSE_SYN_TIMEOUT);
	assert_int_equal(h_count(h, 0xff, TCP_F_SYN), 1 + h->p.syn_retries);
	assert_int_equal(tcp_stack_stats(h->s)->retrans_syn, h->p.syn_retries);
	assert_int_equal(tcp_stack_stats(h->s)->conn_syn_timeout, 1);
	/* each wait doubles the previous one, starting at rto_init */
	uint64_t wait = h->p.rto_init_us;
	for (unsigned i = 1; i < h->ntx; i++) {
		assert_int_equal(h->tx[i].seq, hc->iss);
		assert_int_equal(h->tx_at[i] - h->tx_at[i - 1], wait);
		wait *= 2;
	}
	assert_int_equal(h->now - h->tx_at[h->ntx - 1], wait);
}

static void retransmitted_syn_gives_no_rtt_sample(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	h_advance(h, h->p.rto_init_us);
	assert_int_equal(h_count(h, 0xff, TCP_F_SYN), 2);
	h->now += 5000;
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	h_in(h, &seg);
	struct tcp_conn_info ci = h_info(h, c);
	assert_int_equal(ci.state, TCP_ESTABLISHED);
	assert_int_equal(ci.srtt_us, 0);
	assert_int_equal(ci.rto_us, 3000000); /* RFC 6298 5.7 */
	assert_int_equal(tcp_stack_stats(h->s)->rtt_samples, 0);
}

/* ticks of a clock far from zero are past 2^31: timers must still fire */
static void timers_work_whatever_the_clock_origin(void **state)
{
	struct harness *h = *state;
	h->now = 3000000000000ull; /* 35 days: 3e9 ticks of 1 ms */
	h_connect(h);
	h_advance(h, h->p.rto_init_us - h->p.tick_us);
	assert_int_equal(h->ntx, 1);
	h_advance(h, h->p.tick_us);
	assert_int_equal(h->ntx, 2);
	assert_int_equal(h_last(h)->flags, TCP_F_SYN);
}

static void segment_for_unknown_connection_gets_rst(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg = {
		.saddr = H_PEER, .daddr = H_LOCAL, .sport = 80, .dport = 10005,
		.seq = 1000, .ack = 5000, .flags = TCP_F_ACK, .wscale = -1, .len = 10,
	};
	h_in(h, &seg);
	const struct tcp_seg_out *rst = h_last(h);
	assert_null(rst->conn);
	assert_int_equal(rst->flags, TCP_F_RST);
	assert_int_equal(rst->seq, 5000);
	assert_int_equal(rst->sport, 10005);
	assert_int_equal(rst->dport, 80);
	assert_int_equal(rst->saddr, H_LOCAL);
	assert_int_equal(rst->daddr, H_PEER);
	seg.flags = TCP_F_SYN;
	seg.len = 0;
	h_in(h, &seg);
	rst = h_last(h);
	assert_int_equal(rst->flags, TCP_F_RST | TCP_F_ACK);
	assert_int_equal(rst->seq, 0);
	assert_int_equal(rst->ack, 1001);
	seg.flags = TCP_F_RST | TCP_F_ACK;
	h_in(h, &seg);
	assert_int_equal(h->ntx, 2); /* never RST a RST */
	assert_int_equal(tcp_stack_stats(h->s)->drop_no_conn, 3);
	assert_int_equal(tcp_stack_stats(h->s)->rst_tx, 2);
}

static void segment_with_wrong_peer_is_not_matched(void **state)
{
	struct harness *h = *state;
	struct tcp_conn *c = h_establish(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_ACK, hc->peer_nxt, hc->iss + 1, 0);
	seg.sport = 81;
	h_in(h, &seg);
	assert_int_equal(tcp_stack_stats(h->s)->drop_no_conn, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_RST);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
}

static void four_ports(struct tcp_params *p)
{
	p->port_min = 20000;
	p->port_max = 20007;
	p->port_step = 2;
	p->port_offset = 1;
}

static void port_allocation_exhausts_then_recycles_after_close(void **state)
{
	(void)state;
	struct harness *h = h_new(four_ports);
	assert_int_equal(tcp_stack_capacity(h->s), 4);
	struct tcp_conn *cs[4];
	bool seen[4] = {false};
	for (int i = 0; i < 4; i++) {
		cs[i] = h_connect(h);
		uint16_t port = tcp_conn_local_port(cs[i]);
		assert_true(port >= 20001 && port <= 20007 && (port - 20001) % 2 == 0);
		uint32_t id = tcp_conn_id(cs[i]);
		assert_int_equal(port, 20001 + 2 * id);
		assert_false(seen[id]);
		seen[id] = true;
		assert_ptr_equal(tcp_conn_by_id(h->s, id), cs[i]);
	}
	struct tcp_conn *extra = NULL;
	assert_int_equal(tcp_connect(h->s, H_PEER, 80, h->now, &extra), -EADDRINUSE);
	uint32_t freed = tcp_conn_id(cs[2]);
	tcp_abort(h->s, cs[2], h->now);
	assert_null(tcp_conn_by_id(h->s, freed));
	struct tcp_conn *again = h_connect(h);
	assert_int_equal(tcp_conn_id(again), freed);
	/* a stepped port still finds its connection */
	struct h_conn *hc = h_of(h, again);
	struct tcp_seg seg = h_seg(h, again, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	h_in(h, &seg);
	assert_int_equal(tcp_conn_state(again), TCP_ESTABLISHED);
	h_teardown(h);
}

static void freed_ports_are_reused_oldest_first(void **state)
{
	(void)state;
	struct harness *h = h_new(four_ports);
	struct tcp_conn *a = h_connect(h), *b = h_connect(h);
	uint32_t ida = tcp_conn_id(a), idb = tcp_conn_id(b);
	tcp_abort(h->s, b, h->now);
	tcp_abort(h->s, a, h->now);
	/* the two never used come first, then b (freed first), then a */
	uint32_t order[4];
	for (int i = 0; i < 4; i++)
		order[i] = tcp_conn_id(h_connect(h));
	assert_int_equal(order[2], idb);
	assert_int_equal(order[3], ida);
	h_teardown(h);
}

static void three_addresses_two_ports(struct tcp_params *p)
{
	p->n_local_addrs = 3;
	p->port_min = 30000;
	p->port_max = 30001;
}

/* dperf's address x port index: six (address, port) pairs, each found again
 * by an incoming segment, the same port on every address. */
static void every_local_address_gets_every_port(void **state)
{
	(void)state;
	struct harness *h = h_new(three_addresses_two_ports);
	assert_int_equal(tcp_stack_capacity(h->s), 6);
	bool seen[3][2] = {{false}};
	for (int i = 0; i < 6; i++) {
		struct tcp_conn *c = h_connect(h);
		uint32_t addr = tcp_conn_local_addr(h->s, c);
		uint16_t port = tcp_conn_local_port(c);
		assert_int_equal(h_last(h)->saddr, addr);
		assert_true(addr >= H_LOCAL && addr < H_LOCAL + 3);
		assert_true(port == 30000 || port == 30001);
		/* consecutive connections spread over the addresses first */
		assert_int_equal(addr, H_LOCAL + (uint32_t)i % 3);
		assert_false(seen[addr - H_LOCAL][port - 30000]);
		seen[addr - H_LOCAL][port - 30000] = true;
		struct h_conn *hc = h_of(h, c);
		struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
		h_in(h, &seg);
		assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
		assert_int_equal(h_last(h)->saddr, addr);
	}
	struct tcp_conn *extra = NULL;
	assert_int_equal(tcp_connect(h->s, H_PEER, 80, h->now, &extra), -EADDRINUSE);
	h_teardown(h);
}

static void segment_for_an_address_beyond_the_range_gets_rst(void **state)
{
	(void)state;
	struct harness *h = h_new(three_addresses_two_ports);
	struct tcp_conn *c = h_connect(h);
	struct h_conn *hc = h_of(h, c);
	struct tcp_seg seg = h_seg(h, c, TCP_F_SYN | TCP_F_ACK, hc->peer_iss, hc->iss + 1, 0);
	seg.daddr = H_LOCAL + 3;
	h_in(h, &seg);
	assert_int_equal(tcp_stack_stats(h->s)->drop_no_conn, 1);
	assert_int_equal(h_last(h)->flags, TCP_F_RST);
	assert_int_equal(h_last(h)->saddr, H_LOCAL + 3);
	seg.daddr = H_LOCAL - 1;
	h_in(h, &seg);
	assert_int_equal(tcp_stack_stats(h->s)->drop_no_conn, 2);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	h_teardown(h);
}

static void memory_per_connection_is_at_most_128_bytes(void **state)
{
	struct harness *h = *state;
	size_t m = tcp_stack_mem_per_conn(h->s);
	print_message("tcp: %zu bytes per connection\n", m);
	assert_true(m <= 128);
	assert_true(m > 0);
}

static void key_one(struct tcp_params *p)
{
	p->isn_key[0] = 1;
}

static uint32_t first_iss(void (*tune)(struct tcp_params *), uint64_t later_us)
{
	struct harness *h = h_new(tune);
	h_advance(h, later_us);
	uint32_t iss = h_of(h, h_connect(h))->iss;
	h_teardown(h);
	return iss;
}

/* RFC 6528: the same key, tuple and clock give the same ISN; another key
 * another one; the clock moves it by one every 4 us. */
static void iss_is_keyed_hash_of_tuple_plus_clock(void **state)
{
	(void)state;
	uint32_t a = first_iss(NULL, 0), b = first_iss(NULL, 0), k = first_iss(key_one, 0);
	assert_int_equal(a, b);
	assert_int_not_equal(a, k);
	assert_int_equal(first_iss(NULL, 4000), a + 1000);
	/* another port (the second connection) is not the next number */
	struct harness *h = h_new(NULL);
	uint32_t i1 = h_of(h, h_connect(h))->iss, i2 = h_of(h, h_connect(h))->iss;
	assert_true(i2 - i1 > 1000000 && i1 - i2 > 1000000);
	h_teardown(h);
}

/* Two runs draw different keys and first slots; the timestamp clock is the
 * host's time since boot, whatever the caller's clock. */
static void each_run_draws_its_own_key_slot_and_boot_clock(void **state)
{
	(void)state;
	struct tcp_params a, b;
	tcp_params_default(&a);
	tcp_params_default(&b);
	assert_int_equal(tcp_params_randomize(&a), 0);
	assert_int_equal(tcp_params_randomize(&b), 0);
	assert_memory_not_equal(a.isn_key, b.isn_key, sizeof(a.isn_key));
	struct timespec ts;
	assert_int_equal(clock_gettime(CLOCK_BOOTTIME, &ts), 0);
	uint64_t boot_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	uint64_t now_us = 123456789012ull; /* any origin */
	assert_int_equal(tcp_params_host_clock(&a, now_us), 0);
	uint32_t tsval = (uint32_t)(now_us / 1000) + a.ts_offset_ms;
	assert_true(tsval - (uint32_t)boot_ms < 1000); /* within a second of boot time */
}

static void slot_five(struct tcp_params *p)
{
	four_ports(p);
	p->first_slot = 5; /* mod 4: the second slot */
}

/* A random first slot per run: the first port is not port_min, and the
 * ports still rotate over the whole range. */
static void first_slot_rotates_the_port_range(void **state)
{
	(void)state;
	struct harness *h = h_new(slot_five);
	uint16_t want[4] = {20003, 20005, 20007, 20001};
	for (int i = 0; i < 4; i++)
		assert_int_equal(tcp_conn_local_port(h_connect(h)), want[i]);
	h_teardown(h);
}

static void bad_params_are_refused(void **state)
{
	struct harness *h = *state;
	struct tcp_params p = h->p;
	struct tcp_ops ops = {.tx = NULL};
	assert_null(tcp_stack_create(&p, &ops, NULL));
	assert_int_equal(errno, EINVAL);
	ops.tx = (int (*)(void *, const struct tcp_seg_out *))1;
	p.port_min = 2000;
	p.port_max = 1000;
	assert_null(tcp_stack_create(&p, &ops, NULL));
	p = h->p;
	p.mss = 10;
	assert_null(tcp_stack_create(&p, &ops, NULL));
	p = h->p;
	p.tick_us = 0;
	assert_null(tcp_stack_create(&p, &ops, NULL));
	p = h->p;
	p.msl_us = 3000000000u; /* 2 MSL would not fit the timer */
	assert_null(tcp_stack_create(&p, &ops, NULL));
	p = h->p;
	p.wscale = 15;
	assert_null(tcp_stack_create(&p, &ops, NULL));
	p = h->p;
	p.max_conns = 0;
	assert_null(tcp_stack_create(&p, &ops, NULL));
	p = h->p;
	p.local_addr = 0xfffffffeu;
	p.n_local_addrs = 3; /* would run past 255.255.255.255 */
	assert_null(tcp_stack_create(&p, &ops, NULL));
}

static void names_cover_every_state_and_reason(void **state)
{
	(void)state;
	for (int i = 0; i < TCP_STATE_COUNT; i++)
		assert_string_not_equal(tcp_state_name(i), "?");
	for (int i = 0; i < TCP_CLOSE_REASON_COUNT; i++)
		assert_string_not_equal(tcp_close_reason_name(i), "?");
	assert_string_equal(tcp_state_name(TCP_STATE_COUNT), "?");
	assert_string_equal(tcp_state_name(TCP_FIN_WAIT_2), "FIN_WAIT_2");
	assert_string_equal(tcp_close_reason_name(TCP_CLOSE_REFUSED), "refused");
}

#define T(f) cmocka_unit_test_setup_teardown(f, h_setup, h_teardown_fixture)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(syn_carries_mss_and_window_scale),
		T(handshake_negotiates_mss_and_window_scale),
		T(handshake_without_options_uses_536_and_no_scaling),
		T(peer_mss_larger_than_ours_is_capped),
		T(handshake_rtt_gives_rto_per_rfc6298),
		T(syn_ack_with_a_wrong_ack_is_answered_with_rst),
		T(rst_answering_our_syn_is_refused),
		T(syn_retries_back_off_then_give_up),
		T(retransmitted_syn_gives_no_rtt_sample),
		T(timers_work_whatever_the_clock_origin),
		T(segment_for_unknown_connection_gets_rst),
		T(segment_with_wrong_peer_is_not_matched),
		cmocka_unit_test(port_allocation_exhausts_then_recycles_after_close),
		cmocka_unit_test(freed_ports_are_reused_oldest_first),
		cmocka_unit_test(every_local_address_gets_every_port),
		cmocka_unit_test(segment_for_an_address_beyond_the_range_gets_rst),
		T(memory_per_connection_is_at_most_128_bytes),
		cmocka_unit_test(iss_is_keyed_hash_of_tuple_plus_clock),
		cmocka_unit_test(first_slot_rotates_the_port_range),
		cmocka_unit_test(each_run_draws_its_own_key_slot_and_boot_clock),
		T(bad_params_are_refused),
		T(names_cover_every_state_and_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
