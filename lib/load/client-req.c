/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requests in flight: each connection has a ring of max_pipeline entries,
 * oldest first. The send stream of a connection is its requests back to back,
 * each an immutable template, so any byte of it is regenerated from the ring
 * (TRex's pull model): nothing is buffered for (re)transmission.
 */
#include <string.h>

#include <stddef.h>

#include "client-priv.h"
#include "match.h"
#include "hist.h"

struct client_req *client_req_at(struct client *cl, uint32_t id, uint16_t i)
{
	return &cl->reqs[(size_t)id * cl->conf.max_pipeline + i % cl->conf.max_pipeline];
}

static const uint8_t *template_bytes(const struct client_template *t, size_t *len)
{
	if (t->bytes) {
		*len = t->len;
		return t->bytes;
	}
	return http_template_bytes(t->tpl, len);
}

/* A response starts: the parser for its request, and a matcher stream when
 * its template has body expectations (reused while the template stays). */
static void begin_response(struct client *cl, struct client_conn *cc, const struct client_req *r)
{
	const struct client_template *t = &cl->conf.tpls[r->tpl];

	http_resp_init(&cc->resp, http_template_is_head(t->tpl), &cl->conf.limits);
	if (!t->match)
		return;
	if (cc->ms && cc->ms_tpl != r->tpl) {
		match_stream_close(cc->ms);
		cc->ms = NULL;
	}
	if (!cc->ms) {
		cc->ms = match_stream_open(t->match);
		cc->ms_tpl = r->tpl;
	}
}

void client_forget_conn(struct client *cl, struct client_conn *cc)
{
	(void)cl;
	if (cc->ms) {
		match_stream_close(cc->ms);
		cc->ms = NULL;
	}
}

void client_on_body(void *arg, struct http_resp *p, const uint8_t *data, size_t n)
{
	struct client *cl = arg;
	struct client_conn *cc = (struct client_conn *)((char *)p - offsetof(struct client_conn, resp));

	if (cc->ms)
		match_stream_feed(cc->ms, cl->scr[cc->ms_tpl], data, n);
}

/* Does the body meet its template's expectations? true when it has none. */
static bool body_ok(struct client *cl, struct client_conn *cc, const struct client_req *r)
{
	struct match_result res;

	if (!cl->conf.tpls[r->tpl].match || !cc->ms)
		return true;
	cl->cnt.body_checked++;
	return match_stream_end(cc->ms, cl->scr[r->tpl], &res) == 0 && res.failed == 0;
}

int client_send_request(struct client *cl, struct tcp_conn *c, uint64_t intended_us)
{
	uint32_t id = tcp_conn_id(c);
	struct client_conn *cc = &cl->conns[id];
	size_t len;

	/* a route this phase's mix leaves out: the connection is not used */
	if (cl->rmix_n[cc->route] == 0)
		return -1;
	uint16_t tpl = client_pick_template(cl, cc->route);

	template_bytes(&cl->conf.tpls[tpl], &len);
	/* record it first: tcp_send() may emit the bytes at once, through client_fill() */
	struct client_req *r = client_req_at(cl, id, (uint16_t)(cc->head + cc->inflight));
	r->start_off = cc->stream_len;
	r->intended_us = intended_us;
	r->sent_us = cl->now;
	r->tpl = tpl;
	r->seq = cl->next_seq;
	if (cc->inflight == 0)
		begin_response(cl, cc, r);
	cc->inflight++;
	if (tcp_send(cl->tcp, c, (uint32_t)len, cl->now) < 0) {
		cc->inflight--;
		return -1;
	}
	cc->stream_len += len;
	cl->next_seq++;
	cl->cnt.requests_by_tpl[tpl]++;
	cc->requests++;
	cl->outstanding++;
	cl->cnt.requests++;
	client_tc(cl, cc)->requests++;
	return 0;
}

/* Forget every request in flight on cc; returns how many there were. */
uint32_t client_drop_requests(struct client *cl, struct client_conn *cc)
{
	uint32_t n = cc->inflight;

	cl->outstanding -= n;
	cc->head = (uint16_t)((cc->head + n) % cl->conf.max_pipeline);
	cc->inflight = 0;
	return n;
}

/* Requests in flight are contiguous on the stream, oldest first. Bytes
 * before the oldest belong to answered requests: only a late retransmission
 * asks for them, the peer already has them, so zeros do. */
void client_fill(struct client *cl, struct tcp_conn *c, uint64_t off, uint32_t len, uint8_t *dst)
{
	uint32_t id = tcp_conn_id(c);
	struct client_conn *cc = &cl->conns[id];

	for (uint16_t i = 0; i < cc->inflight && len > 0; i++) {
		struct client_req *r = client_req_at(cl, id, (uint16_t)(cc->head + i));
		const struct client_template *t = &cl->conf.tpls[r->tpl];
		size_t tlen;
		const uint8_t *bytes = template_bytes(t, &tlen);
		if (r->start_off + tlen <= off)
			continue;
		if (off < r->start_off) {
			uint32_t gap = (uint32_t)(r->start_off - off) < len ?
					       (uint32_t)(r->start_off - off) : len;
			memset(dst, 0, gap);
			dst += gap;
			off += gap;
			len -= gap;
		}
		size_t pos = (size_t)(off - r->start_off);
		uint32_t n = (uint32_t)(tlen - pos) < len ? (uint32_t)(tlen - pos) : len;
		memcpy(dst, bytes + pos, n);
		if (t->n_vars) {
			struct vars_ctx ctx = {.seq = r->seq, .conn = id, .lcore = cl->conf.lcore,
					       .seed = cl->conf.seed};
			vars_patch(t->vars, t->n_vars, &ctx, pos, n, dst);
		}
		dst += n;
		off += n;
		len -= n;
	}
	memset(dst, 0, len);
}

static bool status_allowed(const struct client_template *t, int status)
{
	unsigned cls = (unsigned)status / 100;

	return t->status_classes == 0 || (cls < 32 && (t->status_classes & (1u << cls)));
}

static void record_response(struct client *cl, struct client_conn *cc, uint32_t id)
{
	struct client_req *r = client_req_at(cl, id, cc->head);
	int status = http_resp_status(&cc->resp);
	unsigned cls = status >= 200 && status < 600 ? (unsigned)status / 100 - 2 : CLIENT_OTHER;
	struct client_target_counters *tc = client_tc(cl, cc);

	cl->cnt.responses[cls]++;
	tc->responses[cls]++;
	cl->cnt.body_bytes += http_resp_body_bytes(&cc->resp);
	bool body = body_ok(cl, cc, r);
	if (!status_allowed(&cl->conf.tpls[r->tpl], status) || !body) {
		cl->cnt.err_validation++;
		tc->err_validation++;
	}
	hist_record(cl->lat, cl->now - r->intended_us);
	if (cl->tlat)
		hist_record(&cl->tlat[cc->dest], cl->now - r->intended_us);
	if (cl->lat_uncorrected != cl->lat)
		hist_record(cl->lat_uncorrected, cl->now - r->sent_us);
	cc->head = (uint16_t)((cc->head + 1) % cl->conf.max_pipeline);
	cc->inflight--;
	cl->outstanding--;
}

/* The next response on the connection starts: set the parser for its request. */
static void expect_next(struct client *cl, struct client_conn *cc, uint32_t id)
{
	struct client_req *r = client_req_at(cl, id, cc->head);

	if (cc->inflight)
		begin_response(cl, cc, r);
}

static void response_complete(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	uint32_t id = tcp_conn_id(c);
	bool keep = http_resp_keep_alive(&cc->resp);

	record_response(cl, cc, id);
	expect_next(cl, cc, id);
	if (!keep) {
		/* the server closes: what else is in flight will fail with the close */
		cc->want_close = 1;
	} else {
		cc->want_send = 1;
	}
	client_queue_action(cl, c);
}

static void parse_failed(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	struct client_target_counters *tc = client_tc(cl, cc);

	cl->cnt.err_parse++;
	tc->err_parse++;
	cc->head = (uint16_t)((cc->head + 1) % cl->conf.max_pipeline);
	cc->inflight--;
	cl->outstanding--;
	/* the rest of the pipeline cannot be parsed either */
	uint32_t lost = client_drop_requests(cl, cc);
	cl->cnt.err_reset += lost;
	tc->err_reset += lost;
	cc->want_abort = 1;
	client_queue_action(cl, c);
}

void client_on_data(struct client *cl, struct tcp_conn *c, const uint8_t *data, uint32_t len)
{
	struct client_conn *cc = client_conn_of(cl, c);

	if (cc->closing)
		return;
	while (len > 0 && !cc->want_abort) {
		if (cc->inflight == 0) {
			/* bytes nobody asked for: count against the connection and drop it */
			cl->cnt.err_parse++;
			client_tc(cl, cc)->err_parse++;
			cc->want_abort = 1;
			client_queue_action(cl, c);
			return;
		}
		ssize_t n = http_memo_feed(&cl->memo, &cc->resp, data, len);
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

/* The peer closed its side. Returns true when the connection should close. */
bool client_peer_fin(struct client *cl, struct tcp_conn *c)
{
	struct client_conn *cc = client_conn_of(cl, c);

	if (cc->inflight && http_resp_until_close(&cc->resp)) {
		if (http_resp_eof(&cc->resp) == 0 && http_resp_done(&cc->resp)) {
			record_response(cl, cc, tcp_conn_id(c));
		} else {
			parse_failed(cl, c, cc);
			return false;
		}
	}
	/* anything still in flight was never answered */
	uint32_t lost = client_drop_requests(cl, cc);
	cl->cnt.err_reset += lost;
	client_tc(cl, cc)->err_reset += lost;
	return true;
}
