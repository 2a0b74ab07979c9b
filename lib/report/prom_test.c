/* SPDX-License-Identifier: BSD-3-Clause */
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
#include <unistd.h>

#include <cmocka.h>
/* clang-format on */

#include "prom-text.h"
#include "report.h"

static void families_and_samples_render_exactly(void **state)
{
	(void)state;
	struct prom_text *t = prom_text_new();
	const struct prom_label two[] = {{"method", "get"}, {"code", "200"}};
	size_t len;

	assert_int_equal(prom_text_family(t, "http_requests_total", "Requests.", PROM_COUNTER), 0);
	assert_int_equal(prom_text_sample(t, "http_requests_total", two, 2, 1027), 0);
	assert_int_equal(prom_text_sample(t, "http_requests_total", NULL, 0, 3), 0);
	assert_int_equal(prom_text_family(t, "temp", "Temperature", PROM_GAUGE), 0);
	assert_int_equal(prom_text_sample(t, "temp", NULL, 0, -12.25), 0);
	assert_int_equal(prom_text_sample(t, "temp", NULL, 0, NAN), 0);
	assert_int_equal(prom_text_sample(t, "temp", NULL, 0, INFINITY), 0);
	assert_int_equal(prom_text_sample(t, "temp", NULL, 0, -INFINITY), 0);
	assert_int_equal(prom_text_sample(t, "temp", NULL, 0, -0.0), 0);
	assert_int_equal(prom_text_family(t, "x:y", "", PROM_UNTYPED), 0);
	assert_int_equal(prom_text_sample(t, "x:y", NULL, 0, 9007199254740992.0), 0);
	const char *want = "# HELP http_requests_total Requests.\n"
			   "# TYPE http_requests_total counter\n"
			   "http_requests_total{method=\"get\",code=\"200\"} 1027\n"
			   "http_requests_total 3\n"
			   "# HELP temp Temperature\n"
			   "# TYPE temp gauge\n"
			   "temp -12.25\n"
			   "temp NaN\n"
			   "temp +Inf\n"
			   "temp -Inf\n"
			   "temp 0\n"
			   "# HELP x:y \n"
			   "# TYPE x:y untyped\n"
			   "x:y 9007199254740992\n";
	assert_string_equal(prom_text_data(t, &len), want);
	assert_int_equal(len, strlen(want));
	prom_text_reset(t);
	assert_string_equal(prom_text_data(t, &len), "");
	assert_int_equal(len, 0);
	prom_text_free(t);
}

static void a_common_label_comes_first_on_every_sample(void **state)
{
	(void)state;
	struct prom_text *t = prom_text_new();
	const struct prom_label one[] = {{"phase", "ramp"}};
	size_t len;

	assert_int_equal(prom_text_common_label(t, "shard", "2"), 0);
	assert_int_equal(prom_text_sample(t, "drench_requests_total", one, 1, 5), 0);
	assert_int_equal(prom_text_sample(t, "drench_open_connections", NULL, 0, 7), 0);
	assert_string_equal(prom_text_data(t, &len),
			    "drench_requests_total{shard=\"2\",phase=\"ramp\"} 5\n"
			    "drench_open_connections{shard=\"2\"} 7\n");
	prom_text_reset(t); /* kept across scrapes */
	assert_int_equal(prom_text_sample(t, "up", NULL, 0, 1), 0);
	assert_string_equal(prom_text_data(t, &len), "up{shard=\"2\"} 1\n");
	assert_int_equal(prom_text_common_label(t, "bad-name", "x"), -EINVAL);
	assert_int_equal(prom_text_common_label(t, NULL, NULL), 0);
	prom_text_reset(t);
	assert_int_equal(prom_text_sample(t, "up", NULL, 0, 1), 0);
	assert_string_equal(prom_text_data(t, &len), "up 1\n");
	prom_text_free(t);
}

