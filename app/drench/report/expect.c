/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "expect.h"
#include "hist.h"

struct failures {
	struct expect_failure *out;
	size_t max, n;
};

static void fail(struct failures *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct failures *f, const char *fmt, ...)
{
	va_list ap;

	if (f->n < f->max) {
		va_start(ap, fmt);
		vsnprintf(f->out[f->n].what, EXPECT_MSG, fmt, ap);
		va_end(ap);
	}
	f->n++;
}

static double error_ratio(const struct phase_stats *s)
{
	uint64_t attempts = s->c.requests + s->c.err_connect;

	return attempts ? (double)counters_errors(&s->c) / (double)attempts : 0.0;
}

static void check_errors(const struct campaign_expect *e, const struct phase_stats *s,
			 struct failures *f)
{
	double limit = e && e->has_max_error_ratio ? e->max_error_ratio : 0.0;
	double ratio = error_ratio(s);

	/* without max_error_ratio any failed request fails the gate */
	if (ratio > limit)
		fail(f, "error ratio %.4f > %.4f (%" PRIu64 " errors)", ratio, limit,
		     counters_errors(&s->c));
}

static void check_latency(const struct campaign_expect *e, const struct phase_stats *s,
			  struct failures *f)
{
	static const double pct[CAMPAIGN_PERCENTILES] = {50, 90, 99, 99.9, 100};
	static const char *const name[CAMPAIGN_PERCENTILES] = {"p50", "p90", "p99", "p99.9",
							       "max"};

	for (int i = 0; i < CAMPAIGN_PERCENTILES; i++) {
		uint64_t v = hist_percentile(&s->lat, pct[i]);
		if (e->latency_max_us[i] && v > e->latency_max_us[i])
			fail(f, "%s latency %.3f ms > %.3f ms", name[i], (double)v / 1e3,
			     (double)e->latency_max_us[i] / 1e3);
	}
}

static void check_status(const struct campaign_expect *e, const struct phase_stats *s,
			 struct failures *f)
{
	for (int cls = 2; cls <= 5; cls++) {
		uint64_t n = s->c.responses[cls - 2];
		if (e->status_classes && n && !(e->status_classes & CAMPAIGN_STATUS_CLASS(cls)))
			fail(f, "%" PRIu64 " responses with status %dxx", n, cls);
	}
}

size_t expect_check(const struct campaign_expect *e, const struct phase_stats *s,
		    struct expect_failure *out, size_t max)
{
	struct failures f = {.out = out, .max = max};

	check_errors(e, s, &f);
	if (e) {
		check_latency(e, s, &f);
		check_status(e, s, &f);
		if (e->has_max_port_waits && s->c.port_waits > e->max_port_waits)
			fail(&f, "%" PRIu64 " waits for a free port > %" PRIu64
				 " (more local addresses, or time_wait reuse/reset)",
			     s->c.port_waits, e->max_port_waits);
		if (e->has_min_rps && s->rps < e->min_rps)
			fail(&f, "%.0f rps < %.0f rps", s->rps, e->min_rps);
	}
	return f.n;
}
