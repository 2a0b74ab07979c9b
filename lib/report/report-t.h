/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inputs to report.json (schema 1). Plain values: the caller owns every string
 * and array; report_add_*() copies what it needs into the JSON tree.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define REPORT_SCHEMA 1

/* Index of responses[] by status class. */
enum report_status_class {
	REPORT_2XX,
	REPORT_3XX,
	REPORT_4XX,
	REPORT_5XX,
	REPORT_N_STATUS_CLASSES,
};

struct report_phase {
	const char *name;
	double start, end; /* unix seconds */
	uint64_t requests;
	uint64_t responses[REPORT_N_STATUS_CLASSES]; /* 2xx, 3xx, 4xx, 5xx */
	uint64_t err_connect, err_timeout, err_reset, err_parse, err_validation;
	double rps;
	double p50, p90, p99, p999, max; /* microseconds; NAN = no samples -> null */
};

struct report_metric {
	const char *name;
	const char *verdict;
	double slope_per_hour;
	double bytes_per_request; /* NAN = unknown -> JSON null */
};

struct report_target {
	const char *name;
	const char *verdict; /* "leak" | "suspect" | "ok" | "insufficient" */
	const struct report_metric *metrics;
	size_t n_metrics;
	const char *const *profiles; /* paths relative to the output folder */
	size_t n_profiles;
};
