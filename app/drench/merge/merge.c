/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect-json.h"
#include "merge.h"
#include "phase-report.h"
#include "report-series.h"
#include "report.h"
#include "hist.h"

#define SERIES_POINTS 4096

static int refuse(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static json_int_t shard_field(const json_t *rep, const char *key)
{
	const json_t *v = json_object_get(json_object_get(rep, "shard"), key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static const char *digest_of(const json_t *rep)
{
	return json_string_value(json_object_get(json_object_get(rep, "campaign"), "digest"));
}

/* Same campaign, same count, every index once. */
static int check_shards(const struct merge_in *in, size_t n, char *err, size_t len)
{
	json_int_t count = shard_field(in[0].rep, "count");
	const char *digest = digest_of(in[0].rep);

	for (size_t i = 0; i < n; i++) {
		json_int_t idx = shard_field(in[i].rep, "index"), c = shard_field(in[i].rep, "count");
		const char *d = digest_of(in[i].rep);
		if (idx < 0 || c < 1 || idx >= c || !d)
			return refuse(err, len, "%s: not a shard's report (no shard index and count, "
				      "or no campaign digest)", in[i].path);
		if (strcmp(d, digest ? digest : ""))
			return refuse(err, len, "%s and %s are reports of different campaigns",
				      in[0].path, in[i].path);
		if (c != count)
			return refuse(err, len, "%s is a shard of %lld, %s of %lld", in[i].path,
				      (long long)c, in[0].path, (long long)count);
		for (size_t k = 0; k < i; k++)
			if (shard_field(in[k].rep, "index") == idx)
				return refuse(err, len, "%s and %s are both shard %lld: they overlap",
					      in[k].path, in[i].path, (long long)idx);
	}
	if ((json_int_t)n != count) {
		for (json_int_t idx = 0; idx < count; idx++) {
			size_t k = 0;
			while (k < n && shard_field(in[k].rep, "index") != idx)
				k++;
			if (k == n)
				return refuse(err, len, "shard %lld of %lld is missing (%zu report%s "
					      "given, from %s)", (long long)idx, (long long)count, n,
					      n == 1 ? "" : "s", in[0].path);
		}
	}
	return 0;
}

static size_t common_phases(const struct merge_in *in, size_t n, bool *cut)
{
	size_t least = json_array_size(json_object_get(in[0].rep, "phases"));

	*cut = false;
	for (size_t i = 0; i < n; i++) {
		size_t k = json_array_size(json_object_get(in[i].rep, "phases"));
		*cut |= k != least || json_is_true(json_object_get(in[i].rep, "interrupted"));
		least = k < least ? k : least;
	}
	return least;
}

static const json_t *phase_of(const json_t *rep, size_t k)
{
	return json_array_get(json_object_get(rep, "phases"), k);
}

/* Phase k of every shard, added. */
static int merge_phase(const struct merge_in *in, size_t n, size_t k, struct phase_stats *m,
		       char *err, size_t len)
{
	static struct phase_stats one;
	char why[200];

	for (size_t i = 0; i < n; i++) {
		if (phase_report_read(phase_of(in[i].rep, k), i ? &one : m, why, sizeof(why)) < 0)
			return refuse(err, len, "%s: phases[%zu]: %s", in[i].path, k, why);
		if (i && strcmp(one.name, m->name))
			return refuse(err, len, "%s: phases[%zu] is \"%s\", %s has \"%s\"",
				      in[i].path, k, one.name, in[0].path, m->name);
		if (i)
			phase_stats_merge(m, &one);
	}
	return 0;
}

/* The gates every shard carries (the campaign digest says they agree). */
static int gates_of(const json_t *obj, const char *path, struct campaign_expect *e, bool *given,
		    char *err, size_t len)
{
	char why[160];

	if (expect_from_json(json_object_get(obj, "expect"), e, given, why, sizeof(why)) < 0)
		return refuse(err, len, "%s: %s", path, why);
	return 0;
}

static void add_to_total(struct phase_stats *t, const struct phase_stats *s)
{
	static const struct client_counters zc;
	static const struct tcp_stats zt;

	client_counters_add_diff(&t->c, &zc, &s->c);
	tcp_stats_add_diff(&t->tcp, &zt, &s->tcp);
	hist_add(&t->lat, &s->lat);
	hist_add(&t->lat_uncorrected, &s->lat_uncorrected);
	t->seconds += s->seconds;
	t->end = s->end;
}

static int merge_all_phases(const struct merge_in *in, size_t n, struct merge_out *out,
			    struct phase_stats *total, char *err, size_t len)
{
	static struct phase_stats m;
	bool cut;
	size_t np = common_phases(in, n, &cut);

	*total = (struct phase_stats){.name = "total"};
	hist_init(&total->lat);
	hist_init(&total->lat_uncorrected);
	for (size_t k = 0; k < np; k++) {
		struct campaign_expect e;
		bool given;
		int rc = merge_phase(in, n, k, &m, err, len);
		if (rc == 0)
			rc = gates_of(phase_of(in[0].rep, k), in[0].path, &e, &given, err, len);
		if (rc < 0)
			return rc;
		json_t *ph = phase_report_add(out->rep, &m, given ? &e : NULL, &out->pass);
		json_object_set_new(ph, "expect", expect_json(given ? &e : NULL));
		if (k == 0)
			total->start = m.start;
		add_to_total(total, &m);
	}
	total->rps = total->seconds > 0 ? (double)counters_responses(&total->c) / total->seconds : 0;
	json_object_set_new(out->rep, "interrupted", json_boolean(cut));
	out->pass &= !cut;
	return 0;
}

/* Integer members of src added into dst's, objects within objects too. */
static void sum_integers(json_t *dst, const json_t *src)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)src, key, v) {
		json_t *d = json_object_get(dst, key);
		if (json_is_integer(v) && json_is_integer(d))
			json_integer_set(d, json_integer_value(d) + json_integer_value(v));
		else if (json_is_object(v) && json_is_object(d))
			sum_integers(d, v);
		else if (!d)
			json_object_set_new(dst, key, json_deep_copy(v));
	}
}

