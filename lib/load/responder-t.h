/* SPDX-License-Identifier: BSD-3-Clause */
/* Types of the built-in HTTP responder (the server role of a worker). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "req-t.h"

#define RESPONDER_MAX_PIPELINE 16 /* responses queued per connection, unacknowledged */

/* What every response looks like; built once, never changed. */
struct responder_conf {
	uint16_t port;	       /* listening port (80) */
	uint16_t status;       /* 200 */
	const char *reason;    /* "OK"; NULL: a standard phrase for the status */
	const char *const *headers; /* extra "Name: value" lines, without CRLF */
	size_t n_headers;
	uint64_t body_size;	     /* body bytes of a GET response */
	bool chunked;		     /* Transfer-Encoding: chunked instead of Content-Length */
	uint32_t chunk_size;	     /* chunked: data bytes per chunk; 0 = 4096 */
	uint32_t keepalive_requests; /* answer N requests, the last with Connection: close; 0 = no limit */
	uint64_t delay_us;	     /* answer each request this long after it arrived */
	struct http_limits limits;   /* request head limits; zero fields take the defaults */
};

/*
 * Counters. Every complete request gets exactly one response, so once the
 * responder is idle requests == responses; a malformed request is counted
 * as a parse error and answered with 400 (a response too) before closing.
 */
struct responder_counters {
	uint64_t requests;	   /* complete requests parsed */
	uint64_t responses;	   /* responses handed to TCP (400s included) */
	uint64_t body_bytes;	   /* body bytes of those responses (decoded size) */
	uint64_t parse_errors;	   /* malformed requests, and requests cut by FIN */
	uint64_t conn_accepted;	   /* connections handed over by the stack */
	uint64_t conn_closed;	   /* of those, ended (any reason) */
	uint64_t conn_reset;	   /* ended by the peer's RST or a timeout */
	uint64_t keepalive_closes; /* closed by us after keepalive_requests */
	uint64_t pipeline_overflow; /* more than RESPONDER_MAX_PIPELINE queued: aborted */
	uint64_t delayed;	   /* responses held for delay_us */
	uint64_t ignored_bytes;	   /* bytes after the request that ends the connection */
};
