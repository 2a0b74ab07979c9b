/* SPDX-License-Identifier: BSD-3-Clause */
/* expect: pass/fail gates of a phase or of the whole campaign. */
#include <stdint.h>
#include <string.h>

#include "campaign-priv.h"
#include "config-errors.h"

/* p50..max also directly in expect, as a shorthand for latency: {...} */
static const char *const expect_keys[] = {
	"max_error_ratio", "status", "latency", "min_rps", "p50", "p90", "p99", "p999", "max",
	"max_port_waits", NULL,
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

void section_expect(struct section_ctx *s, const struct yaml_node *n, struct campaign_expect *x)
{
	struct rate r;

	memset(x, 0, sizeof(*x));
	x->where = campaign_where_of(s, n);
	if (!cfg_mapping_strict(n, s->e, expect_keys))
		return;
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
