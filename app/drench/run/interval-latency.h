/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency percentiles of one interval of the time series, read on the main
 * lcore from the workers' live per-phase histograms: the merged histogram of
 * the running phase minus the one taken at the previous interval. The read
 * races with the workers' writes like every other live counter; a torn
 * bucket moves a percentile by one bucket for one interval at most.
 */
#pragma once

#include <stdint.h>

#include "run-workers.h"
#include "hist-t.h"
#include "series-t.h"

struct interval_latency {
	struct hist prev; /* the running phase's merged histogram at the last take */
	struct hist cur;
	uint32_t phase; /* of prev */
};

/** Start with nothing seen (phase 0, empty). */
void interval_latency_init(struct interval_latency *il);

/** Fill pt->p50_us, p99_us and p999_us with what the workers recorded in
 * phase since the last call (NAN when nothing was). */
void interval_latency_take(struct interval_latency *il, const struct run_workers *rw,
			   uint32_t phase, struct series_point *pt);
