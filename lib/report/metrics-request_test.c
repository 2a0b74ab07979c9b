/* SPDX-License-Identifier: BSD-3-Clause */
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

#include "metrics-request.h"

/* Parse an exact-size heap copy, so that a read past len is a read past the
 * allocation (caught by ASan or valgrind). */
static int parse_copy(const char *s, size_t len, struct metrics_request *r)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, s, len);
	rc = metrics_request_parse(copy, len, r);
	if (rc > 0) { /* point the results back into s: copy is going */
		r->method = s + (r->method - copy);
		r->path = s + (r->path - copy);
	}
	free(copy);
	return rc;
}

/* A valid head: whole (with trailing bytes after it too), then every shorter
 * prefix must ask for more. */
static void check_valid(int line, const char *head, const char *method, const char *path, int minor)
{
	size_t len = strlen(head);
	struct metrics_request r;
	char with_body[1024];
	int rc;

	rc = parse_copy(head, len, &r);
	if (rc != (int)len)
		fail_msg("line %d: whole head gave %d, want %zu", line, rc, len);
	if (r.method_len != strlen(method) || memcmp(r.method, method, r.method_len) != 0 ||
	    r.path_len != strlen(path) || memcmp(r.path, path, r.path_len) != 0 ||
	    r.minor_version != minor)
		fail_msg("line %d: got %.*s %.*s 1.%d", line, (int)r.method_len, r.method,
			 (int)r.path_len, r.path, r.minor_version);
	snprintf(with_body, sizeof(with_body), "%sBODY", head);
	rc = parse_copy(with_body, len + 4, &r);
	if (rc != (int)len)
		fail_msg("line %d: head followed by a body gave %d", line, rc);
	for (size_t n = 0; n < len; n++) {
		rc = parse_copy(head, n, &r);
		if (rc != METRICS_REQUEST_INCOMPLETE)
			fail_msg("line %d: prefix of %zu bytes gave %d, want incomplete", line, n,
				 rc);
	}
}

/* A malformed head: an error whole; and byte by byte, once a prefix is an
 * error every longer one is too (no continuation can repair it). */
static void check_bad(int line, const char *head, size_t len)
{
	struct metrics_request r;
	int first_bad = -1;

	if (parse_copy(head, len, &r) != METRICS_REQUEST_BAD)
		fail_msg("line %d: whole malformed head was not an error", line);
	for (size_t n = 0; n <= len; n++) {
		int rc = parse_copy(head, n, &r);

		if (rc >= 0)
			fail_msg("line %d: prefix of %zu bytes parsed as %d", line, n, rc);
		if (rc == METRICS_REQUEST_BAD && first_bad < 0)
			first_bad = (int)n;
		if (rc == METRICS_REQUEST_INCOMPLETE && first_bad >= 0)
			fail_msg("line %d: prefix of %zu bytes incomplete after an error at %d",
				 line, n, first_bad);
	}
}

#define VALID(head, method, path, minor) check_valid(__LINE__, head, method, path, minor)
#define BAD(head) check_bad(__LINE__, head, sizeof(head) - 1)

static void valid_heads_parse_whole_and_every_prefix_asks_for_more(void **state)
{
	(void)state;
	VALID("GET /metrics HTTP/1.1\r\n\r\n", "GET", "/metrics", 1);
	VALID("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:9464\r\n\r\n", "GET", "/metrics", 0);
	VALID("GET /metrics?name[]=x HTTP/1.1\r\nAccept: "
	      "text/plain;version=0.0.4;q=0.3,*/*;q=0.2\r\n"
	      "User-Agent: Prometheus/2.45.0\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n",
	      "GET", "/metrics", 1);
	VALID("HEAD / HTTP/1.1\nHost: x\n\n", "HEAD", "/", 1);
	VALID("POST /metrics HTTP/1.1\r\nContent-Length: 4\r\n\r\n", "POST", "/metrics", 1);
	VALID("GET /a HTTP/1.1\r\nEmpty:\r\nTabs:\tv\t\r\nUtf8: \xc3\xa9\r\n\r\n", "GET", "/a", 1);
	VALID("GET ?only-query HTTP/1.1\r\n\r\n", "GET", "", 1);
	VALID("M-SEARCH * HTTP/1.1\r\n\r\n", "M-SEARCH", "*", 1);
}

static void malformed_heads_are_errors_at_every_length(void **state)
{
	(void)state;
	BAD(" GET /metrics HTTP/1.1\r\n\r\n");	  /* empty method */
	BAD("GET  /metrics HTTP/1.1\r\n\r\n");	  /* empty target */
	BAD("G(T /metrics HTTP/1.1\r\n\r\n");	  /* not a token */
	BAD("GET /met\x01rics HTTP/1.1\r\n\r\n"); /* control byte in the target */
	BAD("GET /metrics HTTP/2.0\r\n\r\n");
	BAD("GET /metrics HTTP/1.x\r\n\r\n");
	BAD("GET /metrics HTTP/1.1x\r\n\r\n");
	BAD("GET /metrics http/1.1\r\n\r\n");
	BAD("GET /metrics HTTP/1.1\r\r\n\r\n"); /* CR not followed by LF */
	BAD("GET /metrics HTTP/1.1\r\nNo colon\r\n\r\n");
	BAD("GET /metrics HTTP/1.1\r\n: no name\r\n\r\n");
	BAD("GET /metrics HTTP/1.1\r\nA: b\r\n folded\r\n\r\n");
	BAD("GET /metrics HTTP/1.1\r\nA: b\x7f\r\n\r\n");
	BAD("GET /metrics HTTP/1.1\r\nA: b\0c\r\n\r\n");
	BAD("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"); /* a TLS client hello */
	BAD("\r\n\r\n");
}

static void nothing_is_incomplete(void **state)
{
	(void)state;
	struct metrics_request r;

	assert_int_equal(metrics_request_parse("", 0, &r), METRICS_REQUEST_INCOMPLETE);
	assert_int_equal(metrics_request_parse("GET", 3, &r), METRICS_REQUEST_INCOMPLETE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_heads_parse_whole_and_every_prefix_asks_for_more),
		cmocka_unit_test(malformed_heads_are_errors_at_every_length),
		cmocka_unit_test(nothing_is_incomplete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
