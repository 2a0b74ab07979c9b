/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder against a scripted client: a small TCP peer that opens
 * connections, sends request bytes in any segmentation, ACKs what arrives (or
 * loses what it is told to), and parses the byte stream it receives with the
 * response parser. Every request must get exactly one response.
 */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "resp.h"
#include "responder.h"

#define SERVER 0xC6120001u
#define CLIENT 0xC6120002u
#define MAX_OUT 4096
#define RX_MAX (2u << 20)
#define NPEER 8

struct peer_conn {
	uint16_t sport;
	struct tcp_conn *c;
	uint32_t snd_nxt; /* our next sequence number */
	uint32_t rcv_nxt; /* next byte we expect from the responder */
	uint8_t *rx;
	uint32_t rx_len;
	bool established, fin, rst;
};

struct out {
	struct tcp_seg_out seg;
	uint8_t data[2048];
};

struct world {
	struct responder *r;
	uint64_t now;
	struct out out[MAX_OUT];
	unsigned nout;
	unsigned lose_data; /* data segments to lose before delivering again */
	unsigned lost;
	unsigned fins_with_data, fins_alone; /* FIN segments sent, by payload */
	struct peer_conn pc[NPEER];
};

static struct world W;

static int capture(void *ctx, const struct tcp_seg_out *s)
{
	(void)ctx;
	assert_true(W.nout < MAX_OUT);
	assert_true(s->len <= sizeof(W.out[0].data));
	W.out[W.nout].seg = *s;
	if (s->flags & TCP_F_FIN) {
		W.fins_with_data += s->len > 0;
		W.fins_alone += s->len == 0;
	}
	if (s->len)
		responder_fill(W.r, s->conn, s->stream_off, s->len, W.out[W.nout].data);
	W.nout++;
	return 0;
}

static struct responder *make(struct responder_conf *rc)
{
	struct tcp_params tp;

	tcp_params_default(&tp);
	tp.local_addr = SERVER;
	tp.port_min = tp.port_max = 0;
	tp.max_conns = 64;
	tp.delack_us = 0;
	if (rc->port == 0)
		rc->port = 80;
	return responder_create(rc, &tp, capture, NULL);
}

static void world(struct responder_conf rc)
{
	for (int i = 0; i < NPEER; i++)
		free(W.pc[i].rx);
	memset(&W, 0, sizeof(W));
	W.now = 1000000;
	W.r = make(&rc);
	assert_non_null(W.r);
}

static struct peer_conn *peer_of(uint16_t dport)
{
	for (int i = 0; i < NPEER; i++)
		if (W.pc[i].sport == dport)
			return &W.pc[i];
	return NULL;
}

static void seg_in(struct peer_conn *p, uint8_t flags, const uint8_t *data, uint32_t len)
{
	struct tcp_seg s = {
		.saddr = CLIENT, .daddr = SERVER, .sport = p->sport, .dport = 80,
		.seq = p->snd_nxt, .ack = p->rcv_nxt, .flags = flags, .wnd = 65535,
		.wscale = flags & TCP_F_SYN ? 7 : -1, .mss = flags & TCP_F_SYN ? 1460 : 0,
		.payload = data, .len = len,
	};
	p->snd_nxt += len + !!(flags & (TCP_F_SYN | TCP_F_FIN));
	responder_input(W.r, &s, W.now);
}

