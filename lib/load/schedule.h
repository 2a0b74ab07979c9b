/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The open-loop schedule of a phase: when each request is meant to be sent,
 * independent of responses (wrk2's answer to coordinated omission).
 *
 * The rate r(t) goes linearly from `from` to `to` requests per second over
 * the phase (constant when equal). Request k (0-based) is due at the time
 * t_k where the integral of r from the phase start reaches k + 1, so by time
 * t exactly floor(integral of r over [0, t]) requests are due, and none after
 * the end of the phase.
 *
 * Pure logic over an abstract clock (`hz` ticks per second: the TSC on the
 * workers, microseconds in tests). A worker loop:
 *
 *   for (n = schedule_next(&s, now); n && conn_free(); n--)
 *           send(schedule_take(&s));           // latency timed from the return value
 *   schedule_defer(&s, now);                   // what is left waits: counted delayed
 *
 * A request that cannot go out for want of a free connection stays due: it
 * is sent later with its original intended time and counted as delayed once,
 * never skipped.
 */
#pragma once

#include <stdint.h>

struct schedule {
	double a;            /* rate at the start, requests per tick */
	double b;            /* rate change per tick, requests per tick^2 */
	uint64_t start;      /* tick of the phase start */
	uint64_t duration;   /* ticks */
	uint64_t total;      /* requests due by the end */
	uint64_t taken;      /* requests handed out by schedule_take() */
	uint64_t deferred;   /* requests [0, deferred) were already counted delayed */
	uint64_t delayed;    /* requests that waited for a connection */
};

/** Set up a phase from from_rps to to_rps (>= 0) over duration ticks starting
 * at tick start, with hz ticks per second. */
void schedule_init(struct schedule *s, double from_rps, double to_rps, uint64_t duration,
		   uint64_t start, double hz);

/** Requests due by tick now (0 before the start, total after the end). */
uint64_t schedule_due(const struct schedule *s, uint64_t now);

/** Requests due by now and not yet taken: how many to send now. */
uint64_t schedule_next(struct schedule *s, uint64_t now);

/** Hand out the oldest due request; returns its intended send tick. Call only
 * when schedule_next() said one is due. */
uint64_t schedule_take(struct schedule *s);

/** Count every request due by now and still not taken as delayed (each once);
 * returns how many were newly counted. */
uint64_t schedule_defer(struct schedule *s, uint64_t now);

/** Intended tick of request k (0-based); UINT64_MAX when k >= total. */
uint64_t schedule_intended(const struct schedule *s, uint64_t k);
