/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The agent's side of the link, against a hand-played collector on a
 * socketpair: the ring keeps what is not acknowledged and ignores an ACK
 * for numbers never given out; samples flow only once the collector proved
 * our key; a frame under another key (a forged collector, an ACK of an
 * earlier session or boot) or a replayed one drops the link and leaves the
 * ring as it was.
 */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
/* clang-format on */

#include "agent.h"
#include "proto.h"
#include "session.h"

double agent_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double agent_wall(void)
{
	return (double)time(NULL);
}

struct fixture {
	struct agent a;
	int coll; /* the collector's end */
	uint8_t nc[TP_NONCE_LEN];
	struct tp_session s; /* the collector's session, after HELLO */
};

static int setup(void **state)
{
	static struct fixture f;
	uint8_t master[TP_KEY_LEN] = {42};
	int sv[2];

	memset(&f, 0, sizeof(f));
	f.a.id = "web-1";
	f.a.buffer_cap = 8;
	f.a.profile_dirfd = -1;
	memset(f.a.boot, 'a', TP_BOOT_HEX_LEN);
	tp_agent_key(master, f.a.id, f.a.key);
	if (link_init(&f.a) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		return -1;
	f.a.fd = sv[0];
	f.a.link = LINK_CHALLENGED;
	f.a.retry_at = agent_now() + 60;
	f.coll = sv[1];
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	targets_free(&f->a);
	link_free(&f->a);
	close(f->coll);
	return 0;
}

static void to_agent(struct fixture *f, const uint8_t *buf, size_t n)
{
	assert_int_equal(write(f->coll, buf, n), (ssize_t)n);
	link_io(&f->a, POLLIN);
}

static void push(struct agent *a, unsigned k)
{
	char text[64];

	for (unsigned i = 0; i < k; i++) {
		snprintf(text, sizeof(text), "{\"n\":%llu}", (unsigned long long)a->next_seq);
		ring_push(a, TP_SAMPLE, strdup(text));
	}
}

/* CHALLENGE, HELLO checked as the collector checks it, then CONFIG. */
static void handshake(struct fixture *f)
{
	uint8_t buf[4096], hkey[TP_KEY_LEN], na[TP_NONCE_LEN];
	struct tp_frame fr;
	json_t *hello;
	ssize_t n;
	size_t bin;

	randombytes_buf(f->nc, sizeof(f->nc));
	n = tp_encode(buf, sizeof(buf), TP_CHALLENGE, 0, f->nc, TP_NONCE_LEN, tp_challenge_key);
	to_agent(f, buf, (size_t)n);
	assert_int_equal(f->a.link, LINK_HELLO_SENT);
	n = read(f->coll, buf, sizeof(buf));
	assert_true(n > 0 && tp_peek(buf, (size_t)n, &fr) == n);
	tp_hello_key(f->a.key, f->nc, hkey);
	assert_int_equal(tp_verify(buf, &fr, hkey), 0);
	hello = json_loadb((const char *)fr.payload, fr.len, 0, NULL);
	assert_int_equal(sodium_hex2bin(na, sizeof(na),
					json_string_value(json_object_get(hello, "nonce")),
					2 * TP_NONCE_LEN, NULL, &bin, NULL),
			 0);
	json_decref(hello);
	tp_session_init(&f->s, TP_ROLE_COLLECTOR, f->a.key, f->nc, na, f->a.id, f->a.boot);
	n = tp_session_encode(&f->s, buf, sizeof(buf), TP_CONFIG, "{\"targets\":[]}", 14);
	to_agent(f, buf, (size_t)n);
	assert_int_equal(f->a.link, LINK_READY);
}

static void ack(struct fixture *f, struct tp_session *s, uint64_t upto, uint8_t *out,
		size_t *out_len)
{
	char js[64];
	ssize_t n;

	snprintf(js, sizeof(js), "{\"upto\":%llu}", (unsigned long long)upto);
	n = tp_session_encode(s, out, 256, TP_ACK, js, strlen(js));
	assert_true(n > 0);
	*out_len = (size_t)n;
	to_agent(f, out, *out_len);
}

static void ring_keeps_the_unacknowledged_and_counts_evictions(void **state)
{
	struct fixture *f = *state;

	push(&f->a, 3);
	ring_ack(&f->a, 2);
	assert_int_equal(f->a.ring_len, 1);
	ring_ack(&f->a, 99); /* never given out: ignored (v1 emptied the ring) */
	assert_int_equal(f->a.ring_len, 1);
	push(&f->a, 10);
	assert_int_equal(f->a.ring_len, 8);
	assert_int_equal(f->a.dropped, 3);
	ring_ack(&f->a, f->a.next_seq - 1);
	assert_int_equal(f->a.ring_len, 0);
}

/* Samples flow only after CONFIG verified under the session key. */
static void samples_wait_for_the_collectors_proof(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[TP_MAX_FRAME];
	struct tp_frame fr;
	ssize_t n;

	push(&f->a, 2);
	handshake(f);
	link_flush_ring(&f->a);
	n = read(f->coll, buf, sizeof(buf));
	assert_true(n > 0);
	assert_true(tp_session_decode(&f->s, buf, (size_t)n, &fr) > 0);
	assert_int_equal(fr.type, TP_SAMPLE);
	assert_int_equal(fr.seq, 1);
}

/* An ACK from an earlier session of the same agent and boot (recorded
 * before a reconnect) does not verify: the link drops, the ring stays. */
static void an_old_sessions_ack_cannot_empty_the_ring(void **state)
{
	struct fixture *f = *state;
	struct tp_session old;
	uint8_t na_old[TP_NONCE_LEN] = {1}, buf[256];
	size_t len;

	push(&f->a, 3);
	handshake(f);
	tp_session_init(&old, TP_ROLE_COLLECTOR, f->a.key, f->nc, na_old, f->a.id, f->a.boot);
	old.tx_seq = 2;
	ack(f, &old, f->a.next_seq - 1, buf, &len);
	assert_int_equal(f->a.link, LINK_DOWN);
	assert_int_equal(f->a.ring_len, 3);
}

static void a_replayed_collector_frame_drops_the_link(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[256];
	size_t len;

	push(&f->a, 3);
	handshake(f);
	ack(f, &f->s, 1, buf, &len);
	assert_int_equal(f->a.ring_len, 2);
	assert_int_equal(f->a.link, LINK_READY);
	to_agent(f, buf, len); /* the same ACK again */
	assert_int_equal(f->a.link, LINK_DOWN);
}

/* A collector without our key cannot get past HELLO. */
static void a_forged_collector_is_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[256], wrong[TP_KEY_LEN] = {7};
	ssize_t n;

	randombytes_buf(f->nc, sizeof(f->nc));
	n = tp_encode(buf, sizeof(buf), TP_CHALLENGE, 0, f->nc, TP_NONCE_LEN, tp_challenge_key);
	to_agent(f, buf, (size_t)n);
	assert_int_equal(f->a.link, LINK_HELLO_SENT);
	n = tp_encode(buf, sizeof(buf), TP_CONFIG, 1, "{\"targets\":[]}", 14, wrong);
	to_agent(f, buf, (size_t)n);
	assert_int_equal(f->a.link, LINK_DOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ring_keeps_the_unacknowledged_and_counts_evictions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(samples_wait_for_the_collectors_proof, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_old_sessions_ack_cannot_empty_the_ring, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_replayed_collector_frame_drops_the_link, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_forged_collector_is_refused, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
