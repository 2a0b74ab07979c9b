/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A run's time series in fixed memory, for runs of seconds or of days.
 *
 * The caller adds one point per interval (say each second). The series holds
 * at most `capacity` points; when it is full it halves its resolution by
 * merging neighbouring pairs, so a 72-hour soak keeps the whole run, at a
 * coarser step, in the memory of a short one:
 * capacity * sizeof(struct series_point) bytes (4096 points: 576 KiB).
 *
 * Merging two points: counts add, t, phase and open_conns are the later
 * point's, p50_us, p99_us and p999_us the larger (NAN only when both are NAN).
 * Once merged, a stored point stands for series_raw_per_point() added points;
 * the newest stored point may stand for fewer (it is still filling).
 *
 * Not thread-safe: one owner adds and reads.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "series-t.h"

struct series;

/** A series of at most capacity points (even, >= 2).
 * NULL with errno EINVAL (bad capacity) or ENOMEM. */
struct series *series_create(size_t capacity);
void series_free(struct series *s);

/** Add the point of one interval (counts for that interval only).
 * 0; -EINVAL when p is NULL, p->t is not finite or p->t is earlier than the
 * previous point's t (points come in time order). */
int series_add(struct series *s, const struct series_point *p);

/** Points held now, the newest partly filled one included (<= capacity). */
size_t series_count(const struct series *s);

/** Point i in time order (0 = oldest); NULL when i >= series_count(). The
 * pointer is valid until the next series_add(). */
const struct series_point *series_at(const struct series *s, size_t i);

/** Added points each stored point stands for: 1, then 2, 4, ... */
uint64_t series_raw_per_point(const struct series *s);

/** Points added since creation. */
uint64_t series_raw_count(const struct series *s);

/** Seconds per stored point now: the mean interval of the added points times
 * series_raw_per_point(). 0 while empty. */
double series_interval(const struct series *s);

/** Seconds covered by point i: its t minus the previous point's t (or minus 0
 * for the first point). 0 when i is out of range. */
double series_point_seconds(const struct series *s, size_t i);

/** Sum of every point's counts into *out (t and open_conns of the last point,
 * latencies the maximum): the run's totals, exact after any compaction.
 * A zero point when the series is empty. */
void series_total(const struct series *s, struct series_point *out);