/* What the responder sent reaches the peer, which ACKs new data at once. */
static void deliver_one(const struct out *o)
{
	struct peer_conn *p = peer_of(o->seg.dport);
	const struct tcp_seg_out *s = &o->seg;

	assert_non_null(p);
	if (s->flags & TCP_F_RST) {
		p->rst = true;
		return;
	}
	if (s->flags & TCP_F_SYN) {
		p->c = s->conn;
		p->rcv_nxt = s->seq + 1;
		return;
	}
	if (s->len && W.lose_data) {
		W.lose_data--;
		W.lost++;
		return;
	}
	bool advanced = false;
	if (s->len && s->seq == p->rcv_nxt) {
		assert_true(p->rx_len + s->len <= RX_MAX);
		memcpy(p->rx + p->rx_len, o->data, s->len);
		p->rx_len += s->len;
		p->rcv_nxt += s->len;
		advanced = true;
	}
	if ((s->flags & TCP_F_FIN) && s->seq + s->len == p->rcv_nxt) {
		p->fin = true;
		p->rcv_nxt++;
		advanced = true;
	}
	if (advanced)
		seg_in(p, TCP_F_ACK, NULL, 0);
}

static void pump(void)
{
	static struct out batch[MAX_OUT];

	while (W.nout) {
		unsigned n = W.nout;
		memcpy(batch, W.out, n * sizeof(batch[0]));
		W.nout = 0;
		for (unsigned i = 0; i < n; i++)
			deliver_one(&batch[i]);
	}
}

static void advance(uint64_t us)
{
	W.now += us;
	responder_poll(W.r, W.now);
	pump();
}

static struct peer_conn *open_conn(uint16_t sport)
{
	struct peer_conn *p = peer_of(0);

	assert_non_null(p);
	p->sport = sport;
	p->snd_nxt = 7000u * sport;
	p->rx = malloc(RX_MAX);
	assert_non_null(p->rx);
	seg_in(p, TCP_F_SYN, NULL, 0);
	pump();
	assert_non_null(p->c);
	seg_in(p, TCP_F_ACK, NULL, 0);
	pump();
	p->established = true;
	return p;
}

static void send_text(struct peer_conn *p, const char *s, uint8_t extra)
{
	seg_in(p, TCP_F_ACK | TCP_F_PSH | extra, (const uint8_t *)s, (uint32_t)strlen(s));
	pump();
}

/* The received stream, parsed. */
struct parsed {
	int n;
	int status[32];
	uint64_t body[32];
	bool keep_alive[32];
	bool error;
};

static struct parsed parse(const struct peer_conn *p, const bool *head)
{
	struct parsed out = {0};
	struct http_resp rp;
	uint32_t off = 0;

	http_resp_init(&rp, head && head[0], NULL);
	while (off < p->rx_len && out.n < 32) {
		ssize_t n = http_resp_feed(&rp, p->rx + off, p->rx_len - off);
		if (n < 0) {
			out.error = true;
			break;
		}
		off += (uint32_t)n;
		if (!http_resp_done(&rp))
			break;
		out.status[out.n] = http_resp_status(&rp);
		out.body[out.n] = http_resp_body_bytes(&rp);
		out.keep_alive[out.n] = http_resp_keep_alive(&rp);
		out.n++;
		/* head[] covers the responses expected: read it only when one follows */
		http_resp_init(&rp, head && off < p->rx_len && head[out.n], NULL);
	}
	assert_int_equal(off, p->rx_len); /* nothing left over, nothing half done */
	return out;
}

static void finish(void)
{
	const struct responder_counters *c = responder_counters(W.r);
	responder_abort_all(W.r, W.now);
	pump();
	assert_int_equal(responder_open_conns(W.r), 0);
	assert_int_equal(tcp_stack_active(responder_tcp(W.r)), 0);
	assert_int_equal(c->conn_closed, c->conn_accepted);
	responder_destroy(W.r);
	for (int i = 0; i < NPEER; i++) {
		free(W.pc[i].rx);
		W.pc[i].rx = NULL;
	}
}

static const char GET[] = "GET / HTTP/1.1\r\nHost: 198.18.0.1\r\n\r\n";

