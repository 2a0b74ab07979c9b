/* SPDX-License-Identifier: BSD-3-Clause */
/* Types of the HTTP client that runs on each worker lcore. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "resp.h"
#include "vars.h"
#include "match-t.h"
#include "template.h"
#include "hist-t.h"
#include "counter-table.h"

/* Status classes counted separately; anything else (1xx final, 6xx...) is "other". */
/* request templates a client can mix */
#define CLIENT_MAX_TEMPLATES 64

enum client_status_class { CLIENT_2XX, CLIENT_3XX, CLIENT_4XX, CLIENT_5XX, CLIENT_OTHER,
			   CLIENT_CLASS_COUNT };

/*
 * Every request that was issued ends in exactly one of: a response (counted by
 * status class) or a request error (timeout, reset, parse). So at the end
 * requests == sum(responses) + err_timeout + err_reset + err_parse, and
 * nothing vanishes. Connection errors happen before any request.
 * A validation failure is a response that also broke an expectation.
 */
/* Scalar counters as X(field, "group", "key", "help"): the group is the
 * object of a phase in report.json ("" the phase itself, NULL none). */
#define CLIENT_COUNTERS(X) \
	X(requests, "", "requests", "requests sent") \
	X(err_connect, "errors", "connect", "connections that failed to open") \
	X(err_timeout, "errors", "timeout", "requests that timed out") \
	X(err_reset, "errors", "reset", "requests cut by a reset or a close") \
	X(err_parse, "errors", "parse", "responses that could not be parsed") \
	X(err_validation, "errors", "validation", "responses that broke an expectation") \
	X(body_bytes, "", "body_bytes", "response body bytes") \
	X(conn_opened, "connections", "opened", "connections opened") \
	X(conn_closed, "connections", "closed", "connections closed") \
	X(conn_port_busy, "connections", "port_busy", "opens TCP refused: no free (address, port)") \
	X(conn_unused, "connections", "unused", "connections closed before any request") \
	X(port_waits, "connections", "port_waits", "opens that waited: every (address, port) taken") \
	X(port_wait_us, "connections", "port_wait_us", "microseconds those waits lasted in all") \
	X(delayed, "", "delayed", "open loop: requests due while no connection was free") \
	X(body_checked, NULL, "body_checked", "responses whose body went through the matcher")

struct client_counters {
	CLIENT_COUNTERS(COUNTER_TABLE_MEMBER)
	uint64_t responses[CLIENT_CLASS_COUNT];
	uint64_t requests_by_tpl[CLIENT_MAX_TEMPLATES]; /* requests sent, per template */
};

/* Servers one client connects to, and the routes (a target or a group of
 * them) requests name. */
#define CLIENT_MAX_DESTS 16
#define CLIENT_MAX_ROUTES 16

/*
 * What happened at one server, kept apart from client_counters: each
 * request, response and error of a connection is also counted at the server
 * the connection went to, so over the servers they add up to the totals.
 */
#define CLIENT_TARGET_COUNTERS(X) \
	X(requests, "", "requests", "requests sent to the server") \
	X(err_connect, "errors", "connect", "connections to the server that failed to open") \
	X(err_timeout, "errors", "timeout", "requests to the server that timed out") \
	X(err_reset, "errors", "reset", "requests to the server cut by a reset or a close") \
	X(err_parse, "errors", "parse", "responses from the server that could not be parsed") \
	X(err_validation, "errors", "validation", "responses that broke an expectation") \
	X(conn_opened, "", "connections_opened", "connections opened to the server")

struct client_target_counters {
	CLIENT_TARGET_COUNTERS(COUNTER_TABLE_MEMBER)
	uint64_t responses[CLIENT_CLASS_COUNT];
};

/* a server connections may go to */
struct client_dest {
	uint32_t daddr; /* host order; an IPv6 server's low 32 bits */
	uint16_t dport;
	const struct net_ip6 *daddr6; /* NULL: IPv4 */
};

/* What a request names: one server, or a group whose connections are spread
 * over its members by smooth weighted round robin (all weights 1: in turn). */
struct client_route {
	uint8_t member[CLIENT_MAX_DESTS]; /* indices in client_conf.dests */
	uint32_t weight[CLIENT_MAX_DESTS];
	uint8_t n_members;
};

