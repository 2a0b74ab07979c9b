/* SPDX-License-Identifier: BSD-3-Clause */
/* The closed-loop client against a scripted peer: every request ends once,
 * as a response or as a counted error, whatever the peer does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "hist.h"

#define LOCAL 0xC6120002u
#define SERVER 0xC6120001u
#define PEER_ISS 5000u
#define MAX_TX 4096

struct peer {
	struct client *cl;
	struct http_template *tpl;
	struct client_template ct;
	struct client_phase ph;
	uint64_t now;
	struct tcp_seg_out tx[MAX_TX];
	unsigned ntx;
	uint32_t peer_seq[64]; /* next seq the server sends, by conn id */
	uint32_t our_nxt[64];  /* next seq the client sends, by conn id */
};

static struct peer P;

static int capture(void *ctx, const struct tcp_seg_out *s)
{
	(void)ctx;
	if (P.ntx < MAX_TX)
		P.tx[P.ntx++] = *s;
	return 0;
}

static void make_client(uint32_t conns, uint32_t per_conn)
{
	struct tcp_params tp;
	struct http_template_spec spec = {.method = "GET", .path = "/x", .host = "h"};

	memset(&P, 0, sizeof(P));
	P.now = 1000000;
	P.tpl = http_template_create(&spec);
	tcp_params_default(&tp);
	tp.local_addr = LOCAL;
	tp.port_min = 10000;
	tp.port_max = 10063;
	tp.max_conns = 64;
	tp.delack_us = 0;
	P.ct.tpl = P.tpl;
	P.ct.status_classes = 1u << 2 | 1u << 3;
	struct client_conf cc = {.daddr = SERVER, .dport = 80, .tpls = &P.ct, .n_tpls = 1,
				 .max_pipeline = 4, .request_timeout_us = 2000000,
				 .rate_max_conns = 64};
	P.cl = client_create(&cc, &tp, capture, NULL);
	assert_non_null(P.cl);
	P.ph = (struct client_phase){.model = CLIENT_CLOSED, .from = conns, .to = conns,
				     .pipeline = 1, .requests_per_conn = per_conn};
}

static void start(void)
{
	client_set_phase(P.cl, &P.ph, NULL, NULL, P.now);
	client_poll(P.cl, P.now);
}

static int teardown(void **state)
{
	(void)state;
	client_abort_all(P.cl, P.now);
	assert_int_equal(client_open_conns(P.cl), 0);
	client_destroy(P.cl);
	http_template_free(P.tpl);
	return 0;
}

/* Last segment the client sent with all of `flags` for local port id. */
static const struct tcp_seg_out *last_tx(uint32_t id, uint8_t flags)
{
	for (unsigned i = P.ntx; i-- > 0;)
		if (P.tx[i].sport == 10000 + id && (P.tx[i].flags & flags) == flags)
			return &P.tx[i];
	return NULL;
}

static void server_sends(uint32_t id, uint8_t flags, const char *data)
{
	uint32_t len = data ? (uint32_t)strlen(data) : 0;
	struct tcp_seg seg = {.saddr = SERVER, .daddr = LOCAL, .sport = 80,
			      .dport = (uint16_t)(10000 + id), .seq = P.peer_seq[id],
			      .ack = P.our_nxt[id], .flags = flags, .wnd = 65535, .wscale = -1,
			      .payload = (const uint8_t *)data, .len = len};
	P.peer_seq[id] += len + ((flags & (TCP_F_SYN | TCP_F_FIN)) ? 1 : 0);
	client_input(P.cl, &seg, P.now);
}

/* The client's latest data segment on id, acknowledged by the next segment. */
static void note_request(uint32_t id)
{
	const struct tcp_seg_out *d = last_tx(id, TCP_F_ACK);
	assert_non_null(d);
	if (d->seq + d->len > P.our_nxt[id])
		P.our_nxt[id] = d->seq + d->len;
}

static void accept_conn(uint32_t id)
{
	const struct tcp_seg_out *syn = last_tx(id, TCP_F_SYN);
	assert_non_null(syn);
	P.peer_seq[id] = PEER_ISS;
	P.our_nxt[id] = syn->seq + 1;
	server_sends(id, TCP_F_SYN | TCP_F_ACK, NULL);
	note_request(id);
}

static const struct client_counters *cnt(void)
{
	return client_counters(P.cl);
}

static const char *ok_64 = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd";

