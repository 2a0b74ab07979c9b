/* SPDX-License-Identifier: BSD-3-Clause */
/* expect.max_port_waits: the gate on waits for a free (address, port). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "expect.h"

/* cmocka has a macro of the same name: take the function before it */
static size_t (*const gate)(const struct campaign_expect *, const struct phase_stats *,
			    struct expect_failure *, size_t) = expect_check;

#include <cmocka.h>

static void port_waits_over_the_limit_fail_the_gate(void **state)
{
	(void)state;
	static struct phase_stats s;
	struct campaign_expect e = {.has_max_port_waits = true, .max_port_waits = 2};
	struct expect_failure f[4];

	s.c.port_waits = 2;
	assert_int_equal(gate(&e, &s, f, 4), 0);
	s.c.port_waits = 3;
	assert_int_equal(gate(&e, &s, f, 4), 1);
	assert_non_null(strstr(f[0].what, "3 waits for a free port > 2"));
	e.has_max_port_waits = false; /* unset: no gate */
	assert_int_equal(gate(&e, &s, f, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(port_waits_over_the_limit_fail_the_gate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
