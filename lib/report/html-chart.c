/* SPDX-License-Identifier: BSD-3-Clause */
/* Inline SVG charts of report.html: series over time and latency bars. */
#include <math.h>
#include <stdio.h>

#include "report/html-priv.h"

/* chart geometry, in SVG user units */
#define CHART_W 800
#define CHART_H 220
#define PAD_LEFT 70
#define PAD_RIGHT 20
#define PAD_TOP 18
#define PAD_BOTTOM 28
#define PLOT_W (CHART_W - PAD_LEFT - PAD_RIGHT)
#define PLOT_H (CHART_H - PAD_TOP - PAD_BOTTOM)

#define BARS_W 520
#define BAR_H 16
#define BAR_GAP 4
#define BAR_LABEL_W 60
#define BAR_MAX_W 340

struct line_def {
	const char *cls;   /* CSS class: stroke colour, and what tests look for */
	const char *label; /* legend */
	double (*value)(const struct series *s, size_t i);
};

static uint64_t responses_of(const struct series_point *p)
{
	uint64_t n = 0;

	for (int c = 0; c < SERIES_N_CLASSES; c++)
		n += p->responses[c];
	return n;
}

static uint64_t errors_of(const struct series_point *p)
{
	return p->err_connect + p->err_timeout + p->err_reset + p->err_parse + p->err_validation;
}

/* per second of the point's span; NAN for a span of no time */
static double per_second(const struct series *s, size_t i, uint64_t n)
{
	double secs = series_point_seconds(s, i);

	return secs > 0 ? (double)n / secs : NAN;
}

static double rps_at(const struct series *s, size_t i)
{
	return per_second(s, i, responses_of(series_at(s, i)));
}

static double errors_at(const struct series *s, size_t i)
{
	return per_second(s, i, errors_of(series_at(s, i)));
}

static double p50_at(const struct series *s, size_t i)
{
	return series_at(s, i)->p50_us;
}

static double p99_at(const struct series *s, size_t i)
{
	return series_at(s, i)->p99_us;
}

/* The axis end: the next 1, 2 or 5 times a power of ten at or above v. */
static double nice_max(double v)
{
	if (!(v > 0))
		return 1;
	double e = pow(10, floor(log10(v)));
	double m = v / e;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * e;
}

static double x_of(double t, double t_end)
{
	return PAD_LEFT + t / t_end * PLOT_W;
}

static double y_of(double v, double y_end)
{
	return PAD_TOP + PLOT_H - v / y_end * PLOT_H;
}

static double largest(const struct series *s, const struct line_def *lines, size_t n_lines)
{
	double m = 0;

	for (size_t l = 0; l < n_lines; l++)
		for (size_t i = 0; i < series_count(s); i++) {
			double v = lines[l].value(s, i);
			if (isfinite(v) && v > m)
				m = v;
		}
	return m;
}

static void axes(FILE *f, double t_end, double y_end)
{
	for (int k = 0; k <= 2; k++) {
		double v = y_end * k / 2;
		double y = y_of(v, y_end);

		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n",
			PAD_LEFT, y, PAD_LEFT + PLOT_W, y);
		fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
			PAD_LEFT - 6, y + 4);
		html_number(f, v, v < 10 && v != floor(v) ? 1 : 0);
		fputs("</text>\n", f);
		/* the last label ends at the plot's edge, not past it */
		fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">",
			x_of(t_end * k / 2, t_end), CHART_H - 8, k == 2 ? "end" : "middle");
		html_duration(f, t_end * k / 2);
		fputs("</text>\n", f);
	}
}

static void phase_name(FILE *f, const json_t *phases, uint32_t idx)
{
	const char *name = json_string_value(json_object_get(json_array_get(phases, idx), "name"));

	if (name != NULL)
		html_text(f, name);
	else
		fprintf(f, "phase %u", idx);
}

/* A dashed line where each phase of the series starts, with its name. */
static void phase_marks(FILE *f, const json_t *phases, const struct series *s, double t_end)
{
	for (size_t i = 0; i < series_count(s); i++) {
		const struct series_point *p = series_at(s, i);

		if (i > 0 && p->phase == series_at(s, i - 1)->phase)
			continue;
		double x = x_of(i > 0 ? series_at(s, i - 1)->t : 0, t_end);
		fprintf(f,
			"<line class=\"phase-mark\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
			"y2=\"%d\"/>\n",
			x, PAD_TOP, x, PAD_TOP + PLOT_H);
		fprintf(f, "<text class=\"phase-name\" x=\"%.1f\" y=\"%d\">", x + 3, PAD_TOP - 5);
		phase_name(f, phases, p->phase);
		fputs("</text>\n", f);
	}
}

