/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's connections: TCP callbacks parse requests and queue
 * responses; the actions (send, close, abort) run once the stack has
 * returned. See responder.h.
 *
 * Invariants: every complete request queues exactly one response (the 400
 * for a malformed one too); responses leave the ring only when acknowledged;
 * a connection closes (FIN) only once every queued response is sent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "responder-priv.h"

#define MAX_BODY (64ull << 20) /* a full pipeline must stay under TCP's 1 GiB in flight */

static struct resp_conn *conn_of(struct responder *r, const struct tcp_conn *c)
{
	return &r->conns[tcp_conn_id(c)];
}

static void queue_action(struct responder *r, const struct tcp_conn *c)
{
	struct resp_conn *rc = conn_of(r, c);

	if (!rc->pending) {
		rc->pending = 1;
		r->pending[r->n_pending++] = tcp_conn_id(c);
	}
}

static uint8_t ring_at(const struct resp_conn *rc, unsigned i)
{
	return rc->kinds[(rc->head + i) % RESPONDER_MAX_PIPELINE];
}

/* ---- requests in, responses queued ---- */

static void delay_push(struct responder *r, const struct tcp_conn *c, const struct resp_conn *rc)
{
	struct resp_delayed *d = &r->dq[(r->dq_head + r->dq_len) % r->dq_cap];

	d->due_us = r->now + r->conf.delay_us;
	d->id = tcp_conn_id(c);
	d->gen = rc->gen;
	r->dq_len++;
	r->cnt.delayed++;
}

static void answer(struct responder *r, struct tcp_conn *c, struct resp_conn *rc,
		   enum resp_kind k)
{
	if (rc->count == RESPONDER_MAX_PIPELINE) {
		r->cnt.pipeline_overflow++;
		rc->want_abort = 1;
		rc->closing = 1;
		queue_action(r, c);
		return;
	}
	rc->kinds[(rc->head + rc->count) % RESPONDER_MAX_PIPELINE] = (uint8_t)k;
	rc->count++;
	if (r->conf.delay_us)
		delay_push(r, c, rc); /* the ring bounds the queue: it never fills */
	queue_action(r, c);
}

/* Which response a complete request gets; the last one says close. */
static enum resp_kind kind_for(struct responder *r, struct resp_conn *rc)
{
	bool head = http_req_method(&rc->req) == HTTP_METHOD_HEAD;
	bool limit = r->conf.keepalive_requests && rc->requests >= r->conf.keepalive_requests;
	bool close = limit || !http_req_keep_alive(&rc->req);

	if (close) {
		rc->closing = 1;
		rc->want_close = 1;
		if (limit && http_req_keep_alive(&rc->req))
			r->cnt.keepalive_closes++;
	}
	if (head)
		return close ? RK_HEAD_CLOSE : RK_HEAD;
	return close ? RK_GET_CLOSE : RK_GET;
}

static void on_recv(void *ctx, struct tcp_conn *c, const uint8_t *data, uint32_t len)
{
	struct responder *r = ctx;
	struct resp_conn *rc = conn_of(r, c);

	while (len > 0 && rc->in_use) {
		if (rc->closing) { /* after the request that ends the connection */
			r->cnt.ignored_bytes += len;
			return;
		}
		ssize_t n = http_memo_feed(&r->memo, &rc->req, data, len);
		if (n < 0) {
			r->cnt.parse_errors++;
			rc->closing = 1;
			rc->want_close = 1;
			answer(r, c, rc, RK_BAD);
			return;
		}
		data += n;
		len -= (uint32_t)n;
		if (!http_req_done(&rc->req))
			return;
		r->cnt.requests++;
		rc->requests++;
		answer(r, c, rc, kind_for(r, rc));
		http_req_init(&rc->req, &r->conf.limits);
	}
}

/* ---- TCP callbacks ---- */

static void on_established(void *ctx, struct tcp_conn *c)
{
	struct responder *r = ctx;
	struct resp_conn *rc = conn_of(r, c);
	uint32_t gen = rc->gen + 1;

	memset(rc, 0, sizeof(*rc));
	rc->gen = gen;
	rc->in_use = 1;
	http_req_init(&rc->req, &r->conf.limits);
	r->open++;
	r->cnt.conn_accepted++;
}

/* Responses wholly acknowledged leave the ring. */
static void on_acked(void *ctx, struct tcp_conn *c, uint64_t acked_total)
{
	struct responder *r = ctx;
	struct resp_conn *rc = conn_of(r, c);

	while (rc->nsent > 0) {
		uint64_t len = r->rs.k[rc->kinds[rc->head]].len;
		if (rc->base_off + len > acked_total)
			break;
		rc->base_off += len;
		rc->head = (uint8_t)((rc->head + 1) % RESPONDER_MAX_PIPELINE);
		rc->count--;
		rc->nsent--;
	}
}

