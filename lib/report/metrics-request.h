/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The request head a /metrics client sends, parsed in place (picohttpparser's
 * convention: nothing copied, results point into the caller's buffer).
 *
 *   request-line = method SP target SP "HTTP/1." DIGIT CRLF
 *   header-field = token ":" *(SP / HTAB / VCHAR / obs-text) CRLF
 *   then an empty line. A bare LF is accepted for CRLF.
 *
 * The parser keeps no state: call it again on the grown buffer.
 */
#pragma once

#include <stddef.h>

#define METRICS_REQUEST_INCOMPLETE (-2)
#define METRICS_REQUEST_BAD (-1)

struct metrics_request {
	const char *method;
	size_t method_len;
	const char *path; /* the target up to '?' */
	size_t path_len;
	int minor_version; /* HTTP/1.x */
};

/** Parse buf[0..len). The head's length (through its empty line) when it is
 * complete, METRICS_REQUEST_INCOMPLETE when more bytes may complete it,
 * METRICS_REQUEST_BAD when no continuation can make it valid. Reads only
 * buf[0..len); req is filled only on success. */
int metrics_request_parse(const char *buf, size_t len, struct metrics_request *req);
