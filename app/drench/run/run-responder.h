/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder role of a campaign: `drench run FILE.yaml` with role:
 * responder runs the built-in responder as `drench serve` does, its options
 * (struct serve_opts) taken from the campaign's rig, responder and output
 * sections instead of flags.
 */
#pragma once

#include <stddef.h>

#include "run-opts.h"

struct campaign;

/** Run a loaded campaign with role: responder and return the exit code. */
int run_responder_campaign(struct campaign *c, const struct run_opts *ro);
