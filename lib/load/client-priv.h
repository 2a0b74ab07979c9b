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
	struct schedule sched; /* RATE: requests; CPS: connection opens */

	/* connections with room for a request (open loop), as a stack */
	uint32_t *idle;
	uint32_t n_idle;

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
bool client_open_one(struct client *cl);

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
