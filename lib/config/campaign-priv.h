/* SPDX-License-Identifier: BSD-3-Clause */
/* Section parsers of campaign_load(); each fills its part of struct campaign
 * and records errors. Not public. */
#pragma once

#include "campaign.h"
#include "config-get.h"
#include "yaml-doc.h"

struct section_ctx {
	struct campaign *c;
	struct config_errors *e;
	const struct campaign_host *host;
	const char *dir; /* folder of the campaign file, for body_file */
	int oom;
};

struct campaign_where campaign_where_of(struct section_ctx *s, const struct yaml_node *n);
const char *section_strdup(struct section_ctx *s, const char *str);
void *section_alloc(struct section_ctx *s, size_t size);

void section_rig(struct section_ctx *s, const struct yaml_node *n);
void section_targets(struct section_ctx *s, const struct yaml_node *n);
void section_requests(struct section_ctx *s, const struct yaml_node *n);
void section_phases(struct section_ctx *s, const struct yaml_node *n);
void section_output(struct section_ctx *s, const struct yaml_node *n);
void section_shard(struct section_ctx *s, const struct yaml_node *n);
/** The responder section (n may be NULL: every default), and the rig as
 * a responder uses it (rig_node, after section_rig). */
void section_responder(struct section_ctx *s, const struct yaml_node *n,
		       const struct yaml_node *rig_node);
/** Fills x from an expect mapping of a phase or of the campaign. */
void section_expect(struct section_ctx *s, const struct yaml_node *n, struct campaign_expect *x);
/** "2xx" or a list of them -> bitmask; 0 after an error. */
uint32_t section_status_classes(struct section_ctx *s, const struct yaml_node *n);
/** Index of the request or target called name, or -1. */
long campaign_find_request(const struct campaign *c, const char *name);
long campaign_find_target(const struct campaign *c, const char *name);
