/* SPDX-License-Identifier: BSD-3-Clause */
/* Histogram queries and merging; recording is inline in hist.h. */
#include "hist.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

struct hist *hist_create(void)
{
	struct hist *h = malloc(sizeof(*h));

	if (h == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	hist_init(h);
	return h;
}

void hist_free(struct hist *h)
{
	free(h);
}

void hist_init(struct hist *h)
{
	*h = (struct hist){.min = UINT64_MAX};
}

void hist_add(struct hist *dst, const struct hist *src)
{
	for (unsigned i = 0; i < HIST_N_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	dst->clamped += src->clamped;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* Inverse of hist_bucket_of(): buckets below 2^(SUB_BITS+1) are exact; above,
 * bucket >> SUB_BITS is shift + 1 and the low part is the top bits of the value. */
static unsigned bucket_shift(unsigned bucket)
{
	unsigned group = bucket >> HIST_SUB_BITS;

	return group < 2 ? 0 : group - 1;
}

uint64_t hist_bucket_low(unsigned bucket)
{
	unsigned shift = bucket_shift(bucket);

	return (uint64_t)(bucket - (shift << HIST_SUB_BITS)) << shift;
}

uint64_t hist_bucket_high(unsigned bucket)
{
	return hist_bucket_low(bucket) + (UINT64_C(1) << bucket_shift(bucket)) - 1;
}

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Rank (1-based) of the value at percentile p in (0, 100) among count values. */
static uint64_t percentile_rank(double p, uint64_t count)
{
	double r = ceil(p / 100.0 * (double)count);
	return r < 1 ? 1 : r > (double)count ? count : (uint64_t)r;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (h->count == 0)
		return 0;
	if (!(p > 0)) /* also NAN */
		return h->min;
	if (p >= 100)
		return h->max;
	rank = percentile_rank(p, h->count);
	for (unsigned i = 0; i < HIST_N_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t lo = hist_bucket_low(i), hi = hist_bucket_high(i);

			return clamp(lo + (hi - lo) / 2, h->min, h->max);
		}
	}
	return h->max; /* buckets and count disagree: only after a torn snapshot */
}

uint64_t hist_count_le(const struct hist *h, uint64_t v)
{
	uint64_t n = 0;

	if (v >= HIST_MAX_VALUE)
		return h->count;
	for (unsigned i = 0; i < HIST_N_BUCKETS && hist_bucket_high(i) <= v; i++)
		n += h->buckets[i];
	return n;
}

double hist_mean(const struct hist *h)
{
	return h->count > 0 ? (double)h->sum / (double)h->count : NAN;
}
