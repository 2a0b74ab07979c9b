/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by client.c (connections), client-req.c (requests in
 * flight) and client-model.c (load models). */
#pragma once

#include "memo.h"
#include "client.h"
#include "schedule.h"

struct client {
	struct client_conf conf;
	struct tcp_stack *tcp;
	client_tx_fn tx;
	void *tx_ctx;
	uint64_t now;
	uint32_t max_conns;
	uint32_t open;        /* connections in use */
	uint32_t outstanding; /* requests awaiting a response */
	uint32_t connecting;  /* connections opened, not yet established */
	uint32_t established, established_peak; /* now, and the most at once */
	uint32_t closed_target; /* CLOSED: connections to keep, as of the last poll turn */
	uint32_t closing;     /* connections we are closing */
	bool stopping;        /* no new requests; close when idle */
	bool close_busy;      /* the closing sweep also closes busy connections */
	uint32_t close_pos;   /* where the closing sweep goes on */
	uint32_t sweep_pos;
	uint64_t next_sweep_us; /* request timeouts are checked once a millisecond */
	bool port_waiting;      /* the last open found no free port */
	uint64_t port_wait_mark; /* when port_wait_us was last brought up to date */
	uint64_t rng;
	uint64_t next_seq; /* request numbers for ${seq} */
	struct client_counters cnt;
	struct hist lat_all; /* where latencies go when a phase gives no histogram */

	/* the current phase */
	struct client_phase ph;
	uint64_t ph_start;
	struct hist *lat, *lat_uncorrected;
	/* RATE: each route's requests (its share of the level), so a route
	 * whose server is gone delays only its own; CPS: [0], connection opens */
	struct schedule sched[CLIENT_MAX_ROUTES];

	/* connections with room for a request (open loop): a stack per route
	 * and server, linked through client_conn.idle_next */
	uint32_t idle_head[CLIENT_MAX_ROUTES][CLIENT_MAX_DESTS];
	uint32_t n_idle; /* connections listed */

	/* servers and routes: the conf's, or the one daddr:dport */
	struct client_dest dests[CLIENT_MAX_DESTS];
	struct client_route routes[CLIENT_MAX_ROUTES];
	uint8_t n_dests, n_routes;
	/* smooth weighted round robin credits: of new connections, and (open
	 * loop) of requests; due_dest: the server the next due request of a
	 * route goes to, drawn once and kept until it is sent (-1: not drawn) */
	int64_t wrr[CLIENT_MAX_ROUTES][CLIENT_MAX_DESTS];
	int64_t wrr_req[CLIENT_MAX_ROUTES][CLIENT_MAX_DESTS];
	int16_t due_dest[CLIENT_MAX_ROUTES];
	struct client_target_counters tcnt[CLIENT_MAX_DESTS];
	/* a server that refused or never answered a SYN is not tried again
	 * before retry_at; the wait doubles up to a second, and ends when a
	 * connection to it is established */
	uint64_t retry_at[CLIENT_MAX_DESTS], retry_wait[CLIENT_MAX_DESTS];
	uint32_t dest_connecting[CLIENT_MAX_DESTS]; /* handshakes under way, per server */
	struct hist *tlat; /* per server, the whole run; NULL with one server */
	/* the phase's mix split by route: each route's weight (cumulative), and
	 * its templates with their cumulative weights */
	uint32_t route_cum[CLIENT_MAX_ROUTES];
	uint16_t rmix_tpl[CLIENT_MAX_ROUTES][CLIENT_MAX_TEMPLATES];
	uint32_t rmix_cum[CLIENT_MAX_ROUTES][CLIENT_MAX_TEMPLATES];
	uint16_t rmix_n[CLIENT_MAX_ROUTES];

	struct http_memo memo; /* the last response head, parsed once (http/memo.h) */
	struct match_scratch **scr; /* per template with a matcher: this lcore's scratch */
	struct timer_wheel *think; /* CLOSED with think time: one timer per connection */
	uint32_t *pending; /* connection ids with a queued action */
	uint32_t n_pending;
	struct client_req *reqs; /* max_conns rings of max_pipeline entries */
	struct client_conn *conns;
};

/* client.c */
void client_advance(struct client *cl, uint64_t now_us);
struct client_conn *client_conn_of(struct client *cl, const struct tcp_conn *c);
void client_queue_action(struct client *cl, const struct tcp_conn *c);
void client_run_actions(struct client *cl);
bool client_open_one(struct client *cl, uint8_t route);
bool client_open_to(struct client *cl, uint8_t route, int dest);

/* client-route.c */
#define CLIENT_IDLE_END UINT32_MAX
int client_routes_init(struct client *cl);
void client_routes_fini(struct client *cl);
void client_routes_set_mix(struct client *cl, const struct client_phase *ph);
uint8_t client_pick_route(struct client *cl);
double client_route_share(const struct client *cl, uint8_t r);
int client_pick_dest(struct client *cl, uint8_t route);
int client_due_dest(struct client *cl, uint8_t route);
void client_dest_failed(struct client *cl, uint8_t d);
void client_dest_answered(struct client *cl, uint8_t d);
uint16_t client_pick_template(struct client *cl, uint8_t route);
uint64_t client_rand(struct client *cl);
struct client_target_counters *client_tc(struct client *cl, const struct client_conn *cc);
void client_idle_clear(struct client *cl);

/* client-think.c */
int client_think_init(struct client *cl, uint32_t max_conns);
void client_think_fini(struct client *cl);
void client_think_start(struct client *cl, const struct tcp_conn *c);
bool client_thinking(const struct client *cl, uint32_t id);
void client_think_cancel(struct client *cl, uint32_t id);
void client_think_poll(struct client *cl);

/* client-req.c */
struct client_req *client_req_at(struct client *cl, uint32_t id, uint16_t i);
int client_send_request(struct client *cl, struct tcp_conn *c, uint64_t intended_us);
void client_on_data(struct client *cl, struct tcp_conn *c, const uint8_t *data, uint32_t len);
bool client_peer_fin(struct client *cl, struct tcp_conn *c);
uint32_t client_drop_requests(struct client *cl, struct client_conn *cc);
void client_forget_conn(struct client *cl, struct client_conn *cc);
void client_on_body(void *arg, struct http_resp *p, const uint8_t *data, size_t n);

/* client-model.c */
double client_level(const struct client *cl);
void client_model_poll(struct client *cl);
/* a connection finished a response and may take more; returns true if it did */
bool client_model_next(struct client *cl, struct tcp_conn *c, struct client_conn *cc);
void client_model_established(struct client *cl, struct tcp_conn *c, struct client_conn *cc);
void client_idle_push(struct client *cl, uint32_t id);
