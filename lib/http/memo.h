/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A parse memo for message heads, one per worker and parser kind.
 *
 * Under load a peer sends the same head again and again: a server its
 * response head (nginx changes only its Date header, once a second), drench
 * its request template. The memo keeps the head of a message parsed whole
 * from a fresh parser and the parser's state right after it; a later message
 * on any connection of the worker whose bytes begin with that same head, on
 * a fresh parser in the same state, takes that state instead of parsing the
 * head again. The state is what the parser computes from those exact bytes,
 * so the outcome is the same as parsing; the body is parsed as always.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HTTP_MEMO_HEAD 512 /* longer heads are parsed every time */
#define HTTP_MEMO_STATE 48 /* parser state bytes, at most */

/* What the memo needs of a parser; its state must begin with its
 * `const struct http_limits *lim`. */
struct http_parser_ops {
	size_t size; /* of the parser state */
	ssize_t (*feed)(void *p, const uint8_t *data, size_t len);
	bool (*idle)(const void *p);       /* no byte of a message yet */
	bool (*head_done)(const void *p);  /* the (final) head is parsed */
	uint32_t (*head_bytes)(const void *p);
	uint64_t (*body_bytes)(const void *p);
};

extern const struct http_parser_ops http_resp_ops; /* resp.c */
extern const struct http_parser_ops http_req_ops;  /* req.c */

struct http_memo {
	const struct http_parser_ops *ops;
	uint16_t len;           /* head bytes; 0: empty */
	uint16_t misses;        /* fresh heads in a row that differed */
	uint64_t hits, learned; /* for tests and benchmarks */
	uint8_t fresh[HTTP_MEMO_STATE]; /* the fresh parser it applies to */
	uint8_t after[HTTP_MEMO_STATE]; /* the parser right after the head */
	uint8_t head[HTTP_MEMO_HEAD];
};

void http_memo_init(struct http_memo *m, const struct http_parser_ops *ops);

/** ops->feed() through the memo: same return values, same outcome. */
ssize_t http_memo_feed(struct http_memo *m, void *parser, const uint8_t *data, size_t len);
