/* SPDX-License-Identifier: BSD-3-Clause */
#include "net-stats.h"
#include "prom-text.h"
#include "report-prom.h"
#include "tcp.h"

int report_prom_write_all(const char *path, const json_t *rep)
{
	static const struct report_prom_counters counters[] = {
		{"tcp", "drench_tcp", &tcp_stats_table, NULL},
		{"net", "drench_net", &net_stats_table, NULL},
		{"port", "drench_port", &net_port_stats_table, "ports"},
	};

	return report_prom_write(path, rep, counters, sizeof(counters) / sizeof(counters[0]));
}
