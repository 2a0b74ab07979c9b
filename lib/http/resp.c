/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incremental HTTP/1.x response parser.
 *
 * http_resp_feed() -> step() for each byte of a status line, header, chunk size
 * or trailer line -> consume_body() for body and chunk data in bulk.
 *
 * Invariants: line_len counts the bytes of the current line and is 0 right
 * after every LF; F_CR means the previous byte was a CR that ended a line, so
 * the next byte must be LF; `remaining` holds the number being parsed
 * (Content-Length, chunk size) and then the bytes left in the body or chunk.
 */
#include "chars.h"
#include "memo.h"
#include "resp.h"

#include <stddef.h>

#include <stdbool.h>

_Static_assert(sizeof(struct http_resp) <= 48, "the parser lives in every connection");

enum resp_state {
	ST_VERSION,    /* "HTTP/1.x " at line positions 0..8 */
	ST_STATUS,     /* three digits at positions 9..11 */
	ST_STATUS_END, /* SP before the reason, or the line end */
	ST_REASON,
	ST_HDR_START, /* first byte of a header/trailer line, or the empty line */
	ST_HDR_NAME,
	ST_HDR_VALUE, /* states up to here count toward head_bytes */
	ST_CHUNK_SIZE,
	ST_CHUNK_SIZE_WS,  /* blanks after the size */
	ST_CHUNK_EXT,	   /* ";name=value..." skipped */
	ST_CHUNK_DATA_END, /* CRLF after chunk data; states up to here go byte by byte */
	ST_BODY_LENGTH,	   /* Content-Length body */
	ST_BODY_CLOSE,	   /* body ends at FIN */
	ST_CHUNK_DATA,
	ST_DONE,
	ST_ERROR,
};

enum resp_flag {
	F_CR = 1 << 0,		    /* a line-ending CR was seen: LF must follow */
	F_STARTED = 1 << 1,	    /* a byte of this response arrived */
	F_HEAD_REQ = 1 << 2,	    /* the request was HEAD: no body */
	F_HTTP10 = 1 << 3,	    /* HTTP/1.0 status line */
	F_HAS_CL = 1 << 4,	    /* Content-Length seen, value in content_length */
	F_HAS_TE = 1 << 5,	    /* Transfer-Encoding seen */
	F_CHUNKED = 1 << 6,	    /* the last transfer coding is chunked */
	F_CONN_CLOSE = 1 << 7,	    /* Connection: close */
	F_CONN_KEEP_ALIVE = 1 << 8, /* Connection: keep-alive */
	F_UNTIL_CLOSE = 1 << 9,	    /* body delimited by FIN */
	F_TRAILERS = 1 << 10,	    /* header states are parsing chunked trailers */
	F_HEADERS_DONE = 1 << 11,   /* head of the final response complete */
};

/* Headers the parser acts on; their id is kept in the low bits of `sub`. */
enum header_id {
	HDR_OTHER,
	HDR_CONTENT_LENGTH,
	HDR_TRANSFER_ENCODING,
	HDR_CONNECTION,
	HDR_COUNT,
};

#define SUB_ID_MASK 0x03
#define SUB_NAME_CANDIDATES 0x0e /* bit (1 << id) while the name is matched */
#define SUB_WORD_SHIFT 4	 /* token candidates while a value is matched */

#define TOK_POS 0x3f   /* bytes of the current token (or: a digit was seen) */
#define TOK_ENDED 0x40 /* blank after the token: only ',' or line end may follow */
#define TOK_BAD 0x80   /* the token matches no word */

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

/* Words looked for in the comma-separated values of these headers. */
static const char *const header_words[HDR_COUNT][2] = {
	[HDR_TRANSFER_ENCODING] = {"chunked", NULL},
	[HDR_CONNECTION] = {"close", "keep-alive"},
};

