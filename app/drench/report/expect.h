/* SPDX-License-Identifier: BSD-3-Clause */
/* Pass/fail gates of a campaign, checked against a phase's figures. */
#pragma once

#include <stddef.h>

#include "campaign-t.h"
#include "phase-stats.h"

#define EXPECT_MSG 160

struct expect_failure {
	char what[EXPECT_MSG]; /* "p99 8.1 ms > 5 ms" */
};

/** Check s against e (NULL: only the default gate). Errors always gate: at
 * max_error_ratio when given, else no failed request or connection at all.
 * Appends at most max failures to out and returns how many there were. */
size_t expect_check(const struct campaign_expect *e, const struct phase_stats *s,
		    struct expect_failure *out, size_t max);
