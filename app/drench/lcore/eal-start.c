/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "eal-start.h"
#include "lcore-list.h"
#include "port.h"

/* An lcore that is no CPU of ours makes the EAL fail without saying which;
 * without rig.lcores.telemetry the main lcore is the lowest CPU that is not
 * a worker, which may be past the last CPU. */
static bool lcores_exist(const char *cmd, const char *lcores)
{
	cpu_set_t allowed;
	int bad;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return true;
	bad = lcore_list_first_unavailable(lcores, &allowed);
	if (bad < 0)
		return true;
	fprintf(stderr,
		"drench %s: lcore %d (of the lcore list %s, the main lcore first) is not a CPU "
		"this process may run on (%d allowed): set rig.lcores workers and telemetry, or "
		"--lcores, within them\n",
		cmd, bad, lcores, CPU_COUNT(&allowed));
	return false;
}

int eal_start(const char *cmd, const char *lcores, const char *const *devs, size_t n_devs)
{
	bool all_vdev = true, mapped = strchr(lcores, '@') != NULL;
	char *args[8 + 2 * EAL_START_MAX_DEVS];
	int n = 0;

	if (n_devs == 0 || n_devs > EAL_START_MAX_DEVS) {
		fprintf(stderr, "drench %s: 1 to %d ports\n", cmd, EAL_START_MAX_DEVS);
		return -1;
	}
	if (!mapped && !lcores_exist(cmd, lcores))
		return -1;
	args[n++] = "drench";
	args[n++] = mapped ? "--lcores" : "-l";
	args[n++] = (char *)lcores;
	args[n++] = "--in-memory";
	args[n++] = "--log-level=lib.eal:error";
	for (size_t i = 0; i < n_devs; i++) {
		all_vdev &= strcmp(net_port_eal_flag(devs[i]), "--vdev") == 0;
		args[n++] = (char *)net_port_eal_flag(devs[i]);
		args[n++] = (char *)devs[i];
	}
	if (all_vdev)
		args[n++] = "--no-pci";
	args[n] = NULL;
	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "drench %s: EAL init failed: %s\n", cmd, rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}
