/* SPDX-License-Identifier: BSD-3-Clause */
/* Request head parser for the /metrics endpoint (metrics-request.h). */
#include "metrics-request.h"

#include <stdbool.h>
#include <string.h>

/* RFC 9110 tchar */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* visible ASCII, as a request target may hold */
static bool is_vchar(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

/* field value bytes: SP, HTAB, VCHAR and obs-text */
static bool is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

struct cursor {
	const char *p, *end;
};

/* Skip bytes while ok(); then the next byte must be `stop`, which is skipped.
 * 0, or an error code. An empty run is BAD. */
static int run_until(struct cursor *c, bool (*ok)(unsigned char), char stop)
{
	const char *start = c->p;

	while (c->p < c->end && ok((unsigned char)*c->p))
		c->p++;
	if (c->p == c->end)
		return METRICS_REQUEST_INCOMPLETE;
	if (c->p == start || *c->p != stop)
		return METRICS_REQUEST_BAD;
	c->p++;
	return 0;
}

/* CRLF or LF */
static int line_end(struct cursor *c)
{
	if (c->p == c->end)
		return METRICS_REQUEST_INCOMPLETE;
	if (*c->p == '\r') {
		if (c->p + 1 == c->end)
			return METRICS_REQUEST_INCOMPLETE;
		if (c->p[1] != '\n')
			return METRICS_REQUEST_BAD;
		c->p += 2;
		return 0;
	}
	if (*c->p != '\n')
		return METRICS_REQUEST_BAD;
	c->p++;
	return 0;
}

static int version(struct cursor *c, int *minor)
{
	static const char lit[] = "HTTP/1.";

	for (size_t i = 0; i < sizeof(lit) - 1; i++, c->p++) {
		if (c->p == c->end)
			return METRICS_REQUEST_INCOMPLETE;
		if (*c->p != lit[i])
			return METRICS_REQUEST_BAD;
	}
	if (c->p == c->end)
		return METRICS_REQUEST_INCOMPLETE;
	if (*c->p < '0' || *c->p > '9')
		return METRICS_REQUEST_BAD;
	*minor = *c->p++ - '0';
	return line_end(c);
}

static int request_line(struct cursor *c, struct metrics_request *r)
{
	int rc;

	r->method = c->p;
	if ((rc = run_until(c, is_tchar, ' ')) < 0)
		return rc;
	r->method_len = (size_t)(c->p - 1 - r->method);
	r->path = c->p;
	if ((rc = run_until(c, is_vchar, ' ')) < 0)
		return rc;
	size_t target_len = (size_t)(c->p - 1 - r->path);
	const char *query = memchr(r->path, '?', target_len);
	r->path_len = query != NULL ? (size_t)(query - r->path) : target_len;
	return version(c, &r->minor_version);
}

/* "name: value" lines until the empty line */
static int headers(struct cursor *c)
{
	for (;;) {
		int rc;

		if (c->p == c->end)
			return METRICS_REQUEST_INCOMPLETE;
		if (*c->p == '\r' || *c->p == '\n')
			return line_end(c);
		/* a line starting with SP or HTAB (obs-fold) fails here: not a tchar */
		if ((rc = run_until(c, is_tchar, ':')) < 0)
			return rc;
		while (c->p < c->end && is_value_char((unsigned char)*c->p))
			c->p++;
		if ((rc = line_end(c)) < 0)
			return rc;
	}
}

int metrics_request_parse(const char *buf, size_t len, struct metrics_request *req)
{
	struct cursor c = {buf, buf + len};
	struct metrics_request r;
	int rc;

	if ((rc = request_line(&c, &r)) < 0 || (rc = headers(&c)) < 0)
		return rc;
	if (c.p - buf > 0x7fffffff)
		return METRICS_REQUEST_BAD;
	*req = r;
	return (int)(c.p - buf);
}
