/* SPDX-License-Identifier: BSD-3-Clause */
/* /proc parsing: fields of smaps_rollup and status, and a live sample of us. */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "procfs.h"

static const char rollup[] = "55d0c0a00000-7ffd6b9fe000 ---p 00000000 00:00 0  [rollup]\n"
			     "Rss:               10360 kB\n"
			     "Pss:                6543 kB\n"
			     "Pss_Anon:           2204 kB\n"
			     "Anonymous:          2204 kB\n"
			     "Swap:                  0 kB\n";

static void smaps_rollup_fields_are_bytes(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(procfs_field(rollup, strlen(rollup), "Rss", &v), 0);
	assert_int_equal(v, 10360ull * 1024);
	assert_int_equal(procfs_field(rollup, strlen(rollup), "Anonymous", &v), 0);
	assert_int_equal(v, 2204ull * 1024);
	/* "Pss" must not match "Pss_Anon" nor the reverse */
	assert_int_equal(procfs_field(rollup, strlen(rollup), "Pss", &v), 0);
	assert_int_equal(v, 6543ull * 1024);
	assert_int_equal(procfs_field(rollup, strlen(rollup), "Swap", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(procfs_field(rollup, strlen(rollup), "Shared", &v), -ENOENT);
}

static void status_counts_have_no_unit(void **state)
{
	static const char status[] = "Name:\tleaky\nVmHWM:\t   81234 kB\nThreads:\t12\nBad:\tx\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(procfs_field(status, strlen(status), "Threads", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(procfs_field(status, strlen(status), "VmHWM", &v), 0);
	assert_int_equal(v, 81234ull * 1024);
	assert_int_equal(procfs_field(status, strlen(status), "Bad", &v), -EINVAL);
}

static void truncated_text_never_reads_past_its_length(void **state)
{
	uint64_t v;

	(void)state;
	for (size_t cut = 0; cut < strlen(rollup); cut++) {
		char buf[sizeof(rollup)];

		memcpy(buf, rollup, cut);
		memset(buf + cut, '9', sizeof(buf) - cut); /* poison beyond the cut */
		int rc = procfs_field(buf, cut, "Swap", &v);

		assert_true(rc == 0 || rc == -ENOENT || rc == -EINVAL);
		if (rc == 0)
			assert_int_equal(v, 0);
	}
}

static void sampling_ourselves_sees_memory_threads_and_fds(void **state)
{
	struct proc_sample s;
	char dir[4096];
	int pid = 0;

	(void)state;
	assert_int_equal(procfs_sample(getpid(), NULL, &s), 0);
	assert_true(s.has_smaps && s.rss > 0 && s.pss > 0);
	assert_true(s.hwm >= s.rss / 2);
	assert_true(s.threads >= 1);
	assert_true(s.fds >= 3);
	assert_int_equal(procfs_sample(0x3fffff, NULL, &s), -ESRCH);
	/* this host's own cgroup, v2 or v1, wherever it is mounted */
	if (procfs_pid_cgroup(getpid(), dir, sizeof(dir)) == 0) {
		assert_int_equal(procfs_sample(getpid(), dir, &s), 0);
		assert_true(s.has_cgroup && s.cgroup_current >= s.rss / 4);
		printf("# cgroup of this test: %s, %llu bytes\n", dir,
		       (unsigned long long)s.cgroup_current);
		assert_int_equal(procfs_cgroup_first_pid(dir, &pid), 0);
		assert_true(pid > 0);
	}
	assert_int_equal(procfs_find_process("no-such-program-xyz", &pid), -ESRCH);
	/* "telemetry-procfs" is longer than comm keeps: found through argv[0] */
	assert_true(procfs_pid_is(getpid(), "telemetry-procfs"));
	assert_false(procfs_pid_is(getpid(), "telemetry-procfsX"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(smaps_rollup_fields_are_bytes),
		cmocka_unit_test(status_counts_have_no_unit),
		cmocka_unit_test(truncated_text_never_reads_past_its_length),
		cmocka_unit_test(sampling_ourselves_sees_memory_threads_and_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
