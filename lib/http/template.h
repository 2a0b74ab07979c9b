/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Request templates: the bytes of one HTTP/1.1 request, built once and never
 * modified, so TCP can regenerate any range of the send stream from
 * (template, offset) instead of keeping send buffers.
 *
 *   METHOD SP path SP HTTP/1.1 CRLF
 *   Host: host[:port] CRLF
 *   <extra headers, in order> CRLF each
 *   [Content-Length: n CRLF]    when there is a body, or for POST/PUT/PATCH
 *   [Connection: close CRLF]    when spec.close; keep-alive otherwise
 *   CRLF
 *   body
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_template;

struct http_template_spec {
	const char *method;	    /* token, e.g. "GET" (case-sensitive) */
	const char *path;	    /* origin form, starting with '/' */
	const char *host;	    /* Host header: name or address */
	uint16_t port;		    /* appended to Host unless 0 or 80 */
	const char *const *headers; /* "Name: value" lines, without CRLF */
	size_t n_headers;
	const uint8_t *body;
	size_t body_len;
	bool close; /* send "Connection: close" */
};

/** Build a template. NULL with errno: EINVAL for a bad method, path, host or
 * header (CR/LF or control characters, no "Name:", or a Host, Content-Length,
 * Transfer-Encoding or Connection header, which the template sets itself);
 * ENOMEM. */
struct http_template *http_template_create(const struct http_template_spec *spec);
void http_template_free(struct http_template *t);

/** The request bytes; *len gets their count. Valid until http_template_free(). */
const uint8_t *http_template_bytes(const struct http_template *t, size_t *len);

/** Copy up to n bytes starting at offset off into dst (a retransmission);
 * returns the bytes copied, 0 when off is at or past the end. */
size_t http_template_copy(const struct http_template *t, size_t off, void *dst, size_t n);

/** The request is HEAD: its response has no body (for http_resp_init()). */
bool http_template_is_head(const struct http_template *t);
