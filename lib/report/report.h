/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.json: build, validate and write the results contract (schema 1).
 *
 *   { "schema": 1, "verdict": "pass" | "fail",
 *     "phases":  [ { "name", "start", "end", "requests",
 *                    "responses": {"2xx","3xx","4xx","5xx"},
 *                    "errors": {"connect","timeout","reset","parse","validation"},
 *                    "rps", "latency_us": {"p50","p90","p99","p999","max"} } ],
 *     "targets": [ { "name", "verdict": "leak" | "suspect" | "ok" | "insufficient",
 *                    "metrics": [ { "name", "verdict", "slope_per_hour",
 *                                   "bytes_per_request" } ],
 *                    "profiles": [ "relative/path", ... ] } ] }
 *
 * Fields may be added to the returned objects freely; the keys above must stay.
 * Non-finite doubles (NAN, INF) are written as JSON null.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "report-t.h"

/** A new report {"schema":1,"verdict":"pass","phases":[],"targets":[]};
 * NULL with errno ENOMEM. Release with json_decref(). */
json_t *report_new(void);

/** Append a phase; returns the phase object (borrowed, owned by r) so the
 * caller can add fields, or NULL with errno (EINVAL, ENOMEM). */
json_t *report_add_phase(json_t *r, const struct report_phase *p);

/** Append a target; returns the target object (borrowed). Its "metrics" array
 * holds one object per metric, in order, for extra fields. NULL with errno
 * (EINVAL, ENOMEM). */
json_t *report_add_target(json_t *r, const struct report_target *t);

/** Set "verdict" to "pass" or "fail". */
void report_set_verdict(json_t *r, bool pass);

/** Write r to path atomically (path.tmp.PID, fsync, rename).
 * 0, or -errno (-EINVAL, -ENOMEM, or the failing system call's error). */
int report_write(json_t *r, const char *path);

/** Check the contract: keys present with the right JSON types and verdict
 * values in their sets. 0 if valid; -EINVAL otherwise with a message naming
 * the key path (e.g. "phases[0].latency_us.p99: expected number or null")
 * written to err (if err and errlen > 0). */
int report_validate(const json_t *r, char *err, size_t errlen);

/** Load path and validate it (for tests and scripts). 0; -ENOENT when the
 * file cannot be opened; -EINVAL when it is not JSON or breaks the contract.
 * The reason goes to err in every failing case. */
int report_validate_file(const char *path, char *err, size_t errlen);
