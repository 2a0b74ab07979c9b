/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Initial sequence numbers per RFC 6528: ISN = M + F(4-tuple, key), M a
 * clock ticking every 4 us, F SipHash-2-4 (libsodium's crypto_shorthash)
 * keyed with params.isn_key. Two runs with different keys land in unrelated
 * parts of the sequence space for the same 4-tuple, so a server holding old
 * state for a reused (address, port) pair sees a SYN that is not an old
 * duplicate; within a run, the clock moves a reused tuple's ISN forward.
 */
#include <string.h>

#include <sodium.h>

#include "tcp-priv.h"

_Static_assert(crypto_shorthash_KEYBYTES == sizeof(((struct tcp_params *)0)->isn_key),
	       "isn_key is a SipHash key");

uint32_t tcp_isn_rfc6528(const struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
			 uint16_t rport, uint64_t now)
{
	uint8_t tuple[12], h[crypto_shorthash_BYTES];
	uint32_t f;

	memcpy(tuple, &laddr, 4);
	memcpy(tuple + 4, &raddr, 4);
	memcpy(tuple + 8, &lport, 2);
	memcpy(tuple + 10, &rport, 2);
	crypto_shorthash(h, tuple, sizeof(tuple), s->p.isn_key);
	memcpy(&f, h, sizeof(f));
	return f + (uint32_t)(now / 4);
}
