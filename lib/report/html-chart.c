/* SPDX-License-Identifier: BSD-3-Clause */
/* Inline SVG charts of report.html: series over time and latency bars. */
#include <math.h>
#include <stdio.h>

#include "html-priv.h"

/* chart geometry, in SVG user units */
#define CHART_W 900
#define CHART_H 200
#define PAD_LEFT 70
#define PAD_RIGHT 20
#define PAD_TOP 22
#define PAD_BOTTOM 24
#define PLOT_W (CHART_W - PAD_LEFT - PAD_RIGHT)
#define PLOT_H (CHART_H - PAD_TOP - PAD_BOTTOM)

#define BARS_W 520
#define BAR_H 16
#define BAR_GAP 4
#define BAR_LABEL_W 60
#define BAR_MAX_W 340

struct chart_data {
	const struct series *s;
	const json_t *phases;
};

struct line_def {
	const char *cls;   /* CSS class: stroke colour, and what tests look for */
	const char *label; /* legend */
	double (*value)(const struct chart_data *d, size_t i);
};

struct chart_def {
	const char *id; /* the figure's id */
	const char *title;
	const struct line_def *lines;
	size_t n_lines;
	bool log_y; /* decades: p50 and p99.9 a hundred times apart both readable */
};

static uint64_t responses_of(const struct series_point *p)
{
	uint64_t n = 0;

	for (int c = 0; c < SERIES_N_CLASSES; c++)
		n += p->responses[c];
	return n;
}

/* per second of the point's span; NAN for a span of no time */
static double per_second(const struct chart_data *d, size_t i, uint64_t n)
{
	double secs = series_point_seconds(d->s, i);

	return secs > 0 ? (double)n / secs : NAN;
}

#define PT(d, i) series_at((d)->s, (i))

static double rps_at(const struct chart_data *d, size_t i)
{
	return per_second(d, i, responses_of(PT(d, i)));
}

/* the phase's requested rate (open loop and connection rate); NAN otherwise */
static double requested_at(const struct chart_data *d, size_t i)
{
	const json_t *ph = json_array_get(d->phases, PT(d, i)->phase);
	double r = json_number_value(json_object_get(ph, "requested_rate"));

	return r > 0 ? r : NAN;
}

static double connect_at(const struct chart_data *d, size_t i)
{
	return per_second(d, i, PT(d, i)->err_connect);
}
static double timeout_at(const struct chart_data *d, size_t i)
{
	return per_second(d, i, PT(d, i)->err_timeout);
}
static double reset_at(const struct chart_data *d, size_t i)
{
	return per_second(d, i, PT(d, i)->err_reset);
}
static double parse_at(const struct chart_data *d, size_t i)
{
	return per_second(d, i, PT(d, i)->err_parse);
}
static double validation_at(const struct chart_data *d, size_t i)
{
	return per_second(d, i, PT(d, i)->err_validation);
}
static double retrans_at(const struct chart_data *d, size_t i)
{
	return per_second(d, i, PT(d, i)->retrans);
}
static double conns_at(const struct chart_data *d, size_t i)
{
	return PT(d, i)->open_conns;
}
static double p50_at(const struct chart_data *d, size_t i)
{
	return PT(d, i)->p50_us;
}
static double p99_at(const struct chart_data *d, size_t i)
{
	return PT(d, i)->p99_us;
}
static double p999_at(const struct chart_data *d, size_t i)
{
	return PT(d, i)->p999_us;
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

/* the y range: [0, nice max] linear, or whole decades around the values */
struct y_axis {
	bool log;
	double lo, hi; /* values, or log10 of values */
};

static double y_of(const struct y_axis *y, double v)
{
	double u = y->log ? log10(v) : v;

	return PAD_TOP + PLOT_H - (u - y->lo) / (y->hi - y->lo) * PLOT_H;
}

static bool plottable(const struct y_axis *y, double v)
{
	return isfinite(v) && (!y->log || v > 0);
}

static void value_range(const struct chart_data *d, const struct chart_def *c, double *lo,
			double *hi)
{
	*lo = INFINITY;
	*hi = 0;
	for (size_t l = 0; l < c->n_lines; l++)
		for (size_t i = 0; i < series_count(d->s); i++) {
			double v = c->lines[l].value(d, i);

			if (!isfinite(v) || (c->log_y && v <= 0))
				continue;
			*lo = fmin(*lo, v);
			*hi = fmax(*hi, v);
		}
}

static struct y_axis y_axis_of(const struct chart_data *d, const struct chart_def *c)
{
	double lo, hi;

	value_range(d, c, &lo, &hi);
	if (!c->log_y)
		return (struct y_axis){false, 0, nice_max(hi)};
	if (!isfinite(lo))
		return (struct y_axis){true, 0, 1};
	double a = floor(log10(lo)), b = ceil(log10(hi));
	return (struct y_axis){true, a, b > a ? b : a + 1};
}

static void y_label(FILE *f, const struct y_axis *y, double u)
{
	if (y->log)
		html_number(f, pow(10, u), u < 0 ? 2 : 0);
	else
		html_number(f, u, u < 10 && u != floor(u) ? 1 : 0);
}

static void axes(FILE *f, const struct html_plot *pl, const struct y_axis *y)
{
	int steps = y->log ? (int)(y->hi - y->lo) : 2;

	for (int k = 0; k <= steps; k++) {
		double u = y->lo + (y->hi - y->lo) * k / steps;
		double yy = y_of(y, y->log ? pow(10, u) : u);

		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n",
			PAD_LEFT, yy, PAD_LEFT + PLOT_W, yy);
		fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
			PAD_LEFT - 6, yy + 4);
		y_label(f, y, u);
		fputs("</text>\n", f);
	}
	for (int k = 0; k <= 4; k++) {
		/* the last label ends at the plot's edge, not past it */
		fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">",
			html_plot_x(pl, pl->t_end * k / 4), CHART_H - 6,
			k == 4	 ? "end"
			: k == 0 ? "start"
				 : "middle");
		html_duration(f, pl->t_end * k / 4);
		fputs("</text>\n", f);
	}
}

