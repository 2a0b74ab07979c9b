/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Protocol v2 key schedule and sessions: keys differ per agent, direction,
 * connection and boot; a frame replayed, dropped or carried over from
 * another session (an old ACK) is refused.
 */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
/* clang-format on */

#include "proto.h"
#include "session.h"

static const uint8_t nc1[TP_NONCE_LEN] = {1}, nc2[TP_NONCE_LEN] = {2};
static const uint8_t na1[TP_NONCE_LEN] = {3}, na2[TP_NONCE_LEN] = {4};
static const char boot1[] = "00112233445566778899aabbccddeeff";
static const char boot2[] = "ffeeddccbbaa99887766554433221100";

static void master(uint8_t out[TP_KEY_LEN])
{
	struct tp_key file;

	assert_int_equal(tp_key_set(&file, "master-key-file-bytes", 21), 0);
	tp_master_key(&file, out);
}

static void agent_keys_are_per_id_and_reproducible(void **state)
{
	uint8_t m[TP_KEY_LEN], a[TP_KEY_LEN], a_again[TP_KEY_LEN], b[TP_KEY_LEN];

	(void)state;
	master(m);
	assert_int_equal(tp_agent_key(m, "web-1", a), 0);
	assert_int_equal(tp_agent_key(m, "web-1", a_again), 0);
	assert_int_equal(tp_agent_key(m, "web-2", b), 0);
	assert_memory_equal(a, a_again, TP_KEY_LEN);
	assert_memory_not_equal(a, b, TP_KEY_LEN);
	assert_memory_not_equal(a, m, TP_KEY_LEN);
	assert_int_equal(tp_agent_key(m, "../x", a), -EINVAL);
	assert_int_equal(tp_agent_key(m, "", a), -EINVAL);
	assert_int_equal(tp_agent_key(m, "a\x1b[2J", a), -EINVAL);
}

static void ids_and_boots_are_checked(void **state)
{
	char long_id[TP_MAX_ID_LEN + 2];

	(void)state;
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	assert_true(tp_id_valid("host_1.lab-2"));
	assert_false(tp_id_valid(".hidden"));
	assert_false(tp_id_valid("a/b"));
	assert_false(tp_id_valid(long_id));
	long_id[TP_MAX_ID_LEN] = '\0';
	assert_true(tp_id_valid(long_id));
	assert_true(tp_boot_valid(boot1));
	assert_false(tp_boot_valid("00112233"));
	assert_false(tp_boot_valid("00112233445566778899AABBCCDDEEFF"));
}

static void agent_key_files_hold_64_hex_digits(void **state)
{
	char path[] = "/tmp/drench-session-test-XXXXXX";
	uint8_t key[TP_KEY_LEN], want[TP_KEY_LEN];
	char hex[2 * TP_KEY_LEN + 1];
	int fd = mkstemp(path);

	(void)state;
	for (int i = 0; i < TP_KEY_LEN; i++)
		want[i] = (uint8_t)(i * 7);
	sodium_bin2hex(hex, sizeof(hex), want, sizeof(want));
	assert_int_equal(write(fd, hex, strlen(hex)), (ssize_t)strlen(hex));
	assert_int_equal(write(fd, "\n", 1), 1);
	assert_int_equal(tp_agent_key_load(path, key), 0);
	assert_memory_equal(key, want, TP_KEY_LEN);
	assert_int_equal(ftruncate(fd, 20), 0);
	assert_int_equal(tp_agent_key_load(path, key), -EINVAL);
	close(fd);
	unlink(path);
}

/* A frame from one session, direction or boot authenticates in no other. */
static void session_keys_bind_direction_nonces_and_boot(void **state)
{
	uint8_t m[TP_KEY_LEN], k[TP_KEY_LEN], buf[256];
	struct tp_session agent, coll, other;
	struct tp_frame f;
	ssize_t n;

	(void)state;
	master(m);
	tp_agent_key(m, "web-1", k);
	tp_session_init(&agent, TP_ROLE_AGENT, k, nc1, na1, "web-1", boot1);
	tp_session_init(&coll, TP_ROLE_COLLECTOR, k, nc1, na1, "web-1", boot1);
	n = tp_session_encode(&coll, buf, sizeof(buf), TP_ACK, "{\"upto\":9}", 10);
	assert_int_equal(tp_session_decode(&agent, buf, (size_t)n, &f), n);
	/* the agent cannot be fed its own direction back (reflection) */
	n = tp_session_encode(&agent, buf, sizeof(buf), TP_SAMPLE, "{}", 2);
	tp_session_init(&other, TP_ROLE_AGENT, k, nc1, na1, "web-1", boot1);
	assert_int_equal(tp_session_decode(&other, buf, (size_t)n, &f), -EACCES);
	/* an ACK of another connection (either nonce) or another boot */
	n = tp_session_encode(&coll, buf, sizeof(buf), TP_ACK, "{\"upto\":9}", 10);
	tp_session_init(&other, TP_ROLE_AGENT, k, nc2, na1, "web-1", boot1);
	other.rx_seq = 2;
	assert_int_equal(tp_session_decode(&other, buf, (size_t)n, &f), -EACCES);
	tp_session_init(&other, TP_ROLE_AGENT, k, nc1, na2, "web-1", boot1);
	other.rx_seq = 2;
	assert_int_equal(tp_session_decode(&other, buf, (size_t)n, &f), -EACCES);
	tp_session_init(&other, TP_ROLE_AGENT, k, nc1, na1, "web-1", boot2);
	other.rx_seq = 2;
	assert_int_equal(tp_session_decode(&other, buf, (size_t)n, &f), -EACCES);
	assert_int_equal(tp_session_decode(&agent, buf, (size_t)n, &f), n);
}

