/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental, zero-copy HTTP/1.x request parser, for the built-in responder.
 *
 * Same conventions as the response parser (resp.h): bytes arrive in TCP
 * segments of any size, nothing is buffered or copied, the parser stops and
 * resumes at any byte. Call order per server connection:
 *
 *   http_req_init(p, lim);
 *   n = http_req_feed(p, data, len);   -1: error, answer 400 or close
 *   if (http_req_done(p)) { answer it; http_req_init() and feed data + n }
 *   on FIN: http_req_eof(p)            -1 when the peer stopped inside a request
 *
 * Request line "METHOD SP request-target SP HTTP/1.x", header fields, then a
 * Content-Length body (counted and skipped). Empty lines before a request
 * line are ignored (RFC 9112 2.2). Transfer-Encoding in a request is refused:
 * the responder serves load generators, which send Content-Length bodies.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "req-t.h"

/** Reset p for the next request. lim may be NULL (defaults); otherwise it
 * must outlive p. */
void http_req_init(struct http_req *p, const struct http_limits *lim);

/** Feed bytes. Returns bytes consumed, 0..len: all of them while the request is
 * incomplete, or up to and including the last byte of one complete request
 * (then http_req_done() is true; the rest belongs to the next request).
 * Returns 0 when already done. Returns -1 on a malformed request or an
 * exceeded limit, and keeps returning -1. Never reads data[len] or beyond. */
ssize_t http_req_feed(struct http_req *p, const uint8_t *data, size_t len);

/** The peer closed (FIN): 0 between requests (or when done), -1 with
 * HTTP_REQ_ERR_TRUNCATED inside one. */
int http_req_eof(struct http_req *p);

/** A complete request was parsed (head and body). */
bool http_req_done(const struct http_req *p);

/** No byte of a request has arrived yet (empty lines before it do not count). */
bool http_req_idle(const struct http_req *p);

/** The request head is complete (the body may follow). */
bool http_req_headers_done(const struct http_req *p);

/** Method, meaningful once the request line is parsed. */
enum http_method http_req_method(const struct http_req *p);

/** The client allows another request on the connection: false with
 * "Connection: close", and for HTTP/1.0 without "Connection: keep-alive".
 * Meaningful once the headers are parsed. */
bool http_req_keep_alive(const struct http_req *p);

/** Content-Length of the request (0 when absent). */
uint64_t http_req_content_length(const struct http_req *p);

/** Body bytes consumed so far. */
uint64_t http_req_body_bytes(const struct http_req *p);

/** Bytes of the request head (line, headers, empty line) parsed so far. */
uint32_t http_req_head_bytes(const struct http_req *p);

enum http_req_err http_req_errcode(const struct http_req *p);
/** Text of http_req_errcode(): "none" when there is no error. */
const char *http_req_error(const struct http_req *p);
const char *http_req_err_str(enum http_req_err err);