static void label_values_escape_quote_backslash_and_newline(void **state)
{
	(void)state;
	struct prom_text *t = prom_text_new();
	const struct prom_label l[] = {{"path", "C:\\dir\\\"q\"\nnext"}, {"empty", ""}};

	assert_int_equal(prom_text_family(t, "m", "a \\ help\nwith \"quotes\"", PROM_GAUGE), 0);
	assert_int_equal(prom_text_sample(t, "m", l, 2, 1), 0);
	/* HELP escapes '\' and newline only; label values also '"' */
	assert_string_equal(prom_text_data(t, NULL),
			    "# HELP m a \\\\ help\\nwith \"quotes\"\n"
			    "# TYPE m gauge\n"
			    "m{path=\"C:\\\\dir\\\\\\\"q\\\"\\nnext\",empty=\"\"} 1\n");
	prom_text_free(t);
}

static void values_read_back_as_the_same_double(void **state)
{
	(void)state;
	struct prom_text *t = prom_text_new();
	uint64_t x = 88172645463325252u;

	for (int i = 0; i < 2000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double v = (double)(x >> 11) / (double)(1u << 20) * ((i % 3) ? 1e-9 : 1e9);
		char *end;

		prom_text_reset(t);
		assert_int_equal(prom_text_sample(t, "v", NULL, 0, v), 0);
		const char *s = prom_text_data(t, NULL) + 2; /* after "v " */
		assert_true(strtod(s, &end) == v);
		assert_string_equal(end, "\n");
	}
	prom_text_reset(t);
	assert_int_equal(prom_text_sample(t, "v", NULL, 0, 0.1), 0);
	assert_string_equal(prom_text_data(t, NULL), "v 0.1\n");
	prom_text_free(t);
}

static void bad_names_are_refused_and_the_error_sticks(void **state)
{
	(void)state;
	struct prom_text *t = prom_text_new();
	const struct prom_label bad_label[] = {{"9lives", "x"}};
	const struct prom_label reserved[] = {{"__name__", "x"}};
	const struct prom_label null_value[] = {{"ok", NULL}};
	const char *const bad_names[] = {"", "1abc", "a-b", "a b", "a{b}", "é"};

	assert_int_equal(prom_text_sample(t, "good", NULL, 0, 1), 0);
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		prom_text_reset(t);
		assert_int_equal(prom_text_sample(t, bad_names[i], NULL, 0, 1), -EINVAL);
		prom_text_reset(t);
		assert_int_equal(prom_text_family(t, bad_names[i], "h", PROM_GAUGE), -EINVAL);
	}
	prom_text_reset(t);
	assert_int_equal(prom_text_sample(t, "m", bad_label, 1, 1), -EINVAL);
	prom_text_reset(t);
	assert_int_equal(prom_text_sample(t, "m", reserved, 1, 1), -EINVAL);
	prom_text_reset(t);
	assert_int_equal(prom_text_family(t, "m", NULL, PROM_GAUGE), -EINVAL);
	prom_text_reset(t);
	assert_int_equal(prom_text_sample(t, "first", NULL, 0, 1), 0);
	assert_int_equal(prom_text_sample(t, "m", null_value, 1, 1), -EINVAL);
	/* the failed call wrote nothing, and later calls fail until reset */
	assert_string_equal(prom_text_data(t, NULL), "first 1\n");
	assert_int_equal(prom_text_sample(t, "fine", NULL, 0, 1), -EINVAL);
	assert_int_equal(prom_text_error(t), -EINVAL);
	prom_text_reset(t);
	assert_int_equal(prom_text_error(t), 0);
	assert_int_equal(prom_text_sample(t, "fine", NULL, 0, 1), 0);
	prom_text_free(t);
}

static json_t *small_report(void)
{
	static const struct report_phase warm = {.name = "warm up",
						 .start = 100,
						 .end = 103.5,
						 .requests = 1000,
						 .responses = {900, 10, 20, 30},
						 .err_connect = 1,
						 .err_timeout = 2,
						 .err_reset = 3,
						 .err_parse = 4,
						 .err_validation = 5,
						 .rps = 305.5,
						 .p50 = 250,
						 .p90 = 800,
						 .p99 = 1200,
						 .p999 = 5000,
						 .max = 9000};
	static const struct report_phase idle = {.name = "idle",
						 .start = 103.5,
						 .end = 110,
						 .p50 = NAN,
						 .p90 = NAN,
						 .p99 = NAN,
						 .p999 = NAN,
						 .max = NAN};
	static const struct report_metric metrics[] = {{"heap", "leak", 1048576, 412.5},
						       {"goroutines", "ok", 0.5, NAN}};
	static const char *const profiles[] = {"profiles/api/heap.pb.gz"};
	static const struct report_target api = {"api", "leak", metrics, 2, profiles, 1};
	json_t *r = report_new();
	json_t *ph = report_add_phase(r, &warm);

	json_object_set_new(ph, "responses_other", json_integer(7));
	json_object_set_new(ph, "expect_failures", json_pack("[s]", "p99 1200us > 1000us"));
	assert_non_null(report_add_phase(r, &idle));
	assert_non_null(report_add_target(r, &api));
	report_set_verdict(r, false);
	return r;
}

