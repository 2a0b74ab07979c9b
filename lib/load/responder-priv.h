/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by responder.c (connections, actions) and
 * responder-resp.c (the response templates). */
#pragma once

#include "responder.h"
#include "memo.h"
#include "req.h"

/* The responses a connection can send; all built at create time. */
enum resp_kind {
	RK_GET,		/* head and body */
	RK_GET_CLOSE,	/* the same with Connection: close (the last on the connection) */
	RK_HEAD,	/* head only */
	RK_HEAD_CLOSE,
	RK_BAD,		/* 400, Connection: close: answer to a malformed request */
	RK_COUNT,
};

/* A body is n_units copies of unit, then tail: for Content-Length a 4 KiB
 * pattern block (whole alphabets) and its remainder; for chunked one whole chunk (size line,
 * data, CRLF) and the last partial chunk with the terminating 0 chunk. */
struct resp_body {
	uint8_t *unit, *tail;
	uint32_t unit_len, tail_len;
	uint64_t n_units;
	uint64_t len;	   /* bytes on the wire */
	uint64_t payload;  /* body bytes a parser counts (decoded) */
};

struct resp_shape {
	uint8_t *head;
	uint32_t head_len;
	bool has_body;
	uint64_t len; /* head + body on the wire */
};

struct resp_set {
	struct resp_shape k[RK_COUNT];
	struct resp_body body;
};

/* Per connection; the array is indexed by tcp_conn_id(). Responses queued
 * and not yet acknowledged sit in a ring of kinds: the oldest starts at stream
 * offset base_off, each of the others right after the one before. */
struct resp_conn {
	struct http_req req;
	uint64_t base_off;   /* stream offset of the oldest response in the ring */
	uint32_t requests;   /* requests answered on this connection */
	uint32_t gen;	     /* tells a reused slot apart in the delay queue */
	uint8_t kinds[RESPONDER_MAX_PIPELINE];
	uint8_t head, count; /* ring: oldest, responses in it */
	uint8_t nsent;	     /* of those, handed to tcp_send (the oldest ones) */
	uint8_t in_use : 1;
	uint8_t pending : 1;	/* queued for an action after tcp_input returns */
	uint8_t want_close : 1; /* FIN once every queued response is sent */
	uint8_t want_abort : 1;
	uint8_t closing : 1;	/* no more requests are read */
	uint8_t fin_sent : 1;	/* tcp_close() done */
};

/* A response held back by delay_us (due times are in arrival order). */
struct resp_delayed {
	uint64_t due_us;
	uint32_t id, gen;
};

struct responder {
	struct responder_conf conf;
	struct tcp_stack *tcp;
	responder_tx_fn tx;
	void *tx_ctx;
	uint64_t now;
	uint32_t max_conns;
	uint32_t open;
	struct resp_set rs;
	struct http_memo memo; /* the last request head, parsed once (http/memo.h) */
	struct responder_counters cnt;
	struct resp_conn *conns;
	uint32_t *pending; /* connection ids with a queued action */
	uint32_t n_pending;
	struct resp_delayed *dq; /* FIFO ring of delayed responses */
	uint32_t dq_cap, dq_head, dq_len;
};

/* responder-resp.c */
int responder_resp_set_build(struct resp_set *rs, const struct responder_conf *conf);
void responder_resp_set_free(struct resp_set *rs);
/* Copy bytes [off, off + n) of a response of kind k; returns the bytes copied
 * (fewer when the response ends first). */
size_t responder_resp_copy(const struct resp_set *rs, enum resp_kind k, uint64_t off, uint8_t *dst,
			   size_t n);
