/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Agent protocol framing, picohttpparser-style: every vector whole, byte by
 * byte and as every truncated prefix (each in a buffer of exactly that size,
 * so a sanitizer catches an overread); malformed frames give errors.
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
/* clang-format on */

#include "proto.h"

static const uint8_t key[TP_KEY_LEN] = "0123456789abcdef-test-key-32byt";

static int setup(void **state)
{
	(void)state;
	return 0;
}

static ssize_t decode_exact(const uint8_t *bytes, size_t len, struct tp_frame *f)
{
	uint8_t *copy = malloc(len ? len : 1);
	ssize_t rc;

	memcpy(copy, bytes, len);
	rc = tp_decode(copy, len, key, f);
	free(copy);
	return rc;
}

static void check_vector(enum tp_type type, uint64_t seq, const char *payload, size_t plen,
			 int line)
{
	uint8_t frame[TP_MAX_FRAME];
	ssize_t n = tp_encode(frame, sizeof(frame), type, seq, payload, plen, key);
	struct tp_frame f;
	uint8_t *acc;

	if (n != (ssize_t)(TP_HEADER_LEN + plen + TP_TAG_LEN))
		fail_msg("line %d: encode gave %zd", line, n);
	/* whole */
	memset(&f, 0, sizeof(f));
	if (tp_decode(frame, (size_t)n, key, &f) != n || f.type != type || f.seq != seq ||
	    f.len != plen || memcmp(f.payload, payload, plen) != 0)
		fail_msg("line %d: whole frame did not round-trip", line);
	/* every truncated prefix: need more, never an error */
	for (ssize_t k = 0; k < n; k++) {
		ssize_t rc = decode_exact(frame, (size_t)k, &f);

		if (rc != 0)
			fail_msg("line %d: prefix of %zd bytes gave %zd", line, k, rc);
	}
	/* byte by byte into a growing buffer */
	acc = malloc((size_t)n);
	for (ssize_t k = 1; k <= n; k++) {
		ssize_t rc;

		acc[k - 1] = frame[k - 1];
		rc = tp_decode(acc, (size_t)k, key, &f);
		if ((k < n && rc != 0) || (k == n && (rc != n || f.seq != seq)))
			fail_msg("line %d: byte %zd gave %zd", line, k, rc);
	}
	free(acc);
}

static void frames_round_trip_whole_bytewise_and_truncated(void **state)
{
	static char big[TP_MAX_PAYLOAD];

	(void)state;
	memset(big, 'x', sizeof(big));
	check_vector(TP_SAMPLE, 1, "{\"target\":\"api\"}", 16, __LINE__);
	check_vector(TP_ACK, UINT64_MAX, "", 0, __LINE__);
	check_vector(TP_HELLO, 0, "{}", 2, __LINE__);
	check_vector(TP_EVENT, 42, "\0\1\2\3", 4, __LINE__);
	check_vector(TP_PROFILE_CHUNK, 7, big, 300, __LINE__);
	check_vector(TP_CONFIG, 0, big, sizeof(big), __LINE__);
}

static ssize_t encode_sample(uint8_t *frame, size_t cap)
{
	return tp_encode(frame, cap, TP_SAMPLE, 9, "{\"t\":1}", 7, key);
}

static void check_error(const uint8_t *frame, size_t len, ssize_t want, int line)
{
	struct tp_frame f;
	ssize_t rc = decode_exact(frame, len, &f);

	if (rc != want)
		fail_msg("line %d: got %zd, want %zd", line, rc, want);
}

static void malformed_headers_are_errors_as_soon_as_visible(void **state)
{
	uint8_t frame[128];
	ssize_t n = encode_sample(frame, sizeof(frame));

	(void)state;
	frame[0] = 'X';
	check_error(frame, 1, -EBADMSG, __LINE__);
	check_error(frame, (size_t)n, -EBADMSG, __LINE__);
	encode_sample(frame, sizeof(frame));
	frame[2] = TP_VERSION + 1;
	check_error(frame, 3, -EBADMSG, __LINE__);
	encode_sample(frame, sizeof(frame));
	frame[3] = 0;
	check_error(frame, 4, -EBADMSG, __LINE__);
	frame[3] = TP_TYPE_MAX + 1;
	check_error(frame, (size_t)n, -EBADMSG, __LINE__);
}

static void oversized_length_is_refused_from_the_header_alone(void **state)
{
	uint8_t frame[TP_HEADER_LEN];

	(void)state;
	encode_sample((uint8_t[128]){0}, 128);
	memcpy(frame, "DR\2\4", 4);
	/* declared payload TP_MAX_PAYLOAD + 1 */
	frame[4] = 0;
	frame[5] = 1;
	frame[6] = 0;
	frame[7] = 1;
	memset(frame + 8, 0, 8);
	check_error(frame, sizeof(frame), -EMSGSIZE, __LINE__);
}

