/* SPDX-License-Identifier: BSD-3-Clause */
/* The local address list: every index maps to an address in the list and back,
 * an address outside every range has no index, the one-range list is today's
 * first + index arithmetic, and the list refuses what it cannot number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "addr-ranges.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* 198.18.0.2-9, .20, .40-47, added out of order */
static void three_ranges(struct addr_ranges *a)
{
	addr_ranges_clear(a);
	assert_int_equal(addr_ranges_add(a, IP(198, 18, 0, 40), 8), 0);
	assert_int_equal(addr_ranges_add(a, IP(198, 18, 0, 2), 8), 0);
	assert_int_equal(addr_ranges_add(a, IP(198, 18, 0, 20), 1), 0);
}

static bool in_list(uint32_t addr)
{
	return (addr >= IP(198, 18, 0, 2) && addr <= IP(198, 18, 0, 9)) ||
	       addr == IP(198, 18, 0, 20) ||
	       (addr >= IP(198, 18, 0, 40) && addr <= IP(198, 18, 0, 47));
}

static void every_index_maps_into_the_list_and_back(void **state)
{
	struct addr_ranges a;
	uint32_t prev = 0;

	(void)state;
	three_ranges(&a);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.total, 17);
	for (uint32_t i = 0; i < a.total; i++) {
		uint32_t addr = addr_ranges_at(&a, i);
		assert_true(in_list(addr));
		assert_true(addr > prev); /* distinct, in address order */
		prev = addr;
		assert_int_equal(addr_ranges_index(&a, addr), i);
	}
	assert_int_equal(addr_ranges_first(&a), IP(198, 18, 0, 2));
}

static void an_address_outside_every_range_has_no_index(void **state)
{
	struct addr_ranges a;

	(void)state;
	three_ranges(&a);
	for (uint32_t addr = IP(198, 18, 0, 0); addr <= IP(198, 18, 1, 0); addr++)
		assert_int_equal(addr_ranges_has(&a, addr), in_list(addr));
	assert_int_equal(addr_ranges_index(&a, 0), ADDR_NONE);
	assert_int_equal(addr_ranges_index(&a, UINT32_MAX), ADDR_NONE);
}

static void one_range_is_first_plus_index(void **state)
{
	struct addr_ranges a;
	const uint32_t first = IP(198, 18, 0, 2);

	(void)state;
	addr_ranges_one(&a, first, 64);
	assert_int_equal(a.total, 64);
	for (uint32_t i = 0; i < 64; i++) {
		assert_int_equal(addr_ranges_at(&a, i), first + i);
		assert_int_equal(addr_ranges_index(&a, first + i), i);
	}
	assert_int_equal(addr_ranges_index(&a, first - 1), ADDR_NONE);
	assert_int_equal(addr_ranges_index(&a, first + 64), ADDR_NONE);
	addr_ranges_one(&a, first, 0); /* 0 counts as 1, as n_local_addrs did */
	assert_int_equal(a.total, 1);
	assert_int_equal(addr_ranges_at(&a, 0), first);
}

static void overlap_empty_and_too_many_are_refused(void **state)
{
	struct addr_ranges a;

	(void)state;
	three_ranges(&a);
	assert_int_equal(addr_ranges_add(&a, IP(198, 18, 0, 9), 2), -EINVAL);  /* touches .2-9 */
	assert_int_equal(addr_ranges_add(&a, IP(198, 18, 0, 19), 2), -EINVAL); /* covers .20 */
	assert_int_equal(addr_ranges_add(&a, IP(198, 18, 0, 0), 100), -EINVAL);
	assert_int_equal(addr_ranges_add(&a, IP(198, 18, 0, 30), 0), -EINVAL);
	assert_int_equal(addr_ranges_add(&a, UINT32_MAX, 2), -EINVAL);         /* past 2^32 */
	assert_int_equal(a.total, 17);                                        /* unchanged */
	addr_ranges_clear(&a);
	for (uint32_t k = 0; k < ADDR_RANGES_MAX; k++)
		assert_int_equal(addr_ranges_add(&a, IP(10, 0, k, 1), 1), 0);
	assert_int_equal(addr_ranges_add(&a, IP(10, 1, 0, 1), 1), -E2BIG);
}

static void a_slice_takes_consecutive_indexes_across_ranges(void **state)
{
	struct addr_ranges a, s;

	(void)state;
	three_ranges(&a);
	addr_ranges_slice(&a, 6, 5, &s); /* .8 .9 .20 .40 .41 */
	assert_int_equal(s.n, 3);
	assert_int_equal(s.total, 5);
	assert_int_equal(addr_ranges_at(&s, 0), IP(198, 18, 0, 8));
	assert_int_equal(addr_ranges_at(&s, 2), IP(198, 18, 0, 20));
	assert_int_equal(addr_ranges_at(&s, 4), IP(198, 18, 0, 41));
	assert_int_equal(addr_ranges_index(&s, IP(198, 18, 0, 7)), ADDR_NONE);
	for (uint32_t i = 0; i < s.total; i++)
		assert_int_equal(addr_ranges_at(&s, i), addr_ranges_at(&a, 6 + i));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_index_maps_into_the_list_and_back),
		cmocka_unit_test(an_address_outside_every_range_has_no_index),
		cmocka_unit_test(one_range_is_first_plus_index),
		cmocka_unit_test(overlap_empty_and_too_many_are_refused),
		cmocka_unit_test(a_slice_takes_consecutive_indexes_across_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
