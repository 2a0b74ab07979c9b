/* SPDX-License-Identifier: BSD-3-Clause */
#include "net-stats.h"

#define NET_STATS_FIELD(field, key, help) {key, NULL, offsetof(struct net_stats, field), help},

static const struct counter_field fields[] = {NET_STATS(NET_STATS_FIELD)};

const struct counter_table net_stats_table = {fields, sizeof(fields) / sizeof(fields[0])};

void net_stats_add_diff(struct net_stats *out, const struct net_stats *a,
			const struct net_stats *b)
{
	NET_STATS(COUNTER_TABLE_ADD_DIFF)
}
