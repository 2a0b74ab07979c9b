/* SPDX-License-Identifier: BSD-3-Clause */
/* A campaign file turned into a run plan. What the loader accepts but this
 * generator cannot run yet is an error here, named at its file:line:column. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "template.h"
#include "vars.h"
#include "match.h"
#include "plan-campaign.h"
#include "plan-id.h"

#define RATE_MAX_CONNS 1024
#define HEADER_MAX 512

static void error_at(struct config_errors *e, const struct campaign_where *w, const char *fmt,
		     const char *what)
{
	config_error_add(e, w->file, w->line, w->col, w->path, NULL, fmt, what);
}

/* The EAL lcore list: the telemetry (main) lcore first, then the workers.
 * Without a telemetry lcore, the lowest CPU that is not a worker. */
static void plan_lcores(struct plan *p, const struct campaign_rig *r)
{
	unsigned main_lcore = 0;
	size_t used;

	if (r->telemetry_lcore >= 0) {
		main_lcore = (unsigned)r->telemetry_lcore;
	} else {
		for (bool busy = true; busy; main_lcore += busy) {
			busy = false;
			for (size_t i = 0; i < r->n_worker_lcores; i++)
				busy |= r->worker_lcores[i] == main_lcore;
		}
	}
	used = (size_t)snprintf(p->lcores, sizeof(p->lcores), "%u", main_lcore);
	for (size_t i = 0; i < r->n_worker_lcores && used < sizeof(p->lcores); i++)
		used += (size_t)snprintf(p->lcores + used, sizeof(p->lcores) - used, ",%u",
					 r->worker_lcores[i]);
}

static void plan_rig(struct plan *p, const struct campaign *c, struct config_errors *e)
{
	const struct campaign_rig *r = &c->rig;

	if (r->n_ports > PLAN_MAX_PORTS)
		error_at(e, &r->where, "%s: more ports than drench drives in one run (8)", "ports");
	if (r->n_local_ips > 1)
		error_at(e, &r->where, "%s: one range of consecutive addresses per run for now",
			 "local_ips");
	if (r->n_local_addresses > PLAN_MAX_LOCAL_IPS)
		error_at(e, &r->where, "%s: more addresses than drench uses (4096)", "local_ips");
	if (r->has_local_ip6 && r->n_local_ips == 0)
		error_at(e, &r->where, "%s: an IPv4 range beside the IPv6 entry (the targets "
				      "section takes IPv4 addresses)", "local_ips");
	if (r->n_ports == 0 || r->n_worker_lcores == 0 || r->n_local_ips == 0)
		return;
	for (size_t i = 0; i < r->n_ports && i < PLAN_MAX_PORTS; i++)
		p->devs[i] = r->ports[i].name;
	p->n_ports = (uint16_t)(r->n_ports < PLAN_MAX_PORTS ? r->n_ports : PLAN_MAX_PORTS);
	plan_lcores(p, r);
	p->local_ip = ntohl(r->local_ips[0].first.s_addr);
	p->n_local_ips = ntohl(r->local_ips[0].last.s_addr) - p->local_ip + 1;
	/* with a gateway every target is reached through it */
	p->gateway = r->has_gateway ? ntohl(r->gateway.s_addr) : 0;
	p->netmask = r->has_gateway ? 0xffffffffu : 0;
	p->mtu = r->mtu ? r->mtu : 1500;
	p->has_ip6 = r->has_local_ip6;
	memcpy(p->local_ip6.b, &r->local_ip6, 16);
	memcpy(p->gateway6.b, &r->gateway6, 16);
	p->prefix6 = r->prefix6;
	p->time_wait = (enum tcp_time_wait_policy)r->time_wait; /* the same order */
}

/* Strings of one request, with ${...} replaced by sentinel fields. */
struct marked {
	char *path, *body;
	size_t body_len;
	char *hdr[16];
	const char *hdr_ptr[16];
};

static void marked_free(struct marked *m)
{
	free(m->path);
	free(m->body);
	for (int i = 0; i < 16; i++)
		free(m->hdr[i]);
}

static int mark_request(struct marked *m, const struct campaign_request *rq, size_t nh)
{
	size_t n;

	memset(m, 0, sizeof(*m));
	m->path = vars_mark(rq->path, strlen(rq->path), &n);
	m->body = rq->body ? vars_mark((const char *)rq->body, rq->body_len, &m->body_len) : NULL;
	if (!m->path || (rq->body && !m->body))
		return -ENOMEM;
	for (size_t i = 0; i < nh; i++) {
		char line[HEADER_MAX];
		int len = snprintf(line, sizeof(line), "%s: %s", rq->headers[i].name,
				   rq->headers[i].value);
		m->hdr[i] = vars_mark(line, (size_t)len, &n);
		if (!m->hdr[i])
			return -ENOMEM;
		m->hdr_ptr[i] = m->hdr[i];
	}
	return 0;
}