static void each_response_triggers_the_next_request_on_the_connection(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	accept_conn(0);
	assert_int_equal(cnt()->requests, 1);
	const struct tcp_seg_out *req = last_tx(0, TCP_F_ACK);
	uint8_t buf[256];
	client_fill(P.cl, tcp_conn_by_id(client_tcp(P.cl), 0), req->stream_off, req->len, buf);
	assert_memory_equal(buf, "GET /x HTTP/1.1\r\n", 17);
	for (int i = 0; i < 5; i++) {
		P.now += 100;
		server_sends(0, TCP_F_ACK, ok_64);
		note_request(0);
	}
	assert_int_equal(cnt()->responses[CLIENT_2XX], 5);
	assert_int_equal(cnt()->requests, 6);
	assert_int_equal(cnt()->body_bytes, 20);
	assert_int_equal(client_outstanding(P.cl), 1);
	assert_int_equal(hist_count(client_latency(P.cl)), 5);
}

static void first_request_carries_the_handshake_ack(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	unsigned before = P.ntx;
	accept_conn(0);
	assert_int_equal(P.ntx, before + 1); /* no pure ACK before the request */
	const struct tcp_seg_out *req = &P.tx[P.ntx - 1];
	assert_true(req->flags & TCP_F_ACK);
	assert_int_equal(req->ack, PEER_ISS + 1);
	assert_true(req->len > 0);
	assert_int_equal(cnt()->requests, 1);
}

static void status_classes_are_counted_apart(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	accept_conn(0);
	const char *r[] = {"HTTP/1.1 301 M\r\nContent-Length: 0\r\n\r\n",
			   "HTTP/1.1 404 N\r\nContent-Length: 0\r\n\r\n",
			   "HTTP/1.1 503 S\r\nContent-Length: 0\r\n\r\n"};
	for (int i = 0; i < 3; i++) {
		server_sends(0, TCP_F_ACK, r[i]);
		note_request(0);
	}
	assert_int_equal(cnt()->responses[CLIENT_3XX], 1);
	assert_int_equal(cnt()->responses[CLIENT_4XX], 1);
	assert_int_equal(cnt()->responses[CLIENT_5XX], 1);
}

static void malformed_response_is_a_parse_error_and_the_connection_is_replaced(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	accept_conn(0);
	unsigned before = P.ntx;
	server_sends(0, TCP_F_ACK, "HTTP/9.9 abc\r\n\r\n");
	assert_int_equal(cnt()->err_parse, 1);
	assert_int_equal(client_outstanding(P.cl), 0);
	bool rst = false;
	for (unsigned i = before; i < P.ntx; i++)
		rst |= (P.tx[i].flags & TCP_F_RST) != 0;
	assert_true(rst);
	client_poll(P.cl, P.now);
	assert_int_equal(cnt()->conn_opened, 2); /* closed loop keeps one open */
}

static void server_closing_mid_request_is_a_reset_error(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	accept_conn(0);
	server_sends(0, TCP_F_ACK | TCP_F_FIN, "HTTP/1.1 200 OK\r\nContent-Le");
	assert_int_equal(cnt()->err_reset, 1);
	assert_int_equal(cnt()->requests, cnt()->err_reset);
}

static void body_delimited_by_close_completes_on_fin(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	accept_conn(0);
	server_sends(0, TCP_F_ACK, "HTTP/1.0 200 OK\r\n\r\nhello");
	server_sends(0, TCP_F_ACK | TCP_F_FIN, NULL);
	assert_int_equal(cnt()->responses[CLIENT_2XX], 1);
	assert_int_equal(cnt()->body_bytes, 5);
	assert_int_equal(cnt()->err_reset, 0);
}

static void unanswered_request_times_out_once(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	accept_conn(0);
	P.now += 2500000;
	client_poll(P.cl, P.now);
	client_poll(P.cl, P.now + 10);
	assert_int_equal(cnt()->err_timeout, 1);
	assert_int_equal(client_outstanding(P.cl), 0);
}

static void requests_per_connection_limit_closes_and_reopens(void **state)
{
	(void)state;
	make_client(1, 2);
	start();
	accept_conn(0);
	server_sends(0, TCP_F_ACK, ok_64);
	note_request(0);
	server_sends(0, TCP_F_ACK, ok_64);
	assert_int_equal(cnt()->requests, 2);
	assert_non_null(last_tx(0, TCP_F_FIN));
}