/* Each shard's entries of the array key, each said whose, appended to all. */
static void append_whose(const struct merge_in *in, size_t n, const char *key, json_t *all)
{
	for (size_t i = 0; i < n; i++) {
		size_t k;
		json_t *t;
		json_array_foreach(json_object_get(in[i].rep, key), k, t) {
			json_t *c = json_deep_copy(t);
			json_object_set_new(c, "shard", json_integer(shard_field(in[i].rep, "index")));
			json_array_append_new(all, c);
		}
	}
}

/* Each shard's targets, said whose; a leak anywhere fails the whole. */
static void merge_targets(const struct merge_in *in, size_t n, struct merge_out *out)
{
	json_t *all = json_object_get(out->rep, "targets");
	size_t k;
	json_t *t;

	append_whose(in, n, "targets", all);
	json_array_foreach(all, k, t)
		out->pass &= strcmp(json_string_value(json_object_get(t, "verdict")), "leak") != 0;
}

/* Which files, when each began, and how far apart the starts were. */
static void describe_shards(const struct merge_in *in, size_t n, struct merge_out *out)
{
	json_t *arr = json_array();
	double first = INFINITY, last = -INFINITY;

	for (size_t i = 0; i < n; i++) {
		const json_t *start = json_object_get(in[i].rep, "start");
		double began = json_number_value(json_object_get(start, "began"));
		if (start) {
			first = fmin(first, began);
			last = fmax(last, began);
		}
		json_array_append_new(arr, json_pack("{sI ss sO sO}", "index",
			shard_field(in[i].rep, "index"), "file", in[i].path, "interrupted",
			json_object_get(in[i].rep, "interrupted") ?
				json_object_get(in[i].rep, "interrupted") : json_false(),
			"start", start ? (json_t *)start : json_null()));
	}
	json_object_set_new(out->rep, "shards", arr);
	json_object_set_new(out->rep, "start_spread_s",
			    isfinite(first) ? json_real(last - first) : json_null());
	json_object_set(out->rep, "campaign", json_object_get(in[0].rep, "campaign"));
	json_object_set_new(out->rep, "merged", json_true());
}

/* The counters added up, and each shard's ports listed, said whose. */
static void merge_counters(const struct merge_in *in, size_t n, struct merge_out *out)
{
	static const char *const keys[] = {"port", "net", "tcp"};
	json_t *ports = json_array();

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *sum = json_object();
		for (size_t i = 0; i < n; i++)
			sum_integers(sum, json_object_get(in[i].rep, keys[k]));
		json_object_set_new(out->rep, keys[k], sum);
	}
	append_whose(in, n, "ports", ports);
	json_object_set_new(out->rep, "ports", ports);
}

static int by_index(const void *a, const void *b)
{
	json_int_t x = shard_field(((const struct merge_in *)a)->rep, "index");
	json_int_t y = shard_field(((const struct merge_in *)b)->rep, "index");

	return (x > y) - (x < y);
}

static int merge_sorted(const struct merge_in *in, size_t n, struct merge_out *out, char *err,
			size_t errlen);

/* In shard order, whatever the order given: sums of rates then do not
 * depend on it to the last bit. */
int merge_reports(const struct merge_in *in, size_t n, struct merge_out *out, char *err,
		  size_t errlen)
{
	struct merge_in *sorted;
	int rc;

	*out = (struct merge_out){.pass = true};
	if (n == 0)
		return refuse(err, errlen, "no report to merge");
	rc = check_shards(in, n, err, errlen);
	if (rc < 0)
		return rc;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, in, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_index);
	rc = merge_sorted(sorted, n, out, err, errlen);
	free(sorted);
	return rc;
}

static int merge_sorted(const struct merge_in *in, size_t n, struct merge_out *out, char *err,
			size_t errlen)
{
	static struct phase_stats total;
	struct campaign_expect e;
	bool given;
	int rc;

	out->rep = report_new();
	out->series = series_create(SERIES_POINTS);
	if (!out->rep || !out->series) {
		merge_out_free(out);
		return -ENOMEM;
	}
	rc = merge_all_phases(in, n, out, &total, err, errlen);
	if (rc == 0)
		rc = gates_of(in[0].rep, in[0].path, &e, &given, err, errlen);
	if (rc == 0)
		rc = merge_series_into(in, n, out->series, out->rep, err, errlen);
	if (rc < 0) {
		merge_out_free(out);
		return rc;
	}
	out->pass &= phase_report_gate(out->rep, given ? &e : NULL, &total);
	json_object_set_new(out->rep, "expect", expect_json(given ? &e : NULL));
	merge_targets(in, n, out);
	merge_counters(in, n, out);
	describe_shards(in, n, out);
	report_set_verdict(out->rep, out->pass);
	return 0;
}

void merge_out_free(struct merge_out *out)
{
	json_decref(out->rep);
	series_free(out->series);
	*out = (struct merge_out){0};
}