/* The client is done sending: answer what it asked, then close. */
static void on_peer_fin(void *ctx, struct tcp_conn *c)
{
	struct responder *r = ctx;
	struct resp_conn *rc = conn_of(r, c);

	if (!rc->closing && http_req_eof(&rc->req) < 0)
		r->cnt.parse_errors++; /* it stopped inside a request */
	rc->closing = 1;
	rc->want_close = 1;
	queue_action(r, c);
}

static void on_closed(void *ctx, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct responder *r = ctx;
	struct resp_conn *rc = conn_of(r, c);

	if (!rc->in_use)
		return;
	rc->in_use = 0;
	rc->count = rc->nsent = 0;
	r->open--;
	r->cnt.conn_closed++;
	if (why == TCP_CLOSE_RESET || why == TCP_CLOSE_TIMEOUT)
		r->cnt.conn_reset++;
}

static int tx_trampoline(void *ctx, const struct tcp_seg_out *seg)
{
	struct responder *r = ctx;
	return r->tx(r->tx_ctx, seg);
}

static const struct tcp_ops responder_tcp_ops = {
	.tx = tx_trampoline,
	.on_established = on_established,
	.on_recv = on_recv,
	.on_acked = on_acked,
	.on_peer_fin = on_peer_fin,
	.on_closed = on_closed,
};

/* ---- actions, outside the stack ---- */

/* Hand the next n queued responses to TCP in one call; when they are the
 * last ones of a closing connection the FIN rides on them. Inlined: an
 * out-of-line call cost about 14 instructions per keep-alive transaction
 * (callgrind on loopback_bench). */
static inline __attribute__((always_inline)) void send_next(struct responder *r, struct tcp_conn *c, struct resp_conn *rc, unsigned n)
{
	uint64_t bytes = 0, body = 0;
	bool last = __builtin_expect(rc->want_close, 0) && !rc->fin_sent &&
		    rc->nsent + n == rc->count;

	for (unsigned i = 0; i < n; i++) {
		const struct resp_shape *sh = &r->rs.k[ring_at(rc, rc->nsent + i)];
		bytes += sh->len;
		body += sh->has_body ? r->rs.body.payload : 0;
	}
	int err = last ? tcp_send_close(r->tcp, c, (uint32_t)bytes, r->now)
		       : tcp_send(r->tcp, c, (uint32_t)bytes, r->now);
	if (err < 0)
		return; /* the connection is going away: its on_closed follows */
	if (last)
		rc->fin_sent = 1;
	rc->nsent = (uint8_t)(rc->nsent + n);
	r->cnt.responses += n;
	r->cnt.body_bytes += body;
}

static void maybe_close(struct responder *r, struct tcp_conn *c, struct resp_conn *rc)
{
	if (!rc->want_close || rc->fin_sent || rc->nsent != rc->count)
		return;
	enum tcp_state st = tcp_conn_state(c);
	if (st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT) {
		rc->fin_sent = 1;
		tcp_close(r->tcp, c, r->now);
	}
}

static void run_actions(struct responder *r)
{
	for (uint32_t i = 0; i < r->n_pending; i++) {
		uint32_t id = r->pending[i];
		struct resp_conn *rc = &r->conns[id];
		struct tcp_conn *c = tcp_conn_by_id(r->tcp, id);

		rc->pending = 0;
		if (!c || !rc->in_use)
			continue;
		if (rc->want_abort) {
			tcp_abort(r->tcp, c, r->now);
			continue;
		}
		if (!r->conf.delay_us && rc->nsent < rc->count)
			send_next(r, c, rc, rc->count - rc->nsent);
		maybe_close(r, c, rc);
	}
	r->n_pending = 0;
}

static void run_delayed(struct responder *r)
{
	while (r->dq_len > 0 && r->dq[r->dq_head].due_us <= r->now) {
		struct resp_delayed d = r->dq[r->dq_head];
		struct resp_conn *rc = &r->conns[d.id];
		struct tcp_conn *c = tcp_conn_by_id(r->tcp, d.id);

		r->dq_head = (r->dq_head + 1) % r->dq_cap;
		r->dq_len--;
		if (!c || !rc->in_use || rc->gen != d.gen || rc->nsent == rc->count)
			continue;
		send_next(r, c, rc, 1);
		maybe_close(r, c, rc);
	}
}

