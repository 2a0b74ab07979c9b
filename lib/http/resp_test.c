/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Response parser vectors, each fed whole, byte by byte, in two pieces at every
 * split point, and as every truncated prefix. Every piece is a heap copy of
 * exactly its size, so AddressSanitizer catches any read past len.
 */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "memo.h"
#include "resp.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#define MAX_RESP 3
#define BODY_KEEP 256

struct expect {
	int status;
	uint64_t body_bytes;
	bool keep_alive;
	const char *body; /* decoded body text when checked, else NULL */
};

struct vector {
	int line;
	const char *input;
	size_t len;
	bool head;		       /* the request was HEAD */
	const struct http_limits *lim; /* NULL: defaults */
	int n_resp;		       /* responses that complete */
	struct expect resp[MAX_RESP];
	enum http_resp_err err; /* expected error, from feed or EOF */
};

/* A connection as the worker has one: the parser is embedded. */
struct conn {
	struct http_resp resp;
	const uint8_t *fed_lo, *fed_hi; /* the piece being fed */
	size_t body_len;
	char body[BODY_KEEP];
};

struct outcome {
	int n_resp;
	struct expect resp[MAX_RESP];
	char body[MAX_RESP][BODY_KEEP];
	enum http_resp_err err;
	bool partial; /* an unfinished response at the end of the input */
	bool until_close;
};

static int body_arg_marker;

/* When set, every feed goes through this memo (warm across vectors). */
static struct http_memo *memo;
static struct http_memo shared_memo;

static void on_body(void *arg, struct http_resp *p, const uint8_t *data, size_t n)
{
	struct conn *c = container_of(p, struct conn, resp);

	assert_ptr_equal(arg, &body_arg_marker);
	if (n == 0 || data < c->fed_lo || data + n > c->fed_hi)
		fail_msg("body range outside the fed bytes (n=%zu)", n);
	for (size_t i = 0; i < n && c->body_len < BODY_KEEP - 1; i++)
		c->body[c->body_len++] = (char)data[i];
}

static const struct http_limits test_limits = {.on_body = on_body, .body_arg = &body_arg_marker};

static const struct http_limits small_limits = {
	.max_head_bytes = 80,
	.max_headers = 3,
	.max_line = 40,
	.on_body = on_body,
	.body_arg = &body_arg_marker,
};

static void conn_init(struct conn *c, const struct vector *v)
{
	memset(c, 0, sizeof(*c));
	http_resp_init(&c->resp, v->head, v->lim != NULL ? v->lim : &test_limits);
}

static void record(struct outcome *o, struct conn *c, const struct vector *v)
{
	struct http_resp *p = &c->resp;

	if (o->n_resp == MAX_RESP)
		fail_msg("line %d: more responses than expected", v->line);
	o->resp[o->n_resp] = (struct expect){
		.status = http_resp_status(p),
		.body_bytes = http_resp_body_bytes(p),
		.keep_alive = http_resp_keep_alive(p),
	};
	c->body[c->body_len] = '\0';
	memcpy(o->body[o->n_resp], c->body, c->body_len + 1);
	if (c->body_len != http_resp_body_bytes(p) && http_resp_body_bytes(p) < BODY_KEEP - 1)
		fail_msg("line %d: hook saw %zu body bytes, parser counted %lu", v->line,
			 c->body_len, (unsigned long)http_resp_body_bytes(p));
	o->n_resp++;
	c->body_len = 0; /* next response on the same connection and piece */
	http_resp_init(&c->resp, v->head, v->lim != NULL ? v->lim : &test_limits);
}

/* Feed one piece; false once the parser failed. */
static bool feed_piece(struct outcome *o, struct conn *c, const struct vector *v, const char *src,
		       size_t len)
{
	uint8_t *piece = malloc(len > 0 ? len : 1);
	size_t off = 0;
	bool ok = true;

	assert_non_null(piece);
	memcpy(piece, src, len);
	c->fed_lo = piece;
	c->fed_hi = piece + len;
	while (off < len) {
		ssize_t n = memo ? http_memo_feed(memo, &c->resp, piece + off, len - off)
				 : http_resp_feed(&c->resp, piece + off, len - off);

		if (n < 0) {
			o->err = http_resp_errcode(&c->resp);
			ok = false;
			break;
		}
		if ((size_t)n > len - off)
			fail_msg("line %d: consumed %zd of %zu", v->line, n, len - off);
		off += (size_t)n;
		if (http_resp_done(&c->resp))
			record(o, c, v);
		else if (off != len)
			fail_msg("line %d: stopped at %zu of %zu without a response", v->line, off,
				 len);
	}
	free(piece);
	return ok;
}

