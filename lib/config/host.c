/* SPDX-License-Identifier: BSD-3-Clause */
/* The machine campaign_load() checks a rig against: CPU count and NUMA nodes
 * read from sysfs, so lib/config needs neither libnuma nor DPDK. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign.h"

/* /sys/devices/system/cpu/cpuN/nodeK exists for the node of CPU N */
static int local_cpu_node(unsigned cpu, void *ctx)
{
	char dir[64];
	struct dirent *de;
	int node = -1;

	(void)ctx;
	snprintf(dir, sizeof(dir), "/sys/devices/system/cpu/cpu%u", cpu);
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "node", 4) && de->d_name[4] >= '0' && de->d_name[4] <= '9') {
			node = atoi(de->d_name + 4);
			break;
		}
	}
	closedir(d);
	return node;
}

static int local_pci_node(const char *pci, void *ctx)
{
	char path[160];
	int node = -1;

	(void)ctx;
	/* accept the short form BB:DD.F as domain 0000 */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s%s/numa_node",
		 strlen(pci) == 7 ? "0000:" : "", pci);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &node) != 1)
		node = -1;
	fclose(f);
	return node;
}

const struct campaign_host *campaign_host_local(void)
{
	static struct campaign_host host = {
		.cpu_node = local_cpu_node,
		.pci_node = local_pci_node,
	};
	long n = sysconf(_SC_NPROCESSORS_CONF);
	host.n_cpus = n > 0 ? (unsigned)n : 1;
	return &host;
}
