/* SPDX-License-Identifier: BSD-3-Clause */
/* Connections of the client: TCP callbacks, the queue of actions carried out
 * after the stack returns, opening and closing. See client.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client-priv.h"
#include "match.h"
#include "hist.h"

/* Timeouts are swept once a millisecond, a slice of the table each time, so
 * the whole table is covered about every second whatever its size. */
#define SWEEP_EVERY_US 1000
#define SWEEP_MIN 64
#define CLOSING_MAX 4096          /* our FINs in flight at the end */
#define CLOSE_SCAN_PER_POLL 65536 /* table entries looked at per poll at the end */

/* Callers pass TSC time read at different moments (per segment, per poll
 * turn); keep the client's clock monotonic so durations never underflow. */
void client_advance(struct client *cl, uint64_t now_us)
{
	if (now_us > cl->now)
		cl->now = now_us;
}

struct client_conn *client_conn_of(struct client *cl, const struct tcp_conn *c)
{
	return &cl->conns[tcp_conn_id(c)];
}

void client_queue_action(struct client *cl, const struct tcp_conn *c)
{
	struct client_conn *cc = client_conn_of(cl, c);

	if (!cc->pending) {
		cc->pending = 1;
		cl->pending[cl->n_pending++] = tcp_conn_id(c);
	}
}

static void on_established(void *ctx, struct tcp_conn *c)
{
	struct client *cl = ctx;
	struct client_conn *cc = client_conn_of(cl, c);

	cc->established = 1;
	cl->connecting--;
	cl->dest_connecting[cc->dest]--;
	client_dest_answered(cl, cc->dest);
	if (++cl->established > cl->established_peak)
		cl->established_peak = cl->established;
	client_model_established(cl, c, cc);
}

static void on_recv(void *ctx, struct tcp_conn *c, const uint8_t *data, uint32_t len)
{
	client_on_data(ctx, c, data, len);
}

static void on_peer_fin(void *ctx, struct tcp_conn *c)
{
	struct client *cl = ctx;

	if (client_peer_fin(cl, c)) {
		client_conn_of(cl, c)->want_close = 1;
		client_queue_action(cl, c);
	}
}

static void on_acked(void *ctx, struct tcp_conn *c, uint64_t acked_total)
{
	(void)ctx;
	(void)c;
	(void)acked_total;
}

/* Requests still in flight when the connection ends are failed requests;
 * a connection that never got established is a connect error. */
static void count_close(struct client *cl, struct client_conn *cc, enum tcp_close_reason why)
{
	uint32_t lost = client_drop_requests(cl, cc);
	struct client_target_counters *tc = client_tc(cl, cc);

	switch (why) {
	case TCP_CLOSE_REFUSED:
	case TCP_CLOSE_SYN_TIMEOUT:
		cl->cnt.err_connect++;
		tc->err_connect++;
		client_dest_failed(cl, cc->dest);
		break;
	case TCP_CLOSE_TIMEOUT:
		cl->cnt.err_timeout += lost;
		tc->err_timeout += lost;
		break;
	case TCP_CLOSE_ABORTED: /* by us: counted where we decided it */
		break;
	default:
		cl->cnt.err_reset += lost;
		tc->err_reset += lost;
		break;
	}
}

