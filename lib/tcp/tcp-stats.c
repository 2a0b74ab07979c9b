/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp.h"

#define TCP_STATS_FIELD(field, key, help) {key, NULL, offsetof(struct tcp_stats, field), help},

static const struct counter_field fields[] = {TCP_STATS(TCP_STATS_FIELD)};

const struct counter_table tcp_stats_table = {fields, sizeof(fields) / sizeof(fields[0])};

void tcp_stats_add_diff(struct tcp_stats *out, const struct tcp_stats *a,
			const struct tcp_stats *b)
{
	TCP_STATS(COUNTER_TABLE_ADD_DIFF)
}
