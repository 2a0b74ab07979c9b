/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memory section of report.html: per target, the verdict and the
 * evidence behind it (each metric's reason, trend, floor and bytes per
 * request), then a chart of how much the metric's floor grew in each phase,
 * each bar coloured by that phase's verdict, so the phase where a target
 * started to leak stands out without reading a table, beside the floor
 * itself over time (html-floor.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html-priv.h"

#define MEM_W 900
#define MEM_ROW_H 18
#define MEM_LABEL_W 220
#define MEM_BAR_MAX 520

static const char *string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void number_cell(FILE *f, const json_t *m, const char *key, int decimals)
{
	fputs("<td class=\"n\">", f);
	html_json_number(f, json_object_get(m, key), decimals);
	fputs("</td>", f);
}

static void metrics_table(FILE *f, const json_t *metrics)
{
	size_t i;
	json_t *m;

	if (json_array_size(metrics) == 0)
		return;
	fputs("<table class=\"evidence\">\n<tr><th>metric</th><th>verdict</th><th>why</th>"
	      "<th>slope per hour</th><th>bytes per request</th><th>baseline</th>"
	      "<th>floor now</th><th>trend p</th></tr>\n",
	      f);
	json_array_foreach(metrics, i, m)
	{
		fputs("<tr><td>", f);
		html_text(f, string(m, "name"));
		fputs("</td><td>", f);
		html_verdict_badge(f, string(m, "verdict"));
		fputs("</td><td>", f);
		html_text(f, string(m, "reason") ? string(m, "reason") : "");
		fputs("</td>", f);
		number_cell(f, m, "slope_per_hour", 1);
		number_cell(f, m, "bytes_per_request", 1);
		number_cell(f, m, "baseline", 0);
		number_cell(f, m, "floor", 0);
		number_cell(f, m, "mann_kendall_p", 4);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void profiles_list(FILE *f, const json_t *profiles)
{
	size_t i;
	json_t *p;

	if (json_array_size(profiles) == 0)
		return;
	fputs("<p>Profiles (compare with <code>go tool pprof -diff_base</code>):</p>\n<ul>\n", f);
	json_array_foreach(profiles, i, p)
	{
		const char *path = json_string_value(p);

		fputs("<li>", f);
		if (html_safe_relative_link(path)) {
			fputs("<a href=\"", f);
			html_text(f, path);
			fputs("\">", f);
			html_text(f, path);
			fputs("</a>", f);
		} else {
			html_text(f, path); /* not relative: shown, not linked */
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

/* The metric the verdict rests on: the first with the target's verdict. */
static const json_t *deciding_metric_obj(const json_t *t)
{
	const char *v = string(t, "verdict");
	const json_t *metrics = json_object_get(t, "metrics");
	size_t i;
	json_t *m;

	json_array_foreach(metrics, i, m)
	{
		const char *mv = string(m, "verdict");

		if (v != NULL && mv != NULL && strcmp(v, mv) == 0)
			return m;
	}
	return json_array_get(metrics, 0);
}

static const char *deciding_metric(const json_t *t)
{
	return string(deciding_metric_obj(t), "name");
}

static const json_t *phase_metric(const json_t *phase, const char *name)
{
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(phase, "metrics"), i, m)
	{
		const char *mn = string(m, "name");

		if (name != NULL && mn != NULL && strcmp(name, mn) == 0)
			return m;
	}
	return NULL;
}

static double largest_growth(const json_t *phases, const char *metric)
{
	double big = 0;
	size_t i;
	json_t *ph;

	json_array_foreach(phases, i, ph)
	{
		double g = json_number_value(json_object_get(phase_metric(ph, metric), "growth"));
		big = fmax(big, fabs(g));
	}
	return big;
}

static void verdict_class(FILE *f, const char *v)
{
	static const char *const known[] = {"ok", "leak", "suspect", "insufficient"};

	for (size_t i = 0; v && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(v, known[i]) == 0) {
			fprintf(f, "m-%s", known[i]);
			return;
		}
	fputs("m-other", f);
}

/* One bar per phase: the growth of the deciding metric's floor in it. */
static void growth_chart(FILE *f, const json_t *t)
{
	const json_t *phases = json_object_get(t, "phases");
	const char *metric = deciding_metric(t);
	double scale = largest_growth(phases, metric);
	size_t n = json_array_size(phases), i;
	json_t *ph;

	if (n == 0 || metric == NULL)
		return;
	fputs("<figure class=\"memchart\">\n<figcaption>Growth of ", f);
	html_text(f, metric);
	fputs(" per phase (bar colour: the phase's verdict)</figcaption>\n", f);
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %zu\" width=\"%d\" "
		"height=\"%zu\">\n",
		MEM_W, n * MEM_ROW_H, MEM_W, n * MEM_ROW_H);
	json_array_foreach(phases, i, ph)
	{
		const json_t *m = phase_metric(ph, metric);
		double g = json_number_value(json_object_get(m, "growth"));
		double w = scale > 0 ? fabs(g) / scale * MEM_BAR_MAX : 0;
		int y = (int)i * MEM_ROW_H;

		fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			MEM_LABEL_W - 6, y + 13);
		html_text(f, string(ph, "name"));
		fprintf(f, "</text>\n<rect class=\"");
		verdict_class(f, string(ph, "verdict"));
		fprintf(f, "\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>", MEM_LABEL_W,
			y + 2, fmax(1, w), MEM_ROW_H - 4);
		html_text(f, string(ph, "verdict"));
		fputs("</title></rect>\n", f);
		fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%d\">",
			MEM_LABEL_W + fmax(1, w) + 6, y + 13);
		html_json_number(f, json_object_get(m, "growth"), 0);
		fputs(" ", f);
		html_text(f, string(ph, "verdict"));
		fputs("</text>\n", f);
	}
	fputs("</svg>\n</figure>\n", f);
}

void html_targets_section(FILE *f, const json_t *targets)
{
	size_t i, watched = 0;
	json_t *t;

	/* targets[] also lists the load's targets: those no agent watched have
	 * no memory to show */
	json_array_foreach(targets, i, t)
		watched += !json_is_false(json_object_get(t, "watched"));
	fputs("<h2>Memory</h2>\n", f);
	if (watched == 0) {
		fputs("<p class=\"none\">No memory telemetry in this run.</p>\n", f);
		return;
	}
	fputs("<p class=\"note\">leak: the metric's floor grows with a significant trend; "
	      "suspect: it grows, but not beyond doubt; insufficient: too few samples "
	      "after warm-up.</p>\n",
	      f);
	json_array_foreach(targets, i, t)
	{
		if (json_is_false(json_object_get(t, "watched")))
			continue;
		fputs("<section class=\"target\">\n<h3>", f);
		html_text(f, string(t, "name"));
		fputs(" ", f);
		html_verdict_badge(f, string(t, "verdict"));
		fputs("</h3>\n", f);
		fputs("<div class=\"cols\">\n", f);
		growth_chart(f, t);
		html_floor_chart(f, t, deciding_metric_obj(t));
		fputs("</div>\n", f);
		metrics_table(f, json_object_get(t, "metrics"));
		profiles_list(f, json_object_get(t, "profiles"));
		fputs("</section>\n", f);
	}
}
