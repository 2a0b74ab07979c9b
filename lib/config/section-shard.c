/* SPDX-License-Identifier: BSD-3-Clause */
/* shard: "I/N", which part of the campaign this generator runs. */
#include "campaign-priv.h"
#include "config-errors.h"
#include "units.h"

void section_shard(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign_shard *sh = &s->c->shard;
	const char *text = NULL;

	if (cfg_get_string(n, s->e, &text) <= 0)
		return;
	if (units_parse_shard(text, &sh->index, &sh->count) < 0) {
		config_error_at(s->e, &n->mark, n->path, UNITS_SHARD_EXPECTED, "bad shard \"%s\"",
				text);
		sh->count = 0;
		return;
	}
	sh->where = campaign_where_of(s, n);
}
