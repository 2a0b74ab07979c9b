/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
/* clang-format on */

#include "busy.h"

static void only_turns_that_worked_count_as_busy(void **state)
{
	struct busy_cycles b = {0};

	(void)state;
	busy_account(&b, 1000, 1100, true);  /* 100 busy */
	busy_account(&b, 1100, 1400, false); /* 300 idle */
	busy_account(&b, 1400, 1500, true);  /* 100 busy */
	assert_int_equal(b.busy, 200);
	assert_int_equal(b.total, 500);
	assert_float_equal(busy_share(&(struct busy_cycles){0}, &b), 0.4, 1e-12);
}

static void the_share_is_of_the_interval_between_copies(void **state)
{
	struct busy_cycles b = {0}, before;

	(void)state;
	busy_account(&b, 0, 1000, true); /* all busy before the copy */
	before = b;
	busy_account(&b, 1000, 1250, true);
	busy_account(&b, 1250, 2000, false);
	assert_float_equal(busy_share(&before, &b), 0.25, 1e-12);
	assert_float_equal(busy_share(&(struct busy_cycles){0}, &b), 1250.0 / 2000, 1e-12);
}

static void the_tsc_wrapping_around_still_counts_the_turn(void **state)
{
	struct busy_cycles b = {0};

	(void)state;
	busy_account(&b, UINT64_MAX - 9, 10, true); /* 20 cycles across the wrap */
	assert_int_equal(b.total, 20);
	assert_int_equal(b.busy, 20);
}

static void no_cycles_or_a_torn_copy_is_not_a_share(void **state)
{
	struct busy_cycles b = {0}, torn = {.busy = 10, .total = 5};

	(void)state;
	assert_true(isnan(busy_share(&b, &b)));
	assert_true(isnan(busy_share(&(struct busy_cycles){0}, &torn)));
}

static void an_idle_loop_is_zero_a_saturated_one_is_one(void **state)
{
	struct busy_cycles idle = {0}, full = {0};

	(void)state;
	for (uint64_t t = 0; t < 100; t++) {
		busy_account(&idle, t * 7, t * 7 + 7, false);
		busy_account(&full, t * 7, t * 7 + 7, true);
	}
	assert_float_equal(busy_share(&(struct busy_cycles){0}, &idle), 0, 0);
	assert_float_equal(busy_share(&(struct busy_cycles){0}, &full), 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_turns_that_worked_count_as_busy),
		cmocka_unit_test(the_share_is_of_the_interval_between_copies),
		cmocka_unit_test(the_tsc_wrapping_around_still_counts_the_turn),
		cmocka_unit_test(no_cycles_or_a_torn_copy_is_not_a_share),
		cmocka_unit_test(an_idle_loop_is_zero_a_saturated_one_is_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