static void advance(struct responder *r, uint64_t now_us)
{
	if (now_us > r->now)
		r->now = now_us;
}

void responder_input(struct responder *r, const struct tcp_seg *seg, uint64_t now_us)
{
	advance(r, now_us);
	tcp_input(r->tcp, seg, now_us);
	run_actions(r);
}

void responder_poll(struct responder *r, uint64_t now_us)
{
	advance(r, now_us);
	tcp_timers_run(r->tcp, now_us);
	run_actions(r);
	if (r->dq_len)
		run_delayed(r);
}

void responder_fill(struct responder *r, struct tcp_conn *c, uint64_t off, uint32_t len,
		    uint8_t *dst)
{
	const struct resp_conn *rc = conn_of(r, c);
	uint64_t pos = rc->base_off;

	for (unsigned i = 0; i < rc->count && len > 0; i++) {
		enum resp_kind k = ring_at(rc, i);
		uint64_t end = pos + r->rs.k[k].len;
		if (off < end) {
			size_t n = responder_resp_copy(&r->rs, k, off - pos, dst, len);
			dst += n;
			off += n;
			len -= (uint32_t)n;
		}
		pos = end;
	}
	if (len > 0) /* never: TCP only names bytes it was given */
		memset(dst, 0, len);
}

/* ---- lifecycle ---- */

static void each_conn(struct responder *r, bool abort)
{
	for (uint32_t id = 0; id < r->max_conns; id++) {
		struct resp_conn *rc = &r->conns[id];
		struct tcp_conn *c = tcp_conn_by_id(r->tcp, id);
		if (!c || !rc->in_use)
			continue;
		if (abort) {
			tcp_abort(r->tcp, c, r->now);
			continue;
		}
		rc->closing = 1;
		rc->want_close = 1;
		queue_action(r, c);
	}
	run_actions(r);
}

void responder_close_all(struct responder *r, uint64_t now_us)
{
	advance(r, now_us);
	each_conn(r, false);
}

void responder_abort_all(struct responder *r, uint64_t now_us)
{
	advance(r, now_us);
	each_conn(r, true);
	/* half-open connections are the stack's: reset them too */
	for (uint32_t id = 0; id < r->max_conns; id++) {
		struct tcp_conn *c = tcp_conn_by_id(r->tcp, id);
		if (c)
			tcp_abort(r->tcp, c, r->now);
	}
}

static int responder_alloc(struct responder *r)
{
	r->conns = calloc(r->max_conns, sizeof(*r->conns));
	r->pending = calloc(r->max_conns, sizeof(*r->pending));
	if (r->conf.delay_us) {
		r->dq_cap = r->max_conns * RESPONDER_MAX_PIPELINE;
		r->dq = calloc(r->dq_cap, sizeof(*r->dq));
		if (!r->dq)
			return -ENOMEM;
	}
	return r->conns && r->pending ? 0 : -ENOMEM;
}

struct responder *responder_create(const struct responder_conf *conf,
				   const struct tcp_params *tp, responder_tx_fn tx, void *tx_ctx)
{
	struct responder *r;
	int rc;

	if (!conf || !tp || !tx || conf->body_size > MAX_BODY) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->conf = *conf;
	http_memo_init(&r->memo, &http_req_ops);
	r->tx = tx;
	r->tx_ctx = tx_ctx;
	rc = responder_resp_set_build(&r->rs, conf);
	if (rc == 0 && !(r->tcp = tcp_stack_create(tp, &responder_tcp_ops, r)))
		rc = -errno;
	if (rc == 0)
		rc = tcp_listen(r->tcp, conf->port);
	if (rc == 0) {
		r->max_conns = tcp_stack_capacity(r->tcp);
		rc = responder_alloc(r);
	}
	if (rc < 0) {
		responder_destroy(r);
		errno = -rc;
		return NULL;
	}
	return r;
}

void responder_destroy(struct responder *r)
{
	if (!r)
		return;
	if (r->tcp)
		tcp_stack_destroy(r->tcp);
	responder_resp_set_free(&r->rs);
	free(r->conns);
	free(r->pending);
	free(r->dq);
	free(r);
}

uint32_t responder_open_conns(const struct responder *r)
{
	return r->open;
}

const struct responder_counters *responder_counters(const struct responder *r)
{
	return &r->cnt;
}

struct tcp_stack *responder_tcp(struct responder *r)
{
	return r->tcp;
}

uint64_t responder_response_len(const struct responder *r)
{
	return r->rs.k[RK_GET].len;
}
