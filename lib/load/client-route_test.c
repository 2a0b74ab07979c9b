/* SPDX-License-Identifier: BSD-3-Clause */
/* Several servers: each connection goes where its route sends it, requests
 * name their server, a group follows its weights, and every request is
 * counted at its server as well as in the totals. The peers are scripted:
 * each server answers every SYN (or refuses it) and every request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "hist.h"

#define LOCAL 0xC6120002u
#define SRV_A 0xC6120001u
#define SRV_B 0xC6120003u
#define MAX_TX 8192
#define CONNS 64

struct conn_peer {
	uint32_t daddr;
	uint16_t dport;
	uint32_t peer_seq, our_nxt;
};

struct peer {
	struct client *cl;
	struct http_template *tpl[2];
	struct client_template ct[2];
	struct client_dest dests[2];
	struct client_route routes[2];
	uint16_t mix_tpl[2];
	uint32_t mix_cum[2];
	struct client_phase ph;
	uint64_t now;
	struct tcp_seg_out tx[MAX_TX];
	unsigned ntx, done;
	struct conn_peer cp[CONNS];
	bool refuse_b; /* B answers every SYN with a RST */
	unsigned syn_to[2];
	unsigned wrong_host; /* requests whose Host is not their server's */
};

static struct peer P;

static int capture(void *ctx, const struct tcp_seg_out *s)
{
	(void)ctx;
	if (P.ntx < MAX_TX)
		P.tx[P.ntx++] = *s;
	if (s->flags & TCP_F_SYN)
		P.syn_to[s->daddr == SRV_B]++;
	return 0;
}

static const char *const ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

static void send_to_client(struct conn_peer *cp, uint16_t sport, uint8_t flags, const char *data)
{
	uint32_t len = data ? (uint32_t)strlen(data) : 0;
	struct tcp_seg seg = {.saddr = cp->daddr, .daddr = LOCAL, .sport = cp->dport,
			      .dport = sport, .seq = cp->peer_seq, .ack = cp->our_nxt,
			      .flags = flags, .wnd = 65535, .wscale = -1,
			      .payload = (const uint8_t *)data, .len = len};
	cp->peer_seq += len + ((flags & TCP_F_SYN) ? 1 : 0);
	client_input(P.cl, &seg, P.now);
}

/* The request bytes a data segment carries start with its Host line's value. */
static char host_of(const struct tcp_seg_out *s)
{
	uint8_t buf[129] = {0};

	client_fill(P.cl, s->conn, s->stream_off, s->len < 128 ? s->len : 128,
		    buf);
	const char *h = strstr((const char *)buf, "Host: ");
	return h ? h[6] : '?';
}

/* One segment of the client's, answered as its server would. */
static void answer(const struct tcp_seg_out *s)
{
	struct conn_peer *cp = &P.cp[(s->sport - 10000) % CONNS];

	if (s->flags & TCP_F_SYN) {
		bool b = s->daddr == SRV_B;
		*cp = (struct conn_peer){.daddr = s->daddr, .dport = s->dport, .peer_seq = 7000,
					 .our_nxt = s->seq + 1};
		send_to_client(cp, s->sport, (b && P.refuse_b) ? TCP_F_RST | TCP_F_ACK :
								  TCP_F_SYN | TCP_F_ACK, NULL);
		return;
	}
	if (s->len == 0 || (s->flags & TCP_F_RST))
		return;
	/* every data segment of ours is one whole request here */
	if (host_of(s) != (s->daddr == SRV_A ? 'a' : 'b'))
		P.wrong_host++;
	cp->our_nxt = s->seq + s->len;
	send_to_client(cp, s->sport, TCP_F_ACK, ok);
}

static void serve(void)
{
	while (P.done < P.ntx)
		answer(&P.tx[P.done++]);
}

