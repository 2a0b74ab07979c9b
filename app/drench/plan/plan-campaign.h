/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stddef.h>

#include "plan.h"
#include "run-opts.h"

struct campaign;

/** Load and validate a campaign; 0, or -EINVAL after printing every error
 * (file:line:column, key path) to stderr. campaign_free() it after use. */
int plan_campaign_load(const char *path, const char *const *overrides, size_t n_overrides,
		       struct campaign *c);

/** Turn a loaded client campaign into a plan; 0, or -EINVAL after printing
 * what this generator cannot run. The plan points into c: free the plan
 * before the campaign. */
int plan_from_campaign(struct campaign *c, const struct run_opts *o, struct plan *p);
