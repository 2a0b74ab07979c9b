/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental HTTP/1.x request parser (the responder's side of resp.c).
 *
 * http_req_feed() -> fast paths for whole pieces (the request line, a header
 * name and its colon, runs of ignored bytes, the version, CRLF) -> step() for
 * every other byte of the head -> body bytes counted in bulk.
 *
 * Invariants: line_len counts the bytes of the current line and is 0 right
 * after every LF; F_CR means the previous byte was a CR that ended a line, so
 * the next byte must be LF; every byte of the head (empty lines before the
 * request line included) counts toward max_head_bytes.
 */
#include "chars.h"
#include "memo.h"
#include "req.h"

#include <stddef.h>

#include <stdbool.h>
#include <string.h>

_Static_assert(sizeof(struct http_req) <= 40, "the parser lives in every server connection");

enum req_state {
	ST_START,   /* first byte of the request line, or an empty line before it */
	ST_METHOD,  /* token up to SP */
	ST_TARGET,  /* request-target up to SP */
	ST_VERSION, /* "HTTP/1.x" (tok = position), then the line end */
	ST_HDR_START,
	ST_HDR_NAME,
	ST_HDR_VALUE, /* states up to here go byte by byte and count as head */
	ST_BODY,
	ST_DONE,
	ST_ERROR,
};

enum req_flag {
	F_CR = 1 << 0,		    /* a line-ending CR was seen: LF must follow */
	F_STARTED = 1 << 1,	    /* a byte of the request line arrived */
	F_HTTP10 = 1 << 2,	    /* HTTP/1.0 request line */
	F_HAS_CL = 1 << 3,	    /* Content-Length seen */
	F_CONN_CLOSE = 1 << 4,	    /* Connection: close */
	F_CONN_KEEP_ALIVE = 1 << 5, /* Connection: keep-alive */
	F_HEADERS_DONE = 1 << 6,    /* the empty line after the headers was seen */
};

enum header_id {
	HDR_OTHER,
	HDR_CONTENT_LENGTH,
	HDR_TRANSFER_ENCODING,
	HDR_CONNECTION,
	HDR_COUNT,
};

#define SUB_ID_MASK 0x03
#define SUB_NAME_CANDIDATES 0x0e /* bit (1 << id) while the name is matched */
#define SUB_WORD_SHIFT 4	 /* Connection words while a value is matched */

#define TOK_POS 0x3f   /* bytes of the current token (or: a digit was seen) */
#define TOK_ENDED 0x40 /* blank after the token: only ',' or the line end may follow */
#define TOK_BAD 0x80   /* the token matches no word */

#define METHOD_CANDIDATES 0x03 /* bit 0 GET, bit 1 HEAD, while the method is matched */

static const char *const header_names[HDR_COUNT] = {
	[HDR_CONTENT_LENGTH] = "content-length",
	[HDR_TRANSFER_ENCODING] = "transfer-encoding",
	[HDR_CONNECTION] = "connection",
};

static const uint8_t header_name_len[HDR_COUNT] = {
	[HDR_CONTENT_LENGTH] = 14,
	[HDR_TRANSFER_ENCODING] = 17,
	[HDR_CONNECTION] = 10,
};

static const char *const connection_words[2] = {"close", "keep-alive"};
static const uint8_t connection_word_len[2] = {5, 10};

static const char *const method_names[2] = {"GET", "HEAD"};
static const uint8_t method_len[2] = {3, 4};

static const struct http_limits default_limits;

static const char *const err_names[HTTP_REQ_ERR_COUNT] = {
	[HTTP_REQ_ERR_NONE] = "none",
	[HTTP_REQ_ERR_METHOD] = "bad method",
	[HTTP_REQ_ERR_TARGET] = "bad request-target",
	[HTTP_REQ_ERR_VERSION] = "bad HTTP version",
	[HTTP_REQ_ERR_LINE_END] = "CR not followed by LF",
	[HTTP_REQ_ERR_HEADER_NAME] = "bad header name",
	[HTTP_REQ_ERR_HEADER_VALUE] = "control character in header value",
	[HTTP_REQ_ERR_OBS_FOLD] = "folded header line",
	[HTTP_REQ_ERR_CONTENT_LENGTH] = "bad Content-Length",
	[HTTP_REQ_ERR_DUP_CONTENT_LENGTH] = "differing Content-Length values",
	[HTTP_REQ_ERR_TRANSFER_ENCODING] = "Transfer-Encoding in a request",
	[HTTP_REQ_ERR_HEAD_TOO_LARGE] = "request head too large",
	[HTTP_REQ_ERR_TOO_MANY_HEADERS] = "too many headers",
	[HTTP_REQ_ERR_LINE_TOO_LONG] = "line too long",
	[HTTP_REQ_ERR_TRUNCATED] = "connection closed inside a request",
};

/* ---- limits ---- */

static uint32_t max_head_bytes(const struct http_req *p)
{
	return p->lim->max_head_bytes ? p->lim->max_head_bytes : HTTP_DEFAULT_MAX_HEAD_BYTES;
}

static uint16_t max_headers(const struct http_req *p)
{
	return p->lim->max_headers ? p->lim->max_headers : HTTP_DEFAULT_MAX_HEADERS;
}

static uint16_t max_line(const struct http_req *p)
{
	return p->lim->max_line ? p->lim->max_line : HTTP_DEFAULT_MAX_LINE;
}

static int fail(struct http_req *p, enum http_req_err err)
{
	p->err = err;
	p->state = ST_ERROR;
	return -1;
}

/* ---- request line ---- */

static void match_method(struct http_req *p, uint8_t c, uint16_t pos)
{
	for (int m = 0; m < 2; m++)
		if (pos >= method_len[m] || c != (uint8_t)method_names[m][pos])
			p->sub &= ~(1 << m);
}

static void method_end(struct http_req *p, uint16_t len)
{
	p->method = HTTP_METHOD_OTHER;
	if ((p->sub & 1) && len == method_len[0])
		p->method = HTTP_METHOD_GET;
	else if ((p->sub & 2) && len == method_len[1])
		p->method = HTTP_METHOD_HEAD;
	p->tok = 0;
	p->state = ST_TARGET;
}

static int version_char(struct http_req *p, uint8_t c)
{
	static const char prefix[] = "HTTP/1.";

	if (p->tok < sizeof(prefix) - 1 && c == (uint8_t)prefix[p->tok]) {
		p->tok++;
		return 0;
	}
	if (p->tok == 7 && c >= '0' && c <= '9') {
		if (c == '0')
			p->flags |= F_HTTP10;
		p->tok++;
		return 0;
	}
	return fail(p, HTTP_REQ_ERR_VERSION);
}

static int request_line_char(struct http_req *p, uint8_t c, uint16_t pos)
{
	switch (p->state) {
	case ST_START:
		if (!http_has_class(c, HTTP_CC_TCHAR))
			return fail(p, HTTP_REQ_ERR_METHOD);
		p->flags |= F_STARTED;
		p->sub = METHOD_CANDIDATES;
		match_method(p, c, 0);
		p->state = ST_METHOD;
		return 0;
	case ST_METHOD:
		if (c == ' ') {
			method_end(p, pos);
			return 0;
		}
		if (!http_has_class(c, HTTP_CC_TCHAR))
			return fail(p, HTTP_REQ_ERR_METHOD);
		match_method(p, c, pos);
		return 0;
	case ST_TARGET:
		if (c == ' ') {
			if (!p->tok)
				return fail(p, HTTP_REQ_ERR_TARGET);
			p->tok = 0;
			p->state = ST_VERSION;
			return 0;
		}
		if (!http_has_class(c, HTTP_CC_TARGET))
			return fail(p, HTTP_REQ_ERR_TARGET);
		p->tok = 1;
		return 0;
	default: /* ST_VERSION */
		return version_char(p, c);
	}
}

/* ---- header names and values ---- */

static void match_name(struct http_req *p, uint8_t c, uint16_t pos)
{
	for (int id = HDR_OTHER + 1; id < HDR_COUNT; id++)
		if ((p->sub & (1 << id)) &&
		    (pos >= header_name_len[id] || http_to_lower(c) != (uint8_t)header_names[id][pos]))
			p->sub &= ~(1 << id);
}

static uint8_t matched_header(const struct http_req *p, uint16_t len)
{
	for (int id = HDR_OTHER + 1; id < HDR_COUNT; id++)
		if ((p->sub & (1 << id)) && header_name_len[id] == len)
			return id;
	return HDR_OTHER;
}

static int begin_value(struct http_req *p, uint8_t id)
{
	if (id == HDR_TRANSFER_ENCODING)
		return fail(p, HTTP_REQ_ERR_TRANSFER_ENCODING);
	p->sub = id | (0x3 << SUB_WORD_SHIFT);
	p->tok = 0;
	if (id == HDR_CONTENT_LENGTH)
		p->remaining = 0;
	p->state = ST_HDR_VALUE;
	return 0;
}

static int content_length_char(struct http_req *p, uint8_t c)
{
	if (c >= '0' && c <= '9') {
		unsigned d = c - '0';

		if ((p->tok & TOK_ENDED) || p->remaining > (UINT64_MAX - d) / 10)
			return fail(p, HTTP_REQ_ERR_CONTENT_LENGTH);
		p->remaining = p->remaining * 10 + d;
		p->tok |= 1;
		return 0;
	}
	if (http_is_blank(c)) {
		if (p->tok & 1)
			p->tok |= TOK_ENDED;
		return 0;
	}
	return fail(p, HTTP_REQ_ERR_CONTENT_LENGTH);
}

static int content_length_end(struct http_req *p)
{
	if (!(p->tok & 1))
		return fail(p, HTTP_REQ_ERR_CONTENT_LENGTH);
	if ((p->flags & F_HAS_CL) && p->content_length != p->remaining)
		return fail(p, HTTP_REQ_ERR_DUP_CONTENT_LENGTH);
	p->content_length = p->remaining;
	p->flags |= F_HAS_CL;
	return 0;
}

/* A token of the Connection list ended: act on the word it matched. */
static void connection_token_end(struct http_req *p)
{
	uint8_t len = p->tok & TOK_POS;

	if (len == 0 || (p->tok & TOK_BAD))
		return;
	for (int w = 0; w < 2; w++)
		if ((p->sub & (1 << (SUB_WORD_SHIFT + w))) && connection_word_len[w] == len)
			p->flags |= w == 0 ? F_CONN_CLOSE : F_CONN_KEEP_ALIVE;
}

static void connection_char(struct http_req *p, uint8_t c)
{
	uint8_t pos = p->tok & TOK_POS;

	if (c == ',') {
		connection_token_end(p);
		p->tok = 0;
		p->sub |= 0x3 << SUB_WORD_SHIFT;
		return;
	}
	if (http_is_blank(c)) {
		if (pos > 0)
			p->tok |= TOK_ENDED;
		return;
	}
	if ((p->tok & TOK_ENDED) || pos == TOK_POS) {
		p->tok |= TOK_BAD;
		return;
	}
	for (int w = 0; w < 2; w++)
		if (pos >= connection_word_len[w] || http_to_lower(c) != (uint8_t)connection_words[w][pos])
			p->sub &= ~(1 << (SUB_WORD_SHIFT + w));
	p->tok++;
}

static int header_line_char(struct http_req *p, uint8_t c, uint16_t pos)
{
	switch (p->state) {
	case ST_HDR_START:
		if (http_is_blank(c))
			return fail(p, HTTP_REQ_ERR_OBS_FOLD);
		if (!http_has_class(c, HTTP_CC_TCHAR))
			return fail(p, HTTP_REQ_ERR_HEADER_NAME);
		if (++p->n_headers > max_headers(p))
			return fail(p, HTTP_REQ_ERR_TOO_MANY_HEADERS);
		p->sub = SUB_NAME_CANDIDATES;
		match_name(p, c, 0);
		p->state = ST_HDR_NAME;
		return 0;
	case ST_HDR_NAME:
		if (c == ':')
			return begin_value(p, matched_header(p, pos));
		if (!http_has_class(c, HTTP_CC_TCHAR))
			return fail(p, HTTP_REQ_ERR_HEADER_NAME);
		match_name(p, c, pos);
		return 0;
	default: /* ST_HDR_VALUE */
		if (!http_has_class(c, HTTP_CC_FIELD))
			return fail(p, HTTP_REQ_ERR_HEADER_VALUE);
		if ((p->sub & SUB_ID_MASK) == HDR_CONTENT_LENGTH)
			return content_length_char(p, c);
		if ((p->sub & SUB_ID_MASK) == HDR_CONNECTION)
			connection_char(p, c);
		return 0;
	}
}

/* ---- line ends ---- */

static int head_done(struct http_req *p)
{
	p->flags |= F_HEADERS_DONE;
	p->remaining = p->content_length;
	p->state = p->remaining > 0 ? ST_BODY : ST_DONE;
	return 0;
}

static int line_end(struct http_req *p)
{
	switch (p->state) {
	case ST_START: /* an empty line before the request line */
		return 0;
	case ST_METHOD:
		return fail(p, HTTP_REQ_ERR_METHOD);
	case ST_TARGET:
		return fail(p, p->tok ? HTTP_REQ_ERR_VERSION : HTTP_REQ_ERR_TARGET);
	case ST_VERSION:
		if (p->tok != 8)
			return fail(p, HTTP_REQ_ERR_VERSION);
		p->state = ST_HDR_START;
		return 0;
	case ST_HDR_START:
		return head_done(p);
	case ST_HDR_NAME:
		return fail(p, HTTP_REQ_ERR_HEADER_NAME);
	default: /* ST_HDR_VALUE */
		p->state = ST_HDR_START;
		if ((p->sub & SUB_ID_MASK) == HDR_CONTENT_LENGTH)
			return content_length_end(p);
		if ((p->sub & SUB_ID_MASK) == HDR_CONNECTION)
			connection_token_end(p);
		return 0;
	}
}

static bool cr_ends_line(const struct http_req *p)
{
	switch (p->state) {
	case ST_START:
	case ST_HDR_START:
	case ST_HDR_VALUE:
		return true;
	case ST_VERSION:
		return p->tok == 8;
	default:
		return false;
	}
}

static int step(struct http_req *p, uint8_t c)
{
	uint16_t pos = p->line_len;

	if (p->flags & F_CR) {
		if (c != '\n')
			return fail(p, HTTP_REQ_ERR_LINE_END);
		p->flags &= ~F_CR;
	}
	if (++p->head_bytes > max_head_bytes(p))
		return fail(p, HTTP_REQ_ERR_HEAD_TOO_LARGE);
	if (c == '\n') {
		p->line_len = 0;
		return line_end(p);
	}
	if (pos >= max_line(p))
		return fail(p, HTTP_REQ_ERR_LINE_TOO_LONG);
	p->line_len = pos + 1;
	if (c == '\r' && cr_ends_line(p)) {
		p->flags |= F_CR;
		return 0;
	}
	if (p->state <= ST_VERSION)
		return request_line_char(p, c, pos);
	return header_line_char(p, c, pos);
}

/* ---- fast paths ----
 *
 * Pieces of the head that are whole in the buffer are taken in one go; the
 * byte machine handles whatever is split and every error. The fast paths
 * never cross a limit, so a limit error comes from step() at the same byte as
 * in byte-by-byte parsing (the tests compare both on every vector).
 */

static size_t head_room(const struct http_req *p)
{
	size_t line = (size_t)max_line(p) - p->line_len;
	size_t head = (size_t)max_head_bytes(p) - p->head_bytes;

	return line < head ? line : head;
}

static void head_advance(struct http_req *p, size_t n)
{
	p->line_len += (uint16_t)n;
	p->head_bytes += (uint32_t)n;
}

/* Bytes step() would take without a change of state: the request-target, a
 * header name that matches nothing, the value of a header we ignore. */
static size_t skip_plain(struct http_req *p, const uint8_t *d, size_t len)
{
	uint8_t want;
	size_t n = 0, room = head_room(p);

	if (p->flags & F_CR)
		return 0;
	if (p->state == ST_TARGET)
		want = HTTP_CC_TARGET;
	else if (p->state == ST_HDR_NAME && !(p->sub & SUB_NAME_CANDIDATES))
		want = HTTP_CC_TCHAR;
	else if (p->state == ST_HDR_VALUE && (p->sub & SUB_ID_MASK) == HDR_OTHER)
		want = HTTP_CC_FIELD;
	else
		return 0;
	if (len > room)
		len = room;
	while (n < len && http_has_class(d[n], want))
		n++;
	if (n > 0 && p->state == ST_TARGET)
		p->tok = 1;
	head_advance(p, n);
	return n;
}

static uint8_t header_id(const uint8_t *name, size_t len)
{
	for (int id = HDR_OTHER + 1; id < HDR_COUNT; id++) {
		size_t i = 0;

		if (header_name_len[id] != len)
			continue;
		while (i < len && http_to_lower(name[i]) == (uint8_t)header_names[id][i])
			i++;
		if (i == len)
			return id;
	}
	return HDR_OTHER;
}

/* A whole header name and its colon. */
static ssize_t fast_header_name(struct http_req *p, const uint8_t *d, size_t len)
{
	size_t room = head_room(p), n = 0;

	if (len > room)
		len = room;
	while (n < len && http_has_class(d[n], HTTP_CC_TCHAR))
		n++;
	if (n == 0 || n == len || d[n] != ':')
		return 0;
	if (++p->n_headers > max_headers(p))
		return fail(p, HTTP_REQ_ERR_TOO_MANY_HEADERS);
	head_advance(p, n + 1);
	return begin_value(p, header_id(d, n)) < 0 ? -1 : (ssize_t)(n + 1);
}

/* "HTTP/1.x" whole. */
static ssize_t fast_version(struct http_req *p, const uint8_t *d, size_t len)
{
	static const uint8_t prefix[7] = {'H', 'T', 'T', 'P', '/', '1', '.'};

	if (p->tok != 0 || len < 8 || head_room(p) < 8)
		return 0;
	for (int i = 0; i < 7; i++)
		if (d[i] != prefix[i])
			return 0;
	if (d[7] < '0' || d[7] > '9')
		return 0;
	if (d[7] == '0')
		p->flags |= F_HTTP10;
	p->tok = 8;
	head_advance(p, 8);
	return 8;
}

/* CRLF ending a line. */
static ssize_t fast_line_end(struct http_req *p, const uint8_t *d, size_t len)
{
	if (len < 2 || d[1] != '\n' || !cr_ends_line(p) || p->line_len >= max_line(p) ||
	    (size_t)max_head_bytes(p) - p->head_bytes < 2)
		return 0;
	p->head_bytes += 2;
	p->line_len = 0;
	return line_end(p) < 0 ? -1 : 2;
}

static size_t run_of(const uint8_t *d, size_t len, uint8_t cls)
{
	size_t n = 0;

	while (n < len && http_has_class(d[n], cls))
		n++;
	return n;
}

/* "METHOD SP target SP HTTP/1.x" whole, up to the line end. */
static ssize_t fast_request_line(struct http_req *p, const uint8_t *d, size_t len)
{
	size_t room = head_room(p), m, t;

	if (p->line_len != 0)
		return 0;
	if (len > room)
		len = room;
	m = run_of(d, len, HTTP_CC_TCHAR);
	if (m == 0 || m + 1 >= len || d[m] != ' ')
		return 0;
	t = run_of(d + m + 1, len - m - 1, HTTP_CC_TARGET);
	if (t == 0 || m + 1 + t + 9 > len || d[m + 1 + t] != ' ' ||
	    memcmp(d + m + t + 2, "HTTP/1.", 7) != 0 || d[m + t + 9] < '0' || d[m + t + 9] > '9')
		return 0;
	p->sub = METHOD_CANDIDATES;
	for (size_t i = 0; i < m && p->sub; i++)
		match_method(p, d[i], (uint16_t)i);
	method_end(p, (uint16_t)m);
	if (d[m + t + 9] == '0')
		p->flags |= F_HTTP10;
	p->flags |= F_STARTED;
	p->tok = 8;
	p->state = ST_VERSION;
	head_advance(p, m + t + 10);
	return (ssize_t)(m + t + 10);
}

static ssize_t fast_path(struct http_req *p, const uint8_t *d, size_t len)
{
	if (p->flags & F_CR)
		return 0;
	if (d[0] == '\r')
		return fast_line_end(p, d, len);
	if (p->state == ST_START)
		return fast_request_line(p, d, len);
	if (p->state == ST_VERSION)
		return fast_version(p, d, len);
	if (p->state == ST_HDR_START)
		return fast_header_name(p, d, len);
	return 0;
}

static size_t consume_body(struct http_req *p, size_t len)
{
	size_t n = p->remaining < len ? (size_t)p->remaining : len;

	p->remaining -= n;
	if (p->remaining == 0)
		p->state = ST_DONE;
	return n;
}

/* ---- API ---- */

void http_req_init(struct http_req *p, const struct http_limits *lim)
{
	*p = (struct http_req){.lim = lim != NULL ? lim : &default_limits, .state = ST_START};
}

ssize_t http_req_feed(struct http_req *p, const uint8_t *data, size_t len)
{
	size_t i = 0;
	ssize_t n;

	if (p->state == ST_ERROR)
		return -1;
	while (i < len && p->state != ST_DONE) {
		if (p->state == ST_BODY) {
			i += consume_body(p, len - i);
			continue;
		}
		i += skip_plain(p, data + i, len - i);
		if (i == len)
			break;
		n = fast_path(p, data + i, len - i);
		if (n < 0)
			return -1;
		if (n > 0)
			i += (size_t)n;
		else if (step(p, data[i++]) < 0)
			return -1;
	}
	return (ssize_t)i;
}

int http_req_eof(struct http_req *p)
{
	if (p->state == ST_ERROR)
		return -1;
	if (p->state == ST_DONE || !(p->flags & F_STARTED))
		return 0;
	return fail(p, HTTP_REQ_ERR_TRUNCATED);
}

bool http_req_done(const struct http_req *p)
{
	return p->state == ST_DONE;
}

bool http_req_idle(const struct http_req *p)
{
	return !(p->flags & F_STARTED);
}

bool http_req_headers_done(const struct http_req *p)
{
	return (p->flags & F_HEADERS_DONE) != 0;
}

enum http_method http_req_method(const struct http_req *p)
{
	return (enum http_method)p->method;
}

bool http_req_keep_alive(const struct http_req *p)
{
	if (p->flags & F_CONN_CLOSE)
		return false;
	if (p->flags & F_HTTP10)
		return (p->flags & F_CONN_KEEP_ALIVE) != 0;
	return true;
}

uint64_t http_req_content_length(const struct http_req *p)
{
	return p->content_length;
}

uint64_t http_req_body_bytes(const struct http_req *p)
{
	if (!(p->flags & F_HEADERS_DONE))
		return 0;
	return p->content_length - (p->state == ST_BODY ? p->remaining : 0);
}

uint32_t http_req_head_bytes(const struct http_req *p)
{
	return p->head_bytes;
}

/* ---- for the head memo (memo.h) ---- */

_Static_assert(offsetof(struct http_req, lim) == 0, "memo.h: the state begins with lim");
_Static_assert(sizeof(struct http_req) <= HTTP_MEMO_STATE, "memo.h keeps a copy");

static ssize_t ops_feed(void *p, const uint8_t *data, size_t len)
{
	return http_req_feed(p, data, len);
}

static bool ops_idle(const void *p)
{
	return http_req_idle(p);
}

static bool ops_head_done(const void *p)
{
	return http_req_headers_done(p);
}

static uint32_t ops_head_bytes(const void *p)
{
	return http_req_head_bytes(p);
}

static uint64_t ops_body_bytes(const void *p)
{
	return http_req_body_bytes(p);
}

const struct http_parser_ops http_req_ops = {
	.size = sizeof(struct http_req),
	.feed = ops_feed,
	.idle = ops_idle,
	.head_done = ops_head_done,
	.head_bytes = ops_head_bytes,
	.body_bytes = ops_body_bytes,
};

enum http_req_err http_req_errcode(const struct http_req *p)
{
	return (enum http_req_err)p->err;
}

const char *http_req_err_str(enum http_req_err err)
{
	return (unsigned)err < HTTP_REQ_ERR_COUNT ? err_names[err] : "unknown";
}

const char *http_req_error(const struct http_req *p)
{
	return http_req_err_str(http_req_errcode(p));
}