/* Feed input cut at the given offsets; at_eof: then the peer closes. */
static struct outcome run(const struct vector *v, size_t len, const size_t *cuts, size_t n_cuts,
			  bool at_eof)
{
	struct outcome o = {0};
	struct conn c;
	size_t from = 0;
	bool ok = true;

	conn_init(&c, v);
	for (size_t i = 0; ok && i <= n_cuts; i++) {
		size_t to = i < n_cuts ? cuts[i] : len;

		ok = feed_piece(&o, &c, v, v->input + from, to - from);
		from = to;
	}
	o.partial = ok && !http_resp_idle(&c.resp);
	o.until_close = http_resp_until_close(&c.resp);
	if (ok && at_eof && !http_resp_idle(&c.resp)) {
		if (http_resp_eof(&c.resp) == 0)
			record(&o, &c, v);
		else
			o.err = http_resp_errcode(&c.resp);
	}
	return o;
}

static void check_response(const struct vector *v, const struct outcome *o, int i, const char *how)
{
	const struct expect *want = &v->resp[i], *got = &o->resp[i];

	if (got->status != want->status || got->body_bytes != want->body_bytes ||
	    got->keep_alive != want->keep_alive)
		fail_msg("line %d (%s): response %d: status %d body %lu keep-alive %d, "
			 "expected %d %lu %d",
			 v->line, how, i, got->status, (unsigned long)got->body_bytes,
			 got->keep_alive, want->status, (unsigned long)want->body_bytes,
			 want->keep_alive);
	if (want->body != NULL && strcmp(o->body[i], want->body) != 0)
		fail_msg("line %d (%s): response %d: body \"%s\", expected \"%s\"", v->line, how, i,
			 o->body[i], want->body);
}

static void check_complete(const struct vector *v, const struct outcome *o, const char *how)
{
	if (o->err != v->err)
		fail_msg("line %d (%s): error \"%s\", expected \"%s\"", v->line, how,
			 http_resp_err_str(o->err), http_resp_err_str(v->err));
	if (o->n_resp != v->n_resp)
		fail_msg("line %d (%s): %d responses, expected %d", v->line, how, o->n_resp,
			 v->n_resp);
	for (int i = 0; i < o->n_resp; i++)
		check_response(v, o, i, how);
}

/* A prefix may complete fewer responses and must either wait for more or fail
 * with the vector's own error; never a different error. */
static void check_prefix(const struct vector *v, const struct outcome *o, size_t k, bool at_eof)
{
	char how[48];

	snprintf(how, sizeof(how), "prefix %zu%s", k, at_eof ? " then EOF" : "");
	if (o->err != HTTP_ERR_NONE && o->err != v->err &&
	    !(at_eof && o->err == HTTP_ERR_TRUNCATED))
		fail_msg("line %d (%s): error \"%s\", expected none or \"%s\"", v->line, how,
			 http_resp_err_str(o->err), http_resp_err_str(v->err));
	if (o->n_resp > v->n_resp)
		fail_msg("line %d (%s): %d responses, expected at most %d", v->line, how, o->n_resp,
			 v->n_resp);
	for (int i = 0; i < o->n_resp; i++) {
		/* a close-delimited body is cut short by the prefix */
		if (i == v->n_resp - 1 && o->until_close)
			continue;
		check_response(v, o, i, how);
	}
}

