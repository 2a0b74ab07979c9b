/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text exposition format 0.0.4, written: a growing text buffer to
 * which families (# HELP, # TYPE) and their samples are appended, and the
 * drench_* metrics rendered from report.json (a file, prometheus.txt) or from
 * the live time series (the /metrics endpoint, metrics-server.h).
 *
 * Escaping: HELP text escapes '\' and newline; label values escape '\', '"'
 * and newline. Metric and label names are checked against the format's
 * grammar instead (a bad name is -EINVAL, never written).
 * Values: integers up to 2^53 exactly, others with up to 17 significant
 * digits (the shortest that reads back equal), NaN, +Inf, -Inf.
 *
 * (lib/telemetry/prom.h is the parser the agents' scrapes use; these names
 * do not collide with it.)
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "counter-table.h"
#include "series.h"

enum prom_type { PROM_COUNTER, PROM_GAUGE, PROM_UNTYPED };

struct prom_label {
	const char *name;
	const char *value;
};

struct prom_text;

/** An empty text; NULL with errno ENOMEM. */
struct prom_text *prom_text_new(void);
void prom_text_free(struct prom_text *t);

/** Empty the text, keeping its buffer (to render again for each scrape). */
void prom_text_reset(struct prom_text *t);

/** Append "# HELP name help" and "# TYPE name type". 0; -EINVAL (bad name,
 * NULL help); -ENOMEM. After a failure every later append fails the same way
 * until prom_text_reset(), so a caller may check once at the end. */
int prom_text_family(struct prom_text *t, const char *name, const char *help, enum prom_type type);

/** Append `name{l1="v1",...} value`. n_labels may be 0. 0; -EINVAL (bad
 * metric or label name, NULL value); -ENOMEM. Sticky like prom_text_family. */
int prom_text_sample(struct prom_text *t, const char *name, const struct prom_label *labels,
		     size_t n_labels, double value);

/** A label every later sample carries first, such as shard="2" (NULL name:
 * none); the strings are borrowed and kept across resets. 0 or -EINVAL. */
int prom_text_common_label(struct prom_text *t, const char *name, const char *value);

/** The text so far (NUL-terminated) and its length; "" when empty. */
const char *prom_text_data(const struct prom_text *t, size_t *len);

/** The first error since the last reset, 0 if none. */
int prom_text_error(const struct prom_text *t);

/** Append the drench_* metrics of a report.json tree (see docs/reports.md):
 * per phase requests, responses by class, errors by kind, rps, latency
 * quantiles, duration, expectation failures; per target and metric the leak
 * verdict (ok 0, suspect 1, leak 2, insufficient -1), slope per hour, bytes
 * per request; the campaign verdict. Missing or null fields are skipped.
 * 0, -EINVAL (report not an object), or the builder's error. */
int report_prom_render(struct prom_text *t, const json_t *report);

/* A counter object at the top of report.json ("tcp") and the table that
 * wrote it: each counter becomes <prefix>_<key>_total with the table's help. */
struct report_prom_counters {
	const char *object, *prefix;
	const struct counter_table *table;
};

/** Write report_prom_render() and the n counter objects to path atomically.
 * 0 or -errno. */
int report_prom_write(const char *path, const json_t *report,
		      const struct report_prom_counters *c, size_t n);

/** Append the live metrics of a run from its series (exact totals since the
 * start, last interval's rates and latency, open connections) and the name of
 * the phase running now (may be NULL). 0, -EINVAL, or the builder's error. */
int report_prom_render_live(struct prom_text *t, const struct series *s, const char *phase);
