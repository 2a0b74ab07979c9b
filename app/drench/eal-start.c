/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "eal-start.h"
#include "port.h"

int eal_start(const char *cmd, const char *lcores, const char *dev)
{
	bool vdev = strcmp(net_port_eal_flag(dev), "--vdev") == 0;
	bool mapped = strchr(lcores, '@') != NULL;
	char *args[16];
	int n = 0;

	args[n++] = "drench";
	args[n++] = mapped ? "--lcores" : "-l";
	args[n++] = (char *)lcores;
	args[n++] = "--in-memory";
	args[n++] = "--log-level=lib.eal:error";
	args[n++] = (char *)net_port_eal_flag(dev);
	args[n++] = (char *)dev;
	if (vdev)
		args[n++] = "--no-pci";
	args[n] = NULL;
	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "drench %s: EAL init failed: %s\n", cmd, rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}
