/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load models: when to open connections and when to send requests.
 *  CLOSED  keep level() connections open, each with `pipeline` requests in
 *          flight; a response makes room for the next request, at once or
 *          after the think time (client-think.c). At most CONNECTING_MAX
 *          handshakes at a time, as a kernel's SYN backlog would: a million
 *          SYNs at once would only overflow the rings and come back by RTO.
 *  RATE    requests on the open-loop schedule; each goes out on an idle
 *          connection, timed from its intended send time; when none is idle
 *          more are opened (up to rate_max_conns) and the request waits,
 *          counted as delayed, never skipped. Each route (client-route.c)
 *          has its own schedule at its share of the level, and its own idle
 *          connections, so a server that stops answering delays its own
 *          requests only.
 *  CPS     connection opens on the schedule; each connection sends
 *          requests_per_conn requests and closes.
 *  IDLE    nothing new; open connections stay open.
 */
#include <math.h>

#include "client-priv.h"

#define OPEN_PER_POLL 64
#define CONNECTING_MAX 1024

double client_level(const struct client *cl)
{
	const struct client_phase *ph = &cl->ph;
	double frac = 1.0;

	if (ph->duration_us > 0 && cl->now < cl->ph_start + ph->duration_us)
		frac = (double)(cl->now - cl->ph_start) / (double)ph->duration_us;
	return ph->from + (ph->to - ph->from) * frac;
}

void client_idle_push(struct client *cl, uint32_t id)
{
	struct client_conn *cc = &cl->conns[id];

	if (!cc->idle_listed) {
		cc->idle_listed = 1;
		cc->idle_next = cl->idle_head[cc->route][cc->dest];
		cl->idle_head[cc->route][cc->dest] = id;
		cl->n_idle++;
	}
}

/* Listings are dropped lazily: a connection that closed, or whose slot now
 * holds a connection of another route, is skipped (and listed again on its
 * own route when it is idle there). */
static struct tcp_conn *client_idle_pop(struct client *cl, uint8_t route, uint8_t dest)
{
	uint32_t *head = &cl->idle_head[route][dest];

	while (*head != CLIENT_IDLE_END) {
		uint32_t id = *head;
		struct client_conn *cc = &cl->conns[id];
		struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);

		*head = cc->idle_next;
		cc->idle_listed = 0;
		cl->n_idle--;
		if (!c || !cc->in_use || !cc->established || cc->inflight || cc->pending)
			continue;
		if (cc->route == route && cc->dest == dest)
			return c;
		client_idle_push(cl, id);
	}
	return NULL;
}

static bool quota_used(const struct client *cl, const struct client_conn *cc)
{
	return cl->ph.requests_per_conn && cc->requests >= cl->ph.requests_per_conn;
}

static bool closed_next(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	uint16_t depth = cl->ph.pipeline ? cl->ph.pipeline : 1;

	if (depth > cl->conf.max_pipeline)
		depth = cl->conf.max_pipeline;
	/* ramping down: connections beyond the level close when idle */
	if (cc->inflight == 0 && cl->open - cl->closing > cl->closed_target)
		return false;
	if (cc->inflight == 0 && cc->requests > 0 && cl->ph.think_us && !cc->think_over) {
		if (!client_thinking(cl, tcp_conn_id(c)))
			client_think_start(cl, c);
		return true;
	}
	cc->think_over = 0;
	while (cc->inflight < depth && !quota_used(cl, cc))
		if (client_send_request(cl, c, cl->now) < 0)
			break;
	return cc->inflight > 0;
}

static bool rate_next(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	if (cc->inflight > 0)
		return true;
	struct schedule *sc = &cl->sched[cc->route];
	if (schedule_next(sc, cl->now) > 0 && client_due_dest(cl, cc->route) == cc->dest) {
		cl->due_dest[cc->route] = -1;
		if (client_send_request(cl, c, schedule_take(sc)) < 0)
			return false;
		return true;
	}
	client_idle_push(cl, tcp_conn_id(c));
	return true;
}

bool client_model_next(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	if (!cc->established)
		return true;
	if (cl->stopping || (cc->inflight == 0 && quota_used(cl, cc)))
		return cc->inflight > 0;
	switch (cl->ph.model) {
	case CLIENT_CLOSED:
		return closed_next(cl, c, cc);
	case CLIENT_RATE:
		return rate_next(cl, c, cc);
	case CLIENT_CPS:
		if (cc->inflight == 0 && client_send_request(cl, c, cl->now) < 0)
			return false;
		return true;
	case CLIENT_IDLE:
	default:
		if (cc->inflight == 0)
			client_idle_push(cl, tcp_conn_id(c));
		return true;
	}
}

