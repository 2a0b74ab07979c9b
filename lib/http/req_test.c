/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Request parser vectors, each fed whole, byte by byte, in two pieces at every
 * split point, and as every truncated prefix (with and without the peer's FIN).
 * Every piece is a heap copy of exactly its size, so AddressSanitizer catches
 * any read past len.
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
#include "req.h"

#define MAX_REQ 3

struct expect {
	enum http_method method;
	uint64_t body_bytes;
	bool keep_alive;
};

struct vector {
	int line;
	const char *input;
	size_t len;
	const struct http_limits *lim; /* NULL: defaults */
	int n_req;		       /* requests that complete */
	struct expect req[MAX_REQ];
	enum http_req_err err; /* expected error, from feed or EOF */
};

struct outcome {
	int n_req;
	struct expect req[MAX_REQ];
	enum http_req_err err;
};

static const struct http_limits small_limits = {
	.max_head_bytes = 80,
	.max_headers = 3,
	.max_line = 40,
};

static void record(struct outcome *o, struct http_req *p, const struct vector *v)
{
	if (o->n_req == MAX_REQ)
		fail_msg("line %d: more requests than expected", v->line);
	assert_true(http_req_headers_done(p));
	assert_int_equal(http_req_body_bytes(p), http_req_content_length(p));
	o->req[o->n_req++] = (struct expect){
		.method = http_req_method(p),
		.body_bytes = http_req_body_bytes(p),
		.keep_alive = http_req_keep_alive(p),
	};
	http_req_init(p, v->lim);
}

/* When set, every feed goes through this memo (warm across vectors). */
static struct http_memo *memo;
static struct http_memo shared_memo;

/* Feed one piece; false once the parser failed. */
static bool feed_piece(struct outcome *o, struct http_req *p, const struct vector *v,
		       const char *src, size_t len)
{
	uint8_t *piece = malloc(len > 0 ? len : 1);
	size_t off = 0;
	bool ok = true;

	assert_non_null(piece);
	memcpy(piece, src, len);
	while (off < len) {
		ssize_t n = memo ? http_memo_feed(memo, p, piece + off, len - off)
				 : http_req_feed(p, piece + off, len - off);

		if (n < 0) {
			o->err = http_req_errcode(p);
			assert_int_equal(http_req_feed(p, piece + off, len - off), -1);
			ok = false;
			break;
		}
		if ((size_t)n > len - off)
			fail_msg("line %d: consumed %zd of %zu", v->line, n, len - off);
		off += (size_t)n;
		if (http_req_done(p))
			record(o, p, v);
		else if (off != len)
			fail_msg("line %d: stopped at %zu of %zu without a request", v->line, off,
				 len);
	}
	free(piece);
	return ok;
}

static struct outcome run(const struct vector *v, size_t len, const size_t *cuts, size_t n_cuts,
			  bool at_eof)
{
	struct outcome o = {0};
	struct http_req p;
	size_t from = 0;
	bool ok = true;

	http_req_init(&p, v->lim);
	for (size_t i = 0; ok && i <= n_cuts; i++) {
		size_t to = i < n_cuts ? cuts[i] : len;

		ok = feed_piece(&o, &p, v, v->input + from, to - from);
		from = to;
	}
	if (ok && at_eof && http_req_eof(&p) < 0)
		o.err = http_req_errcode(&p);
	return o;
}

static void check_request(const struct vector *v, const struct outcome *o, int i, const char *how)
{
	const struct expect *want = &v->req[i], *got = &o->req[i];

	if (got->method != want->method || got->body_bytes != want->body_bytes ||
	    got->keep_alive != want->keep_alive)
		fail_msg("line %d (%s): request %d: method %d body %lu keep-alive %d, "
			 "expected %d %lu %d",
			 v->line, how, i, got->method, (unsigned long)got->body_bytes,
			 got->keep_alive, want->method, (unsigned long)want->body_bytes,
			 want->keep_alive);
}

static void check_complete(const struct vector *v, const struct outcome *o, const char *how)
{
	if (o->err != v->err)
		fail_msg("line %d (%s): error \"%s\", expected \"%s\"", v->line, how,
			 http_req_err_str(o->err), http_req_err_str(v->err));
	if (o->n_req != v->n_req)
		fail_msg("line %d (%s): %d requests, expected %d", v->line, how, o->n_req,
			 v->n_req);
	for (int i = 0; i < o->n_req; i++)
		check_request(v, o, i, how);
}

/* A prefix completes at most the vector's requests and either waits for more
 * or fails with the vector's own error (or TRUNCATED when the peer closes). */
static void check_prefix(const struct vector *v, const struct outcome *o, size_t k, bool at_eof)
{
	char how[48];

	snprintf(how, sizeof(how), "prefix %zu%s", k, at_eof ? " then EOF" : "");
	if (o->err != HTTP_REQ_ERR_NONE && o->err != v->err &&
	    !(at_eof && o->err == HTTP_REQ_ERR_TRUNCATED))
		fail_msg("line %d (%s): error \"%s\", expected none or \"%s\"", v->line, how,
			 http_req_err_str(o->err), http_req_err_str(v->err));
	if (o->n_req > v->n_req)
		fail_msg("line %d (%s): %d requests, expected at most %d", v->line, how, o->n_req,
			 v->n_req);
	for (int i = 0; i < o->n_req; i++)
		check_request(v, o, i, how);
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
		o = run(v, k, NULL, 0, true);
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
#define OK1(m, n, ka) .n_req = 1, .req = {{(m), (n), (ka)}}
#define GET HTTP_METHOD_GET
#define HEAD HTTP_METHOD_HEAD
#define OTHER HTTP_METHOD_OTHER

static const struct vector valid[] = {
	{__LINE__, IN("GET / HTTP/1.1\r\nHost: 198.18.0.1\r\n\r\n"), OK1(GET, 0, true)},
	{__LINE__, IN("GET /a/b?c=d&e HTTP/1.1\r\nHost: x\r\nUser-Agent: drench\r\n\r\n"),
	 OK1(GET, 0, true)},
	{__LINE__, IN("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n"), OK1(HEAD, 0, true)},
	{__LINE__, IN("POST /up HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"), OK1(OTHER, 5, true)},
	{__LINE__, IN("PUT /up HTTP/1.1\r\ncontent-LENGTH:   3  \r\n\r\nabc"), OK1(OTHER, 3, true)},
	{__LINE__, IN("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"),
	 OK1(OTHER, 2, true)},
	{__LINE__, IN("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), OK1(OTHER, 0, true)},
	{__LINE__, IN("GETS / HTTP/1.1\r\n\r\n"), OK1(OTHER, 0, true)},
	{__LINE__, IN("GE / HTTP/1.1\r\n\r\n"), OK1(OTHER, 0, true)},
	{__LINE__, IN("get / HTTP/1.1\r\n\r\n"), OK1(OTHER, 0, true)},
	{__LINE__, IN("HEADER / HTTP/1.1\r\n\r\n"), OK1(OTHER, 0, true)},
	{__LINE__, IN("M-SEARCH * HTTP/1.1\r\n\r\n"), OK1(OTHER, 0, true)},
	{__LINE__, IN("GET / HTTP/1.1\nHost: x\n\n"), OK1(GET, 0, true)},
	{__LINE__, IN("\r\n\r\nGET / HTTP/1.1\r\n\r\n"), OK1(GET, 0, true)},
	{__LINE__, IN("GET /\xc3\xa9 HTTP/1.1\r\nX-A: \t v\xff \"q\" \r\n\r\n"), OK1(GET, 0, true)},
	{__LINE__, IN("GET / HTTP/1.0\r\n\r\n"), OK1(GET, 0, false)},
	{__LINE__, IN("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), OK1(GET, 0, true)},
	{__LINE__, IN("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), OK1(GET, 0, false)},
	{__LINE__, IN("GET / HTTP/1.1\r\nConnection: upgrade ,CLOSE \r\n\r\n"), OK1(GET, 0, false)},
	{__LINE__, IN("GET / HTTP/1.1\r\nConnection: closed, clo se\r\n\r\n"), OK1(GET, 0, true)},
	{__LINE__, IN("GET / HTTP/1.9\r\n\r\n"), OK1(GET, 0, true)},
	{__LINE__, IN("GET / HTTP/1.1\r\nConnectionX: close\r\nX-Connection: close\r\n\r\n"),
	 OK1(GET, 0, true)},
	{__LINE__,
	 IN("GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody"
	    "HEAD /3 HTTP/1.1\r\nConnection: close\r\n\r\n"),
	 .n_req = 3, .req = {{GET, 0, true}, {OTHER, 4, true}, {HEAD, 0, false}}},
	{__LINE__, IN("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), .lim = &small_limits,
	 OK1(GET, 0, true)},
};

static const struct vector invalid[] = {
	{__LINE__, IN(" GET / HTTP/1.1\r\n\r\n"), .err = HTTP_REQ_ERR_METHOD},
	{__LINE__, IN("G(T / HTTP/1.1\r\n\r\n"), .err = HTTP_REQ_ERR_METHOD},
	{__LINE__, IN("GET\r\n\r\n"), .err = HTTP_REQ_ERR_METHOD},
	{__LINE__, IN("GET  / HTTP/1.1\r\n\r\n"), .err = HTTP_REQ_ERR_TARGET},
	{__LINE__, IN("GET /a\x01 HTTP/1.1\r\n\r\n"), .err = HTTP_REQ_ERR_TARGET},
	{__LINE__, IN("GET /a\x7f HTTP/1.1\r\n\r\n"), .err = HTTP_REQ_ERR_TARGET},
	{__LINE__, IN("GET /\n\r\n"), .err = HTTP_REQ_ERR_VERSION},
	{__LINE__, IN("GET / HTTP/2.0\r\n\r\n"), .err = HTTP_REQ_ERR_VERSION},
	{__LINE__, IN("GET / http/1.1\r\n\r\n"), .err = HTTP_REQ_ERR_VERSION},
	{__LINE__, IN("GET / HTTP/1.\r\n\r\n"), .err = HTTP_REQ_ERR_VERSION},
	{__LINE__, IN("GET / HTTP/1.11\r\n\r\n"), .err = HTTP_REQ_ERR_VERSION},
	{__LINE__, IN("GET / HTTP/1.1 \r\n\r\n"), .err = HTTP_REQ_ERR_VERSION},
	{__LINE__, IN("GET / \r\n\r\n"), .err = HTTP_REQ_ERR_VERSION},
	{__LINE__, IN("GET / HTTP/1.1\rHost: x\r\n\r\n"), .err = HTTP_REQ_ERR_LINE_END},
	{__LINE__, IN("\rGET / HTTP/1.1\r\n\r\n"), .err = HTTP_REQ_ERR_LINE_END},
	{__LINE__, IN("GET / HTTP/1.1\r\nX: 1\r\r\n\r\n"), .err = HTTP_REQ_ERR_LINE_END},
	{__LINE__, IN("GET / HTTP/1.1\r\nX-\0: 1\r\n\r\n"), .err = HTTP_REQ_ERR_HEADER_NAME},
	{__LINE__, IN("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), .err = HTTP_REQ_ERR_HEADER_NAME},
	{__LINE__, IN("GET / HTTP/1.1\r\nNoColon\r\n\r\n"), .err = HTTP_REQ_ERR_HEADER_NAME},
	{__LINE__, IN("GET / HTTP/1.1\r\n: empty\r\n\r\n"), .err = HTTP_REQ_ERR_HEADER_NAME},
	{__LINE__, IN("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"), .err = HTTP_REQ_ERR_HEADER_VALUE},
	{__LINE__, IN("GET / HTTP/1.1\r\nConnection: a\x7f\r\n\r\n"),
	 .err = HTTP_REQ_ERR_HEADER_VALUE},
	{__LINE__, IN("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"), .err = HTTP_REQ_ERR_OBS_FOLD},
	{__LINE__, IN("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
	 .err = HTTP_REQ_ERR_CONTENT_LENGTH},
	{__LINE__, IN("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n"),
	 .err = HTTP_REQ_ERR_CONTENT_LENGTH},
	{__LINE__, IN("POST / HTTP/1.1\r\nContent-Length: \r\n\r\n"),
	 .err = HTTP_REQ_ERR_CONTENT_LENGTH},
	{__LINE__, IN("POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n"),
	 .err = HTTP_REQ_ERR_CONTENT_LENGTH},
	{__LINE__, IN("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx"),
	 .err = HTTP_REQ_ERR_DUP_CONTENT_LENGTH},
	{__LINE__, IN("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
	 .err = HTTP_REQ_ERR_TRANSFER_ENCODING},
	{__LINE__, IN("GET /0123456789012345678901234567890123 HTTP/1.1\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_REQ_ERR_LINE_TOO_LONG},
	{__LINE__, IN("GET / HTTP/1.1\r\nX-Long: 01234567890123456789012345678901\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_REQ_ERR_LINE_TOO_LONG},
	{__LINE__, IN("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_REQ_ERR_TOO_MANY_HEADERS},
	{__LINE__,
	 IN("GET / HTTP/1.1\r\nAaaa: 0123456789012345678\r\nBbbb: 0123456789012345678\r\n"
	    "Cccc: 01234567\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_REQ_ERR_HEAD_TOO_LARGE},
	{__LINE__,
	 IN("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	    "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	    "GET / HTTP/1.1\r\n\r\n"),
	 .lim = &small_limits, .err = HTTP_REQ_ERR_HEAD_TOO_LARGE},
	{__LINE__, IN("GET / HTTP/1.1\r\nHost: x\r\n"), .err = HTTP_REQ_ERR_TRUNCATED},
	{__LINE__, IN("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort"),
	 .err = HTTP_REQ_ERR_TRUNCATED},
	{__LINE__, IN("GET / HTTP/1.1\r\n\r\nGET /x"), .n_req = 1, .req = {{GET, 0, true}},
	 .err = HTTP_REQ_ERR_TRUNCATED},
	{__LINE__, IN("GET / HTTP/1.1\r\n\r\n\x16\x03\x01"), .n_req = 1, .req = {{GET, 0, true}},
	 .err = HTTP_REQ_ERR_METHOD},
};

static void valid_requests_parse_in_any_segmentation(void **state)
{
	(void)state;
	http_memo_init(&shared_memo, &http_req_ops);
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		check_vector(&valid[i]);
	assert_true(shared_memo.hits > 0); /* the memo was used, not only filled */
	assert_true(shared_memo.learned > 1);
}

static void malformed_requests_fail_in_any_segmentation(void **state)
{
	(void)state;
	http_memo_init(&shared_memo, &http_req_ops);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		assert_int_not_equal(invalid[i].err, HTTP_REQ_ERR_NONE);
		check_vector(&invalid[i]);
	}
}

/* Every byte value, in the method, the target and a header value: accepted or
 * refused as the RFC classes say, whole and byte by byte alike. */
static bool tchar(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void every_byte_value_is_classified_as_rfc_9110_says(void **state)
{
	char buf[64];
	(void)state;
	for (int c = 0; c < 256; c++) {
		struct vector v = {.line = __LINE__, .input = buf};
		bool ok;

		v.len = (size_t)snprintf(buf, sizeof(buf), "G%cT / HTTP/1.1\r\n\r\n", 'x');
		buf[1] = (char)c;
		ok = tchar(c);
		v.n_req = ok;
		v.req[0] = (struct expect){c == 'E' ? GET : OTHER, 0, true};
		v.err = ok ? HTTP_REQ_ERR_NONE
			   : (c == ' ' ? HTTP_REQ_ERR_TARGET : HTTP_REQ_ERR_METHOD);
		if (c == ' ') /* "G T / ...": the target "T" then "/" is no version */
			v.err = HTTP_REQ_ERR_VERSION;
		check_vector(&v);

		v.len = (size_t)snprintf(buf, sizeof(buf), "GET /%c HTTP/1.1\r\n\r\n", 'x');
		buf[5] = (char)c;
		ok = c > 0x20 && c != 0x7f;
		v.n_req = ok;
		v.req[0] = (struct expect){GET, 0, true};
		v.err = ok ? HTTP_REQ_ERR_NONE : HTTP_REQ_ERR_TARGET;
		if (c == ' ' || c == '\n') /* the line (or the target) ends: no version */
			v.err = HTTP_REQ_ERR_VERSION;
		check_vector(&v);

		v.len = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nX: a%cb\r\n\r\n", 'x');
		buf[20] = (char)c;
		ok = c == '\t' || (c >= 0x20 && c != 0x7f);
		v.n_req = ok;
		v.err = ok ? HTTP_REQ_ERR_NONE
			   : (c == '\r' ? HTTP_REQ_ERR_LINE_END
				       : c == '\n' ? HTTP_REQ_ERR_HEADER_NAME
						   : HTTP_REQ_ERR_HEADER_VALUE);
		check_vector(&v);
	}
}

static void large_bodies_are_skipped_in_bulk(void **state)
{
	static const char head[] = "POST / HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n";
	uint8_t *buf = calloc(1, 1000000 + 64);
	struct http_req p;
	size_t total = sizeof(head) - 1 + 1000000, off = 0;
	(void)state;

	assert_non_null(buf);
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + total, "GET", 3);
	http_req_init(&p, NULL);
	while (!http_req_done(&p)) {
		size_t n = total + 3 - off < 1460 ? total + 3 - off : 1460;
		ssize_t got = http_req_feed(&p, buf + off, n);

		assert_true(got > 0);
		off += (size_t)got;
		if (!http_req_done(&p))
			assert_int_equal(http_req_body_bytes(&p) + sizeof(head) - 1, off);
	}
	assert_int_equal(off, total); /* stops at the last body byte */
	assert_int_equal(http_req_body_bytes(&p), 1000000);
	assert_int_equal(http_req_feed(&p, buf + off, 3), 0);
	free(buf);
}

static void default_limits_allow_100_headers_and_8_kib(void **state)
{
	char *buf = malloc(16384);
	size_t n = 0;
	struct http_req p;
	(void)state;

	assert_non_null(buf);
	n += (size_t)sprintf(buf + n, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)sprintf(buf + n, "H%02d: v\r\n", i);
	n += (size_t)sprintf(buf + n, "\r\n");
	http_req_init(&p, NULL);
	assert_int_equal(http_req_feed(&p, (uint8_t *)buf, n), (ssize_t)n);
	assert_true(http_req_done(&p));

	n -= 2;
	n += (size_t)sprintf(buf + n, "H100: v\r\n\r\n");
	http_req_init(&p, NULL);
	assert_int_equal(http_req_feed(&p, (uint8_t *)buf, n), -1);
	assert_int_equal(http_req_errcode(&p), HTTP_REQ_ERR_TOO_MANY_HEADERS);

	n = (size_t)sprintf(buf, "GET /");
	memset(buf + n, 'a', 8200);
	n += 8200;
	n += (size_t)sprintf(buf + n, " HTTP/1.1\r\n\r\n");
	http_req_init(&p, NULL);
	assert_int_equal(http_req_feed(&p, (uint8_t *)buf, n), -1);
	assert_int_equal(http_req_errcode(&p), HTTP_REQ_ERR_HEAD_TOO_LARGE);
	free(buf);
}

static void closing_between_requests_is_no_error(void **state)
{
	struct http_req p;
	(void)state;

	http_req_init(&p, NULL);
	assert_true(http_req_idle(&p));
	assert_int_equal(http_req_eof(&p), 0);
	http_req_init(&p, NULL);
	assert_int_equal(http_req_feed(&p, (const uint8_t *)"\r\n", 2), 2);
	assert_true(http_req_idle(&p)); /* empty lines are not a request */
	assert_int_equal(http_req_eof(&p), 0);
	assert_int_equal(http_req_feed(&p, (const uint8_t *)"G", 1), 1);
	assert_false(http_req_idle(&p));
	assert_int_equal(http_req_eof(&p), -1);
	assert_int_equal(http_req_errcode(&p), HTTP_REQ_ERR_TRUNCATED);
}

static void parser_state_fits_in_40_bytes(void **state)
{
	(void)state;
	assert_true(sizeof(struct http_req) <= 40);
}

static void every_error_has_a_name(void **state)
{
	(void)state;
	for (int e = 0; e < HTTP_REQ_ERR_COUNT; e++) {
		assert_non_null(http_req_err_str((enum http_req_err)e));
		assert_string_not_equal(http_req_err_str((enum http_req_err)e), "unknown");
	}
	assert_string_equal(http_req_err_str(HTTP_REQ_ERR_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_requests_parse_in_any_segmentation),
		cmocka_unit_test(malformed_requests_fail_in_any_segmentation),
		cmocka_unit_test(every_byte_value_is_classified_as_rfc_9110_says),
		cmocka_unit_test(large_bodies_are_skipped_in_bulk),
		cmocka_unit_test(default_limits_allow_100_headers_and_8_kib),
		cmocka_unit_test(closing_between_requests_is_no_error),
		cmocka_unit_test(parser_state_fits_in_40_bytes),
		cmocka_unit_test(every_error_has_a_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
