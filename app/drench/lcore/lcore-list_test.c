/* SPDX-License-Identifier: BSD-3-Clause */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "lcore-list.h"

static cpu_set_t cpus(int n)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	for (int i = 0; i < n; i++)
		CPU_SET(i, &s);
	return s;
}

/* Workers on every CPU of a 2-CPU machine leave the main lcore on CPU 2. */
static void a_main_lcore_past_the_last_cpu_is_named(void **state)
{
	cpu_set_t two = cpus(2);

	(void)state;
	assert_int_equal(lcore_list_first_unavailable("2,0,1", &two), 2);
	assert_int_equal(lcore_list_first_unavailable("0,1", &two), -1);
}

static void ranges_are_checked_whole(void **state)
{
	cpu_set_t four = cpus(4);

	(void)state;
	assert_int_equal(lcore_list_first_unavailable("0-3", &four), -1);
	assert_int_equal(lcore_list_first_unavailable("0,3-5", &four), 4);
	CPU_CLR(1, &four);
	assert_int_equal(lcore_list_first_unavailable("0-2", &four), 1);
}

static void what_is_not_a_plain_list_is_left_to_the_eal(void **state)
{
	cpu_set_t two = cpus(2);

	(void)state;
	assert_int_equal(lcore_list_first_unavailable("0@0,1@1", &two), -1);
	assert_int_equal(lcore_list_first_unavailable("x", &two), -1);
	assert_int_equal(lcore_list_first_unavailable("3-1", &two), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_main_lcore_past_the_last_cpu_is_named),
		cmocka_unit_test(ranges_are_checked_whole),
		cmocka_unit_test(what_is_not_a_plain_list_is_left_to_the_eal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
