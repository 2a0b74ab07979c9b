/* SPDX-License-Identifier: BSD-3-Clause */
/* output: where the report goes and in which formats. */
#include "campaign-priv.h"
#include "config-errors.h"

static const char *const output_keys[] = {"folder", "formats", "metrics_listen", NULL};
/* in enum campaign_format bit order */
static const char *const format_names[] = {"json", "html", "prometheus", "csv", NULL};

void section_output(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign_output *o = &s->c->output;
	const char *folder = "results";
	unsigned f;

	o->formats = CAMPAIGN_FORMAT_JSON;
	if (n && cfg_mapping_strict(n, s->e, output_keys)) {
		cfg_get_string(config_yaml_map_get(n, "folder"), s->e, &folder);
		const char *listen = NULL;
		if (cfg_get_string(config_yaml_map_get(n, "metrics_listen"), s->e, &listen) > 0)
			o->metrics_listen = section_strdup(s, listen);
		const struct yaml_node *fl = config_yaml_map_get(n, "formats");
		bool one = fl && fl->kind == YAML_KIND_SCALAR;
		if (fl && !one && !cfg_expect_kind(fl, s->e, YAML_KIND_SEQUENCE))
			fl = NULL;
		for (size_t i = 0; fl && i < (one ? 1 : config_yaml_len(fl)); i++)
			if (cfg_get_enum(one ? fl : config_yaml_seq_at(fl, i), s->e, format_names,
					 &f) > 0)
				o->formats |= 1u << f;
	}
	o->folder = section_strdup(s, folder);
}