static void a_get_is_answered_with_the_template(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 5});
	struct peer_conn *p = open_conn(40000);
	send_text(p, GET, 0);
	static const char want[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde";
	assert_int_equal(p->rx_len, sizeof(want) - 1);
	assert_memory_equal(p->rx, want, sizeof(want) - 1);
	assert_int_equal(responder_response_len(W.r), sizeof(want) - 1);
	const struct responder_counters *c = responder_counters(W.r);
	assert_int_equal(c->requests, 1);
	assert_int_equal(c->responses, 1);
	assert_int_equal(c->body_bytes, 5);
	assert_int_equal(c->conn_accepted, 1);
	assert_false(p->fin); /* keep-alive */
	finish();
}

static void extra_headers_and_reason_appear_in_order(void **state)
{
	static const char *const hdrs[] = {"Server: drench", "X-A: 1"};
	(void)state;
	world((struct responder_conf){.status = 404, .reason = "Nope", .headers = hdrs,
				      .n_headers = 2, .body_size = 0});
	struct peer_conn *p = open_conn(40000);
	send_text(p, GET, 0);
	static const char want[] =
		"HTTP/1.1 404 Nope\r\nServer: drench\r\nX-A: 1\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(p->rx_len, sizeof(want) - 1);
	assert_memory_equal(p->rx, want, sizeof(want) - 1);
	finish();
}

static void chunked_bodies_decode_to_the_body_size(void **state)
{
	static const uint64_t sizes[] = {0, 1, 4095, 4096, 4097, 12288, 100000};
	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		world((struct responder_conf){.status = 200, .body_size = sizes[i],
					      .chunked = true});
		struct peer_conn *p = open_conn(40000);
		send_text(p, GET, 0);
		send_text(p, GET, 0);
		struct parsed r = parse(p, NULL);
		assert_false(r.error);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.status[1], 200);
		assert_int_equal(r.body[0], sizes[i]);
		assert_int_equal(r.body[1], sizes[i]);
		assert_int_equal(responder_counters(W.r)->body_bytes, 2 * sizes[i]);
		finish();
	}
}

static void content_length_bodies_arrive_whole_across_many_segments(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 1000000});
	struct peer_conn *p = open_conn(40000);
	send_text(p, GET, 0);
	for (int i = 0; i < 100 && p->rx_len < responder_response_len(W.r); i++)
		advance(1000);
	struct parsed r = parse(p, NULL);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.body[0], 1000000);
	for (uint32_t k = 0; k < 1000000; k++) /* the pattern, byte for byte */
		if (p->rx[p->rx_len - 1000000 + k] != 'a' + k % 26)
			fail_msg("body byte %u", k);
	finish();
}

static void pipelined_requests_are_answered_in_order(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 3});
	struct peer_conn *p = open_conn(40000);
	send_text(p,
		  "GET /1 HTTP/1.1\r\n\r\nHEAD /2 HTTP/1.1\r\n\r\n"
		  "POST /3 HTTP/1.1\r\nContent-Length: 4\r\n\r\nbodyGET /4 HTTP/1.1\r\n\r\n",
		  0);
	bool head[] = {false, true, false, false};
	struct parsed r = parse(p, head);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.body[0], 3);
	assert_int_equal(r.body[1], 0);
	assert_int_equal(r.body[2], 3);
	assert_int_equal(r.body[3], 3);
	assert_int_equal(responder_counters(W.r)->requests, 4);
	assert_int_equal(responder_counters(W.r)->responses, 4);
	assert_int_equal(responder_counters(W.r)->body_bytes, 9);
	finish();
}

static void a_request_split_byte_by_byte_gets_one_response(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 1});
	struct peer_conn *p = open_conn(40000);
	for (size_t i = 0; i < sizeof(GET) - 1; i++) {
		seg_in(p, TCP_F_ACK, (const uint8_t *)GET + i, 1);
		pump();
		if (i + 2 < sizeof(GET))
			assert_int_equal(p->rx_len, 0);
	}
	assert_int_equal(parse(p, NULL).n, 1);
	finish();
}

