/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The agent's sampling side: CONFIG becomes targets (unsafe names refused,
 * the same CONFIG after a reconnect keeps state), a sample of a live pid
 * lands in the ring numbered and timed, and events share that numbering.
 */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "agent.h"

double agent_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double agent_wall(void)
{
	return (double)time(NULL);
}

static int setup(void **state)
{
	static struct agent a;

	memset(&a, 0, sizeof(a));
	a.id = "web-1";
	a.buffer_cap = 16;
	a.profile_dirfd = -1;
	*state = &a;
	return link_init(&a);
}

static int teardown(void **state)
{
	struct agent *a = *state;

	targets_free(a);
	link_free(a);
	return 0;
}

static json_t *entry(struct agent *a, size_t i)
{
	return json_loads(a->ring[(a->ring_head + i) % a->buffer_cap].payload, 0, NULL);
}

static void config_targets_are_checked_and_kept_across_reconnects(void **state)
{
	struct agent *a = *state;
	char cfg[512];

	snprintf(cfg, sizeof(cfg),
		 "{\"interval_ms\":500,\"buffer\":32,\"targets\":[{\"name\":\"api\",\"pid\":%d},"
		 "{\"name\":\"../../etc/x\",\"pid\":1},{\"name\":\"a\\u001b[2J\",\"pid\":1}]}",
		 getpid());
	assert_int_equal(targets_configure(a, cfg, strlen(cfg)), 0);
	assert_int_equal(a->n_targets, 1);
	assert_string_equal(a->targets[0].name, "api");
	assert_int_equal(a->interval_ms, 500);
	assert_int_equal(a->buffer_cap, 32);
	a->targets[0].restarts = 3; /* state a reconnect must not lose */
	assert_int_equal(targets_configure(a, cfg, strlen(cfg)), 0);
	assert_int_equal(a->targets[0].restarts, 3);
	assert_int_equal(targets_configure(a, "{\"targets\":7}", 13), -EINVAL);
	assert_int_equal(a->n_targets, 1);
}

static void samples_and_events_share_one_numbering(void **state)
{
	struct agent *a = *state;
	char cfg[256];
	json_t *s, *e;
	double before = agent_wall();

	snprintf(cfg, sizeof(cfg), "{\"targets\":[{\"name\":\"api\",\"pid\":%d}]}", getpid());
	assert_int_equal(targets_configure(a, cfg, strlen(cfg)), 0);
	targets_sample(a);
	agent_event(a, "api", "restart", "pid 1 -> 2");
	assert_int_equal(a->ring_len, 2);
	s = entry(a, 0);
	e = entry(a, 1);
	assert_int_equal(a->ring[a->ring_head].type, TP_SAMPLE);
	assert_int_equal(json_integer_value(json_object_get(s, "n")), 1);
	assert_true(json_number_value(json_object_get(s, "t")) >= before);
	assert_int_equal(json_integer_value(json_object_get(s, "pid")), getpid());
	assert_true(json_integer_value(json_object_get(json_object_get(s, "m"), "rss_bytes")) > 0);
	assert_int_equal(a->ring[(a->ring_head + 1) % a->buffer_cap].type, TP_EVENT);
	assert_int_equal(json_integer_value(json_object_get(e, "n")), 2);
	assert_string_equal(json_string_value(json_object_get(e, "event")), "restart");
	json_decref(s);
	json_decref(e);
}

/* pprof's debug=1 heap text: records, then the MemStats the runtime read
 * after the GC that heap?gc=1 forced; only HeapAlloc and TotalAlloc are
 * kept. */
static void gc_probe_reads_heap_alloc_from_the_memstats_block(void **state)
{
	char text[4096], long_line[600];
	int n;

	(void)state;
	memset(long_line, 'x', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	n = snprintf(text, sizeof(text),
		     "heap profile: 3: 1234 [9: 5678] @ heap/1048576\n"
		     "1: 512 [1: 512] @ 0x4a2b1c 0x4a2c3d\n"
		     "#\t0x4a2b1b\tmain.handler+0x5b\t/src/main.go:42 %s\n"
		     "\n# runtime.MemStats\n# Alloc = 1049000\n# TotalAlloc = 99999999\n"
		     "# HeapAlloc = 1048577\n# HeapSys = 7962624\n",
		     long_line);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	assert_true(agent_probe_parse(text, (size_t)n).heap_alloc == 1048577.0);
	assert_true(agent_probe_parse(text, (size_t)n).total_alloc == 99999999.0);
	/* a HeapAlloc inside a line too long to keep is not ours */
	n = snprintf(text, sizeof(text), "%s # HeapAlloc = 5\n", long_line);
	assert_true(isnan(agent_probe_parse(text, (size_t)n).heap_alloc));
	assert_true(isnan(agent_probe_parse("# HeapAlloc = none\n", 19).heap_alloc));
	assert_true(isnan(agent_probe_parse("# HeapAlloc = 12abc\n", 20).heap_alloc));
	assert_true(isnan(agent_probe_parse("404 page not found\n", 19).heap_alloc));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gc_probe_reads_heap_alloc_from_the_memstats_block),
		cmocka_unit_test_setup_teardown(
			config_targets_are_checked_and_kept_across_reconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(samples_and_events_share_one_numbering, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
