/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration error collector.
 *
 * Validation never stops at the first mistake: every check records its error
 * here and carries on, so a user sees everything wrong with a file at once.
 * Each error is kept both as fields and as one formatted line:
 *
 *   FILE:LINE:COL: KEY.PATH: message (expected ...)
 *
 * e.g. `smoke.yaml:12:5: phases[1].duration: bad duration "10x" (expected a
 * number with unit us, ms, s, m, h)`. LINE and COL are 1-based. When the error has
 * no key path (a YAML syntax error) the "KEY.PATH: " part is left out; when it
 * has no expectation the " (expected ...)" part is left out.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct yaml_mark;

struct config_error {
	char *file;     /* as given to the loader; "--set" for overrides */
	unsigned line;  /* 1-based */
	unsigned col;   /* 1-based */
	char *path;     /* "phases[1].duration", "" when none */
	char *message;  /* "bad duration \"10x\"" */
	char *expected; /* "a number with unit us, ms, s, m, h", NULL when none */
	char *text;     /* the whole formatted line, without newline */
};

struct config_errors {
	struct config_error *v;
	size_t n;
	size_t cap;
	int oom; /* set when an error could not be recorded */
};

/** Start empty (a zeroed struct is empty too). */
void config_errors_init(struct config_errors *e);

/** Release every recorded error; e is empty afterwards. */
void config_errors_free(struct config_errors *e);

/** Record an error at file:line:col. path and expected may be NULL.
 * Never fails visibly: on ENOMEM the error is counted in e->oom. */
void config_error_add(struct config_errors *e, const char *file, unsigned line, unsigned col,
		      const char *path, const char *expected, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/** Same, at a node's or key's mark (see yaml-doc.h). */
void config_error_at(struct config_errors *e, const struct yaml_mark *m, const char *path,
		     const char *expected, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

void config_error_vadd(struct config_errors *e, const char *file, unsigned line, unsigned col,
		       const char *path, const char *expected, const char *fmt, va_list ap);

/** Number of errors recorded (including ones lost to ENOMEM). */
size_t config_errors_count(const struct config_errors *e);

/** Order errors by file, line and column, keeping insertion order on ties. */
void config_errors_sort(struct config_errors *e);

/** Write each error's line followed by '\n' to f. */
void config_errors_print(const struct config_errors *e, FILE *f);