static void on_closed(void *ctx, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct client *cl = ctx;
	struct client_conn *cc = client_conn_of(cl, c);

	count_close(cl, cc, why);
	client_forget_conn(cl, cc);
	client_think_cancel(cl, tcp_conn_id(c));
	if (!cc->established) {
		cl->connecting--;
		cl->dest_connecting[cc->dest]--;
	}
	else
		cl->established--;
	if (cc->established && cc->requests == 0)
		cl->cnt.conn_unused++;
	if (cc->closing)
		cl->closing--;
	cc->in_use = cc->established = 0;
	cc->want_send = cc->want_close = cc->want_abort = 0;
	cl->open--;
	cl->cnt.conn_closed++;
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

static void close_or_abort(struct client *cl, struct tcp_conn *c, bool abort)
{
	struct client_conn *cc = client_conn_of(cl, c);

	if (!cc->closing) {
		cc->closing = 1;
		cl->closing++;
	}
	if (abort)
		tcp_abort(cl->tcp, c, cl->now);
	else if (tcp_conn_state(c) == TCP_ESTABLISHED || tcp_conn_state(c) == TCP_CLOSE_WAIT)
		tcp_close(cl->tcp, c, cl->now);
}

/* Carry out what the callbacks decided, outside the stack. */
void client_run_actions(struct client *cl)
{
	for (uint32_t i = 0; i < cl->n_pending; i++) {
		uint32_t id = cl->pending[i];
		struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);
		struct client_conn *cc = &cl->conns[id];
		bool abort = cc->want_abort, close = cc->want_close, send = cc->want_send;

		cc->pending = cc->want_send = cc->want_close = cc->want_abort = 0;
		if (!c || !cc->in_use)
			continue;
		if (abort || close)
			close_or_abort(cl, c, abort);
		else if (send && !client_model_next(cl, c, cc) && cc->inflight == 0)
			close_or_abort(cl, c, false);
	}
	cl->n_pending = 0;
}

/* A wait for a port starts at the first open that finds none and lasts
 * until one succeeds; the load models try again every poll turn meanwhile. */
static void port_wait_account(struct client *cl, bool got_port)
{
	if (cl->port_waiting)
		cl->cnt.port_wait_us += cl->now - cl->port_wait_mark;
	else if (!got_port)
		cl->cnt.port_waits++;
	cl->port_waiting = !got_port;
	cl->port_wait_mark = cl->now;
}

/* A connection for route: its server is chosen now, and kept. */
bool client_open_one(struct client *cl, uint8_t route)
{
	return client_open_to(cl, route, client_pick_dest(cl, route));
}

/* A connection of route to server d (-1: none may be tried now). */
bool client_open_to(struct client *cl, uint8_t route, int d)
{
	struct tcp_conn *c;

	if (d < 0) /* every server of the route waits after failures */
		return false;
	const struct client_dest *to = &cl->dests[d];
	int rc = to->daddr6 ? tcp_connect6(cl->tcp, to->daddr6, to->dport, cl->now, &c)
			    : tcp_connect(cl->tcp, to->daddr, to->dport, cl->now, &c);
	if (rc < 0) {
		cl->cnt.conn_port_busy++;
		port_wait_account(cl, false);
		return false;
	}
	if (cl->port_waiting)
		port_wait_account(cl, true);
	struct client_conn *cc = client_conn_of(cl, c);
	/* a lazy idle listing of the slot's last connection stays linked */
	uint32_t next = cc->idle_next;
	bool listed = cc->idle_listed;
	memset(cc, 0, sizeof(*cc));
	cc->idle_next = next;
	cc->idle_listed = listed;
	cc->in_use = 1;
	cc->route = route;
	cc->dest = (uint8_t)d;
	cl->open++;
	cl->connecting++;
	cl->dest_connecting[d]++;
	cl->cnt.conn_opened++;
	cl->tcnt[d].conn_opened++;
	return true;
}

/* Requests unanswered for too long: count a timeout and drop the connection. */
static void sweep_timeouts(struct client *cl)
{
	if (cl->outstanding == 0 || cl->conf.request_timeout_us == 0 || cl->now < cl->next_sweep_us)
		return;
	cl->next_sweep_us = cl->now + SWEEP_EVERY_US;
	uint32_t slice = cl->max_conns / 1000 > SWEEP_MIN ? cl->max_conns / 1000 : SWEEP_MIN;
	for (uint32_t n = 0; n < slice && n < cl->max_conns; n++) {
		uint32_t id = cl->sweep_pos;
		struct client_conn *cc = &cl->conns[id];

		cl->sweep_pos = (cl->sweep_pos + 1) % cl->max_conns;
		if (!cc->in_use || cc->inflight == 0)
			continue;
		struct client_req *oldest = client_req_at(cl, id, cc->head);
		struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);
		if (cl->now - oldest->sent_us > cl->conf.request_timeout_us && c) {
			uint32_t lost = client_drop_requests(cl, cc);
			cl->cnt.err_timeout += lost;
			client_tc(cl, cc)->err_timeout += lost;
			cc->want_abort = 1;
			client_queue_action(cl, c);
		}
	}
}

