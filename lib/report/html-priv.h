/* SPDX-License-Identifier: BSD-3-Clause */
/* Pieces of report.html shared by its files (html.c, html-chart.c, html-text.c). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "stats/series.h"

/* Text with &, <, >, " and ' escaped: safe in content and quoted attributes. */
void html_text(FILE *f, const char *s);

/* A number with ',' between thousands and the given decimals. */
void html_number(FILE *f, double v, int decimals);

/* A JSON number as html_number(), "&ndash;" when missing, null or not a number. */
void html_json_number(FILE *f, const json_t *v, int decimals);

/* "12 s", "3.5 min", "72.0 h" */
void html_duration(FILE *f, double seconds);

/* Is path a relative reference without a scheme, safe to put in an href? */
bool html_safe_relative_link(const char *path);

/* The charts over time: RPS, errors per second and (when known) latency, with
 * the phase boundaries of the series marked and named from report.phases. */
void html_series_charts(FILE *f, const json_t *phases, const struct series *s);

/* Horizontal bars of a phase's latency percentiles on a log scale whose end
 * is scale_us (the largest latency of all phases). */
void html_latency_bars(FILE *f, const json_t *latency, double scale_us);
