/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A latency histogram in report.json, compact and versioned, so that reports
 * of several generators merge exactly (`drench merge`):
 *
 *   {"version": 1, "sub_bits": 7, "max_bits": 36,
 *    "count", "sum", "min", "max", "clamped",
 *    "buckets": [[index, count], ...]}   non-empty buckets, ascending index
 *
 * The layout fields are those of stats/hist-t.h; a reader refuses another
 * layout rather than misread it.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "hist-t.h"

#define REPORT_HIST_VERSION 1

/** The histogram as above; NULL with errno ENOMEM. */
json_t *report_hist_json(const struct hist *h);

/** Read j back into out (initialised here). 0, or -EINVAL with the reason
 * in err: wrong version or layout, a bucket out of range or out of order,
 * bucket counts that do not add up to count, min or max outside the buckets. */
int report_hist_parse(const json_t *j, struct hist *out, char *err, size_t errlen);