static const char small_report_text[] =
	"# HELP drench_campaign_pass 1 when the campaign passed (report verdict pass), 0 when it "
	"failed\n"
	"# TYPE drench_campaign_pass gauge\n"
	"drench_campaign_pass 0\n"
	"# HELP drench_requests_total Requests sent in the phase\n"
	"# TYPE drench_requests_total counter\n"
	"drench_requests_total{phase=\"warm up\"} 1000\n"
	"drench_requests_total{phase=\"idle\"} 0\n"
	"# HELP drench_responses_total Responses received in the phase by status class\n"
	"# TYPE drench_responses_total counter\n"
	"drench_responses_total{phase=\"warm up\",class=\"2xx\"} 900\n"
	"drench_responses_total{phase=\"warm up\",class=\"3xx\"} 10\n"
	"drench_responses_total{phase=\"warm up\",class=\"4xx\"} 20\n"
	"drench_responses_total{phase=\"warm up\",class=\"5xx\"} 30\n"
	"drench_responses_total{phase=\"warm up\",class=\"other\"} 7\n"
	"drench_responses_total{phase=\"idle\",class=\"2xx\"} 0\n"
	"drench_responses_total{phase=\"idle\",class=\"3xx\"} 0\n"
	"drench_responses_total{phase=\"idle\",class=\"4xx\"} 0\n"
	"drench_responses_total{phase=\"idle\",class=\"5xx\"} 0\n"
	"# HELP drench_errors_total Failed requests and connections by kind\n"
	"# TYPE drench_errors_total counter\n"
	"drench_errors_total{phase=\"warm up\",kind=\"connect\"} 1\n"
	"drench_errors_total{phase=\"warm up\",kind=\"timeout\"} 2\n"
	"drench_errors_total{phase=\"warm up\",kind=\"reset\"} 3\n"
	"drench_errors_total{phase=\"warm up\",kind=\"parse\"} 4\n"
	"drench_errors_total{phase=\"warm up\",kind=\"validation\"} 5\n"
	"drench_errors_total{phase=\"idle\",kind=\"connect\"} 0\n"
	"drench_errors_total{phase=\"idle\",kind=\"timeout\"} 0\n"
	"drench_errors_total{phase=\"idle\",kind=\"reset\"} 0\n"
	"drench_errors_total{phase=\"idle\",kind=\"parse\"} 0\n"
	"drench_errors_total{phase=\"idle\",kind=\"validation\"} 0\n"
	"# HELP drench_rps Responses per second over the phase\n"
	"# TYPE drench_rps gauge\n"
	"drench_rps{phase=\"warm up\"} 305.5\n"
	"drench_rps{phase=\"idle\"} 0\n"
	"# HELP drench_latency_us Response latency percentiles of the phase in microseconds (1 = "
	"max)\n"
	"# TYPE drench_latency_us gauge\n"
	"drench_latency_us{phase=\"warm up\",quantile=\"0.5\"} 250\n"
	"drench_latency_us{phase=\"warm up\",quantile=\"0.9\"} 800\n"
	"drench_latency_us{phase=\"warm up\",quantile=\"0.99\"} 1200\n"
	"drench_latency_us{phase=\"warm up\",quantile=\"0.999\"} 5000\n"
	"drench_latency_us{phase=\"warm up\",quantile=\"1\"} 9000\n"
	"# HELP drench_phase_duration_seconds Length of the phase\n"
	"# TYPE drench_phase_duration_seconds gauge\n"
	"drench_phase_duration_seconds{phase=\"warm up\"} 3.5\n"
	"drench_phase_duration_seconds{phase=\"idle\"} 6.5\n"
	"# HELP drench_expect_failures Expectations the phase failed\n"
	"# TYPE drench_expect_failures gauge\n"
	"drench_expect_failures{phase=\"warm up\"} 1\n"
	"# HELP drench_target_leak_verdict Memory verdict of the target: ok 0, suspect 1, leak 2, "
	"insufficient -1\n"
	"# TYPE drench_target_leak_verdict gauge\n"
	"drench_target_leak_verdict{target=\"api\"} 2\n"
	"# HELP drench_leak_verdict Verdict of one memory metric: ok 0, suspect 1, leak 2, "
	"insufficient -1\n"
	"# TYPE drench_leak_verdict gauge\n"
	"drench_leak_verdict{target=\"api\",metric=\"heap\"} 2\n"
	"drench_leak_verdict{target=\"api\",metric=\"goroutines\"} 0\n"
	"# HELP drench_memory_slope_per_hour Robust growth of the metric's floor, in its unit per "
	"hour\n"
	"# TYPE drench_memory_slope_per_hour gauge\n"
	"drench_memory_slope_per_hour{target=\"api\",metric=\"heap\"} 1048576\n"
	"drench_memory_slope_per_hour{target=\"api\",metric=\"goroutines\"} 0.5\n"
	"# HELP drench_memory_bytes_per_request Growth of the metric per request sent (bytes "
	"retained per request)\n"
	"# TYPE drench_memory_bytes_per_request gauge\n"
	"drench_memory_bytes_per_request{target=\"api\",metric=\"heap\"} 412.5\n";