static void stop_then_close_all_accounts_for_every_request(void **state)
{
	(void)state;
	make_client(4, 0);
	start();
	for (uint32_t id = 0; id < 4; id++)
		accept_conn(id);
	client_stop(P.cl, P.now);
	server_sends(0, TCP_F_ACK, ok_64); /* answered after stop: no new request */
	client_close_all(P.cl, P.now);
	const struct client_counters *c = cnt();
	uint64_t answered = c->responses[CLIENT_2XX];
	assert_int_equal(c->requests, 4);
	assert_int_equal(answered, 1);
	assert_int_equal(c->requests, answered + c->err_timeout + c->err_reset + c->err_parse);
	assert_int_equal(c->err_timeout, 3);
	assert_int_equal(client_outstanding(P.cl), 0);
}

static void established_peak_and_unused_connections_are_counted(void **state)
{
	(void)state;
	make_client(4, 0);
	start();
	accept_conn(0);
	accept_conn(1);
	assert_int_equal(client_established_peak(P.cl), 2);
	client_stop(P.cl, P.now);
	accept_conn(2); /* established after stop: it never sends a request */
	assert_int_equal(client_established_peak(P.cl), 3);
	client_abort_all(P.cl, P.now);
	const struct client_counters *c = cnt();
	assert_int_equal(c->requests, 2);
	assert_int_equal(c->conn_unused, 1);
	assert_int_equal(c->conn_closed, 4);
	assert_int_equal(client_established_peak(P.cl), 3);
}

static void think_time_delays_the_next_request_after_a_response(void **state)
{
	(void)state;
	make_client(2, 0);
	P.ph.think_us = 500000;
	start();
	accept_conn(0);
	accept_conn(1);
	assert_int_equal(cnt()->requests, 2); /* the first request goes at once */
	server_sends(0, TCP_F_ACK, ok_64);
	P.now += 499000;
	client_poll(P.cl, P.now);
	assert_int_equal(cnt()->requests, 2);
	P.now += 1000;
	client_poll(P.cl, P.now);
	assert_int_equal(cnt()->requests, 3);
	assert_non_null(last_tx(0, TCP_F_ACK | TCP_F_PSH));
	/* a connection that ends while thinking is not woken later */
	server_sends(1, TCP_F_ACK, ok_64);
	server_sends(1, TCP_F_RST, NULL);
	assert_int_equal(cnt()->err_reset, 0);
	P.now += 600000;
	client_poll(P.cl, P.now);
	assert_int_equal(cnt()->responses[CLIENT_2XX], 2);
	assert_int_equal(client_outstanding(P.cl), cnt()->requests - 2);
}

static void late_bytes_after_giving_up_are_not_parse_errors(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	accept_conn(0);
	client_close_all(P.cl, P.now);
	assert_int_equal(cnt()->err_timeout, 1);
	server_sends(0, TCP_F_ACK, ok_64);
	assert_int_equal(cnt()->err_parse, 0);
	assert_int_equal(cnt()->responses[CLIENT_2XX], 0);
}

static void disallowed_status_is_a_validation_failure(void **state)
{
	(void)state;
	make_client(1, 0);
	start();
	accept_conn(0);
	server_sends(0, TCP_F_ACK, "HTTP/1.1 404 N\r\nContent-Length: 0\r\n\r\n");
	note_request(0);
	server_sends(0, TCP_F_ACK, ok_64);
	assert_int_equal(cnt()->err_validation, 1);
	assert_int_equal(cnt()->responses[CLIENT_4XX], 1);
}

static void pipelined_responses_in_one_segment_each_complete_a_request(void **state)
{
	char three[256];
	(void)state;
	make_client(1, 0);
	P.ph.pipeline = 3;
	start();
	accept_conn(0);
	assert_int_equal(client_outstanding(P.cl), 3);
	snprintf(three, sizeof(three), "%s%s%s", ok_64, ok_64, ok_64);
	server_sends(0, TCP_F_ACK, three);
	assert_int_equal(cnt()->responses[CLIENT_2XX], 3);
	assert_int_equal(cnt()->requests, 6); /* the pipeline refilled */
	assert_int_equal(client_outstanding(P.cl), 3);
}

static void ramping_down_closes_connections_as_they_go_idle(void **state)
{
	(void)state;
	make_client(4, 0);
	start();
	for (uint32_t id = 0; id < 4; id++)
		accept_conn(id);
	P.ph.from = P.ph.to = 2;
	client_set_phase(P.cl, &P.ph, NULL, NULL, P.now);
	for (uint32_t id = 0; id < 4; id++)
		server_sends(id, TCP_F_ACK, ok_64);
	assert_int_equal(cnt()->requests, 6); /* two connections went on, two closed */
	assert_non_null(last_tx(0, TCP_F_FIN));
	assert_non_null(last_tx(1, TCP_F_FIN));
}

