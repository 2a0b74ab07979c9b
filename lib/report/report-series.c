/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report-series.h"

static const char *const columns[] = {
	"t", "phase", "requests", "2xx", "3xx", "4xx", "5xx", "other", "err_connect",
	"err_timeout", "err_reset", "err_parse", "err_validation", "retrans", "open_conns",
	"p50_us", "p99_us",
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *row(const struct series_point *p)
{
	json_t *r = json_array();

	json_array_append_new(r, json_real(p->t));
	json_array_append_new(r, json_integer(p->phase));
	json_array_append_new(r, json_integer((json_int_t)p->requests));
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		json_array_append_new(r, json_integer((json_int_t)p->responses[c]));
	const uint64_t errs[] = {p->err_connect, p->err_timeout, p->err_reset, p->err_parse,
				 p->err_validation, p->retrans, p->open_conns};
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		json_array_append_new(r, json_integer((json_int_t)errs[i]));
	json_array_append_new(r, num(p->p50_us));
	json_array_append_new(r, num(p->p99_us));
	return r;
}

json_t *report_series_json(const struct series *s, double t0)
{
	json_t *cols = json_array(), *pts = json_array();

	for (size_t i = 0; i < N_COLUMNS; i++)
		json_array_append_new(cols, json_string(columns[i]));
	for (size_t i = 0; s && i < series_count(s); i++)
		json_array_append_new(pts, row(series_at(s, i)));
	json_t *j = json_pack("{sf so so}", "t0", t0, "columns", cols, "points", pts);
	if (!j)
		errno = ENOMEM;
	return j;
}

static int bad(char *err, size_t len, const char *what, size_t i)
{
	snprintf(err, len, "series: %s (point %zu)", what, i);
	return -EINVAL;
}

static int check_columns(const json_t *cols, char *err, size_t len)
{
	if (json_array_size(cols) != N_COLUMNS)
		return bad(err, len, "columns are not those this drench writes", 0);
	for (size_t i = 0; i < N_COLUMNS; i++)
		if (!json_is_string(json_array_get(cols, i)) ||
		    strcmp(json_string_value(json_array_get(cols, i)), columns[i]))
			return bad(err, len, "columns are not those this drench writes", i);
	return 0;
}

/* Column i of a row: a number, or NAN for null; -1 for anything else. */
static double cell(const json_t *r, size_t i)
{
	const json_t *v = json_array_get(r, i);

	return json_is_number(v) ? json_number_value(v) : json_is_null(v) ? NAN : -1;
}

static int read_point(const json_t *r, double shift, struct series_point *p)
{
	double v[N_COLUMNS];

	if (json_array_size(r) != N_COLUMNS)
		return -EINVAL;
	for (size_t i = 0; i < N_COLUMNS; i++) {
		v[i] = cell(r, i);
		if (i < N_COLUMNS - 2 && !(v[i] >= 0))
			return -EINVAL;
	}
	size_t k = 0;
	p->t = v[k++] + shift;
	p->phase = (uint32_t)v[k++];
	p->requests = (uint64_t)v[k++];
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		p->responses[c] = (uint64_t)v[k++];
	p->err_connect = (uint64_t)v[k++];
	p->err_timeout = (uint64_t)v[k++];
	p->err_reset = (uint64_t)v[k++];
	p->err_parse = (uint64_t)v[k++];
	p->err_validation = (uint64_t)v[k++];
	p->retrans = (uint64_t)v[k++];
	p->open_conns = (uint32_t)v[k++];
	p->p50_us = v[k++];
	p->p99_us = v[k];
	return 0;
}

int report_series_parse(const json_t *j, double shift, struct series *out, char *err,
			size_t errlen)
{
	const json_t *pts = json_object_get(j, "points");
	size_t i;
	json_t *r;

	if (check_columns(json_object_get(j, "columns"), err, errlen) < 0)
		return -EINVAL;
	if (!json_is_array(pts))
		return bad(err, errlen, "points: expected a list", 0);
	json_array_foreach(pts, i, r) {
		struct series_point p;
		if (read_point(r, shift, &p) < 0 || series_add(out, &p) < 0)
			return bad(err, errlen, "malformed or out of time order", i);
	}
	return 0;
}
