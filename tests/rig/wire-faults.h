/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the impaired wire does to one frame: lose it, duplicate it, flip a
 * bit in it, hold it back. Pure logic with its own generator, so a seed
 * replays the same faults and the unit test can count them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wire_faults {
	double loss_pct, duplicate_pct, corrupt_pct, reorder_pct;
	uint64_t delay_ns, jitter_ns;
	uint64_t reorder_gap_ns; /* extra hold of a reordered frame */
	bool lose_fin;		 /* every TCP segment with FIN is lost: no close completes */
};

enum wire_verdict {
	WIRE_DROP = 1 << 0,	 /* lost on the wire */
	WIRE_DUPLICATE = 1 << 1, /* delivered twice */
	WIRE_CORRUPT = 1 << 2,	 /* one bit flipped past the Ethernet header */
	WIRE_REORDER = 1 << 3,	 /* held reorder_gap_ns longer, so later frames pass it */
};

/** xorshift64; the state must not be 0. */
uint64_t wire_rand(uint64_t *state);

/** true with probability pct / 100 */
bool wire_chance(uint64_t *state, double pct);

/** The faults that hit one frame (a dropped frame has no other). */
unsigned wire_judge(const struct wire_faults *f, uint64_t *rng);

/** How long a frame stays on the wire: delay, +- up to jitter (never
 * negative), plus the reorder gap when `reordered`. */
uint64_t wire_delay(const struct wire_faults *f, uint64_t *rng, bool reordered);

/** Whether a frame carries IPv4 or IPv6, the only frames corrupted: ARP has no
 * checksum, so a flipped bit there would poison a cache instead of testing one. */
bool wire_is_ip(const uint8_t *frame, size_t len);

/** Whether a frame is a TCP segment (over IPv4 or IPv6 without extension
 * headers) with FIN set. */
bool wire_is_tcp_fin(const uint8_t *frame, size_t len);

/** Flip one random bit at or past byte 14 (the Ethernet header stays intact,
 * so the frame still reaches its host and the IP or TCP checksum must catch
 * it). Returns the bit flipped, or -1 if the frame is too short. */
long wire_corrupt(uint8_t *frame, size_t len, uint64_t *rng);
