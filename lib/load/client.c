/* SPDX-License-Identifier: BSD-3-Clause */
/* Closed-loop HTTP client over lib/tcp; see client.h for the call order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "load/client.h"
#include "stats/hist.h"

#define SWEEP_PER_POLL 256

struct client {
	struct client_conf conf;
	struct tcp_stack *tcp;
	client_tx_fn tx;
	void *tx_ctx;
	const uint8_t *req;
	size_t req_len;
	bool head;
	bool running;
	uint64_t now;
	uint32_t open;        /* connections in use */
	uint32_t outstanding; /* requests awaiting a response */
	uint32_t sweep_pos;
	uint32_t max_conns;
	struct client_counters cnt;
	struct hist lat;
	uint32_t *pending; /* connection ids with a queued action */
	uint32_t n_pending;
	struct client_conn conns[];
};

/* Callers pass TSC time read at different moments (per segment, per poll
 * turn); keep the client's clock monotonic so durations never underflow. */
static void advance(struct client *cl, uint64_t now_us)
{
	if (now_us > cl->now)
		cl->now = now_us;
}

static struct client_conn *conn_of(struct client *cl, const struct tcp_conn *c)
{
	return &cl->conns[tcp_conn_id(c)];
}

static void queue_action(struct client *cl, const struct tcp_conn *c)
{
	struct client_conn *cc = conn_of(cl, c);

	if (!cc->pending) {
		cc->pending = 1;
		cl->pending[cl->n_pending++] = tcp_conn_id(c);
	}
}

/* A request ends: answered, or failed with its error already counted. */
static void request_done(struct client *cl, struct client_conn *cc)
{
	if (cc->busy) {
		cc->busy = 0;
		cl->outstanding--;
	}
}

static enum client_status_class status_class(int status)
{
	if (status >= 200 && status < 600)
		return (enum client_status_class)(status / 100 - 2);
	return CLIENT_OTHER;
}

static void response_complete(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	cl->cnt.responses[status_class(http_resp_status(&cc->resp))]++;
	cl->cnt.body_bytes += http_resp_body_bytes(&cc->resp);
	hist_record(&cl->lat, cl->now - cc->sent_us);
	request_done(cl, cc);
	bool again = cl->running && http_resp_keep_alive(&cc->resp) &&
		     (cl->conf.requests_per_conn == 0 || cc->requests < cl->conf.requests_per_conn);
	if (again)
		cc->want_send = 1;
	else
		cc->want_close = 1;
	queue_action(cl, c);
}

static void parse_failed(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	cl->cnt.err_parse++;
	request_done(cl, cc);
	cc->want_abort = 1;
	queue_action(cl, c);
}

static void on_recv(void *ctx, struct tcp_conn *c, const uint8_t *data, uint32_t len)
{
	struct client *cl = ctx;
	struct client_conn *cc = conn_of(cl, c);

	while (len > 0 && !cc->want_abort) {
		if (!cc->busy) {
			/* bytes nobody asked for: the stream is out of step */
			parse_failed(cl, c, cc);
			return;
		}
		ssize_t n = http_resp_feed(&cc->resp, data, len);
		if (n < 0) {
			parse_failed(cl, c, cc);
			return;
		}
		data += n;
		len -= (uint32_t)n;
		if (http_resp_done(&cc->resp))
			response_complete(cl, c, cc);
	}
}

static void on_peer_fin(void *ctx, struct tcp_conn *c)
{
	struct client *cl = ctx;
	struct client_conn *cc = conn_of(cl, c);

	if (cc->busy && http_resp_until_close(&cc->resp)) {
		if (http_resp_eof(&cc->resp) == 0 && http_resp_done(&cc->resp)) {
			response_complete(cl, c, cc);
			cc->want_send = 0;
		} else {
			parse_failed(cl, c, cc);
			return;
		}
	} else if (cc->busy) {
		/* closed with a request unanswered */
		cl->cnt.err_reset++;
		request_done(cl, cc);
	}
	cc->want_close = 1;
	queue_action(cl, c);
}