static void tampered_frames_fail_authentication(void **state)
{
	uint8_t frame[128];
	ssize_t n = encode_sample(frame, sizeof(frame));
	static const uint8_t other[TP_KEY_LEN] = "another-key-of-thirty-two-bytes";
	struct tp_frame f;

	(void)state;
	for (ssize_t i = 4; i < n; i++) {
		encode_sample(frame, sizeof(frame));
		frame[i] ^= 0x01;
		if (i >= 4 && i < 8)
			continue; /* the length bytes change the framing instead */
		check_error(frame, (size_t)n, -EACCES, __LINE__);
	}
	encode_sample(frame, sizeof(frame));
	/* a frame under another key (agent, session or direction) does not verify */
	assert_int_equal(tp_decode(frame, (size_t)n, other, &f), -EACCES);
	assert_int_equal(tp_peek(frame, (size_t)n, &f), n);
	assert_int_equal(tp_verify(frame, &f, other), -EACCES);
	assert_int_equal(tp_verify(frame, &f, key), 0);
}

static void back_to_back_frames_decode_one_at_a_time(void **state)
{
	uint8_t buf[256];
	ssize_t a = encode_sample(buf, sizeof(buf));
	ssize_t b = tp_encode(buf + a, sizeof(buf) - (size_t)a, TP_ACK, 3, NULL, 0, key);
	struct tp_frame f;

	(void)state;
	assert_int_equal(tp_decode(buf, (size_t)(a + b), key, &f), a);
	assert_int_equal(f.type, TP_SAMPLE);
	assert_int_equal(tp_decode(buf + a, (size_t)b, key, &f), b);
	assert_int_equal(f.type, TP_ACK);
	assert_int_equal(f.seq, 3);
}

static void encode_refuses_bad_arguments(void **state)
{
	static uint8_t out[TP_MAX_FRAME + 16];

	(void)state;
	assert_int_equal(tp_encode(out, sizeof(out), TP_SAMPLE, 0, out, TP_MAX_PAYLOAD + 1, key),
			 -EMSGSIZE);
	assert_int_equal(tp_encode(out, 40, TP_SAMPLE, 0, "abc", 3, key), -ENOBUFS);
	assert_int_equal(tp_encode(out, sizeof(out), 0, 0, "", 0, key), -EINVAL);
	assert_int_equal(tp_encode(out, sizeof(out), TP_TYPE_MAX + 1, 0, "", 0, key), -EINVAL);
}

static void key_files_are_trimmed_and_length_checked(void **state)
{
	char path[] = "/tmp/drench-key-XXXXXX";
	int fd = mkstemp(path);
	struct tp_key k;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789abcdefXYZ\n", 20), 20);
	assert_int_equal(tp_key_load(path, &k), 0);
	assert_int_equal(k.len, 19);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, "short\n", 6, 0), 6);
	assert_int_equal(tp_key_load(path, &k), -EINVAL);
	close(fd);
	unlink(path);
	assert_int_equal(tp_key_load("/nonexistent/key", &k), -ENOENT);
}

static void profile_chunks_split_into_meta_and_data(void **state)
{
	const uint8_t ok[] = {0, 2, '{', '}', 'a', 'b', 'c'};
	const uint8_t zero_meta[] = {0, 0, 'a'};
	const uint8_t long_meta[] = {0, 9, '{', '}'};
	const char *meta;
	const uint8_t *data;
	size_t ml, dl;

	(void)state;
	assert_int_equal(tp_chunk_split(ok, sizeof(ok), &meta, &ml, &data, &dl), 0);
	assert_int_equal(ml, 2);
	assert_int_equal(dl, 3);
	assert_memory_equal(data, "abc", 3);
	assert_int_equal(tp_chunk_split(zero_meta, sizeof(zero_meta), &meta, &ml, &data, &dl),
			 -EBADMSG);
	assert_int_equal(tp_chunk_split(long_meta, sizeof(long_meta), &meta, &ml, &data, &dl),
			 -EBADMSG);
	assert_int_equal(tp_chunk_split(ok, 1, &meta, &ml, &data, &dl), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(frames_round_trip_whole_bytewise_and_truncated),
		cmocka_unit_test(malformed_headers_are_errors_as_soon_as_visible),
		cmocka_unit_test(oversized_length_is_refused_from_the_header_alone),
		cmocka_unit_test(tampered_frames_fail_authentication),
		cmocka_unit_test(back_to_back_frames_decode_one_at_a_time),
		cmocka_unit_test(encode_refuses_bad_arguments),
		cmocka_unit_test(key_files_are_trimmed_and_length_checked),
		cmocka_unit_test(profile_chunks_split_into_meta_and_data),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
