/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>

#include "template.h"
#include "match.h"
#include "plan.h"

void plan_free(struct plan *p)
{
	for (uint16_t i = 0; i < p->n_tpls; i++) {
		http_template_free((struct http_template *)p->tpls[i].tpl);
		match_db_free((struct match_db *)p->tpls[i].match);
		free((void *)p->tpls[i].bytes);
		free((void *)p->tpls[i].vars);
	}
	p->n_tpls = 0;
}

void plan_client_phases(const struct plan *p, struct client_phase *out)
{
	for (uint32_t i = 0; i < p->n_phases; i++) {
		out[i] = p->phases[i].client;
		out[i].mix_tpl = p->phases[i].mix_tpl;
		out[i].mix_cum = p->phases[i].mix_cum;
	}
}