static void report_metrics_render_exactly(void **state)
{
	(void)state;
	json_t *r = small_report();
	struct prom_text *t = prom_text_new();

	assert_int_equal(report_prom_render(t, r), 0);
	assert_string_equal(prom_text_data(t, NULL), small_report_text);
	prom_text_free(t);
	json_decref(r);
}

static void report_file_holds_the_rendered_text(void **state)
{
	(void)state;
	json_t *r = small_report();
	char path[] = "/tmp/drench-prom-XXXXXX";
	int fd = mkstemp(path);
	static char buf[8192];

	close(fd);
	assert_int_equal(report_prom_write(path, r, NULL, 0), 0);
	FILE *f = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, small_report_text);
	unlink(path);
	assert_int_equal(report_prom_write("/nonexistent-drench/p.txt", r, NULL, 0), -ENOENT);
	assert_int_equal(report_prom_write(path, NULL, NULL, 0), -EINVAL);
	json_decref(r);
}

struct two_counters {
	uint64_t sent, lost;
};

/* A counter object becomes one family per counter, named and helped by its
 * table; a counter the report lacks is left out. */
static void counter_objects_become_families(void **state)
{
	(void)state;
	static const struct counter_field fields[] = {
		{"sent", NULL, offsetof(struct two_counters, sent), "frames sent"},
		{"lost", NULL, offsetof(struct two_counters, lost), "frames lost"},
	};
	static const struct counter_table table = {fields, 2};
	const struct report_prom_counters c = {"link", "drench_link", &table};
	json_t *r = small_report();
	char path[] = "/tmp/drench-prom-XXXXXX";
	int fd = mkstemp(path);
	static char buf[8192];

	close(fd);
	json_object_set_new(r, "link", json_pack("{sI}", "sent", (json_int_t)12));
	assert_int_equal(report_prom_write(path, r, &c, 1), 0);
	FILE *f = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	assert_non_null(strstr(buf, "# HELP drench_link_sent_total frames sent\n"
				    "# TYPE drench_link_sent_total counter\n"
				    "drench_link_sent_total 12\n"));
	assert_null(strstr(buf, "drench_link_lost_total"));
	assert_int_equal(strncmp(buf, small_report_text, strlen(small_report_text)), 0);
	json_decref(r);
}

static void phase_and_target_names_are_escaped_in_labels(void **state)
{
	(void)state;
	json_t *r = json_pack("{s:s, s:[{s:s, s:i}], s:[{s:s, s:s, s:[]}]}", "verdict", "pass",
			      "phases", "name", "a\"b\\c\nd", "requests", 3, "targets", "name",
			      "t\"1", "verdict", "ok", "metrics");
	struct prom_text *t = prom_text_new();

	assert_int_equal(report_prom_render(t, r), 0);
	assert_non_null(strstr(prom_text_data(t, NULL),
			       "drench_requests_total{phase=\"a\\\"b\\\\c\\nd\"} 3\n"));
	assert_non_null(strstr(prom_text_data(t, NULL),
			       "drench_target_leak_verdict{target=\"t\\\"1\"} 0\n"));
	assert_null(strstr(prom_text_data(t, NULL), "drench_rps")); /* absent: not written */
	prom_text_free(t);
	json_decref(r);
}

