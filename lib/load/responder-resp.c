/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's responses, built once from its configuration and never
 * changed, so that any byte of a send stream can be regenerated from
 * (kind, offset): status line and headers as bytes, the body as repeated
 * units (see struct resp_body).
 *
 *   HTTP/1.1 <status> <reason> CRLF
 *   <extra headers> CRLF each
 *   Content-Length: <n> CRLF | Transfer-Encoding: chunked CRLF   (not for 204, 304)
 *   [Connection: close CRLF]
 *   CRLF
 *   body (GET and others; none for HEAD)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "responder-priv.h"

#define CL_UNIT (26 * 160) /* whole alphabets: body byte k is always 'a' + k % 26 */
#define DEFAULT_CHUNK 4096
#define HEAD_MAX 8192

static const char *standard_reason(uint16_t status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* No control characters but HTAB: no CR/LF injection into the head. */
static bool is_field_text(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

static bool header_ok(const char *h)
{
	static const char *const ours[] = {"content-length", "transfer-encoding", "connection"};
	const char *colon = h ? strchr(h, ':') : NULL;
	size_t n;

	if (!colon || colon == h)
		return false;
	n = (size_t)(colon - h);
	for (size_t i = 0; i < n; i++)
		if (!is_tchar(h[i]))
			return false;
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (strlen(ours[i]) == n && strncasecmp(h, ours[i], n) == 0)
			return false;
	return is_field_text(colon + 1);
}

static bool conf_ok(const struct responder_conf *c)
{
	if (c->status < 200 || c->status > 599 || c->port == 0)
		return false;
	if (c->reason && !is_field_text(c->reason))
		return false;
	if (c->n_headers && !c->headers)
		return false;
	for (size_t i = 0; i < c->n_headers; i++)
		if (!header_ok(c->headers[i]))
			return false;
	return true;
}

static bool status_has_body(uint16_t status)
{
	return status != 204 && status != 304;
}

static uint8_t pattern_byte(uint64_t k)
{
	return (uint8_t)('a' + k % 26);
}

/* bad: the 400 answer to a malformed request, with none of the template's
 * headers and an empty body. */
static int build_head(struct resp_shape *sh, const struct responder_conf *c, bool bad,
		      const char *reason, bool close, bool has_body)
{
	uint16_t status = bad ? 400 : c->status;
	char buf[HEAD_MAX];
	size_t n = 0;

#define PUT(...)                                                                   \
	do {                                                                       \
		int w = snprintf(buf + n, sizeof(buf) - n, __VA_ARGS__);           \
		if (w < 0 || (size_t)w >= sizeof(buf) - n)                         \
			return -EINVAL;                                            \
		n += (size_t)w;                                                    \
	} while (0)

	PUT("HTTP/1.1 %u %s\r\n", status, reason);
	if (!bad)
		for (size_t i = 0; i < c->n_headers; i++)
			PUT("%s\r\n", c->headers[i]);
	if (bad)
		PUT("Content-Length: 0\r\n");
	else if (c->chunked && status_has_body(status))
		PUT("Transfer-Encoding: chunked\r\n");
	else if (status_has_body(status))
		PUT("Content-Length: %" PRIu64 "\r\n", c->body_size);
	if (close)
		PUT("Connection: close\r\n");
	PUT("\r\n");
#undef PUT
	sh->head = malloc(n);
	if (!sh->head)
		return -ENOMEM;
	memcpy(sh->head, buf, n);
	sh->head_len = (uint32_t)n;
	sh->has_body = has_body;
	return 0;
}

/* One chunk: size line, len pattern bytes, CRLF; returns its length. */
static size_t write_chunk(uint8_t *dst, uint32_t len)
{
	size_t n = (size_t)sprintf((char *)dst, "%x\r\n", len);

	for (uint32_t i = 0; i < len; i++)
		dst[n + i] = pattern_byte(i);
	memcpy(dst + n + len, "\r\n", 2);
	return n + len + 2;
}

static int build_chunked(struct resp_body *b, uint64_t size, uint32_t chunk)
{
	uint32_t rest = (uint32_t)(size % chunk);

	b->unit = malloc(chunk + 16);
	b->tail = malloc(rest + 32);
	if (!b->unit || !b->tail)
		return -ENOMEM;
	b->n_units = size / chunk;
	b->unit_len = (uint32_t)write_chunk(b->unit, chunk);
	b->tail_len = rest ? (uint32_t)write_chunk(b->tail, rest) : 0;
	memcpy(b->tail + b->tail_len, "0\r\n\r\n", 5);
	b->tail_len += 5;
	return 0;
}

static int build_plain(struct resp_body *b, uint64_t size)
{
	b->unit = malloc(CL_UNIT);
	b->tail = malloc(CL_UNIT);
	if (!b->unit || !b->tail)
		return -ENOMEM;
	for (uint32_t i = 0; i < CL_UNIT; i++)
		b->unit[i] = b->tail[i] = pattern_byte(i);
	b->unit_len = CL_UNIT;
	b->n_units = size / CL_UNIT;
	b->tail_len = (uint32_t)(size % CL_UNIT);
	return 0;
}

int responder_resp_set_build(struct resp_set *rs, const struct responder_conf *c)
{
	const char *reason = c->reason ? c->reason : standard_reason(c->status);
	bool body = status_has_body(c->status);
	uint32_t chunk = c->chunk_size ? c->chunk_size : DEFAULT_CHUNK;
	int rc;

	memset(rs, 0, sizeof(*rs));
	if (!conf_ok(c) || chunk > (1u << 24))
		return -EINVAL;
	rc = c->chunked ? build_chunked(&rs->body, c->body_size, chunk)
			: build_plain(&rs->body, c->body_size);
	if (rc == 0)
		rc = build_head(&rs->k[RK_GET], c, false, reason, false, body);
	if (rc == 0)
		rc = build_head(&rs->k[RK_GET_CLOSE], c, false, reason, true, body);
	if (rc == 0)
		rc = build_head(&rs->k[RK_HEAD], c, false, reason, false, false);
	if (rc == 0)
		rc = build_head(&rs->k[RK_HEAD_CLOSE], c, false, reason, true, false);
	if (rc == 0)
		rc = build_head(&rs->k[RK_BAD], c, true, "Bad Request", true, false);
	if (rc < 0) {
		responder_resp_set_free(rs);
		return rc;
	}
	struct resp_body *b = &rs->body;
	b->len = b->n_units * b->unit_len + b->tail_len;
	b->payload = body ? c->body_size : 0;
	for (int k = 0; k < RK_COUNT; k++)
		rs->k[k].len = rs->k[k].head_len + (rs->k[k].has_body ? b->len : 0);
	return 0;
}

void responder_resp_set_free(struct resp_set *rs)
{
	for (int k = 0; k < RK_COUNT; k++)
		free(rs->k[k].head);
	free(rs->body.unit);
	free(rs->body.tail);
	memset(rs, 0, sizeof(*rs));
}

static size_t body_copy(const struct resp_body *b, uint64_t off, uint8_t *dst, size_t n)
{
	uint64_t units = b->n_units * b->unit_len;
	size_t done = 0;

	while (done < n && off < b->len) {
		const uint8_t *src;
		size_t avail;
		if (off < units) {
			uint32_t u = (uint32_t)(off % b->unit_len);
			src = b->unit + u;
			avail = b->unit_len - u;
		} else {
			src = b->tail + (off - units);
			avail = (size_t)(b->len - off);
		}
		if (avail > n - done)
			avail = n - done;
		memcpy(dst + done, src, avail);
		done += avail;
		off += avail;
	}
	return done;
}

size_t responder_resp_copy(const struct resp_set *rs, enum resp_kind k, uint64_t off, uint8_t *dst,
			   size_t n)
{
	const struct resp_shape *sh = &rs->k[k];
	size_t done = 0;

	if (off < sh->head_len) {
		done = sh->head_len - (size_t)off;
		if (done > n)
			done = n;
		memcpy(dst, sh->head + off, done);
		off += done;
	}
	if (done < n && sh->has_body && off >= sh->head_len)
		done += body_copy(&rs->body, off - sh->head_len, dst + done, n - done);
	return done;
}