static void polyline(FILE *f, const struct series *s, const struct line_def *l, double t_end,
		     double y_end)
{
	const char *sep = "";

	fprintf(f, "<polyline class=\"%s\" points=\"", l->cls);
	for (size_t i = 0; i < series_count(s); i++) {
		double v = l->value(s, i);

		if (!isfinite(v))
			continue; /* unknown: the line goes straight to the next known point */
		fprintf(f, "%s%.1f,%.1f", sep, x_of(series_at(s, i)->t, t_end), y_of(v, y_end));
		sep = " ";
	}
	fputs("\"/>\n", f);
}

static void legend(FILE *f, const struct line_def *lines, size_t n_lines)
{
	for (size_t l = 0; l < n_lines; l++) {
		fprintf(f, "<text class=\"legend %s-key\" x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			lines[l].cls, CHART_W - PAD_RIGHT, PAD_TOP + 14 + 14 * (int)l);
		html_text(f, lines[l].label);
		fputs("</text>\n", f);
	}
}

static void chart(FILE *f, const char *title, const json_t *phases, const struct series *s,
		  const struct line_def *lines, size_t n_lines)
{
	double t_end = series_at(s, series_count(s) - 1)->t;
	double y_end = nice_max(largest(s, lines, n_lines));

	if (!(t_end > 0))
		t_end = 1;
	fputs("<figure>\n<figcaption>", f);
	html_text(f, title);
	fprintf(f,
		"</figcaption>\n<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n",
		CHART_W, CHART_H, CHART_W, CHART_H);
	axes(f, t_end, y_end);
	phase_marks(f, phases, s, t_end);
	for (size_t l = 0; l < n_lines; l++)
		polyline(f, s, &lines[l], t_end, y_end);
	legend(f, lines, n_lines);
	fputs("</svg>\n</figure>\n", f);
}

static bool any_latency(const struct series *s)
{
	for (size_t i = 0; i < series_count(s); i++)
		if (isfinite(p50_at(s, i)) || isfinite(p99_at(s, i)))
			return true;
	return false;
}

void html_series_charts(FILE *f, const json_t *phases, const struct series *s)
{
	static const struct line_def rps[] = {{"rps", "responses/s", rps_at}};
	static const struct line_def errors[] = {{"errors", "errors/s", errors_at}};
	static const struct line_def latency[] = {{"p50", "p50 µs", p50_at},
						  {"p99", "p99 µs", p99_at}};

	if (s == NULL || series_count(s) == 0) {
		fputs("<p class=\"none\">No time series was recorded.</p>\n", f);
		return;
	}
	fprintf(f, "<p class=\"note\">%zu points, one per ", series_count(s));
	html_duration(f, series_interval(s));
	fputs(" (the series halves its resolution as the run grows).</p>\n", f);
	chart(f, "Responses per second", phases, s, rps, 1);
	chart(f, "Errors per second (connect, timeout, reset, parse, validation)", phases, s,
	      errors, 1);
	if (any_latency(s))
		chart(f, "Latency per interval, microseconds", phases, s, latency, 2);
}

void html_latency_bars(FILE *f, const json_t *latency, double scale_us)
{
	static const char *const keys[] = {"p50", "p90", "p99", "p999", "max"};
	static const char *const labels[] = {"p50", "p90", "p99", "p99.9", "max"};
	const int n = 5;

	if (!json_is_number(json_object_get(latency, "max"))) {
		fputs("<p class=\"none\">No responses, so no latency.</p>\n", f);
		return;
	}
	fprintf(f,
		"<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" height=\"%d\">\n",
		BARS_W, n * (BAR_H + BAR_GAP), BARS_W, n * (BAR_H + BAR_GAP));
	for (int k = 0; k < n; k++) {
		const json_t *v = json_object_get(latency, keys[k]);
		double us = json_is_number(v) ? json_number_value(v) : 0;
		double frac = scale_us > 0 ? log10(1 + us) / log10(1 + scale_us) : 0;
		int y = k * (BAR_H + BAR_GAP);
		double w = fmax(1, fmin(1, frac) * BAR_MAX_W);

		fprintf(f, "<text class=\"axis\" x=\"0\" y=\"%d\">%s</text>\n", y + BAR_H - 4,
			labels[k]);
		fprintf(f, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n",
			BAR_LABEL_W, y, w, BAR_H);
		fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%d\">", BAR_LABEL_W + w + 6,
			y + BAR_H - 4);
		html_json_number(f, v, 0);
		fputs(" µs</text>\n", f);
	}
	fputs("</svg>\n", f);
}
