/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * phases: a name, a duration and exactly one load model (connections, rate,
 * cps, idle, or the steps shorthand), each level constant or ramped
 * {from, to}; the request mix; per-phase expectations.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign-priv.h"
#include "config-errors.h"
#include "steps.h"

/* client ports 1024..65535 per local address */
#define PORTS_PER_ADDRESS 64512u
#define MAX_CONNECTIONS 16000000u
#define MAX_STEPS 1000u
#define MODELS_EXPECTED "exactly one of connections, rate, cps, idle or steps"

static const char *const phase_keys[] = {
	"name", "duration", "connections", "rate", "cps", "idle", "steps", "pipeline", "think",
	"requests_per_connection", "max_connections", "requests", "expect", NULL,
};
static const char *const level_keys[] = {"from", "to", NULL};
static const char *const steps_keys[] = {"model", "from", "to", "step", "hold", "pause", NULL};
static const char *const model_keys[] = {"connections", "rate", "cps", "idle", "steps"};
static const char *const stepped_models[] = {"connections", "rate", "cps", NULL};

/* one value of a level: a connection count, or requests/connections per second */
static int level_value(struct section_ctx *s, const struct yaml_node *n,
		       enum campaign_load_model m, double *out)
{
	uint64_t count;
	struct rate r;

	if (m == CAMPAIGN_LOAD_CONNECTIONS) {
		int ret = cfg_get_count(n, s->e, 0, MAX_CONNECTIONS, &count);
		if (ret > 0)
			*out = (double)count;
		return ret;
	}
	const char *expected = m == CAMPAIGN_LOAD_RATE ? "requests per second such as 500 or 10k"
						       : "connections per second such as 500 or 10k";
	const char *t;
	int ret = cfg_get_string(n, s->e, &t);
	if (ret <= 0)
		return ret;
	if (units_parse_rate(t, &r) < 0 || r.unit != RATE_RPS) {
		config_error_at(s->e, &n->mark, n->path, expected, "bad rate \"%s\"", t);
		return -1;
	}
	*out = r.value;
	return 1;
}

/* N, or {from: A, to: B}; a constant level must be above zero */
static bool parse_level(struct section_ctx *s, const struct yaml_node *n,
			enum campaign_load_model m, struct campaign_level *l)
{
	if (n->kind != YAML_KIND_MAPPING) {
		if (level_value(s, n, m, &l->from) < 0)
			return false;
		l->to = l->from;
		if (l->from <= 0) {
			config_error_at(s->e, &n->mark, n->path, "a level above zero, or {from, to}",
					"%s is zero", campaign_model_name(m));
			return false;
		}
		return true;
	}
	if (!cfg_mapping_strict(n, s->e, level_keys))
		return false;
	const struct yaml_node *from = cfg_require(n, "from", s->e, "the level at the start");
	const struct yaml_node *to = cfg_require(n, "to", s->e, "the level at the end");
	if (!from || !to || level_value(s, from, m, &l->from) < 0 || level_value(s, to, m, &l->to) < 0)
		return false;
	if (l->from <= 0 && l->to <= 0) {
		config_error_at(s->e, &n->mark, n->path, "a ramp with an end above zero",
				"ramp from 0 to 0");
		return false;
	}
	return true;
}

static void parse_steps(struct section_ctx *s, const struct yaml_node *n,
			struct campaign_phase *p)
{
	struct campaign_steps *st = &p->steps;
	unsigned model = 0;

	if (!cfg_mapping_strict(n, s->e, steps_keys))
		return;
	cfg_get_enum(config_yaml_map_get(n, "model"), s->e, stepped_models, &model);
	st->model = (enum campaign_load_model)model;
	const struct yaml_node *from = cfg_require(n, "from", s->e, "the first level");
	const struct yaml_node *to = cfg_require(n, "to", s->e, "the last level");
	const struct yaml_node *step = cfg_require(n, "step", s->e, "the increment between levels");
	bool ok = from && to && step;
	ok &= !from || level_value(s, from, st->model, &st->from) > 0;
	ok &= !to || level_value(s, to, st->model, &st->to) > 0;
	ok &= !step || level_value(s, step, st->model, &st->step) > 0;
	if (ok && !(st->step > 0)) {
		config_error_at(s->e, &step->mark, step->path, "a step above zero", "step is zero");
		ok = false;
	}
	if (ok && steps_count(st) > MAX_STEPS) {
		config_error_at(s->e, &step->mark, step->path, "at most 1000 steps",
				"%zu steps", steps_count(st));
		ok = false;
	}
	const struct yaml_node *hold = cfg_require(n, "hold", s->e, UNITS_DURATION_EXPECTED);
	ok &= hold && cfg_get_duration(hold, s->e, 1000, &st->hold_us) > 0;
	ok &= cfg_get_duration(config_yaml_map_get(n, "pause"), s->e, 0, &st->pause_us) >= 0;
	if (!ok)
		return;
	p->duration_us = steps_duration_us(st);
	p->level = (struct campaign_level){st->from, steps_level(st, steps_count(st) - 1)};
}

