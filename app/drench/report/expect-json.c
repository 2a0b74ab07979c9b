/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "expect-json.h"

static const char *const pct_names[CAMPAIGN_PERCENTILES] = {"p50", "p90", "p99", "p99.9",
							    "max"};

static json_t *number_or_null(bool has, double v)
{
	return has ? json_real(v) : json_null();
}

json_t *expect_json(const struct campaign_expect *e)
{
	if (!e)
		return json_null();
	json_t *classes = e->status_classes ? json_array() : json_null();
	json_t *lat = json_object();

	for (int c = 1; c <= 5 && e->status_classes; c++)
		if (e->status_classes & CAMPAIGN_STATUS_CLASS(c))
			json_array_append_new(classes, json_integer(c));
	for (int i = 0; i < CAMPAIGN_PERCENTILES; i++)
		if (e->latency_max_us[i])
			json_object_set_new(lat, pct_names[i],
					    json_integer((json_int_t)e->latency_max_us[i]));
	return json_pack("{so so so so}", "max_error_ratio",
			 number_or_null(e->has_max_error_ratio, e->max_error_ratio),
			 "status_classes", classes, "latency_max_us", lat, "min_rps",
			 number_or_null(e->has_min_rps, e->min_rps));
}

static int bad(char *err, size_t len, const char *what)
{
	snprintf(err, len, "expect.%s: not what drench writes", what);
	return -EINVAL;
}

static int read_number(const json_t *v, bool *has, double *out)
{
	*has = json_is_number(v);
	if (*has)
		*out = json_number_value(v);
	return *has || json_is_null(v) ? 0 : -EINVAL;
}

static int read_classes(const json_t *v, uint32_t *out)
{
	size_t i;
	json_t *c;

	*out = 0;
	if (json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return -EINVAL;
	json_array_foreach(v, i, c) {
		if (!json_is_integer(c) || json_integer_value(c) < 1 || json_integer_value(c) > 5)
			return -EINVAL;
		*out |= CAMPAIGN_STATUS_CLASS(json_integer_value(c));
	}
	return 0;
}

static int read_latency(const json_t *v, uint64_t *max_us)
{
	const char *key;
	json_t *n;

	if (!json_is_object(v))
		return -EINVAL;
	json_object_foreach((json_t *)v, key, n) {
		int i = 0;
		while (i < CAMPAIGN_PERCENTILES && strcmp(key, pct_names[i]))
			i++;
		if (i == CAMPAIGN_PERCENTILES || !json_is_integer(n) || json_integer_value(n) <= 0)
			return -EINVAL;
		max_us[i] = (uint64_t)json_integer_value(n);
	}
	return 0;
}

int expect_from_json(const json_t *j, struct campaign_expect *out, bool *given, char *err,
		     size_t errlen)
{
	memset(out, 0, sizeof(*out));
	*given = !json_is_null(j) && j != NULL;
	if (!*given)
		return 0;
	if (!json_is_object(j))
		return bad(err, errlen, "");
	if (read_number(json_object_get(j, "max_error_ratio"), &out->has_max_error_ratio,
			&out->max_error_ratio) < 0)
		return bad(err, errlen, "max_error_ratio");
	if (read_classes(json_object_get(j, "status_classes"), &out->status_classes) < 0)
		return bad(err, errlen, "status_classes");
	if (read_latency(json_object_get(j, "latency_max_us"), out->latency_max_us) < 0)
		return bad(err, errlen, "latency_max_us");
	if (read_number(json_object_get(j, "min_rps"), &out->has_min_rps, &out->min_rps) < 0)
		return bad(err, errlen, "min_rps");
	return 0;
}
