/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a worker's own memory goes. Its TCP table and client state are
 * plain malloc'd pages, built by the main lcore before the workers start;
 * a page lands on the node of the thread that first touches it. Between
 * numa_place_begin(node) and numa_place_end() the main lcore's policy
 * prefers the port's node, so those pages are placed beside the port and
 * the worker, not beside the main lcore.
 */
#pragma once

#include <stdbool.h>

/** Prefer node for the pages the calling thread touches next; false when
 * node < 0 (a virtual device) or the kernel has no NUMA support. */
bool numa_place_begin(int node);

/** Back to local allocation. */
void numa_place_end(void);
