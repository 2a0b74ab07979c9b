/* SPDX-License-Identifier: BSD-3-Clause */
#include "client.h"

#define CLIENT_COUNTERS_FIELD(field, group, key, help) \
	{key, group, offsetof(struct client_counters, field), help},

static const struct counter_field fields[] = {CLIENT_COUNTERS(CLIENT_COUNTERS_FIELD)};

const struct counter_table client_counters_table = {fields, sizeof(fields) / sizeof(fields[0])};

void client_counters_add_diff(struct client_counters *out, const struct client_counters *a,
			      const struct client_counters *b)
{
	CLIENT_COUNTERS(COUNTER_TABLE_ADD_DIFF)
	for (int i = 0; i < CLIENT_CLASS_COUNT; i++)
		out->responses[i] += b->responses[i] - a->responses[i];
	for (int i = 0; i < CLIENT_MAX_TEMPLATES; i++)
		out->requests_by_tpl[i] += b->requests_by_tpl[i] - a->requests_by_tpl[i];
}
