/* SPDX-License-Identifier: BSD-3-Clause */
/* Counter tables (counter-table.h) to and from report.json. */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "counter-table.h"

/* Every counter of t into obj, by its group: "" or a table without groups
 * into obj itself, else into obj's sub-object of that name (made if
 * missing); fields with no group (NULL) in a grouped table are skipped. */
void report_counters_put(json_t *obj, const struct counter_table *t, const void *base,
			 bool grouped);
/* A new object with every counter of an ungrouped table. */
json_t *report_counters_json(const struct counter_table *t, const void *base);
/* Read back what report_counters_put wrote. A key that is present must be a
 * non-negative integer; a missing one is an error unless absent_ok(key)
 * says a report from an older drench may lack it (then it reads as 0). */
int report_counters_read(const json_t *obj, const struct counter_table *t, void *base,
			 bool grouped, bool (*absent_ok)(const char *key));
