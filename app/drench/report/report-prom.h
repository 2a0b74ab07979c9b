/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <jansson.h>

/* metrics.prom of a report.json tree (drench run's, or drench merge's), with
 * every tcp and net counter as drench_tcp_<key>_total, drench_net_<key>_total,
 * and each port's NIC counters as drench_port_<key>_total{port="NAME"} */
int report_prom_write_all(const char *path, const json_t *rep);