/* Two templates (Host a and b); routes and dests set by the test. */
static void make_client(uint8_t n_routes)
{
	struct tcp_params tp;
	const char *hosts[2] = {"a", "b"};

	for (int i = 0; i < 2; i++) {
		struct http_template_spec spec = {.method = "GET", .path = "/x", .host = hosts[i]};
		P.tpl[i] = http_template_create(&spec);
		P.ct[i] = (struct client_template){.tpl = P.tpl[i], .route = (uint8_t)(i % n_routes)};
	}
	P.dests[0] = (struct client_dest){.daddr = SRV_A, .dport = 80};
	P.dests[1] = (struct client_dest){.daddr = SRV_B, .dport = 8080};
	tcp_params_default(&tp);
	tp.local_addr = LOCAL;
	tp.port_min = 10000;
	tp.port_max = 10000 + CONNS - 1;
	tp.max_conns = CONNS;
	tp.delack_us = 0;
	struct client_conf cc = {.tpls = P.ct, .n_tpls = n_routes, .max_pipeline = 1,
				 .request_timeout_us = 2000000, .rate_max_conns = CONNS,
				 .dests = P.dests, .n_dests = 2, .routes = P.routes,
				 .n_routes = n_routes};
	P.cl = client_create(&cc, &tp, capture, NULL);
	assert_non_null(P.cl);
	P.mix_tpl[0] = 0;
	P.mix_tpl[1] = 1;
	P.mix_cum[0] = 1;
	P.mix_cum[1] = 2;
}

static void start(enum client_model m, double level)
{
	P.ph = (struct client_phase){.model = m, .from = level, .to = level,
				     .duration_us = 1000000, .pipeline = 1,
				     .mix_tpl = P.mix_tpl, .mix_cum = P.mix_cum,
				     .n_mix = P.ct[1].tpl && P.ct[1].route ? 2 : 1};
	client_set_phase(P.cl, &P.ph, NULL, NULL, P.now);
	client_poll(P.cl, P.now);
}

static int setup(void **state)
{
	(void)state;
	memset(&P, 0, sizeof(P));
	P.now = 1000000;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	client_abort_all(P.cl, P.now);
	assert_int_equal(client_open_conns(P.cl), 0);
	client_destroy(P.cl);
	http_template_free(P.tpl[0]);
	http_template_free(P.tpl[1]);
	return 0;
}

static const struct client_target_counters *at(uint8_t d)
{
	return client_target_counters(P.cl, d);
}

/* Every field of the servers' counters adds up to the client's own. */
static void servers_add_up_to_the_totals(void)
{
	const struct client_counters *c = client_counters(P.cl);

	assert_int_equal(at(0)->requests + at(1)->requests, c->requests);
	assert_int_equal(at(0)->responses[CLIENT_2XX] + at(1)->responses[CLIENT_2XX],
			 c->responses[CLIENT_2XX]);
	assert_int_equal(at(0)->err_connect + at(1)->err_connect, c->err_connect);
	assert_int_equal(at(0)->conn_opened + at(1)->conn_opened, c->conn_opened);
}

static void a_weighted_group_spreads_connections_by_its_weights(void **state)
{
	(void)state;
	P.routes[0] = (struct client_route){.member = {0, 1}, .weight = {3, 1}, .n_members = 2};
	make_client(1);
	start(CLIENT_CLOSED, 8);
	/* smooth weighted round robin: every 4 opens, exactly 3 to A and 1 to B */
	assert_int_equal(P.syn_to[0], 6);
	assert_int_equal(P.syn_to[1], 2);
	serve();
	assert_int_equal(at(0)->conn_opened, 6);
	assert_int_equal(at(1)->conn_opened, 2);
	assert_true(at(1)->responses[CLIENT_2XX] > 0);
	servers_add_up_to_the_totals();
}

static void a_round_robin_group_takes_its_members_in_turn(void **state)
{
	(void)state;
	P.routes[0] = (struct client_route){.member = {0, 1}, .weight = {1, 1}, .n_members = 2};
	make_client(1);
	start(CLIENT_CLOSED, 5);
	assert_int_equal(P.tx[0].daddr, SRV_A);
	assert_int_equal(P.tx[1].daddr, SRV_B);
	assert_int_equal(P.tx[2].daddr, SRV_A);
	assert_int_equal(P.syn_to[0], 3);
	assert_int_equal(P.syn_to[1], 2);
}

static void each_request_goes_to_the_server_its_template_names(void **state)
{
	(void)state;
	P.routes[0] = (struct client_route){.member = {0}, .weight = {1}, .n_members = 1};
	P.routes[1] = (struct client_route){.member = {1}, .weight = {1}, .n_members = 1};
	make_client(2);
	start(CLIENT_CLOSED, 32);
	serve();
	assert_int_equal(P.wrong_host, 0);
	assert_true(at(0)->responses[CLIENT_2XX] > 0);
	assert_true(at(1)->responses[CLIENT_2XX] > 0);
	servers_add_up_to_the_totals();
}

/* Open loop, half the rate to each: B refuses every connection, and A
 * still gets its half on time; B's requests wait, counted as delayed. */