static int client_alloc_matchers(struct client *cl)
{
	cl->scr = calloc(cl->conf.n_tpls, sizeof(*cl->scr));
	if (!cl->scr)
		return -ENOMEM;
	for (uint16_t i = 0; i < cl->conf.n_tpls; i++)
		if (cl->conf.tpls[i].match &&
		    !(cl->scr[i] = match_scratch_create(cl->conf.tpls[i].match)))
			return -ENOMEM;
	cl->conf.limits.on_body = client_on_body;
	cl->conf.limits.body_arg = cl;
	return 0;
}

static int client_alloc(struct client *cl, uint32_t max_conns, uint16_t depth)
{
	cl->conns = calloc(max_conns, sizeof(*cl->conns));
	cl->reqs = calloc((size_t)max_conns * depth, sizeof(*cl->reqs));
	cl->pending = calloc(max_conns, sizeof(*cl->pending));
	return cl->conns && cl->reqs && cl->pending ? 0 : -ENOMEM;
}

struct client *client_create(const struct client_conf *conf, const struct tcp_params *tp,
			     client_tx_fn tx, void *tx_ctx)
{
	struct client *cl;

	if (conf->n_tpls == 0 || conf->n_tpls > CLIENT_MAX_TEMPLATES || !conf->tpls ||
	    tp->max_conns == 0) {
		errno = EINVAL;
		return NULL;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return NULL;
	cl->conf = *conf;
	if (cl->conf.max_pipeline == 0)
		cl->conf.max_pipeline = 1;
	int rc = client_routes_init(cl);
	if (rc == -EINVAL) {
		client_routes_fini(cl);
		free(cl);
		errno = EINVAL;
		return NULL;
	}
	if (rc < 0 || client_alloc(cl, tp->max_conns, cl->conf.max_pipeline) < 0 ||
	    client_alloc_matchers(cl) < 0 || client_think_init(cl, tp->max_conns) < 0 ||
	    !(cl->tcp = tcp_stack_create(tp, &client_tcp_ops, cl))) {
		client_destroy(cl);
		errno = ENOMEM;
		return NULL;
	}
	cl->tx = tx;
	cl->tx_ctx = tx_ctx;
	cl->max_conns = tp->max_conns;
	cl->rng = conf->seed ? conf->seed : 0x9e3779b97f4a7c15ull;
	cl->ph.model = CLIENT_IDLE;
	http_memo_init(&cl->memo, &http_resp_ops);
	hist_init(&cl->lat_all);
	cl->lat = cl->lat_uncorrected = &cl->lat_all;
	return cl;
}

void client_destroy(struct client *cl)
{
	if (!cl)
		return;
	if (cl->tcp)
		tcp_stack_destroy(cl->tcp);
	if (cl->conns)
		for (uint32_t i = 0; i < cl->max_conns; i++)
			client_forget_conn(cl, &cl->conns[i]);
	if (cl->scr)
		for (uint16_t i = 0; i < cl->conf.n_tpls; i++)
			match_scratch_free(cl->scr[i]);
	free(cl->scr);
	client_think_fini(cl);
	free(cl->conns);
	free(cl->reqs);
	free(cl->pending);
	client_routes_fini(cl);
	free(cl);
}

/* At the end, connections close a few thousand at a time (the next ones as
 * the first finish), so that a million FINs do not overflow the rings at
 * once. Busy connections are skipped (they close after their responses)
 * unless close_busy, when their requests count as timeouts. */
static void close_sweep(struct client *cl)
{
	for (uint32_t n = 0; n < CLOSE_SCAN_PER_POLL && cl->close_pos < cl->max_conns &&
			     cl->closing < CLOSING_MAX; n++) {
		uint32_t id = cl->close_pos++;
		struct client_conn *cc = &cl->conns[id];
		struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);
		if (!cc->in_use || !c || cc->closing || (cc->inflight > 0 && !cl->close_busy))
			continue;
		uint32_t lost = client_drop_requests(cl, cc);
		cl->cnt.err_timeout += lost;
		client_tc(cl, cc)->err_timeout += lost;
		close_or_abort(cl, c, false);
	}
}