/* exactly one model key; returns its node or NULL after recording the error */
static const struct yaml_node *find_model(struct section_ctx *s, const struct yaml_node *n,
					  enum campaign_load_model *m)
{
	const struct yaml_node *found = NULL;
	const char *found_key = NULL;

	for (size_t i = 0; i < n->n; i++) {
		const struct yaml_pair *pr = &n->pairs[i];
		for (unsigned k = 0; k < sizeof(model_keys) / sizeof(model_keys[0]); k++) {
			if (strcmp(pr->key, model_keys[k]))
				continue;
			if (found) {
				config_error_at(s->e, &pr->key_mark, pr->value->path, MODELS_EXPECTED,
						"two load models, %s and %s", found_key, pr->key);
				return NULL;
			}
			found = pr->value;
			found_key = pr->key;
			*m = (enum campaign_load_model)k;
		}
	}
	if (!found)
		config_error_at(s->e, &n->mark, n->path, MODELS_EXPECTED, "no load model");
	return found;
}

static void check_connections_fit(struct section_ctx *s, const struct yaml_node *at,
				  const struct campaign_phase *p)
{
	uint32_t addrs = s->c->rig.n_local_addresses;
	double top = p->level.from > p->level.to ? p->level.from : p->level.to;
	char expected[128];

	if (addrs == 0 || top <= (double)addrs * PORTS_PER_ADDRESS)
		return;
	snprintf(expected, sizeof(expected), "at most %llu connections, or more rig.local_ips",
		 (unsigned long long)addrs * PORTS_PER_ADDRESS);
	config_error_at(s->e, &at->mark, at->path, expected,
			"%.0f connections need %.0f local addresses, the rig has %u", top,
			ceil(top / PORTS_PER_ADDRESS), addrs);
}

static void parse_model(struct section_ctx *s, const struct yaml_node *n, struct campaign_phase *p)
{
	const struct yaml_node *mn = find_model(s, n, &p->model);
	bool idle = false;

	if (!mn)
		return;
	switch (p->model) {
	case CAMPAIGN_LOAD_IDLE:
		if (cfg_get_bool(mn, s->e, &idle) > 0 && !idle)
			config_error_at(s->e, &mn->mark, mn->path, "idle: true, or another load model",
					"idle: false is no load model");
		break;
	case CAMPAIGN_LOAD_STEPS:
		parse_steps(s, mn, p);
		if (p->steps.model == CAMPAIGN_LOAD_CONNECTIONS)
			check_connections_fit(s, mn, p);
		break;
	default:
		if (parse_level(s, mn, p->model, &p->level) && p->model == CAMPAIGN_LOAD_CONNECTIONS)
			check_connections_fit(s, mn, p);
		break;
	}
}

/* the model a phase's connections follow, seeing through steps */
static enum campaign_load_model effective_model(const struct campaign_phase *p)
{
	return p->model == CAMPAIGN_LOAD_STEPS ? p->steps.model : p->model;
}

/* rate and cps: how many connections may be open at once */
static void parse_max_connections(struct section_ctx *s, const struct yaml_node *n,
				  struct campaign_phase *p)
{
	const struct yaml_node *mc = config_yaml_map_get(n, "max_connections");
	enum campaign_load_model m = effective_model(p);
	int64_t v;

	if (mc && m != CAMPAIGN_LOAD_RATE && m != CAMPAIGN_LOAD_CPS)
		config_error_at(s->e, &mc->mark, mc->path, "rate or cps in this phase",
				"max_connections applies to the rate and cps models only");
	else if (cfg_get_int(mc, s->e, 1, 4000000, &v) > 0)
		p->max_connections = (unsigned)v;
}

static void parse_model_options(struct section_ctx *s, const struct yaml_node *n,
				struct campaign_phase *p)
{
	const struct yaml_node *pl = config_yaml_map_get(n, "pipeline");
	const struct yaml_node *rpc = config_yaml_map_get(n, "requests_per_connection");
	const struct yaml_node *think = config_yaml_map_get(n, "think");
	int64_t v;

	p->pipeline = 1;
	p->requests_per_connection = 1;
	if (pl && effective_model(p) != CAMPAIGN_LOAD_CONNECTIONS)
		config_error_at(s->e, &pl->mark, pl->path, "connections in this phase",
				"pipeline applies to the connections model only");
	else if (cfg_get_int(pl, s->e, 1, 1024, &v) > 0)
		p->pipeline = (unsigned)v;
	if (think && effective_model(p) != CAMPAIGN_LOAD_CONNECTIONS)
		config_error_at(s->e, &think->mark, think->path, "connections in this phase",
				"think applies to the connections model only");
	else
		cfg_get_duration(think, s->e, 0, &p->think_us);
	if (rpc && effective_model(p) != CAMPAIGN_LOAD_CPS)
		config_error_at(s->e, &rpc->mark, rpc->path, "cps in this phase",
				"requests_per_connection applies to the cps model only");
	else if (cfg_get_int(rpc, s->e, 0, 1000000000, &v) > 0)
		p->requests_per_connection = (unsigned)v;
	parse_max_connections(s, n, p);
}

