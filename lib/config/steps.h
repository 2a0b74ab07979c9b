/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The steps shorthand: `for i in from..to step step: hold, then pause`.
 *
 *   steps: {model: connections, from: 10, to: 100, step: 10, hold: 30s, pause: 10s}
 *
 * becomes the phases NAME-10 (30 s at 10 connections), NAME-10-pause (10 s
 * idle), NAME-20, ... NAME-100: a pause between two levels, none after the
 * last. Levels go down when from > to, and stop at the last level that does
 * not pass `to` (10..95 step 10 ends at 90).
 *
 * campaign_load() runs steps_expand_campaign() itself, so a loaded campaign
 * has no CAMPAIGN_LOAD_STEPS phase left: the shorthand is a campaign form,
 * and the load models only ever see constant or ramped phases.
 */
#pragma once

#include <stddef.h>

#include "campaign-t.h"

/** Number of levels (0 when step is not above zero). */
size_t steps_count(const struct campaign_steps *st);

/** Level i, 0-based: from + i * step (from - i * step going down). */
double steps_level(const struct campaign_steps *st, size_t i);

/** Phases the shorthand expands into: levels plus the pauses between them. */
size_t steps_phase_count(const struct campaign_steps *st);

/** Total time of the shorthand: levels * hold + pauses * pause. */
uint64_t steps_duration_us(const struct campaign_steps *st);

/**
 * Write the expansion of the steps phase p into out[0 .. steps_phase_count()).
 * Each level phase copies p's options (mix, pipeline, requests per
 * connection, expectations), holds a constant level, and has step_of =
 * p->name; pause phases are CAMPAIGN_LOAD_IDLE without expectations. Names
 * are allocated in c's memory. 0, or -ENOMEM.
 */
int steps_expand_phase(struct campaign *c, const struct campaign_phase *p,
		       struct campaign_phase *out);

/** Replace every steps phase of c by its expansion; other phases are kept in
 * order. 0, or -ENOMEM (c unchanged). */
int steps_expand_campaign(struct campaign *c);
