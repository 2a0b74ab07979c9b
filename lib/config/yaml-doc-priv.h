/* SPDX-License-Identifier: BSD-3-Clause */
/* Node construction shared by the loader and the override code; not public. */
#pragma once

#include "yaml-doc.h"

struct yaml_node *config_ydoc_node_new(enum yaml_kind kind, const struct yaml_mark *m,
				       const char *path);
void config_ydoc_node_free(struct yaml_node *n);
/** Deep copy of src whose paths start at path (marks are kept). */
struct yaml_node *config_ydoc_node_copy(const struct yaml_node *src, const char *path);
int config_ydoc_seq_append(struct yaml_node *seq, struct yaml_node *item);
int config_ydoc_map_append(struct yaml_node *map, const char *key, const struct yaml_mark *key_mark,
			   struct yaml_node *value);
char *config_ydoc_child_path(const char *parent, const char *key);
char *config_ydoc_item_path(const char *parent, size_t i);
