/* SPDX-License-Identifier: BSD-3-Clause */
/* Pieces of report.html shared by its files (html.c, html-chart.c, html-text.c). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "series.h"

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

/* The charts over time: responses/s against the requested rate, latency
 * p50/p99/p99.9 (log scale), errors by kind, open connections and TCP
 * retransmissions, each over the phase bands of the series. */
void html_series_charts(FILE *f, const json_t *phases, const struct series *s);

/* The plot area of a chart, in SVG units, and the time its right edge stands for. */
struct html_plot {
	int left, top, width, height;
	double t_end;
};

static inline double html_plot_x(const struct html_plot *pl, double t)
{
	return pl->left + t / pl->t_end * pl->width;
}

/* The phases of the series as shaded bands, a steps ramp as one band with a
 * tick per level, labelled where the label fits (never overlapping). */
void html_phase_bands(FILE *f, const struct html_plot *pl, const json_t *phases,
		      const struct series *s);

/* The memory section: per target its verdict, the evidence of each metric
 * and a chart of the floor's growth per phase coloured by verdict. */
void html_targets_section(FILE *f, const json_t *targets);

/* The floor points of target's judged metric over time (metrics[].
 * floor_points_tv) over its phase bands, with the idle floor and the
 * metric's verdict; nothing when the metric has no points. */
void html_floor_chart(FILE *f, const json_t *target, const json_t *metric);

/* A verdict as a coloured badge. */
void html_verdict_badge(FILE *f, const char *v);

/* Horizontal bars of a phase's latency percentiles on a log scale whose end
 * is scale_us (the largest latency of all phases). */
void html_latency_bars(FILE *f, const json_t *latency, double scale_us);