static void default_mix(struct section_ctx *s, struct campaign_phase *p)
{
	const struct campaign *c = s->c;
	p->mix = section_alloc(s, (c->n_requests ? c->n_requests : 1) * sizeof(*p->mix));
	if (!p->mix)
		return;
	for (size_t i = 0; i < c->n_requests; i++)
		p->mix[i] = (struct campaign_mix){i, c->requests[i].weight};
	p->n_mix = c->n_requests;
}

static void add_mix(struct section_ctx *s, struct campaign_phase *p, const struct yaml_node *at,
		    const char *name, unsigned weight)
{
	long r = campaign_find_request(s->c, name);
	if (r < 0) {
		config_error_at(s->e, &at->mark, at->path, "the name of a request",
				"unknown request \"%s\"", name);
		return;
	}
	p->mix[p->n_mix++] = (struct campaign_mix){(size_t)r, weight};
}

/* [a, b] with the templates' weights, or {a: 3, b: 1} */
static void parse_mix(struct section_ctx *s, const struct yaml_node *n, struct campaign_phase *p)
{
	const char *name;
	int64_t w;

	if (!n) {
		default_mix(s, p);
		return;
	}
	if (n->kind == YAML_KIND_SCALAR || config_yaml_len(n) == 0) {
		config_error_at(s->e, &n->mark, n->path,
				"a list of request names, or a mapping name: weight",
				"wrong type, got %s",
				config_yaml_len(n) ? config_yaml_kind_name(n) : "an empty mix");
		return;
	}
	p->mix = section_alloc(s, config_yaml_len(n) * sizeof(*p->mix));
	for (size_t i = 0; p->mix && i < config_yaml_len(n); i++) {
		if (n->kind == YAML_KIND_SEQUENCE) {
			const struct yaml_node *item = config_yaml_seq_at(n, i);
			if (cfg_get_string(item, s->e, &name) > 0) {
				long r = campaign_find_request(s->c, name);
				add_mix(s, p, item, name, r < 0 ? 1 : s->c->requests[r].weight);
			}
		} else if (cfg_get_int(n->pairs[i].value, s->e, 1, 1000000, &w) > 0) {
			add_mix(s, p, n->pairs[i].value, n->pairs[i].key, (unsigned)w);
		}
	}
}

static void parse_phase(struct section_ctx *s, const struct yaml_node *n, size_t index,
			struct campaign_phase *p)
{
	const char *name = NULL;
	char dflt[32];

	p->where = campaign_where_of(s, n);
	if (!cfg_mapping_strict(n, s->e, phase_keys))
		return;
	const struct yaml_node *nn = config_yaml_map_get(n, "name");
	if (cfg_get_string(nn, s->e, &name) <= 0) {
		snprintf(dflt, sizeof(dflt), "phase-%zu", index + 1);
		name = dflt;
	}
	for (size_t i = 0; i < index; i++)
		if (s->c->phases[i].name && !strcmp(s->c->phases[i].name, name))
			config_error_at(s->e, nn ? &nn->mark : &n->mark, nn ? nn->path : n->path,
					"a name used once",
					"phase \"%s\" is defined twice", name);
	p->name = section_strdup(s, name);
	parse_model(s, n, p);
	const struct yaml_node *dn = config_yaml_map_get(n, "duration");
	if (p->model == CAMPAIGN_LOAD_STEPS && dn)
		config_error_at(s->e, &dn->mark, dn->path, "steps.hold and steps.pause",
				"a steps phase takes its duration from its steps");
	else if (p->model != CAMPAIGN_LOAD_STEPS)
		cfg_get_duration(cfg_require(n, "duration", s->e, UNITS_DURATION_EXPECTED), s->e,
				 1000, &p->duration_us);
	parse_model_options(s, n, p);
	parse_mix(s, config_yaml_map_get(n, "requests"), p);
	const struct yaml_node *x = config_yaml_map_get(n, "expect");
	if (x) {
		p->has_expect = true;
		section_expect(s, x, &p->expect);
	}
}

void section_phases(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign *c = s->c;

	if (!cfg_expect_kind(n, s->e, YAML_KIND_SEQUENCE))
		return;
	if (config_yaml_len(n) == 0) {
		config_error_at(s->e, &n->mark, n->path, "at least one phase", "no phases");
		return;
	}
	c->phases = section_alloc(s, config_yaml_len(n) * sizeof(*c->phases));
	if (!c->phases)
		return;
	for (size_t i = 0; i < config_yaml_len(n); i++) {
		parse_phase(s, config_yaml_seq_at(n, i), i, &c->phases[i]);
		c->n_phases = i + 1;
		c->total_duration_us += c->phases[i].duration_us;
	}
}
