/* SPDX-License-Identifier: BSD-3-Clause */
/* The impaired wire's logic: the timed queue, the link rate and the faults. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire-faults.h"
#include "wire-queue.h"

static void push_byte(struct wire_queue *q, uint8_t b, uint64_t due)
{
	assert_int_equal(wire_queue_push(q, &b, 1, due), 0);
}

static uint8_t pop_byte(struct wire_queue *q, uint64_t now)
{
	const struct wire_frame *f = wire_queue_due(q, now);
	assert_non_null(f);
	uint8_t b = f->data[0];
	wire_queue_pop(q);
	return b;
}

static void frames_leave_when_due_in_due_order_ties_in_arrival_order(void **state)
{
	struct wire_queue q;
	(void)state;

	assert_int_equal(wire_queue_init(&q, 8), 0);
	push_byte(&q, 'a', 300);
	push_byte(&q, 'b', 100);
	push_byte(&q, 'c', 200);
	push_byte(&q, 'd', 100);
	assert_int_equal(wire_queue_next_due(&q), 100);
	assert_null(wire_queue_due(&q, 99));
	assert_int_equal(pop_byte(&q, 100), 'b');
	assert_int_equal(pop_byte(&q, 100), 'd');
	assert_null(wire_queue_due(&q, 199));
	assert_int_equal(pop_byte(&q, 1000), 'c');
	assert_int_equal(pop_byte(&q, 1000), 'a');
	assert_null(wire_queue_due(&q, UINT64_MAX));
	assert_int_equal(wire_queue_next_due(&q), UINT64_MAX);
	wire_queue_fini(&q);
}

static void a_full_queue_drops_at_the_tail_until_a_frame_leaves(void **state)
{
	struct wire_queue q;
	uint8_t b = 'x';
	(void)state;

	assert_int_equal(wire_queue_init(&q, 2), 0);
	push_byte(&q, 'a', 10);
	push_byte(&q, 'b', 5);
	assert_int_equal(wire_queue_push(&q, &b, 1, 1), -ENOBUFS);
	assert_int_equal(pop_byte(&q, 10), 'b');
	push_byte(&q, 'c', 20);
	assert_int_equal(pop_byte(&q, 20), 'a');
	assert_int_equal(pop_byte(&q, 20), 'c');
	wire_queue_fini(&q);
}

static void many_frames_come_out_sorted_and_whole(void **state)
{
	struct wire_queue q;
	uint64_t rng = 7, last = 0;
	uint8_t frame[1500];
	(void)state;

	assert_int_equal(wire_queue_init(&q, 1000), 0);
	for (int i = 0; i < 1000; i++) {
		memset(frame, i & 0xff, sizeof(frame));
		assert_int_equal(wire_queue_push(&q, frame, 100 + (size_t)i, wire_rand(&rng) % 5000), 0);
	}
	for (int i = 0; i < 1000; i++) {
		const struct wire_frame *f = wire_queue_due(&q, UINT64_MAX);
		assert_non_null(f);
		assert_true(f->due_ns >= last);
		last = f->due_ns;
		assert_int_equal(f->data[f->len - 1], (f->len - 100) & 0xff);
		wire_queue_pop(&q);
	}
	assert_int_equal(q.n, 0);
	wire_queue_fini(&q);
}

static void bad_queue_arguments_are_refused(void **state)
{
	struct wire_queue q;
	static uint8_t big[WIRE_FRAME_MAX + 1];
	(void)state;

	assert_int_equal(wire_queue_init(&q, 0), -EINVAL);
	assert_int_equal(wire_queue_init(&q, 1), 0);
	assert_int_equal(wire_queue_push(&q, big, sizeof(big), 0), -EMSGSIZE);
	wire_queue_fini(&q);
}

static void a_rate_limited_link_serialises_a_burst(void **state)
{
	struct wire_link l = {.rate_bps = 10 * 1000 * 1000};
	(void)state;

	/* (1500 + 20) bytes at 10 Mbit/s: 1.216 ms each, one after the other */
	assert_int_equal(wire_link_depart(&l, 0, 1500), 1216000);
	assert_int_equal(wire_link_depart(&l, 0, 1500), 2432000);
	assert_int_equal(wire_link_depart(&l, 1000, 1500), 3648000);
	/* an idle link starts the next frame when it arrives */
	assert_int_equal(wire_link_depart(&l, 10000000, 1500), 11216000);
}

