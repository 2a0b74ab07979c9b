/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The name of a campaign that every shard of it shares and no other run has:
 * a BLAKE2b digest (libsodium) of what defines the load, without what may
 * differ between shards (the shard, the output folder, the start time).
 * `drench merge` refuses reports whose digests differ.
 */
#pragma once

#include <stddef.h>

#include "run-opts.h"

/** The campaign file's bytes and each --set except shard=; hex into out[65].
 * 0, or -errno when the file cannot be read. */
int plan_id_campaign(const char *path, const char *const *overrides, size_t n, char out[65]);

/** The flag form: target, load model, levels and durations. */
void plan_id_flags(const struct run_opts *o, char out[65]);
