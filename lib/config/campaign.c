/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * campaign_load(): read the YAML, apply --set overrides, check the top-level
 * keys, then run each section parser (section-*.c) in dependency order:
 * rig, then by role either targets, requests (name targets), phases (name
 * requests), expect, telemetry (a client) or responder, then output. Errors
 * accumulate; the campaign is kept only if none.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "campaign-priv.h"
#include "campaign.h"
#include "yaml-doc.h"
#include "steps.h"

#include "section-telemetry.h"

/* ---- arena: everything of a campaign is freed at once ---- */

struct campaign_arena {
	struct campaign_arena *next;
	max_align_t data[];
};

void *campaign_alloc(struct campaign *c, size_t size)
{
	struct campaign_arena *a = calloc(1, sizeof(*a) + (size ? size : 1));
	if (!a)
		return NULL;
	a->next = c->arena;
	c->arena = a;
	return a->data;
}

char *campaign_strdup(struct campaign *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = campaign_alloc(c, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void campaign_free(struct campaign *c)
{
	/* its strings are malloc'd by section-telemetry.c, the struct is ours */
	if (c->telemetry)
		config_telemetry_clear(c->telemetry);
	struct campaign_arena *a = c->arena;
	while (a) {
		struct campaign_arena *next = a->next;
		free(a);
		a = next;
	}
	memset(c, 0, sizeof(*c));
}

/* ---- helpers shared by the sections ---- */

void *section_alloc(struct section_ctx *s, size_t size)
{
	void *p = campaign_alloc(s->c, size);
	if (!p)
		s->oom = 1;
	return p;
}

const char *section_strdup(struct section_ctx *s, const char *str)
{
	char *p = campaign_strdup(s->c, str);
	if (!p)
		s->oom = 1;
	return p;
}

struct campaign_where campaign_where_of(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign_where w = {0};
	if (!n)
		return w;
	w.file = strcmp(n->mark.file, s->c->file) ? "--set" : s->c->file;
	w.line = n->mark.line;
	w.col = n->mark.col;
	w.path = section_strdup(s, n->path);
	return w;
}

long campaign_find_request(const struct campaign *c, const char *name)
{
	for (size_t i = 0; i < c->n_requests; i++)
		if (c->requests[i].name && !strcmp(c->requests[i].name, name))
			return (long)i;
	return -1;
}

long campaign_find_target(const struct campaign *c, const char *name)
{
	for (size_t i = 0; i < c->n_targets; i++)
		if (c->targets[i].name && !strcmp(c->targets[i].name, name))
			return (long)i;
	return -1;
}

const char *campaign_model_name(enum campaign_load_model m)
{
	static const char *const names[] = {
		[CAMPAIGN_LOAD_CONNECTIONS] = "connections",
		[CAMPAIGN_LOAD_RATE] = "rate",
		[CAMPAIGN_LOAD_CPS] = "cps",
		[CAMPAIGN_LOAD_IDLE] = "idle",
		[CAMPAIGN_LOAD_STEPS] = "steps",
	};
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

const char *campaign_model_unit(enum campaign_load_model m)
{
	switch (m) {
	case CAMPAIGN_LOAD_CONNECTIONS:
		return "connections";
	case CAMPAIGN_LOAD_RATE:
		return "rps";
	case CAMPAIGN_LOAD_CPS:
		return "cps";
	default:
		return "";
	}
}

const char *campaign_role_name(enum campaign_role r)
{
	return r == CAMPAIGN_ROLE_RESPONDER ? "responder" : "client";
}

double campaign_phase_level_at(const struct campaign_phase *p, uint64_t t_us)
{
	if (!p->duration_us || t_us >= p->duration_us)
		return p->level.to;
	return p->level.from + (p->level.to - p->level.from) * (double)t_us / (double)p->duration_us;
}

/* ---- top level ---- */

static const char *const top_keys[] = {
	"name", "role", "rig", "targets", "requests", "phases", "expect", "telemetry", "output",
	"responder", "shard", NULL,
};
/* in enum campaign_role order */
static const char *const role_names[] = {"client", "responder", NULL};
/* what only a client campaign has: a responder answers, it does not send */
static const char *const client_only_keys[] = {
	"targets", "requests", "phases", "expect", "telemetry", NULL,
};
#define CLIENT_ONLY_EXPECTED "role: client for targets, requests, phases, expect and telemetry"

static void section_name(struct section_ctx *s, const struct yaml_node *n, const char *path)
{
	const char *name = NULL;
	if (cfg_get_string(n, s->e, &name) > 0) {
		s->c->name = section_strdup(s, name);
		return;
	}
	/* default: the file name without its extension */
	char *copy = strdup(path);
	if (!copy) {
		s->oom = 1;
		return;
	}
	char *base = basename(copy), *dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	s->c->name = section_strdup(s, base);
	free(copy);
}

/* telemetry.targets[].endpoint names a request of this campaign */
static void check_telemetry_endpoints(struct section_ctx *s, const struct yaml_node *n)
{
	const struct yaml_node *targets = config_yaml_map_get(n, "targets");

	for (size_t i = 0; i < config_yaml_len(targets); i++) {
		const struct yaml_node *ep =
			config_yaml_map_get(config_yaml_seq_at(targets, i), "endpoint");
		if (!ep || ep->kind != YAML_KIND_SCALAR || config_yaml_is_null(ep))
			continue;
		if (campaign_find_request(s->c, ep->scalar) < 0)
			config_error_at(s->e, &ep->mark, ep->path, "the name of a request",
					"unknown request \"%s\"", ep->scalar);
	}
}

static void section_telemetry(struct section_ctx *s, const struct yaml_node *n)
{
	if (!n)
		return;
	s->c->has_telemetry = true;
	check_telemetry_endpoints(s, n);
	struct telemetry_config *t = section_alloc(s, sizeof(*t));
	if (!t)
		return;
	int r = config_parse_telemetry(n, t, s->e);
	s->c->telemetry = t; /* also when partly filled: campaign_free() clears it */
	if (r == -ENOMEM)
		s->oom = 1;
}

/* A key present where the role does not take it, named at the key. */
static void refuse_key(struct section_ctx *s, const struct yaml_node *root, const char *key,
		       const char *expected, const char *role)
{
	const struct yaml_pair *p = config_yaml_map_pair(root, key);

	if (p)
		config_error_at(s->e, &p->key_mark, p->value->path, expected,
				"not part of a %s campaign", role);
}

static void parse_client(struct section_ctx *s, const struct yaml_node *root)
{
	section_targets(s, cfg_require(root, "targets", s->e, "a list of targets"));
	section_requests(s, cfg_require(root, "requests", s->e, "a list of request templates"));
	section_phases(s, cfg_require(root, "phases", s->e, "a list of phases"));
	const struct yaml_node *x = config_yaml_map_get(root, "expect");
	if (x) {
		s->c->has_expect = true;
		section_expect(s, x, &s->c->expect);
	}
	section_telemetry(s, config_yaml_map_get(root, "telemetry"));
	section_shard(s, config_yaml_map_get(root, "shard"));
	refuse_key(s, root, "responder", "role: responder", "client");
}

/* The responder writes report.json only, and has no live endpoint. */
static void check_responder_output(struct section_ctx *s, const struct yaml_node *n)
{
	const struct yaml_node *listen = config_yaml_map_get(n, "metrics_listen");
	const struct yaml_node *fl = config_yaml_map_get(n, "formats");
	bool one = fl && fl->kind == YAML_KIND_SCALAR;

	if (listen)
		config_error_at(s->e, &listen->mark, listen->path, "no metrics_listen",
				"the responder serves no live metrics");
	for (size_t i = 0; fl && i < (one ? 1 : config_yaml_len(fl)); i++) {
		const struct yaml_node *f = one ? fl : config_yaml_seq_at(fl, i);
		if (f && f->kind == YAML_KIND_SCALAR && strcmp(f->scalar, "json") &&
		    !config_yaml_is_null(f))
			config_error_at(s->e, &f->mark, f->path, "json",
					"the responder writes report.json only, not %s",
					f->scalar);
	}
}

static void parse_responder(struct section_ctx *s, const struct yaml_node *root)
{
	for (size_t i = 0; client_only_keys[i]; i++)
		refuse_key(s, root, client_only_keys[i], CLIENT_ONLY_EXPECTED, "responder");
	/* a responder answers whatever comes: there is no load of its to split */
	refuse_key(s, root, "shard", "role: client for shard", "responder");
	section_responder(s, config_yaml_map_get(root, "responder"),
			  config_yaml_map_get(root, "rig"));
	check_responder_output(s, config_yaml_map_get(root, "output"));
}

static void parse_document(struct section_ctx *s, const struct yaml_node *root, const char *path)
{
	unsigned role = CAMPAIGN_ROLE_CLIENT;

	if (!root) {
		config_error_add(s->e, path, 1, 1, NULL, "a mapping with rig, targets, requests "
			"and phases", "empty campaign");
		return;
	}
	if (!cfg_mapping_strict(root, s->e, top_keys))
		return;
	section_name(s, config_yaml_map_get(root, "name"), path);
	section_rig(s, cfg_require(root, "rig", s->e, "a mapping with ports, lcores, local_ips"));
	/* with an unknown role, what the other sections should hold is unknown */
	int r = cfg_get_enum(config_yaml_map_get(root, "role"), s->e, role_names, &role);
	s->c->role = (enum campaign_role)role;
	if (r >= 0 && role == CAMPAIGN_ROLE_CLIENT)
		parse_client(s, root);
	else if (r >= 0)
		parse_responder(s, root);
	section_output(s, config_yaml_map_get(root, "output"));
}

static char *folder_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

int campaign_load_on(const struct campaign_host *host, const char *path,
		     const char *const *overrides, size_t n_overrides, struct campaign *out,
		     struct config_errors *e)
{
	size_t errors_before = config_errors_count(e);
	struct section_ctx s = {.c = out, .e = e, .host = host};
	struct yaml_doc *d;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->file = campaign_strdup(out, path);
	s.dir = folder_of(path);
	d = out->file && s.dir ? config_yaml_doc_load(path, e) : NULL;
	if (!d) {
		ret = -ENOMEM;
		goto out;
	}
	/* a syntax error leaves a partial tree: its other errors would mislead */
	if (config_errors_count(e) == errors_before) {
		for (size_t i = 0; i < n_overrides; i++)
			if (config_yaml_doc_override(d, overrides[i], (unsigned)i, e) == -ENOMEM)
				s.oom = 1;
		parse_document(&s, d->root, path);
	}
	if (s.oom)
		ret = -ENOMEM;
	else if (config_errors_count(e) != errors_before)
		ret = -EINVAL;
	else
		ret = steps_expand_campaign(out);
out:
	config_yaml_doc_free(d);
	free((char *)s.dir);
	config_errors_sort(e);
	if (ret < 0)
		campaign_free(out);
	return ret;
}

int campaign_load(const char *path, const char *const *overrides, size_t n_overrides,
		  struct campaign *out, struct config_errors *e)
{
	return campaign_load_on(campaign_host_local(), path, overrides, n_overrides, out, e);
}