static const uint8_t header_word_len[HDR_COUNT][2] = {
	[HDR_TRANSFER_ENCODING] = {7, 0},
	[HDR_CONNECTION] = {5, 10},
};

static const struct http_limits default_limits;

static const char *const err_names[HTTP_ERR_COUNT] = {
	[HTTP_ERR_NONE] = "none",
	[HTTP_ERR_VERSION] = "bad HTTP version",
	[HTTP_ERR_STATUS] = "bad status code",
	[HTTP_ERR_REASON] = "control character in reason phrase",
	[HTTP_ERR_LINE_END] = "CR not followed by LF",
	[HTTP_ERR_HEADER_NAME] = "bad header name",
	[HTTP_ERR_HEADER_VALUE] = "control character in header value",
	[HTTP_ERR_OBS_FOLD] = "folded header line",
	[HTTP_ERR_CONTENT_LENGTH] = "bad Content-Length",
	[HTTP_ERR_DUP_CONTENT_LENGTH] = "differing Content-Length values",
	[HTTP_ERR_CL_TE_CONFLICT] = "both Content-Length and Transfer-Encoding",
	[HTTP_ERR_CHUNK_SIZE] = "bad chunk size",
	[HTTP_ERR_CHUNK_OVERFLOW] = "chunk size overflow",
	[HTTP_ERR_CHUNK_EXT] = "control character in chunk extension",
	[HTTP_ERR_CHUNK_END] = "chunk data not followed by CRLF",
	[HTTP_ERR_HEAD_TOO_LARGE] = "headers too large",
	[HTTP_ERR_TOO_MANY_HEADERS] = "too many headers",
	[HTTP_ERR_LINE_TOO_LONG] = "line too long",
	[HTTP_ERR_SWITCHING] = "101 Switching Protocols",
	[HTTP_ERR_TRUNCATED] = "connection closed inside a response",
	[HTTP_ERR_NO_RESPONSE] = "connection closed before a response",
};

static int hex_value(uint8_t c)
{
	uint8_t l = c | 0x20;

	if (c >= '0' && c <= '9')
		return c - '0';
	if (l >= 'a' && l <= 'f')
		return l - 'a' + 10;
	return -1;
}

/* ---- limits ---- */

static uint32_t max_head_bytes(const struct http_resp *p)
{
	return p->lim->max_head_bytes ? p->lim->max_head_bytes : HTTP_DEFAULT_MAX_HEAD_BYTES;
}

static uint16_t max_headers(const struct http_resp *p)
{
	return p->lim->max_headers ? p->lim->max_headers : HTTP_DEFAULT_MAX_HEADERS;
}

static uint16_t max_line(const struct http_resp *p)
{
	return p->lim->max_line ? p->lim->max_line : HTTP_DEFAULT_MAX_LINE;
}

static int fail(struct http_resp *p, enum http_resp_err err)
{
	p->err = err;
	p->state = ST_ERROR;
	return -1;
}

/* ---- header names and values ---- */

/* Drop the candidates whose name does not have c at position pos. */
static void match_name(struct http_resp *p, uint8_t c, uint16_t pos)
{
	for (int id = HDR_OTHER + 1; id < HDR_COUNT; id++) {
		const char *name = header_names[id];

		if ((p->sub & (1 << id)) &&
		    (pos >= header_name_len[id] || http_to_lower(c) != (uint8_t)name[pos]))
			p->sub &= ~(1 << id);
	}
}

/* The colon at position len ends the name: which candidate is that long? */
static uint8_t matched_header(const struct http_resp *p, uint16_t len)
{
	for (int id = HDR_OTHER + 1; id < HDR_COUNT; id++)
		if ((p->sub & (1 << id)) && header_name_len[id] == len)
			return id;
	return HDR_OTHER;
}

static void begin_value(struct http_resp *p, uint8_t id)
{
	p->sub = id | (0x3 << SUB_WORD_SHIFT);
	p->tok = 0;
	if (id == HDR_CONTENT_LENGTH)
		p->remaining = 0;
}

