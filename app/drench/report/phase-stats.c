/* SPDX-License-Identifier: BSD-3-Clause */
#include "phase-stats.h"

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
