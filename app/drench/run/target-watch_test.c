/* SPDX-License-Identifier: BSD-3-Clause */
/* A server is called silent after two tried seconds without a response,
 * once only, and back at its next response; an idle one is never silent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "target-watch.h"

static struct client_target_counters c;
static struct target_watch w;

static enum target_watch_event second(double t, uint64_t responses, uint64_t connect_errors)
{
	c.responses[CLIENT_2XX] += responses;
	c.err_connect += connect_errors;
	c.requests += responses;
	return target_watch_step(&w, 1, &c, t);
}

static void a_server_that_stops_is_silent_after_two_tried_seconds(void **state)
{
	(void)state;
	target_watch_init(&w, 2);
	assert_int_equal(second(1, 100, 0), TARGET_WATCH_NONE);
	assert_int_equal(second(2, 0, 5), TARGET_WATCH_NONE);
	assert_int_equal(second(3, 0, 5), TARGET_WATCH_SILENT);
	assert_int_equal(second(4, 0, 5), TARGET_WATCH_NONE); /* said once */
	assert_int_equal(w.t[1].n_spells, 1);
	assert_true(w.t[1].spells[0].from == 1 && w.t[1].spells[0].to < 0);
	assert_int_equal(second(5, 3, 0), TARGET_WATCH_BACK);
	assert_true(w.t[1].spells[0].to == 5);
	assert_false(w.t[1].silent);
}

static void a_server_never_tried_or_never_answering_is_not_called_silent(void **state)
{
	(void)state;
	target_watch_init(&w, 2);
	/* nothing asked of it (an idle phase) */
	assert_int_equal(second(1, 10, 0), TARGET_WATCH_NONE);
	for (int t = 2; t < 6; t++)
		assert_int_equal(second(t, 0, 0), TARGET_WATCH_NONE);
	/* never answered at all: the errors tell, there was no answer to stop */
	target_watch_init(&w, 2);
	c = (struct client_target_counters){0};
	for (int t = 1; t < 6; t++)
		assert_int_equal(second(t, 0, 4), TARGET_WATCH_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_server_that_stops_is_silent_after_two_tried_seconds),
		cmocka_unit_test(a_server_never_tried_or_never_answering_is_not_called_silent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
