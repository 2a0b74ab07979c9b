/* SPDX-License-Identifier: BSD-3-Clause */
/* Random operation sequences (the fuzzer's driver) with invariant checks
 * after every step; a fixed seed keeps the run repeatable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tcp-t.h"
#include "tcp-fuzz-ops.h"

static void random_operation_sequences_keep_the_invariants(void **state)
{
	(void)state;
	uint64_t x = 0x853c49e6748fea9bull;
	static uint8_t buf[4096];
	struct tcp_stats sum = {0};
	for (int run = 0; run < 3000; run++) {
		size_t len = 64 + (size_t)(x % (sizeof(buf) - 64));
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (uint8_t)x;
		}
		tcp_fuzz_one(buf, len, &sum); /* aborts on a broken invariant */
	}
	print_message("established %llu, rx %llu B, ooo %llu, dupacks %llu, fast %llu, rto %llu, "
		      "tlp %llu, persist %llu, time_wait %llu, refused %llu, reset %llu, "
		      "no_conn %llu\n",
		      (unsigned long long)sum.conn_established, (unsigned long long)sum.rx_bytes,
		      (unsigned long long)sum.ooo_queued, (unsigned long long)sum.dup_acks,
		      (unsigned long long)sum.retrans_fast, (unsigned long long)sum.retrans_rto,
		      (unsigned long long)sum.tlp_probes,
		      (unsigned long long)sum.persist_probes, (unsigned long long)sum.time_wait_entered,
		      (unsigned long long)sum.conn_refused, (unsigned long long)sum.conn_reset_rx,
		      (unsigned long long)sum.drop_no_conn);
	/* the sequences must reach deep states, or the test proves little */
	assert_true(sum.conn_established > 0);
	assert_true(sum.rx_bytes > 0);
	assert_true(sum.ooo_queued > 0);
	assert_true(sum.conn_refused > 0);
	assert_true(sum.conn_reset_rx > 0);
	assert_true(sum.retrans_rto > 0);
	assert_true(sum.retrans_fast > 0);
	assert_true(sum.tlp_probes > 0);
	assert_true(sum.persist_probes > 0);
	assert_true(sum.time_wait_entered > 0);
	print_message("server: syn %llu, accepted %llu, synack retrans %llu, timeouts %llu, "
		      "half-open resets %llu, backlog drops %llu, table full %llu\n",
		      (unsigned long long)sum.syn_rx, (unsigned long long)sum.conn_accepted,
		      (unsigned long long)sum.retrans_synack, (unsigned long long)sum.synack_timeout,
		      (unsigned long long)sum.half_open_reset, (unsigned long long)sum.syn_drop_backlog,
		      (unsigned long long)sum.syn_drop_full);
	assert_true(sum.conn_accepted > 0);
	assert_true(sum.retrans_synack > 0);
	assert_true(sum.half_open_reset > 0);
	assert_true(sum.syn_drop_full > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_operation_sequences_keep_the_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
