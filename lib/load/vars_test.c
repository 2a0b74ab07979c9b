/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vars.h"

static void marked_fields_are_found_and_cleared(void **state)
{
	const char *in = "GET /u/${seq}?r=${rand}&x=${nope} ${conn}${lcore}";
	size_t n;
	char *m = vars_mark(in, strlen(in), &n);
	struct vars_field f[VARS_MAX];
	(void)state;

	assert_non_null(m);
	size_t nf = vars_find((uint8_t *)m, n, f, VARS_MAX);
	assert_int_equal(nf, 4);
	assert_string_equal(m, "GET /u/0000000000?r=0000000000&x=${nope} 00000000000000000000");
	assert_int_equal(f[0].kind, VARS_SEQ);
	assert_int_equal(f[0].off, 7);
	assert_int_equal(f[1].kind, VARS_RAND);
	assert_int_equal(f[2].kind, VARS_CONN);
	assert_int_equal(f[3].kind, VARS_LCORE);
	assert_int_equal(f[3].off, f[2].off + VARS_WIDTH);
	free(m);
}

static void rendering_is_a_function_of_the_request(void **state)
{
	struct vars_ctx a = {.seq = 42, .conn = 7, .lcore = 3, .seed = 99}, b = a;
	char x[VARS_WIDTH], y[VARS_WIDTH];
	(void)state;

	vars_render(VARS_SEQ, &a, x);
	assert_memory_equal(x, "0000000042", VARS_WIDTH);
	vars_render(VARS_CONN, &a, x);
	assert_memory_equal(x, "0000000007", VARS_WIDTH);
	vars_render(VARS_RAND, &a, x);
	vars_render(VARS_RAND, &b, y);
	assert_memory_equal(x, y, VARS_WIDTH); /* a retransmission regenerates it */
	b.seq = 43;
	vars_render(VARS_RAND, &b, y);
	assert_memory_not_equal(x, y, VARS_WIDTH);
}

/* Patching any window of the request gives the same bytes as patching it whole. */
static void patching_any_window_matches_the_whole_request(void **state)
{
	size_t n;
	char *m = vars_mark("A${seq}B${rand}C", 16, &n);
	struct vars_field f[VARS_MAX];
	struct vars_ctx ctx = {.seq = 123456, .seed = 5};
	uint8_t whole[64], part[64];
	(void)state;

	size_t nf = vars_find((uint8_t *)m, n, f, VARS_MAX);
	memcpy(whole, m, n);
	vars_patch(f, nf, &ctx, 0, n, whole);
	assert_memory_equal(whole, "A0000123456B", 12);
	for (size_t pos = 0; pos < n; pos++) {
		for (size_t len = 1; pos + len <= n; len++) {
			memcpy(part, m + pos, len);
			vars_patch(f, nf, &ctx, pos, len, part);
			assert_memory_equal(part, whole + pos, len);
		}
	}
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(marked_fields_are_found_and_cleared),
		cmocka_unit_test(rendering_is_a_function_of_the_request),
		cmocka_unit_test(patching_any_window_matches_the_whole_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
