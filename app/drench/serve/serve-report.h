/* SPDX-License-Identifier: BSD-3-Clause */
/* report.json of the built-in responder (docs/reports.md, "The responder"). */
#pragma once

#include <stdbool.h>

#include "serve-opts.h"
#include "serve-worker.h"

/* What the run itself knows beyond the worker's counters. */
struct serve_outcome {
	double start, end; /* unix time of the serving window */
	bool interrupted;  /* stopped before its duration */
};

/** Write o->output/report.json: the schema-1 keys (no phases, no targets,
 * verdict pass),
 * role "responder", the options, and the responder's, TCP and port counters.
 * 0 or -errno. */
int serve_report_write(const struct serve_opts *o, const struct serve_worker *w,
		       const struct serve_outcome *out);
