/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_cycles.h>

#include "tsc-clock.h"

uint64_t tsc_now_us(void)
{
	static double tsc_per_us;

	if (tsc_per_us == 0)
		tsc_per_us = (double)rte_get_tsc_hz() / 1e6;
	return (uint64_t)((double)rte_rdtsc() / tsc_per_us);
}