static void a_server_that_refuses_delays_only_its_own_requests(void **state)
{
	(void)state;
	P.routes[0] = (struct client_route){.member = {0}, .weight = {1}, .n_members = 1};
	P.routes[1] = (struct client_route){.member = {1}, .weight = {1}, .n_members = 1};
	P.refuse_b = true;
	make_client(2);
	start(CLIENT_RATE, 1000);
	for (int ms = 0; ms < 100; ms++) {
		P.now += 1000;
		client_poll(P.cl, P.now);
		serve();
	}
	/* 100 ms at 500/s: 50 due for A, all answered but the one of the last turn */
	assert_in_range(at(0)->responses[CLIENT_2XX], 49, 50);
	assert_int_equal(at(1)->responses[CLIENT_2XX], 0);
	assert_true(at(1)->err_connect > 0);
	assert_int_equal(at(0)->err_connect, 0);
	assert_true(client_counters(P.cl)->delayed >= 40);
	servers_add_up_to_the_totals();
}

/* Open loop: a group's requests follow its weights, whichever of its
 * connections are idle. */
static void an_open_loop_group_sends_by_its_weights(void **state)
{
	(void)state;
	P.routes[0] = (struct client_route){.member = {0, 1}, .weight = {3, 1}, .n_members = 2};
	make_client(1);
	start(CLIENT_RATE, 1000);
	for (int ms = 0; ms < 200; ms++) {
		P.now += 1000;
		client_poll(P.cl, P.now);
		serve();
	}
	uint64_t a = at(0)->requests, b = at(1)->requests;
	assert_in_range(a + b, 199, 200);
	assert_in_range(a + 3, 3 * b, 3 * b + 6); /* a = 3 b, give or take the last cycle */
	servers_add_up_to_the_totals();
}

/* A group whose member B refuses: its connections go to A meanwhile. A
 * server alone that refuses is tried again after 10, 20, 40 ms..., not on
 * every poll turn. */
static void a_refusing_member_is_passed_over(void **state)
{
	(void)state;
	P.routes[0] = (struct client_route){.member = {0, 1}, .weight = {1, 1}, .n_members = 2};
	P.refuse_b = true;
	make_client(1);
	start(CLIENT_CLOSED, 8);
	serve();
	for (int ms = 0; ms < 100; ms++) {
		P.now += 1000;
		client_poll(P.cl, P.now);
		serve();
	}
	assert_int_equal(P.syn_to[1], 4); /* the first turn's, in turn with A's */
	assert_int_equal(client_open_conns(P.cl), 8);
	assert_int_equal(at(0)->conn_opened, 8);
	servers_add_up_to_the_totals();
}

static void a_refusing_server_is_tried_again_later_not_at_once(void **state)
{
	(void)state;
	P.routes[0] = (struct client_route){.member = {1}, .weight = {1}, .n_members = 1};
	P.refuse_b = true;
	make_client(1);
	start(CLIENT_CLOSED, 4);
	serve();
	for (int ms = 0; ms < 100; ms++) {
		P.now += 1000;
		client_poll(P.cl, P.now);
		serve();
	}
	/* 4 SYNs at first, then one per try, at 10, 30 and 70 ms */
	assert_int_equal(P.syn_to[1], 7);
	assert_int_equal(at(1)->err_connect, 7);
}

static void a_route_past_the_servers_is_refused(void **state)
{
	(void)state;
	struct tcp_params tp;
	struct client_template ct = {.route = 1};
	struct client_dest d = {.daddr = SRV_A, .dport = 80};
	struct client_route r = {.member = {0}, .weight = {1}, .n_members = 1};
	struct client_conf cc = {.tpls = &ct, .n_tpls = 1, .dests = &d, .n_dests = 1,
				 .routes = &r, .n_routes = 1};

	tcp_params_default(&tp);
	tp.max_conns = 4;
	assert_null(client_create(&cc, &tp, capture, NULL));
	ct.route = 0;
	r.member[0] = 3; /* past the servers */
	assert_null(client_create(&cc, &tp, capture, NULL));
	r.member[0] = 0;
	r.weight[0] = 0;
	assert_null(client_create(&cc, &tp, capture, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(a_weighted_group_spreads_connections_by_its_weights),
		T(a_round_robin_group_takes_its_members_in_turn),
		T(each_request_goes_to_the_server_its_template_names),
		T(a_server_that_refuses_delays_only_its_own_requests),
		T(an_open_loop_group_sends_by_its_weights),
		T(a_refusing_member_is_passed_over),
		T(a_refusing_server_is_tried_again_later_not_at_once),
#undef T
		cmocka_unit_test(a_route_past_the_servers_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