static void check_segmentations(const struct vector *v)
{
	size_t *cuts = malloc((v->len + 1) * sizeof(*cuts));
	struct outcome o;
	char how[48];

	assert_non_null(cuts);
	o = run(v, v->len, NULL, 0, true);
	check_complete(v, &o, "whole");

	for (size_t i = 0; i + 1 < v->len; i++)
		cuts[i] = i + 1;
	o = run(v, v->len, cuts, v->len > 0 ? v->len - 1 : 0, true);
	check_complete(v, &o, "byte by byte");

	for (size_t k = 0; k <= v->len; k++) {
		snprintf(how, sizeof(how), "split at %zu", k);
		o = run(v, v->len, &k, 1, true);
		check_complete(v, &o, how);
	}
	for (size_t k = 0; k < v->len; k++) {
		o = run(v, k, NULL, 0, false);
		check_prefix(v, &o, k, false);
		o = run(v, k, NULL, 0, true); /* then the peer closes */
		check_prefix(v, &o, k, true);
	}
	free(cuts);
}

/* Every segmentation, parsing each head, then again through the memo. */
static void check_vector(const struct vector *v)
{
	memo = NULL;
	check_segmentations(v);
	memo = &shared_memo;
	check_segmentations(v);
	memo = NULL;
}

#define IN(s) .input = (s), .len = sizeof(s) - 1
#define OK1(st, n, ka, b) .n_resp = 1, .resp = {{(st), (n), (ka), (b)}}

static const struct vector valid[] = {
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
	 OK1(200, 5, true, "hello")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\ncontent-LENGTH: 5\r\nServer: t\r\n\r\nhello"),
	 OK1(200, 5, true, "hello")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length:   7  \r\n\r\nabcdefg"),
	 OK1(200, 7, true, "abcdefg")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
	 OK1(200, 3, true, "abc")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), OK1(200, 0, true, "")},
	{__LINE__, IN("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"), OK1(200, 2, true, "ok")},
	{__LINE__, IN("HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n"), OK1(503, 0, true, "")},
	{__LINE__, IN("HTTP/1.1 200 OK\nContent-Length: 1\n\nx"), OK1(200, 1, true, "x")},
	{__LINE__,
	 IN("HTTP/1.1 200 Ok \xc3\xa9\tfine\r\nX-A: \t v\xff \"q\" \r\nContent-Length: 1"
	    "\r\n\r\nz"),
	 OK1(200, 1, true, "z")},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
	 OK1(200, 11, true, "hello world")},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5;name=value\r\nhello\r\nA ; a=b;c=\"d\"\r\n0123456789\r\n0;last\r\n"
	    "Expires: never\r\nX-Trailer: 1\r\n\r\n"),
	 OK1(200, 15, true, "hello0123456789")},
	{__LINE__,
	 IN("HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
	    "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n000\r\n\r\n"),
	 OK1(201, 26, true, "abcdefghijklmnopqrstuvwxyz")},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\n\r\n\r\n\r\n0\r\nContent-Length: 99\r\n\r\n"),
	 OK1(200, 4, true, "\r\n\r\n")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
	 OK1(200, 0, true, "")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"), .head = true,
	 OK1(200, 0, true, "")},
	/* 20 digits: the fast path takes 19 at most and leaves the line to step() */
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n"
		      "Content-Length:18446744073709551615 \r\n\r\n"), .head = true,
	 OK1(200, 0, true, "")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), .head = true,
	 OK1(200, 0, true, "")},
	{__LINE__, IN("HTTP/1.1 204 No Content\r\nDate: today\r\n\r\n"), OK1(204, 0, true, "")},
	{__LINE__, IN("HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\nETag: \"x\"\r\n\r\n"),
	 OK1(304, 0, true, "")},
	{__LINE__,
	 IN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
	 OK1(200, 2, true, "ok")},
	{__LINE__,
	 IN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
	    "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"),
	 OK1(200, 2, false, "ok")},
	{__LINE__, IN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"),
	 .head = true, OK1(200, 0, true, "")},
	{__LINE__, IN("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil the end"),
	 OK1(200, 13, false, "until the end")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\n\r\n"), OK1(200, 0, false, "")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b"),
	 OK1(200, 2, false, "\x1f\x8b")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n1\r\nx"),
	 OK1(200, 4, false, "1\r\nx")},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n"
	    "\r\nab"),
	 OK1(200, 2, false, "ab")},
	{__LINE__, IN("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi"),
	 OK1(200, 2, true, "hi")},
	{__LINE__, IN("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"), OK1(200, 2, false, "hi")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi"),
	 OK1(200, 2, false, "hi")},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n"),
	 OK1(200, 0, false, "")},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nConnection: upgrade ,close \r\nContent-Length: 0\r\n\r\n"),
	 OK1(200, 0, false, "")},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nConnection: closed, clo se\r\nContent-Length: 0\r\n\r\n"),
	 OK1(200, 0, true, "")},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
	    "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n"),
	 .n_resp = 2, .resp = {{200, 3, true, "abc"}, {404, 2, true, "no"}}},
	{__LINE__,
	 IN("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"
	    "HTTP/1.1 500 Oops\r\nContent-Length: 1\r\nConnection: close\r\n\r\n!"),
	 .n_resp = 3, .resp = {{204, 0, true, ""}, {304, 0, true, ""}, {500, 1, false, "!"}}},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 1\r\n\r\nx"),
	 .lim = &small_limits, OK1(200, 1, true, "x")},
};

