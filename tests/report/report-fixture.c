/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.html of a fixed report and series, for report-html-dom.sh: an
 * open-loop phase, then a 10-level steps ramp (19 phases with its pauses)
 * with a burst of timeouts, and a target that starts to leak in the ramp
 * (FLOOR_POINTS judged floor points, FLOOR_FORCED of them forced-GC
 * checkpoints, and an idle floor).
 * Usage: report-fixture OUT.html
 */
#include <math.h>
#include <stdio.h>

#include "html.h"
#include "report.h"
#include "series.h"

#define LEVELS 19
#define FLOOR_POINTS 42
#define FLOOR_FORCED 4 /* the forced ones: every 12th point from 0 */

static char names[LEVELS][32];

static void add_phases(json_t *r)
{
	struct report_phase open = {.name = "open-loop",
				    .start = 0,
				    .end = 20,
				    .requests = 40000,
				    .responses = {40000},
				    .rps = 2000,
				    .p50 = 180,
				    .p90 = 300,
				    .p99 = 900,
				    .p999 = 2000,
				    .max = 5000};
	json_t *o = report_add_phase(r, &open);

	json_object_set_new(o, "requested_rate", json_real(2000));
	json_object_set_new(o, "expect_failures", json_array());
	for (int i = 0; i < LEVELS; i++) {
		snprintf(names[i], sizeof(names[i]), i % 2 ? "step-%d-pause" : "step-%d",
			 (i / 2 + 1) * 10);
		struct report_phase ph = {.name = names[i],
					  .start = 20 + i * 10,
					  .end = 30 + i * 10,
					  .requests = 1000u * (i + 1),
					  .responses = {1000u * (i + 1)},
					  .rps = 100.0 * (i + 1),
					  .p50 = 200 + i * 10,
					  .p90 = 400,
					  .p99 = 800 + i * 100,
					  .p999 = 2000 + i * 300,
					  .max = 9000};
		o = report_add_phase(r, &ph);
		json_object_set_new(o, "step_of", json_string("step"));
		json_object_set_new(o, "expect_failures", json_array());
	}
}

static void add_points(struct series *s)
{
	for (int i = 1; i <= 210; i++) {
		int ph = i <= 20 ? 0 : 1 + (i - 21) / 10;

		ph = ph > LEVELS ? LEVELS : ph;
		struct series_point p = {.t = i,
					 .phase = (uint32_t)ph,
					 .requests = 2000,
					 .responses = {ph == 0 ? 2000u : 100u * (uint64_t)ph},
					 .err_timeout = i > 150 && i < 160 ? 5 : 0,
					 .retrans = i % 17 == 0 ? 3 : 0,
					 .open_conns =
						 ph == 0 ? 40u : (uint32_t)((ph + 1) / 2 * 10),
					 .p50_us = 180 + ph * 5 + (i * 7) % 20,
					 .p99_us = 800 + ph * 60 + (i * 13) % 200,
					 .p999_us = 2000 + ph * 200 + (i * 31) % 800};
		series_add(s, &p);
	}
}

/* Flat through the open-loop phase and the first steps, then climbing. */
static void add_floor_points(json_t *metric)
{
	json_t *pts = json_array();

	for (int k = 0; k < FLOOR_POINTS; k++) {
		double t = 5.0 * k;
		double v = 4e7 + (t > 120 ? (t - 120) * 2e5 : 0) + (k * 7919 % 13) * 1e4;

		json_array_append_new(pts, json_pack("[f, f, b]", t, v, k % 12 == 0));
	}
	json_object_set_new(metric, "floor_points_tv", pts);
	json_object_set_new(metric, "idle_floor", json_real(4.01e7));
}

static void add_target(json_t *r)
{
	static const struct report_metric m[] = {
		{"go_memstats_heap_inuse_bytes", "leak", 5e7, 412.5},
		{"go_goroutines", "ok", 0.5, NAN}};
	static const struct report_target tg = {"api", "leak", m, 2, NULL, 0};
	json_t *phases = json_array();

	for (int i = 0; i <= LEVELS; i++)
		json_array_append_new(phases,
				      json_pack("{ss ss sf sf s[{ss sf}]}", "name",
						i ? names[i - 1] : "open-loop", "verdict",
						i > 12	? "leak"
						: i > 9 ? "suspect"
							: "ok",
						"start", i ? 20.0 + (i - 1) * 10 : 0.0, "end",
						i ? 30.0 + (i - 1) * 10 : 20.0, "metrics", "name",
						"go_memstats_heap_inuse_bytes", "growth",
						i > 9 ? 1e5 * i : 1000.0 * (i % 3)));
	json_t *t = report_add_target(r, &tg);

	json_object_set_new(t, "phases", phases);
	add_floor_points(json_array_get(json_object_get(t, "metrics"), 0));
}

int main(int argc, char **argv)
{
	json_t *r = report_new();
	struct series *s = series_create(4096);
	int rc;

	if (argc != 2 || r == NULL || s == NULL)
		return 2;
	add_phases(r);
	add_points(s);
	add_target(r);
	report_set_verdict(r, false);
	rc = report_html_write(argv[1], r, s);
	series_free(s);
	json_decref(r);
	return rc < 0;
}
