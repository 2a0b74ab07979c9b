/* SPDX-License-Identifier: BSD-3-Clause */
/* report.html: page layout, phase tables and memory section (html.h). */
#include "html.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html-priv.h"
#include "out-file.h"

/* no '<' or '>' in here: the tests' tag checker reads the whole page */
static const char css[] =
	"body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:960px}\n"
	"table{border-collapse:collapse;margin:.5em 0}\n"
	"th,td{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"tr.group th{background:#f3f3f3}\n"
	"td.bad{color:#b00;font-weight:bold}\n"
	"table.summary th{background:#f3f3f3}table.summary td,table.summary "
	"th{white-space:nowrap;padding:2px 6px}\n"
	".verdict{padding:1px 8px;border-radius:4px;color:#fff;background:#777}\n"
	".v-pass,.v-ok{background:#2a8a3a}.v-fail,.v-leak{background:#c0302a}\n"
	".v-suspect{background:#d08a00}.v-insufficient{background:#777}\n"
	".cols{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}\n"
	"details{margin:.3em 0}summary{cursor:pointer}\n"
	"ul.fail li{color:#b00}\n"
	".note,.none{color:#666}\n"
	"figure{margin:1em 0}figcaption{font-weight:600}\n"
	"p.legend{margin:0 0 0 70px;font-size:13px}\n"
	".key{display:inline-block;width:18px;height:4px;margin:0 4px 3px 10px}\n"
	"svg text{font-size:11px;fill:#444}\n"
	"svg .grid{stroke:#e4e4e4}\n"
	"svg .band-0{fill:#f4f6fa}svg .band-1{fill:#e6ebf4}\n"
	"svg .step-tick{stroke:#8a96ad}\n"
	"svg polyline{fill:none;stroke-width:1.5}\n"
	"svg .rps,svg .p50,svg "
	".conns{stroke:#2a6fdb}.rps-key,.p50-key,.conns-key{background:#2a6fdb}\n"
	"svg .requested{stroke:#555;stroke-dasharray:5 4}.requested-key{background:#555}\n"
	"svg .p99{stroke:#d08a00}.p99-key{background:#d08a00}\n"
	"svg .p999{stroke:#c0302a}.p999-key{background:#c0302a}\n"
	"svg .err-connect{stroke:#c0302a}.err-connect-key{background:#c0302a}\n"
	"svg .err-timeout{stroke:#d08a00}.err-timeout-key{background:#d08a00}\n"
	"svg .err-reset{stroke:#7b3fb5}.err-reset-key{background:#7b3fb5}\n"
	"svg .err-parse{stroke:#2a8a8a}.err-parse-key{background:#2a8a8a}\n"
	"svg .err-validation{stroke:#8a5a2a}.err-validation-key{background:#8a5a2a}\n"
	"svg .retrans{stroke:#7b3fb5}.retrans-key{background:#7b3fb5}\n"
	"svg .m-ok{fill:#2a8a3a}svg .m-leak{fill:#c0302a}svg .m-suspect{fill:#d08a00}\n"
	"svg .m-insufficient,svg .m-other{fill:#999}\n"
	"svg .bar{fill:#7aa7e8}\n"
	"svg .floor{stroke:#2a6fdb}svg .floor-point,svg .floor-forced{fill:#2a6fdb}"
	".floor-key{background:#2a6fdb}\n"
	"svg .idle-floor{stroke:#555;stroke-dasharray:5 4}.idle-key{background:#555}\n";

static const char *string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A verdict as a coloured badge; the class comes from a fixed list. */
void html_verdict_badge(FILE *f, const char *v)
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
	html_verdict_badge(f, string(r, "verdict"));
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

static double number(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* errors / (responses + errors): the share of attempts that went wrong */
static double error_ratio(const json_t *ph)
{
	static const char *const kinds[] = {"connect", "timeout", "reset", "parse", "validation"};
	static const char *const classes[] = {"2xx", "3xx", "4xx", "5xx"};
	double errs = 0, resp = 0;

	for (size_t i = 0; i < 5; i++)
		errs += fmax(0, number(json_object_get(ph, "errors"), kinds[i]));
	for (size_t i = 0; i < 4; i++)
		resp += fmax(0, number(json_object_get(ph, "responses"), classes[i]));
	return errs + resp > 0 ? errs / (errs + resp) : NAN;
}

/* Worst verdict of any target in the phase called name: leak, suspect,
 * insufficient, ok; NULL when no target judged it. */
static const char *memory_verdict(const json_t *targets, const char *name)
{
	static const char *const rank[] = {"ok", "insufficient", "suspect", "leak"};
	int worst = -1;
	size_t i, j;
	json_t *t, *ph;

	json_array_foreach(targets, i, t) json_array_foreach(json_object_get(t, "phases"), j, ph)
	{
		const char *n = string(ph, "name"), *v = string(ph, "verdict");

		for (int k = 0; name && n && v && strcmp(n, name) == 0 && k < 4; k++)
			if (strcmp(v, rank[k]) == 0 && k > worst)
				worst = k;
	}
	return worst < 0 ? NULL : rank[worst];
}

static void cell(FILE *f, double v, int decimals)
{
	fputs("<td class=\"n\">", f);
	html_number(f, v, decimals);
	fputs("</td>", f);
}

static void summary_row(FILE *f, const json_t *ph, const json_t *targets)
{
	const json_t *lat = json_object_get(ph, "latency_us");
	const json_t *fails = json_object_get(ph, "expect_failures");
	const char *mem = memory_verdict(targets, string(ph, "name"));
	double ratio = error_ratio(ph);

	fputs("<tr><td>", f);
	html_text(f, string(ph, "name"));
	fputs("</td>", f);
	cell(f, number(ph, "end") - number(ph, "start"), 1);
	cell(f, number(ph, "rps"), 0);
	cell(f, number(ph, "requested_rate") > 0 ? number(ph, "requested_rate") : NAN, 0);
	fprintf(f, "<td class=\"n%s\">", ratio > 0 ? " bad" : "");
	html_number(f, ratio * 100, 2);
	fputs(isfinite(ratio) ? " %</td>" : "</td>", f);
	cell(f, number(lat, "p50"), 0);
	cell(f, number(lat, "p99"), 0);
	cell(f, number(lat, "p999"), 0);
	fputs("<td>", f);
	if (json_is_array(fails))
		html_verdict_badge(f, json_array_size(fails) == 0 ? "pass" : "fail");
	fputs("</td><td>", f);
	if (mem != NULL)
		html_verdict_badge(f, mem);
	fputs("</td></tr>\n", f);
}

/* One row per phase: what a reader compares first. */
static void summary_table(FILE *f, const json_t *r)
{
	const json_t *phases = json_object_get(r, "phases");
	size_t i;
	json_t *ph;

	if (json_array_size(phases) == 0)
		return;
	fputs("<table class=\"summary\">\n<tr><th>phase</th><th>seconds</th>"
	      "<th>responses/s</th><th>requested/s</th><th>errors</th><th>p50 µs</th>"
	      "<th>p99 µs</th><th>p99.9 µs</th><th>gate</th><th>memory</th></tr>\n",
	      f);
	json_array_foreach(phases, i, ph) summary_row(f, ph, json_object_get(r, "targets"));
	fputs("</table>\n", f);
}

static void phase_fold_title(FILE *f, const json_t *ph)
{
	fputs("<summary>", f);
	html_text(f, string(ph, "name"));
	fputs(": ", f);
	html_number(f, number(ph, "rps"), 0);
	fputs(" responses/s, p99 ", f);
	html_number(f, number(json_object_get(ph, "latency_us"), "p99"), 0);
	fputs(" µs</summary>\n", f);
}

static void phases_section(FILE *f, const json_t *phases)
{
	double scale = largest_latency(phases);
	size_t i;
	json_t *ph;

	fputs("<h2>Phases in detail</h2>\n", f);
	if (json_array_size(phases) == 0)
		fputs("<p class=\"none\">No phases in this report.</p>\n", f);
	json_array_foreach(phases, i, ph)
	{
		fputs("<details class=\"phase\">\n", f);
		phase_fold_title(f, ph);
		fputs("<div class=\"cols\">\n", f);
		phase_table(f, ph);
		fputs("<div>\n<p class=\"note\">Latency percentiles (log scale)</p>\n", f);
		html_latency_bars(f, json_object_get(ph, "latency_us"), scale);
		fputs("</div>\n</div>\n", f);
		expect_failures(f, json_object_get(ph, "expect_failures"));
		fputs("</details>\n", f);
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
	summary_table(f, r);
	fputs("<h2>Over time</h2>\n", f);
	html_series_charts(f, phases, s);
	html_targets_section(f, json_object_get(r, "targets"));
	phases_section(f, phases);
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