static const struct vector invalid[] = {
	{__LINE__, IN("garbage\r\n\r\n"), .err = HTTP_ERR_VERSION},
	{__LINE__, IN("HTTP/2.0 200 OK\r\n\r\n"), .err = HTTP_ERR_VERSION},
	{__LINE__, IN("http/1.1 200 OK\r\n\r\n"), .err = HTTP_ERR_VERSION},
	{__LINE__, IN("HTTP/1.x 200 OK\r\n\r\n"), .err = HTTP_ERR_VERSION},
	{__LINE__, IN("HTTP/1.1\r\n\r\n"), .err = HTTP_ERR_VERSION},
	{__LINE__, IN("HTTP/1.1  200 OK\r\n\r\n"), .err = HTTP_ERR_STATUS},
	{__LINE__, IN("HTTP/1.1 2x0 OK\r\n\r\n"), .err = HTTP_ERR_STATUS},
	{__LINE__, IN("HTTP/1.1 20\r\n\r\n"), .err = HTTP_ERR_STATUS},
	{__LINE__, IN("HTTP/1.1 2000 OK\r\n\r\n"), .err = HTTP_ERR_STATUS},
	{__LINE__, IN("HTTP/1.1 099 Low\r\n\r\n"), .err = HTTP_ERR_STATUS},
	{__LINE__, IN("HTTP/1.1 600 High\r\n\r\n"), .err = HTTP_ERR_STATUS},
	{__LINE__, IN("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"),
	 .err = HTTP_ERR_SWITCHING},
	{__LINE__, IN("HTTP/1.1 200 O\0K\r\n\r\n"), .err = HTTP_ERR_REASON},
	{__LINE__, IN("HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n"), .err = HTTP_ERR_LINE_END},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nX: 1\r\r\n\r\n"), .err = HTTP_ERR_LINE_END},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nX-\0: 1\r\n\r\n"), .err = HTTP_ERR_HEADER_NAME},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n"), .err = HTTP_ERR_HEADER_VALUE},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nX: a\x7f\r\n\r\n"), .err = HTTP_ERR_HEADER_VALUE},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"),
	 .err = HTTP_ERR_HEADER_NAME},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n"), .err = HTTP_ERR_HEADER_NAME},
	{__LINE__, IN("HTTP/1.1 200 OK\r\n: empty\r\n\r\n"), .err = HTTP_ERR_HEADER_NAME},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n"), .err = HTTP_ERR_OBS_FOLD},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
	 .err = HTTP_ERR_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n"),
	 .err = HTTP_ERR_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
	 .err = HTTP_ERR_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n"),
	 .err = HTTP_ERR_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n"
		      "Content-Length: 18446744073709551614\r\n\r\n"), .head = true,
	 .err = HTTP_ERR_DUP_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 7x\r\n\r\n"),
	 .err = HTTP_ERR_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 5,5\r\n\r\n"),
	 .err = HTTP_ERR_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n"),
	 .err = HTTP_ERR_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n"),
	 .err = HTTP_ERR_CONTENT_LENGTH},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"),
	 .err = HTTP_ERR_DUP_CONTENT_LENGTH},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n0\r\n\r\n"),
	 .err = HTTP_ERR_CL_TE_CONFLICT},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"),
	 .err = HTTP_ERR_CL_TE_CONFLICT},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
	 .err = HTTP_ERR_CHUNK_SIZE},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n"),
	 .err = HTTP_ERR_CHUNK_SIZE},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n"),
	 .err = HTTP_ERR_CHUNK_SIZE},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n"),
	 .err = HTTP_ERR_CHUNK_SIZE},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n"),
	 .err = HTTP_ERR_CHUNK_SIZE},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;x\r\n"),
	 .err = HTTP_ERR_CHUNK_SIZE},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "10000000000000000\r\n"),
	 .err = HTTP_ERR_CHUNK_OVERFLOW},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\x01\r\nhello\r\n"),
	 .err = HTTP_ERR_CHUNK_EXT},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n"),
	 .err = HTTP_ERR_CHUNK_END},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n"),
	 .err = HTTP_ERR_HEADER_NAME},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nX-Long: 0123456789012345678901234567890123\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_ERR_LINE_TOO_LONG},
	{__LINE__, IN("HTTP/1.1 200 OK and a reason longer than the line limit\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_ERR_LINE_TOO_LONG},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_ERR_TOO_MANY_HEADERS},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nAaaa: 0123456789012345678\r\n"
	    "Bbbb: 0123456789012345678\r\nCccc: 0123456789012345678\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_ERR_HEAD_TOO_LARGE},
	{__LINE__,
	 IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_ERR_TOO_MANY_HEADERS},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
	 .err = HTTP_ERR_TRUNCATED},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"), .err = HTTP_ERR_TRUNCATED},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
	 .err = HTTP_ERR_TRUNCATED},
	{__LINE__, IN("HTTP/1.1 100 Continue\r\n\r\n"), .err = HTTP_ERR_TRUNCATED},
	{__LINE__, IN("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxJUNK"), .n_resp = 1,
	 .resp = {{200, 1, true, "x"}}, .err = HTTP_ERR_VERSION},
};

