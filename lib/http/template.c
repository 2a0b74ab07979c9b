/* SPDX-License-Identifier: BSD-3-Clause */
/* Building immutable request templates. */
#include "template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct http_template {
	size_t len;
	bool is_head;
	uint8_t bytes[]; /* the request, not NUL-terminated */
};

static bool is_token(const char *s, size_t len)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c != '\0' && strchr(extra, c) != NULL)))
			return false;
	}
	return true;
}

/* visible ASCII, no space: request-target and Host */
static bool is_visible(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* field-value: no control characters other than HTAB (so no CR/LF injection) */
static bool is_field_value(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

static bool header_is_ours(const char *name, size_t len)
{
	static const char *const ours[] = {"host", "content-length", "transfer-encoding",
					   "connection"};

	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (strlen(ours[i]) == len && strncasecmp(name, ours[i], len) == 0)
			return true;
	return false;
}

static bool header_is_valid(const char *h)
{
	const char *colon = h != NULL ? strchr(h, ':') : NULL;

	return colon != NULL && is_token(h, (size_t)(colon - h)) &&
	       !header_is_ours(h, (size_t)(colon - h)) && is_field_value(colon + 1);
}

static bool spec_is_valid(const struct http_template_spec *s)
{
	if (s == NULL || s->method == NULL || s->path == NULL || s->host == NULL)
		return false;
	if (!is_token(s->method, strlen(s->method)) || s->path[0] != '/' || !is_visible(s->path) ||
	    s->host[0] == '\0' || !is_visible(s->host))
		return false;
	if ((s->n_headers > 0 && s->headers == NULL) || (s->body_len > 0 && s->body == NULL))
		return false;
	for (size_t i = 0; i < s->n_headers; i++)
		if (!header_is_valid(s->headers[i]))
			return false;
	return true;
}

static bool needs_content_length(const struct http_template_spec *s)
{
	return s->body_len > 0 || strcmp(s->method, "POST") == 0 || strcmp(s->method, "PUT") == 0 ||
	       strcmp(s->method, "PATCH") == 0;
}

/* Write the head into buf (or only measure it when buf is NULL); returns its length. */
static size_t format_head(const struct http_template_spec *s, char *buf, size_t size)
{
	size_t n = 0;

#define PUT(...)                                                                                   \
	n += (size_t)snprintf(buf != NULL ? buf + n : NULL, buf != NULL ? size - n : 0, __VA_ARGS__)
	PUT("%s %s HTTP/1.1\r\nHost: %s", s->method, s->path, s->host);
	if (s->port != 0 && s->port != 80)
		PUT(":%u", (unsigned)s->port);
	PUT("\r\n");
	for (size_t i = 0; i < s->n_headers; i++)
		PUT("%s\r\n", s->headers[i]);
	if (needs_content_length(s))
		PUT("Content-Length: %zu\r\n", s->body_len);
	if (s->close)
		PUT("Connection: close\r\n");
	PUT("\r\n");
#undef PUT
	return n;
}

struct http_template *http_template_create(const struct http_template_spec *spec)
{
	struct http_template *t;
	size_t head;

	if (!spec_is_valid(spec)) {
		errno = EINVAL;
		return NULL;
	}
	head = format_head(spec, NULL, 0);
	/* +1: snprintf writes a NUL after the head, overwritten by the body */
	t = malloc(sizeof(*t) + head + spec->body_len + 1);
	if (t == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	format_head(spec, (char *)t->bytes, head + 1);
	if (spec->body_len > 0)
		memcpy(t->bytes + head, spec->body, spec->body_len);
	t->len = head + spec->body_len;
	t->is_head = strcmp(spec->method, "HEAD") == 0;
	return t;
}

void http_template_free(struct http_template *t)
{
	free(t);
}

const uint8_t *http_template_bytes(const struct http_template *t, size_t *len)
{
	*len = t->len;
	return t->bytes;
}

size_t http_template_copy(const struct http_template *t, size_t off, void *dst, size_t n)
{
	if (off >= t->len)
		return 0;
	if (n > t->len - off)
		n = t->len - off;
	memcpy(dst, t->bytes + off, n);
	return n;
}

bool http_template_is_head(const struct http_template *t)
{
	return t->is_head;
}
