/* SPDX-License-Identifier: BSD-3-Clause */
/* Types of the incremental HTTP/1.1 response parser (see resp.h, docs/http.md). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define HTTP_DEFAULT_MAX_HEAD_BYTES 8192
#define HTTP_DEFAULT_MAX_HEADERS 100
#define HTTP_DEFAULT_MAX_LINE 8192

struct http_resp;

/*
 * Body bytes, in place, as they are parsed: content-length and close-delimited
 * bodies as received, chunked bodies decoded (data only, no sizes, extensions
 * or CRLF). `data` is only valid during the call. The connection that owns the
 * parser is found with container_of(p, struct my_conn, resp), so the parser
 * carries no per-connection pointer. The callback must not call the parser.
 */
typedef void (*http_body_cb)(void *arg, struct http_resp *p, const uint8_t *data, size_t n);

/*
 * Limits and hooks, shared by every connection of a worker (the parser keeps a
 * pointer to it, so it must outlive the connections). A zero limit means the
 * default; NULL in http_resp_init() means all defaults and no body hook.
 */
struct http_limits {
	uint32_t max_head_bytes; /* status line + headers, and again trailers */
	uint16_t max_headers;	 /* header lines, and again trailer lines */
	uint16_t max_line;	 /* any one line: status, header, chunk size, trailer */
	http_body_cb on_body;	 /* optional */
	void *body_arg;		 /* first argument of on_body (e.g. per-lcore scratch) */
};

/* Why a response was rejected; http_resp_error() names it. */
enum http_resp_err {
	HTTP_ERR_NONE,
	HTTP_ERR_VERSION,	     /* not "HTTP/1.x " */
	HTTP_ERR_STATUS,	     /* not three digits 100..599 */
	HTTP_ERR_REASON,	     /* control character in the reason phrase */
	HTTP_ERR_LINE_END,	     /* CR not followed by LF */
	HTTP_ERR_HEADER_NAME,	     /* empty name, non-token character, no colon */
	HTTP_ERR_HEADER_VALUE,	     /* control character (NUL, ...) in a value */
	HTTP_ERR_OBS_FOLD,	     /* header line continued with leading whitespace */
	HTTP_ERR_CONTENT_LENGTH,     /* not a decimal number, or overflowing 64 bits */
	HTTP_ERR_DUP_CONTENT_LENGTH, /* two Content-Length values that differ */
	HTTP_ERR_CL_TE_CONFLICT,     /* both Content-Length and Transfer-Encoding */
	HTTP_ERR_CHUNK_SIZE,	     /* chunk size missing or not hexadecimal */
	HTTP_ERR_CHUNK_OVERFLOW,     /* chunk size over 64 bits */
	HTTP_ERR_CHUNK_EXT,	     /* control character in a chunk extension */
	HTTP_ERR_CHUNK_END,	     /* chunk data not followed by CRLF */
	HTTP_ERR_HEAD_TOO_LARGE,     /* more than max_head_bytes of headers/trailers */
	HTTP_ERR_TOO_MANY_HEADERS,   /* more than max_headers lines */
	HTTP_ERR_LINE_TOO_LONG,	     /* a line longer than max_line */
	HTTP_ERR_SWITCHING,	     /* 101 Switching Protocols: not for a load generator */
	HTTP_ERR_TRUNCATED,	     /* connection closed inside a response */
	HTTP_ERR_NO_RESPONSE,	     /* connection closed before any byte of a response */
	HTTP_ERR_COUNT,
};

/*
 * Parser state: 48 bytes, lives in every connection. Opaque: use resp.h.
 * Numbers are accumulated in place; nothing of the input is copied.
 */
struct http_resp {
	const struct http_limits *lim;
	uint64_t content_length; /* first Content-Length value seen */
	uint64_t remaining;	 /* number being parsed, then body/chunk bytes left */
	uint64_t body_bytes;	 /* body bytes so far (decoded for chunked) */
	uint32_t head_bytes;	 /* bytes of the current head or trailer section */
	uint16_t line_len;	 /* bytes of the current line so far */
	uint16_t n_headers;	 /* header (or trailer) lines so far */
	uint16_t status;
	uint16_t flags; /* HTTP_RESP_F_* in resp.c */
	uint8_t state;	/* enum in resp.c */
	uint8_t sub;	/* header being parsed and its token candidates */
	uint8_t tok;	/* position in the current value token */
	uint8_t err;	/* enum http_resp_err */
};
