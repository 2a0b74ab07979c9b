/* SPDX-License-Identifier: BSD-3-Clause */
/* The main lcore prefers the port's node while it builds a worker's tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <numa.h>
#include <numaif.h>

#include "numa-place.h"

static int policy_mode(void)
{
	int mode = -1;

	assert_int_equal(get_mempolicy(&mode, NULL, 0, NULL, 0), 0);
	return mode;
}

static void the_port_node_is_preferred_then_local_again(void **state)
{
	(void)state;
	if (numa_available() < 0)
		skip();
	assert_true(numa_place_begin(numa_max_node()));
	assert_int_equal(policy_mode(), MPOL_PREFERRED);
	assert_int_equal(numa_preferred(), numa_max_node());
	numa_place_end();
	assert_int_not_equal(policy_mode(), MPOL_PREFERRED);
}

static void a_virtual_device_changes_nothing(void **state)
{
	(void)state;
	int before = policy_mode();

	assert_false(numa_place_begin(-1)); /* SOCKET_ID_ANY */
	assert_false(numa_place_begin(numa_max_node() + 1));
	assert_int_equal(policy_mode(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_port_node_is_preferred_then_local_again),
		cmocka_unit_test(a_virtual_device_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
