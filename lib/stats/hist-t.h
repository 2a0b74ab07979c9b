/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log-linear latency histogram (HdrHistogram layout), values in microseconds.
 *
 * Values below 2^(HIST_SUB_BITS+1) = 256 have a bucket each (exact). Above, each
 * power of two [2^m, 2^(m+1)) is cut into 2^HIST_SUB_BITS = 128 equal buckets,
 * so a bucket's width is at most 1/128 of its lower bound. Reporting the bucket
 * midpoint keeps the relative error at or below 1/256 (0.4%).
 *
 * The range ends at HIST_MAX_VALUE = 2^36 - 1 us (about 19 hours); larger
 * values are clamped to it and counted in `clamped`.
 *
 * Size: sizeof(struct hist) = 5 * 8 + HIST_N_BUCKETS * 8 = 30760 bytes, fixed
 * whatever the run length, so a 72-hour soak uses the memory of a 1-minute run.
 */
#pragma once

#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_MAX_BITS 36
#define HIST_MAX_VALUE ((UINT64_C(1) << HIST_MAX_BITS) - 1)
/* 256 exact buckets, then 128 per power of two from 2^8 to 2^(HIST_MAX_BITS-1) */
#define HIST_N_BUCKETS ((HIST_MAX_BITS - HIST_SUB_BITS + 1) << HIST_SUB_BITS)

struct hist {
	uint64_t count;	  /* values recorded, clamped ones included */
	uint64_t sum;	  /* of recorded (clamped) values, for the mean */
	uint64_t min;	  /* UINT64_MAX while empty */
	uint64_t max;	  /* 0 while empty */
	uint64_t clamped; /* values above HIST_MAX_VALUE */
	uint64_t buckets[HIST_N_BUCKETS];
};
