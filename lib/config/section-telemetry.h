/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The campaign's `telemetry:` section into the struct telemetry_config that
 * lib/telemetry's collector takes (telemetry/telemetry-config.h holds the
 * types only, so neither lib links the other).
 */
#pragma once

#include "telemetry-config.h"

struct config_errors;
struct yaml_node;

/** Parse a `telemetry:` mapping into out (which it first resets to the
 * defaults). Errors go to e; returns 0, or -EINVAL when any was recorded
 * (out is then partly filled: clear it), -ENOMEM. */
int config_parse_telemetry(const struct yaml_node *n, struct telemetry_config *out,
			   struct config_errors *e);

/** Reset to defaults with no targets (nothing to free). */
void config_telemetry_init(struct telemetry_config *c);

/** Free every string and array of c; c is left as after init. */
void config_telemetry_clear(struct telemetry_config *c);
