/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One point of the run's time series: what happened during one interval.
 * Counts are for the interval (not running totals), so merging two
 * neighbouring points is a plain sum and totals survive any compaction.
 */
#pragma once

#include <stdint.h>

/* Index of series_point.responses[] (the same order as the client's classes). */
enum series_class {
	SERIES_2XX,
	SERIES_3XX,
	SERIES_4XX,
	SERIES_5XX,
	SERIES_OTHER,
	SERIES_N_CLASSES
};

struct series_point {
	double t;	/* seconds since the start of the run, at the interval's end */
	uint32_t phase; /* index of the phase running at t */
	uint64_t requests;
	uint64_t responses[SERIES_N_CLASSES]; /* 2xx, 3xx, 4xx, 5xx, other */
	uint64_t err_connect, err_timeout, err_reset, err_parse, err_validation;
	uint64_t retrans;
	uint32_t open_conns;   /* a gauge: connections open at t */
	double p50_us, p99_us; /* of the interval; NAN when unknown */
	double p999_us;        /* of the interval; NAN when unknown */
};
