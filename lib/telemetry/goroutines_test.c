/* SPDX-License-Identifier: BSD-3-Clause */
/* Goroutine sites that grew between two debug=1 profiles. */
/* clang-format off */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "goroutines.h"

static const char before[] =
	"goroutine profile: total 4\n"
	"2 @ 0x43a0d6 0x46a981\n"
	"#\t0x6b5a44\tnet/http.(*conn).serve+0x24\t/usr/lib/go/src/net/http/server.go:1991\n"
	"\n"
	"1 @ 0x43a0d6 0x4067cc 0x46a981\n"
	"#\t0x4067cb\truntime.chanrecv1+0x2b\t/usr/lib/go/src/runtime/chan.go:442\n"
	"#\t0x6b5a10\tmain.goroutineLeakHandler.func1+0x30\t/src/main.go:40\n"
	"\n"
	"1 @ 0x43a0d6\n"
	"#\t0x43a0d5\tmain.main+0x15\t/src/main.go:90\n";

static const char after[] =
	"goroutine profile: total 40\n"
	"37 @ 0x43a0d6 0x4067cc 0x46a981\n"
	"#\t0x4067cb\truntime.chanrecv1+0x2b\t/usr/lib/go/src/runtime/chan.go:442\n"
	"#\t0x6b5a10\tmain.goroutineLeakHandler.func1+0x30\t/src/main.go:40\n"
	"\n"
	"2 @ 0x43a0d6 0x46a981\n"
	"#\t0x6b5a44\tnet/http.(*conn).serve+0x24\t/usr/lib/go/src/net/http/server.go:1991\n"
	"\n"
	"1 @ 0x43a0d6 0x4067cc 0x46a981\n"
	"#\t0x4067cb\ttime.Sleep+0x2b\t/usr/lib/go/src/runtime/time.go:195\n"
	"#\t0x6b5a10\tmain.tickerHandler.func1+0x30\t/src/main.go:60\n"
	"\n"
	"1 @ 0x43a0d6\n"
	"#\t0x43a0d5\tmain.main+0x15\t/src/main.go:90\n";

static void growing_sites_come_first_grouped_by_start_function(void **state)
{
	struct goroutine_site s[5];
	int n = goroutine_growth(before, after, s, 5);

	(void)state;
	assert_int_equal(n, 2); /* serve and main did not grow */
	assert_string_equal(s[0].name, "main.goroutineLeakHandler.func1");
	assert_int_equal(s[0].before, 1);
	assert_int_equal(s[0].after, 37);
	assert_string_equal(s[1].name, "main.tickerHandler.func1");
	assert_int_equal(s[1].before, 0);
	assert_int_equal(s[1].after, 1);
}

static void text_that_is_not_a_goroutine_profile_is_refused(void **state)
{
	struct goroutine_site s[5];

	(void)state;
	assert_int_equal(goroutine_growth("heap profile: 1: 2\n", after, s, 5), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(growing_sites_come_first_grouped_by_start_function),
		cmocka_unit_test(text_that_is_not_a_goroutine_profile_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