/* The first requests go out from inside the stack's callback (tcp_send is
 * allowed there; nothing else is done in it), so the first carries the ACK
 * of the SYN-ACK: one frame fewer per connection. */
void client_model_established(struct client *cl, struct tcp_conn *c, struct client_conn *cc)
{
	if (!client_model_next(cl, c, cc) && cc->inflight == 0) {
		cc->want_close = 1;
		client_queue_action(cl, c);
	}
}

/* The closed loop's connection count, taken once per poll turn: every
 * response checks it, and a double and lround each time showed in perf. */
static void closed_poll(struct client *cl)
{
	uint32_t target = (uint32_t)lround(client_level(cl));

	cl->closed_target = target;
	for (int n = 0; n < OPEN_PER_POLL && cl->open - cl->closing < target &&
			cl->connecting < CONNECTING_MAX; n++)
		if (!client_open_one(cl, client_pick_route(cl)))
			break;
}

static uint32_t max_conns(const struct client *cl)
{
	return cl->ph.max_conns ? cl->ph.max_conns : cl->conf.rate_max_conns;
}

static void rate_poll_route(struct client *cl, uint8_t r)
{
	struct schedule *sc = &cl->sched[r];
	uint64_t due = schedule_next(sc, cl->now);
	struct tcp_conn *c;

	int d;

	while (due > 0 && (d = client_due_dest(cl, r)) >= 0 &&
	       (c = client_idle_pop(cl, r, (uint8_t)d))) {
		cl->due_dest[r] = -1;
		client_send_request(cl, c, schedule_take(sc));
		due--;
	}
	/* connections being opened will take requests when established; the
	 * first to the server the next request waits for */
	for (int n = 0; n < OPEN_PER_POLL && due > cl->connecting &&
			cl->open < max_conns(cl); n++)
		if (!client_open_to(cl, r, n == 0 && cl->due_dest[r] >= 0 ? cl->due_dest[r] :
							      client_pick_dest(cl, r)))
			break;
	cl->cnt.delayed += schedule_defer(sc, cl->now);
}

static void rate_poll(struct client *cl)
{
	for (uint8_t r = 0; r < cl->n_routes; r++)
		rate_poll_route(cl, r);
}

static void cps_poll(struct client *cl)
{
	uint64_t due = schedule_next(&cl->sched[0], cl->now);

	for (; due > 0 && cl->open < max_conns(cl); due--) {
		if (!client_open_one(cl, client_pick_route(cl)))
			break;
		schedule_take(&cl->sched[0]);
	}
	cl->cnt.delayed += schedule_defer(&cl->sched[0], cl->now);
}

void client_model_poll(struct client *cl)
{
	if (cl->stopping)
		return;
	switch (cl->ph.model) {
	case CLIENT_CLOSED:
		closed_poll(cl);
		break;
	case CLIENT_RATE:
		rate_poll(cl);
		break;
	case CLIENT_CPS:
		cps_poll(cl);
		break;
	default:
		break;
	}
}

void client_set_phase(struct client *cl, const struct client_phase *ph, struct hist *lat,
		      struct hist *lat_uncorrected, uint64_t now_us)
{
	client_advance(cl, now_us);
	cl->ph = *ph;
	cl->ph_start = cl->now;
	cl->closed_target = (uint32_t)lround(client_level(cl));
	cl->lat = lat ? lat : &cl->lat_all;
	cl->lat_uncorrected = lat_uncorrected ? lat_uncorrected : cl->lat;
	client_routes_set_mix(cl, ph);
	if (ph->model == CLIENT_CPS)
		schedule_init(&cl->sched[0], ph->from, ph->to, ph->duration_us, cl->now, 1e6);
	for (uint8_t r = 0; ph->model == CLIENT_RATE && r < cl->n_routes; r++) {
		double share = client_route_share(cl, r);
		schedule_init(&cl->sched[r], ph->from * share, ph->to * share, ph->duration_us,
			      cl->now, 1e6);
	}
	/* idle connections get a say in the new model at once */
	for (uint8_t r = 0; r < cl->n_routes; r++)
		for (uint8_t d = 0; d < cl->n_dests; d++) {
			for (uint32_t id = cl->idle_head[r][d]; id != CLIENT_IDLE_END;) {
				struct client_conn *cc = &cl->conns[id];
				struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);
				id = cc->idle_next;
				cc->idle_listed = 0;
				if (c && cc->in_use) {
					cc->want_send = 1;
					client_queue_action(cl, c);
				}
			}
			cl->idle_head[r][d] = CLIENT_IDLE_END;
		}
	cl->n_idle = 0;
	client_run_actions(cl);
}