/* Every frame has a seq: repeats and gaps are refused, seq-0 types too. */
static void replayed_and_dropped_frames_are_stale(void **state)
{
	uint8_t k[TP_KEY_LEN] = {9}, f1[128], f2[128], f3[128];
	struct tp_session tx, rx;
	struct tp_frame f;
	ssize_t n1, n2, n3;

	(void)state;
	tp_session_init(&tx, TP_ROLE_COLLECTOR, k, nc1, na1, "a", boot1);
	tp_session_init(&rx, TP_ROLE_AGENT, k, nc1, na1, "a", boot1);
	n1 = tp_session_encode(&tx, f1, sizeof(f1), TP_CONFIG, "{}", 2);
	n2 = tp_session_encode(&tx, f2, sizeof(f2), TP_PROFILE_REQ, "{}", 2);
	n3 = tp_session_encode(&tx, f3, sizeof(f3), TP_ACK, "{}", 2);
	assert_int_equal(tp_session_decode(&rx, f1, (size_t)n1, &f), n1);
	assert_int_equal(f.seq, 1);
	assert_int_equal(tp_session_decode(&rx, f1, (size_t)n1, &f), -ESTALE);
	assert_int_equal(tp_session_decode(&rx, f3, (size_t)n3, &f), -ESTALE);
	assert_int_equal(tp_session_decode(&rx, f2, (size_t)n2, &f), n2);
	assert_int_equal(tp_session_decode(&rx, f3, (size_t)n3, &f), n3);
}

static void hello_key_depends_on_the_collector_nonce(void **state)
{
	uint8_t k[TP_KEY_LEN] = {5}, h1[TP_KEY_LEN], h2[TP_KEY_LEN];

	(void)state;
	tp_hello_key(k, nc1, h1);
	tp_hello_key(k, nc2, h2);
	assert_memory_not_equal(h1, h2, TP_KEY_LEN);
}

/* With encryption the payload on the wire is not the plaintext, decrypts
 * only in its own session, and tampering still fails the tag. */
static void encrypted_sessions_round_trip_and_hide_the_payload(void **state)
{
	static const char msg[] = "{\"target\":\"api\",\"n\":1,\"m\":{\"rss_bytes\":1}}";
	uint8_t k[TP_KEY_LEN] = {3}, buf[256], copy[256];
	struct tp_session tx, rx, plain;
	struct tp_frame f;
	ssize_t n;

	(void)state;
	tp_session_init(&tx, TP_ROLE_AGENT, k, nc1, na1, "a", boot1);
	tp_session_init(&rx, TP_ROLE_COLLECTOR, k, nc1, na1, "a", boot1);
	tp_session_init(&plain, TP_ROLE_COLLECTOR, k, nc1, na1, "a", boot1);
	tp_session_encrypt(&tx);
	tp_session_encrypt(&rx);
	n = tp_session_encode(&tx, buf, sizeof(buf), TP_SAMPLE, msg, strlen(msg));
	assert_int_equal(n, TP_HEADER_LEN + strlen(msg) + TP_TAG_LEN);
	assert_null(memmem(buf, (size_t)n, "rss_bytes", 9));
	memcpy(copy, buf, (size_t)n);
	copy[TP_HEADER_LEN + 3] ^= 1;
	assert_int_equal(tp_session_decode(&rx, copy, (size_t)n, &f), -EACCES);
	memcpy(copy, buf, (size_t)n);
	assert_int_equal(tp_session_decode(&plain, copy, (size_t)n, &f), n);
	assert_memory_not_equal(f.payload, msg, strlen(msg)); /* no key, no plaintext */
	assert_int_equal(tp_session_decode(&rx, buf, (size_t)n, &f), n);
	assert_int_equal(f.len, strlen(msg));
	assert_memory_equal(f.payload, msg, strlen(msg));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agent_keys_are_per_id_and_reproducible),
		cmocka_unit_test(ids_and_boots_are_checked),
		cmocka_unit_test(agent_key_files_hold_64_hex_digits),
		cmocka_unit_test(session_keys_bind_direction_nonces_and_boot),
		cmocka_unit_test(replayed_and_dropped_frames_are_stale),
		cmocka_unit_test(hello_key_depends_on_the_collector_nonce),
		cmocka_unit_test(encrypted_sessions_round_trip_and_hide_the_payload),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