static void live_metrics_are_totals_and_the_newest_point(void **state)
{
	(void)state;
	struct series *s = series_create(4);
	struct prom_text *t = prom_text_new();
	const struct series_point a = {.t = 1,
				       .requests = 10,
				       .responses = {8, 0, 1, 0, 0},
				       .err_timeout = 1,
				       .retrans = 2,
				       .open_conns = 4,
				       .p50_us = 100,
				       .p99_us = 300,
				       .p999_us = 500};
	const struct series_point b = {.t = 3,
				       .phase = 1,
				       .requests = 20,
				       .responses = {19, 0, 0, 0, 1},
				       .err_reset = 2,
				       .open_conns = 6,
				       .p50_us = 120,
				       .p99_us = NAN,
				       .p999_us = 900};

	series_add(s, &a);
	series_add(s, &b);
	assert_int_equal(report_prom_render_live(t, s, "steady"), 0);
	assert_string_equal(
		prom_text_data(t, NULL),
		"# HELP drench_requests_total Requests sent since the start\n"
		"# TYPE drench_requests_total counter\n"
		"drench_requests_total 30\n"
		"# HELP drench_responses_total Responses received since the start by status class\n"
		"# TYPE drench_responses_total counter\n"
		"drench_responses_total{class=\"2xx\"} 27\n"
		"drench_responses_total{class=\"3xx\"} 0\n"
		"drench_responses_total{class=\"4xx\"} 1\n"
		"drench_responses_total{class=\"5xx\"} 0\n"
		"drench_responses_total{class=\"other\"} 1\n"
		"# HELP drench_errors_total Failed requests and connections since the start by "
		"kind\n"
		"# TYPE drench_errors_total counter\n"
		"drench_errors_total{kind=\"connect\"} 0\n"
		"drench_errors_total{kind=\"timeout\"} 1\n"
		"drench_errors_total{kind=\"reset\"} 2\n"
		"drench_errors_total{kind=\"parse\"} 0\n"
		"drench_errors_total{kind=\"validation\"} 0\n"
		"# HELP drench_retransmits_total TCP retransmissions since the start\n"
		"# TYPE drench_retransmits_total counter\n"
		"drench_retransmits_total 2\n"
		"# HELP drench_elapsed_seconds Seconds since the run started\n"
		"# TYPE drench_elapsed_seconds gauge\n"
		"drench_elapsed_seconds 3\n"
		"# HELP drench_phase_info The phase running now (value always 1)\n"
		"# TYPE drench_phase_info gauge\n"
		"drench_phase_info{phase=\"steady\"} 1\n"
		"# HELP drench_open_connections Connections open now\n"
		"# TYPE drench_open_connections gauge\n"
		"drench_open_connections 6\n"
		"# HELP drench_rps Responses per second over the newest point\n"
		"# TYPE drench_rps gauge\n"
		"drench_rps 10\n"
		"# HELP drench_latency_us Response latency percentiles over the newest point, "
		"microseconds\n"
		"# TYPE drench_latency_us gauge\n"
		"drench_latency_us{quantile=\"0.5\"} 120\n"
		"drench_latency_us{quantile=\"0.999\"} 900\n");
	series_free(s);
	prom_text_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(families_and_samples_render_exactly),
		cmocka_unit_test(label_values_escape_quote_backslash_and_newline),
		cmocka_unit_test(values_read_back_as_the_same_double),
		cmocka_unit_test(bad_names_are_refused_and_the_error_sticks),
		cmocka_unit_test(report_metrics_render_exactly),
		cmocka_unit_test(report_file_holds_the_rendered_text),
		cmocka_unit_test(counter_objects_become_families),
		cmocka_unit_test(phase_and_target_names_are_escaped_in_labels),
		cmocka_unit_test(live_metrics_are_totals_and_the_newest_point),
		cmocka_unit_test(a_common_label_comes_first_on_every_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
