/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>

#include "console.h"
#include "stats/hist.h"

uint64_t snapshot_retransmissions(const struct run_snapshot *s)
{
	return s->tcp.retrans_rto + s->tcp.retrans_fast + s->tcp.retrans_syn;
}

uint64_t snapshot_responses(const struct run_snapshot *s)
{
	uint64_t n = 0;

	for (int i = 0; i < CLIENT_CLASS_COUNT; i++)
		n += s->client.responses[i];
	return n;
}

void console_line(FILE *f, double elapsed_s, const struct run_snapshot *prev,
		  const struct run_snapshot *cur, double dt_s)
{
	const struct client_counters *c = &cur->client, *p = &prev->client;
	uint64_t resp = snapshot_responses(cur) - snapshot_responses(prev);

	fprintf(f,
		"[%5.0fs] req %8" PRIu64 " rps %9.0f | 2xx %" PRIu64 " 3xx %" PRIu64
		" 4xx %" PRIu64 " 5xx %" PRIu64 " | err conn %" PRIu64 " tmo %" PRIu64
		" rst %" PRIu64 " parse %" PRIu64 " | retrans %" PRIu64 " | conns %u\n",
		elapsed_s, c->requests - p->requests, dt_s > 0 ? (double)resp / dt_s : 0.0,
		c->responses[CLIENT_2XX] - p->responses[CLIENT_2XX],
		c->responses[CLIENT_3XX] - p->responses[CLIENT_3XX],
		c->responses[CLIENT_4XX] - p->responses[CLIENT_4XX],
		c->responses[CLIENT_5XX] - p->responses[CLIENT_5XX],
		c->err_connect - p->err_connect, c->err_timeout - p->err_timeout,
		c->err_reset - p->err_reset, c->err_parse - p->err_parse,
		snapshot_retransmissions(cur) - snapshot_retransmissions(prev), cur->open_conns);
	fflush(f);
}

void console_summary(FILE *f, const struct run_snapshot *s, const struct hist *lat,
		     double duration_s)
{
	const struct client_counters *c = &s->client;
	uint64_t resp = snapshot_responses(s);

	fprintf(f, "\n--- drench summary (%.1f s) ---\n", duration_s);
	fprintf(f, "requests %" PRIu64 ", responses %" PRIu64 ", %.0f rps\n", c->requests, resp,
		duration_s > 0 ? (double)resp / duration_s : 0.0);
	fprintf(f, "status  2xx %" PRIu64 "  3xx %" PRIu64 "  4xx %" PRIu64 "  5xx %" PRIu64
		   "  other %" PRIu64 "\n",
		c->responses[CLIENT_2XX], c->responses[CLIENT_3XX], c->responses[CLIENT_4XX],
		c->responses[CLIENT_5XX], c->responses[CLIENT_OTHER]);
	fprintf(f, "errors  connect %" PRIu64 "  timeout %" PRIu64 "  reset %" PRIu64
		   "  parse %" PRIu64 "  validation %" PRIu64 "\n",
		c->err_connect, c->err_timeout, c->err_reset, c->err_parse, c->err_validation);
	fprintf(f, "body bytes %" PRIu64 "\n", c->body_bytes);
	fprintf(f, "tcp     retrans rto %" PRIu64 " fast %" PRIu64 " syn %" PRIu64
		   "  rst rx %" PRIu64 "  ooo queued %" PRIu64 "\n",
		s->tcp.retrans_rto, s->tcp.retrans_fast, s->tcp.retrans_syn, s->tcp.conn_reset_rx,
		s->tcp.ooo_queued);
	fprintf(f, "latency us  p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %" PRIu64 "  p99.9 %" PRIu64
		   "  max %" PRIu64 "\n",
		hist_percentile(lat, 50), hist_percentile(lat, 90), hist_percentile(lat, 99),
		hist_percentile(lat, 99.9), hist_max(lat));
	fflush(f);
}
