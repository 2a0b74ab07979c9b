/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shards: N generators run one campaign, each its exact part. Levels are
 * split the way workers split them (whole connections, the remainder to the
 * first; rates as fractions), so the parts add up to the campaign's level.
 * The local 4-tuples are split so that no two shards can use the same one:
 * by address when there are at least N local addresses, else by port.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan.h"

/** Part i of n of total: whole parts (floor, plus one for the first
 * total mod n parts) or exact fractions. The n parts add up to total. */
double plan_share(double total, uint32_t n, uint32_t i, bool whole);

/** Cut p down to its shard p->shard of p->n_shards (n_shards 0 or 1: the
 * whole campaign, nothing changes): every phase's level and connection caps,
 * the table sizes, and the local addresses or ports. Also records what the
 * shard was given, for the report. */
void plan_apply_shard(struct plan *p);

/** {"index", "count", "split": "addresses"|"ports", "local_addresses":
 * {"first", "count"}, "ports": {"min", "max"}, "phases": [{"name", "model",
 * "from", "to", "max_connections"}]}: what this shard was given. */
json_t *plan_shard_json(const struct plan *p);