static void start_close_sweep(struct client *cl, bool close_busy)
{
	cl->stopping = true;
	client_idle_clear(cl);
	cl->close_pos = 0;
	cl->close_busy = close_busy;
	close_sweep(cl);
}

void client_stop(struct client *cl, uint64_t now_us)
{
	client_advance(cl, now_us);
	start_close_sweep(cl, false);
}

void client_close_all(struct client *cl, uint64_t now_us)
{
	client_advance(cl, now_us);
	start_close_sweep(cl, true);
}

static void abort_each(struct client *cl)
{
	for (uint32_t id = 0; id < cl->max_conns; id++) {
		struct client_conn *cc = &cl->conns[id];
		struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);
		if (!cc->in_use || !c)
			continue;
		uint32_t lost = client_drop_requests(cl, cc);
		cl->cnt.err_timeout += lost;
		client_tc(cl, cc)->err_timeout += lost;
		close_or_abort(cl, c, true);
	}
}

void client_abort_all(struct client *cl, uint64_t now_us)
{
	client_advance(cl, now_us);
	cl->stopping = true;
	client_idle_clear(cl);
	abort_each(cl);
}

void client_input(struct client *cl, const struct tcp_seg *seg, uint64_t now_us)
{
	client_advance(cl, now_us);
	tcp_input(cl->tcp, seg, now_us);
	client_run_actions(cl);
}

void client_poll(struct client *cl, uint64_t now_us)
{
	client_advance(cl, now_us);
	tcp_timers_run(cl->tcp, now_us);
	sweep_timeouts(cl);
	client_think_poll(cl);
	client_run_actions(cl);
	if (cl->stopping)
		close_sweep(cl);
	client_model_poll(cl);
	client_run_actions(cl);
}

uint32_t client_outstanding(const struct client *cl)
{
	return cl->outstanding;
}

uint32_t client_open_conns(const struct client *cl)
{
	return cl->open;
}

uint32_t client_established_peak(const struct client *cl)
{
	return cl->established_peak;
}

const struct client_counters *client_counters(const struct client *cl)
{
	return &cl->cnt;
}

const struct client_target_counters *client_target_counters(const struct client *cl, uint8_t d)
{
	return d < cl->n_dests ? &cl->tcnt[d] : NULL;
}

const struct hist *client_target_latency(const struct client *cl, uint8_t d)
{
	return cl->tlat && d < cl->n_dests ? &cl->tlat[d] : NULL;
}

const struct hist *client_latency(const struct client *cl)
{
	return cl->lat;
}

struct tcp_stack *client_tcp(struct client *cl)
{
	return cl->tcp;
}

int client_pattern_counts(const struct client *cl, uint16_t tpl, size_t i, uint64_t *matched,
			  uint64_t *failed)
{
	if (tpl >= cl->conf.n_tpls || !cl->scr[tpl] || i >= match_db_count(cl->conf.tpls[tpl].match))
		return -ENOENT;
	const struct match_counts *mc = match_scratch_counts(cl->scr[tpl], i);
	*matched = mc->matched;
	*failed = mc->failed;
	return 0;
}
