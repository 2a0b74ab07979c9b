/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text exposition format (0.0.4), sample lines only: comments,
 * HELP and TYPE lines are skipped. The stream form takes the body in any
 * chunking (libcurl's write callback) and reports each complete line.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define PROM_MAX_LINE 4096

/* One sample; name and labels point into the parser's line buffer. */
struct prom_sample {
	const char *name;
	size_t name_len;
	const char *labels; /* text between the braces, "" when none */
	size_t labels_len;
	double value;
};

typedef void (*prom_sample_fn)(const struct prom_sample *s, void *arg);

struct prom_stream {
	prom_sample_fn fn;
	void *arg;
	char line[PROM_MAX_LINE];
	size_t len;
	bool overlong;	  /* current line exceeded PROM_MAX_LINE: skip to '\n' */
	unsigned lineno;  /* lines seen so far */
	unsigned samples; /* samples reported */
	unsigned errors;  /* malformed or overlong lines */
	unsigned first_error_line;
};

/** Parse one line (no '\n'). 1: a sample in out; 0: blank or comment;
 * -EINVAL: malformed. Reads only line[0..len). */
int prom_parse_line(const char *line, size_t len, struct prom_sample *out);

void prom_stream_init(struct prom_stream *s, prom_sample_fn fn, void *arg);

/** Feed len bytes; calls fn for each sample on each complete line. */
void prom_stream_feed(struct prom_stream *s, const char *buf, size_t len);

/** End of body: parse a last line that had no '\n'. */
void prom_stream_finish(struct prom_stream *s);

/** Does sample s answer spec? spec is "name" (any labels) or
 * "name{labels}" (exactly these label text). */
bool prom_match(const struct prom_sample *s, const char *spec);
