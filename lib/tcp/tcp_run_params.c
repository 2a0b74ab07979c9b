/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What each run draws fresh for a stack: the ISN key and the first port slot
 * (libsodium's randombytes). Kept apart from the stack, which reads neither a
 * clock nor a random source, so that tests stay repeatable.
 */
#include <sodium.h>

#include "tcp/tcp.h"

int tcp_params_randomize(struct tcp_params *p)
{
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(p->isn_key, sizeof(p->isn_key));
	p->first_slot = randombytes_random();
	return 0;
}
