/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parser cost on an nginx-like response, fed whole and in 1-byte pieces.
 * Not a test: `ninja -C build http_resp_bench && ./build/http_resp_bench [N]`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resp.h"

static const char head[] = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
			   "Date: Mon, 23 Nov 2026 13:48:07 GMT\r\nContent-Type: text/html\r\n"
			   "Content-Length: 615\r\nLast-Modified: Tue, 13 Jun 2023 15:08:10 GMT\r\n"
			   "Connection: keep-alive\r\nETag: \"6488865a-267\"\r\n"
			   "Accept-Ranges: bytes\r\n\r\n";

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ns per response when fed in pieces of `piece` bytes */
static double run(const uint8_t *buf, size_t len, size_t piece, long n)
{
	struct http_resp p;
	double t0 = now();

	for (long i = 0; i < n; i++) {
		http_resp_init(&p, false, NULL);
		for (size_t off = 0; off < len;) {
			size_t k = len - off < piece ? len - off : piece;
			ssize_t rc = http_resp_feed(&p, buf + off, k);

			if (rc <= 0) {
				fprintf(stderr, "parse failed: %s\n", http_resp_error(&p));
				exit(1);
			}
			off += (size_t)rc;
		}
		if (!http_resp_done(&p))
			exit(1);
	}
	return (now() - t0) / (double)n * 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	size_t head_len = sizeof(head) - 1, len = head_len + 615;
	static uint8_t buf[2048];

	memcpy(buf, head, head_len);
	memset(buf + head_len, 'x', 615);
	printf("%zu-byte head, 615-byte body, %ld responses\n", head_len, n);
	printf("whole:        %6.1f ns/response\n", run(buf, len, len, n));
	printf("1460-byte:    %6.1f ns/response\n", run(buf, len, 1460, n));
	printf("byte by byte: %6.1f ns/response\n", run(buf, len, 1, n / 10 + 1));
	return 0;
}
