/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memory telemetry of a run, on the main (telemetry) lcore: the same
 * collector and leak detector as `drench monitor`, fed with the requests the
 * workers sent per request name, so verdicts can say bytes retained per
 * request. After the load it keeps watching for the recovery window.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "console.h"
#include "phase-stats.h"
#include "plan.h"

struct collector;

/** Start the collector when the plan has telemetry; 0 (also when it has
 * none) or a negative errno after a message on stderr. */
int run_telemetry_start(const struct plan *p, FILE *live, struct collector **out);

/** Wait on the collector's sockets up to timeout_ms; feed it the request totals. */
void run_telemetry_poll(struct collector *c, const struct plan *p, const struct run_snapshot *s,
			int timeout_ms);

/** Load is over: watch the recovery window (Ctrl-C cuts it short). */
void run_telemetry_recover(struct collector *c, const struct plan *p,
			   const volatile int *interrupted);

/** Judge each phase's time span alone (a bisection campaign names the
 * phase, so the endpoint, whose memory grew): targets[].phases[]. */
void run_telemetry_judge_phases(struct collector *c, const struct phase_stats *phases, uint32_t n);

/** Judge every target now; false when one leaks (true without telemetry). */
bool run_telemetry_verdict_ok(struct collector *c);

void run_telemetry_stop(struct collector *c);

/** A phase ended: a forced-GC checkpoint named phase-NAME. */
void run_telemetry_phase_done(struct collector *c, const char *phase);

/** True (after naming them on stderr) when a `judge:` metric was never
 * sampled: the campaign judged nothing real, a runtime fault. */
bool run_telemetry_judged_missing(struct collector *c);
