/* SPDX-License-Identifier: BSD-3-Clause */
/* Memory figures of a process and its cgroup from /proc and cgroup v2. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct proc_sample {
	bool has_smaps;		       /* smaps_rollup was readable */
	uint64_t rss, pss, anon, swap; /* bytes, smaps_rollup */
	uint64_t hwm;		       /* VmHWM, bytes */
	uint64_t threads;
	uint64_t fds;
	bool has_cgroup;
	uint64_t cgroup_current; /* memory.current (v2) or memory.usage_in_bytes (v1) */
};

/** Find "KEY:   N kB" (or "KEY: N") at the start of a line of text and
 * store N (times 1024 when the line says kB). 0, or -ENOENT / -EINVAL. */
int procfs_field(const char *text, size_t len, const char *key, uint64_t *out);

/** Sample pid (and cgroup_dir if not NULL: its memory.current).
 * 0, or -ESRCH when the process is gone, or -errno. */
int procfs_sample(int pid, const char *cgroup_dir, struct proc_sample *out);

/** Lowest pid whose comm is name. 0 or -ESRCH. */
int procfs_find_process(const char *name, int *pid);

/** Does pid still run a program called name? (comm; for names longer than
 * the kernel's 15 characters, also the base name of argv[0]) */
bool procfs_pid_is(int pid, const char *name);

/** The cgroup directory of pid that accounts its memory: cgroup v2 (mount
 * point from /proc/self/mountinfo), else the v1 memory controller's.
 * 0, -ENOENT (none readable) or -errno. */
int procfs_pid_cgroup(int pid, char *dir, size_t len);

/** First pid listed in dir/cgroup.procs. 0 or -ESRCH. */
int procfs_cgroup_first_pid(const char *dir, int *pid);