/* Open loop at 1000/s with no free connection for the first 10 ms: the
 * requests wait, are counted delayed, and their latency includes the wait. */
static void open_loop_requests_wait_for_a_connection_and_count_as_delayed(void **state)
{
	struct hist corrected, uncorrected;
	(void)state;
	make_client(1, 0);
	hist_init(&corrected);
	hist_init(&uncorrected);
	P.ph = (struct client_phase){.model = CLIENT_RATE, .from = 1000, .to = 1000,
				     .duration_us = 1000000, .pipeline = 1};
	client_set_phase(P.cl, &P.ph, &corrected, &uncorrected, P.now);
	P.now += 10000;
	client_poll(P.cl, P.now); /* 10 due, no connection yet: one is opened */
	assert_int_equal(cnt()->delayed, 10);
	assert_int_equal(cnt()->requests, 0);
	accept_conn(0);
	assert_int_equal(cnt()->requests, 1);
	note_request(0);
	server_sends(0, TCP_F_ACK, ok_64);
	assert_int_equal(hist_count(&corrected), 1);
	assert_true(hist_max(&corrected) >= 9000);  /* from its intended time */
	assert_true(hist_max(&uncorrected) < 1000); /* from when it left */
}

/* cps: connections open on the schedule and close after their quota. */
static void connection_rate_opens_on_schedule_and_closes_after_quota(void **state)
{
	(void)state;
	make_client(1, 0);
	P.ph = (struct client_phase){.model = CLIENT_CPS, .from = 100, .to = 100,
				     .duration_us = 1000000, .requests_per_conn = 1};
	client_set_phase(P.cl, &P.ph, NULL, NULL, P.now);
	P.now += 50000;
	client_poll(P.cl, P.now);
	assert_int_equal(cnt()->conn_opened, 5);
	accept_conn(0);
	note_request(0);
	server_sends(0, TCP_F_ACK, ok_64);
	assert_int_equal(cnt()->requests, 1);
	assert_non_null(last_tx(0, TCP_F_FIN));
}

/* 70 connections wanted, 64 ports: one wait, timed until a port frees. */
static void a_wait_for_a_free_port_is_counted_and_timed(void **state)
{
	(void)state;
	make_client(70, 0);
	start();
	assert_int_equal(client_open_conns(P.cl), 64);
	assert_int_equal(cnt()->port_waits, 0); /* 64 opens per poll turn at most */
	client_poll(P.cl, P.now);
	assert_int_equal(cnt()->port_waits, 1);
	P.now += 5000;
	client_poll(P.cl, P.now);
	assert_int_equal(cnt()->port_waits, 1); /* still the same wait */
	assert_int_equal(cnt()->port_wait_us, 5000);
	/* the server refuses one: its port is free at once */
	const struct tcp_seg_out *syn = last_tx(0, TCP_F_SYN);
	assert_non_null(syn);
	P.our_nxt[0] = syn->seq + 1;
	server_sends(0, TCP_F_RST | TCP_F_ACK, NULL);
	P.now += 1000;
	client_poll(P.cl, P.now);
	assert_int_equal(client_open_conns(P.cl), 64);
	assert_int_equal(cnt()->port_wait_us, 6000);
	assert_int_equal(cnt()->port_waits, 2); /* the sixth is still waiting: a new wait */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(each_response_triggers_the_next_request_on_the_connection),
		T(first_request_carries_the_handshake_ack),
		T(status_classes_are_counted_apart),
		T(malformed_response_is_a_parse_error_and_the_connection_is_replaced),
		T(server_closing_mid_request_is_a_reset_error),
		T(body_delimited_by_close_completes_on_fin),
		T(unanswered_request_times_out_once),
		T(requests_per_connection_limit_closes_and_reopens),
		T(stop_then_close_all_accounts_for_every_request),
		T(established_peak_and_unused_connections_are_counted),
		T(think_time_delays_the_next_request_after_a_response),
		T(late_bytes_after_giving_up_are_not_parse_errors),
		T(disallowed_status_is_a_validation_failure),
		T(pipelined_responses_in_one_segment_each_complete_a_request),
		T(ramping_down_closes_connections_as_they_go_idle),
		T(open_loop_requests_wait_for_a_connection_and_count_as_delayed),
		T(connection_rate_opens_on_schedule_and_closes_after_quota),
		T(a_wait_for_a_free_port_is_counted_and_timed),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
