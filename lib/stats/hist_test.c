/* SPDX-License-Identifier: BSD-3-Clause */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "hist.h"

_Static_assert(sizeof(struct hist) <= 32 * 1024, "a histogram must fit in 32 KiB");

#define N_VALUES 100000

static uint64_t rng_state;

static uint64_t rng_next(void) /* xorshift64*: seeded, same data every run */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* Spread over all magnitudes, 1 us .. HIST_MAX_VALUE. */
static uint64_t log_uniform(void)
{
	return (uint64_t)exp(rng_unit() * log((double)HIST_MAX_VALUE));
}

static uint64_t uniform_small(void)
{
	return 1 + rng_next() % 5000;
}

/* A typical latency: ~300 us body with a long tail. */
static uint64_t long_tail(void)
{
	return 200 + (uint64_t)(-300.0 * log(1.0 - rng_unit())) +
	       (rng_next() % 100 == 0 ? rng_next() % 2000000 : 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact answer the histogram approximates: the value of rank ceil(p% * n). */
static uint64_t exact_percentile(const uint64_t *sorted, size_t n, double p)
{
	double r = ceil(p / 100.0 * (double)n);
	size_t rank = r < 1 ? 1 : r > (double)n ? n : (size_t)r;

	return sorted[rank - 1];
}

static void check_relative_error(uint64_t (*gen)(void), uint64_t seed, int line)
{
	static const double ps[] = {0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};
	uint64_t *values = malloc(N_VALUES * sizeof(*values));
	struct hist *h = hist_create();

	assert_non_null(values);
	assert_non_null(h);
	rng_state = seed;
	for (size_t i = 0; i < N_VALUES; i++) {
		values[i] = gen();
		hist_record(h, values[i]);
	}
	qsort(values, N_VALUES, sizeof(*values), cmp_u64);
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]) + 200; i++) {
		double p = i < sizeof(ps) / sizeof(ps[0]) ? ps[i] : rng_unit() * 100;
		uint64_t want = exact_percentile(values, N_VALUES, p);
		uint64_t got = hist_percentile(h, p);
		double err = fabs((double)got - (double)want) / (double)want;

		if (err > 0.01)
			fail_msg("line %d: p%g = %lu, exact %lu (error %.3f%%)", line, p,
				 (unsigned long)got, (unsigned long)want, err * 100);
	}
	assert_int_equal(hist_min(h), values[0]);
	assert_int_equal(hist_max(h), values[N_VALUES - 1]);
	free(values);
	hist_free(h);
}

static void relative_error_is_within_one_percent_of_exact_percentiles(void **state)
{
	(void)state;
	check_relative_error(log_uniform, 0x1234567, __LINE__);
	check_relative_error(uniform_small, 0xdeadbeef, __LINE__);
	check_relative_error(long_tail, 42, __LINE__);
}

static void check_value_in_its_bucket(uint64_t v)
{
	unsigned b = hist_bucket_of(v);
	uint64_t lo = hist_bucket_low(b), hi = hist_bucket_high(b);

	if (b >= HIST_N_BUCKETS || v < lo || v > hi)
		fail_msg("value %lu in bucket %u [%lu, %lu]", (unsigned long)v, b,
			 (unsigned long)lo, (unsigned long)hi);
	/* width at most 1/128 of the lower bound, or exact */
	if (hi - lo + 1 > 1 && (hi - lo + 1) * 128 > lo)
		fail_msg("bucket %u [%lu, %lu] too wide", b, (unsigned long)lo, (unsigned long)hi);
}

static void every_value_falls_in_a_narrow_bucket_that_holds_it(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 4096; v++)
		check_value_in_its_bucket(v);
	for (unsigned k = 1; k <= HIST_MAX_BITS; k++) {
		uint64_t p2 = UINT64_C(1) << k;

		check_value_in_its_bucket(p2 - 1);
		if (p2 <= HIST_MAX_VALUE) {
			check_value_in_its_bucket(p2);
			check_value_in_its_bucket(p2 + 1);
		}
	}
	rng_state = 7;
	for (int i = 0; i < 100000; i++)
		check_value_in_its_bucket(rng_next() & HIST_MAX_VALUE);
}

static void buckets_tile_the_range_without_gaps(void **state)
{
	(void)state;
	assert_int_equal(hist_bucket_low(0), 0);
	for (unsigned b = 0; b + 1 < HIST_N_BUCKETS; b++) {
		if (hist_bucket_low(b + 1) != hist_bucket_high(b) + 1)
			fail_msg("gap after bucket %u", b);
	}
	assert_int_equal(hist_bucket_high(HIST_N_BUCKETS - 1), HIST_MAX_VALUE);
	assert_int_equal(hist_bucket_of(HIST_MAX_VALUE), HIST_N_BUCKETS - 1);
}

static void one_hour_is_within_range(void **state)
{
	(void)state;
	assert_true(HIST_MAX_VALUE >= UINT64_C(3600) * 1000000);
}

static void merging_equals_recording_all_values_in_one(void **state)
{
	struct hist *a = hist_create(), *b = hist_create(), *all = hist_create();

	(void)state;
	rng_state = 99;
	for (int i = 0; i < 50000; i++) {
		uint64_t v = i % 3 ? long_tail() : log_uniform() * 2; /* some clamp */

		hist_record(i % 2 ? a : b, v);
		hist_record(all, v);
	}
	hist_add(a, b);
	assert_memory_equal(a, all, sizeof(*all));
	assert_true(hist_clamped(all) > 0);
	hist_free(a);
	hist_free(b);
	hist_free(all);
}

