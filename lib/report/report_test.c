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

#include "out-file.h"
#include "report.h"

static const struct report_phase warmup = {
	.name = "warmup",
	.start = 1700000000.5,
	.end = 1700000060.25,
	.requests = 123456,
	.responses = {120000, 3000, 400, 56},
	.err_connect = 1,
	.err_timeout = 2,
	.err_reset = 3,
	.err_parse = 4,
	.err_validation = 5,
	.rps = 2057.6,
	.p50 = 310,
	.p90 = 820.5,
	.p99 = 4100,
	.p999 = 9000,
	.max = 15000,
};

static const struct report_metric heap_metrics[] = {
	{.name = "go_memstats_heap_inuse_bytes",
	 .verdict = "leak",
	 .slope_per_hour = 52428800.0,
	 .bytes_per_request = 412.5},
	{.name = "go_goroutines", .verdict = "ok", .slope_per_hour = 0.5, .bytes_per_request = NAN},
};

static const char *const heap_profiles[] = {"profiles/api/heap-base.pb.gz",
					    "profiles/api/heap-leak.pb.gz"};

static const struct report_target api = {
	.name = "api",
	.verdict = "leak",
	.metrics = heap_metrics,
	.n_metrics = 2,
	.profiles = heap_profiles,
	.n_profiles = 2,
};

static json_t *full_report(void)
{
	json_t *r = report_new();

	assert_non_null(r);
	assert_non_null(report_add_phase(r, &warmup));
	assert_non_null(report_add_target(r, &api));
	return r;
}

static void a_new_report_is_empty_passing_and_valid(void **state)
{
	json_t *r = report_new();
	char err[128];

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(r, "schema")), 1);
	assert_string_equal(json_string_value(json_object_get(r, "verdict")), "pass");
	assert_int_equal(json_array_size(json_object_get(r, "phases")), 0);
	assert_int_equal(json_array_size(json_object_get(r, "targets")), 0);
	assert_int_equal(report_validate(r, err, sizeof(err)), 0);
	json_decref(r);
}

static void phase_fields_are_written_under_contract_keys(void **state)
{
	json_t *r = full_report();
	json_t *p = json_array_get(json_object_get(r, "phases"), 0);

	(void)state;
	assert_string_equal(json_string_value(json_object_get(p, "name")), "warmup");
	assert_true(json_real_value(json_object_get(p, "start")) == warmup.start);
	assert_int_equal(json_integer_value(json_object_get(p, "requests")), 123456);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(p, "responses"), "4xx")), 400);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(p, "errors"), "validation")), 5);
	assert_true(json_real_value(json_object_get(json_object_get(p, "latency_us"), "p90")) ==
		    820.5);
	json_decref(r);
}

static void a_report_round_trips_through_a_file_and_validates(void **state)
{
	char dir[] = "/tmp/report_test.XXXXXX";
	char path[64], err[256];
	json_error_t jerr;
	json_t *r, *back;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/report.json", dir);
	r = full_report();
	report_set_verdict(r, false);
	assert_int_equal(report_write(r, path), 0);

	back = json_load_file(path, 0, &jerr);
	assert_non_null(back);
	assert_true(json_equal(r, back));
	assert_int_equal(report_validate_file(path, err, sizeof(err)), 0);
	assert_string_equal(json_string_value(json_object_get(back, "verdict")), "fail");

	json_decref(back);
	json_decref(r);
	unlink(path);
	assert_int_equal(rmdir(dir), 0); /* no temporary file left behind */
}

static void writing_into_a_missing_folder_fails_with_errno(void **state)
{
	json_t *r = report_new();

	(void)state;
	assert_int_equal(report_write(r, "/tmp/report_test_no_such_dir/x/report.json"), -ENOENT);
	json_decref(r);
}

