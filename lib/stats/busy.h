/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How busy a poll-mode lcore is: of the TSC cycles its loop ran, those of
 * turns that did work (received, queued or sent a frame). A poll loop spins
 * at 100 % CPU whatever the load, so CPU time says nothing; this share does.
 * The lcore owns its counter and reads the TSC once per turn (the same read
 * gives the turn's time); readers on other lcores take plain copies and
 * difference them, as with the other per-lcore counters.
 */
#pragma once

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

struct busy_cycles {
	uint64_t busy;  /* cycles of turns that did work */
	uint64_t total; /* cycles of all turns */
};

/** Count the turn that ran from tsc `from` to `to` (the next turn's read). */
static inline void busy_account(struct busy_cycles *b, uint64_t from, uint64_t to, bool worked)
{
	uint64_t d = to - from;

	b->total += d;
	b->busy += worked ? d : 0;
}

/** The busy share in [0, 1] between two copies of a counter; NAN when no
 * cycle was counted between them (the lcore had not started, or stopped). */
static inline double busy_share(const struct busy_cycles *before, const struct busy_cycles *after)
{
	uint64_t total = after->total - before->total;
	uint64_t busy = after->busy - before->busy;

	if (total == 0 || busy > total)
		return NAN; /* a torn copy must not show above 100 % */
	return (double)busy / (double)total;
}
