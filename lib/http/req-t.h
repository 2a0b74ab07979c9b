/* SPDX-License-Identifier: BSD-3-Clause */
/* Types of the incremental HTTP/1.1 request-head parser (see req.h). */
#pragma once

#include <stdint.h>

#include "resp-t.h"

/* Methods the responder treats differently; the rest are HTTP_METHOD_OTHER. */
enum http_method {
	HTTP_METHOD_OTHER,
	HTTP_METHOD_GET,
	HTTP_METHOD_HEAD, /* its response has no body */
	HTTP_METHOD_COUNT,
};

/* Why a request was rejected; http_req_error() names it. */
enum http_req_err {
	HTTP_REQ_ERR_NONE,
	HTTP_REQ_ERR_METHOD,		 /* empty method or a non-token character in it */
	HTTP_REQ_ERR_TARGET,		 /* empty request-target or a control character in it */
	HTTP_REQ_ERR_VERSION,		 /* not " HTTP/1.x" then the line end */
	HTTP_REQ_ERR_LINE_END,		 /* CR not followed by LF */
	HTTP_REQ_ERR_HEADER_NAME,	 /* empty name, non-token character, no colon */
	HTTP_REQ_ERR_HEADER_VALUE,	 /* control character in a value */
	HTTP_REQ_ERR_OBS_FOLD,		 /* header line continued with leading whitespace */
	HTTP_REQ_ERR_CONTENT_LENGTH,	 /* not a decimal number, or overflowing 64 bits */
	HTTP_REQ_ERR_DUP_CONTENT_LENGTH, /* two Content-Length values that differ */
	HTTP_REQ_ERR_TRANSFER_ENCODING,	 /* request bodies with a transfer coding: not served */
	HTTP_REQ_ERR_HEAD_TOO_LARGE,	 /* more than max_head_bytes of request head */
	HTTP_REQ_ERR_TOO_MANY_HEADERS,	 /* more than max_headers lines */
	HTTP_REQ_ERR_LINE_TOO_LONG,	 /* a line longer than max_line */
	HTTP_REQ_ERR_TRUNCATED,		 /* connection closed inside a request */
	HTTP_REQ_ERR_COUNT,
};

/*
 * Parser state, 40 bytes, one per server connection. Opaque: use req.h.
 * Limits are the response parser's struct http_limits (its body hook is not
 * used: request bodies are counted and skipped).
 */
struct http_req {
	const struct http_limits *lim;
	uint64_t content_length; /* Content-Length value (0 when absent) */
	uint64_t remaining;	 /* number being parsed, then body bytes left */
	uint32_t head_bytes;	 /* bytes of the request head so far */
	uint16_t line_len;	 /* bytes of the current line so far */
	uint16_t n_headers;
	uint16_t flags; /* REQ_F_* in req.c */
	uint8_t state;	/* enum in req.c */
	uint8_t sub;	/* header being parsed, method or word candidates */
	uint8_t tok;	/* position in the current value token */
	uint8_t method; /* enum http_method */
	uint8_t err;	/* enum http_req_err */
};
