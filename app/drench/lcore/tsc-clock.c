/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_cycles.h>

#include "tsc-clock.h"

#define SHIFT 40

/* Microseconds = tsc * (2^40 * 1e6 / hz) >> 40: a multiply, where a double
 * division was a third of this function in perf (read every poll turn).
 * The factor's rounding drifts by under 1e-8 of the time. */
uint64_t tsc_us_of(uint64_t tsc)
{
	static uint64_t us_per_tsc; /* fixed point, SHIFT fraction bits */

	if (us_per_tsc == 0)
		us_per_tsc = (uint64_t)(((unsigned __int128)1000000 << SHIFT) / rte_get_tsc_hz());
	return (uint64_t)(((unsigned __int128)tsc * us_per_tsc) >> SHIFT);
}

uint64_t tsc_now(void)
{
	return rte_rdtsc();
}

uint64_t tsc_now_us(void)
{
	return tsc_us_of(rte_rdtsc());
}
