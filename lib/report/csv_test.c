/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
/* clang-format on */

#include "csv.h"

static const char header[] =
	"t,seconds,phase,requests,responses_2xx,responses_3xx,responses_4xx,responses_5xx,"
	"responses_other,err_connect,err_timeout,err_reset,err_parse,err_validation,retrans,"
	"open_conns,rps,p50_us,p99_us\n";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[8192];
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct series *three_points(void)
{
	struct series *s = series_create(4);
	const struct series_point pts[] = {
		{.t = 1.0,
		 .phase = 0,
		 .requests = 100,
		 .responses = {90, 1, 2, 3, 0},
		 .err_connect = 1,
		 .err_timeout = 2,
		 .err_reset = 3,
		 .err_parse = 0,
		 .err_validation = 5,
		 .retrans = 7,
		 .open_conns = 10,
		 .p50_us = 250,
		 .p99_us = 1200},
		{.t = 2.5,
		 .phase = 1,
		 .requests = 300,
		 .responses = {300, 0, 0, 0, 0},
		 .open_conns = 12,
		 .p50_us = NAN,
		 .p99_us = 900.4},
		{.t = 2.5, .phase = 1, .p50_us = NAN, .p99_us = NAN},
	};

	assert_non_null(s);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(series_add(s, &pts[i]), 0);
	return s;
}

static void each_point_is_one_row_under_the_header(void **state)
{
	(void)state;
	struct series *s = three_points();
	char path[] = "/tmp/drench-csv-XXXXXX";
	int fd = mkstemp(path);
	char want[1024];

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(report_csv_write(path, s), 0);
	snprintf(want, sizeof(want), "%s%s", header,
		 "1.000,1.000,0,100,90,1,2,3,0,1,2,3,0,5,7,10,96.0,250,1200\n"
		 "2.500,1.500,1,300,300,0,0,0,0,0,0,0,0,0,0,12,200.0,,900\n"
		 "2.500,0.000,1,0,0,0,0,0,0,0,0,0,0,0,0,0,,,\n");
	assert_string_equal(slurp(path), want);
	unlink(path);
	series_free(s);
}

static void an_empty_series_is_the_header_alone(void **state)
{
	(void)state;
	struct series *s = series_create(2);
	char path[] = "/tmp/drench-csv-XXXXXX";
	int fd = mkstemp(path);

	close(fd);
	assert_int_equal(report_csv_write(path, s), 0);
	assert_string_equal(slurp(path), header);
	unlink(path);
	series_free(s);
}

static void a_compacted_series_has_one_row_per_stored_point(void **state)
{
	(void)state;
	struct series *s = series_create(4);
	char path[] = "/tmp/drench-csv-XXXXXX";
	int fd = mkstemp(path);

	close(fd);
	for (int i = 1; i <= 10; i++) {
		struct series_point p = {
			.t = i, .requests = 1, .responses = {1}, .p50_us = NAN, .p99_us = NAN};
		assert_int_equal(series_add(s, &p), 0);
	}
	assert_int_equal(report_csv_write(path, s), 0);
	/* 10 one-second points in 4 slots: 4 + 4 + 2 */
	assert_string_equal(slurp(path) + strlen(header),
			    "4.000,4.000,0,4,4,0,0,0,0,0,0,0,0,0,0,0,1.0,,\n"
			    "8.000,4.000,0,4,4,0,0,0,0,0,0,0,0,0,0,0,1.0,,\n"
			    "10.000,2.000,0,2,2,0,0,0,0,0,0,0,0,0,0,0,1.0,,\n");
	unlink(path);
	series_free(s);
}

static void a_folder_that_does_not_exist_is_an_error(void **state)
{
	(void)state;
	struct series *s = three_points();

	assert_int_equal(report_csv_write("/nonexistent-drench/x/series.csv", s), -ENOENT);
	assert_int_equal(report_csv_write(NULL, s), -EINVAL);
	assert_int_equal(report_csv_write("/tmp/x.csv", NULL), -EINVAL);
	series_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_point_is_one_row_under_the_header),
		cmocka_unit_test(an_empty_series_is_the_header_alone),
		cmocka_unit_test(a_compacted_series_has_one_row_per_stored_point),
		cmocka_unit_test(a_folder_that_does_not_exist_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
