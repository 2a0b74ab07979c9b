/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
/* clang-format on */

#include "html-priv.h"
#include "html.h"
#include "report.h"

#define MAX_DEPTH 64

/* A tiny checker for the markup we emit: every tag is closed in order (or
 * self-closed with "/>"), nothing but tags holds '<' or '>'. */
static bool balanced(const char *html, char *why, size_t why_len)
{
	const char *stack[MAX_DEPTH];
	size_t lens[MAX_DEPTH];
	int depth = 0;
	size_t opens = 0, closes = 0;

	for (const char *c = html; *c; c++)
		opens += *c == '<', closes += *c == '>';
	if (opens != closes) {
		snprintf(why, why_len, "%zu '<' but %zu '>'", opens, closes);
		return false;
	}
	for (const char *p = strchr(html, '<'); p != NULL; p = strchr(p, '<')) {
		const char *end = strchr(p, '>');

		if (p[1] == '!') { /* <!DOCTYPE html> */
			p = end + 1;
			continue;
		}
		bool closing = p[1] == '/';
		const char *name = p + 1 + closing;
		size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (n == 0 || end == NULL || memchr(p + 1, '<', (size_t)(end - p - 1)) != NULL) {
			snprintf(why, why_len, "bad tag at offset %td", p - html);
			return false;
		}
		if (closing) {
			if (depth == 0 || lens[depth - 1] != n ||
			    strncmp(stack[depth - 1], name, n)) {
				snprintf(why, why_len, "</%.*s> at offset %td closes nothing open",
					 (int)n, name, p - html);
				return false;
			}
			depth--;
		} else if (end[-1] != '/') {
			if (depth == MAX_DEPTH) {
				snprintf(why, why_len, "too deep");
				return false;
			}
			stack[depth] = name;
			lens[depth++] = n;
		}
		p = end + 1;
	}
	if (depth != 0) {
		snprintf(why, why_len, "<%.*s> never closed", (int)lens[depth - 1],
			 stack[depth - 1]);
		return false;
	}
	return true;
}

static void assert_balanced(const char *html)
{
	char why[128] = "";

	if (!balanced(html, why, sizeof(why)))
		fail_msg("not balanced: %s", why);
}

static void the_tag_checker_catches_broken_markup(void **state)
{
	(void)state;
	char why[128];

	assert_true(balanced("<!DOCTYPE html><p><b>x</b><br/></p>", why, sizeof(why)));
	assert_false(balanced("<p><b></p></b>", why, sizeof(why)));
	assert_false(balanced("<p>", why, sizeof(why)));
	assert_false(balanced("</p>", why, sizeof(why)));
	assert_false(balanced("<p>a > b</p>", why, sizeof(why)));
	assert_false(balanced("<p><script</p>", why, sizeof(why)));
}

static json_t *fixture_report(void)
{
	static const struct report_phase phases[] = {
		{.name = "warm up",
		 .start = 100,
		 .end = 110,
		 .requests = 123456,
		 .responses = {120000, 3000, 400, 56},
		 .err_connect = 1,
		 .err_timeout = 2,
		 .err_reset = 3,
		 .err_parse = 4,
		 .err_validation = 5,
		 .rps = 2057.6,
		 .p50 = 310,
		 .p90 = 820,
		 .p99 = 4100,
		 .p999 = 9000,
		 .max = 15000},
		{.name = "steady",
		 .start = 110,
		 .end = 120,
		 .requests = 777,
		 .rps = 77.7,
		 .p50 = 100,
		 .p90 = 200,
		 .p99 = 300,
		 .p999 = 400,
		 .max = 500},
		{.name = "<script>alert(1)</script>",
		 .start = 120,
		 .end = 130,
		 .p50 = NAN,
		 .p90 = NAN,
		 .p99 = NAN,
		 .p999 = NAN,
		 .max = NAN},
	};
	static const struct report_metric metrics[] = {
		{"go_memstats_heap_inuse_bytes", "leak", 52428800.0, 412.5},
		{"go_goroutines", "ok", 0.5, NAN}};
	static const char *const profiles[] = {"profiles/api/heap-base.pb.gz",
					       "javascript:alert(1)",
					       "profiles/api/heap-leak.pb.gz"};
	static const struct report_target targets[] = {
		{"api", "leak", metrics, 2, profiles, 3},
		{"a\"b'<i>", "insufficient", NULL, 0, NULL, 0}};
	json_t *r = report_new();

	for (size_t i = 0; i < 3; i++) {
		json_t *ph = report_add_phase(r, &phases[i]);
		assert_non_null(ph);
		json_object_set_new(ph, "expect_failures",
				    i == 0 ? json_pack("[s]", "p99 4100us > <b>1ms</b>")
					   : json_array());
	}
	for (size_t i = 0; i < 2; i++)
		assert_non_null(report_add_target(r, &targets[i]));
	report_set_verdict(r, false);
	return r;
}