static void the_keepalive_limit_closes_after_n_requests(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 2, .keepalive_requests = 2});
	struct peer_conn *p = open_conn(40000);
	send_text(p, GET, 0);
	assert_false(p->fin);
	send_text(p, GET, 0);
	assert_true(p->fin);
	struct parsed r = parse(p, NULL);
	assert_int_equal(r.n, 2);
	assert_true(r.keep_alive[0]);
	assert_false(r.keep_alive[1]); /* Connection: close on the last one */
	send_text(p, GET, 0); /* too late: ignored */
	assert_int_equal(parse(p, NULL).n, 2);
	const struct responder_counters *c = responder_counters(W.r);
	assert_int_equal(c->keepalive_closes, 1);
	assert_int_equal(c->ignored_bytes, sizeof(GET) - 1);
	seg_in(p, TCP_F_ACK | TCP_F_FIN, NULL, 0); /* the client closes too */
	pump();
	assert_int_equal(c->conn_closed, 1);
	finish();
}

static void connection_close_and_http_1_0_end_the_connection(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 2});
	struct peer_conn *p = open_conn(40000);
	send_text(p, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 0);
	assert_true(p->fin);
	assert_false(parse(p, NULL).keep_alive[0]);
	struct peer_conn *q = open_conn(40001);
	send_text(q, "GET / HTTP/1.0\r\n\r\n", 0);
	assert_true(q->fin);
	struct peer_conn *k = open_conn(40002);
	send_text(k, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0);
	assert_false(k->fin);
	assert_int_equal(responder_counters(W.r)->keepalive_closes, 0);
	finish();
}

/* The response that ends a connection carries the FIN: no frame of its own,
 * whether it goes out at once or after its delay. */
static void the_last_response_carries_the_fin(void **state)
{
	(void)state;
	for (int delayed = 0; delayed < 2; delayed++) {
		world((struct responder_conf){.status = 200, .body_size = 2, .keepalive_requests = 1,
					      .delay_us = delayed ? 5000 : 0});
		struct peer_conn *p = open_conn(40000);
		send_text(p, GET, 0);
		advance(5000);
		assert_true(p->fin);
		assert_int_equal(parse(p, NULL).n, 1);
		assert_int_equal(W.fins_with_data, 1);
		assert_int_equal(W.fins_alone, 0);
		struct peer_conn *q = open_conn(40001);
		send_text(q, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 0);
		advance(5000);
		assert_true(q->fin);
		assert_int_equal(W.fins_with_data, 2);
		assert_int_equal(W.fins_alone, 0);
		finish();
	}
}

static void a_malformed_request_gets_400_and_a_close(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 10});
	struct peer_conn *p = open_conn(40000);
	send_text(p, GET, 0);
	send_text(p, "GET / HTTP/2.0\r\n\r\n", 0);
	struct parsed r = parse(p, NULL);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.status[0], 200);
	assert_int_equal(r.status[1], 400);
	assert_false(r.keep_alive[1]);
	assert_true(p->fin);
	const struct responder_counters *c = responder_counters(W.r);
	assert_int_equal(c->parse_errors, 1);
	assert_int_equal(c->requests, 1);
	assert_int_equal(c->responses, 2);
	finish();
}

static void fin_after_requests_closes_after_the_answers(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 10});
	struct peer_conn *p = open_conn(40000);
	send_text(p, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", TCP_F_FIN);
	assert_true(p->fin);
	assert_int_equal(parse(p, NULL).n, 2);
	assert_int_equal(responder_counters(W.r)->parse_errors, 0);
	assert_int_equal(responder_open_conns(W.r), 0); /* LAST_ACK acked by the peer */
	struct peer_conn *q = open_conn(40001);
	send_text(q, "GET /half", TCP_F_FIN); /* cut inside a request */
	assert_true(q->fin);
	assert_int_equal(q->rx_len, 0);
	assert_int_equal(responder_counters(W.r)->parse_errors, 1);
	finish();
}

