/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A campaign's gates written into report.json, so that `drench merge` can
 * check them once over the merged figures without the campaign file:
 *   {"max_error_ratio": 0.01 | null, "status_classes": [2, 3] | null,
 *    "latency_max_us": {"p99": 5000, ...}, "min_rps": 1000 | null}
 * A phase without gates has "expect": null (only the default error gate).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "campaign-t.h"

/** e as above; JSON null for NULL. */
json_t *expect_json(const struct campaign_expect *e);

/** Read j back: *given false for null (no gates). 0, or -EINVAL with the
 * reason in err. */
int expect_from_json(const json_t *j, struct campaign_expect *out, bool *given, char *err,
		     size_t errlen);
