/* SPDX-License-Identifier: BSD-3-Clause */
/* Building the report.json tree (schema 1). */
#include "report.h"

#include <errno.h>
#include <math.h>

static const char *const status_class_keys[REPORT_N_STATUS_CLASSES] = {
	"2xx",
	"3xx",
	"4xx",
	"5xx",
};

/* jansson refuses non-finite reals; the contract says unknown is null. */
static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* json_int_t is signed: clamp rather than wrap to a negative count. */
static json_t *count(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *string_or_empty(const char *s)
{
	return json_string(s != NULL ? s : "");
}

json_t *report_new(void)
{
	json_t *r = json_pack("{s:i, s:s, s:[], s:[]}", "schema", REPORT_SCHEMA, "verdict", "pass",
			      "phases", "targets");

	if (r == NULL)
		errno = ENOMEM;
	return r;
}

static json_t *phase_responses(const struct report_phase *p)
{
	json_t *o = json_object();

	for (int i = 0; o != NULL && i < REPORT_N_STATUS_CLASSES; i++) {
		if (json_object_set_new(o, status_class_keys[i], count(p->responses[i])) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* one key per line reads like the contract */
/* clang-format off */
static json_t *phase_object(const struct report_phase *p)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o, s:o}, s:o,"
			 " s:{s:o, s:o, s:o, s:o, s:o}}",
			 "name", string_or_empty(p->name),
			 "start", real_or_null(p->start),
			 "end", real_or_null(p->end),
			 "requests", count(p->requests),
			 "responses", phase_responses(p),
			 "errors",
			 "connect", count(p->err_connect),
			 "timeout", count(p->err_timeout),
			 "reset", count(p->err_reset),
			 "parse", count(p->err_parse),
			 "validation", count(p->err_validation),
			 "rps", real_or_null(p->rps),
			 "latency_us",
			 "p50", real_or_null(p->p50),
			 "p90", real_or_null(p->p90),
			 "p99", real_or_null(p->p99),
			 "p999", real_or_null(p->p999),
			 "max", real_or_null(p->max));
}
/* clang-format on */

/* Append a new object to the array r[key]; returns the borrowed object. */
static json_t *append(json_t *r, const char *key, json_t *obj)
{
	json_t *arr = json_object_get(r, key);

	if (obj == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (!json_is_array(arr) || json_array_append_new(arr, obj) < 0) {
		errno = json_is_array(arr) ? ENOMEM : EINVAL;
		return NULL;
	}
	return obj;
}

json_t *report_add_phase(json_t *r, const struct report_phase *p)
{
	if (r == NULL || p == NULL) {
		errno = EINVAL;
		return NULL;
	}
	return append(r, "phases", phase_object(p));
}

/* one key per line reads like the contract */
/* clang-format off */
static json_t *metric_object(const struct report_metric *m)
{
	return json_pack("{s:o, s:o, s:o, s:o}",
			 "name", string_or_empty(m->name),
			 "verdict", string_or_empty(m->verdict),
			 "slope_per_hour", real_or_null(m->slope_per_hour),
			 "bytes_per_request", real_or_null(m->bytes_per_request));
}
/* clang-format on */

static json_t *target_object(const struct report_target *t)
{
	json_t *metrics = json_array();
	json_t *profiles = json_array();
	bool ok = metrics != NULL && profiles != NULL;

	for (size_t i = 0; ok && i < t->n_metrics; i++)
		ok = json_array_append_new(metrics, metric_object(&t->metrics[i])) == 0;
	for (size_t i = 0; ok && i < t->n_profiles; i++)
		ok = json_array_append_new(profiles, string_or_empty(t->profiles[i])) == 0;
	if (!ok) {
		json_decref(metrics);
		json_decref(profiles);
		return NULL;
	}
	/* clang-format off */
	return json_pack("{s:o, s:o, s:o, s:o}",
			 "name", string_or_empty(t->name),
			 "verdict", string_or_empty(t->verdict),
			 "metrics", metrics,
			 "profiles", profiles);
	/* clang-format on */
}

json_t *report_add_target(json_t *r, const struct report_target *t)
{
	if (r == NULL || t == NULL || (t->n_metrics > 0 && t->metrics == NULL) ||
	    (t->n_profiles > 0 && t->profiles == NULL)) {
		errno = EINVAL;
		return NULL;
	}
	return append(r, "targets", target_object(t));
}

void report_set_verdict(json_t *r, bool pass)
{
	json_object_set_new(r, "verdict", json_string(pass ? "pass" : "fail"));
}