static void valid_responses_parse_in_any_segmentation(void **state)
{
	(void)state;
	http_memo_init(&shared_memo, &http_resp_ops);
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		check_vector(&valid[i]);
	assert_true(shared_memo.hits > 0); /* the memo was used, not only filled */
	assert_true(shared_memo.learned > 1);
}

static void malformed_responses_fail_in_any_segmentation(void **state)
{
	(void)state;
	http_memo_init(&shared_memo, &http_resp_ops);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		assert_int_not_equal(invalid[i].err, HTTP_ERR_NONE);
		check_vector(&invalid[i]);
	}
}

/* ---- large bodies, limits at their defaults, API edges ---- */

struct sum_conn {
	struct http_resp resp;
	uint64_t sum, n;
};

static void sum_body(void *arg, struct http_resp *p, const uint8_t *data, size_t n)
{
	struct sum_conn *c = container_of(p, struct sum_conn, resp);

	(void)arg;
	for (size_t i = 0; i < n; i++)
		c->sum = c->sum * 31 + data[i];
	c->n += n;
}

static uint64_t rng_state = 12345;

static size_t rng_below(size_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (size_t)(rng_state >> 33) % n;
}

/* Feed buf in pieces of 1..max_piece bytes (1: byte by byte) until done. */
static void feed_until_done(struct sum_conn *c, const char *buf, size_t len, size_t max_piece,
			    const struct http_limits *lim)
{
	size_t off = 0;

	memset(c, 0, sizeof(*c));
	http_resp_init(&c->resp, false, lim);
	while (off < len && !http_resp_done(&c->resp)) {
		size_t n = max_piece == 1 ? 1 : 1 + rng_below(max_piece);
		ssize_t rc;

		if (n > len - off)
			n = len - off;
		rc = http_resp_feed(&c->resp, (const uint8_t *)buf + off, n);
		if (rc < 0)
			fail_msg("error \"%s\" at %zu", http_resp_error(&c->resp), off);
		off += (size_t)rc;
	}
	assert_true(http_resp_done(&c->resp));
	assert_int_equal(off, len);
}

