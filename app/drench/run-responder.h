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

/** cmd_run's dispatch: when ro->campaign loads as a responder campaign, run
 * it and return the exit code; otherwise (a client campaign, or one that
 * does not load: the client path reports its errors) return -1. */
int run_responder_campaign(const struct run_opts *ro);
