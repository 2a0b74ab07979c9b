/* SPDX-License-Identifier: BSD-3-Clause */
/* Histograms and series in report.json read back exactly what was written,
 * and a reader refuses what it would misread. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report-hist.h"
#include "report-series.h"
#include "hist.h"

static uint64_t random_latency(void)
{
	/* from a few us to hours: every bucket group gets some */
	return ((uint64_t)rand() << 16 ^ (uint64_t)rand()) >> (rand() % 40);
}

static void histograms_read_back_bucket_for_bucket(void **state)
{
	(void)state;
	static struct hist h, back;
	char err[160];

	srand(3);
	for (int round = 0; round < 50; round++) {
		hist_init(&h);
		int n = rand() % 2000;
		for (int i = 0; i < n; i++)
			hist_record(&h, random_latency());
		json_t *j = report_hist_json(&h);
		char *text = json_dumps(j, JSON_COMPACT);
		json_t *again = json_loads(text, 0, NULL);
		assert_int_equal(report_hist_parse(again, &back, err, sizeof(err)), 0);
		assert_memory_equal(&h, &back, sizeof(h));
		json_decref(again);
		free(text);
		json_decref(j);
	}
}

static void a_reader_refuses_another_layout_or_torn_counts(void **state)
{
	(void)state;
	static struct hist h, back;
	char err[160];

	hist_init(&h);
	hist_record(&h, 100);
	hist_record(&h, 5000);
	json_t *j = report_hist_json(&h);
	json_object_set_new(j, "version", json_integer(2));
	assert_int_equal(report_hist_parse(j, &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "version 2"));
	json_object_set_new(j, "version", json_integer(1));
	json_object_set_new(j, "sub_bits", json_integer(6));
	assert_int_equal(report_hist_parse(j, &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "layout"));
	json_object_set_new(j, "sub_bits", json_integer(7));
	json_object_set_new(j, "count", json_integer(3));
	assert_int_equal(report_hist_parse(j, &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "count says 3"));
	json_object_set_new(j, "count", json_integer(2));
	json_array_append_new(json_object_get(j, "buckets"), json_pack("[i i]", 0, 1));
	assert_int_equal(report_hist_parse(j, &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "out of order"));
	json_decref(j);
}

static void series_read_back_shifted_to_another_start(void **state)
{
	(void)state;
	struct series *s = series_create(64), *back = series_create(64);
	char err[160];

	for (int i = 1; i <= 10; i++) {
		struct series_point p = {.t = i, .phase = (uint32_t)i / 5, .requests = 10u * i,
					 .open_conns = 4, .p50_us = i == 3 ? NAN : 100.0 * i,
					 .p99_us = 900};
		p.responses[SERIES_2XX] = 10u * i;
		p.err_timeout = i == 7;
		assert_int_equal(series_add(s, &p), 0);
	}
	json_t *j = report_series_json(s, 1000.0);
	assert_true(json_real_value(json_object_get(j, "t0")) == 1000.0);
	assert_int_equal(report_series_parse(j, 2.5, back, err, sizeof(err)), 0);
	assert_int_equal(series_count(back), 10);
	for (size_t i = 0; i < 10; i++) {
		const struct series_point *a = series_at(s, i), *b = series_at(back, i);
		assert_true(b->t == a->t + 2.5);
		assert_int_equal(b->requests, a->requests);
		assert_int_equal(b->responses[SERIES_2XX], a->responses[SERIES_2XX]);
		assert_int_equal(b->err_timeout, a->err_timeout);
		assert_int_equal(b->phase, a->phase);
		assert_true(isnan(a->p50_us) ? isnan(b->p50_us) : b->p50_us == a->p50_us);
	}
	json_array_set_new(json_object_get(j, "columns"), 0, json_string("time"));
	assert_int_equal(report_series_parse(j, 0, back, err, sizeof(err)), -EINVAL);
	json_decref(j);
	series_free(s);
	series_free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(histograms_read_back_bucket_for_bucket),
		cmocka_unit_test(a_reader_refuses_another_layout_or_torn_counts),
		cmocka_unit_test(series_read_back_shifted_to_another_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