/* Keep a copy of the request bytes with the variable fields located. */
static int locate_vars(struct client_template *ct)
{
	size_t len;
	const uint8_t *b = http_template_bytes(ct->tpl, &len);
	uint8_t *copy = malloc(len);
	struct vars_field *f = calloc(VARS_MAX, sizeof(*f));

	if (!copy || !f) {
		free(copy);
		free(f);
		return -ENOMEM;
	}
	memcpy(copy, b, len);
	size_t n = vars_find(copy, len, f, VARS_MAX);
	ct->bytes = copy;
	ct->len = len;
	ct->vars = f;
	ct->n_vars = (uint16_t)(n < VARS_MAX ? n : VARS_MAX);
	return n <= VARS_MAX ? 0 : -E2BIG;
}

static int build_template(struct client_template *ct, const struct campaign_request *rq,
			  const struct campaign_target *t)
{
	char host[64];
	size_t nh = rq->n_headers < 16 ? rq->n_headers : 16;
	struct marked m;
	int rc = mark_request(&m, rq, nh);

	inet_ntop(AF_INET, &t->address, host, sizeof(host));
	struct http_template_spec spec = {
		.method = rq->method ? rq->method : "GET",
		.path = m.path,
		.host = t->host ? t->host : host,
		.port = t->host ? 0 : t->port,
		.headers = m.hdr_ptr,
		.n_headers = nh,
		.body = (const uint8_t *)m.body,
		.body_len = m.body_len,
	};
	if (rc == 0)
		ct->tpl = http_template_create(&spec);
	ct->status_classes = rq->status_classes;
	if (rc == 0 && !ct->tpl)
		rc = -EINVAL;
	if (rc == 0 && rq->variables)
		rc = locate_vars(ct);
	marked_free(&m);
	return rc;
}

/* Body expectations compile once per request into a hyperscan database; a
 * pattern hyperscan rejects is named at its own file:line:column. */
static void compile_patterns(struct client_template *ct, const struct campaign_request *rq,
			     struct config_errors *e)
{
	struct match_pattern pats[MATCH_MAX_PATTERNS];
	char err[256];
	int bad = -1;

	if (rq->n_patterns == 0)
		return;
	if (rq->n_patterns > MATCH_MAX_PATTERNS) {
		error_at(e, &rq->where, "%s: at most 64 body patterns", rq->name);
		return;
	}
	for (size_t i = 0; i < rq->n_patterns; i++)
		pats[i] = (struct match_pattern){
			.regex = rq->patterns[i].regex,
			.name = rq->patterns[i].name,
			.must_match = rq->patterns[i].must_match,
			.caseless = rq->patterns[i].caseless,
		};
	ct->match = match_db_compile(pats, rq->n_patterns, &bad, err, sizeof(err));
	if (!ct->match) {
		const struct campaign_where *w = bad >= 0 ? &rq->patterns[bad].where : &rq->where;
		config_error_add(e, w->file, w->line, w->col, w->path, NULL, "%s", err);
	}
}

static void plan_requests(struct plan *p, const struct campaign *c, struct config_errors *e)
{
	if (c->n_requests > PLAN_MAX_TEMPLATES) {
		error_at(e, &c->requests[PLAN_MAX_TEMPLATES].where, "%s: at most 64 requests",
			 "requests");
		return;
	}
	for (size_t i = 0; i < c->n_requests; i++) {
		const struct campaign_request *rq = &c->requests[i];
		compile_patterns(&p->tpls[i], rq, e);
		p->tpl_names[i] = rq->name;
		if (rq->n_headers > 16)
			error_at(e, &rq->where, "%s: at most 16 headers", rq->name);
		if (build_template(&p->tpls[i], rq, &c->targets[rq->target]) < 0)
			error_at(e, &rq->where, "%s: cannot build the request (at most 16 "
						"variables)", rq->name);
		p->n_tpls = (uint16_t)(i + 1);
	}
	if (c->n_requests == 0)
		return;
	uint8_t route_of[PLAN_MAX_TEMPLATES];
	plan_targets_build(&p->targets, c, route_of, e);
	for (size_t i = 0; i < c->n_requests; i++)
		p->tpls[i].route = route_of[i];
	p->daddr = p->targets.dests[0].daddr;
	p->dport = p->targets.dests[0].dport;
}

static enum client_model model_of(enum campaign_load_model m)
{
	switch (m) {
	case CAMPAIGN_LOAD_CONNECTIONS:
		return CLIENT_CLOSED;
	case CAMPAIGN_LOAD_RATE:
		return CLIENT_RATE;
	case CAMPAIGN_LOAD_CPS:
		return CLIENT_CPS;
	default:
		return CLIENT_IDLE;
	}
}

