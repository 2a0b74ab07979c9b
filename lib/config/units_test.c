/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "units.h"

struct u64_vector {
	int line;
	const char *in;
	int ret;
	uint64_t out;
};

typedef int (*u64_parser)(const char *, uint64_t *);

/* the input copied into a buffer of exactly its size, so an overread is caught by ASan */
static char *exact_copy(const char *s, size_t len)
{
	char *p = malloc(len + 1);
	assert_non_null(p);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static void check_u64(u64_parser parse, const struct u64_vector *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t out = 0xdead;
		char *in = exact_copy(v[i].in, strlen(v[i].in));
		int r = parse(in, &out);
		if (r != v[i].ret || (r == 0 && out != v[i].out))
			fail_msg("vector at line %d (\"%s\"): got %d/%llu, want %d/%llu", v[i].line,
				 v[i].in, r, (unsigned long long)out, v[i].ret,
				 (unsigned long long)v[i].out);
		if (r < 0)
			assert_int_equal(out, 0xdead); /* nothing stored on error */
		free(in);
		/* every truncated prefix: an answer, never a crash */
		for (size_t len = 0; len < strlen(v[i].in); len++) {
			char *p = exact_copy(v[i].in, len);
			r = parse(p, &out);
			if (r != 0 && r != -EINVAL && r != -ERANGE)
				fail_msg("prefix %zu of line %d gave %d", len, v[i].line, r);
			free(p);
		}
	}
}

static void durations_convert_to_microseconds(void **state)
{
	(void)state;
	static const struct u64_vector v[] = {
		{__LINE__, "10s", 0, 10000000},
		{__LINE__, "500ms", 0, 500000},
		{__LINE__, "5m", 0, 300000000},
		{__LINE__, "2h", 0, 7200000000ULL},
		{__LINE__, "1.5s", 0, 1500000},
		{__LINE__, "0.5ms", 0, 500},
		{__LINE__, "0s", 0, 0},
		{__LINE__, "72h", 0, 259200000000ULL},
		{__LINE__, "250us", 0, 250},
		{__LINE__, "0us", 0, 0},
		{__LINE__, "1.5us", 0, 2},   /* rounded to the nearest whole us */
		{__LINE__, "0.4us", 0, 0},
		{__LINE__, "1.5m", 0, 90000000},
		{__LINE__, "0.001s", 0, 1000},
		{__LINE__, "007ms", 0, 7000},
		{__LINE__, "18446744073709us", 0, 18446744073709ULL},
		{__LINE__, "10x", -EINVAL, 0},
		{__LINE__, "10", -EINVAL, 0},
		{__LINE__, "s", -EINVAL, 0},
		{__LINE__, "", -EINVAL, 0},
		{__LINE__, "10 s", -EINVAL, 0},
		{__LINE__, "-1s", -EINVAL, 0},
		{__LINE__, "1.s", -EINVAL, 0},
		{__LINE__, ".5s", -EINVAL, 0},
		{__LINE__, "10sec", -EINVAL, 0},
		{__LINE__, "1e3s", -EINVAL, 0},
		{__LINE__, "10S", -EINVAL, 0},
		{__LINE__, "10Ms", -EINVAL, 0},
		{__LINE__, "10µs", -EINVAL, 0},
		{__LINE__, "10ns", -EINVAL, 0},
		{__LINE__, "10d", -EINVAL, 0},
		{__LINE__, "10ss", -EINVAL, 0},
		{__LINE__, "10s ", -EINVAL, 0},
		{__LINE__, " 10s", -EINVAL, 0},
		{__LINE__, "+10s", -EINVAL, 0},
		{__LINE__, "1,5s", -EINVAL, 0},
		{__LINE__, "1.5.5s", -EINVAL, 0},
		{__LINE__, "0x10s", -EINVAL, 0},
		{__LINE__, "infs", -EINVAL, 0},
		{__LINE__, "nans", -EINVAL, 0},
		{__LINE__, "1m30s", -EINVAL, 0}, /* one number, one unit */
		{__LINE__, "us", -EINVAL, 0},
		{__LINE__, "0", -EINVAL, 0},
		{__LINE__, "99999999999999999999h", -ERANGE, 0},
		{__LINE__, "9000000000000000h", -ERANGE, 0},
	};
	check_u64(units_parse_duration, v, sizeof(v) / sizeof(v[0]));
}

