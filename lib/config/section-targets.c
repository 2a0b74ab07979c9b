/* SPDX-License-Identifier: BSD-3-Clause */
/* targets: the servers under test, by name, and groups of them. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "campaign-priv.h"
#include "config-errors.h"

static const char *const target_keys[] = {"name", "address", "port", "host", NULL};
static const char *const group_keys[] = {"name", "members", "balance", "host", NULL};
static const char *const member_keys[] = {"target", "weight", NULL};
/* in enum campaign_balance order */
static const char *const balance_names[] = {"round_robin", "weighted", NULL};

#define MEMBER_WEIGHT_MAX 1000000

static void parse_name(struct section_ctx *s, const struct yaml_node *n,
		       struct campaign_target *t)
{
	const char *name = NULL;
	const struct yaml_node *nn = cfg_require(n, "name", s->e, "a name for the target");

	if (cfg_get_string(nn, s->e, &name) > 0) {
		if (campaign_find_target(s->c, name) >= 0)
			config_error_at(s->e, &nn->mark, nn->path, "a name used once",
					"target \"%s\" is defined twice", name);
		t->name = section_strdup(s, name);
	}
}

static void parse_server(struct section_ctx *s, const struct yaml_node *n,
			 struct campaign_target *t)
{
	const char *host = NULL;
	int64_t port = 80;

	if (!cfg_mapping_strict(n, s->e, target_keys))
		return;
	parse_name(s, n, t);
	const struct yaml_node *an = cfg_require(n, "address", s->e,
						 "an IPv4 address such as 198.18.0.1");
	cfg_get_ipv4(an, s->e, &t->address);
	if (cfg_get_int(config_yaml_map_get(n, "port"), s->e, 1, 65535, &port) > 0)
		t->port = (uint16_t)port;
	if (cfg_get_string(config_yaml_map_get(n, "host"), s->e, &host) > 0) {
		t->host = section_strdup(s, host);
	} else if (an && an->kind == YAML_KIND_SCALAR) {
		/* RFC 9110 7.2: the port goes in Host unless it is the default */
		char buf[80];
		if (t->port == 80)
			snprintf(buf, sizeof(buf), "%s", an->scalar);
		else
			snprintf(buf, sizeof(buf), "%s:%u", an->scalar, t->port);
		t->host = section_strdup(s, buf);
	}
}

/* A group's own keys; its members are resolved once every target is known. */
static void parse_group(struct section_ctx *s, const struct yaml_node *n,
			struct campaign_target *t)
{
	const char *host = NULL;
	unsigned bal = CAMPAIGN_BALANCE_ROUND_ROBIN;

	/* an address too is an unknown key: a group has none of its own */
	if (!cfg_mapping_strict(n, s->e, group_keys))
		return;
	parse_name(s, n, t);
	if (cfg_get_enum(config_yaml_map_get(n, "balance"), s->e, balance_names, &bal) > 0)
		t->balance = (enum campaign_balance)bal;
	if (cfg_get_string(config_yaml_map_get(n, "host"), s->e, &host) > 0)
		t->host = section_strdup(s, host);
}

static bool is_group(const struct yaml_node *n)
{
	return n && n->kind == YAML_KIND_MAPPING && config_yaml_map_get(n, "members");
}

static void parse_target(struct section_ctx *s, const struct yaml_node *n,
			 struct campaign_target *t)
{
	t->where = campaign_where_of(s, n);
	t->port = 80;
	if (is_group(n))
		parse_group(s, n, t);
	else
		parse_server(s, n, t);
}

/* One member: a target's name, or {target: NAME, weight: N} (weighted only). */
static void parse_member(struct section_ctx *s, const struct yaml_node *all,
			 const struct yaml_node *n, const struct campaign_target *g,
			 struct campaign_member *m)
{
	const struct yaml_node *tn = n, *wn = NULL;
	const char *name = NULL;
	int64_t w = 1;

	m->where = campaign_where_of(s, n);
	m->weight = 1;
	if (n->kind == YAML_KIND_MAPPING) {
		if (!cfg_mapping_strict(n, s->e, member_keys))
			return;
		tn = cfg_require(n, "target", s->e, "the name of a target with an address");
		wn = config_yaml_map_get(n, "weight");
	}
	if (wn && g->balance != CAMPAIGN_BALANCE_WEIGHTED)
		config_error_at(s->e, &wn->mark, wn->path, "balance: weighted for member weights",
				"weight in a round_robin group");
	else if (cfg_get_int(wn, s->e, 1, MEMBER_WEIGHT_MAX, &w) > 0)
		m->weight = (unsigned)w;
	if (cfg_get_string(tn, s->e, &name) <= 0)
		return;
	long i = campaign_find_target(s->c, name);
	if (i < 0)
		config_error_at(s->e, &tn->mark, tn->path, "the name of a target with an address",
				"unknown target \"%s\"", name);
	else if (is_group(config_yaml_seq_at(all, (size_t)i)))
		config_error_at(s->e, &tn->mark, tn->path, "the name of a target with an address",
				"\"%s\" is a group (groups do not nest)", name);
	m->target = i < 0 ? 0 : (size_t)i;
}

/* A group's members, and its Host from its first member when not given. */
static void resolve_group(struct section_ctx *s, const struct yaml_node *all,
			  const struct yaml_node *n, struct campaign_target *g)
{
	const struct yaml_node *mn = config_yaml_map_get(n, "members");

	if (!cfg_expect_kind(mn, s->e, YAML_KIND_SEQUENCE))
		return;
	if (config_yaml_len(mn) == 0) {
		config_error_at(s->e, &mn->mark, mn->path, "at least one member",
				"group \"%s\" has no members", g->name ? g->name : "");
		return;
	}
	g->members = section_alloc(s, config_yaml_len(mn) * sizeof(*g->members));
	if (!g->members)
		return;
	for (size_t i = 0; i < config_yaml_len(mn); i++) {
		parse_member(s, all, config_yaml_seq_at(mn, i), g, &g->members[i]);
		g->n_members = i + 1;
	}
	if (!g->host)
		g->host = s->c->targets[g->members[0].target].host;
}

void section_targets(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign *c = s->c;

	if (!cfg_expect_kind(n, s->e, YAML_KIND_SEQUENCE))
		return;
	if (config_yaml_len(n) == 0) {
		config_error_at(s->e, &n->mark, n->path, "at least one target", "no targets");
		return;
	}
	c->targets = section_alloc(s, config_yaml_len(n) * sizeof(*c->targets));
	if (!c->targets)
		return;
	for (size_t i = 0; i < config_yaml_len(n); i++) {
		parse_target(s, config_yaml_seq_at(n, i), &c->targets[i]);
		c->n_targets = i + 1;
	}
	/* members may be defined after their group */
	for (size_t i = 0; i < c->n_targets; i++)
		if (is_group(config_yaml_seq_at(n, i)) && c->targets[i].name)
			resolve_group(s, n, config_yaml_seq_at(n, i), &c->targets[i]);
}
