/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What each run draws fresh for a stack: the ISN key and the first port slot
 * (libsodium's randombytes). Kept apart from the stack, which reads neither a
 * clock nor a random source, so that tests stay repeatable. And the offset
 * that makes the stack's timestamp clock the host's time since boot.
 */
#include <time.h>

#include <sodium.h>

#include "tcp.h"

int tcp_params_randomize(struct tcp_params *p)
{
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(p->isn_key, sizeof(p->isn_key));
	p->first_slot = randombytes_random();
	return 0;
}

/* CLOCK_BOOTTIME never goes back while the host runs (unlike the wall clock)
 * and counts suspended time, so every run on this host sends larger TSvals
 * than the runs before it: what a server's TIME_WAIT asks of a reused tuple
 * (RFC 6191). The alternative, a random offset per connection (Linux since
 * 4.10), hides uptime but gives a reused tuple no such order. */
int tcp_params_host_clock(struct tcp_params *p, uint64_t now_us)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
		return -1;
	uint64_t boot_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	p->ts_offset_ms = (uint32_t)(boot_ms - now_us / 1000);
	return 0;
}
