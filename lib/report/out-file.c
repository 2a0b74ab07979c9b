/* SPDX-License-Identifier: BSD-3-Clause */
/* Atomic publication of a text file written with stdio (out-file.h). */
#include "out-file.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void release(struct out_file *o)
{
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	o->f = NULL;
}

int out_file_open(struct out_file *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (path == NULL || *path == '\0')
		return -EINVAL;
	o->path = strdup(path);
	if (o->path == NULL || asprintf(&o->tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		o->tmp = NULL;
		release(o);
		return -ENOMEM;
	}
	o->f = fopen(o->tmp, "we");
	if (o->f == NULL) {
		int rc = -errno;

		release(o);
		return rc;
	}
	return 0;
}

int out_file_commit(struct out_file *o)
{
	int rc = 0;

	if (fflush(o->f) != 0)
		rc = -errno;
	else if (ferror(o->f))
		rc = -EIO; /* an earlier write failed; its errno is gone */
	if (rc == 0 && fsync(fileno(o->f)) < 0)
		rc = -errno;
	if (fclose(o->f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(o->tmp, o->path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(o->tmp);
	release(o);
	return rc;
}

void out_file_abort(struct out_file *o)
{
	if (o->f != NULL)
		fclose(o->f);
	unlink(o->tmp);
	release(o);
}

int out_dir_make(const char *dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
}
