/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "campaign.h"
#include "steps.h"

#define S 1000000ULL

static struct campaign_steps seed_steps(void)
{
	/* the seed: for i in 10..100 step 10: 30 s, then 10 s pause */
	return (struct campaign_steps){.model = CAMPAIGN_LOAD_CONNECTIONS, .from = 10, .to = 100,
				       .step = 10, .hold_us = 30 * S, .pause_us = 10 * S};
}

static void the_seed_ramp_has_ten_levels_and_nine_pauses(void **state)
{
	(void)state;
	struct campaign_steps st = seed_steps();

	assert_int_equal(steps_count(&st), 10);
	assert_int_equal(steps_phase_count(&st), 19);
	assert_int_equal(steps_duration_us(&st), 10 * 30 * S + 9 * 10 * S);
	for (size_t i = 0; i < 10; i++)
		assert_true(steps_level(&st, i) == 10.0 * (double)(i + 1));
}

static void levels_stop_before_passing_the_end_and_can_go_down(void **state)
{
	(void)state;
	struct campaign_steps st = seed_steps();

	st.to = 95;
	assert_int_equal(steps_count(&st), 9);
	assert_true(steps_level(&st, 8) == 90);
	st = (struct campaign_steps){.from = 100, .to = 10, .step = 30, .hold_us = S};
	assert_int_equal(steps_count(&st), 4);
	assert_true(steps_level(&st, 3) == 10);
	assert_int_equal(steps_phase_count(&st), 4); /* no pause asked: no pause phases */
	st = (struct campaign_steps){.from = 0.1, .to = 1.0, .step = 0.1, .hold_us = S};
	assert_int_equal(steps_count(&st), 10); /* rounding does not lose the last level */
	st.step = 0;
	assert_int_equal(steps_count(&st), 0);
}

static void expanded_phases_alternate_levels_and_pauses(void **state)
{
	(void)state;
	struct campaign c;
	memset(&c, 0, sizeof(c));
	struct campaign_mix mix = {0, 3};
	struct campaign_phase phases[3] = {
		{.name = "warm", .model = CAMPAIGN_LOAD_RATE, .level = {100, 100},
		 .duration_us = 5 * S},
		{.name = "ramp", .model = CAMPAIGN_LOAD_STEPS, .steps = seed_steps(), .pipeline = 4,
		 .mix = &mix, .n_mix = 1, .has_expect = true},
		{.name = "cool", .model = CAMPAIGN_LOAD_IDLE, .duration_us = 60 * S},
	};
	phases[1].expect.has_max_error_ratio = true;
	c.phases = phases;
	c.n_phases = 3;

	assert_int_equal(steps_expand_campaign(&c), 0);
	assert_int_equal(c.n_phases, 1 + 19 + 1);
	assert_string_equal(c.phases[0].name, "warm");
	assert_string_equal(c.phases[20].name, "cool");
	uint64_t total = 0;
	for (size_t i = 1; i <= 19; i++) {
		const struct campaign_phase *p = &c.phases[i];
		assert_string_equal(p->step_of, "ramp");
		assert_int_not_equal(p->model, CAMPAIGN_LOAD_STEPS);
		total += p->duration_us;
		if (i % 2) { /* a level */
			double level = 10.0 * (double)((i + 1) / 2);
			assert_int_equal(p->model, CAMPAIGN_LOAD_CONNECTIONS);
			assert_true(p->level.from == level && p->level.to == level);
			assert_int_equal(p->duration_us, 30 * S);
			assert_int_equal(p->pipeline, 4);
			assert_ptr_equal(p->mix, &mix);
			assert_true(p->has_expect);
		} else { /* a pause */
			assert_int_equal(p->model, CAMPAIGN_LOAD_IDLE);
			assert_int_equal(p->duration_us, 10 * S);
			assert_false(p->has_expect);
		}
	}
	assert_string_equal(c.phases[1].name, "ramp-10");
	assert_string_equal(c.phases[2].name, "ramp-10-pause");
	assert_string_equal(c.phases[19].name, "ramp-100");
	assert_int_equal(total, steps_duration_us(&phases[1].steps));
	campaign_free(&c);
}

static void campaigns_without_steps_are_left_alone(void **state)
{
	(void)state;
	struct campaign c;
	struct campaign_phase p = {.name = "only", .model = CAMPAIGN_LOAD_CPS};
	memset(&c, 0, sizeof(c));
	c.phases = &p;
	c.n_phases = 1;
	assert_int_equal(steps_expand_campaign(&c), 0);
	assert_ptr_equal(c.phases, &p);
	assert_null(c.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_seed_ramp_has_ten_levels_and_nine_pauses),
		cmocka_unit_test(levels_stop_before_passing_the_end_and_can_go_down),
		cmocka_unit_test(expanded_phases_alternate_levels_and_pauses),
		cmocka_unit_test(campaigns_without_steps_are_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