static void counts_take_si_suffixes_and_stay_whole(void **state)
{
	(void)state;
	static const struct u64_vector v[] = {
		{__LINE__, "64", 0, 64},
		{__LINE__, "10k", 0, 10000},
		{__LINE__, "1.5M", 0, 1500000},
		{__LINE__, "2G", 0, 2000000000},
		{__LINE__, "0.001k", 0, 1},
		{__LINE__, "1.5", -EINVAL, 0},
		{__LINE__, "1.0001k", -EINVAL, 0},
		{__LINE__, "10K", -EINVAL, 0},
		{__LINE__, "10kk", -EINVAL, 0},
		{__LINE__, "k", -EINVAL, 0},
		{__LINE__, "-3", -EINVAL, 0},
	};
	check_u64(units_parse_count, v, sizeof(v) / sizeof(v[0]));
}

static void sizes_know_decimal_and_binary_units(void **state)
{
	(void)state;
	static const struct u64_vector v[] = {
		{__LINE__, "512", 0, 512},
		{__LINE__, "512B", 0, 512},
		{__LINE__, "64KiB", 0, 65536},
		{__LINE__, "1MiB", 0, 1048576},
		{__LINE__, "512MB", 0, 512000000},
		{__LINE__, "1.5kB", 0, 1500},
		{__LINE__, "2GiB", 0, 2147483648ULL},
		{__LINE__, "0.5KiB", 0, 512},
		{__LINE__, "0.3B", -EINVAL, 0},
		{__LINE__, "64kib", -EINVAL, 0},
		{__LINE__, "64KB", -EINVAL, 0},
		{__LINE__, "1TB", -EINVAL, 0},
	};
	check_u64(units_parse_size, v, sizeof(v) / sizeof(v[0]));
}

static void rates_are_requests_or_bits_per_second(void **state)
{
	(void)state;
	static const struct {
		int line;
		const char *in;
		int ret;
		double value;
		enum rate_unit unit;
	} v[] = {
		{__LINE__, "100", 0, 100, RATE_RPS},
		{__LINE__, "10k", 0, 10000, RATE_RPS},
		{__LINE__, "2.5krps", 0, 2500, RATE_RPS},
		{__LINE__, "0.5", 0, 0.5, RATE_RPS},
		{__LINE__, "100rps", 0, 100, RATE_RPS},
		{__LINE__, "100Mbps", 0, 100e6, RATE_BPS},
		{__LINE__, "10Gbps", 0, 10e9, RATE_BPS},
		{__LINE__, "1kbps", 0, 1e3, RATE_BPS},
		{__LINE__, "100MBps", -EINVAL, 0, RATE_RPS},
		{__LINE__, "100/s", -EINVAL, 0, RATE_RPS},
		{__LINE__, "fast", -EINVAL, 0, RATE_RPS},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct rate r = {-1, RATE_BPS};
		char *in = exact_copy(v[i].in, strlen(v[i].in));
		int ret = units_parse_rate(in, &r);
		if (ret != v[i].ret ||
		    (ret == 0 && (fabs(r.value - v[i].value) > 1e-9 || r.unit != v[i].unit)))
			fail_msg("vector at line %d (\"%s\"): got %d %g/%d", v[i].line, v[i].in,
				 ret, r.value, r.unit);
		free(in);
		for (size_t len = 0; len < strlen(v[i].in); len++) {
			char *p = exact_copy(v[i].in, len);
			ret = units_parse_rate(p, &r);
			assert_true(ret == 0 || ret == -EINVAL);
			free(p);
		}
	}
}

