/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "timer-wheel.h"

#define NIDS 64

struct rec {
	unsigned n;
	uint32_t ids[4 * NIDS];
	uint32_t at[4 * NIDS];
	uint32_t now;
	struct timer_wheel *w;
	int rearm_delta;     /* re-arm the fired id this far ahead (0: no) */
	uint32_t cancel_id;  /* first callback cancels this id, or its partner if it fired */
	uint32_t partner;
};

static void fire(void *ctx, uint32_t id)
{
	struct rec *r = ctx;
	assert_true(r->n < 4 * NIDS);
	r->ids[r->n] = id;
	r->at[r->n] = r->now;
	r->n++;
	if (r->rearm_delta)
		tcp_tw_arm(r->w, id, r->now + (uint32_t)r->rearm_delta);
	if (r->cancel_id != UINT32_MAX) {
		tcp_tw_cancel(r->w, id == r->cancel_id ? r->partner : r->cancel_id);
		r->cancel_id = UINT32_MAX;
	}
}

static void run_to(struct rec *r, uint32_t until)
{
	while (r->now != until) {
		r->now++;
		tcp_tw_advance(r->w, r->now, fire, r);
	}
}

static struct rec *rec_new(uint32_t slots, uint32_t start)
{
	struct rec *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->w = tcp_tw_create(slots, NIDS, start);
	assert_non_null(r->w);
	r->now = start;
	r->cancel_id = UINT32_MAX;
	return r;
}

static void rec_free(struct rec *r)
{
	tcp_tw_destroy(r->w);
	free(r);
}

static void timer_fires_at_its_tick_not_before(void **state)
{
	(void)state;
	struct rec *r = rec_new(16, 100);
	tcp_tw_arm(r->w, 3, 105);
	run_to(r, 104);
	assert_int_equal(r->n, 0);
	assert_true(tw_armed(r->w, 3));
	run_to(r, 105);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ids[0], 3);
	assert_int_equal(r->at[0], 105);
	assert_false(tw_armed(r->w, 3));
	assert_int_equal(tcp_tw_armed_count(r->w), 0);
	rec_free(r);
}

static void timers_longer_than_a_revolution_wait_their_turn(void **state)
{
	(void)state;
	struct rec *r = rec_new(8, 0);
	tcp_tw_arm(r->w, 1, 3);
	tcp_tw_arm(r->w, 2, 3 + 8);  /* same slot, one revolution later */
	tcp_tw_arm(r->w, 4, 3 + 40); /* five revolutions later */
	run_to(r, 3);
	assert_int_equal(r->n, 1);
	run_to(r, 10);
	assert_int_equal(r->n, 1);
	run_to(r, 11);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->ids[1], 2);
	run_to(r, 42);
	assert_int_equal(r->n, 2);
	run_to(r, 43);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->ids[2], 4);
	rec_free(r);
}

static void cancel_and_rearm_are_honoured(void **state)
{
	(void)state;
	struct rec *r = rec_new(16, 0);
	tcp_tw_arm(r->w, 1, 5);
	tcp_tw_arm(r->w, 2, 5);
	tcp_tw_arm(r->w, 3, 5);
	tcp_tw_cancel(r->w, 2);
	tcp_tw_cancel(r->w, 2); /* twice is harmless */
	tcp_tw_arm(r->w, 3, 9); /* moved */
	assert_int_equal(tcp_tw_armed_count(r->w), 2);
	run_to(r, 5);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ids[0], 1);
	run_to(r, 9);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->ids[1], 3);
	assert_int_equal(tcp_tw_armed_count(r->w), 0);
	rec_free(r);
}

static void a_big_jump_fires_everything_due_once(void **state)
{
	(void)state;
	struct rec *r = rec_new(16, 0);
	for (uint32_t id = 0; id < 40; id++)
		tcp_tw_arm(r->w, id, 1 + id * 7); /* spread over many revolutions */
	r->now = 150;
	tcp_tw_advance(r->w, r->now, fire, r);
	unsigned due = 0;
	for (uint32_t id = 0; id < 40; id++)
		due += 1 + id * 7 <= 150;
	assert_int_equal(r->n, due);
	for (unsigned i = 0; i < r->n; i++)
		assert_true(1 + r->ids[i] * 7 <= 150);
	assert_int_equal(tcp_tw_armed_count(r->w), 40 - due);
	run_to(r, 1 + 39 * 7);
	assert_int_equal(r->n, 40);
	rec_free(r);
}

static void a_callback_may_rearm_itself_and_cancel_others(void **state)
{
	(void)state;
	struct rec *r = rec_new(16, 0);
	tcp_tw_arm(r->w, 1, 4);
	tcp_tw_arm(r->w, 2, 4); /* same slot: whichever fires first cancels the other */
	r->rearm_delta = 3;
	r->cancel_id = 2;
	r->partner = 1;
	run_to(r, 4);
	assert_int_equal(r->n, 1);
	r->rearm_delta = 0;
	run_to(r, 7);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->ids[1], r->ids[0]);
	assert_int_equal(r->at[1], 7);
	assert_int_equal(tcp_tw_armed_count(r->w), 0);
	rec_free(r);
}

static void ticks_wrap_around_32_bits(void **state)
{
	(void)state;
	struct rec *r = rec_new(16, UINT32_MAX - 5);
	tcp_tw_arm(r->w, 7, UINT32_MAX - 5 + 10); /* wraps to 4 */
	run_to(r, 3);
	assert_int_equal(r->n, 0);
	run_to(r, 4);
	assert_int_equal(r->n, 1);
	rec_free(r);
}

static void arming_in_the_past_fires_on_next_advance(void **state)
{
	(void)state;
	struct rec *r = rec_new(16, 50);
	tcp_tw_arm(r->w, 9, 20);
	run_to(r, 51);
	assert_int_equal(r->n, 1);
	rec_free(r);
}

static void bad_sizes_are_refused(void **state)
{
	(void)state;
	assert_null(tcp_tw_create(0, 4, 0));
	assert_null(tcp_tw_create(16, 0, 0));
	struct timer_wheel *w = tcp_tw_create(10, 4, 0); /* rounded up to 16 */
	assert_non_null(w);
	assert_int_equal(w->mask, 15);
	tcp_tw_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timer_fires_at_its_tick_not_before),
		cmocka_unit_test(timers_longer_than_a_revolution_wait_their_turn),
		cmocka_unit_test(cancel_and_rearm_are_honoured),
		cmocka_unit_test(a_big_jump_fires_everything_due_once),
		cmocka_unit_test(a_callback_may_rearm_itself_and_cancel_others),
		cmocka_unit_test(ticks_wrap_around_32_bits),
		cmocka_unit_test(arming_in_the_past_fires_on_next_advance),
		cmocka_unit_test(bad_sizes_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
