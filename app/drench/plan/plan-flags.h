/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include "plan.h"
#include "run-opts.h"

/** Build a one-phase plan from the flags; 0 or -EINVAL (message on stderr). */
int plan_from_flags(const struct run_opts *o, struct plan *p);