static uint64_t expected_sum(const char *body, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = sum * 31 + (uint8_t)body[i];
	return sum;
}

static void large_bodies_are_counted_and_seen_in_full(void **state)
{
	static const struct http_limits lim = {.on_body = sum_body};
	const size_t body_len = 300000;
	char *body = malloc(body_len), *cl = malloc(body_len + 100), *ch = malloc(body_len * 2);
	size_t cl_len, ch_len = 0, off = 0;
	struct sum_conn c;

	(void)state;
	assert_non_null(body);
	assert_non_null(cl);
	assert_non_null(ch);
	for (size_t i = 0; i < body_len; i++)
		body[i] = (char)('a' + rng_below(26));
	cl_len = (size_t)sprintf(cl, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body_len);
	memcpy(cl + cl_len, body, body_len);
	cl_len += body_len;

	ch_len = (size_t)sprintf(ch, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
	while (off < body_len) {
		size_t n = 1 + rng_below(70000);

		if (n > body_len - off)
			n = body_len - off;
		ch_len += (size_t)sprintf(ch + ch_len, "%zx;i=%zu\r\n", n, off);
		memcpy(ch + ch_len, body + off, n);
		ch_len += n;
		ch_len += (size_t)sprintf(ch + ch_len, "\r\n");
		off += n;
	}
	ch_len += (size_t)sprintf(ch + ch_len, "0\r\n\r\n");

	for (size_t max_piece = 1; max_piece <= 100000; max_piece *= 10) {
		feed_until_done(&c, cl, cl_len, max_piece, &lim);
		assert_int_equal(http_resp_body_bytes(&c.resp), body_len);
		assert_int_equal(c.n, body_len);
		assert_true(c.sum == expected_sum(body, body_len));
		feed_until_done(&c, ch, ch_len, max_piece, &lim);
		assert_int_equal(http_resp_body_bytes(&c.resp), body_len);
		assert_true(c.sum == expected_sum(body, body_len));
	}
	free(body);
	free(cl);
	free(ch);
}

/* A response with n headers "X-nnnn: v..." padded so the head is head_len bytes. */
static char *response_with_headers(unsigned n, size_t head_len, size_t *len)
{
	char *buf = malloc(head_len + 64);
	size_t off;

	assert_non_null(buf);
	off = (size_t)snprintf(buf, head_len + 64, "HTTP/1.1 200 OK\r\n");

	for (unsigned i = 0; i < n; i++)
		off += (size_t)sprintf(buf + off, "X-%04u: v\r\n", i);
	assert_true(off + 2 <= head_len);
	/* pad the last header value up to the wanted size */
	off -= 2;
	while (off + 2 + 2 < head_len)
		buf[off++] = 'p';
	off += (size_t)sprintf(buf + off, "\r\n\r\n");
	assert_int_equal(off, head_len);
	*len = off;
	return buf;
}

static enum http_resp_err parse_once(const char *buf, size_t len)
{
	struct http_resp p;
	ssize_t rc;

	http_resp_init(&p, false, NULL);
	rc = http_resp_feed(&p, (const uint8_t *)buf, len);
	if (rc < 0)
		return http_resp_errcode(&p);
	assert_int_equal(rc, len);
	assert_true(http_resp_done(&p) || http_resp_until_close(&p));
	return HTTP_ERR_NONE;
}

static void default_limits_allow_100_headers_and_8_kib(void **state)
{
	size_t len;
	char *buf;

	(void)state;
	buf = response_with_headers(HTTP_DEFAULT_MAX_HEADERS, 2000, &len);
	assert_int_equal(parse_once(buf, len), HTTP_ERR_NONE);
	free(buf);
	buf = response_with_headers(HTTP_DEFAULT_MAX_HEADERS + 1, 2000, &len);
	assert_int_equal(parse_once(buf, len), HTTP_ERR_TOO_MANY_HEADERS);
	free(buf);
	buf = response_with_headers(50, HTTP_DEFAULT_MAX_HEAD_BYTES, &len);
	assert_int_equal(parse_once(buf, len), HTTP_ERR_NONE);
	free(buf);
	buf = response_with_headers(50, HTTP_DEFAULT_MAX_HEAD_BYTES + 1, &len);
	assert_int_equal(parse_once(buf, len), HTTP_ERR_HEAD_TOO_LARGE);
	free(buf);
}

static void a_line_of_max_line_bytes_passes_and_one_more_fails(void **state)
{
	/* small_limits.max_line is 40: bytes of a line before its LF, CR included */
	static const char fits[] = "HTTP/1.1 200 OK\r\nX: 345678901234567890123456789012345678\r\n"
				   "Content-Length: 0\r\n\r\n";
	static const char over[] = "HTTP/1.1 200 OK\r\nX: 3456789012345678901234567890123456789\r\n"
				   "Content-Length: 0\r\n\r\n";
	struct http_resp p;

	(void)state;
	http_resp_init(&p, false, &small_limits);
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)fits, sizeof(fits) - 1),
			 sizeof(fits) - 1);
	assert_true(http_resp_done(&p));
	http_resp_init(&p, false, &small_limits);
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)over, sizeof(over) - 1), -1);
	assert_int_equal(http_resp_errcode(&p), HTTP_ERR_LINE_TOO_LONG);
}

