/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The time series in report.json, for merging the series of several
 * generators by wall clock:
 *   {"t0": unix seconds the t of each point counts from,
 *    "columns": ["t", "phase", "requests", "2xx", ...],
 *    "points": [[...], ...]}      one row per point, in column order
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "series.h"

/** s as above; NULL with errno ENOMEM. */
json_t *report_series_json(const struct series *s, double t0);

/** Add the points of j, in order, to out, their t moved by shift seconds
 * (to count from another t0). 0; -EINVAL with the reason in err when the
 * columns are not those written here or a row is malformed. */
int report_series_parse(const json_t *j, double shift, struct series *out, char *err,
			size_t errlen);
