/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>

#include "console.h"
#include "phase-stats.h"

static uint64_t retransmissions(const struct tcp_stats *t)
{
	return t->retrans_rto + t->retrans_fast + t->retrans_syn;
}

void console_line(FILE *f, double elapsed_s, const char *phase, double asked_per_s,
		  const struct run_snapshot *prev, const struct run_snapshot *cur, double dt_s)
{
	const struct client_counters *c = &cur->client, *p = &prev->client;
	uint64_t resp = counters_responses(c) - counters_responses(p);
	double rps = dt_s > 0 ? (double)resp / dt_s : 0.0;

	fprintf(f, "[%5.0fs] %-12s req %8" PRIu64 " rps %9.0f", elapsed_s, phase,
		c->requests - p->requests, rps);
	if (asked_per_s > 0)
		fprintf(f, " (asked %.0f)", asked_per_s);
	fprintf(f,
		" | 2xx %" PRIu64 " 3xx %" PRIu64 " 4xx %" PRIu64 " 5xx %" PRIu64
		" | err conn %" PRIu64 " tmo %" PRIu64 " rst %" PRIu64 " parse %" PRIu64
		" valid %" PRIu64 " | retrans %" PRIu64 " | conns %u\n",
		c->responses[CLIENT_2XX] - p->responses[CLIENT_2XX],
		c->responses[CLIENT_3XX] - p->responses[CLIENT_3XX],
		c->responses[CLIENT_4XX] - p->responses[CLIENT_4XX],
		c->responses[CLIENT_5XX] - p->responses[CLIENT_5XX],
		c->err_connect - p->err_connect, c->err_timeout - p->err_timeout,
		c->err_reset - p->err_reset, c->err_parse - p->err_parse,
		c->err_validation - p->err_validation,
		retransmissions(&cur->tcp) - retransmissions(&prev->tcp), cur->open_conns);
	if (c->port_waits != p->port_waits || c->port_wait_us != p->port_wait_us)
		fprintf(f, "        waited for a free port: %" PRIu64 " times, %.3f s (more local "
			   "addresses, or time_wait reuse/reset)\n",
			c->port_waits - p->port_waits,
			(double)(c->port_wait_us - p->port_wait_us) / 1e6);
	fflush(f);
}

void console_nonzero(FILE *f, const char *label, const struct counter_table *t, const void *base,
		     const char *prefix)
{
	size_t shown = 0;

	for (size_t i = 0; i < t->n; i++) {
		uint64_t v = counter_get(base, &t->fields[i]);
		if (v == 0 || strncmp(t->fields[i].key, prefix, strlen(prefix)) != 0)
			continue;
		fprintf(f, "%s %s %" PRIu64, shown++ ? "," : label, t->fields[i].key, v);
	}
	if (shown)
		fprintf(f, "\n");
}
