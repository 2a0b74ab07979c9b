/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder role of a campaign: `drench run FILE.yaml` with role:
 * responder runs the built-in responder as `drench serve` does, its options
 * (struct serve_opts) taken from the campaign's rig, responder and output
 * sections instead of flags.
 */
#pragma once

#include "config/campaign.h"
#include "run-opts.h"
#include "serve-opts.h"

/** Fill o from a loaded responder campaign (campaign_load() checked that
 * its rig has one port, one worker lcore and one address) and, when ro is
 * given, the run's --output and --quiet. o points into c. */
void serve_opts_from_campaign(struct campaign *c, const struct run_opts *ro, struct serve_opts *o);

/** cmd_run's dispatch: when ro->campaign loads as a responder campaign, run
 * it and return the exit code; otherwise (a client campaign, or one that
 * does not load: the client path reports its errors) return -1. */
int run_responder_campaign(const struct run_opts *ro);
