/* SPDX-License-Identifier: BSD-3-Clause */
/* Checking a report against the schema 1 contract, naming the first bad key. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

enum field_kind {
	F_STRING,
	F_COUNT,	  /* integer >= 0 */
	F_NUMBER,	  /* integer or real */
	F_NUMBER_OR_NULL, /* unknown values are null */
	F_OBJECT,	  /* nested fields in sub */
	F_OBJECT_ARRAY,	  /* array of objects with fields in sub */
	F_STRING_ARRAY,
};

struct field {
	const char *key;
	enum field_kind kind;
	const struct field *sub;    /* F_OBJECT, F_OBJECT_ARRAY: NULL-key terminated */
	const char *const *allowed; /* F_STRING: NULL-terminated set, or NULL for any */
};

static const char *const top_verdicts[] = {"pass", "fail", NULL};
static const char *const target_verdicts[] = {"leak", "suspect", "ok", "insufficient", NULL};

static const struct field responses_fields[] = {
	{"2xx", F_COUNT, NULL, NULL}, {"3xx", F_COUNT, NULL, NULL}, {"4xx", F_COUNT, NULL, NULL},
	{"5xx", F_COUNT, NULL, NULL}, {NULL, 0, NULL, NULL},
};

static const struct field errors_fields[] = {
	{"connect", F_COUNT, NULL, NULL},    {"timeout", F_COUNT, NULL, NULL},
	{"reset", F_COUNT, NULL, NULL},	     {"parse", F_COUNT, NULL, NULL},
	{"validation", F_COUNT, NULL, NULL}, {NULL, 0, NULL, NULL},
};

static const struct field latency_fields[] = {
	{"p50", F_NUMBER_OR_NULL, NULL, NULL}, {"p90", F_NUMBER_OR_NULL, NULL, NULL},
	{"p99", F_NUMBER_OR_NULL, NULL, NULL}, {"p999", F_NUMBER_OR_NULL, NULL, NULL},
	{"max", F_NUMBER_OR_NULL, NULL, NULL}, {NULL, 0, NULL, NULL},
};

static const struct field phase_fields[] = {
	{"name", F_STRING, NULL, NULL},
	{"start", F_NUMBER, NULL, NULL},
	{"end", F_NUMBER, NULL, NULL},
	{"requests", F_COUNT, NULL, NULL},
	{"responses", F_OBJECT, responses_fields, NULL},
	{"errors", F_OBJECT, errors_fields, NULL},
	{"rps", F_NUMBER_OR_NULL, NULL, NULL},
	{"latency_us", F_OBJECT, latency_fields, NULL},
	{NULL, 0, NULL, NULL},
};

static const struct field metric_fields[] = {
	{"name", F_STRING, NULL, NULL},
	{"verdict", F_STRING, NULL, NULL},
	{"slope_per_hour", F_NUMBER_OR_NULL, NULL, NULL},
	{"bytes_per_request", F_NUMBER_OR_NULL, NULL, NULL},
	{NULL, 0, NULL, NULL},
};

static const struct field target_fields[] = {
	{"name", F_STRING, NULL, NULL},
	{"verdict", F_STRING, NULL, target_verdicts},
	{"metrics", F_OBJECT_ARRAY, metric_fields, NULL},
	{"profiles", F_STRING_ARRAY, NULL, NULL},
	{NULL, 0, NULL, NULL},
};

static const struct field report_fields[] = {
	{"schema", F_COUNT, NULL, NULL},
	{"verdict", F_STRING, NULL, top_verdicts},
	{"phases", F_OBJECT_ARRAY, phase_fields, NULL},
	{"targets", F_OBJECT_ARRAY, target_fields, NULL},
	{NULL, 0, NULL, NULL},
};

struct checker {
	char path[256]; /* key path of the value being checked, e.g. phases[0].rps */
	char *err;
	size_t errlen;
};

static int fail(struct checker *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->errlen == 0)
		return -EINVAL;
	n = snprintf(c->err, c->errlen, "%s: ", c->path[0] != '\0' ? c->path : "(root)");
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Extend the path for a nested check; returns the old length to restore. */
static size_t path_push(struct checker *c, const char *fmt, ...)
{
	size_t old = strlen(c->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->path + old, sizeof(c->path) - old, fmt, ap);
	va_end(ap);
	return old;
}

static int check_object(struct checker *c, const json_t *o, const struct field *fields);

static bool in_set(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static int check_string(struct checker *c, const json_t *v, const char *const *allowed)
{
	if (!json_is_string(v))
		return fail(c, "expected string");
	if (allowed != NULL && !in_set(json_string_value(v), allowed))
		return fail(c, "unexpected value \"%s\"", json_string_value(v));
	return 0;
}

static int check_array(struct checker *c, const json_t *v, const struct field *f)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return fail(c, "expected array");
	json_array_foreach(v, i, e)
	{
		size_t old = path_push(c, "[%zu]", i);
		int rc = f->kind == F_STRING_ARRAY ? check_string(c, e, NULL)
						   : check_object(c, e, f->sub);

		if (rc < 0)
			return rc;
		c->path[old] = '\0';
	}
	return 0;
}

static int check_value(struct checker *c, const json_t *v, const struct field *f)
{
	switch (f->kind) {
	case F_STRING:
		return check_string(c, v, f->allowed);
	case F_COUNT:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return fail(c, "expected non-negative integer");
		return 0;
	case F_NUMBER:
		return json_is_number(v) ? 0 : fail(c, "expected number");
	case F_NUMBER_OR_NULL:
		return json_is_number(v) || json_is_null(v) ? 0
							    : fail(c, "expected number or null");
	case F_OBJECT:
		return check_object(c, v, f->sub);
	case F_OBJECT_ARRAY:
	case F_STRING_ARRAY:
		return check_array(c, v, f);
	}
	return fail(c, "bad schema");
}

static int check_object(struct checker *c, const json_t *o, const struct field *fields)
{
	if (!json_is_object(o))
		return fail(c, "expected object");
	for (const struct field *f = fields; f->key != NULL; f++) {
		size_t old = path_push(c, "%s%s", c->path[0] != '\0' ? "." : "", f->key);
		const json_t *v = json_object_get(o, f->key);
		int rc = v == NULL ? fail(c, "missing") : check_value(c, v, f);

		if (rc < 0)
			return rc;
		c->path[old] = '\0';
	}
	return 0;
}

int report_validate(const json_t *r, char *err, size_t errlen)
{
	struct checker c = {.path = "", .err = err, .errlen = errlen};
	int rc = check_object(&c, r, report_fields);

	if (rc == 0 && json_integer_value(json_object_get(r, "schema")) != REPORT_SCHEMA) {
		path_push(&c, "schema");
		rc = fail(&c, "unsupported schema %lld, expected %d",
			  (long long)json_integer_value(json_object_get(r, "schema")),
			  REPORT_SCHEMA);
	}
	if (rc == 0 && err != NULL && errlen > 0)
		err[0] = '\0';
	return rc;
}

int report_validate_file(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *r = json_load_file(path, 0, &jerr);
	int rc;

	if (r == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column,
				 jerr.text);
		return json_error_code(&jerr) == json_error_cannot_open_file ? -ENOENT : -EINVAL;
	}
	rc = report_validate(r, err, errlen);
	json_decref(r);
	return rc;
}
