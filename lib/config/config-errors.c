/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-errors.h"
#include "yaml-doc.h"

void config_errors_init(struct config_errors *e)
{
	memset(e, 0, sizeof(*e));
}

static void error_release(struct config_error *x)
{
	free(x->file);
	free(x->path);
	free(x->message);
	free(x->expected);
	free(x->text);
}

void config_errors_free(struct config_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		error_release(&e->v[i]);
	free(e->v);
	config_errors_init(e);
}

static int errors_reserve(struct config_errors *e)
{
	if (e->n < e->cap)
		return 0;
	size_t cap = e->cap ? e->cap * 2 : 8;
	struct config_error *v = realloc(e->v, cap * sizeof(*v));
	if (!v)
		return -1;
	e->v = v;
	e->cap = cap;
	return 0;
}

static char *format_line(const struct config_error *x)
{
	char *text = NULL;
	int r = asprintf(&text, "%s:%u:%u: %s%s%s%s%s%s", x->file, x->line, x->col, x->path,
			 x->path[0] ? ": " : "", x->message, x->expected ? " (expected " : "",
			 x->expected ? x->expected : "", x->expected ? ")" : "");
	return r < 0 ? NULL : text;
}

void config_error_vadd(struct config_errors *e, const char *file, unsigned line, unsigned col,
		       const char *path, const char *expected, const char *fmt, va_list ap)
{
	struct config_error x = {.line = line, .col = col};

	x.file = strdup(file ? file : "");
	x.path = strdup(path ? path : "");
	x.expected = expected ? strdup(expected) : NULL;
	if (vasprintf(&x.message, fmt, ap) < 0)
		x.message = NULL;
	if (x.file && x.path && x.message && (!expected || x.expected))
		x.text = format_line(&x);
	if (!x.text || errors_reserve(e) < 0) {
		error_release(&x);
		e->oom++;
		return;
	}
	e->v[e->n++] = x;
}

void config_error_add(struct config_errors *e, const char *file, unsigned line, unsigned col,
		      const char *path, const char *expected, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_error_vadd(e, file, line, col, path, expected, fmt, ap);
	va_end(ap);
}

void config_error_at(struct config_errors *e, const struct yaml_mark *m, const char *path,
		     const char *expected, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_error_vadd(e, m->file, m->line, m->col, path, expected, fmt, ap);
	va_end(ap);
}

size_t config_errors_count(const struct config_errors *e)
{
	return e->n + (size_t)e->oom;
}

static int error_before(const struct config_error *a, const struct config_error *b)
{
	int c = strcmp(a->file, b->file);
	if (c)
		return c < 0;
	if (a->line != b->line)
		return a->line < b->line;
	return a->col < b->col;
}

/* insertion sort: stable, and error lists are short */
void config_errors_sort(struct config_errors *e)
{
	for (size_t i = 1; i < e->n; i++) {
		struct config_error x = e->v[i];
		size_t j = i;
		while (j > 0 && error_before(&x, &e->v[j - 1])) {
			e->v[j] = e->v[j - 1];
			j--;
		}
		e->v[j] = x;
	}
}

void config_errors_print(const struct config_errors *e, FILE *f)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(f, "%s\n", e->v[i].text);
	if (e->oom)
		fprintf(f, "drench: %d more errors lost: out of memory\n", e->oom);
}
