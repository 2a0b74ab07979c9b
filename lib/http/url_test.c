/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "url.h"

struct url_case {
	int line;
	const char *url;
	int rc;
	const char *host;
	bool is_ipv4;
	uint32_t ipv4;
	uint16_t port;
	const char *path;
};

static const struct url_case cases[] = {
	{__LINE__, "http://198.18.0.2", 0, "198.18.0.2", true, 0xc6120002, 80, "/"},
	{__LINE__, "http://198.18.0.2:8080/api/v1?x=1&y=2", 0, "198.18.0.2", true, 0xc6120002, 8080,
	 "/api/v1?x=1&y=2"},
	{__LINE__, "HTTP://Api.Lab-1.example/", 0, "Api.Lab-1.example", false, 0, 80, "/"},
	{__LINE__, "http://svc:65535", 0, "svc", false, 0, 65535, "/"},
	{__LINE__, "http://svc?q=1", 0, "svc", false, 0, 80, "/?q=1"},
	{__LINE__, "http://svc/a#frag", 0, "svc", false, 0, 80, "/a"},
	{__LINE__, "http://svc#frag", 0, "svc", false, 0, 80, "/"},
	{__LINE__, "https://svc/", .rc = -EINVAL},
	{__LINE__, "ftp://svc/", .rc = -EINVAL},
	{__LINE__, "svc/", .rc = -EINVAL},
	{__LINE__, "http://", .rc = -EINVAL},
	{__LINE__, "http:///path", .rc = -EINVAL},
	{__LINE__, "http://svc:/", .rc = -EINVAL},
	{__LINE__, "http://svc:0/", .rc = -EINVAL},
	{__LINE__, "http://svc:65536/", .rc = -EINVAL},
	{__LINE__, "http://svc:80a/", .rc = -EINVAL},
	{__LINE__, "http://svc:123456/", .rc = -EINVAL},
	{__LINE__, "http://user@svc/", .rc = -EINVAL},
	{__LINE__, "http://[fd00::1]:8080/x", 0, "[fd00::1]", false, 0, 8080, "/x"},
	{__LINE__, "http://[::1]", 0, "[::1]", false, 0, 80, "/"},
	{__LINE__, "http://[::ffff:198.18.0.1]/", 0, "[::ffff:198.18.0.1]", false, 0, 80, "/"},
	{__LINE__, "http://fd00::1/", .rc = -EINVAL},
	{__LINE__, "http://[fd00::1/", .rc = -EINVAL},
	{__LINE__, "http://[fd00::1]x/", .rc = -EINVAL},
	{__LINE__, "http://[fd00::1%eth0]/", .rc = -EINVAL},
	{__LINE__, "http://[fd00:::1]/", .rc = -EINVAL},
	{__LINE__, "http://[]/", .rc = -EINVAL},
	{__LINE__, "http://[fd00::1]:/", .rc = -EINVAL},
	{__LINE__, "http://1.2.3.256/", .rc = -EINVAL},
	{__LINE__, "http://1.2.3/", .rc = -EINVAL},
	{__LINE__, "http://-svc/", .rc = -EINVAL},
	{__LINE__, "http://a..b/", .rc = -EINVAL},
	{__LINE__, "http://svc/a b", .rc = -EINVAL},
	{__LINE__, "http://svc/a\tb", .rc = -EINVAL},
	{__LINE__, "http://svc/\xc3\xa9", .rc = -EINVAL},
};

static void urls_parse_into_host_port_and_path(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct url_case *c = &cases[i];
		struct http_url u;
		int rc = http_url_parse(c->url, &u);

		if (rc != c->rc)
			fail_msg("line %d: rc %d, expected %d", c->line, rc, c->rc);
		if (rc != 0)
			continue;
		if (strcmp(u.host, c->host) != 0 || u.host_is_ipv4 != c->is_ipv4 ||
		    u.ipv4 != c->ipv4 || u.port != c->port || strcmp(u.path, c->path) != 0)
			fail_msg("line %d: got %s %d %08x %u %s", c->line, u.host, u.host_is_ipv4,
				 u.ipv4, u.port, u.path);
	}
}

static void an_ipv6_literal_gives_its_address(void **state)
{
	static const uint8_t want[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	struct http_url u;
	(void)state;
	assert_int_equal(http_url_parse("http://[fd00::1]:8080/", &u), 0);
	assert_true(u.host_is_ipv6);
	assert_false(u.host_is_ipv4);
	assert_memory_equal(u.ipv6, want, 16);
	assert_int_equal(http_url_parse("http://198.18.0.1/", &u), 0);
	assert_false(u.host_is_ipv6);
}

static void overlong_host_or_path_is_refused(void **state)
{
	static char url[HTTP_URL_PATH_MAX + 400];
	struct http_url u;

	(void)state;
	strcpy(url, "http://");
	memset(url + 7, 'a', HTTP_URL_HOST_MAX + 1);
	url[7 + HTTP_URL_HOST_MAX + 1] = '\0';
	assert_int_equal(http_url_parse(url, &u), -ENAMETOOLONG);
	url[7 + HTTP_URL_HOST_MAX] = '\0';
	assert_int_equal(http_url_parse(url, &u), 0);

	strcpy(url, "http://h/");
	memset(url + 9, 'p', HTTP_URL_PATH_MAX - 1);
	url[9 + HTTP_URL_PATH_MAX - 1] = '\0';
	assert_int_equal(http_url_parse(url, &u), -ENAMETOOLONG);
	url[9 + HTTP_URL_PATH_MAX - 2] = '\0';
	assert_int_equal(http_url_parse(url, &u), 0);
	assert_int_equal(strlen(u.path), HTTP_URL_PATH_MAX - 1);
	assert_int_equal(http_url_parse(NULL, &u), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_ipv6_literal_gives_its_address),
		cmocka_unit_test(urls_parse_into_host_port_and_path),
		cmocka_unit_test(overlong_host_or_path_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
