/* SPDX-License-Identifier: BSD-3-Clause */
/* Types of the HTTP client that runs on each worker lcore. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "http/resp.h"
#include "http/template.h"
#include "stats/hist-t.h"

/* Status classes counted separately; anything else (1xx final, 6xx...) is "other". */
enum client_status_class { CLIENT_2XX, CLIENT_3XX, CLIENT_4XX, CLIENT_5XX, CLIENT_OTHER,
			   CLIENT_CLASS_COUNT };

/*
 * Every request that was issued ends in exactly one of: a response (counted by
 * status class) or a request error (timeout, reset, parse). So at the end
 * requests == sum(responses) + err_timeout + err_reset + err_parse, and
 * nothing vanishes. Connection errors happen before any request.
 * A validation failure is a response that also broke an expectation.
 */
struct client_counters {
	uint64_t requests;
	uint64_t responses[CLIENT_CLASS_COUNT];
	uint64_t err_connect, err_timeout, err_reset, err_parse, err_validation;
	uint64_t body_bytes;
	uint64_t conn_opened, conn_closed, conn_port_busy;
};

struct client_conf {
	uint32_t daddr; /* host order */
	uint16_t dport;
	const struct http_template *tpl;
	uint32_t connections;        /* closed loop: connections kept open */
	uint64_t request_timeout_us; /* a request unanswered this long is a timeout error */
	uint32_t requests_per_conn;  /* 0 = unlimited keep-alive */
	struct http_limits limits; /* zero fields take the parser's defaults */
};

/* Per connection; the array is indexed by tcp_conn_id(). */
struct client_conn {
	struct http_resp resp;
	uint64_t sent_us;    /* when the outstanding request was sent */
	uint32_t requests;   /* requests sent on this connection */
	uint8_t in_use : 1;  /* a connection of ours occupies the slot */
	uint8_t busy : 1;    /* a request is outstanding */
	uint8_t pending : 1; /* queued for an action after tcp_input returns */
	uint8_t want_close : 1;
	uint8_t want_abort : 1;
	uint8_t want_send : 1;
};
