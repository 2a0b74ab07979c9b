/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign.h"
#include "steps.h"

size_t steps_count(const struct campaign_steps *st)
{
	if (!(st->step > 0))
		return 0;
	/* the epsilon keeps 0.1-sized steps from losing their last level to rounding */
	return (size_t)floor(fabs(st->to - st->from) / st->step + 1e-9) + 1;
}

double steps_level(const struct campaign_steps *st, size_t i)
{
	double dir = st->to < st->from ? -1.0 : 1.0;
	return st->from + dir * (double)i * st->step;
}

size_t steps_phase_count(const struct campaign_steps *st)
{
	size_t n = steps_count(st);
	return n && st->pause_us ? 2 * n - 1 : n;
}

uint64_t steps_duration_us(const struct campaign_steps *st)
{
	size_t n = steps_count(st);
	return n ? n * st->hold_us + (n - 1) * st->pause_us : 0;
}

static const char *level_name(struct campaign *c, const char *base, double level, bool pause)
{
	char buf[160];
	snprintf(buf, sizeof(buf), "%s-%g%s", base, level, pause ? "-pause" : "");
	return campaign_strdup(c, buf);
}

int steps_expand_phase(struct campaign *c, const struct campaign_phase *p,
		       struct campaign_phase *out)
{
	const struct campaign_steps *st = &p->steps;
	size_t n = steps_count(st), k = 0;

	for (size_t i = 0; i < n; i++) {
		double level = steps_level(st, i);
		struct campaign_phase *q = &out[k++];
		*q = *p;
		q->model = st->model;
		q->level = (struct campaign_level){level, level};
		q->duration_us = st->hold_us;
		q->step_of = p->name;
		q->name = level_name(c, p->name, level, false);
		if (!q->name)
			return -ENOMEM;
		if (i + 1 == n || !st->pause_us)
			continue;
		q = &out[k++];
		*q = *p;
		q->model = CAMPAIGN_LOAD_IDLE;
		q->level = (struct campaign_level){0, 0};
		q->duration_us = st->pause_us;
		q->has_expect = false;
		q->step_of = p->name;
		q->name = level_name(c, p->name, level, true);
		if (!q->name)
			return -ENOMEM;
	}
	return 0;
}

int steps_expand_campaign(struct campaign *c)
{
	size_t total = 0;
	bool any = false;

	for (size_t i = 0; i < c->n_phases; i++) {
		bool steps = c->phases[i].model == CAMPAIGN_LOAD_STEPS;
		total += steps ? steps_phase_count(&c->phases[i].steps) : 1;
		any |= steps;
	}
	if (!any)
		return 0;
	struct campaign_phase *v = campaign_alloc(c, (total ? total : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < c->n_phases; i++) {
		const struct campaign_phase *p = &c->phases[i];
		if (p->model != CAMPAIGN_LOAD_STEPS) {
			v[k++] = *p;
			continue;
		}
		if (steps_expand_phase(c, p, &v[k]) < 0)
			return -ENOMEM;
		k += steps_phase_count(&p->steps);
	}
	/* the old array stays in the arena until campaign_free() */
	c->phases = v;
	c->n_phases = k;
	return 0;
}