static int content_length_char(struct http_resp *p, uint8_t c)
{
	if (c >= '0' && c <= '9') {
		unsigned d = c - '0';

		if ((p->tok & TOK_ENDED) || p->remaining > (UINT64_MAX - d) / 10)
			return fail(p, HTTP_ERR_CONTENT_LENGTH);
		p->remaining = p->remaining * 10 + d;
		p->tok |= 1;
		return 0;
	}
	if (http_is_blank(c)) {
		if (p->tok & 1)
			p->tok |= TOK_ENDED;
		return 0;
	}
	return fail(p, HTTP_ERR_CONTENT_LENGTH);
}

static int content_length_end(struct http_resp *p)
{
	if (!(p->tok & 1))
		return fail(p, HTTP_ERR_CONTENT_LENGTH);
	if ((p->flags & F_HAS_CL) && p->content_length != p->remaining)
		return fail(p, HTTP_ERR_DUP_CONTENT_LENGTH);
	p->content_length = p->remaining;
	p->flags |= F_HAS_CL;
	return 0;
}

/* A token of a comma-separated list ended: act on the word it matched. */
static void token_end(struct http_resp *p)
{
	uint8_t id = p->sub & SUB_ID_MASK, len = p->tok & TOK_POS;
	int word = -1;

	if (len == 0)
		return; /* empty list element */
	for (int w = 0; w < 2 && !(p->tok & TOK_BAD); w++) {
		if ((p->sub & (1 << (SUB_WORD_SHIFT + w))) && header_word_len[id][w] == len)
			word = w;
	}
	if (id == HDR_TRANSFER_ENCODING) {
		p->flags |= F_HAS_TE;
		if (word == 0)
			p->flags |= F_CHUNKED;
		else
			p->flags &= ~F_CHUNKED; /* chunked must be the last coding */
	} else if (word == 0) {
		p->flags |= F_CONN_CLOSE;
	} else if (word == 1) {
		p->flags |= F_CONN_KEEP_ALIVE;
	}
}

static void token_char(struct http_resp *p, uint8_t c)
{
	uint8_t id = p->sub & SUB_ID_MASK, pos = p->tok & TOK_POS;

	if (c == ',') {
		token_end(p);
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
		p->tok |= TOK_BAD; /* "chun ked", or longer than any word */
		return;
	}
	for (int w = 0; w < 2; w++) {
		const char *s = header_words[id][w];

		if (pos >= header_word_len[id][w] || http_to_lower(c) != (uint8_t)s[pos])
			p->sub &= ~(1 << (SUB_WORD_SHIFT + w));
	}
	p->tok++;
}

static int value_char(struct http_resp *p, uint8_t c)
{
	switch (p->sub & SUB_ID_MASK) {
	case HDR_CONTENT_LENGTH:
		return content_length_char(p, c);
	case HDR_TRANSFER_ENCODING:
	case HDR_CONNECTION:
		token_char(p, c);
		return 0;
	}
	return 0;
}

static int value_end(struct http_resp *p)
{
	switch (p->sub & SUB_ID_MASK) {
	case HDR_CONTENT_LENGTH:
		return content_length_end(p);
	case HDR_TRANSFER_ENCODING:
	case HDR_CONNECTION:
		token_end(p);
		return 0;
	}
	return 0;
}

/* ---- sections ---- */

/* An interim 1xx response ended: start over for the next one. */
static void restart_after_interim(struct http_resp *p)
{
	const struct http_limits *lim = p->lim;
	uint16_t keep = p->flags & (F_HEAD_REQ | F_STARTED);

	*p = (struct http_resp){.lim = lim, .flags = keep, .state = ST_VERSION};
}

static void begin_chunk_size(struct http_resp *p)
{
	p->remaining = 0;
	p->tok = 0;
	p->state = ST_CHUNK_SIZE;
}

