/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Leak detector for one target: one series per metric, fed with timestamped
 * samples, evaluated on demand. Pure computation: no I/O, no clock, so the
 * same code runs in drench monitor, drench run and the unit tests.
 */
#pragma once

#include <stdint.h>

#include "detector-t.h"

struct detector;

/** Defaults documented in docs/leak-detection.md. */
void detector_params_default(struct detector_params *p);

/** A detector; memory_limit in bytes (0 = none) projects time to limit for
 * byte metrics. NULL with errno (EINVAL, ENOMEM). */
struct detector *detector_create(const struct detector_params *p, double memory_limit);
void detector_destroy(struct detector *d);

/** Declare a metric; judged metrics decide the target verdict. Index >= 0
 * or -ENOMEM/-ENOSPC. Declaring twice updates judged. */
int detector_watch(struct detector *d, const char *metric, bool judged);

/** Add a sample (t in seconds). An undeclared metric is added as evidence
 * only. Non-finite values are ignored. 0 or negative errno. */
int detector_add(struct detector *d, const char *metric, double t, double v);

/** Add an exact live value taken right after a GC (t = the GC's time):
 * each is one floor point, no block minimum. forced: from a forced-GC
 * checkpoint (one such point after load stops is enough for recovery).
 * Points before load begins give the idle floor. 0 or negative errno. */
int detector_add_floor(struct detector *d, const char *metric, double t, double v, bool forced);

/** An exact point read by a GC probe: the heap in use right after a forced
 * GC (a small heap whose GC goal is pinned gives no per-GC point). Such
 * points carry only the allocation between the GC and the read, so a
 * smaller growth counts while concurrency (goroutines when probed, NAN if
 * unknown) holds steady: memory held by requests in flight follows it. */
int detector_add_probe(struct detector *d, const char *metric, double t, double v,
		       double concurrency);

/** Total requests served to this target so far (a counter). Enables
 * per-request figures and, unless detector_note_load() is used, tells when
 * load stops (counter flat for load_idle_s). */
void detector_note_requests(struct detector *d, double t, uint64_t total);

/** The target's allocation counter (go_memstats_alloc_bytes_total): when
 * neither requests nor detector_note_load() say, load is taken to run while
 * the allocation rate is several times its idle rate, and to stop when it
 * falls back for load_idle_s. */
void detector_note_allocated(struct detector *d, double t, double total);

/** The allocation counter across a profile capture, which allocates in
 * the target itself: taken as the new base, no rate. */
void detector_rebase_allocated(struct detector *d, double t, double total);

/** Say explicitly whether load is running (overrides the request counter). */
void detector_note_load(struct detector *d, double t, bool active);

/** Go's GC cycle counter (go_gc_duration_seconds_count): floors of heap
 * metrics span at least 1.5 mean GC periods and need min_gc_cycles. */
void detector_note_gc(struct detector *d, double t, double gc_count);

/** Evaluate every metric at time now; returns the target verdict. */
enum leak_verdict detector_evaluate(struct detector *d, double now);

/** Judge one metric on the floor points taken in [t0, t1] only, e.g. one
 * phase of a bisection campaign that drives one endpoint per phase. Same
 * trend, noise-floor and steadiness rules as detector_evaluate(); no
 * recovery check; per_request from the requests served within the span.
 * INSUFFICIENT with fewer than min_points floor points in the span (floor
 * blocks widen over long runs: a span needs min_points x floor width).
 * 0, -ENOENT (unknown metric) or -ENOMEM. */
int detector_judge_span(const struct detector *d, const char *metric, double t0, double t1,
			struct metric_result *out);

/** Target verdict from the last evaluation. */
enum leak_verdict detector_verdict(const struct detector *d);

size_t detector_n_metrics(const struct detector *d);
const char *detector_metric_name(const struct detector *d, size_t i);
const struct metric_result *detector_result(const struct detector *d, size_t i);

/** Floor points of metric i in time order (at most cap): times, values, and
 * whether each came from a forced-GC checkpoint. Returns how many. */
size_t detector_points(const struct detector *d, size_t i, double *t, double *v, bool *forced,
		       size_t cap);

/** Result by metric name, NULL if unknown. */
const struct metric_result *detector_find(const struct detector *d, const char *metric);

/** "leak", "suspect", "ok", "insufficient". */
const char *leak_verdict_name(enum leak_verdict v);
