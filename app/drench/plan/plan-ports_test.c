/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports of one run: every worker polls exactly one port, every port has a
 * worker, the blocks are even and the local ports are never shared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan-ports.h"

static void every_worker_on_one_port_and_every_port_polled(void **state)
{
	(void)state;
	for (uint16_t n = 1; n <= 64; n++) {
		for (uint16_t k = 1; k <= n && k <= 8; k++) {
			uint16_t next = 0, lo = UINT16_MAX, hi = 0;
			for (uint16_t p = 0; p < k; p++) {
				struct plan_port_span s;
				plan_port_span(n, k, p, 10000, 65535, &s);
				assert_int_equal(s.first_worker, next);
				assert_true(s.n_workers >= 1);
				for (uint16_t w = s.first_worker; w < s.first_worker + s.n_workers; w++)
					assert_int_equal(plan_port_of_worker(n, k, w), p);
				next = (uint16_t)(next + s.n_workers);
				lo = s.n_workers < lo ? s.n_workers : lo;
				hi = s.n_workers > hi ? s.n_workers : hi;
			}
			assert_int_equal(next, n);
			assert_true(hi - lo <= 1);
		}
	}
}

/* Every local port on exactly one port of the run, and each worker (port
 * span / its workers) gets the same share, to one port. */
static void local_ports_split_without_overlap_alike_per_worker(void **state)
{
	(void)state;
	for (uint16_t n = 1; n <= 64; n++) {
		for (uint16_t k = 1; k <= n && k <= 8; k++) {
			uint32_t next = 10000, lo = UINT32_MAX, hi = 0;
			for (uint16_t p = 0; p < k; p++) {
				struct plan_port_span s;
				plan_port_span(n, k, p, 10000, 65535, &s);
				assert_int_equal(s.port_min, next);
				assert_true(s.port_max >= s.port_min);
				uint32_t each = ((uint32_t)s.port_max - s.port_min + 1) / s.n_workers;
				lo = each < lo ? each : lo;
				hi = each > hi ? each : hi;
				next = (uint32_t)s.port_max + 1;
			}
			assert_int_equal(next, 65536);
			assert_true(hi - lo <= 1);
		}
	}
}

static void one_port_keeps_everything(void **state)
{
	struct plan_port_span s;

	(void)state;
	plan_port_span(3, 1, 0, 10000, 65535, &s);
	assert_int_equal(s.first_worker, 0);
	assert_int_equal(s.n_workers, 3);
	assert_int_equal(s.port_min, 10000);
	assert_int_equal(s.port_max, 65535);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_worker_on_one_port_and_every_port_polled),
		cmocka_unit_test(local_ports_split_without_overlap_alike_per_worker),
		cmocka_unit_test(one_port_keeps_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