/* RFC 9112 6.3: how the body of the response is delimited. */
static int head_done(struct http_resp *p)
{
	if (p->flags & F_TRAILERS) {
		p->state = ST_DONE;
		return 0;
	}
	if (p->status < 200) {
		restart_after_interim(p);
		return 0;
	}
	p->flags |= F_HEADERS_DONE;
	if ((p->flags & F_HAS_CL) && (p->flags & F_HAS_TE))
		return fail(p, HTTP_ERR_CL_TE_CONFLICT);
	if ((p->flags & F_HEAD_REQ) || p->status == 204 || p->status == 304) {
		p->state = ST_DONE;
	} else if (p->flags & F_CHUNKED) {
		begin_chunk_size(p);
	} else if (p->flags & F_HAS_CL) {
		p->remaining = p->content_length;
		p->state = p->remaining > 0 ? ST_BODY_LENGTH : ST_DONE;
	} else {
		/* no length, or a last coding other than chunked */
		p->flags |= F_UNTIL_CLOSE;
		p->state = ST_BODY_CLOSE;
	}
	return 0;
}

static int chunk_size_done(struct http_resp *p)
{
	if (p->remaining > 0) {
		p->state = ST_CHUNK_DATA;
		return 0;
	}
	/* last chunk: trailers follow, parsed like headers with fresh limits */
	p->flags |= F_TRAILERS;
	p->head_bytes = 0;
	p->n_headers = 0;
	p->state = ST_HDR_START;
	return 0;
}

/* ---- one byte of a line ---- */

/* The three digits of the status code are in. */
static int status_code_done(struct http_resp *p)
{
	if (p->status < 100 || p->status > 599)
		return fail(p, HTTP_ERR_STATUS);
	if (p->status == 101)
		return fail(p, HTTP_ERR_SWITCHING);
	p->state = ST_STATUS_END;
	return 0;
}

static int status_line_char(struct http_resp *p, uint8_t c, uint16_t pos)
{
	static const char prefix[] = "HTTP/1.";

	switch (p->state) {
	case ST_VERSION:
		if (pos < sizeof(prefix) - 1 && c == (uint8_t)prefix[pos])
			return 0;
		if (pos == 7 && c >= '0' && c <= '9') {
			if (c == '0')
				p->flags |= F_HTTP10;
			return 0;
		}
		if (pos == 8 && c == ' ') {
			p->state = ST_STATUS;
			return 0;
		}
		return fail(p, HTTP_ERR_VERSION);
	case ST_STATUS:
		if (c < '0' || c > '9')
			return fail(p, HTTP_ERR_STATUS);
		p->status = p->status * 10 + (c - '0');
		return pos < 11 ? 0 : status_code_done(p);
	case ST_STATUS_END:
		if (c == ' ') {
			p->state = ST_REASON;
			return 0;
		}
		return fail(p, HTTP_ERR_STATUS);
	default: /* ST_REASON */
		return http_has_class(c, HTTP_CC_FIELD) ? 0 : fail(p, HTTP_ERR_REASON);
	}
}

static int header_line_char(struct http_resp *p, uint8_t c, uint16_t pos)
{
	switch (p->state) {
	case ST_HDR_START:
		if (http_is_blank(c))
			return fail(p, HTTP_ERR_OBS_FOLD);
		if (!http_has_class(c, HTTP_CC_TCHAR))
			return fail(p, HTTP_ERR_HEADER_NAME);
		if (++p->n_headers > max_headers(p))
			return fail(p, HTTP_ERR_TOO_MANY_HEADERS);
		p->sub = (p->flags & F_TRAILERS) ? 0 : SUB_NAME_CANDIDATES;
		match_name(p, c, 0);
		p->state = ST_HDR_NAME;
		return 0;
	case ST_HDR_NAME:
		if (c == ':') {
			begin_value(p, matched_header(p, pos));
			p->state = ST_HDR_VALUE;
			return 0;
		}
		if (!http_has_class(c, HTTP_CC_TCHAR))
			return fail(p, HTTP_ERR_HEADER_NAME);
		match_name(p, c, pos);
		return 0;
	default: /* ST_HDR_VALUE */
		if (!http_has_class(c, HTTP_CC_FIELD))
			return fail(p, HTTP_ERR_HEADER_VALUE);
		return value_char(p, c);
	}
}