/* n seconds of one point each, split evenly over 3 phases */
static struct series *fixture_series(size_t capacity, int n)
{
	struct series *s = series_create(capacity);

	for (int i = 1; i <= n; i++) {
		struct series_point p = {.t = i,
					 .phase = (uint32_t)((i - 1) * 3 / n),
					 .requests = 100,
					 .responses = {90, 0, 0, 5, 0},
					 .err_timeout = (uint64_t)(i % 3),
					 .p50_us = NAN,
					 .p99_us = i % 2 ? 1000 + i : NAN};
		assert_int_equal(series_add(s, &p), 0);
	}
	return s;
}

static char *render(const json_t *r, const struct series *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(report_html_print(f, r, s), 0);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Points of the first <polyline class="cls" ...> */
static size_t polyline_points(const char *html, const char *cls)
{
	char key[64];
	const char *p;
	size_t n = 0;

	snprintf(key, sizeof(key), "<polyline class=\"%s\" points=\"", cls);
	p = strstr(html, key);
	assert_non_null(p);
	p += strlen(key);
	for (; *p != '"'; p++)
		n += *p == ',';
	return n;
}

static void the_page_is_balanced_and_self_contained(void **state)
{
	(void)state;
	json_t *r = fixture_report();
	struct series *s = fixture_series(64, 30);
	char *html = render(r, s);

	assert_balanced(html);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "<link"));
	assert_int_equal(count(html, "http://"), count(html, "http://www.w3.org/2000/svg"));
	assert_int_equal(strncmp(html, "<!DOCTYPE html>", 15), 0);
	free(html);
	series_free(s);
	json_decref(r);
}

static void phase_names_and_figures_appear(void **state)
{
	(void)state;
	json_t *r = fixture_report();
	char *html = render(r, NULL);

	assert_non_null(
		strstr(html, "<summary>warm up: 2,058 responses/s, p99 4,100 µs</summary>"));
	assert_non_null(strstr(html, "<summary>steady: "));
	assert_non_null(strstr(html, ">123,456<"));		       /* requests */
	assert_non_null(strstr(html, ">120,000<"));		       /* 2xx */
	assert_non_null(strstr(html, ">2,057.6<"));		       /* rps */
	assert_non_null(strstr(html, ">4,100<"));		       /* p99 */
	assert_non_null(strstr(html, ">15,000 µs<"));		       /* the max bar's label */
	assert_non_null(strstr(html, "No responses, so no latency.")); /* the third phase */
	assert_non_null(strstr(html, "<title>drench report: fail</title>"));
	assert_non_null(strstr(html, "class=\"verdict v-fail\""));
	free(html);
	json_decref(r);
}