static void plan_mix(struct plan_phase *pp, const struct campaign_phase *ph,
		     const struct campaign *c)
{
	uint32_t cum = 0;
	uint16_t n = 0;

	if (ph->n_mix == 0) {
		for (size_t i = 0; i < c->n_requests && n < PLAN_MAX_TEMPLATES; i++, n++) {
			cum += c->requests[i].weight ? c->requests[i].weight : 1;
			pp->mix_tpl[n] = (uint16_t)i;
			pp->mix_cum[n] = cum;
		}
	} else {
		for (size_t i = 0; i < ph->n_mix && n < PLAN_MAX_TEMPLATES; i++, n++) {
			cum += ph->mix[i].weight ? ph->mix[i].weight : 1;
			pp->mix_tpl[n] = (uint16_t)ph->mix[i].request;
			pp->mix_cum[n] = cum;
		}
	}
	pp->client.n_mix = n;
}

static void plan_phases(struct plan *p, const struct campaign *c, struct config_errors *e)
{
	if (c->n_phases > PLAN_MAX_PHASES) {
		error_at(e, &c->phases[0].where, "%s: at most 256 phases after steps expansion",
			 "phases");
		return;
	}
	for (size_t i = 0; i < c->n_phases; i++) {
		const struct campaign_phase *ph = &c->phases[i];
		struct plan_phase *pp = &p->phases[i];

		pp->name = ph->name;
		pp->step_of = ph->step_of;
		pp->client = (struct client_phase){
			.model = model_of(ph->model),
			.from = ph->level.from,
			.to = ph->level.to,
			.duration_us = ph->duration_us,
			.pipeline = (uint16_t)(ph->pipeline ? ph->pipeline : 1),
			.think_us = ph->think_us,
			.requests_per_conn = ph->model == CAMPAIGN_LOAD_CPS ? ph->requests_per_connection : 0,
		};
		plan_mix(pp, ph, c);
		pp->client.max_conns = ph->max_connections;
		pp->expect = ph->has_expect ? &ph->expect : NULL;
		if (pp->client.pipeline > p->max_pipeline)
			p->max_pipeline = pp->client.pipeline;
		if (ph->model == CAMPAIGN_LOAD_CONNECTIONS) {
			double top = ph->level.from > ph->level.to ? ph->level.from : ph->level.to;
			if (top > p->max_conns)
				p->max_conns = (uint32_t)top;
		}
	}
	p->n_phases = (uint32_t)c->n_phases;
}

static int finish_errors(struct config_errors *e)
{
	if (config_errors_count(e) == 0)
		return 0;
	config_errors_sort(e);
	config_errors_print(e, stderr);
	config_errors_free(e);
	return -EINVAL;
}

int plan_campaign_load(const char *path, const char *const *overrides, size_t n_overrides,
		       struct campaign *c)
{
	struct config_errors e;

	config_errors_init(&e);
	if (campaign_load(path, overrides, n_overrides, c, &e) == 0) {
		config_errors_free(&e);
		return 0;
	}
	finish_errors(&e);
	config_errors_free(&e);
	return -EINVAL;
}

int plan_from_campaign(struct campaign *c, const struct run_opts *o, struct plan *p)
{
	struct config_errors e;

	config_errors_init(&e);
	memset(p, 0, sizeof(*p));
	if (c->role != CAMPAIGN_ROLE_CLIENT) { /* cmd_run sends those to the responder */
		config_error_add(&e, c->file, 1, 1, "role", NULL, "%s",
				 "a responder campaign has no client plan");
		return finish_errors(&e);
	}
	p->max_pipeline = 1;
	p->rate_max_conns = RATE_MAX_CONNS;
	p->request_timeout_us = o->timeout_us;
	p->drain_us = o->drain_us;
	p->output = (o->given & RUN_OPT_OUTPUT) && strcmp(o->output, "drench-out") ?
			    o->output : c->output.folder;
	p->quiet = o->quiet;
	p->tui = o->tui;
	p->formats = c->output.formats | o->formats;
	p->metrics_listen = o->metrics_listen ? o->metrics_listen : c->output.metrics_listen;
	p->expect = c->has_expect ? &c->expect : NULL;
	p->telemetry = c->telemetry;
	p->port_min = PLAN_PORT_MIN;
	p->port_max = PLAN_PORT_MAX;
	/* --shard wins: one campaign file, given to every generator */
	p->shard = o->n_shards ? o->shard : c->shard.index;
	p->n_shards = o->n_shards ? o->n_shards : c->shard.count;
	p->start_at = o->start_at;
	p->campaign_name = c->name;
	/* the digest is of the file and --set lines as given, not of the parsed campaign */
	if (plan_id_campaign(c->file, o->overrides, o->n_overrides, p->campaign_digest) < 0)
		config_error_add(&e, c->file, 1, 1, NULL, "a readable YAML file", "%s",
				 "cannot read it again to name the campaign");
	plan_rig(p, c, &e);
	plan_requests(p, c, &e);
	plan_phases(p, c, &e);
	return finish_errors(&e);
}