static int chunk_line_char(struct http_resp *p, uint8_t c)
{
	int v;

	switch (p->state) {
	case ST_CHUNK_SIZE:
		v = hex_value(c);
		if (v >= 0) {
			if (p->remaining >> 60)
				return fail(p, HTTP_ERR_CHUNK_OVERFLOW);
			p->remaining = (p->remaining << 4) | (unsigned)v;
			p->tok = 1;
			return 0;
		}
		if (!p->tok || (c != ';' && !http_is_blank(c)))
			return fail(p, HTTP_ERR_CHUNK_SIZE);
		p->state = c == ';' ? ST_CHUNK_EXT : ST_CHUNK_SIZE_WS;
		return 0;
	case ST_CHUNK_SIZE_WS:
		if (c == ';')
			p->state = ST_CHUNK_EXT;
		else if (!http_is_blank(c))
			return fail(p, HTTP_ERR_CHUNK_SIZE);
		return 0;
	case ST_CHUNK_EXT:
		return http_has_class(c, HTTP_CC_FIELD) ? 0 : fail(p, HTTP_ERR_CHUNK_EXT);
	default: /* ST_CHUNK_DATA_END */
		return fail(p, HTTP_ERR_CHUNK_END);
	}
}

/* The LF that ends a line (the CR, if any, was already checked). */
static int line_end(struct http_resp *p)
{
	switch (p->state) {
	case ST_VERSION:
	case ST_STATUS:
		return fail(p, p->state == ST_VERSION ? HTTP_ERR_VERSION : HTTP_ERR_STATUS);
	case ST_STATUS_END:
	case ST_REASON:
		p->state = ST_HDR_START;
		return 0;
	case ST_HDR_START:
		return head_done(p);
	case ST_HDR_NAME:
		return fail(p, HTTP_ERR_HEADER_NAME);
	case ST_HDR_VALUE:
		p->state = ST_HDR_START;
		return value_end(p);
	case ST_CHUNK_SIZE:
		if (!p->tok)
			return fail(p, HTTP_ERR_CHUNK_SIZE);
		return chunk_size_done(p);
	case ST_CHUNK_SIZE_WS:
	case ST_CHUNK_EXT:
		return chunk_size_done(p);
	default: /* ST_CHUNK_DATA_END */
		begin_chunk_size(p);
		return 0;
	}
}

/* States where a CR may end the line (the others reject it as a bad byte). */
static bool cr_ends_line(const struct http_resp *p)
{
	switch (p->state) {
	case ST_STATUS_END:
	case ST_REASON:
	case ST_HDR_START:
	case ST_HDR_VALUE:
	case ST_CHUNK_SIZE_WS:
	case ST_CHUNK_EXT:
	case ST_CHUNK_DATA_END:
		return true;
	case ST_CHUNK_SIZE:
		return p->tok != 0;
	default:
		return false;
	}
}

static int step(struct http_resp *p, uint8_t c)
{
	uint16_t pos = p->line_len;

	if (p->flags & F_CR) {
		if (c != '\n')
			return fail(p, HTTP_ERR_LINE_END);
		p->flags &= ~F_CR;
	}
	if (p->state <= ST_HDR_VALUE && ++p->head_bytes > max_head_bytes(p))
		return fail(p, HTTP_ERR_HEAD_TOO_LARGE);
	if (c == '\n') {
		p->line_len = 0;
		return line_end(p);
	}
	if (pos >= max_line(p))
		return fail(p, HTTP_ERR_LINE_TOO_LONG);
	p->line_len = pos + 1;
	if (c == '\r' && cr_ends_line(p)) {
		p->flags |= F_CR;
		return 0;
	}
	if (p->state <= ST_REASON)
		return status_line_char(p, c, pos);
	if (p->state <= ST_HDR_VALUE)
		return header_line_char(p, c, pos);
	return chunk_line_char(p, c);
}

