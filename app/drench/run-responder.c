/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A responder campaign turned into the options of `drench serve`, then run
 * by serve_execute(): one loop, whichever form started it. Its one worker
 * lcore is the EAL main lcore, as `drench serve --lcores N` makes it.
 */
#include "run-responder.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void rig_options(struct campaign *c, struct serve_opts *o)
{
	const struct campaign_rig *r = &c->rig;
	char lcore[16];

	o->dev = r->ports[0].name;
	snprintf(lcore, sizeof(lcore), "%u", r->worker_lcores[0]);
	o->lcores = campaign_strdup(c, lcore);
	o->local_ip = ntohl(r->local_ips[0].first.s_addr);
	/* as for the client: with a gateway every peer is reached through it */
	o->gateway = r->has_gateway ? ntohl(r->gateway.s_addr) : 0;
	o->netmask = r->has_gateway ? 0xffffffffu : 0;
	o->mtu = r->mtu;
}

void serve_opts_from_campaign(struct campaign *c, const struct run_opts *ro, struct serve_opts *o)
{
	const struct campaign_responder *r = &c->responder;

	serve_opts_defaults(o);
	rig_options(c, o);
	o->port = r->port;
	o->status = r->status;
	o->body_size = r->body_size;
	o->chunked = r->chunked;
	o->keepalive_requests = r->keepalive_requests;
	o->delay_us = r->delay_us;
	o->duration_us = r->duration_us;
	o->max_conns = r->max_connections;
	o->tw_policy = r->time_wait_reset ? TCP_TW_RESET : TCP_TW_2MSL;
	o->campaign = c->name;
	o->quiet = ro && ro->quiet;
	o->output = ro && (ro->given & RUN_OPT_OUTPUT) && strcmp(ro->output, "drench-out") ?
			    ro->output : c->output.folder;
}

/* flags of the campaign form that only a client run takes */
static bool flags_fit(const struct run_opts *ro)
{
	if (ro->metrics_listen || (ro->formats & ~(unsigned)CAMPAIGN_FORMAT_JSON)) {
		fprintf(stderr, "drench run: %s: a responder writes report.json only; "
				"--format and --metrics-listen do not apply\n", ro->campaign);
		return false;
	}
	return true;
}

int run_responder_campaign(const struct run_opts *ro)
{
	struct config_errors e;
	struct serve_opts o;
	struct campaign c;
	int rc;

	config_errors_init(&e);
	rc = campaign_load(ro->campaign, ro->overrides, ro->n_overrides, &c, &e);
	config_errors_free(&e);
	if (rc < 0)
		return -1;
	if (c.role != CAMPAIGN_ROLE_RESPONDER) {
		campaign_free(&c);
		return -1;
	}
	if (!flags_fit(ro)) {
		rc = DRENCH_EXIT_USAGE;
	} else {
		serve_opts_from_campaign(&c, ro, &o);
		rc = o.lcores ? serve_execute(&o) : DRENCH_EXIT_RUNTIME; /* NULL: ENOMEM */
	}
	campaign_free(&c);
	return rc;
}
