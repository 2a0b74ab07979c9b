/* SPDX-License-Identifier: BSD-3-Clause */
/* expect: pass/fail gates of a phase or of the whole campaign, and of one
 * target over the whole run (expect.targets). */
#include <stdint.h>
#include <string.h>

#include "campaign-priv.h"
#include "config-errors.h"

/* p50..max also directly in expect, as a shorthand for latency: {...} */
static const char *const expect_keys[] = {
	"max_error_ratio", "status", "latency", "min_rps", "p50", "p90", "p99", "p999", "max",
	"max_port_waits", "targets", NULL,
};
/* an entry of expect.targets: the target it gates, then the same gates */
static const char *const target_expect_keys[] = {
	"target", "max_error_ratio", "status", "latency", "min_rps", "p50", "p90", "p99", "p999",
	"max", "max_port_waits", NULL,
};
/* in enum campaign_percentile order */
static const char *const latency_keys[] = {"p50", "p90", "p99", "p999", "max", NULL};

static void parse_latency(struct section_ctx *s, const struct yaml_node *n,
			  struct campaign_expect *x)
{
	if (!cfg_mapping_strict(n, s->e, latency_keys))
		return;
	for (unsigned i = 0; i < CAMPAIGN_PERCENTILES; i++)
		cfg_get_duration(config_yaml_map_get(n, latency_keys[i]), s->e, 1,
				 &x->latency_max_us[i]);
}

static void parse_gates(struct section_ctx *s, const struct yaml_node *n,
			struct campaign_expect *x);

static void parse_target_gate(struct section_ctx *s, const struct yaml_node *n,
			      struct campaign_target_expect *tx)
{
	const char *name = NULL;

	memset(&tx->expect, 0, sizeof(tx->expect));
	tx->expect.where = campaign_where_of(s, n);
	if (!cfg_mapping_strict(n, s->e, target_expect_keys))
		return;
	const struct yaml_node *tn = cfg_require(n, "target", s->e, "the name of a target");
	if (cfg_get_string(tn, s->e, &name) > 0) {
		long t = campaign_find_target(s->c, name);
		if (t < 0)
			config_error_at(s->e, &tn->mark, tn->path, "the name of a target",
					"unknown target \"%s\"", name);
		tx->target = t < 0 ? 0 : (size_t)t;
	}
	parse_gates(s, n, &tx->expect);
}

/* Per-target figures are kept over the whole run, so only the campaign's
 * own expect can gate on them. */
static void parse_target_gates(struct section_ctx *s, const struct yaml_node *n,
			       struct campaign_expect *x)
{
	if (x != &s->c->expect) {
		config_error_at(s->e, &n->mark, n->path, "targets in the campaign's expect",
				"a phase cannot gate one target (its figures are over the run)");
		return;
	}
	if (!cfg_expect_kind(n, s->e, YAML_KIND_SEQUENCE))
		return;
	x->targets = section_alloc(s, (config_yaml_len(n) + 1) * sizeof(*x->targets));
	if (!x->targets)
		return;
	for (size_t i = 0; i < config_yaml_len(n); i++) {
		parse_target_gate(s, config_yaml_seq_at(n, i), &x->targets[i]);
		x->n_targets = i + 1;
	}
}

void section_expect(struct section_ctx *s, const struct yaml_node *n, struct campaign_expect *x)
{
	memset(x, 0, sizeof(*x));
	x->where = campaign_where_of(s, n);
	if (!cfg_mapping_strict(n, s->e, expect_keys))
		return;
	parse_gates(s, n, x);
	const struct yaml_node *tn = config_yaml_map_get(n, "targets");
	if (tn)
		parse_target_gates(s, tn, x);
}

static void parse_gates(struct section_ctx *s, const struct yaml_node *n,
			struct campaign_expect *x)
{
	struct rate r;

	if (cfg_get_percent(config_yaml_map_get(n, "max_error_ratio"), s->e, &x->max_error_ratio) >
	    0)
		x->has_max_error_ratio = true;
	const struct yaml_node *st = config_yaml_map_get(n, "status");
	if (st)
		x->status_classes = section_status_classes(s, st);
	const struct yaml_node *lat = config_yaml_map_get(n, "latency");
	if (lat)
		parse_latency(s, lat, x);
	for (unsigned i = 0; i < CAMPAIGN_PERCENTILES; i++) {
		const struct yaml_node *p = config_yaml_map_get(n, latency_keys[i]);
		if (p && config_yaml_map_get(lat, latency_keys[i]))
			config_error_at(s->e, &p->mark, p->path, "each percentile once",
					"%s is also given in latency", latency_keys[i]);
		else
			cfg_get_duration(p, s->e, 1, &x->latency_max_us[i]);
	}
	if (cfg_get_count(config_yaml_map_get(n, "max_port_waits"), s->e, 0, UINT64_MAX,
			  &x->max_port_waits) > 0)
		x->has_max_port_waits = true;
	if (cfg_get_rate(config_yaml_map_get(n, "min_rps"), s->e, true, &r) > 0) {
		x->has_min_rps = true;
		x->min_rps = r.value;
	}
}
