/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The time series as CSV (series.csv): a header row, then one row per point
 * in time order, fields separated by ',' and rows ended by '\n':
 *
 *   t,seconds,phase,requests,responses_2xx,responses_3xx,responses_4xx,
 *   responses_5xx,responses_other,err_connect,err_timeout,err_reset,err_parse,
 *   err_validation,retrans,open_conns,rps,p50_us,p99_us
 *
 * t: seconds since the start at the point's end; seconds: the span the point
 * covers; counts are for that span; rps = responses (all classes) / seconds;
 * an unknown value (latency NAN, rps of an empty span) is an empty field.
 */
#pragma once

#include <stdio.h>

#include "series.h"

/** Write s to path (atomically, see out-file.h). 0 or -errno (-EINVAL for a
 * NULL argument, or the failing call's error). */
int report_csv_write(const char *path, const struct series *s);

/** Write the rows to an open stream (no atomic rename). 0 or -EIO. */
int report_csv_print(FILE *f, const struct series *s);
