/* SPDX-License-Identifier: BSD-3-Clause */
#include "tui-targets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tui_targets_open(struct tui_targets *tt, const struct telemetry_config *cfg)
{
	int fds[2];

	memset(tt, 0, sizeof(*tt));
	tt->cfg = cfg;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	tt->rfd = fds[0];
	tt->w = fdopen(fds[1], "w");
	if (tt->w == NULL) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	setvbuf(tt->w, NULL, _IOLBF, 0);
	return 0;
}

size_t tui_targets_count(const struct tui_targets *tt)
{
	return tt->cfg->n_targets < TUI_MAX_TARGETS ? tt->cfg->n_targets : TUI_MAX_TARGETS;
}

/* The target a line is about: its name as a whole word of the line. */
static int target_of(const struct tui_targets *tt, const char *line)
{
	for (size_t i = 0; i < tui_targets_count(tt); i++) {
		const char *name = tt->cfg->targets[i].name;
		size_t n = strlen(name);

		for (const char *p = strstr(line, name); p != NULL; p = strstr(p + 1, name))
			if ((p == line || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
				return (int)i;
	}
	return -1;
}

static void keep(struct tui_targets *tt, const char *line)
{
	int i = target_of(tt, line);
	char *copy;

	if (i < 0 || (copy = strdup(line)) == NULL)
		return;
	free(tt->line[i]);
	tt->line[i] = copy;
}

void tui_targets_read(struct tui_targets *tt)
{
	ssize_t n;

	while ((n = read(tt->rfd, tt->buf + tt->len, sizeof(tt->buf) - 1 - tt->len)) > 0) {
		char *start = tt->buf, *nl;

		tt->len += (size_t)n;
		tt->buf[tt->len] = '\0';
		while ((nl = strchr(start, '\n')) != NULL) {
			*nl = '\0';
			keep(tt, start);
			start = nl + 1;
		}
		tt->len -= (size_t)(start - tt->buf);
		memmove(tt->buf, start, tt->len);
		if (tt->len == sizeof(tt->buf) - 1)
			tt->len = 0; /* a line longer than the buffer: dropped */
	}
}

void tui_targets_close(struct tui_targets *tt)
{
	if (tt->w != NULL)
		fclose(tt->w);
	if (tt->rfd > 0)
		close(tt->rfd);
	for (size_t i = 0; i < TUI_MAX_TARGETS; i++)
		free(tt->line[i]);
	memset(tt, 0, sizeof(*tt));
}
