/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text parser, picohttpparser-style: each vector whole, byte by
 * byte and as every truncated prefix through the stream; malformed lines are
 * errors, counted, never a crash.
 */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
/* clang-format on */

#include "prom.h"

#define MAX_GOT 16

struct got {
	size_t n;
	char name[MAX_GOT][64];
	char labels[MAX_GOT][128];
	double value[MAX_GOT];
};

static void collect(const struct prom_sample *s, void *arg)
{
	struct got *g = arg;

	if (g->n == MAX_GOT)
		return;
	snprintf(g->name[g->n], 64, "%.*s", (int)s->name_len, s->name);
	snprintf(g->labels[g->n], 128, "%.*s", (int)s->labels_len, s->labels);
	g->value[g->n++] = s->value;
}

struct expect {
	const char *name, *labels;
	double value;
};

static bool same_value(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void check_got(const struct got *g, const struct expect *e, size_t n, int line,
		      const char *how)
{
	if (g->n != n)
		fail_msg("line %d (%s): %zu samples, want %zu", line, how, g->n, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(g->name[i], e[i].name) || strcmp(g->labels[i], e[i].labels) ||
		    !same_value(g->value[i], e[i].value))
			fail_msg("line %d (%s): sample %zu is %s{%s} %g", line, how, i, g->name[i],
				 g->labels[i], g->value[i]);
}

/* samples on lines that end before cut */
static size_t complete_samples(const char *text, size_t cut, const struct expect *e, size_t n,
			       const size_t *line_of)
{
	size_t lines = 0, k = 0;

	for (size_t i = 0; i < cut; i++)
		lines += text[i] == '\n';
	while (k < n && line_of[k] < lines)
		k++;
	(void)e;
	return k;
}

static void check_text(const char *text, const struct expect *e, size_t n, const size_t *line_of,
		       unsigned errors, int line)
{
	size_t len = strlen(text);
	struct prom_stream ps;
	struct got g;

	/* whole */
	memset(&g, 0, sizeof(g));
	prom_stream_init(&ps, collect, &g);
	prom_stream_feed(&ps, text, len);
	prom_stream_finish(&ps);
	check_got(&g, e, n, line, "whole");
	if (ps.errors != errors)
		fail_msg("line %d: %u errors, want %u", line, ps.errors, errors);
	/* byte by byte, each byte from its own exact-size buffer */
	memset(&g, 0, sizeof(g));
	prom_stream_init(&ps, collect, &g);
	for (size_t i = 0; i < len; i++) {
		char *b = malloc(1);

		*b = text[i];
		prom_stream_feed(&ps, b, 1);
		free(b);
	}
	prom_stream_finish(&ps);
	check_got(&g, e, n, line, "byte by byte");
	/* every truncated prefix: complete lines give their samples exactly */
	for (size_t cut = 0; cut < len; cut++) {
		char *b = malloc(cut ? cut : 1);
		size_t want;

		memcpy(b, text, cut);
		memset(&g, 0, sizeof(g));
		prom_stream_init(&ps, collect, &g);
		prom_stream_feed(&ps, b, cut);
		want = complete_samples(text, cut, e, n, line_of);
		if (g.n != want)
			fail_msg("line %d: prefix %zu gave %zu samples, want %zu", line, cut, g.n,
				 want);
		check_got(&g, e, want, line, "prefix");
		prom_stream_finish(&ps); /* the partial line: sample or error, no crash */
		free(b);
	}
}

static void go_runtime_exposition_parses(void **state)
{
	static const char text[] =
		"# HELP go_goroutines Number of goroutines that currently exist.\n"
		"# TYPE go_goroutines gauge\n"
		"go_goroutines 7\n"
		"go_gc_duration_seconds{quantile=\"0.5\"} 4.1e-05\n"
		"go_gc_duration_seconds_count 12\n"
		"go_memstats_heap_inuse_bytes 3.2768e+06\n"
		"\n"
		"http_requests_total{code=\"200\",path=\"/a\\\"b\"} 1027 1395066363000\n"
		"weird_value{le=\"+Inf\"} +Inf\n"
		"nan_value NaN\n";
	static const struct expect e[] = {
		{"go_goroutines", "", 7},
		{"go_gc_duration_seconds", "quantile=\"0.5\"", 4.1e-05},
		{"go_gc_duration_seconds_count", "", 12},
		{"go_memstats_heap_inuse_bytes", "", 3276800},
		{"http_requests_total", "code=\"200\",path=\"/a\\\"b\"", 1027},
		{"weird_value", "le=\"+Inf\"", INFINITY},
		{"nan_value", "", NAN},
	};
	static const size_t line_of[] = {2, 3, 4, 5, 7, 8, 9};

	(void)state;
	check_text(text, e, 7, line_of, 0, __LINE__);
}

static void crlf_blanks_and_trailing_comma_are_accepted(void **state)
{
	static const char text[] = "a 1\r\n  \t\nb{x=\"1\",} -2.5\n";
	static const struct expect e[] = {{"a", "", 1}, {"b", "x=\"1\",", -2.5}};
	static const size_t line_of[] = {0, 2};

	(void)state;
	check_text(text, e, 2, line_of, 0, __LINE__);
}

static void malformed_lines_are_counted_and_skipped(void **state)
{
	static const char text[] = "good 1\n"
				   "novalue\n"
				   "1starts_with_digit 2\n"
				   "open{a=\"b\" 3\n"
				   "unquoted{a=b} 4\n"
				   "badescape{a=\"\\x\"} 5\n"
				   "hexvalue 0x10\n"
				   "twotimestamps 1 2 3\n"
				   "word_value abc\n"
				   "good2 2\n";
	static const struct expect e[] = {{"good", "", 1}, {"good2", "", 2}};
	static const size_t line_of[] = {0, 9};

	(void)state;
	check_text(text, e, 2, line_of, 8, __LINE__);
}

static void overlong_lines_are_errors_and_do_not_spill(void **state)
{
	size_t len = PROM_MAX_LINE + 100;
	char *text = malloc(len + 16);
	struct prom_stream ps;
	struct got g = {0};

	(void)state;
	memset(text, 'a', len);
	memcpy(text + len, " 1\nok 5\n", 9);
	prom_stream_init(&ps, collect, &g);
	prom_stream_feed(&ps, text, strlen(text));
	prom_stream_finish(&ps);
	assert_int_equal(ps.errors, 1);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.name[0], "ok");
	free(text);
}

