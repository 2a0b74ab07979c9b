/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench merge: the reports of the N shards of one campaign into one report,
 * as one generator with all their cores would have written it. Counts add;
 * histograms add bucket by bucket, so the percentiles are those of the union
 * of every shard's samples (exact at the histogram's resolution, not an
 * average of percentiles); rps add (the shards run side by side); the time
 * series are laid on one wall clock; the campaign's gates, which every shard
 * report carries, are checked once on the merged figures. No DPDK.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "series.h"

struct merge_in {
	const char *path; /* named in refusals */
	const json_t *rep;
};

struct merge_out {
	json_t *rep;           /* the merged report.json */
	struct series *series; /* on the merged wall clock, from the earliest shard's t0 */
	bool pass;
};

/** Merge n shard reports. 0; -EINVAL when they cannot be merged (not shard
 * reports, different campaigns, a shard twice or one missing, phases that
 * differ), with the reason naming the files in err; -ENOMEM. */
int merge_reports(const struct merge_in *in, size_t n, struct merge_out *out, char *err,
		  size_t errlen);

void merge_out_free(struct merge_out *out);

/** (merge-series.c) The shards' series on one wall clock: each point moved
 * to count from the earliest shard's t0, then added into one-second bins
 * (counts add; open connections add, each shard's last in the bin; interval
 * percentiles cannot be added and are left unknown). Sets rep["series"]. */
int merge_series_into(const struct merge_in *in, size_t n, struct series *out, json_t *rep,
		      char *err, size_t errlen);
