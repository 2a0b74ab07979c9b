/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "merge.h"
#include "report-series.h"

#define MAX_BINS (31 * 24 * 3600) /* a month of seconds; later points are left out */

static double t0_of(const json_t *rep)
{
	const json_t *v = json_object_get(json_object_get(rep, "series"), "t0");

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The t of a shard's last point, moved to the merged clock. */
static double last_t(const json_t *rep, double t0)
{
	const json_t *pts = json_object_get(json_object_get(rep, "series"), "points");
	const json_t *t = json_array_get(json_array_get(pts, json_array_size(pts) - 1), 0);

	return json_is_number(t) ? json_number_value(t) + t0_of(rep) - t0 : 0;
}

static void add_point(struct series_point *bin, uint32_t *last_conns,
		      const struct series_point *p)
{
	bin->requests += p->requests;
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		bin->responses[c] += p->responses[c];
	bin->err_connect += p->err_connect;
	bin->err_timeout += p->err_timeout;
	bin->err_reset += p->err_reset;
	bin->err_parse += p->err_parse;
	bin->err_validation += p->err_validation;
	bin->retrans += p->retrans;
	bin->phase = p->phase > bin->phase ? p->phase : bin->phase;
	*last_conns = p->open_conns;
}

/* One shard's points into the bins (its gauge: the last value per bin). */
static int bin_shard(const json_t *sj, double shift, size_t n_bins, struct series_point *bins,
		     bool *used, uint32_t *conns, char *err, size_t len)
{
	struct series *s = series_create(8192);
	int rc = s ? report_series_parse(sj, shift, s, err, len) : -ENOMEM;

	for (size_t i = 0; rc == 0 && i < n_bins; i++)
		conns[i] = UINT32_MAX;
	for (size_t i = 0; rc == 0 && i < series_count(s); i++) {
		const struct series_point *p = series_at(s, i);
		double b = ceil(p->t - 1e-6);
		if (b < 0 || b >= (double)n_bins)
			continue;
		add_point(&bins[(size_t)b], &conns[(size_t)b], p);
		used[(size_t)b] = true;
	}
	for (size_t i = 0; rc == 0 && i < n_bins; i++)
		if (conns[i] != UINT32_MAX)
			bins[i].open_conns += conns[i];
	series_free(s);
	return rc;
}

int merge_series_into(const struct merge_in *in, size_t n, struct series *out, json_t *rep,
		      char *err, size_t errlen)
{
	double t0 = INFINITY;
	int rc = 0;

	double end = 0;

	for (size_t i = 0; i < n; i++)
		t0 = fmin(t0, t0_of(in[i].rep));
	for (size_t i = 0; i < n && isfinite(t0); i++)
		end = fmax(end, last_t(in[i].rep, t0));
	size_t n_bins = (size_t)fmin(ceil(end) + 1, MAX_BINS);
	struct series_point *bins = calloc(n_bins, sizeof(*bins));
	bool *used = calloc(n_bins, sizeof(*used));
	uint32_t *conns = malloc(n_bins * sizeof(*conns));
	if (!bins || !used || !conns)
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n && isfinite(t0); i++) {
		const json_t *sj = json_object_get(in[i].rep, "series");
		char why[160];
		if (!sj)
			continue;
		if (bin_shard(sj, t0_of(in[i].rep) - t0, n_bins, bins, used, conns, why,
			      sizeof(why)) < 0)
			rc = -EINVAL, snprintf(err, errlen, "%s: %s", in[i].path, why);
	}
	for (size_t b = 0; rc == 0 && b < n_bins; b++) {
		if (!used[b])
			continue;
		bins[b].t = (double)b;
		bins[b].p50_us = bins[b].p99_us = NAN;
		rc = series_add(out, &bins[b]);
	}
	if (rc == 0)
		json_object_set_new(rep, "series", report_series_json(out, isfinite(t0) ? t0 : 0));
	free(bins);
	free(used);
	free(conns);
	return rc;
}