static void an_unlimited_link_sends_at_once(void **state)
{
	struct wire_link l = {0};
	(void)state;

	assert_int_equal(wire_link_depart(&l, 42, 9000), 42);
	assert_int_equal(wire_link_depart(&l, 42, 9000), 42);
}

static void faults_hit_the_share_asked_and_a_lost_frame_has_no_other(void **state)
{
	struct wire_faults f = {.loss_pct = 5, .duplicate_pct = 10, .corrupt_pct = 1, .reorder_pct = 25};
	uint64_t rng = 12345, n = 200000, lost = 0, dup = 0, bad = 0, reord = 0;
	(void)state;

	for (uint64_t i = 0; i < n; i++) {
		unsigned v = wire_judge(&f, &rng);
		if (v & WIRE_DROP)
			assert_int_equal(v, WIRE_DROP);
		lost += !!(v & WIRE_DROP);
		dup += !!(v & WIRE_DUPLICATE);
		bad += !!(v & WIRE_CORRUPT);
		reord += !!(v & WIRE_REORDER);
	}
	/* within 10% of the share asked (of the frames that were not lost) */
	assert_in_range(lost, n * 45 / 1000, n * 55 / 1000);
	assert_in_range(dup, n * 95 / 100 * 9 / 100, n * 95 / 100 * 11 / 100);
	assert_in_range(bad, n * 95 / 100 * 9 / 1000, n * 95 / 100 * 11 / 1000);
	assert_in_range(reord, n * 95 / 100 * 225 / 1000, n * 95 / 100 * 275 / 1000);
}

static void no_fault_asked_is_no_fault_seen(void **state)
{
	struct wire_faults f = {0};
	uint64_t rng = 99;
	(void)state;

	for (int i = 0; i < 100000; i++)
		assert_int_equal(wire_judge(&f, &rng), 0);
	assert_int_equal(wire_delay(&f, &rng, false), 0);
}

static void the_same_seed_replays_the_same_faults(void **state)
{
	struct wire_faults f = {.loss_pct = 30, .duplicate_pct = 30};
	uint64_t a = 5, b = 5;
	(void)state;

	for (int i = 0; i < 1000; i++)
		assert_int_equal(wire_judge(&f, &a), wire_judge(&f, &b));
}

static void delay_stays_within_jitter_never_negative_and_a_reordered_frame_waits_the_gap(
	void **state)
{
	struct wire_faults f = {.delay_ns = 50000000, .jitter_ns = 10000000, .reorder_gap_ns = 7};
	struct wire_faults wide = {.delay_ns = 1000, .jitter_ns = 5000};
	uint64_t rng = 3, lo = UINT64_MAX, hi = 0;
	int zero = 0;
	(void)state;

	for (int i = 0; i < 100000; i++) {
		uint64_t d = wire_delay(&f, &rng, false);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		zero += wire_delay(&wide, &rng, false) == 0;
	}
	assert_in_range(lo, 40000000, 40100000);
	assert_in_range(hi, 59900000, 60000000);
	assert_true(zero > 0); /* clamped, not wrapped around */
	f.jitter_ns = 0;
	assert_int_equal(wire_delay(&f, &rng, true), 50000007);
}

static void corruption_flips_one_bit_past_the_ethernet_header(void **state)
{
	uint8_t frame[60], copy[60];
	uint64_t rng = 11;
	(void)state;

	memset(frame, 0x5a, sizeof(frame));
	for (int i = 0; i < 1000; i++) {
		memcpy(copy, frame, sizeof(frame));
		long bit = wire_corrupt(copy, sizeof(copy), &rng);
		assert_in_range(bit, 14 * 8, 60 * 8 - 1);
		int flipped = 0;
		for (size_t j = 0; j < sizeof(frame); j++)
			flipped += __builtin_popcount(frame[j] ^ copy[j]);
		assert_int_equal(flipped, 1);
		assert_memory_equal(frame, copy, 14);
	}
	assert_int_equal(wire_corrupt(frame, 14, &rng), -1);
}

