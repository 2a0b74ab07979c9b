/* SPDX-License-Identifier: BSD-3-Clause */
#include "interval-latency.h"

#include <math.h>
#include <string.h>

#include "hist.h"

void interval_latency_init(struct interval_latency *il)
{
	hist_init(&il->prev);
	hist_init(&il->cur);
	il->phase = 0;
}

/* cur - prev into d, bucket by bucket (a torn read can make one negative) */
static void hist_since(struct hist *d, const struct hist *cur, const struct hist *prev)
{
	hist_init(d);
	for (unsigned i = 0; i < HIST_N_BUCKETS; i++) {
		uint64_t n =
			cur->buckets[i] > prev->buckets[i] ? cur->buckets[i] - prev->buckets[i] : 0;
		d->buckets[i] = n;
		d->count += n;
	}
	d->min = 0;
	d->max = cur->max;
}

void interval_latency_take(struct interval_latency *il, const struct run_workers *rw,
			   uint32_t phase, struct series_point *pt)
{
	struct hist d;

	hist_init(&il->cur);
	for (uint16_t k = 0; k < rw->n; k++)
		if (phase < rw->w[k].n_phases)
			hist_add(&il->cur, &rw->w[k].results[phase].lat);
	if (phase != il->phase)
		hist_init(&il->prev); /* a new phase: its histogram started empty */
	hist_since(&d, &il->cur, &il->prev);
	bool none = d.count == 0;
	pt->p50_us = none ? NAN : (double)hist_percentile(&d, 50);
	pt->p99_us = none ? NAN : (double)hist_percentile(&d, 99);
	pt->p999_us = none ? NAN : (double)hist_percentile(&d, 99.9);
	memcpy(&il->prev, &il->cur, sizeof(il->prev));
	il->phase = phase;
}