/* A request template with what its response must satisfy. */
struct client_template {
	const struct http_template *tpl;
	uint32_t status_classes;     /* allowed classes, bit c for cxx; 0: not checked */
	const struct match_db *match; /* body expectations (hyperscan); NULL: none */
	/* with ${...} variables: the request bytes with the fields zeroed, and
	 * where the fields are (load/vars.h); else NULL and the template's bytes */
	const uint8_t *bytes;
	size_t len;
	const struct vars_field *vars;
	uint16_t n_vars;
	uint8_t route; /* index in client_conf.routes: where its connections go */
};

struct client_conf {
	uint32_t daddr; /* host order; the one server when n_dests is 0 */
	const struct net_ip6 *daddr6; /* that server's IPv6 address (daddr its low 32 bits); NULL: IPv4 */
	uint16_t dport;
	const struct client_dest *dests; /* n_dests servers, or NULL: daddr:dport only */
	uint8_t n_dests;
	const struct client_route *routes; /* n_routes (templates name them), or NULL */
	uint8_t n_routes;
	const struct client_template *tpls;
	uint16_t n_tpls;
	uint16_t max_pipeline;       /* requests in flight per connection, at most */
	uint64_t request_timeout_us; /* a request unanswered this long is a timeout error */
	uint32_t rate_max_conns;     /* open loop and cps: connections open at once, at most */
	uint64_t seed;               /* request mix choices, ${rand} */
	uint32_t lcore;              /* for ${lcore} */
	struct http_limits limits;   /* zero fields take the parser's defaults */
};

enum client_model {
	CLIENT_CLOSED, /* level = connections kept open, each `pipeline` requests in flight */
	CLIENT_RATE,   /* level = requests per second, on a schedule (open loop) */
	CLIENT_CPS,    /* level = new connections per second, requests_per_conn each */
	CLIENT_IDLE,   /* no new requests */
};

/* One phase as a worker runs it; levels are this worker's share. */
struct client_phase {
	enum client_model model;
	double from, to;             /* level at the start and at the end (linear ramp) */
	uint64_t duration_us;
	uint16_t pipeline;           /* CLOSED: requests in flight per connection (>= 1) */
	uint32_t requests_per_conn;  /* then close; 0 = keep-alive forever */
	uint64_t think_us;           /* CLOSED: wait between a response and the next request */
	uint32_t max_conns;          /* RATE, CPS: open at once at most; 0 = rate_max_conns */
	const uint16_t *mix_tpl;     /* templates of the mix ... */
	const uint32_t *mix_cum;     /* ... and their cumulative weights */
	uint16_t n_mix;
};

/* A request in flight, oldest first in its connection's ring. */
struct client_req {
	uint64_t start_off;   /* its first byte in the connection's send stream */
	uint64_t intended_us; /* open loop: the schedule's time; else the send time */
	uint64_t sent_us;
	uint64_t seq; /* request number on this client, for ${seq} and ${rand} */
	uint16_t tpl;
};

/* Per connection; the array is indexed by tcp_conn_id(). */
struct client_conn {
	struct http_resp resp;
	struct match_stream *ms; /* body matcher stream of template ms_tpl, or NULL */
	uint16_t ms_tpl;
	uint64_t stream_len; /* bytes queued on the send stream so far */
	uint32_t requests;   /* requests sent on this connection */
	uint16_t head;       /* oldest request in flight, index in its ring */
	uint16_t inflight;   /* requests in flight */
	uint8_t in_use : 1;  /* a connection of ours occupies the slot */
	uint8_t established : 1;
	uint8_t pending : 1; /* queued for an action after tcp_input returns */
	uint8_t want_close : 1;
	uint8_t want_abort : 1;
	uint8_t want_send : 1;
	uint8_t idle_listed : 1; /* in the idle stack (open loop) */
	uint8_t closing : 1;     /* we gave up on it: late bytes are ignored */
	uint8_t think_over : 1;  /* its think time ended: send now */
	uint8_t route;           /* the requests it carries name this route ... */
	uint8_t dest;            /* ... and it went to this server of it */
	uint32_t idle_next;      /* next in its route's idle list (open loop) */
};