static void count_close_error(struct client *cl, struct client_conn *cc,
			      enum tcp_close_reason why, bool was_busy)
{
	switch (why) {
	case TCP_CLOSE_REFUSED:
	case TCP_CLOSE_SYN_TIMEOUT:
		cl->cnt.err_connect++;
		break;
	case TCP_CLOSE_RESET:
		if (was_busy)
			cl->cnt.err_reset++;
		break;
	case TCP_CLOSE_TIMEOUT:
		if (was_busy)
			cl->cnt.err_timeout++;
		break;
	case TCP_CLOSE_NORMAL:
		if (was_busy)
			cl->cnt.err_reset++;
		break;
	default: /* aborted by us: counted where we decided it */
		break;
	}
	(void)cc;
}

static void on_closed(void *ctx, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct client *cl = ctx;
	struct client_conn *cc = conn_of(cl, c);
	bool was_busy = cc->busy;

	count_close_error(cl, cc, why, was_busy);
	request_done(cl, cc);
	cc->in_use = 0;
	cc->want_send = cc->want_close = cc->want_abort = 0;
	cl->open--;
	cl->cnt.conn_closed++;
}

static void send_request(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	http_resp_init(&cc->resp, cl->head, &cl->conf.limits);
	cc->sent_us = cl->now;
	cc->busy = 1;
	cc->requests++;
	cl->outstanding++;
	cl->cnt.requests++;
	if (tcp_send(cl->tcp, c, (uint32_t)cl->req_len, cl->now) < 0) {
		cl->cnt.err_reset++;
		request_done(cl, cc);
		tcp_abort(cl->tcp, c, cl->now);
	}
}

static void on_established(void *ctx, struct tcp_conn *c)
{
	struct client *cl = ctx;
	struct client_conn *cc = conn_of(cl, c);

	if (cl->running)
		cc->want_send = 1;
	else
		cc->want_close = 1;
	queue_action(cl, c);
}

static void on_acked(void *ctx, struct tcp_conn *c, uint64_t acked_total)
{
	(void)ctx;
	(void)c;
	(void)acked_total;
}

static int tx_trampoline(void *ctx, const struct tcp_seg_out *seg)
{
	struct client *cl = ctx;
	return cl->tx(cl->tx_ctx, seg);
}

static const struct tcp_ops client_tcp_ops = {
	.tx = tx_trampoline,
	.on_established = on_established,
	.on_recv = on_recv,
	.on_acked = on_acked,
	.on_peer_fin = on_peer_fin,
	.on_closed = on_closed,
};

/* Carry out what the callbacks decided, outside the stack. */
static void run_actions(struct client *cl)
{
	for (uint32_t i = 0; i < cl->n_pending; i++) {
		struct tcp_conn *c = tcp_conn_by_id(cl->tcp, cl->pending[i]);
		struct client_conn *cc = &cl->conns[cl->pending[i]];

		cc->pending = 0;
		if (!c || !cc->in_use)
			continue;
		if (cc->want_abort)
			tcp_abort(cl->tcp, c, cl->now);
		else if (cc->want_close)
			tcp_close(cl->tcp, c, cl->now);
		else if (cc->want_send && cl->running)
			send_request(cl, c, cc);
		else if (cc->want_send)
			tcp_close(cl->tcp, c, cl->now);
		cc->want_send = cc->want_close = cc->want_abort = 0;
	}
	cl->n_pending = 0;
}

static void open_connections(struct client *cl)
{
	while (cl->running && cl->open < cl->conf.connections) {
		struct tcp_conn *c;
		if (tcp_connect(cl->tcp, cl->conf.daddr, cl->conf.dport, cl->now, &c) < 0) {
			cl->cnt.conn_port_busy++;
			return;
		}
		struct client_conn *cc = conn_of(cl, c);
		memset(cc, 0, sizeof(*cc));
		cc->in_use = 1;
		cl->open++;
		cl->cnt.conn_opened++;
	}
}

/* Requests unanswered for too long: count a timeout and drop the connection. */
static void sweep_timeouts(struct client *cl)
{
	if (cl->outstanding == 0 || cl->conf.request_timeout_us == 0)
		return;
	for (uint32_t n = 0; n < SWEEP_PER_POLL && n < cl->max_conns; n++) {
		uint32_t id = cl->sweep_pos;
		struct client_conn *cc = &cl->conns[id];

		cl->sweep_pos = (cl->sweep_pos + 1) % cl->max_conns;
		if (cc->in_use && cc->busy && cl->now - cc->sent_us > cl->conf.request_timeout_us) {
			struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);
			cl->cnt.err_timeout++;
			request_done(cl, cc);
			if (c) {
				cc->want_abort = 1;
				queue_action(cl, c);
			}
		}
	}
}

