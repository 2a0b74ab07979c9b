/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>

#include "schedule.h"

/* requests due t ticks into the phase: the integral a t + b t^2 / 2 */
static double integral(const struct schedule *s, double t)
{
	return s->a * t + 0.5 * s->b * t * t;
}

void schedule_init(struct schedule *s, double from_rps, double to_rps, uint64_t duration,
		   uint64_t start, double hz)
{
	*s = (struct schedule){.start = start, .duration = duration};
	s->a = from_rps / hz;
	s->b = duration ? (to_rps - from_rps) / hz / (double)duration : 0;
	/* the epsilon absorbs rounding so 1000 rps for 1 s gives 1000, not 999 */
	s->total = (uint64_t)floor(integral(s, (double)duration) + 1e-7);
}

uint64_t schedule_due(const struct schedule *s, uint64_t now)
{
	if (now <= s->start)
		return 0;
	uint64_t t = now - s->start;
	if (t >= s->duration)
		return s->total;
	uint64_t n = (uint64_t)floor(integral(s, (double)t) + 1e-7);
	return n < s->total ? n : s->total;
}

uint64_t schedule_next(struct schedule *s, uint64_t now)
{
	uint64_t due = schedule_due(s, now);
	return due > s->taken ? due - s->taken : 0;
}

uint64_t schedule_take(struct schedule *s)
{
	return schedule_intended(s, s->taken++);
}

uint64_t schedule_defer(struct schedule *s, uint64_t now)
{
	uint64_t due = schedule_due(s, now);
	uint64_t from = s->taken > s->deferred ? s->taken : s->deferred;

	if (due <= from)
		return 0;
	s->delayed += due - from;
	s->deferred = due;
	return due - from;
}

/*
 * Solve a t + b t^2 / 2 = k + 1 for t. Written as 2L / (a + sqrt(a^2 + 2 b L))
 * it holds for b = 0 and b < 0 and does not cancel when b is tiny. The result
 * is rounded up so the request is due (by schedule_due) at its own tick.
 */
uint64_t schedule_intended(const struct schedule *s, uint64_t k)
{
	if (k >= s->total)
		return UINT64_MAX;
	double l = (double)k + 1;
	double disc = s->a * s->a + 2 * s->b * l;
	double t = 2 * l / (s->a + sqrt(disc > 0 ? disc : 0));
	uint64_t tick = (uint64_t)ceil(t - 1e-7);
	while (tick > 0 && schedule_due(s, s->start + tick - 1) > k)
		tick--;
	while (schedule_due(s, s->start + tick) <= k)
		tick++;
	return s->start + tick;
}
