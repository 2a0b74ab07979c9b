/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench's commands on DPDK's telemetry socket (dpdk-telemetry.py):
 *   /drench/stats    counters since the start, rates and latency of the last second
 *   /drench/phase    the phase running now, its index, elapsed and planned length
 *   /drench/workers  per worker lcore: requests, responses, packets, connections
 * The main lcore publishes a copy once a second; DPDK's telemetry thread
 * answers from that copy under a mutex, so nothing on the datapath changes.
 */
#pragma once

#include "plan.h"
#include "run-workers.h"
#include "series-t.h"

/** Register the commands (after rte_eal_init). 0 or a negative errno. */
int drench_telemetry_register(void);

/** Publish the second that ended: phase, counters, pt's latencies. */
void drench_telemetry_publish(const struct run_workers *rw, const struct plan *p, uint32_t phase,
			      double elapsed_s, const struct run_snapshot *cur, double rps,
			      const struct series_point *pt);

/** The load is over: /drench/phase says so. */
void drench_telemetry_finished(void);
