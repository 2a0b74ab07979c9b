/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading /proc/PID/{smaps_rollup,status,fd} and cgroup v2 memory.current. */
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whole small file into buf (NUL-terminated); length or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

int procfs_field(const char *text, size_t len, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < len;) {
		const char *line = text + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t llen = nl ? (size_t)(nl - line) : len - i;

		if (llen > klen && !memcmp(line, key, klen) && line[klen] == ':') {
			uint64_t v = 0;
			size_t p = klen + 1, digits = 0;

			while (p < llen && (line[p] == ' ' || line[p] == '\t'))
				p++;
			for (; p < llen && line[p] >= '0' && line[p] <= '9'; p++, digits++) {
				if (v > (UINT64_MAX - 9) / 10)
					return -EINVAL;
				v = v * 10 + (uint64_t)(line[p] - '0');
			}
			if (digits == 0)
				return -EINVAL;
			if (p + 3 <= llen && !memcmp(line + p, " kB", 3))
				v *= 1024;
			*out = v;
			return 0;
		}
		i += llen + 1;
	}
	return -ENOENT;
}

static uint64_t count_fds(int pid)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	uint64_t n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

int procfs_sample(int pid, const char *cgroup_dir, struct proc_sample *out)
{
	char path[4200], buf[8192];
	ssize_t n;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	procfs_field(buf, (size_t)n, "VmHWM", &out->hwm);
	procfs_field(buf, (size_t)n, "Threads", &out->threads);
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	n = read_small(path, buf, sizeof(buf));
	if (n > 0) {
		out->has_smaps = procfs_field(buf, (size_t)n, "Rss", &out->rss) == 0;
		procfs_field(buf, (size_t)n, "Pss", &out->pss);
		procfs_field(buf, (size_t)n, "Anonymous", &out->anon);
		procfs_field(buf, (size_t)n, "Swap", &out->swap);
	}
	out->fds = count_fds(pid);
	if (cgroup_dir != NULL) {
		snprintf(path, sizeof(path), "%s/memory.current", cgroup_dir);
		n = read_small(path, buf, sizeof(buf));
		if (n < 0) { /* cgroup v1 */
			snprintf(path, sizeof(path), "%s/memory.usage_in_bytes", cgroup_dir);
			n = read_small(path, buf, sizeof(buf));
		}
		if (n > 0) {
			out->cgroup_current = strtoull(buf, NULL, 10);
			out->has_cgroup = true;
		}
	}
	return 0;
}

/* The kernel keeps 15 characters of a program's name in comm: a longer name
 * is matched on those and on the base name of argv[0]. */
#define COMM_LEN 15

static bool argv0_is(int pid, const char *name)
{
	char path[64], cmd[4096];
	ssize_t n;
	const char *base;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = read_small(path, cmd, sizeof(cmd));
	if (n <= 0)
		return false;
	base = strrchr(cmd, '/'); /* cmdline is NUL-separated: strrchr stops at argv[0] */
	return !strcmp(base ? base + 1 : cmd, name);
}

bool procfs_pid_is(int pid, const char *name)
{
	char path[64], comm[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	n = read_small(path, comm, sizeof(comm));
	if (n <= 0)
		return false;
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	if (strlen(name) <= COMM_LEN)
		return !strcmp(comm, name);
	return !strncmp(comm, name, COMM_LEN) && comm[COMM_LEN] == '\0' && argv0_is(pid, name);
}

int procfs_find_process(const char *name, int *pid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int best = -1;

	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long p = strtol(e->d_name, &end, 10);

		if (*end != '\0' || p <= 0 || (best > 0 && p >= best))
			continue;
		if (procfs_pid_is((int)p, name))
			best = (int)p;
	}
	closedir(d);
	if (best < 0)
		return -ESRCH;
	*pid = best;
	return 0;
}

/* Mount point of a cgroup hierarchy from /proc/self/mountinfo: cgroup2, or
 * the v1 hierarchy whose super options name controller. */
static int cgroup_mount(const char *controller, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];
	int rc = -ENOENT;

	if (f == NULL)
		return -errno;
	while (rc < 0 && fgets(line, sizeof(line), f)) {
		char mnt[512], fstype[32], opts[512];
		const char *dash = strstr(line, " - ");

		if (dash == NULL || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash + 3, "%31s %*s %511s", fstype, opts) != 2)
			continue;
		if (controller == NULL ? strcmp(fstype, "cgroup2") != 0
				       : strcmp(fstype, "cgroup") != 0)
			continue;
		if (controller != NULL) {
			bool found = false;

			for (char *save, *tok = strtok_r(opts, ",", &save); tok && !found;
			     tok = strtok_r(NULL, ",", &save))
				found = !strcmp(tok, controller);
			if (!found)
				continue;
		}
		if ((size_t)snprintf(out, len, "%s", mnt) < len)
			rc = 0;
	}
	fclose(f);
	return rc;
}

/* The path of pid in the hierarchy: "0::/x" (v2) or "N:...memory...:/x" (v1). */
static int cgroup_path(const char *text, bool v2, char *out, size_t len)
{
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		const char *c1, *c2;

		line += *line == '\n';
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL)
			break;
		bool match = v2 ? (c2 == c1 + 1 && !strncmp(line, "0:", 2))
				: memmem(c1 + 1, (size_t)(c2 - c1 - 1), "memory", 6) != NULL;
		if (match) {
			size_t n = strcspn(c2 + 1, "\n");

			if (n + 1 > len)
				return -ENAMETOOLONG;
			memcpy(out, c2 + 1, n);
			out[n] = '\0';
			return 0;
		}
	}
	return -ENOENT;
}

static bool has_file(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, R_OK) == 0;
}

/* cgroup v2 first; v1's memory controller where v2 has no memory.current
 * (hybrid hosts, older container runtimes). */
int procfs_pid_cgroup(int pid, char *dir, size_t len)
{
	char path[64], buf[4096], rel[2048], root[512];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	for (int v2 = 1; v2 >= 0; v2--) {
		if (cgroup_path(buf, v2, rel, sizeof(rel)) < 0 ||
		    cgroup_mount(v2 ? NULL : "memory", root, sizeof(root)) < 0)
			continue;
		if ((size_t)snprintf(dir, len, "%s%s", root, strcmp(rel, "/") ? rel : "") >= len)
			return -ENAMETOOLONG;
		if (has_file(dir, v2 ? "memory.current" : "memory.usage_in_bytes"))
			return 0;
	}
	return -ENOENT;
}

int procfs_cgroup_first_pid(const char *dir, int *pid)
{
	char path[4200], buf[64];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	n = read_small(path, buf, sizeof(buf));
	if (n <= 0 || atoi(buf) <= 0)
		return -ESRCH;
	*pid = atoi(buf);
	return 0;
}
