/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "series.h"

_Static_assert(sizeof(struct series_point) <= 144, "docs state 576 KiB for 4096 points");

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng_next(void) /* xorshift64*: seeded, same data every run */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static struct series_point random_point(double t)
{
	struct series_point p = {.t = t, .phase = (uint32_t)(t / 1000)};

	p.requests = rng_next() % 100000;
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		p.responses[c] = rng_next() % 1000;
	p.err_connect = rng_next() % 7;
	p.err_timeout = rng_next() % 11;
	p.err_reset = rng_next() % 13;
	p.err_parse = rng_next() % 3;
	p.err_validation = rng_next() % 5;
	p.retrans = rng_next() % 17;
	p.open_conns = (uint32_t)(rng_next() % 5000);
	p.p50_us = (rng_next() % 4 == 0) ? NAN : (double)(rng_next() % 1000);
	p.p99_us = (rng_next() % 4 == 0) ? NAN : (double)(rng_next() % 100000);
	return p;
}

/* What series_total() must say, kept independently. */
struct totals {
	uint64_t requests, responses[SERIES_N_CLASSES], errs[5], retrans;
	double p99_max;
};

static void totals_add(struct totals *t, const struct series_point *p)
{
	t->requests += p->requests;
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		t->responses[c] += p->responses[c];
	t->errs[0] += p->err_connect;
	t->errs[1] += p->err_timeout;
	t->errs[2] += p->err_reset;
	t->errs[3] += p->err_parse;
	t->errs[4] += p->err_validation;
	t->retrans += p->retrans;
	if (!isnan(p->p99_us) && (isnan(t->p99_max) || p->p99_us > t->p99_max))
		t->p99_max = p->p99_us;
}

static void assert_totals_equal(const struct totals *want, const struct totals *got)
{
	assert_int_equal(want->requests, got->requests);
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		assert_int_equal(want->responses[c], got->responses[c]);
	for (int k = 0; k < 5; k++)
		assert_int_equal(want->errs[k], got->errs[k]);
	assert_int_equal(want->retrans, got->retrans);
	assert_true(want->p99_max == got->p99_max);
}

static void compaction_keeps_totals_exact(void **state)
{
	(void)state;
	struct series *s = series_create(64);
	struct totals want = {.p99_max = NAN}, stored = {.p99_max = NAN}, total = {.p99_max = NAN};
	struct series_point sum;

	assert_non_null(s);
	for (int i = 1; i <= 10007; i++) {
		struct series_point p = random_point(i);

		totals_add(&want, &p);
		assert_int_equal(series_add(s, &p), 0);
	}
	assert_true(series_raw_per_point(s) > 1); /* it did compact */
	for (size_t i = 0; i < series_count(s); i++)
		totals_add(&stored, series_at(s, i));
	assert_totals_equal(&want, &stored);
	series_total(s, &sum);
	totals_add(&total, &sum);
	assert_totals_equal(&want, &total);
	assert_true(sum.t == 10007.0);
	series_free(s);
}

static void each_point_merges_a_run_of_consecutive_intervals(void **state)
{
	(void)state;
	struct series *s = series_create(16);
	const uint64_t n = 1000;

	/* interval i carries requests = i, so a stored point's sum names its range */
	for (uint64_t i = 0; i < n; i++) {
		struct series_point p = {
			.t = (double)(i + 1), .requests = i, .open_conns = (uint32_t)i};
		assert_int_equal(series_add(s, &p), 0);
	}
	uint64_t f = series_raw_per_point(s);
	assert_int_equal(f, 64); /* 1000 points in 16 slots: 64 per point */
	for (size_t k = 0; k < series_count(s); k++) {
		uint64_t lo = k * f, hi = lo + f < n ? lo + f : n;
		const struct series_point *p = series_at(s, k);

		assert_int_equal(p->requests, (lo + hi - 1) * (hi - lo) / 2);
		assert_true(p->t == (double)hi);	 /* the later interval's end */
		assert_int_equal(p->open_conns, hi - 1); /* the later gauge */
	}
	series_free(s);
}

