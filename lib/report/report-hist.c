/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "report-hist.h"
#include "hist.h"

json_t *report_hist_json(const struct hist *h)
{
	json_t *buckets = json_array();
	json_t *j;

	for (unsigned i = 0; buckets && i < HIST_N_BUCKETS; i++)
		if (h->buckets[i])
			json_array_append_new(buckets, json_pack("[I I]", (json_int_t)i,
								 (json_int_t)h->buckets[i]));
	j = json_pack("{sI sI sI sI sI sI sI sI so}", "version", (json_int_t)REPORT_HIST_VERSION,
		      "sub_bits", (json_int_t)HIST_SUB_BITS, "max_bits", (json_int_t)HIST_MAX_BITS,
		      "count", (json_int_t)h->count, "sum", (json_int_t)h->sum, "min",
		      (json_int_t)hist_min(h), "max", (json_int_t)h->max, "clamped",
		      (json_int_t)h->clamped, "buckets", buckets);
	if (!j)
		errno = ENOMEM;
	return j;
}

static int bad(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A non-negative integer member, or -1 (jansson keeps integers as long long). */
static json_int_t member(const json_t *j, const char *key)
{
	const json_t *v = json_object_get(j, key);

	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

static int check_layout(const json_t *j, char *err, size_t len)
{
	if (!json_is_object(j))
		return bad(err, len, "histogram: expected an object");
	if (member(j, "version") != REPORT_HIST_VERSION)
		return bad(err, len, "histogram: version %lld, this drench reads %d",
			   (long long)member(j, "version"), REPORT_HIST_VERSION);
	if (member(j, "sub_bits") != HIST_SUB_BITS || member(j, "max_bits") != HIST_MAX_BITS)
		return bad(err, len, "histogram: layout sub_bits %lld max_bits %lld, this drench "
			   "has %d and %d", (long long)member(j, "sub_bits"),
			   (long long)member(j, "max_bits"), HIST_SUB_BITS, HIST_MAX_BITS);
	static const char *const keys[] = {"count", "sum", "min", "max", "clamped"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (member(j, keys[i]) < 0)
			return bad(err, len, "histogram.%s: expected a non-negative integer",
				   keys[i]);
	return 0;
}

static int read_buckets(const json_t *arr, struct hist *out, char *err, size_t len)
{
	json_int_t last = -1;
	uint64_t total = 0;
	size_t k;
	json_t *b;

	if (!json_is_array(arr))
		return bad(err, len, "histogram.buckets: expected a list of [index, count]");
	json_array_foreach(arr, k, b) {
		json_t *i = json_array_get(b, 0), *c = json_array_get(b, 1);
		if (json_array_size(b) != 2 || !json_is_integer(i) || !json_is_integer(c) ||
		    json_integer_value(c) <= 0)
			return bad(err, len, "histogram.buckets[%zu]: expected [index, count > 0]", k);
		json_int_t idx = json_integer_value(i);
		if (idx <= last || idx >= HIST_N_BUCKETS)
			return bad(err, len, "histogram.buckets[%zu]: index %lld out of order or "
				   "range (0 to %d)", k, (long long)idx, HIST_N_BUCKETS - 1);
		out->buckets[idx] = (uint64_t)json_integer_value(c);
		total += out->buckets[idx];
		last = idx;
	}
	if (total != out->count)
		return bad(err, len, "histogram: buckets hold %llu values, count says %llu",
			   (unsigned long long)total, (unsigned long long)out->count);
	return 0;
}

int report_hist_parse(const json_t *j, struct hist *out, char *err, size_t errlen)
{
	int rc = check_layout(j, err, errlen);

	hist_init(out);
	if (rc < 0)
		return rc;
	out->count = (uint64_t)member(j, "count");
	out->sum = (uint64_t)member(j, "sum");
	out->clamped = (uint64_t)member(j, "clamped");
	out->max = (uint64_t)member(j, "max");
	out->min = out->count ? (uint64_t)member(j, "min") : UINT64_MAX;
	rc = read_buckets(json_object_get(j, "buckets"), out, err, errlen);
	if (rc == 0 && out->count &&
	    (hist_bucket_of(out->min) > hist_bucket_of(out->max) || out->max > HIST_MAX_VALUE ||
	     !out->buckets[hist_bucket_of(out->min)] || !out->buckets[hist_bucket_of(out->max)]))
		rc = bad(err, errlen, "histogram: min %llu or max %llu not in its buckets",
			 (unsigned long long)out->min, (unsigned long long)out->max);
	if (rc < 0)
		hist_init(out);
	return rc;
}