static void percentages_become_fractions(void **state)
{
	(void)state;
	double f = -1;
	assert_int_equal(units_parse_percent("5%", &f), 0);
	assert_true(fabs(f - 0.05) < 1e-12);
	assert_int_equal(units_parse_percent("0.1%", &f), 0);
	assert_true(fabs(f - 0.001) < 1e-12);
	assert_int_equal(units_parse_percent("100%", &f), 0);
	assert_true(fabs(f - 1.0) < 1e-12);
	assert_int_equal(units_parse_percent("101%", &f), -ERANGE);
	assert_int_equal(units_parse_percent("5", &f), -EINVAL);
	assert_int_equal(units_parse_percent("5 %", &f), -EINVAL);
	assert_int_equal(units_parse_percent("%", &f), -EINVAL);
}

static void shards_are_an_index_below_their_count(void **state)
{
	(void)state;
	uint32_t i = 9, n = 9;
	assert_int_equal(units_parse_shard("0/4", &i, &n), 0);
	assert_int_equal(i, 0);
	assert_int_equal(n, 4);
	assert_int_equal(units_parse_shard("3/4", &i, &n), 0);
	assert_int_equal(i, 3);
	assert_int_equal(units_parse_shard("0/1", &i, &n), 0);
	assert_int_equal(units_parse_shard("1023/1024", &i, &n), 0);
	assert_int_equal(units_parse_shard("4/4", &i, &n), -EINVAL);
	assert_int_equal(units_parse_shard("0/0", &i, &n), -EINVAL);
	assert_int_equal(units_parse_shard("0/1025", &i, &n), -ERANGE);
	assert_int_equal(units_parse_shard("1/", &i, &n), -EINVAL);
	assert_int_equal(units_parse_shard("/4", &i, &n), -EINVAL);
	assert_int_equal(units_parse_shard("1 /4", &i, &n), -EINVAL);
	assert_int_equal(units_parse_shard("-1/4", &i, &n), -EINVAL);
	assert_int_equal(units_parse_shard("1/4x", &i, &n), -EINVAL);
	assert_int_equal(units_parse_shard("", &i, &n), -EINVAL);
	assert_int_equal(i, 1023); /* untouched by a refusal */
}

static void integers_reject_junk_and_overflow(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(units_parse_int("300", &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(units_parse_int("-12", &v), 0);
	assert_int_equal(v, -12);
	assert_int_equal(units_parse_int("9223372036854775807", &v), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(units_parse_int("-9223372036854775808", &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(units_parse_int("9223372036854775808", &v), -ERANGE);
	assert_int_equal(units_parse_int("99999999999999999999999", &v), -ERANGE);
	assert_int_equal(units_parse_int("12a", &v), -EINVAL);
	assert_int_equal(units_parse_int("-", &v), -EINVAL);
	assert_int_equal(units_parse_int("", &v), -EINVAL);
	assert_int_equal(units_parse_int("1.0", &v), -EINVAL);
}

static void durations_format_back_readably(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(units_format_duration(30000000, b, sizeof(b)), "30s");
	assert_string_equal(units_format_duration(90000000, b, sizeof(b)), "1m30s");
	assert_string_equal(units_format_duration(7200000000ULL, b, sizeof(b)), "2h");
	assert_string_equal(units_format_duration(500000, b, sizeof(b)), "500ms");
	assert_string_equal(units_format_duration(0, b, sizeof(b)), "0ms");
	assert_string_equal(units_format_duration(3723000000ULL, b, sizeof(b)), "1h2m3s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations_convert_to_microseconds),
		cmocka_unit_test(counts_take_si_suffixes_and_stay_whole),
		cmocka_unit_test(sizes_know_decimal_and_binary_units),
		cmocka_unit_test(rates_are_requests_or_bits_per_second),
		cmocka_unit_test(percentages_become_fractions),
		cmocka_unit_test(integers_reject_junk_and_overflow),
		cmocka_unit_test(shards_are_an_index_below_their_count),
		cmocka_unit_test(durations_format_back_readably),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