static void polyline(FILE *f, const struct chart_data *d, const struct line_def *l,
		     const struct html_plot *pl, const struct y_axis *y)
{
	const char *sep = "";

	fprintf(f, "<polyline class=\"%s\" points=\"", l->cls);
	for (size_t i = 0; i < series_count(d->s); i++) {
		double v = l->value(d, i);

		if (!plottable(y, v))
			continue; /* unknown: the line goes straight to the next known point */
		fprintf(f, "%s%.1f,%.1f", sep, html_plot_x(pl, PT(d, i)->t), y_of(y, v));
		sep = " ";
	}
	fputs("\"/>\n", f);
}

/* The legend as HTML under the chart: it never covers a line. */
static void legend(FILE *f, const struct line_def *lines, size_t n_lines)
{
	fputs("<p class=\"legend\">", f);
	for (size_t l = 0; l < n_lines; l++) {
		fprintf(f, "<span class=\"key %s-key\"></span>", lines[l].cls);
		html_text(f, lines[l].label);
		fputs(" ", f);
	}
	fputs("</p>\n", f);
}

static void chart(FILE *f, const struct chart_data *d, const struct chart_def *c)
{
	struct html_plot pl = {PAD_LEFT, PAD_TOP, PLOT_W, PLOT_H,
			       series_at(d->s, series_count(d->s) - 1)->t};
	struct y_axis y = y_axis_of(d, c);

	if (!(pl.t_end > 0))
		pl.t_end = 1;
	fprintf(f, "<figure class=\"chart\" id=\"%s\">\n<figcaption>", c->id);
	html_text(f, c->title);
	fprintf(f,
		"</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n",
		CHART_W, CHART_H, CHART_W, CHART_H);
	html_phase_bands(f, &pl, d->phases, d->s);
	axes(f, &pl, &y);
	for (size_t l = 0; l < c->n_lines; l++)
		polyline(f, d, &c->lines[l], &pl, &y);
	fputs("</svg>\n", f);
	legend(f, c->lines, c->n_lines);
	fputs("</figure>\n", f);
}

static bool any_value(const struct chart_data *d, const struct line_def *lines, size_t n)
{
	for (size_t l = 0; l < n; l++)
		for (size_t i = 0; i < series_count(d->s); i++)
			if (isfinite(lines[l].value(d, i)))
				return true;
	return false;
}

void html_series_charts(FILE *f, const json_t *phases, const struct series *s)
{
	static const struct line_def rps[] = {{"rps", "responses/s", rps_at},
					      {"requested", "requested/s", requested_at}};
	static const struct line_def latency[] = {
		{"p50", "p50", p50_at}, {"p99", "p99", p99_at}, {"p999", "p99.9", p999_at}};
	static const struct line_def errors[] = {{"err-connect", "connect", connect_at},
						 {"err-timeout", "timeout", timeout_at},
						 {"err-reset", "reset", reset_at},
						 {"err-parse", "parse", parse_at},
						 {"err-validation", "validation", validation_at}};
	static const struct line_def conns[] = {{"conns", "open connections", conns_at}};
	static const struct line_def retrans[] = {{"retrans", "retransmissions/s", retrans_at}};
	struct chart_data d = {s, phases};

	if (s == NULL || series_count(s) == 0) {
		fputs("<p class=\"none\">No time series was recorded.</p>\n", f);
		return;
	}
	fprintf(f, "<p class=\"note\">%zu points, one per ", series_count(s));
	html_duration(f, series_interval(s));
	fputs(" (the series halves its resolution as the run grows). Shaded bands are the "
	      "phases; a steps ramp is one band with a tick at each level.</p>\n",
	      f);
	chart(f, &d, &(struct chart_def){"chart-rps", "Responses per second", rps, 2, false});
	if (any_value(&d, latency, 3))
		chart(f, &d,
		      &(struct chart_def){"chart-latency",
					  "Latency per interval, microseconds (log scale)", latency,
					  3, true});
	chart(f, &d,
	      &(struct chart_def){"chart-errors", "Errors per second, by kind", errors, 5, false});
	chart(f, &d, &(struct chart_def){"chart-conns", "Open connections", conns, 1, false});
	chart(f, &d,
	      &(struct chart_def){"chart-retrans", "TCP retransmissions per second", retrans, 1,
				  false});
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
