/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Single-level hashed timing wheel over dense ids (one timer per id).
 *
 * Each id owns one node; arming an armed id moves it. Arm and cancel are O(1)
 * (intrusive doubly linked lists with 32-bit links). A slot holds every timer
 * whose expiry tick is congruent to it, so timers longer than one revolution
 * simply stay in their slot until their tick comes round: advancing costs one
 * visit per slot per revolution plus one per expired timer.
 *
 * Time is in ticks (the caller divides its clock); 32-bit ticks wrap, so timers
 * must be less than 2^31 ticks away.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct tw_node {
	uint32_t next;   /* TW_END at the tail */
	uint32_t prev;   /* node id, or TW_HEAD + list index when first, TW_IDLE when unarmed */
	uint32_t expiry; /* tick */
};

#define TW_END UINT32_MAX
#define TW_IDLE UINT32_MAX
#define TW_HEAD 0x80000000u
#define TW_MAX_IDS 0x7fffffffu

struct timer_wheel {
	uint32_t mask;     /* slots - 1 */
	uint32_t cur;      /* last tick processed */
	uint32_t nnodes;
	uint32_t armed;
	uint32_t *heads;   /* slots + 1: the last list holds a slot being processed */
	struct tw_node *nodes;
};

typedef void (*tw_fire_fn)(void *ctx, uint32_t id);

/** slots is rounded up to a power of two; NULL with errno (EINVAL, ENOMEM). */
struct timer_wheel *tcp_tw_create(uint32_t slots, uint32_t nnodes, uint32_t start_tick);
void tcp_tw_destroy(struct timer_wheel *w);

/** (Re)arm id to fire at the first advance reaching tick expiry. */
void tcp_tw_arm(struct timer_wheel *w, uint32_t id, uint32_t expiry);
void tcp_tw_cancel(struct timer_wheel *w, uint32_t id);
/* inline: the lazy timers of lib/tcp ask both on every segment */
static inline bool tw_armed(const struct timer_wheel *w, uint32_t id)
{
	return w->nodes[id].prev != TW_IDLE;
}

static inline uint32_t tw_expiry(const struct timer_wheel *w, uint32_t id)
{
	return w->nodes[id].expiry;
}
uint32_t tcp_tw_armed_count(const struct timer_wheel *w);

/** Fire every timer with expiry <= now; fire() may arm or cancel any id.
 * Returns how many fired. */
uint32_t tcp_tw_advance(struct timer_wheel *w, uint32_t now, tw_fire_fn fire, void *ctx);

/** Bytes per id. */
static inline uint32_t tw_bytes_per_id(void)
{
	return sizeof(struct tw_node);
}
