/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "template.h"

static void check_bytes(const struct http_template_spec *spec, const char *want, int line)
{
	struct http_template *t = http_template_create(spec);
	const uint8_t *bytes;
	size_t len;

	if (t == NULL)
		fail_msg("line %d: create failed (errno %d)", line, errno);
	bytes = http_template_bytes(t, &len);
	if (len != strlen(want) || memcmp(bytes, want, len) != 0)
		fail_msg("line %d: got \"%.*s\"", line, (int)len, (const char *)bytes);
	http_template_free(t);
}

static void a_get_is_keep_alive_with_only_a_host_header(void **state)
{
	const struct http_template_spec spec = {.method = "GET", .path = "/", .host = "198.18.0.2"};

	(void)state;
	check_bytes(&spec, "GET / HTTP/1.1\r\nHost: 198.18.0.2\r\n\r\n", __LINE__);
}

static void a_port_other_than_80_goes_into_host(void **state)
{
	struct http_template_spec spec = {
		.method = "GET", .path = "/a?b=c", .host = "api.lab", .port = 8080};

	(void)state;
	check_bytes(&spec, "GET /a?b=c HTTP/1.1\r\nHost: api.lab:8080\r\n\r\n", __LINE__);
	spec.port = 80;
	check_bytes(&spec, "GET /a?b=c HTTP/1.1\r\nHost: api.lab\r\n\r\n", __LINE__);
}

static void extra_headers_keep_their_order_and_close_is_last(void **state)
{
	static const char *const headers[] = {"Accept: */*", "X-Trace:  a\tb"};
	const struct http_template_spec spec = {.method = "GET",
						.path = "/x",
						.host = "h",
						.headers = headers,
						.n_headers = 2,
						.close = true};

	(void)state;
	check_bytes(&spec,
		    "GET /x HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-Trace:  a\tb\r\n"
		    "Connection: close\r\n\r\n",
		    __LINE__);
}

static void a_body_gets_its_content_length(void **state)
{
	static const char *const headers[] = {"Content-Type: application/json"};
	static const uint8_t body[] = "{\"k\":1}";
	const struct http_template_spec spec = {.method = "POST",
						.path = "/items",
						.host = "h",
						.headers = headers,
						.n_headers = 1,
						.body = body,
						.body_len = sizeof(body) - 1};

	(void)state;
	check_bytes(&spec,
		    "POST /items HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
		    "Content-Length: 7\r\n\r\n{\"k\":1}",
		    __LINE__);
}

static void an_empty_post_says_content_length_zero(void **state)
{
	const struct http_template_spec spec = {.method = "POST", .path = "/", .host = "h"};

	(void)state;
	check_bytes(&spec, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", __LINE__);
}

static void head_is_recognised(void **state)
{
	struct http_template_spec spec = {.method = "HEAD", .path = "/", .host = "h"};
	struct http_template *t = http_template_create(&spec);

	(void)state;
	assert_non_null(t);
	assert_true(http_template_is_head(t));
	http_template_free(t);
	spec.method = "GET";
	t = http_template_create(&spec);
	assert_false(http_template_is_head(t));
	http_template_free(t);
}

static void any_range_can_be_regenerated(void **state)
{
	static const uint8_t body[] = "0123456789";
	const struct http_template_spec spec = {
		.method = "PUT", .path = "/k", .host = "h", .body = body, .body_len = 10};
	struct http_template *t = http_template_create(&spec);
	const uint8_t *bytes;
	uint8_t buf[16];
	size_t len;

	(void)state;
	assert_non_null(t);
	bytes = http_template_bytes(t, &len);
	for (size_t off = 0; off <= len; off++) {
		size_t n = http_template_copy(t, off, buf, sizeof(buf));

		assert_int_equal(n, len - off < sizeof(buf) ? len - off : sizeof(buf));
		assert_memory_equal(buf, bytes + off, n);
	}
	assert_int_equal(http_template_copy(t, len + 5, buf, sizeof(buf)), 0);
	http_template_free(t);
}

static void bad_specs_are_refused(void **state)
{
	static const char *const crlf[] = {"X: a\r\nInjected: 1"};
	static const char *const no_colon[] = {"Accept */*"};
	static const char *const space_name[] = {"Bad Name: 1"};
	static const char *const ours_cl[] = {"content-length: 5"};
	static const char *const ours_host[] = {"Host: other"};
	static const char *const ours_conn[] = {"Connection: keep-alive"};
	static const char *const ours_te[] = {"Transfer-Encoding: chunked"};
	const struct http_template_spec bad[] = {
		{.method = "G T", .path = "/", .host = "h"},
		{.method = "", .path = "/", .host = "h"},
		{.method = "GET", .path = "nope", .host = "h"},
		{.method = "GET", .path = "/a b", .host = "h"},
		{.method = "GET", .path = "/\n", .host = "h"},
		{.method = "GET", .path = "/", .host = ""},
		{.method = "GET", .path = "/", .host = "h h"},
		{.method = "GET", .path = "/", .host = NULL},
		{.method = "GET", .path = "/", .host = "h", .headers = crlf, .n_headers = 1},
		{.method = "GET", .path = "/", .host = "h", .headers = no_colon, .n_headers = 1},
		{.method = "GET", .path = "/", .host = "h", .headers = space_name, .n_headers = 1},
		{.method = "GET", .path = "/", .host = "h", .headers = ours_cl, .n_headers = 1},
		{.method = "GET", .path = "/", .host = "h", .headers = ours_host, .n_headers = 1},
		{.method = "GET", .path = "/", .host = "h", .headers = ours_conn, .n_headers = 1},
		{.method = "GET", .path = "/", .host = "h", .headers = ours_te, .n_headers = 1},
		{.method = "GET", .path = "/", .host = "h", .headers = NULL, .n_headers = 1},
		{.method = "POST", .path = "/", .host = "h", .body = NULL, .body_len = 3},
	};

	(void)state;
	assert_null(http_template_create(NULL));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (http_template_create(&bad[i]) != NULL || errno != EINVAL)
			fail_msg("bad spec %zu was accepted", i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_get_is_keep_alive_with_only_a_host_header),
		cmocka_unit_test(a_port_other_than_80_goes_into_host),
		cmocka_unit_test(extra_headers_keep_their_order_and_close_is_last),
		cmocka_unit_test(a_body_gets_its_content_length),
		cmocka_unit_test(an_empty_post_says_content_length_zero),
		cmocka_unit_test(head_is_recognised),
		cmocka_unit_test(any_range_can_be_regenerated),
		cmocka_unit_test(bad_specs_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
