/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The floor of a target's judged metric over time in report.html: the
 * points the leak detector judged (report.json metrics[].floor_points_tv,
 * [t, value, forced]) over the target's phase bands, with the idle floor
 * as a dashed line and the verdict in the caption, so where a floor started
 * to climb is seen, not read. Forced-GC checkpoints are drawn larger: they
 * are exact live heap, the others are block minima or post-GC estimates.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html-priv.h"

#define FLOOR_W 900
#define FLOOR_H 200
#define FLOOR_LEFT 80
#define FLOOR_TOP 10
#define FLOOR_PLOT_W 800
#define FLOOR_PLOT_H 160

struct floor_frame {
	double t0, t1, v0, v1;
};

static const char *string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static double point_t(const json_t *p)
{
	return json_number_value(json_array_get(p, 0));
}

static double point_v(const json_t *p)
{
	return json_number_value(json_array_get(p, 1));
}

/* The time and value ranges: the points, the phases and the idle floor. */
static struct floor_frame frame_of(const json_t *points, const json_t *phases, double idle)
{
	struct floor_frame fr = {INFINITY, -INFINITY, INFINITY, -INFINITY};
	size_t i;
	json_t *p;

	json_array_foreach(points, i, p)
	{
		fr.t0 = fmin(fr.t0, point_t(p));
		fr.t1 = fmax(fr.t1, point_t(p));
		fr.v0 = fmin(fr.v0, point_v(p));
		fr.v1 = fmax(fr.v1, point_v(p));
	}
	json_array_foreach(phases, i, p)
	{
		fr.t0 = fmin(fr.t0, json_number_value(json_object_get(p, "start")));
		fr.t1 = fmax(fr.t1, json_number_value(json_object_get(p, "end")));
	}
	if (isfinite(idle)) {
		fr.v0 = fmin(fr.v0, idle);
		fr.v1 = fmax(fr.v1, idle);
	}
	if (!(fr.t1 > fr.t0))
		fr.t1 = fr.t0 + 1; /* one instant: still a chart */
	if (!(fr.v1 > fr.v0)) {
		fr.v0 -= 1;
		fr.v1 += 1;
	}
	return fr;
}

static double x_of(const struct floor_frame *fr, double t)
{
	return FLOOR_LEFT + (t - fr->t0) / (fr->t1 - fr->t0) * FLOOR_PLOT_W;
}

static double y_of(const struct floor_frame *fr, double v)
{
	return FLOOR_TOP + FLOOR_PLOT_H - (v - fr->v0) / (fr->v1 - fr->v0) * FLOOR_PLOT_H;
}

/* One shaded band per phase, its name and verdict as a tooltip: the bars
 * beside the chart carry the names, 19 labels would not fit here. */
static void phase_bands(FILE *f, const struct floor_frame *fr, const json_t *phases)
{
	size_t i;
	json_t *ph;

	json_array_foreach(phases, i, ph)
	{
		double a = x_of(fr, json_number_value(json_object_get(ph, "start")));
		double b = x_of(fr, json_number_value(json_object_get(ph, "end")));

		if (!isfinite(a) || !isfinite(b) || b < a)
			continue;
		fprintf(f,
			"<g class=\"band\"><rect class=\"band-%zu\" x=\"%.1f\" y=\"%d\" "
			"width=\"%.1f\" height=\"%d\"><title>",
			i % 2, a, FLOOR_TOP, b - a, FLOOR_PLOT_H);
		html_text(f, string(ph, "name"));
		fputs(": ", f);
		html_text(f, string(ph, "verdict"));
		fputs("</title></rect></g>\n", f);
	}
}

static void value_axis(FILE *f, const struct floor_frame *fr)
{
	for (int k = 0; k <= 2; k++) {
		double v = fr->v0 + (fr->v1 - fr->v0) * k / 2;
		double y = y_of(fr, v);

		fprintf(f, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
			FLOOR_LEFT, FLOOR_LEFT + FLOOR_PLOT_W, y, y);
		fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
			FLOOR_LEFT - 6, y + 4);
		html_number(f, v, 0);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%d\">", FLOOR_LEFT, FLOOR_H - 6);
	html_duration(f, 0);
	fprintf(f, "</text><text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		FLOOR_LEFT + FLOOR_PLOT_W, FLOOR_H - 6);
	html_duration(f, fr->t1 - fr->t0);
	fputs("</text>\n", f);
}

static void floor_line(FILE *f, const struct floor_frame *fr, const json_t *points)
{
	size_t i;
	json_t *p;

	fputs("<polyline class=\"floor\" points=\"", f);
	json_array_foreach(points, i, p)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", x_of(fr, point_t(p)), y_of(fr, point_v(p)));
	fputs("\"/>\n", f);
	json_array_foreach(points, i, p)
	{
		bool forced = json_is_true(json_array_get(p, 2));

		fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\"/>\n",
			forced ? "floor-forced" : "floor-point", x_of(fr, point_t(p)),
			y_of(fr, point_v(p)), forced ? 4 : 2);
	}
}

static void idle_line(FILE *f, const struct floor_frame *fr, double idle)
{
	if (!isfinite(idle))
		return;
	fprintf(f,
		"<line class=\"idle-floor\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\">"
		"<title>idle floor</title></line>\n",
		FLOOR_LEFT, FLOOR_LEFT + FLOOR_PLOT_W, y_of(fr, idle), y_of(fr, idle));
}

void html_floor_chart(FILE *f, const json_t *target, const json_t *metric)
{
	const json_t *points = json_object_get(metric, "floor_points_tv");
	const json_t *phases = json_object_get(target, "phases");
	const json_t *idle_j = json_object_get(metric, "idle_floor");
	double idle = json_is_number(idle_j) ? json_number_value(idle_j) : NAN;
	struct floor_frame fr;

	if (json_array_size(points) == 0)
		return;
	fr = frame_of(points, phases, idle);
	fputs("<figure class=\"floorchart\">\n<figcaption>Floor of ", f);
	html_text(f, string(metric, "name"));
	fputs(" over time ", f);
	html_verdict_badge(f, string(metric, "verdict"));
	fputs("</figcaption>\n", f);
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\">\n",
		FLOOR_W, FLOOR_H, FLOOR_W, FLOOR_H);
	phase_bands(f, &fr, phases);
	value_axis(f, &fr);
	idle_line(f, &fr, idle);
	floor_line(f, &fr, points);
	fputs("</svg>\n<p class=\"legend\"><span class=\"key floor-key\"></span>floor point "
	      "(large: forced-GC checkpoint)<span class=\"key idle-key\"></span>idle floor</p>\n"
	      "</figure>\n",
	      f);
}
