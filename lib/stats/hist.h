/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency histograms: O(1) record with no allocation, mergeable, percentile
 * queries with at most 1/256 relative error (see hist-t.h for the layout).
 *
 * A histogram belongs to one thread; merging per-lcore histograms into a total
 * is done by the reader with hist_add() on a snapshot.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hist-t.h"

/** Allocate an empty histogram (sizeof(struct hist), about 30 KiB);
 * NULL with errno ENOMEM. A struct hist may also be static or embedded:
 * call hist_init() on it. */
struct hist *hist_create(void);
void hist_free(struct hist *h);

/** Make h empty (also used to reset it between intervals). */
void hist_init(struct hist *h);
static inline void hist_reset(struct hist *h)
{
	hist_init(h);
}

/* Bucket of a value in [0, HIST_MAX_VALUE]: the position of the top bit picks
 * the power of two, the next HIST_SUB_BITS bits pick the bucket within it. */
static inline unsigned hist_bucket_of(uint64_t v)
{
	const uint64_t exact_mask = (UINT64_C(1) << (HIST_SUB_BITS + 1)) - 1;
	unsigned shift = (unsigned)(63 - __builtin_clzll(v | exact_mask)) - HIST_SUB_BITS;

	return (shift << HIST_SUB_BITS) + (unsigned)(v >> shift);
}

/** Record n occurrences of value v (microseconds). Values above
 * HIST_MAX_VALUE are recorded as HIST_MAX_VALUE and counted as clamped. */
static inline void hist_record_n(struct hist *h, uint64_t v, uint64_t n)
{
	if (v > HIST_MAX_VALUE) {
		v = HIST_MAX_VALUE;
		h->clamped += n;
	}
	h->buckets[hist_bucket_of(v)] += n;
	h->count += n;
	h->sum += v * n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

static inline void hist_record(struct hist *h, uint64_t v)
{
	hist_record_n(h, v, 1);
}

/** Add every value recorded in src into dst (as if recorded there). */
void hist_add(struct hist *dst, const struct hist *src);

/** Lowest and highest value a bucket holds. */
uint64_t hist_bucket_low(unsigned bucket);
uint64_t hist_bucket_high(unsigned bucket);

/** Value at percentile p in [0, 100]: a value v such that at least
 * ceil(p/100 * count) recorded values (and at least one) are <= v's bucket,
 * reported as the bucket midpoint clamped to [min, max]. 0 when empty.
 * hist_percentile(h, 100) == hist_max(h), hist_percentile(h, 0) == hist_min(h). */
uint64_t hist_percentile(const struct hist *h, double p);

/** Number of recorded values in buckets that lie wholly at or below v (for
 * Prometheus-style cumulative buckets; exact when v is a hist_bucket_high()). */
uint64_t hist_count_le(const struct hist *h, uint64_t v);

static inline uint64_t hist_count(const struct hist *h)
{
	return h->count;
}

/** 0 when empty. */
static inline uint64_t hist_min(const struct hist *h)
{
	return h->count > 0 ? h->min : 0;
}

static inline uint64_t hist_max(const struct hist *h)
{
	return h->max;
}

static inline uint64_t hist_clamped(const struct hist *h)
{
	return h->clamped;
}

/** Exact mean of recorded values; NAN when empty. */
double hist_mean(const struct hist *h);