static void only_ip_frames_are_corruptible(void **state)
{
	uint8_t eth[14] = {0};
	(void)state;

	eth[12] = 0x08, eth[13] = 0x00;
	assert_true(wire_is_ip(eth, sizeof(eth)));
	eth[12] = 0x86, eth[13] = 0xdd;
	assert_true(wire_is_ip(eth, sizeof(eth)));
	eth[12] = 0x08, eth[13] = 0x06; /* ARP */
	assert_false(wire_is_ip(eth, sizeof(eth)));
	assert_false(wire_is_ip(eth, 13));
}

/* Ethernet + IPv4 (options when ihl > 5) or IPv6, then a TCP header with `flags` */
static size_t tcp_frame(uint8_t *f, bool v6, unsigned ihl, uint8_t proto, uint8_t flags)
{
	size_t tcp = v6 ? 14 + 40 : 14 + ihl * 4;
	memset(f, 0, 128);
	f[12] = v6 ? 0x86 : 0x08, f[13] = v6 ? 0xdd : 0x00;
	if (v6)
		f[14] = 0x60, f[14 + 6] = proto;
	else
		f[14] = (uint8_t)(0x40 | ihl), f[14 + 9] = proto;
	f[tcp + 12] = 0x50;
	f[tcp + 13] = flags;
	return tcp + 20;
}

static void only_tcp_segments_with_fin_are_fin_frames(void **state)
{
	uint8_t f[128];
	(void)state;

	assert_true(wire_is_tcp_fin(f, tcp_frame(f, false, 5, 6, 0x11))); /* FIN|ACK */
	assert_true(wire_is_tcp_fin(f, tcp_frame(f, false, 7, 6, 0x01))); /* past IP options */
	assert_true(wire_is_tcp_fin(f, tcp_frame(f, true, 5, 6, 0x19)));  /* IPv6, FIN|PSH|ACK */
	assert_false(wire_is_tcp_fin(f, tcp_frame(f, false, 5, 6, 0x10)));
	assert_false(wire_is_tcp_fin(f, tcp_frame(f, false, 5, 6, 0x12))); /* SYN|ACK */
	assert_false(wire_is_tcp_fin(f, tcp_frame(f, true, 5, 17, 0x01))); /* UDP */
	assert_false(wire_is_tcp_fin(f, tcp_frame(f, false, 5, 17, 0x01)));
	size_t n = tcp_frame(f, false, 5, 6, 0x01);
	assert_false(wire_is_tcp_fin(f, n - 7)); /* cut before the flags */
	f[13] = 0x06; /* ARP */
	assert_false(wire_is_tcp_fin(f, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(frames_leave_when_due_in_due_order_ties_in_arrival_order),
		cmocka_unit_test(a_full_queue_drops_at_the_tail_until_a_frame_leaves),
		cmocka_unit_test(many_frames_come_out_sorted_and_whole),
		cmocka_unit_test(bad_queue_arguments_are_refused),
		cmocka_unit_test(a_rate_limited_link_serialises_a_burst),
		cmocka_unit_test(an_unlimited_link_sends_at_once),
		cmocka_unit_test(faults_hit_the_share_asked_and_a_lost_frame_has_no_other),
		cmocka_unit_test(no_fault_asked_is_no_fault_seen),
		cmocka_unit_test(the_same_seed_replays_the_same_faults),
		cmocka_unit_test(delay_stays_within_jitter_never_negative_and_a_reordered_frame_waits_the_gap),
		cmocka_unit_test(corruption_flips_one_bit_past_the_ethernet_header),
		cmocka_unit_test(only_ip_frames_are_corruptible),
		cmocka_unit_test(only_tcp_segments_with_fin_are_fin_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
