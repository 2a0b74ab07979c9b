/* SPDX-License-Identifier: BSD-3-Clause */
/* targets: the servers under test, by name. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "campaign-priv.h"
#include "config-errors.h"

static const char *const target_keys[] = {"name", "address", "port", "host", NULL};

static void parse_target(struct section_ctx *s, const struct yaml_node *n,
			 struct campaign_target *t)
{
	const char *name = NULL, *host = NULL;
	int64_t port = 80;

	t->where = campaign_where_of(s, n);
	t->port = 80;
	if (!cfg_mapping_strict(n, s->e, target_keys))
		return;
	const struct yaml_node *nn = cfg_require(n, "name", s->e, "a name for the target");
	if (cfg_get_string(nn, s->e, &name) > 0) {
		if (campaign_find_target(s->c, name) >= 0)
			config_error_at(s->e, &nn->mark, nn->path, "a name used once",
					"target \"%s\" is defined twice", name);
		t->name = section_strdup(s, name);
	}
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
}
