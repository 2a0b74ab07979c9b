/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The live terminal view of `drench run --tui` and `drench monitor --tui`
 * (ncursesw): the phase with a progress bar and the time left, then, for a
 * run, requests/s achieved against requested, latency sparklines, errors by
 * kind, connections and retransmissions, and for both the memory of every
 * telemetry target with its live verdict. It only draws what it is given:
 * the callers own the figures.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TUI_HISTORY 64 /* sparkline points: one per second */
#define TUI_MAX_TARGETS 16
#define TUI_MAX_WORKERS 64
#define TUI_BUSY_WARN 0.9 /* a worker busier than this may be what limits the load */

struct tui;

/* One frame of the load panels (drench run only). */
struct tui_load {
	double rps, asked_rps;		/* asked 0: closed loop */
	double p50_us, p99_us, p999_us; /* of the last interval; NAN: none */
	uint64_t errors[5];		/* connect, timeout, reset, parse, validation */
	double errors_per_s[5];
	uint32_t open_conns;
	double opened_per_s;
	double retrans_per_s;
	uint64_t retrans_total;
	uint16_t n_workers;
	double busy_share[TUI_MAX_WORKERS]; /* per worker, last second, [0, 1]; NAN: unknown */
};

struct tui_frame {
	const char *title; /* "drench run: steps" */
	const char *phase; /* NULL: no phases (monitor without a duration) */
	uint32_t phase_index, n_phases;
	double phase_elapsed_s, phase_length_s; /* length 0: unknown */
	double run_elapsed_s, run_length_s;
	const struct tui_load *load; /* NULL: no load panels */
	/* the telemetry collector's newest line per target; NULL entries: none yet */
	const char *const *targets;
	size_t n_targets;
};

/** Take over the terminal on stdout; NULL (errno) when stdout is not a
 * terminal or ncurses cannot start. */
struct tui *tui_open(void);

/** Draw a frame; the load figures are appended to the sparklines' history. */
void tui_draw(struct tui *t, const struct tui_frame *f);

/** Give the terminal back (the screen is left as the terminal had it). */
void tui_close(struct tui *t);
