/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `drench run FILE.yaml` with role: responder: the campaign turned into the
 * options of `drench serve` (serve_opts_from_campaign), then run by
 * serve_execute(): one loop, whichever form started it.
 */
#include "run-responder.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "campaign.h"
#include "serve-opts.h"

/* flags of the campaign form that only a client run takes */
static bool flags_fit(const struct run_opts *ro)
{
	if (ro->metrics_listen || (ro->formats & ~(unsigned)CAMPAIGN_FORMAT_JSON)) {
		fprintf(stderr, "drench run: %s: a responder writes report.json only; "
				"--format and --metrics-listen do not apply\n", ro->campaign);
		return false;
	}
	/* a responder answers what comes: it has no load to split or to time */
	if (ro->n_shards || ro->start_at > 0) {
		fprintf(stderr, "drench run: %s: a responder has no load to shard or to start "
				"at a time; --shard and --start-at do not apply\n", ro->campaign);
		return false;
	}
	return true;
}

int run_responder_campaign(struct campaign *c, const struct run_opts *ro)
{
	struct serve_opts o;

	if (!flags_fit(ro))
		return DRENCH_EXIT_USAGE;
	serve_opts_from_campaign(c, ro, &o);
	return o.lcores ? serve_execute(&o) : DRENCH_EXIT_RUNTIME; /* NULL: ENOMEM */
}
