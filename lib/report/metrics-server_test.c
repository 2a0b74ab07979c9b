/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
/* clang-format on */

#include "metrics-server.h"

#define BODY "# TYPE drench_requests_total counter\ndrench_requests_total 42\n"

struct body {
	const char *text;
	size_t len;
	int calls;
};

static const char *render(void *ctx, size_t *len)
{
	struct body *b = ctx;

	b->calls++;
	*len = b->len;
	return b->text;
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct metrics_server *start(void)
{
	struct metrics_server *m = metrics_server_create("127.0.0.1:0");

	assert_non_null(m);
	assert_true(metrics_server_port(m) > 0);
	return m;
}

static int client(const struct metrics_server *m)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(metrics_server_port(m))};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

static void send_all(int fd, const char *s, size_t len)
{
	assert_int_equal(send(fd, s, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Drive the server and read fd until the server closes it (EOF) or
 * max_ms pass. Returns the bytes read; *closed says whether EOF came. */
static size_t pump(struct metrics_server *m, struct body *b, int fd, char *buf, size_t cap,
		   int max_ms, int *closed)
{
	uint64_t end = ms_now() + (uint64_t)max_ms;
	size_t len = 0;

	*closed = 0;
	while (ms_now() < end) {
		metrics_server_poll(m, 5, render, b);
		for (;;) {
			ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
			if (n > 0) {
				len += (size_t)n;
				continue;
			}
			if (n == 0 || (n < 0 && errno == ECONNRESET)) {
				*closed = 1;
				buf[len] = '\0';
				return len;
			}
			break; /* EAGAIN */
		}
	}
	buf[len] = '\0';
	return len;
}

/* One whole exchange: the request, then the answer until the server closes. */
static char *exchange(struct metrics_server *m, struct body *b, const char *req)
{
	static char buf[64 * 1024];
	int fd = client(m), closed;

	send_all(fd, req, strlen(req));
	pump(m, b, fd, buf, sizeof(buf), 2000, &closed);
	assert_true(closed);
	close(fd);
	return buf;
}

static void a_client_gets_the_exact_body(void **state)
{
	(void)state;
	struct metrics_server *m = start();
	struct body b = {BODY, strlen(BODY), 0};
	char want[512];

	snprintf(want, sizeof(want),
		 "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		 strlen(BODY), BODY);
	assert_string_equal(exchange(m, &b, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), want);
	assert_int_equal(b.calls, 1);
	/* the query string is not part of the path */
	assert_string_equal(exchange(m, &b, "GET /metrics?debug=1 HTTP/1.0\r\n\r\n"), want);
	assert_int_equal(b.calls, 2);
	struct metrics_server_stats st;
	metrics_server_get_stats(m, &st);
	assert_int_equal(st.served, 2);
	assert_int_equal(st.accepted, 2);
	metrics_server_free(m);
}

static void other_paths_get_404_and_other_methods_405(void **state)
{
	(void)state;
	struct metrics_server *m = start();
	struct body b = {BODY, strlen(BODY), 0};
	const char *paths[] = {"/", "/metricsx", "/metrics/", "/Metrics", "*"};
	char req[128];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n\r\n", paths[i]);
		const char *ans = exchange(m, &b, req);
		assert_int_equal(strncmp(ans, "HTTP/1.1 404 Not Found\r\n", 24), 0);
		assert_non_null(strstr(ans, "\r\n\r\nnot found\n"));
	}
	const char *ans = exchange(m, &b, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(strncmp(ans, "HTTP/1.1 405 Method Not Allowed\r\n", 33), 0);
	assert_non_null(strstr(ans, "\r\nAllow: GET, HEAD\r\n"));
	assert_int_equal(b.calls, 0);
	/* HEAD: the headers of the GET answer and no body */
	ans = exchange(m, &b, "HEAD /metrics HTTP/1.1\r\n\r\n");
	char want[256];
	snprintf(want, sizeof(want), "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		 strlen(BODY));
	assert_non_null(strstr(ans, want));
	assert_string_equal(strstr(ans, "\r\n\r\n"), "\r\n\r\n");
	metrics_server_free(m);
}

static void silent_slow_and_garbage_clients_do_not_block_a_good_one(void **state)
{
	(void)state;
	struct metrics_server *m = start();
	struct body b = {BODY, strlen(BODY), 0};
	char buf[1024];
	int closed;
	int silent = client(m), slow = client(m), garbage = client(m);

	send_all(slow, "GET /met", 8);
	send_all(garbage, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
	pump(m, &b, garbage, buf, sizeof(buf), 1000, &closed);
	assert_true(closed);
	assert_int_equal(strncmp(buf, "HTTP/1.1 400 Bad Request\r\n", 26), 0);
	uint64_t t0 = ms_now();
	const char *ans = exchange(m, &b, "GET /metrics HTTP/1.1\r\n\r\n");
	assert_int_equal(strncmp(ans, "HTTP/1.1 200 OK\r\n", 17), 0);
	assert_true(ms_now() - t0 < 1000); /* well before the 5 s timeout */
	/* the silent and the slow ones are still waiting, not answered */
	assert_int_equal(recv(silent, buf, sizeof(buf), 0), -1);
	assert_int_equal(recv(slow, buf, sizeof(buf), 0), -1);
	/* the slow one may finish its request later */
	send_all(slow, "rics HTTP/1.1\r\n\r\n", 17);
	pump(m, &b, slow, buf, sizeof(buf), 1000, &closed);
	assert_true(closed);
	assert_int_equal(strncmp(buf, "HTTP/1.1 200 OK\r\n", 17), 0);
	close(silent);
	close(slow);
	close(garbage);
	metrics_server_free(m);
}

static void a_head_over_the_bound_gets_431(void **state)
{
	(void)state;
	struct metrics_server *m = start();
	struct body b = {BODY, strlen(BODY), 0};
	char big[METRICS_SERVER_MAX_HEAD + 1000], buf[1024];
	int fd = client(m), closed;
	int n = snprintf(big, sizeof(big), "GET /metrics HTTP/1.1\r\nX-Big: ");

	memset(big + n, 'a', sizeof(big) - (size_t)n);
	send_all(fd, big, sizeof(big));
	pump(m, &b, fd, buf, sizeof(buf), 1000, &closed);
	assert_true(closed);
	assert_int_equal(strncmp(buf, "HTTP/1.1 431 Request Header Fields Too Large\r\n", 46), 0);
	assert_int_equal(b.calls, 0);
	close(fd);
	metrics_server_free(m);
}

static void more_clients_than_slots_evict_the_oldest(void **state)
{
	(void)state;
	struct metrics_server *m = start();
	struct body b = {BODY, strlen(BODY), 0};
	int silent[METRICS_SERVER_MAX_CONNS + 4];
	struct metrics_server_stats st;
	char buf[64];

	for (size_t i = 0; i < sizeof(silent) / sizeof(silent[0]); i++) {
		silent[i] = client(m);
		metrics_server_poll(m, 20, render, &b);
	}
	const char *ans = exchange(m, &b, "GET /metrics HTTP/1.1\r\n\r\n");
	assert_int_equal(strncmp(ans, "HTTP/1.1 200 OK\r\n", 17), 0);
	metrics_server_get_stats(m, &st);
	assert_int_equal(st.evicted, 5);
	/* the five oldest were closed, the newest are still open */
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(recv(silent[i], buf, sizeof(buf), 0), 0);
	assert_int_equal(recv(silent[5], buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
	for (size_t i = 0; i < sizeof(silent) / sizeof(silent[0]); i++)
		close(silent[i]);
	metrics_server_free(m);
}

static void idle_clients_are_closed_when_their_time_is_up(void **state)
{
	(void)state;
	struct metrics_server *m = start();
	struct body b = {BODY, strlen(BODY), 0};
	struct metrics_server_stats st;
	char buf[64];
	int closed;

	metrics_server_set_timeout(m, 100);
	int fd = client(m);
	uint64_t t0 = ms_now();
	pump(m, &b, fd, buf, sizeof(buf), 2000, &closed);
	assert_true(closed);
	assert_true(ms_now() - t0 >= 90);
	assert_true(ms_now() - t0 < 1000);
	metrics_server_get_stats(m, &st);
	assert_int_equal(st.timed_out, 1);
	close(fd);
	metrics_server_free(m);
}

static void a_client_that_never_reads_does_not_stall_the_server(void **state)
{
	(void)state;
	struct metrics_server *m = start();
	size_t big_len = 8 << 20;
	char *big = malloc(big_len);
	struct body b = {big, big_len, 0};
	int small = 4096, closed;
	static char buf[64 * 1024];

	memset(big, 'x', big_len);
	int lazy = client(m);
	setsockopt(lazy, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	send_all(lazy, "GET /metrics HTTP/1.1\r\n\r\n", 25);
	for (int i = 0; i < 20; i++) {
		uint64_t t0 = ms_now();
		metrics_server_poll(m, 0, render, &b);
		assert_true(ms_now() - t0 < 200); /* never waits on the lazy client */
	}
	/* a good client still gets its (small) answer while the lazy one holds 8 MiB */
	b.text = BODY;
	b.len = strlen(BODY);
	int good = client(m);
	send_all(good, "GET /metrics HTTP/1.1\r\n\r\n", 25);
	pump(m, &b, good, buf, sizeof(buf), 2000, &closed);
	assert_true(closed);
	assert_non_null(strstr(buf, "\r\n\r\n" BODY));
	close(good);
	close(lazy);
	free(big);
	metrics_server_free(m);
}

static void the_descriptor_polls_readable_when_a_client_connects(void **state)
{
	(void)state;
	struct metrics_server *m = start();
	struct pollfd pfd = {.fd = metrics_server_fd(m), .events = POLLIN};

	assert_int_equal(poll(&pfd, 1, 0), 0);
	int fd = client(m);
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	close(fd);
	metrics_server_free(m);
}

static void bad_addresses_are_refused(void **state)
{
	(void)state;
	const char *bad[] = {NULL,
			     "",
			     "127.0.0.1",
			     "127.0.0.1:",
			     ":9464",
			     "127.0.0.1:99999",
			     "127.0.0.1:12x",
			     "localhost:9464",
			     "::1:9464",
			     "[::1]9464",
			     "[::1",
			     "300.0.0.1:80",
			     "127.0.0.1:123456"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(metrics_server_create(bad[i]));
		assert_int_equal(errno, EINVAL);
	}
	struct metrics_server *m = start();
	char taken[32];
	snprintf(taken, sizeof(taken), "127.0.0.1:%u", metrics_server_port(m));
	errno = 0;
	assert_null(metrics_server_create(taken));
	assert_int_equal(errno, EADDRINUSE);
	metrics_server_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_client_gets_the_exact_body),
		cmocka_unit_test(other_paths_get_404_and_other_methods_405),
		cmocka_unit_test(silent_slow_and_garbage_clients_do_not_block_a_good_one),
		cmocka_unit_test(a_head_over_the_bound_gets_431),
		cmocka_unit_test(more_clients_than_slots_evict_the_oldest),
		cmocka_unit_test(idle_clients_are_closed_when_their_time_is_up),
		cmocka_unit_test(a_client_that_never_reads_does_not_stall_the_server),
		cmocka_unit_test(the_descriptor_polls_readable_when_a_client_connects),
		cmocka_unit_test(bad_addresses_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
