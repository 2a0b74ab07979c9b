/* SPDX-License-Identifier: BSD-3-Clause */
/* The terminal view of `drench run` (tui.h) fed from the main lcore's
 * snapshots: one frame per second, in place of the console line. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "console.h"
#include "plan.h"
#include "series-t.h"
#include "tui-targets.h"
#include "tui.h"

struct run_tui {
	struct tui *tui;       /* NULL: no view (lines, or quiet) */
	struct tui_targets tt; /* when the plan has telemetry */
	bool have_targets;
	char title[160];
	bool started;
	uint32_t phase;
	double phase_t0; /* run seconds when the running phase began */
	double run_length_s;
};

/** Open the view when the plan asks for it (tui 1, or -1 and stdout is a
 * terminal and not quiet); on failure say why and carry on with lines. */
void run_tui_open(struct run_tui *rt, const struct plan *p, const char *name);

/** Where the telemetry collector's live lines go: the view's pipe, stdout, or NULL (quiet). */
FILE *run_tui_live(const struct run_tui *rt, const struct plan *p);

/** Draw the second that ended: pt is its series point (latencies). */
void run_tui_draw(struct run_tui *rt, const struct plan *p, uint32_t phase, double elapsed_s,
		  const struct run_snapshot *prev, const struct run_snapshot *cur, double dt_s,
		  const struct series_point *pt);

/** Give the terminal back (before the summary is printed). */
void run_tui_close_view(struct run_tui *rt);

/** Release the rest, once the collector is gone. */
void run_tui_free(struct run_tui *rt);