static void targets_show_verdicts_metrics_and_profile_links(void **state)
{
	(void)state;
	json_t *r = fixture_report();
	char *html = render(r, NULL);

	assert_non_null(strstr(html, "<h3>api <span class=\"verdict v-leak\">leak</span></h3>"));
	assert_non_null(strstr(html, ">go_memstats_heap_inuse_bytes<"));
	assert_non_null(strstr(html, ">52,428,800.0<"));
	assert_non_null(strstr(html, ">412.5<"));
	assert_non_null(strstr(html, "<a href=\"profiles/api/heap-base.pb.gz\">"));
	assert_non_null(strstr(html, "<a href=\"profiles/api/heap-leak.pb.gz\">"));
	/* a path with a scheme is shown but never becomes a link */
	assert_non_null(strstr(html, "<li>javascript:alert(1)</li>"));
	assert_null(strstr(html, "href=\"javascript"));
	free(html);
	json_decref(r);
}

static void strings_from_the_report_are_escaped(void **state)
{
	(void)state;
	json_t *r = fixture_report();
	struct series *s = fixture_series(64, 30);
	char *html = render(r, s);

	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<i>"));
	assert_null(strstr(html, "<b>1ms"));
	assert_non_null(strstr(html, "<summary>&lt;script&gt;alert(1)&lt;/script&gt;: "));
	/* the chart's phase label too */
	assert_non_null(strstr(html, ">&lt;script&gt;alert(1)&lt;/script&gt;</text>"));
	assert_non_null(strstr(html, "<li>p99 4100us &gt; &lt;b&gt;1ms&lt;/b&gt;</li>"));
	assert_non_null(strstr(html, "<h3>a&quot;b&#39;&lt;i&gt; "));
	free(html);
	series_free(s);
	json_decref(r);
}

static void charts_have_one_point_per_series_point(void **state)
{
	(void)state;
	json_t *r = fixture_report();
	const int lengths[] = {1, 30, 1000};

	for (size_t k = 0; k < 3; k++) {
		struct series *s = fixture_series(64, lengths[k]);
		char *html = render(r, s);
		size_t n = series_count(s);

		assert_balanced(html);
		assert_int_equal(polyline_points(html, "rps"), n);
		assert_int_equal(polyline_points(html, "err-timeout"), n);
		assert_int_equal(polyline_points(html, "conns"), n);
		assert_int_equal(polyline_points(html, "retrans"), n);
		/* p99 is known on odd seconds only: unknown points are left out */
		size_t known = 0;
		for (size_t i = 0; i < n; i++)
			known += !isnan(series_at(s, i)->p99_us);
		assert_int_equal(polyline_points(html, "p99"), known);
		free(html);
		series_free(s);
	}
	json_decref(r);
}

/* The x of every phase label of the page, in order, with its text length. */
static size_t phase_labels(const char *html, double *x, size_t *len, size_t max)
{
	static const char key[] = "<text class=\"phase-name\" x=\"";
	size_t n = 0;

	for (const char *p = strstr(html, key); p != NULL && n < max; p = strstr(p, key)) {
		p += strlen(key);
		x[n] = strtod(p, NULL);
		const char *t = strchr(p, '>') + 1;
		len[n++] = (size_t)(strchr(t, '<') - t);
	}
	return n;
}

static void phase_bands_are_drawn_on_every_chart(void **state)
{
	(void)state;
	json_t *r = fixture_report();
	struct series *s = fixture_series(64, 30);
	char *html = render(r, s);

	/* 3 phases on 5 charts: RPS, latency, errors, connections, retransmissions */
	assert_int_equal(count(html, "<figure class=\"chart\""), 5);
	assert_int_equal(count(html, "<g class=\"band\">"), 15);
	assert_int_equal(count(html, "class=\"phase-name\" x=\"74.0\""), 5); /* t = 0 */
	assert_int_equal(count(html, ">steady</text>"), 5);
	free(html);
	series_free(s);
	json_decref(r);
}

/* a report of n phases "level-K" expanded from one steps phase */
static json_t *steps_report(size_t n, const char *step_of)
{
	json_t *r = report_new();

	for (size_t i = 0; i < n; i++) {
		char name[64];
		/* every tenth name short enough for its band */
		snprintf(name, sizeof(name), i % 10 ? "a-rather-long-level-name-%zu" : "L%zu", i);
		struct report_phase ph = {
			.name = name, .p50 = NAN, .p90 = NAN, .p99 = NAN, .p999 = NAN, .max = NAN};
		json_t *o = report_add_phase(r, &ph);
		if (step_of)
			json_object_set_new(o, "step_of", json_string(step_of));
	}
	return r;
}

