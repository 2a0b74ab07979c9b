/* SPDX-License-Identifier: BSD-3-Clause */
/* report.html: page layout, phase tables and memory section (html.h). */
#include "report/html.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/html-priv.h"
#include "report/out-file.h"

/* no '<' or '>' in here: the tests' tag checker reads the whole page */
static const char css[] =
	"body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}\n"
	"table{border-collapse:collapse;margin:.5em 0}\n"
	"th,td{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"tr.group th{background:#f3f3f3}\n"
	"td.bad{color:#b00;font-weight:bold}\n"
	".verdict{padding:1px 8px;border-radius:4px;color:#fff;background:#777}\n"
	".v-pass,.v-ok{background:#2a8a3a}.v-fail,.v-leak{background:#c0302a}\n"
	".v-suspect{background:#d08a00}.v-insufficient{background:#777}\n"
	".cols{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}\n"
	"ul.fail li{color:#b00}\n"
	".note,.none{color:#666}\n"
	"svg text{font-size:11px;fill:#444}\n"
	"svg .grid{stroke:#e4e4e4}\n"
	"svg .phase-mark{stroke:#999;stroke-dasharray:4 3}\n"
	"svg polyline{fill:none;stroke-width:1.5}\n"
	"svg .rps{stroke:#2a6fdb}svg .errors{stroke:#c0302a}\n"
	"svg .p50{stroke:#2a6fdb}svg .p99{stroke:#d08a00}\n"
	"svg .rps-key,svg .p50-key{fill:#2a6fdb}svg .errors-key{fill:#c0302a}\n"
	"svg .p99-key{fill:#d08a00}\n"
	"svg .bar{fill:#7aa7e8}\n";

static const char *string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A verdict as a coloured badge; the class comes from a fixed list. */
static void verdict_badge(FILE *f, const char *v)
{
	static const char *const known[] = {"pass", "fail",    "ok",
					    "leak", "suspect", "insufficient"};
	const char *cls = "other";

	for (size_t i = 0; v != NULL && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(v, known[i]) == 0)
			cls = known[i];
	fprintf(f, "<span class=\"verdict v-%s\">", cls);
	html_text(f, v != NULL ? v : "unknown");
	fputs("</span>", f);
}

static void head(FILE *f, const json_t *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<title>drench report: ",
	      f);
	html_text(f, string(r, "verdict"));
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n", css);
}

