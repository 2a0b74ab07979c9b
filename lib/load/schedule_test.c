/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "schedule.h"

#define HZ 1e6 /* the virtual clock ticks in microseconds */

/* the integral of a linear rate, written independently of schedule.c */
static double expected_due(double from, double to, double dur_s, double t_s)
{
	if (t_s > dur_s)
		t_s = dur_s;
	return from * t_s + (to - from) * t_s * t_s / (2 * dur_s);
}

/* drive a worker loop tick by tick; conn_free(now) says if a request can go */
struct run {
	uint64_t sent;
	uint64_t late_sends; /* sent after their intended tick */
	uint64_t max_lag;
};

static void drive(struct schedule *s, uint64_t from, uint64_t to, uint64_t step,
		  int (*conn_free)(uint64_t), struct run *r)
{
	for (uint64_t now = from; now <= to; now += step) {
		uint64_t n = schedule_next(s, now);
		for (; n && conn_free(now); n--) {
			uint64_t intended = schedule_take(s);
			assert_true(intended <= now); /* never sent early */
			if (intended < now)
				r->late_sends++;
			if (now - intended > r->max_lag)
				r->max_lag = now - intended;
			r->sent++;
		}
		schedule_defer(s, now);
	}
}

static int always(uint64_t now)
{
	(void)now;
	return 1;
}

static void constant_rate_issues_requests_evenly(void **state)
{
	(void)state;
	struct schedule s;
	struct run r = {0};

	schedule_init(&s, 1000, 1000, 1000000, 5000, HZ);
	assert_int_equal(s.total, 1000);
	for (uint64_t k = 0; k < 1000; k++)
		assert_int_equal(schedule_intended(&s, k), 5000 + (k + 1) * 1000);
	assert_int_equal(schedule_intended(&s, 1000), UINT64_MAX);
	drive(&s, 0, 1100000, 1, always, &r);
	assert_int_equal(r.sent, 1000);
	assert_int_equal(r.late_sends, 0);
	assert_int_equal(s.delayed, 0);
}

static void ramp_follows_the_integral_of_the_rate(void **state)
{
	(void)state;
	struct schedule s;

	schedule_init(&s, 0, 2000, 1000000, 0, HZ); /* 0 -> 2000 rps over 1 s: 1000 requests */
	assert_int_equal(s.total, 1000);
	for (uint64_t t = 0; t <= 1000000; t += 12345) {
		double want = expected_due(0, 2000, 1.0, (double)t / HZ);
		assert_int_equal(schedule_due(&s, t), (uint64_t)floor(want + 1e-7));
	}
	assert_int_equal(schedule_due(&s, 500000), 250);
	/* each request is due at its own tick and not one tick before */
	uint64_t prev = 0;
	for (uint64_t k = 0; k < s.total; k++) {
		uint64_t t = schedule_intended(&s, k);
		assert_true(t >= prev);
		assert_true(schedule_due(&s, t) >= k + 1);
		assert_true(schedule_due(&s, t - 1) <= k);
		prev = t;
	}
	/* the gaps shrink as the rate grows */
	uint64_t early_gap = schedule_intended(&s, 11) - schedule_intended(&s, 10);
	uint64_t late_gap = schedule_intended(&s, 991) - schedule_intended(&s, 990);
	assert_true(early_gap > 5 * late_gap);
}

static void downward_ramp_and_fractional_rates_stay_exact(void **state)
{
	(void)state;
	struct schedule s;

	schedule_init(&s, 3000, 1000, 2000000, 0, HZ); /* 2 s at 3000 -> 1000: 4000 requests */
	assert_int_equal(s.total, 4000);
	for (uint64_t t = 0; t <= 2000000; t += 7919) {
		double want = expected_due(3000, 1000, 2.0, (double)t / HZ);
		assert_int_equal(schedule_due(&s, t), (uint64_t)floor(want + 1e-7));
	}
	schedule_init(&s, 0.5, 0.5, 10000000, 0, HZ); /* one request every 2 s */
	assert_int_equal(s.total, 5);
	assert_int_equal(schedule_intended(&s, 0), 2000000);
	assert_int_equal(schedule_intended(&s, 4), 10000000);
}

static uint64_t stall_from, stall_to;

static int free_outside_stall(uint64_t now)
{
	return now < stall_from || now >= stall_to;
}

static void requests_due_during_a_stall_are_delayed_not_skipped(void **state)
{
	(void)state;
	struct schedule s;
	struct run r = {0};

	/* 10000 rps for 1 s; no connection is free from 300 ms to 400 ms */
	stall_from = 300000;
	stall_to = 400000;
	schedule_init(&s, 10000, 10000, 1000000, 0, HZ);
	drive(&s, 0, 1000000, 10, free_outside_stall, &r);
	assert_int_equal(r.sent, 10000);        /* every request went out */
	assert_int_equal(s.taken, 10000);
	/* the ones due in [300 ms, 400 ms) waited: 1000 of them */
	assert_int_equal(s.delayed, 1000);
	assert_int_equal(r.late_sends, 1000);
	/* the first of them waited the whole stall: latency counts from intended */
	assert_true(r.max_lag >= 99900 && r.max_lag <= 100000);
}

static void defer_counts_each_waiting_request_once(void **state)
{
	(void)state;
	struct schedule s;

	schedule_init(&s, 1000, 1000, 1000000, 0, HZ);
	assert_int_equal(schedule_next(&s, 3000), 3);
	assert_int_equal(schedule_defer(&s, 3000), 3);
	assert_int_equal(schedule_defer(&s, 3500), 0);
	assert_int_equal(schedule_defer(&s, 4000), 1);
	assert_int_equal(schedule_take(&s), 1000);
	assert_int_equal(schedule_next(&s, 4000), 3);
	assert_int_equal(s.delayed, 4);
	assert_int_equal(schedule_next(&s, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(constant_rate_issues_requests_evenly),
		cmocka_unit_test(ramp_follows_the_integral_of_the_rate),
		cmocka_unit_test(downward_ramp_and_fractional_rates_stay_exact),
		cmocka_unit_test(requests_due_during_a_stall_are_delayed_not_skipped),
		cmocka_unit_test(defer_counts_each_waiting_request_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
