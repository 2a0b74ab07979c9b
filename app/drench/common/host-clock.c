/* SPDX-License-Identifier: BSD-3-Clause */
#include <time.h>

#include "host-clock.h"

static double seconds_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double unix_now(void)
{
	return seconds_of(CLOCK_REALTIME);
}

double mono_now(void)
{
	return seconds_of(CLOCK_MONOTONIC);
}
