/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telemetry collector's live lines, caught for the terminal view: the
 * collector writes them to a pipe (collector_options.live) and the view keeps
 * the newest line of each target. A line that does not fit the pipe is lost,
 * never waited for; the next interval brings a new one.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "telemetry-config.h"
#include "tui.h"

struct tui_targets {
	const struct telemetry_config *cfg;
	int rfd;
	FILE *w;		     /* give this to the collector as .live */
	char *line[TUI_MAX_TARGETS]; /* newest line per target, NULL: none yet */
	char buf[8192];
	size_t len;
};

/** 0, or -errno (pipe or stream). */
int tui_targets_open(struct tui_targets *tt, const struct telemetry_config *cfg);

/** Read what the collector wrote since the last call. */
void tui_targets_read(struct tui_targets *tt);

/** The number of targets shown (cfg's, at most TUI_MAX_TARGETS). */
size_t tui_targets_count(const struct tui_targets *tt);

void tui_targets_close(struct tui_targets *tt);
