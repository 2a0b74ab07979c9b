/* SPDX-License-Identifier: BSD-3-Clause */
/* Prometheus text format 0.0.4 builder (prom.h). */
#include "prom-text.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct prom_text {
	char *buf;
	size_t len, cap; /* buf[len] is always '\0' once buf exists */
	int err;	 /* first failure since the last reset */
	struct prom_label common; /* added to every sample when its name is set */
};

struct prom_text *prom_text_new(void)
{
	return calloc(1, sizeof(struct prom_text));
}

void prom_text_free(struct prom_text *t)
{
	if (t != NULL)
		free(t->buf);
	free(t);
}

void prom_text_reset(struct prom_text *t)
{
	t->len = 0;
	t->err = 0;
	if (t->buf != NULL)
		t->buf[0] = '\0';
}

const char *prom_text_data(const struct prom_text *t, size_t *len)
{
	if (len != NULL)
		*len = t->len;
	return t->buf != NULL ? t->buf : "";
}

int prom_text_error(const struct prom_text *t)
{
	return t->err;
}

static bool append(struct prom_text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;

		while (cap < t->len + n + 1)
			cap *= 2;
		char *b = realloc(t->buf, cap);
		if (b == NULL) {
			t->err = -ENOMEM;
			return false;
		}
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
	return true;
}

static bool append_str(struct prom_text *t, const char *s)
{
	return append(t, s, strlen(s));
}

/* Copy s, escaping '\' and newline, and '"' too when quote is set. */
static bool append_escaped(struct prom_text *t, const char *s, bool quote)
{
	for (; *s; s++) {
		bool ok;

		if (*s == '\\')
			ok = append(t, "\\\\", 2);
		else if (*s == '\n')
			ok = append(t, "\\n", 2);
		else if (*s == '"' && quote)
			ok = append(t, "\\\"", 2);
		else
			ok = append(t, s, 1);
		if (!ok)
			return false;
	}
	return true;
}

static bool is_alpha_(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
static bool valid_metric_name(const char *s)
{
	if (s == NULL || !(is_alpha_(*s) || *s == ':'))
		return false;
	for (s++; *s; s++)
		if (!(is_alpha_(*s) || is_digit(*s) || *s == ':'))
			return false;
	return true;
}

/* [a-zA-Z_][a-zA-Z0-9_]*, and not the reserved "__" prefix */
static bool valid_label_name(const char *s)
{
	if (s == NULL || !is_alpha_(*s) || strncmp(s, "__", 2) == 0)
		return false;
	for (s++; *s; s++)
		if (!(is_alpha_(*s) || is_digit(*s)))
			return false;
	return true;
}

static void format_value(double v, char *out, size_t n)
{
	if (isnan(v)) {
		snprintf(out, n, "NaN");
	} else if (isinf(v)) {
		snprintf(out, n, v > 0 ? "+Inf" : "-Inf");
	} else if (v == 0) {
		snprintf(out, n, "0"); /* not "-0" */
	} else if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
		snprintf(out, n, "%.0f", v);
	} else {
		/* the shortest %g that reads back as the same double */
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(out, n, "%.*g", prec, v);
			if (strtod(out, NULL) == v)
				break;
		}
	}
}

/* Fail the call: keep the text as it was before it and remember why. */
static int fail(struct prom_text *t, size_t mark, int err)
{
	t->len = mark;
	if (t->buf != NULL)
		t->buf[mark] = '\0';
	if (t->err == 0)
		t->err = err;
	return t->err;
}

int prom_text_family(struct prom_text *t, const char *name, const char *help, enum prom_type type)
{
	static const char *const type_names[] = {"counter", "gauge", "untyped"};
	size_t mark = t->len;

	if (t->err != 0)
		return t->err;
	if (!valid_metric_name(name) || help == NULL || (unsigned)type > PROM_UNTYPED)
		return fail(t, mark, -EINVAL);
	bool ok = append_str(t, "# HELP ") && append_str(t, name) && append_str(t, " ") &&
		  append_escaped(t, help, false) && append_str(t, "\n# TYPE ") &&
		  append_str(t, name) && append_str(t, " ") && append_str(t, type_names[type]) &&
		  append_str(t, "\n");
	return ok ? 0 : fail(t, mark, -ENOMEM);
}

static bool append_labels(struct prom_text *t, const struct prom_label *labels, size_t n)
{
	bool common = t->common.name != NULL;

	if (n == 0 && !common)
		return true;
	if (!append_str(t, "{"))
		return false;
	if (common && (!append_str(t, t->common.name) || !append_str(t, "=\"") ||
		       !append_escaped(t, t->common.value, true) || !append_str(t, "\"") ||
		       (n > 0 && !append_str(t, ","))))
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((i > 0 && !append_str(t, ",")) || !append_str(t, labels[i].name) ||
		    !append_str(t, "=\"") || !append_escaped(t, labels[i].value, true) ||
		    !append_str(t, "\""))
			return false;
	}
	return append_str(t, "}");
}

int prom_text_common_label(struct prom_text *t, const char *name, const char *value)
{
	if (name && (!valid_label_name(name) || !value))
		return -EINVAL;
	t->common = (struct prom_label){name, value};
	return 0;
}

int prom_text_sample(struct prom_text *t, const char *name, const struct prom_label *labels,
		     size_t n_labels, double value)
{
	size_t mark = t->len;
	char num[40];

	if (t->err != 0)
		return t->err;
	if (!valid_metric_name(name) || (n_labels > 0 && labels == NULL))
		return fail(t, mark, -EINVAL);
	for (size_t i = 0; i < n_labels; i++)
		if (!valid_label_name(labels[i].name) || labels[i].value == NULL)
			return fail(t, mark, -EINVAL);
	format_value(value, num, sizeof(num));
	bool ok = append_str(t, name) && append_labels(t, labels, n_labels) && append_str(t, " ") &&
		  append_str(t, num) && append_str(t, "\n");
	return ok ? 0 : fail(t, mark, -ENOMEM);
}