struct client *client_create(const struct client_conf *conf, const struct tcp_params *tp,
			     client_tx_fn tx, void *tx_ctx)
{
	struct client *cl;

	if (!conf->tpl || conf->connections == 0 || conf->connections > tp->max_conns) {
		errno = EINVAL;
		return NULL;
	}
	cl = calloc(1, sizeof(*cl) + tp->max_conns * sizeof(struct client_conn));
	if (!cl)
		return NULL;
	cl->pending = calloc(tp->max_conns, sizeof(uint32_t));
	cl->tcp = tcp_stack_create(tp, &client_tcp_ops, cl);
	if (!cl->pending || !cl->tcp) {
		client_destroy(cl);
		errno = ENOMEM;
		return NULL;
	}
	cl->conf = *conf;
	cl->tx = tx;
	cl->tx_ctx = tx_ctx;
	cl->max_conns = tp->max_conns;
	cl->req = http_template_bytes(conf->tpl, &cl->req_len);
	cl->head = http_template_is_head(conf->tpl);
	hist_init(&cl->lat);
	return cl;
}

void client_destroy(struct client *cl)
{
	if (!cl)
		return;
	if (cl->tcp)
		tcp_stack_destroy(cl->tcp);
	free(cl->pending);
	free(cl);
}

void client_start(struct client *cl, uint64_t now_us)
{
	advance(cl, now_us);
	cl->running = true;
	open_connections(cl);
}

void client_stop(struct client *cl, uint64_t now_us)
{
	advance(cl, now_us);
	cl->running = false;
	/* idle connections close now; busy ones after their response */
	for (uint32_t id = 0; id < cl->max_conns; id++) {
		struct client_conn *cc = &cl->conns[id];
		struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);
		if (cc->in_use && !cc->busy && c && tcp_conn_state(c) == TCP_ESTABLISHED) {
			cc->want_close = 1;
			queue_action(cl, c);
		}
	}
	run_actions(cl);
}

static void close_each(struct client *cl, bool abort)
{
	for (uint32_t id = 0; id < cl->max_conns; id++) {
		struct client_conn *cc = &cl->conns[id];
		struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);
		if (!cc->in_use || !c)
			continue;
		if (cc->busy) {
			cl->cnt.err_timeout++;
			request_done(cl, cc);
		}
		if (abort)
			tcp_abort(cl->tcp, c, cl->now);
		else if (tcp_conn_state(c) == TCP_ESTABLISHED ||
			 tcp_conn_state(c) == TCP_CLOSE_WAIT)
			tcp_close(cl->tcp, c, cl->now);
	}
}

void client_close_all(struct client *cl, uint64_t now_us)
{
	advance(cl, now_us);
	cl->running = false;
	close_each(cl, false);
}

void client_abort_all(struct client *cl, uint64_t now_us)
{
	advance(cl, now_us);
	cl->running = false;
	close_each(cl, true);
}

void client_input(struct client *cl, const struct tcp_seg *seg, uint64_t now_us)
{
	advance(cl, now_us);
	tcp_input(cl->tcp, seg, now_us);
	run_actions(cl);
}

void client_poll(struct client *cl, uint64_t now_us)
{
	advance(cl, now_us);
	tcp_timers_run(cl->tcp, now_us);
	sweep_timeouts(cl);
	run_actions(cl);
	open_connections(cl);
}

/* Every request on a connection is the same template sent back to back, so
 * stream byte `off` is template byte `off % len`; a retransmission of any
 * earlier range regenerates the same bytes. */
void client_fill(struct client *cl, struct tcp_conn *c, uint64_t off, uint32_t len, uint8_t *dst)
{
	size_t pos = (size_t)(off % cl->req_len);

	(void)c;
	while (len > 0) {
		size_t n = cl->req_len - pos;
		if (n > len)
			n = len;
		memcpy(dst, cl->req + pos, n);
		dst += n;
		len -= (uint32_t)n;
		pos = 0;
	}
}

uint32_t client_outstanding(const struct client *cl)
{
	return cl->outstanding;
}

uint32_t client_open_conns(const struct client *cl)
{
	return cl->open;
}

const struct client_counters *client_counters(const struct client *cl)
{
	return &cl->cnt;
}

const struct hist *client_latency(const struct client *cl)
{
	return &cl->lat;
}

struct tcp_stack *client_tcp(struct client *cl)
{
	return cl->tcp;
}
