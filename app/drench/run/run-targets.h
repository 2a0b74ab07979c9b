/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-target results of a run: the summary lines, the gates of
 * expect.targets, and report.json targets[].load. A target a telemetry
 * agent watches already has its entry (memory verdict); the load figures go
 * into it. Any other target gets an entry of its own with "watched": false
 * and the verdict "insufficient" (no memory evidence), so targets[] keeps
 * the schema-1 shape.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "plan.h"
#include "run-report.h"

/** The per-target lines of the console summary, and each gate of
 * expect.targets with its failures; true when every gate passes. */
bool run_targets_print(FILE *f, const struct plan *p, const struct run_outcome *o);

/** Add targets[].load to rep and check the gates there; *pass is cleared
 * when one fails. */
void run_targets_report(json_t *rep, const struct plan *p, const struct run_outcome *o,
			bool *pass);