static void output_folders_are_made_with_their_parents(void **state)
{
	char base[] = "/tmp/report_test_dirs.XXXXXX", deep[128], file[160];
	json_t *r = report_new();

	(void)state;
	assert_non_null(mkdtemp(base));
	snprintf(deep, sizeof(deep), "%s/a/b/", base);
	assert_int_equal(out_dir_make(deep), 0);
	assert_int_equal(out_dir_make(deep), 0); /* already there: fine */
	snprintf(file, sizeof(file), "%s/a/b/report.json", base);
	assert_int_equal(report_write(r, file), 0);
	snprintf(file, sizeof(file), "%s/a/b/report.json/c", base);
	assert_int_equal(out_dir_make(file), -ENOTDIR);
	json_decref(r);
	snprintf(file, sizeof(file), "%s/a/b/report.json", base);
	unlink(file);
	snprintf(file, sizeof(file), "%s/a/b", base);
	rmdir(file);
	snprintf(file, sizeof(file), "%s/a", base);
	rmdir(file);
	assert_int_equal(rmdir(base), 0);
}

static void nan_and_infinity_become_null(void **state)
{
	struct report_phase idle = {.name = "idle",
				    .start = 1,
				    .end = 2,
				    .rps = NAN,
				    .p50 = NAN,
				    .p90 = NAN,
				    .p99 = NAN,
				    .p999 = NAN,
				    .max = INFINITY};
	json_t *r = full_report();
	json_t *m = json_array_get(
		json_object_get(json_array_get(json_object_get(r, "targets"), 0), "metrics"), 1);
	json_t *p = report_add_phase(r, &idle);
	char err[128];

	(void)state;
	assert_true(json_is_null(json_object_get(m, "bytes_per_request")));
	assert_true(json_is_real(json_object_get(m, "slope_per_hour")));
	assert_true(json_is_null(json_object_get(p, "rps")));
	assert_true(json_is_null(json_object_get(json_object_get(p, "latency_us"), "max")));
	assert_int_equal(report_validate(r, err, sizeof(err)), 0);
	json_decref(r);
}

static void returned_objects_accept_extra_fields(void **state)
{
	json_t *r = report_new();
	json_t *p = report_add_phase(r, &warmup);
	json_t *t = report_add_target(r, &api);
	json_t *m0 = json_array_get(json_object_get(t, "metrics"), 0);
	char err[128];

	(void)state;
	json_object_set_new(p, "latency_uncorrected_us", json_object());
	json_object_set_new(m0, "samples", json_integer(42));
	assert_int_equal(report_validate(r, err, sizeof(err)), 0);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(
				json_object_get(json_array_get(json_object_get(r, "targets"), 0),
						"metrics"),
				0),
			"samples")),
		42);
	json_decref(r);
}

static void counts_beyond_int64_are_clamped_not_negative(void **state)
{
	struct report_phase big = warmup;
	json_t *r = report_new();
	json_t *p;

	(void)state;
	big.requests = UINT64_MAX;
	p = report_add_phase(r, &big);
	assert_int_equal(json_integer_value(json_object_get(p, "requests")), INT64_MAX);
	json_decref(r);
}

/* Break one key of a valid report, then expect validation to name that key. */
struct breakage {
	int line;
	const char *parent; /* JSON pointer-ish: object to edit, found by walk() */
	const char *key;
	json_t *(*value)(void); /* NULL: delete the key */
	const char *expect;	/* error message prefix */
};

static json_t *a_string(void)
{
	return json_string("x");
}
static json_t *a_negative(void)
{
	return json_integer(-1);
}
static json_t *a_real(void)
{
	return json_real(1.5);
}
static json_t *a_number(void)
{
	return json_integer(3);
}
static json_t *bad_verdict(void)
{
	return json_string("maybe");
}
static json_t *an_object(void)
{
	return json_object();
}

static json_t *walk(json_t *r, const char *where)
{
	json_t *phase = json_array_get(json_object_get(r, "phases"), 0);
	json_t *target = json_array_get(json_object_get(r, "targets"), 0);

	if (strcmp(where, "") == 0)
		return r;
	if (strcmp(where, "phase") == 0)
		return phase;
	if (strcmp(where, "phase.latency") == 0)
		return json_object_get(phase, "latency_us");
	if (strcmp(where, "phase.responses") == 0)
		return json_object_get(phase, "responses");
	if (strcmp(where, "phase.errors") == 0)
		return json_object_get(phase, "errors");
	if (strcmp(where, "target") == 0)
		return target;
	if (strcmp(where, "metric1") == 0)
		return json_array_get(json_object_get(target, "metrics"), 1);
	fail_msg("unknown place %s", where);
	return NULL;
}

