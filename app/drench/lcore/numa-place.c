/* SPDX-License-Identifier: BSD-3-Clause */
#include <numa.h>

#include "numa-place.h"

bool numa_place_begin(int node)
{
	if (node < 0 || numa_available() < 0 || node > numa_max_node())
		return false;
	numa_set_preferred(node);
	return true;
}

void numa_place_end(void)
{
	if (numa_available() >= 0)
		numa_set_localalloc();
}
