/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the response parser. Oracle: the input parsed whole
 * (fast paths) and byte by byte (state machine only) must give the same
 * responses and the same error, and so must the input parsed whole twice
 * through one head memo (memo.h: the second time heads come from it); a
 * difference or a sanitizer report is a bug.
 * First input byte: bit 0 HEAD request, bit 1 small limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "resp.h"

struct result {
	int n;
	int status[8];
	uint64_t body[8];
	bool keep_alive[8];
	enum http_resp_err err;
};

static const struct http_limits small = {.max_head_bytes = 200, .max_headers = 5, .max_line = 60};

static void done(struct result *r, struct http_resp *p, bool head, const struct http_limits *lim)
{
	if (r->n < 8) {
		r->status[r->n] = http_resp_status(p);
		r->body[r->n] = http_resp_body_bytes(p);
		r->keep_alive[r->n] = http_resp_keep_alive(p);
	}
	r->n++;
	http_resp_init(p, head, lim);
}

static void parse(const uint8_t *d, size_t len, size_t piece, bool head,
		  const struct http_limits *lim, struct http_memo *m, struct result *r)
{
	struct http_resp p;
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	http_resp_init(&p, head, lim);
	while (off < len) {
		size_t n = len - off < piece ? len - off : piece;
		uint8_t *copy = malloc(n); /* exact size: overreads are caught */
		size_t used = 0;

		memcpy(copy, d + off, n);
		while (used < n) {
			ssize_t rc = m ? http_memo_feed(m, &p, copy + used, n - used)
				       : http_resp_feed(&p, copy + used, n - used);

			if (rc < 0) {
				r->err = http_resp_errcode(&p);
				free(copy);
				return;
			}
			if ((size_t)rc > n - used)
				__builtin_trap();
			used += (size_t)rc;
			if (http_resp_done(&p))
				done(r, &p, head, lim);
			else if (used != n)
				__builtin_trap(); /* need more must consume everything */
		}
		free(copy);
		off += n;
	}
	if (!http_resp_idle(&p)) {
		if (http_resp_eof(&p) == 0)
			done(r, &p, head, lim);
		else
			r->err = http_resp_errcode(&p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result whole, bytes, memo1, memo2;
	struct http_memo m;
	const struct http_limits *lim;
	bool head;

	if (size < 1)
		return 0;
	head = data[0] & 1;
	lim = (data[0] & 2) ? &small : NULL;
	parse(data + 1, size - 1, size, head, lim, NULL, &whole);
	parse(data + 1, size - 1, 1, head, lim, NULL, &bytes);
	if (memcmp(&whole, &bytes, sizeof(whole)) != 0)
		__builtin_trap();
	http_memo_init(&m, &http_resp_ops);
	parse(data + 1, size - 1, size, head, lim, &m, &memo1);
	parse(data + 1, size - 1, size, head, lim, &m, &memo2);
	if (memcmp(&whole, &memo1, sizeof(whole)) != 0 || memcmp(&whole, &memo2, sizeof(whole)) != 0)
		__builtin_trap();
	return 0;
}