static const struct breakage breakages[] = {
	{__LINE__, "", "schema", NULL, "schema: missing"},
	{__LINE__, "", "schema", a_number, "schema: unsupported schema 3"},
	{__LINE__, "", "verdict", bad_verdict, "verdict: unexpected value \"maybe\""},
	{__LINE__, "", "phases", an_object, "phases: expected array"},
	{__LINE__, "", "targets", NULL, "targets: missing"},
	{__LINE__, "phase", "name", NULL, "phases[0].name: missing"},
	{__LINE__, "phase", "start", a_string, "phases[0].start: expected number"},
	{__LINE__, "phase", "requests", a_negative, "phases[0].requests: expected non-negative"},
	{__LINE__, "phase", "requests", a_real, "phases[0].requests: expected non-negative"},
	{__LINE__, "phase", "rps", a_string, "phases[0].rps: expected number or null"},
	{__LINE__, "phase.latency", "p999", NULL, "phases[0].latency_us.p999: missing"},
	{__LINE__, "phase.responses", "5xx", a_string, "phases[0].responses.5xx: expected"},
	{__LINE__, "phase.errors", "parse", NULL, "phases[0].errors.parse: missing"},
	{__LINE__, "target", "verdict", bad_verdict, "targets[0].verdict: unexpected value"},
	{__LINE__, "target", "profiles", a_string, "targets[0].profiles: expected array"},
	{__LINE__, "metric1", "bytes_per_request", NULL,
	 "targets[0].metrics[1].bytes_per_request: missing"},
	{__LINE__, "metric1", "name", a_number, "targets[0].metrics[1].name: expected string"},
};

static void a_broken_key_fails_validation_naming_the_key(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(breakages) / sizeof(breakages[0]); i++) {
		const struct breakage *b = &breakages[i];
		json_t *r = full_report();
		json_t *parent = walk(r, b->parent);
		char err[256] = "";

		if (b->value == NULL)
			json_object_del(parent, b->key);
		else
			json_object_set_new(parent, b->key, b->value());
		if (report_validate(r, err, sizeof(err)) != -EINVAL ||
		    strncmp(err, b->expect, strlen(b->expect)) != 0)
			fail_msg("line %d: expected \"%s...\", got \"%s\"", b->line, b->expect,
				 err);
		json_decref(r);
	}
}

static void a_profile_that_is_not_a_string_is_named(void **state)
{
	json_t *r = full_report();
	json_t *profiles =
		json_object_get(json_array_get(json_object_get(r, "targets"), 0), "profiles");
	char err[128];

	(void)state;
	json_array_append_new(profiles, json_integer(7));
	assert_int_equal(report_validate(r, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "targets[0].profiles[2]: expected string");
	json_decref(r);
}

static void validating_a_missing_or_garbled_file_fails(void **state)
{
	char path[] = "/tmp/report_test_garbled.XXXXXX";
	char err[256];
	int fd = mkstemp(path);

	(void)state;
	assert_int_equal(
		report_validate_file("/tmp/report_test_does_not_exist.json", err, sizeof(err)),
		-ENOENT);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"schema\": 1,", 13), 13);
	close(fd);
	assert_int_equal(report_validate_file(path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_report_is_empty_passing_and_valid),
		cmocka_unit_test(phase_fields_are_written_under_contract_keys),
		cmocka_unit_test(a_report_round_trips_through_a_file_and_validates),
		cmocka_unit_test(writing_into_a_missing_folder_fails_with_errno),
		cmocka_unit_test(output_folders_are_made_with_their_parents),
		cmocka_unit_test(nan_and_infinity_become_null),
		cmocka_unit_test(returned_objects_accept_extra_fields),
		cmocka_unit_test(counts_beyond_int64_are_clamped_not_negative),
		cmocka_unit_test(a_broken_key_fails_validation_naming_the_key),
		cmocka_unit_test(a_profile_that_is_not_a_string_is_named),
		cmocka_unit_test(validating_a_missing_or_garbled_file_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
