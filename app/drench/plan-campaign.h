/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stddef.h>

#include "plan.h"
#include "run-opts.h"

/** Load and validate a campaign and turn it into a plan; 0, or -EINVAL after
 * printing every error (file:line:column, key path) to stderr. The plan
 * points into the loaded campaign: call plan_campaign_release() after it. */
int plan_from_campaign(const char *path, const char *const *overrides, size_t n_overrides,
		       const struct run_opts *o, struct plan *p);
void plan_campaign_release(void);