/* Parse whole (fast paths) and byte by byte; both must agree. */
static enum http_resp_err parse_both_ways(const char *buf, size_t len, int line)
{
	struct http_resp p;
	enum http_resp_err whole = parse_once(buf, len), bytewise = HTTP_ERR_NONE;

	http_resp_init(&p, false, NULL);
	for (size_t i = 0; i < len && !http_resp_done(&p); i++) {
		if (http_resp_feed(&p, (const uint8_t *)buf + i, 1) < 0) {
			bytewise = http_resp_errcode(&p);
			break;
		}
	}
	if (whole != bytewise)
		fail_msg("line %d: whole \"%s\", byte by byte \"%s\"", line,
			 http_resp_err_str(whole), http_resp_err_str(bytewise));
	return whole;
}

static bool rfc_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void every_byte_value_is_classified_as_rfc_9110_says(void **state)
{
	char buf[128];

	(void)state;
	for (int c = 0; c < 256; c++) {
		bool ctl = (c < 0x20 && c != '\t') || c == 0x7f;
		int n;

		/* in a header value and in the reason phrase: anything but controls */
		n = snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nX-V: a%cb\r\n\r\n", c);
		if ((parse_both_ways(buf, (size_t)n, __LINE__) != HTTP_ERR_NONE) != ctl)
			fail_msg("byte 0x%02x in a header value", c);
		n = snprintf(buf, sizeof(buf), "HTTP/1.1 200 O%cK\r\n\r\n", c);
		if ((parse_both_ways(buf, (size_t)n, __LINE__) != HTTP_ERR_NONE) != ctl)
			fail_msg("byte 0x%02x in a reason phrase", c);
		/* in a header name: tokens only (':' would end the name) */
		if (c == ':')
			continue;
		n = snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nX%cY: 1\r\n\r\n", c);
		if ((parse_both_ways(buf, (size_t)n, __LINE__) == HTTP_ERR_NONE) != rfc_tchar(c))
			fail_msg("byte 0x%02x in a header name", c);
	}
}

static void parser_state_fits_in_48_bytes(void **state)
{
	(void)state;
	assert_true(sizeof(struct http_resp) <= 48);
}

static void closing_an_idle_connection_is_no_response(void **state)
{
	struct http_resp p;

	(void)state;
	http_resp_init(&p, false, NULL);
	assert_true(http_resp_idle(&p));
	assert_int_equal(http_resp_eof(&p), -1);
	assert_int_equal(http_resp_errcode(&p), HTTP_ERR_NO_RESPONSE);
	assert_string_equal(http_resp_error(&p), "connection closed before a response");
}