static void points_stay_in_time_order_and_ends_are_kept(void **state)
{
	(void)state;
	struct series *s = series_create(4096);
	const int seconds = 72 * 3600; /* a 72-hour soak, one point per second */

	for (int i = 1; i <= seconds; i++) {
		struct series_point p = {.t = i, .requests = 1};
		assert_int_equal(series_add(s, &p), 0);
		assert_true(series_count(s) <= 4096);
	}
	assert_true(series_count(s) > 2048);
	for (size_t i = 1; i < series_count(s); i++)
		assert_true(series_at(s, i - 1)->t < series_at(s, i)->t);
	assert_true(series_at(s, series_count(s) - 1)->t == (double)seconds);
	assert_int_equal(series_raw_count(s), seconds);
	assert_true(fabs(series_interval(s) - 64.0) < 1e-9); /* 259200 / 4096 -> 64 s */
	assert_null(series_at(s, series_count(s)));
	series_free(s);
}

static void interval_doubles_each_time_the_series_fills(void **state)
{
	(void)state;
	struct series *s = series_create(8);
	double want = 0.5;

	assert_true(series_interval(s) == 0);
	for (int i = 1; i <= 8 * 16; i++) {
		struct series_point p = {.t = i * 0.5};

		assert_int_equal(series_add(s, &p), 0);
		/* the array overflows at 9, 17, 33, 65 points: resolution halves */
		if (i == 9 || i == 17 || i == 33 || i == 65)
			want *= 2;
		assert_true(fabs(series_interval(s) - want) < 1e-12);
	}
	assert_int_equal(series_raw_per_point(s), 16);
	assert_int_equal(series_count(s), 8);
	assert_true(fabs(series_point_seconds(s, 3) - 8.0) < 1e-12);
	series_free(s);
}

static void latency_of_merged_points_is_the_larger_known_one(void **state)
{
	(void)state;
	struct series *s = series_create(2);
	struct series_point a = {.t = 1, .p50_us = 10, .p99_us = NAN};
	struct series_point b = {.t = 2, .p50_us = NAN, .p99_us = NAN};
	struct series_point c = {.t = 3, .p50_us = 30, .p99_us = 700};
	struct series_point d = {.t = 4, .p50_us = 20, .p99_us = 900};

	assert_int_equal(series_add(s, &a), 0);
	assert_int_equal(series_add(s, &b), 0);
	assert_int_equal(series_add(s, &c), 0); /* a+b, c */
	assert_int_equal(series_add(s, &d), 0); /* a+b, c+d */
	assert_int_equal(series_count(s), 2);
	assert_true(series_at(s, 0)->p50_us == 10);
	assert_true(isnan(series_at(s, 0)->p99_us));
	assert_true(series_at(s, 1)->p50_us == 30);
	assert_true(series_at(s, 1)->p99_us == 900);
	series_free(s);
}

static void points_out_of_time_order_are_rejected(void **state)
{
	(void)state;
	struct series *s = series_create(4);
	struct series_point p = {.t = 5}, earlier = {.t = 4.5}, same = {.t = 5}, bad = {.t = NAN};

	assert_int_equal(series_add(s, &p), 0);
	assert_int_equal(series_add(s, &earlier), -EINVAL);
	assert_int_equal(series_add(s, &bad), -EINVAL);
	assert_int_equal(series_add(s, NULL), -EINVAL);
	assert_int_equal(series_add(s, &same), 0);
	assert_int_equal(series_raw_count(s), 2);
	series_free(s);
}

static void odd_or_tiny_capacities_are_refused(void **state)
{
	(void)state;
	errno = 0;
	assert_null(series_create(0));
	assert_int_equal(errno, EINVAL);
	assert_null(series_create(1));
	assert_null(series_create(7));
	assert_null(series_create(SIZE_MAX));
	struct series *s = series_create(2);
	assert_non_null(s);
	assert_int_equal(series_count(s), 0);
	assert_null(series_at(s, 0));
	series_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compaction_keeps_totals_exact),
		cmocka_unit_test(each_point_merges_a_run_of_consecutive_intervals),
		cmocka_unit_test(points_stay_in_time_order_and_ends_are_kept),
		cmocka_unit_test(interval_doubles_each_time_the_series_fills),
		cmocka_unit_test(latency_of_merged_points_is_the_larger_known_one),
		cmocka_unit_test(points_out_of_time_order_are_rejected),
		cmocka_unit_test(odd_or_tiny_capacities_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
