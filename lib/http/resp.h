/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental, zero-copy HTTP/1.x response parser.
 *
 * Bytes arrive in TCP segments of any size and are never buffered: the parser
 * is a byte-oriented state machine that can stop and resume at any byte, and
 * consumes body bytes in bulk. Call order per connection:
 *
 *   http_resp_init(p, is_head, lim);
 *   n = http_resp_feed(p, data, len);   -1: error, close the connection
 *   if (http_resp_done(p)) { count it; maybe http_resp_init() and feed data + n }
 *   on FIN: http_resp_eof(p)            completes a close-delimited body
 *
 * Informational responses (100, 102, 103) are skipped and parsing goes on to
 * the final response; 101 is an error. See docs/http.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "resp-t.h"

/** Reset p for the next response on the connection. head_request: the request
 * was HEAD, so the response has no body whatever its headers say. lim may be
 * NULL (defaults); otherwise it must outlive p. */
void http_resp_init(struct http_resp *p, bool head_request, const struct http_limits *lim);

/** Feed bytes. Returns bytes consumed, 0..len: all of them while the response
 * is incomplete ("need more"), or up to and including the last byte of one
 * complete response (then http_resp_done() is true; the rest belongs to the
 * next response). Returns 0 when already done. Returns -1 on a malformed
 * response or an exceeded limit, and keeps returning -1; http_resp_error()
 * names why. Never reads data[len] or beyond. */
ssize_t http_resp_feed(struct http_resp *p, const uint8_t *data, size_t len);

/** The peer closed the connection (FIN). Completes a close-delimited body and
 * returns 0 (also when already done); otherwise -1 with HTTP_ERR_TRUNCATED, or
 * HTTP_ERR_NO_RESPONSE when not one byte of the response had arrived. */
int http_resp_eof(struct http_resp *p);

/** A complete response was parsed. */
bool http_resp_done(const struct http_resp *p);

/** Status code of the final response once its status line is parsed, else 0
 * (1xx codes show only while their own head is being parsed). */
int http_resp_status(const struct http_resp *p);

/** The connection may carry another response: false on "Connection: close",
 * on HTTP/1.0 without "Connection: keep-alive", and for close-delimited bodies.
 * Meaningful once the headers are parsed. */
bool http_resp_keep_alive(const struct http_resp *p);

/** Bytes of the final response's head (status line, headers, empty line)
 * once it is parsed; of the head so far before. */
uint32_t http_resp_head_bytes(const struct http_resp *p);

/** Body bytes so far: decoded data for chunked, 0 for HEAD, 204 and 304. */
uint64_t http_resp_body_bytes(const struct http_resp *p);

/** The body ends when the peer closes: the caller calls http_resp_eof() on FIN. */
bool http_resp_until_close(const struct http_resp *p);

/** The headers of the final response are complete (the body may follow). */
bool http_resp_headers_done(const struct http_resp *p);

/** No byte of this response has arrived yet (an idle keep-alive connection). */
bool http_resp_idle(const struct http_resp *p);

/** Why the last feed or eof failed. */
enum http_resp_err http_resp_errcode(const struct http_resp *p);

/** Text of http_resp_errcode(): "none" when there is no error. */
const char *http_resp_error(const struct http_resp *p);

/** Text of an error code (also for logs and telemetry). */
const char *http_resp_err_str(enum http_resp_err err);