/* a point per phase, and 20 for every tenth */
static struct series *one_point_per_phase(size_t n)
{
	struct series *s = series_create(1024);
	double t = 0;

	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < (i % 10 ? 1 : 20); k++) {
			struct series_point p = {.t = ++t,
						 .phase = (uint32_t)i,
						 .p50_us = NAN,
						 .p99_us = NAN,
						 .p999_us = NAN};
			assert_int_equal(series_add(s, &p), 0);
		}
	return s;
}

static void a_steps_ramp_is_one_band_with_a_tick_per_level(void **state)
{
	(void)state;
	json_t *r = steps_report(19, "step");
	struct series *s = one_point_per_phase(19);
	char *html = render(r, s);

	/* no latency in this series: 4 charts */
	assert_int_equal(count(html, "<figure class=\"chart\""), 4);
	assert_int_equal(count(html, "<g class=\"band\">"), 4);
	assert_int_equal(count(html, "<line class=\"step-tick\""), 4 * 18);
	assert_int_equal(count(html, "class=\"phase-name\""), 4);
	assert_int_equal(count(html, ">step</text>"), 4);
	assert_non_null(strstr(html, "<title>step (19 phases)</title>"));
	free(html);
	series_free(s);
	json_decref(r);
}

static void labels_that_do_not_fit_are_left_out_never_overlapped(void **state)
{
	(void)state;
	json_t *r = steps_report(150, NULL); /* 150 separate phases, most with long names */
	struct series *s = one_point_per_phase(150);
	char *html = render(r, s);
	double x[600];
	size_t len[600];
	size_t n = phase_labels(html, x, len, 600);

	assert_int_equal(count(html, "<g class=\"band\">"), 4 * 150);
	assert_int_equal(n, 4 * 15); /* the short names in the wide bands */
	for (size_t i = 1; i < n; i++)
		if (x[i] > x[i - 1]) /* the same chart: each label ends before the next */
			assert_true(x[i - 1] + (double)len[i - 1] * 7.0 <= x[i]);
	free(html);
	series_free(s);
	json_decref(r);
}

static void the_summary_has_a_row_per_phase_with_error_ratio_and_memory(void **state)
{
	(void)state;
	json_t *r = fixture_report();
	json_t *api = json_array_get(json_object_get(r, "targets"), 0);
	char *html;

	json_object_set_new(api, "phases",
			    json_pack("[{ss ss s[{ss sf}]}, {ss ss s[{ss sf}]}]", "name", "warm up",
				      "verdict", "ok", "metrics", "name",
				      "go_memstats_heap_inuse_bytes", "growth", 1000.0, "name",
				      "steady", "verdict", "leak", "metrics", "name",
				      "go_memstats_heap_inuse_bytes", "growth", 5e6));
	html = render(r, NULL);
	const char *table = strstr(html, "<table class=\"summary\">");
	assert_non_null(table);
	const char *end = strstr(table, "</table>");
	char *t = strndup(table, (size_t)(end - table));
	assert_int_equal(count(t, "<tr><td>"), 3);
	/* 15 errors against 123,456 responses */
	assert_non_null(strstr(t, ">0.01 %</td>"));
	assert_non_null(strstr(t, "<tr><td>steady</td>"));
	assert_non_null(strstr(strstr(t, "<tr><td>steady</td>"), "v-leak"));
	/* the memory chart: a bar per phase coloured by its verdict */
	assert_non_null(strstr(html, "<figure class=\"memchart\">"));
	assert_int_equal(count(html, "<rect class=\"m-leak\""), 1);
	assert_int_equal(count(html, "<rect class=\"m-ok\""), 1);
	free(t);
	free(html);
	json_decref(r);
}

