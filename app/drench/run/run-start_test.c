/* SPDX-License-Identifier: BSD-3-Clause */
/* --start-at: the time is parsed in UTC, the wait ends at it, not before,
 * and a time already past is said to be late. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "cli-args.h"
#include "host-clock.h"
#include "run-start.h"

static void start_times_are_utc_or_unix_seconds(void **state)
{
	(void)state;
	double t = 0;
	assert_int_equal(cli_parse_wall_time("2026-12-03T06:00:00Z", &t), 0);
	assert_true(t == 1796277600.0);
	assert_int_equal(cli_parse_wall_time("@1796277600.25", &t), 0);
	assert_true(t == 1796277600.25);
	assert_int_equal(cli_parse_wall_time("2026-12-03T06:00:00", &t), -EINVAL); /* no zone */
	assert_int_equal(cli_parse_wall_time("2026-12-03T06:00:00+01:00", &t), -EINVAL);
	assert_int_equal(cli_parse_wall_time("2026-12-03 06:00:00Z", &t), -EINVAL);
	assert_int_equal(cli_parse_wall_time("@", &t), -EINVAL);
	assert_int_equal(cli_parse_wall_time("@-5", &t), -EINVAL);
	assert_int_equal(cli_parse_wall_time("@12x", &t), -EINVAL);
	assert_int_equal(cli_parse_wall_time("tomorrow", &t), -EINVAL);
}

static void the_wait_ends_at_the_time_asked(void **state)
{
	(void)state;
	struct run_start st;
	double at = unix_now() + 0.15;

	assert_int_equal(run_start_wait(at, NULL, &st), 0);
	assert_true(st.asked == at);
	assert_true(st.began >= at);
	assert_true(st.began - at < 0.1); /* a generous bound on a loaded machine */
	json_t *j = run_start_json(&st);
	assert_non_null(j);
	assert_true(json_real_value(json_object_get(j, "late_s")) >= 0);
	assert_non_null(json_object_get(json_object_get(j, "clock"), "synchronized"));
	json_decref(j);
}

static void a_time_past_is_said_late(void **state)
{
	(void)state;
	struct run_start st;
	double at = unix_now() - 2;

	assert_int_equal(run_start_wait(at, NULL, &st), -ETIME);
	assert_true(st.began - st.asked >= 2);
	assert_int_equal(run_start_wait(0, NULL, &st), 0);
	assert_null(run_start_json(&st)); /* no start asked, none reported */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(start_times_are_utc_or_unix_seconds),
		cmocka_unit_test(the_wait_ends_at_the_time_asked),
		cmocka_unit_test(a_time_past_is_said_late),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