static void a_done_parser_consumes_nothing_and_a_failed_one_stays_failed(void **state)
{
	static const char two[] = "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
	struct http_resp p;

	(void)state;
	http_resp_init(&p, false, NULL);
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)two, sizeof(two) - 1),
			 (sizeof(two) - 1) / 2);
	assert_true(http_resp_done(&p));
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)two, sizeof(two) - 1), 0);
	assert_int_equal(http_resp_eof(&p), 0);
	assert_string_equal(http_resp_error(&p), "none");

	http_resp_init(&p, false, NULL);
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)"HTTQ", 4), -1);
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)two, sizeof(two) - 1), -1);
	assert_int_equal(http_resp_eof(&p), -1);
	assert_int_equal(http_resp_errcode(&p), HTTP_ERR_VERSION);
}

static void status_and_headers_done_are_known_before_the_body(void **state)
{
	static const char head[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\n01234";
	struct http_resp p;

	(void)state;
	http_resp_init(&p, false, NULL);
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)head, 11), 11);
	assert_int_equal(http_resp_status(&p), 0); /* code not complete yet */
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)head + 11, 5), 5);
	assert_int_equal(http_resp_status(&p), 404);
	assert_false(http_resp_headers_done(&p));
	assert_int_equal(http_resp_feed(&p, (const uint8_t *)head + 16, sizeof(head) - 17),
			 sizeof(head) - 17);
	assert_true(http_resp_headers_done(&p));
	assert_false(http_resp_done(&p));
	assert_int_equal(http_resp_body_bytes(&p), 5);
}

/* feed one response on a fresh parser through m; its body length */
static uint64_t memo_feed(struct http_memo *m, bool head, const char *s)
{
	struct http_resp p;

	http_resp_init(&p, head, NULL);
	assert_int_equal(http_memo_feed(m, &p, (const uint8_t *)s, strlen(s)),
			 (ssize_t)strlen(s));
	assert_true(http_resp_done(&p));
	return http_resp_body_bytes(&p);
}

static void a_repeated_head_is_taken_from_the_memo(void **state)
{
	static const char a[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	static const char b[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
	struct http_memo m;

	(void)state;
	http_memo_init(&m, &http_resp_ops);
	assert_int_equal(memo_feed(&m, false, a), 5);
	assert_int_equal(m.learned, 1);
	assert_int_equal(memo_feed(&m, false, a), 5);
	assert_int_equal(memo_feed(&m, false, a), 5);
	assert_int_equal(m.hits, 2);
	/* another head is parsed, not taken: one byte differs */
	assert_int_equal(memo_feed(&m, false, b), 2);
	assert_int_equal(m.hits, 2);
	/* the memo is for GET: a HEAD response parses on its own, no body */
	assert_int_equal(memo_feed(&m, true, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), 0);
	assert_int_equal(m.hits, 2);
	/* after enough misses in a row the memo takes the new head */
	for (int i = 0; i < 8; i++)
		assert_int_equal(memo_feed(&m, false, b), 2);
	assert_int_equal(m.learned, 2);
	assert_int_equal(memo_feed(&m, false, b), 2);
	assert_true(m.hits > 2);
}

static void every_error_has_a_name(void **state)
{
	(void)state;
	for (int e = 0; e < HTTP_ERR_COUNT; e++) {
		assert_non_null(http_resp_err_str(e));
		assert_true(strlen(http_resp_err_str(e)) > 0);
	}
	assert_string_equal(http_resp_err_str(HTTP_ERR_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_responses_parse_in_any_segmentation),
		cmocka_unit_test(malformed_responses_fail_in_any_segmentation),
		cmocka_unit_test(large_bodies_are_counted_and_seen_in_full),
		cmocka_unit_test(default_limits_allow_100_headers_and_8_kib),
		cmocka_unit_test(a_line_of_max_line_bytes_passes_and_one_more_fails),
		cmocka_unit_test(every_byte_value_is_classified_as_rfc_9110_says),
		cmocka_unit_test(parser_state_fits_in_48_bytes),
		cmocka_unit_test(closing_an_idle_connection_is_no_response),
		cmocka_unit_test(a_done_parser_consumes_nothing_and_a_failed_one_stays_failed),
		cmocka_unit_test(status_and_headers_done_are_known_before_the_body),
		cmocka_unit_test(a_repeated_head_is_taken_from_the_memo),
		cmocka_unit_test(every_error_has_a_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
