/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client and the responder wired back to back in memory: both TCP
 * stacks, request templates, the response parser, the request parser and
 * the response templates, and no packet I/O. What one transaction costs in
 * our own code, on a virtual clock; under callgrind the instruction counts
 * are repeatable:
 *   ninja -C <build> lib/load/loopback_bench
 *   <build>/lib/load/loopback_bench [keepalive|cps] [TRANSACTIONS] [CONNS] [BODY] [MAX_FRAMES]
 * With MAX_FRAMES it fails when a transaction takes more frames than that.
 *   valgrind --tool=callgrind <build>/lib/load/loopback_bench keepalive 200000 64 1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "responder.h"

#define SERVER 0xC6120001u
#define CLIENT 0xC6120002u
#define QCAP 65536

struct frame {
	struct tcp_seg seg;
	uint8_t data[1460];
};

struct queue {
	struct frame *f;
	unsigned n;
};

static struct client *cl;
static struct responder *rs;
static struct queue to_server, to_client;
static uint64_t frames;

/* Build the received segment as the peer will see it, payload pulled now. */
static int push(struct queue *q, const struct tcp_seg_out *o, bool from_client)
{
	if (q->n == QCAP)
		return -1;
	struct frame *f = &q->f[q->n++];
	f->seg = (struct tcp_seg){
		.saddr = o->saddr, .daddr = o->daddr, .sport = o->sport, .dport = o->dport,
		.seq = o->seq, .ack = o->ack, .flags = o->flags, .wnd = o->wnd, .mss = o->mss,
		.wscale = o->wscale, .ts = o->ts, .tsval = o->tsval, .tsecr = o->tsecr,
		.sack_ok = o->sack_ok,
		.payload = f->data, .len = o->len,
	};
	if (o->len && from_client)
		client_fill(cl, o->conn, o->stream_off, o->len, f->data);
	else if (o->len)
		responder_fill(rs, o->conn, o->stream_off, o->len, f->data);
	frames++;
	return 0;
}

static int client_tx(void *ctx, const struct tcp_seg_out *o)
{
	(void)ctx;
	return push(&to_server, o, true);
}

static int server_tx(void *ctx, const struct tcp_seg_out *o)
{
	(void)ctx;
	return push(&to_client, o, false);
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Deliver a queue's frames; the other side's answers go to the other queue.
 * The queue swaps buffers with a spare one, so nothing is copied twice. */
static void deliver(struct queue *q, bool to_srv, uint64_t now)
{
	static struct frame *spare;
	struct frame *batch = q->f;
	unsigned n = q->n;

	if (!spare && !(spare = calloc(QCAP, sizeof(*spare))))
		abort();
	q->f = spare;
	q->n = 0;
	for (unsigned i = 0; i < n; i++) {
		if (to_srv)
			responder_input(rs, &batch[i].seg, now);
		else
			client_input(cl, &batch[i].seg, now);
	}
	spare = batch;
}

int main(int argc, char **argv)
{
	bool cps = argc > 1 && !strcmp(argv[1], "cps");
	uint64_t want = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
	uint32_t conns = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 64;
	uint64_t body = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
	double max_frames = argc > 5 ? strtod(argv[5], NULL) : 0;
	struct http_template_spec spec = {.method = "GET", .path = "/", .host = "198.18.0.1"};
	struct http_template *tpl = http_template_create(&spec);
	struct client_template ct = {.tpl = tpl, .status_classes = 1u << 2};
	struct client_conf cc = {.daddr = SERVER, .dport = 80, .tpls = &ct, .n_tpls = 1,
				 .max_pipeline = 1, .request_timeout_us = 10000000,
				 .rate_max_conns = conns};
	struct responder_conf rc = {.port = 80, .status = 200, .body_size = body,
				    .keepalive_requests = cps ? 1 : 0};
	struct tcp_params ctp, stp;

	tcp_params_default(&ctp);
	ctp.local_addr = CLIENT;
	ctp.port_min = 10000;
	ctp.port_max = 65535;
	ctp.max_conns = 55536;
	tcp_params_default(&stp);
	stp.local_addr = SERVER;
	stp.port_min = stp.port_max = 0;
	stp.max_conns = 65536;
	stp.tw_policy = TCP_TW_RESET;
	to_server.f = calloc(QCAP, sizeof(struct frame));
	to_client.f = calloc(QCAP, sizeof(struct frame));
	cl = client_create(&cc, &ctp, client_tx, NULL);
	rs = responder_create(&rc, &stp, server_tx, NULL);
	if (!tpl || !cl || !rs || !to_server.f || !to_client.f) {
		fprintf(stderr, "loopback_bench: setup failed\n");
		return 1;
	}
	uint16_t mix_tpl = 0;
	uint32_t mix_cum = 1;
	struct client_phase ph = {.model = CLIENT_CLOSED, .from = conns, .to = conns,
				  .duration_us = 1ull << 40, .pipeline = 1,
				  .requests_per_conn = cps ? 1 : 0, .mix_tpl = &mix_tpl,
				  .mix_cum = &mix_cum, .n_mix = 1};
	uint64_t now = 1000000, t0 = now_ns();
	client_set_phase(cl, &ph, NULL, NULL, now);
	while (client_counters(cl)->responses[CLIENT_2XX] < want) {
		client_poll(cl, now);
		deliver(&to_server, true, now);
		responder_poll(rs, now);
		deliver(&to_client, false, now);
		now += 1;
	}
	double ns = (double)(now_ns() - t0);
	const struct client_counters *c = client_counters(cl);
	const struct responder_counters *r = responder_counters(rs);
	uint64_t errs = c->err_connect + c->err_timeout + c->err_reset + c->err_parse;
	printf("%s, %u connections, %llu-byte body: %llu transactions, %llu connections, "
	       "%.2f frames per transaction, %.0f ns per transaction (both sides), errors %llu, "
	       "server requests %llu\n",
	       cps ? "one request per connection" : "keep-alive", conns,
	       (unsigned long long)body, (unsigned long long)c->responses[CLIENT_2XX],
	       (unsigned long long)c->conn_opened, (double)frames / (double)c->responses[CLIENT_2XX],
	       ns / (double)c->responses[CLIENT_2XX], (unsigned long long)errs,
	       (unsigned long long)r->requests);
	double per_transaction = (double)frames / (double)c->responses[CLIENT_2XX];
	bool too_many = max_frames > 0 && per_transaction > max_frames;
	if (too_many)
		fprintf(stderr, "loopback_bench: %.2f frames per transaction, more than %.2f\n",
			per_transaction, max_frames);
	client_destroy(cl);
	responder_destroy(rs);
	http_template_free(tpl);
	free(to_server.f);
	free(to_client.f);
	return errs != 0 || too_many;
}
