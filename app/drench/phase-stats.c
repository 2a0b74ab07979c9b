/* SPDX-License-Identifier: BSD-3-Clause */
#include "phase-stats.h"

/* Both structs are made of uint64_t counters only. */
static void add_diff_u64(uint64_t *out, const uint64_t *a, const uint64_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] += b[i] - a[i];
}

void counters_add_diff(struct client_counters *out, const struct client_counters *a,
		       const struct client_counters *b)
{
	add_diff_u64((uint64_t *)out, (const uint64_t *)a, (const uint64_t *)b,
		     sizeof(*out) / sizeof(uint64_t));
}

void tcp_stats_add_diff(struct tcp_stats *out, const struct tcp_stats *a,
			const struct tcp_stats *b)
{
	add_diff_u64((uint64_t *)out, (const uint64_t *)a, (const uint64_t *)b,
		     sizeof(*out) / sizeof(uint64_t));
}

uint64_t counters_responses(const struct client_counters *c)
{
	uint64_t n = 0;

	for (int i = 0; i < CLIENT_CLASS_COUNT; i++)
		n += c->responses[i];
	return n;
}

uint64_t counters_errors(const struct client_counters *c)
{
	return c->err_connect + c->err_timeout + c->err_reset + c->err_parse + c->err_validation;
}