static void parse_line_reads_only_its_length(void **state)
{
	struct prom_sample s;

	(void)state;
	/* the buffer continues with digits beyond len: they must not be read */
	assert_int_equal(prom_parse_line("x 12345", 3, &s), 1);
	assert_true(s.value == 1);
	assert_int_equal(prom_parse_line("# TYPE x gauge", 14, &s), 0);
	assert_int_equal(prom_parse_line("", 0, &s), 0);
	assert_int_equal(prom_parse_line("x", 1, &s), -EINVAL);
	assert_int_equal(prom_parse_line("x{", 2, &s), -EINVAL);
}

static void match_by_name_or_by_exact_labels(void **state)
{
	const char *line = "req_total{code=\"200\"} 5";
	struct prom_sample s;

	(void)state;
	assert_int_equal(prom_parse_line(line, strlen(line), &s), 1);
	assert_true(prom_match(&s, "req_total"));
	assert_true(prom_match(&s, "req_total{code=\"200\"}"));
	assert_false(prom_match(&s, "req_total{code=\"500\"}"));
	assert_false(prom_match(&s, "req_tota"));
	assert_false(prom_match(&s, "req_total{code=\"200\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(go_runtime_exposition_parses),
		cmocka_unit_test(crlf_blanks_and_trailing_comma_are_accepted),
		cmocka_unit_test(malformed_lines_are_counted_and_skipped),
		cmocka_unit_test(overlong_lines_are_errors_and_do_not_spill),
		cmocka_unit_test(parse_line_reads_only_its_length),
		cmocka_unit_test(match_by_name_or_by_exact_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