static void without_a_series_there_are_no_charts(void **state)
{
	(void)state;
	json_t *r = report_new();
	char *html = render(r, NULL);

	assert_balanced(html);
	assert_null(strstr(html, "<polyline"));
	assert_non_null(strstr(html, "No time series was recorded."));
	assert_non_null(strstr(html, "No phases in this report."));
	assert_non_null(strstr(html, "No memory telemetry in this run."));
	free(html);
	json_decref(r);
}

/* targets[] also lists load targets no agent watched: no memory for them */
static void an_unwatched_target_has_no_memory_section(void **state)
{
	(void)state;
	json_t *r = report_new();
	json_t *t = json_pack("{ss ss s[] s[] sb s{si}}", "name", "nginx-b", "verdict",
			      "insufficient", "metrics", "profiles", "watched", 0, "load",
			      "requests", 5);

	json_array_append_new(json_object_get(r, "targets"), t);
	char *html = render(r, NULL);
	assert_balanced(html);
	assert_non_null(strstr(html, "No memory telemetry in this run."));
	assert_null(strstr(html, "<section class=\"target\">"));
	free(html);
	json_decref(r);
}

static void the_file_is_written_whole(void **state)
{
	(void)state;
	json_t *r = fixture_report();
	struct series *s = fixture_series(64, 30);
	char path[] = "/tmp/drench-html-XXXXXX";
	int fd = mkstemp(path);
	char *want = render(r, s);
	static char got[256 * 1024];

	close(fd);
	assert_int_equal(report_html_write(path, r, s), 0);
	FILE *f = fopen(path, "r");
	size_t n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	assert_string_equal(got, want);
	unlink(path);
	assert_int_equal(report_html_write("/nonexistent-drench/r.html", r, s), -ENOENT);
	assert_int_equal(report_html_write(path, NULL, s), -EINVAL);
	free(want);
	series_free(s);
	json_decref(r);
}

static void only_relative_paths_become_links(void **state)
{
	(void)state;
	assert_true(html_safe_relative_link("profiles/a/heap.pb.gz"));
	assert_true(html_safe_relative_link("heap.pb.gz"));
	assert_true(html_safe_relative_link("dir/x:y.pb.gz")); /* ':' after a '/' */
	assert_true(html_safe_relative_link("/abs/heap.pb.gz"));
	assert_false(html_safe_relative_link("javascript:alert(1)"));
	assert_false(html_safe_relative_link("JaVaScRiPt:alert(1)"));
	assert_false(html_safe_relative_link(" javascript:x"));
	assert_false(html_safe_relative_link("data:text/html,x"));
	assert_false(html_safe_relative_link("http://example.com/x"));
	assert_false(html_safe_relative_link("//example.com/x"));
	assert_false(html_safe_relative_link("\\\\example.com\\x"));
	assert_false(html_safe_relative_link(""));
	assert_false(html_safe_relative_link(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_tag_checker_catches_broken_markup),
		cmocka_unit_test(the_page_is_balanced_and_self_contained),
		cmocka_unit_test(phase_names_and_figures_appear),
		cmocka_unit_test(targets_show_verdicts_metrics_and_profile_links),
		cmocka_unit_test(strings_from_the_report_are_escaped),
		cmocka_unit_test(charts_have_one_point_per_series_point),
		cmocka_unit_test(phase_bands_are_drawn_on_every_chart),
		cmocka_unit_test(a_steps_ramp_is_one_band_with_a_tick_per_level),
		cmocka_unit_test(labels_that_do_not_fit_are_left_out_never_overlapped),
		cmocka_unit_test(the_summary_has_a_row_per_phase_with_error_ratio_and_memory),
		cmocka_unit_test(without_a_series_there_are_no_charts),
		cmocka_unit_test(an_unwatched_target_has_no_memory_section),
		cmocka_unit_test(the_file_is_written_whole),
		cmocka_unit_test(only_relative_paths_become_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