/* ["what failed", ...] as a list; nothing when absent, a line when empty */
static void expect_failures(FILE *f, const json_t *failures)
{
	size_t i;
	json_t *v;

	if (!json_is_array(failures))
		return;
	if (json_array_size(failures) == 0) {
		fputs("<p class=\"note\">Expectations met.</p>\n", f);
		return;
	}
	fputs("<p>Expectations failed:</p>\n<ul class=\"fail\">\n", f);
	json_array_foreach(failures, i, v)
	{
		fputs("<li>", f);
		html_text(f, json_string_value(v));
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void summary(FILE *f, const json_t *r)
{
	fputs("<h1>drench report</h1>\n<p>Verdict: ", f);
	verdict_badge(f, string(r, "verdict"));
	fputs("</p>\n", f);
	if (json_is_true(json_object_get(r, "interrupted")))
		fputs("<p class=\"note\">Interrupted: the campaign did not run to its end.</p>\n",
		      f);
	expect_failures(f, json_object_get(r, "expect_failures"));
}

static void row(FILE *f, const char *label, const json_t *v, int decimals, bool bad_if_nonzero)
{
	bool bad = bad_if_nonzero && json_is_number(v) && json_number_value(v) != 0;

	fputs("<tr><th>", f);
	html_text(f, label);
	fprintf(f, "</th><td class=\"n%s\">", bad ? " bad" : "");
	html_json_number(f, v, decimals);
	fputs("</td></tr>\n", f);
}

static void group(FILE *f, const char *label)
{
	fputs("<tr class=\"group\"><th colspan=\"2\">", f);
	html_text(f, label);
	fputs("</th></tr>\n", f);
}

static void phase_table(FILE *f, const json_t *ph)
{
	static const char *const classes[] = {"2xx", "3xx", "4xx", "5xx"};
	static const char *const kinds[] = {"connect", "timeout", "reset", "parse", "validation"};
	static const char *const pct[] = {"p50", "p90", "p99", "p999", "max"};
	static const char *const pct_label[] = {"p50", "p90", "p99", "p99.9", "max"};
	const json_t *resp = json_object_get(ph, "responses");
	const json_t *errs = json_object_get(ph, "errors");
	const json_t *lat = json_object_get(ph, "latency_us");
	json_t *dur = NULL;

	if (json_is_number(json_object_get(ph, "start")) &&
	    json_is_number(json_object_get(ph, "end")))
		dur = json_real(json_number_value(json_object_get(ph, "end")) -
				json_number_value(json_object_get(ph, "start")));
	fputs("<table>\n", f);
	row(f, "duration (s)", dur, 1, false);
	json_decref(dur);
	row(f, "requests", json_object_get(ph, "requests"), 0, false);
	row(f, "responses per second", json_object_get(ph, "rps"), 1, false);
	group(f, "responses");
	for (size_t i = 0; i < 4; i++)
		row(f, classes[i], json_object_get(resp, classes[i]), 0, i >= 2);
	if (json_object_get(ph, "responses_other") != NULL)
		row(f, "other", json_object_get(ph, "responses_other"), 0, true);
	group(f, "errors");
	for (size_t i = 0; i < 5; i++)
		row(f, kinds[i], json_object_get(errs, kinds[i]), 0, true);
	group(f, "latency (µs)");
	for (size_t i = 0; i < 5; i++)
		row(f, pct_label[i], json_object_get(lat, pct[i]), 0, false);
	fputs("</table>\n", f);
}

static double largest_latency(const json_t *phases)
{
	double m = 0;
	size_t i;
	json_t *ph;

	json_array_foreach(phases, i, ph)
	{
		const json_t *v = json_object_get(json_object_get(ph, "latency_us"), "max");
		if (json_is_number(v) && json_number_value(v) > m)
			m = json_number_value(v);
	}
	return m;
}

static void phases_section(FILE *f, const json_t *phases)
{
	double scale = largest_latency(phases);
	size_t i;
	json_t *ph;

	fputs("<h2>Phases</h2>\n", f);
	if (json_array_size(phases) == 0)
		fputs("<p class=\"none\">No phases in this report.</p>\n", f);
	json_array_foreach(phases, i, ph)
	{
		fputs("<section class=\"phase\">\n<h3>", f);
		html_text(f, string(ph, "name"));
		fputs("</h3>\n<div class=\"cols\">\n", f);
		phase_table(f, ph);
		fputs("<div>\n<p class=\"note\">Latency percentiles (log scale)</p>\n", f);
		html_latency_bars(f, json_object_get(ph, "latency_us"), scale);
		fputs("</div>\n</div>\n", f);
		expect_failures(f, json_object_get(ph, "expect_failures"));
		fputs("</section>\n", f);
	}
}

static void metrics_table(FILE *f, const json_t *metrics)
{
	size_t i;
	json_t *m;

	if (json_array_size(metrics) == 0)
		return;
	fputs("<table>\n<tr><th>metric</th><th>verdict</th><th>slope per hour</th>"
	      "<th>bytes per request</th></tr>\n",
	      f);
	json_array_foreach(metrics, i, m)
	{
		fputs("<tr><td>", f);
		html_text(f, string(m, "name"));
		fputs("</td><td>", f);
		verdict_badge(f, string(m, "verdict"));
		fputs("</td><td class=\"n\">", f);
		html_json_number(f, json_object_get(m, "slope_per_hour"), 1);
		fputs("</td><td class=\"n\">", f);
		html_json_number(f, json_object_get(m, "bytes_per_request"), 1);
		fputs("</td></tr>\n", f);
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

static void targets_section(FILE *f, const json_t *targets)
{
	size_t i;
	json_t *t;

	fputs("<h2>Memory</h2>\n", f);
	if (json_array_size(targets) == 0) {
		fputs("<p class=\"none\">No memory telemetry in this run.</p>\n", f);
		return;
	}
	fputs("<p class=\"note\">leak: the metric's floor grows with a significant trend; "
	      "suspect: it grows, but not beyond doubt; insufficient: too few samples "
	      "after warm-up.</p>\n",
	      f);
	json_array_foreach(targets, i, t)
	{
		fputs("<section class=\"target\">\n<h3>", f);
		html_text(f, string(t, "name"));
		fputs(" ", f);
		verdict_badge(f, string(t, "verdict"));
		fputs("</h3>\n", f);
		metrics_table(f, json_object_get(t, "metrics"));
		profiles_list(f, json_object_get(t, "profiles"));
		fputs("</section>\n", f);
	}
}

int report_html_print(FILE *f, const json_t *r, const struct series *s)
{
	const json_t *phases = json_object_get(r, "phases");

	if (f == NULL || !json_is_object(r))
		return -EINVAL;
	head(f, r);
	fputs("<body>\n", f);
	summary(f, r);
	fputs("<h2>Over time</h2>\n", f);
	html_series_charts(f, phases, s);
	phases_section(f, phases);
	targets_section(f, json_object_get(r, "targets"));
	fputs("<p class=\"note\">Figures from report.json (schema ", f);
	html_json_number(f, json_object_get(r, "schema"), 0);
	fputs(").</p>\n</body>\n</html>\n", f);
	return ferror(f) ? -EIO : 0;
}

int report_html_write(const char *path, const json_t *report, const struct series *s)
{
	struct out_file o;
	int rc;

	if (path == NULL || !json_is_object(report))
		return -EINVAL;
	rc = out_file_open(&o, path);
	if (rc < 0)
		return rc;
	rc = report_html_print(o.f, report, s);
	if (rc < 0) {
		out_file_abort(&o);
		return rc;
	}
	return out_file_commit(&o);
}
