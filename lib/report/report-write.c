/* SPDX-License-Identifier: BSD-3-Clause */
/* Writing report.json so that readers never see a half-written file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create tmp, write text and make it durable before the rename publishes it. */
static int write_tmp(const char *tmp, const char *text)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc;

	if (fd < 0)
		return -errno;
	rc = write_all(fd, text, strlen(text));
	if (rc == 0)
		rc = write_all(fd, "\n", 1);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int report_write(json_t *r, const char *path)
{
	char *text, *tmp = NULL;
	int rc;

	if (r == NULL || path == NULL)
		return -EINVAL;
	text = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL)
		return -ENOMEM;
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		free(text);
		return -ENOMEM;
	}
	rc = write_tmp(tmp, text);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	free(text);
	return rc;
}
