/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A phase in report.json, both ways: written by `drench run` from the
 * figures merged over its workers, read back by `drench merge` to add the
 * figures of several shards. One file knows the fields, so the two agree.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "campaign-t.h"
#include "phase-stats.h"

/** Append s to report r with every field (the contract's, the details, the
 * histograms), check gate e on it (NULL: only the default error gate) and
 * record its failures under "expect_failures". Returns the phase object
 * (owned by r) or NULL; *pass is cleared when the gate fails. */
json_t *phase_report_add(json_t *r, const struct phase_stats *s, const struct campaign_expect *e,
			 bool *pass);

/** Check gate e on s; write its failures to obj["expect_failures"]. */
bool phase_report_gate(json_t *obj, const struct campaign_expect *e, const struct phase_stats *s);

/** Read a phase object written by phase_report_add() back into s (the name
 * points into ph). 0, or -EINVAL with the reason in err. */
int phase_report_read(const json_t *ph, struct phase_stats *s, char *err, size_t errlen);

/** Add b's figures into a: counts and histograms add, rps and requested
 * rates add (shards run side by side), start is the earliest, end the latest,
 * seconds the longest. */
void phase_stats_merge(struct phase_stats *a, const struct phase_stats *b);