static void merging_an_empty_histogram_changes_nothing(void **state)
{
	struct hist a, empty, before;

	(void)state;
	hist_init(&a);
	hist_init(&empty);
	hist_record(&a, 17);
	hist_record(&a, 9000);
	before = a;
	hist_add(&a, &empty);
	assert_memory_equal(&a, &before, sizeof(a));
	hist_add(&empty, &a);
	assert_memory_equal(&empty, &a, sizeof(a));
}

static void zero_and_one_are_recorded_exactly(void **state)
{
	struct hist h;

	(void)state;
	hist_init(&h);
	hist_record(&h, 0);
	hist_record(&h, 1);
	hist_record(&h, 1);
	assert_int_equal(hist_count(&h), 3);
	assert_int_equal(hist_min(&h), 0);
	assert_int_equal(hist_max(&h), 1);
	assert_int_equal(hist_percentile(&h, 33), 0);
	assert_int_equal(hist_percentile(&h, 34), 1);
	assert_int_equal(hist_percentile(&h, 50), 1);
	assert_int_equal(hist_clamped(&h), 0);
}

static void values_beyond_max_are_clamped_and_counted(void **state)
{
	struct hist h;

	(void)state;
	hist_init(&h);
	hist_record(&h, HIST_MAX_VALUE);
	assert_int_equal(hist_clamped(&h), 0);
	hist_record(&h, HIST_MAX_VALUE + 1);
	hist_record(&h, UINT64_MAX);
	assert_int_equal(hist_count(&h), 3);
	assert_int_equal(hist_clamped(&h), 2);
	assert_int_equal(hist_max(&h), HIST_MAX_VALUE);
	assert_int_equal(hist_percentile(&h, 100), HIST_MAX_VALUE);
	assert_int_equal(h.buckets[HIST_N_BUCKETS - 1], 3);
	assert_true(hist_mean(&h) == (double)HIST_MAX_VALUE);
}

static void percentiles_never_decrease(void **state)
{
	struct hist *h = hist_create();
	uint64_t prev = 0;

	(void)state;
	rng_state = 5;
	for (int i = 0; i < 20000; i++)
		hist_record(h, i % 2 ? long_tail() : log_uniform());
	for (double p = 0; p <= 100.0; p += 0.05) {
		uint64_t v = hist_percentile(h, p);

		if (v < prev)
			fail_msg("p%g = %lu below previous %lu", p, (unsigned long)v,
				 (unsigned long)prev);
		prev = v;
	}
	assert_int_equal(hist_percentile(h, 0), hist_min(h));
	assert_int_equal(hist_percentile(h, 100), hist_max(h));
	hist_free(h);
}

static void count_min_max_mean_are_exact(void **state)
{
	static const uint64_t v[] = {250, 1000, 123456, 7, 99999};
	struct hist h;

	(void)state;
	hist_init(&h);
	for (size_t i = 0; i < 5; i++)
		hist_record(&h, v[i]);
	assert_int_equal(hist_count(&h), 5);
	assert_int_equal(hist_min(&h), 7);
	assert_int_equal(hist_max(&h), 123456);
	assert_true(hist_mean(&h) == (250 + 1000 + 123456 + 7 + 99999) / 5.0);
}

static void recording_n_times_equals_n_records(void **state)
{
	struct hist one, many;

	(void)state;
	hist_init(&one);
	hist_init(&many);
	for (int i = 0; i < 1000; i++)
		hist_record(&one, 4321);
	hist_record_n(&many, 4321, 1000);
	assert_memory_equal(&one, &many, sizeof(one));
}

static void an_empty_or_reset_histogram_reports_nothing(void **state)
{
	struct hist h;

	(void)state;
	hist_init(&h);
	hist_record(&h, 55);
	hist_reset(&h);
	assert_int_equal(hist_count(&h), 0);
	assert_int_equal(hist_min(&h), 0);
	assert_int_equal(hist_max(&h), 0);
	assert_int_equal(hist_percentile(&h, 50), 0);
	assert_true(isnan(hist_mean(&h)));
	for (unsigned b = 0; b < HIST_N_BUCKETS; b++)
		assert_int_equal(h.buckets[b], 0);
}

static void count_le_counts_whole_buckets(void **state)
{
	struct hist h;

	(void)state;
	hist_init(&h);
	hist_record(&h, 100);
	hist_record(&h, 1000);
	hist_record(&h, 1001);
	hist_record(&h, 50000);
	assert_int_equal(hist_count_le(&h, 99), 0);
	assert_int_equal(hist_count_le(&h, 100), 1);
	assert_int_equal(hist_count_le(&h, hist_bucket_high(hist_bucket_of(1001))), 3);
	assert_int_equal(hist_count_le(&h, 49000), 3);
	assert_int_equal(hist_count_le(&h, UINT64_MAX), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relative_error_is_within_one_percent_of_exact_percentiles),
		cmocka_unit_test(every_value_falls_in_a_narrow_bucket_that_holds_it),
		cmocka_unit_test(buckets_tile_the_range_without_gaps),
		cmocka_unit_test(one_hour_is_within_range),
		cmocka_unit_test(merging_equals_recording_all_values_in_one),
		cmocka_unit_test(merging_an_empty_histogram_changes_nothing),
		cmocka_unit_test(zero_and_one_are_recorded_exactly),
		cmocka_unit_test(values_beyond_max_are_clamped_and_counted),
		cmocka_unit_test(percentiles_never_decrease),
		cmocka_unit_test(count_min_max_mean_are_exact),
		cmocka_unit_test(recording_n_times_equals_n_records),
		cmocka_unit_test(an_empty_or_reset_histogram_reports_nothing),
		cmocka_unit_test(count_le_counts_whole_buckets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