static void a_delayed_response_waits_its_delay(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 1, .delay_us = 5000});
	struct peer_conn *p = open_conn(40000);
	send_text(p, GET, 0);
	send_text(p, GET, 0);
	advance(4000);
	assert_int_equal(p->rx_len, 0);
	advance(1000);
	assert_int_equal(parse(p, NULL).n, 2);
	assert_int_equal(responder_counters(W.r)->delayed, 2);
	finish();
}

static void a_lost_segment_is_regenerated_byte_for_byte(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 5000});
	struct peer_conn *p = open_conn(40000);
	W.lose_data = 1; /* the first data segment of the response is lost */
	send_text(p, GET, 0);
	send_text(p, GET, 0);
	for (int i = 0; i < 50 && parse(p, NULL).n < 2; i++)
		advance(100000);
	assert_int_equal(W.lost, 1);
	struct parsed r = parse(p, NULL);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.body[0], 5000);
	assert_true(tcp_stack_stats(responder_tcp(W.r))->retrans_bytes > 0);
	uint64_t len = responder_response_len(W.r);
	assert_memory_equal(p->rx, p->rx + len, len); /* both responses identical */
	finish();
}

static void many_connections_are_served_independently(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 200, .body_size = 100});
	for (uint16_t i = 0; i < NPEER; i++)
		open_conn((uint16_t)(50000 + i * 13));
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < NPEER; i++)
			send_text(&W.pc[i], GET, 0);
	for (int i = 0; i < NPEER; i++)
		assert_int_equal(parse(&W.pc[i], NULL).n, 3);
	assert_int_equal(responder_counters(W.r)->responses, 3 * NPEER);
	assert_int_equal(responder_open_conns(W.r), NPEER);
	finish();
}

static void status_204_has_no_body_and_no_length(void **state)
{
	(void)state;
	world((struct responder_conf){.status = 204, .body_size = 100});
	struct peer_conn *p = open_conn(40000);
	send_text(p, GET, 0);
	static const char want[] = "HTTP/1.1 204 No Content\r\n\r\n";
	assert_int_equal(p->rx_len, sizeof(want) - 1);
	assert_memory_equal(p->rx, want, sizeof(want) - 1);
	assert_int_equal(responder_counters(W.r)->body_bytes, 0);
	finish();
}

static void bad_configurations_are_refused(void **state)
{
	static const char *const crlf[] = {"X-A: 1\r\nX-B: 2"};
	static const char *const ours[] = {"Content-Length: 3"};
	static const char *const noname[] = {": v"};
	struct responder_conf bad[] = {
		{.status = 99},
		{.status = 600},
		{.status = 200, .reason = "O\nK"},
		{.status = 200, .headers = crlf, .n_headers = 1},
		{.status = 200, .headers = ours, .n_headers = 1},
		{.status = 200, .headers = noname, .n_headers = 1},
		{.status = 200, .body_size = 1ull << 40},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(make(&bad[i]));
		assert_int_equal(errno, EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_get_is_answered_with_the_template),
		cmocka_unit_test(extra_headers_and_reason_appear_in_order),
		cmocka_unit_test(chunked_bodies_decode_to_the_body_size),
		cmocka_unit_test(content_length_bodies_arrive_whole_across_many_segments),
		cmocka_unit_test(pipelined_requests_are_answered_in_order),
		cmocka_unit_test(a_request_split_byte_by_byte_gets_one_response),
		cmocka_unit_test(the_keepalive_limit_closes_after_n_requests),
		cmocka_unit_test(connection_close_and_http_1_0_end_the_connection),
		cmocka_unit_test(the_last_response_carries_the_fin),
		cmocka_unit_test(a_malformed_request_gets_400_and_a_close),
		cmocka_unit_test(fin_after_requests_closes_after_the_answers),
		cmocka_unit_test(a_delayed_response_waits_its_delay),
		cmocka_unit_test(a_lost_segment_is_regenerated_byte_for_byte),
		cmocka_unit_test(many_connections_are_served_independently),
		cmocka_unit_test(status_204_has_no_body_and_no_length),
		cmocka_unit_test(bad_configurations_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