/* ---- fast paths for whole lines and runs ----
 *
 * When a piece of the head is whole in the buffer, it is taken in one go; the
 * byte-by-byte machine above handles whatever is split across segments and
 * every error. The fast paths never cross a limit, so a limit error comes
 * from step() at the same byte as in byte-by-byte parsing (the tests compare
 * both on every vector).
 */

static size_t head_room(const struct http_resp *p)
{
	size_t line = (size_t)max_line(p) - p->line_len;
	size_t head = (size_t)max_head_bytes(p) - p->head_bytes;

	return line < head ? line : head;
}

static void head_advance(struct http_resp *p, size_t n)
{
	p->line_len += (uint16_t)n;
	p->head_bytes += (uint32_t)n;
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/1.x NNN" at the start of the status line; 0: take the slow path. */
static ssize_t fast_status(struct http_resp *p, const uint8_t *d, size_t len)
{
	static const uint8_t prefix[7] = {'H', 'T', 'T', 'P', '/', '1', '.'};

	if (p->line_len != 0 || len < 12 || head_room(p) < 12)
		return 0;
	for (int i = 0; i < 7; i++)
		if (d[i] != prefix[i])
			return 0;
	if (!is_digit(d[7]) || d[8] != ' ' || !is_digit(d[9]) || !is_digit(d[10]) ||
	    !is_digit(d[11]))
		return 0;
	if (d[7] == '0')
		p->flags |= F_HTTP10;
	p->status = (uint16_t)((d[9] - '0') * 100 + (d[10] - '0') * 10 + (d[11] - '0'));
	head_advance(p, 12);
	return status_code_done(p) < 0 ? -1 : 12;
}

/* name holds token characters only, so c | 0x20 lowers a letter and maps no
 * other token character onto a lower-case letter or '-'. */
static uint8_t header_id(const uint8_t *name, size_t len)
{
	for (int id = HDR_OTHER + 1; id < HDR_COUNT; id++) {
		size_t i = 0;

		if (header_name_len[id] != len)
			continue;
		while (i < len && (name[i] | 0x20) == (uint8_t)header_names[id][i])
			i++;
		if (i == len)
			return id;
	}
	return HDR_OTHER;
}

/* A header name and its colon; 0: take the slow path. */
static ssize_t fast_header_name(struct http_resp *p, const uint8_t *d, size_t len)
{
	size_t room = head_room(p), n = 0;

	if (len > room)
		len = room;
	while (n < len && http_has_class(d[n], HTTP_CC_TCHAR))
		n++;
	if (n == 0 || n == len || d[n] != ':')
		return 0;
	if (++p->n_headers > max_headers(p))
		return fail(p, HTTP_ERR_TOO_MANY_HEADERS);
	head_advance(p, n + 1);
	begin_value(p, (p->flags & F_TRAILERS) ? HDR_OTHER : header_id(d, n));
	p->state = ST_HDR_VALUE;
	return (ssize_t)(n + 1);
}

/* A Content-Length value up to its CR: blanks, at most 19 digits (no
 * overflow), blanks; 0: take the slow path (anything else, or split). */
static ssize_t fast_content_length(struct http_resp *p, const uint8_t *d, size_t len)
{
	size_t n = 0, digits;
	uint64_t v = 0;

	if (len > head_room(p))
		len = head_room(p);
	while (n < len && http_is_blank(d[n]))
		n++;
	for (digits = 0; n < len && is_digit(d[n]) && digits < 19; digits++)
		v = v * 10 + (d[n++] - '0');
	if (digits == 0 || n == len || is_digit(d[n]))
		return 0;
	p->tok = 1;
	while (n < len && http_is_blank(d[n])) {
		p->tok = 1 | TOK_ENDED;
		n++;
	}
	if (n == len || d[n] != '\r') {
		p->tok = 0;
		return 0;
	}
	p->remaining = v;
	head_advance(p, n);
	return (ssize_t)n;
}

static bool cr_ends_line(const struct http_resp *p);
static int line_end(struct http_resp *p);

/* CRLF ending the line; 0: take the slow path. */
static ssize_t fast_line_end(struct http_resp *p, const uint8_t *d, size_t len)
{
	bool in_head = p->state <= ST_HDR_VALUE;

	if (len < 2 || d[1] != '\n' || !cr_ends_line(p) || p->line_len >= max_line(p) ||
	    (in_head && (size_t)max_head_bytes(p) - p->head_bytes < 2))
		return 0;
	if (in_head)
		p->head_bytes += 2;
	p->line_len = 0;
	return line_end(p) < 0 ? -1 : 2;
}

static ssize_t fast_path(struct http_resp *p, const uint8_t *d, size_t len)
{
	if (p->flags & F_CR)
		return 0;
	if (d[0] == '\r')
		return fast_line_end(p, d, len);
	if (p->state == ST_VERSION)
		return fast_status(p, d, len);
	if (p->state == ST_HDR_START)
		return fast_header_name(p, d, len);
	if (p->state == ST_HDR_VALUE && p->tok == 0 && (p->sub & SUB_ID_MASK) == HDR_CONTENT_LENGTH)
		return fast_content_length(p, d, len);
	return 0;
}

/* Bytes that step() would accept without changing state: the reason phrase,
 * the rest of a header name that matches nothing, the value of a header the
 * parser ignores, a chunk extension. Skipping them in a tight loop is what
 * makes a typical response head cheap. Stops short of the limits so that
 * step() reports them at the same byte as byte-by-byte parsing would. */
static size_t skip_plain(struct http_resp *p, const uint8_t *data, size_t len)
{
	uint8_t want;
	size_t n = 0, room;

	switch (p->state) {
	case ST_REASON:
	case ST_CHUNK_EXT:
		want = HTTP_CC_FIELD;
		break;
	case ST_HDR_NAME:
		if (p->sub & SUB_NAME_CANDIDATES)
			return 0;
		want = HTTP_CC_TCHAR;
		break;
	case ST_HDR_VALUE:
		if ((p->sub & SUB_ID_MASK) != HDR_OTHER)
			return 0;
		want = HTTP_CC_FIELD;
		break;
	default:
		return 0;
	}
	if (p->flags & F_CR)
		return 0;
	room = max_line(p) - p->line_len;
	if (p->state != ST_CHUNK_EXT && max_head_bytes(p) - p->head_bytes < room)
		room = max_head_bytes(p) - p->head_bytes;
	if (len > room)
		len = room;
	while (n < len && http_has_class(data[n], want))
		n++;
	p->line_len += n;
	if (p->state != ST_CHUNK_EXT)
		p->head_bytes += n;
	return n;
}

/* ---- body ---- */

static size_t consume_body(struct http_resp *p, const uint8_t *data, size_t len)
{
	size_t n = len;

	if (p->state != ST_BODY_CLOSE && p->remaining < n)
		n = (size_t)p->remaining;
	if (p->lim->on_body != NULL)
		p->lim->on_body(p->lim->body_arg, p, data, n);
	p->body_bytes += n;
	if (p->state == ST_BODY_CLOSE)
		return n;
	p->remaining -= n;
	if (p->remaining == 0)
		p->state = p->state == ST_BODY_LENGTH ? ST_DONE : ST_CHUNK_DATA_END;
	return n;
}

/* ---- API ---- */

void http_resp_init(struct http_resp *p, bool head_request, const struct http_limits *lim)
{
	*p = (struct http_resp){
		.lim = lim != NULL ? lim : &default_limits,
		.flags = head_request ? F_HEAD_REQ : 0,
		.state = ST_VERSION,
	};
}

ssize_t http_resp_feed(struct http_resp *p, const uint8_t *data, size_t len)
{
	size_t i = 0;
	ssize_t n;

	if (p->state == ST_ERROR)
		return -1;
	if (p->state == ST_DONE)
		return 0;
	if (len > 0)
		p->flags |= F_STARTED;
	while (i < len && p->state != ST_DONE) {
		if (p->state >= ST_BODY_LENGTH) {
			i += consume_body(p, data + i, len - i);
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

int http_resp_eof(struct http_resp *p)
{
	switch (p->state) {
	case ST_DONE:
		return 0;
	case ST_ERROR:
		return -1;
	case ST_BODY_CLOSE:
		p->state = ST_DONE;
		return 0;
	default:
		return fail(p, (p->flags & F_STARTED) ? HTTP_ERR_TRUNCATED : HTTP_ERR_NO_RESPONSE);
	}
}

bool http_resp_done(const struct http_resp *p)
{
	return p->state == ST_DONE;
}

int http_resp_status(const struct http_resp *p)
{
	/* only a complete, valid code: 0 while it is parsed or after it was rejected */
	if (p->state <= ST_STATUS || p->status < 100 || p->status > 599)
		return 0;
	return p->status;
}

bool http_resp_keep_alive(const struct http_resp *p)
{
	if (p->flags & (F_UNTIL_CLOSE | F_CONN_CLOSE))
		return false;
	if (p->flags & F_HTTP10)
		return (p->flags & F_CONN_KEEP_ALIVE) != 0;
	return true;
}

uint32_t http_resp_head_bytes(const struct http_resp *p)
{
	return p->head_bytes;
}

/* ---- for the head memo (memo.h) ---- */

_Static_assert(offsetof(struct http_resp, lim) == 0, "memo.h: the state begins with lim");
_Static_assert(sizeof(struct http_resp) <= HTTP_MEMO_STATE, "memo.h keeps a copy");

static ssize_t ops_feed(void *p, const uint8_t *data, size_t len)
{
	return http_resp_feed(p, data, len);
}

static bool ops_idle(const void *p)
{
	return http_resp_idle(p);
}

static bool ops_head_done(const void *p)
{
	return http_resp_headers_done(p);
}

static uint32_t ops_head_bytes(const void *p)
{
	return http_resp_head_bytes(p);
}

static uint64_t ops_body_bytes(const void *p)
{
	return http_resp_body_bytes(p);
}

const struct http_parser_ops http_resp_ops = {
	.size = sizeof(struct http_resp),
	.feed = ops_feed,
	.idle = ops_idle,
	.head_done = ops_head_done,
	.head_bytes = ops_head_bytes,
	.body_bytes = ops_body_bytes,
};

uint64_t http_resp_body_bytes(const struct http_resp *p)
{
	return p->body_bytes;
}

bool http_resp_until_close(const struct http_resp *p)
{
	return (p->flags & F_UNTIL_CLOSE) != 0;
}

bool http_resp_headers_done(const struct http_resp *p)
{
	return (p->flags & F_HEADERS_DONE) != 0;
}

bool http_resp_idle(const struct http_resp *p)
{
	return !(p->flags & F_STARTED);
}

enum http_resp_err http_resp_errcode(const struct http_resp *p)
{
	return (enum http_resp_err)p->err;
}

const char *http_resp_err_str(enum http_resp_err err)
{
	return (unsigned)err < HTTP_ERR_COUNT ? err_names[err] : "unknown";
}

const char *http_resp_error(const struct http_resp *p)
{
	return http_resp_err_str(http_resp_errcode(p));
}
