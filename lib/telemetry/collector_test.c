/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The collector on loopback against hand-made agents: unauthenticated,
 * oversized and malformed input is rejected and counted without stopping
 * service to a good agent; samples are deduplicated and gaps counted.
 */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "config/section-telemetry.h"
#include "report/report.h"
#include "telemetry/collector.h"
#include "telemetry/proto.h"

struct fixture {
	char dir[64];
	struct telemetry_config cfg;
	struct telemetry_target target;
	struct tp_key key;
	struct collector *c;
};

static int setup(void **state)
{
	static struct fixture f;
	struct collector_options opts = {.outdir = f.dir, .log = stderr};

	memset(&f, 0, sizeof(f));
	strcpy(f.dir, "/tmp/drench-collector-XXXXXX");
	if (mkdtemp(f.dir) == NULL)
		return -1;
	telemetry_config_init(&f.cfg);
	f.cfg.listen = "127.0.0.1:0";
	f.cfg.interval_us = 100000;
	f.target = (struct telemetry_target){.name = "api", .agent = "a1", .pid = getpid()};
	f.cfg.targets = &f.target;
	f.cfg.n_targets = 1;
	tp_key_set(&f.key, "collector-test-key-0123456789", 29);
	f.c = collector_create(&f.cfg, &f.key, &opts);
	*state = &f;
	return f.c ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	collector_destroy(f->c);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void pump(struct fixture *f, int rounds)
{
	for (int i = 0; i < rounds; i++)
		collector_poll(f->c, 5);
}

static int dial(struct fixture *f)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(collector_port(f->c))};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pump(f, 3);
	return fd;
}

/* Read frames until one of type want arrives; fills out->seq. */
static void expect_frame(struct fixture *f, int fd, const uint8_t *nonce, enum tp_type want,
			 struct tp_frame *out)
{
	static uint8_t buf[TP_MAX_FRAME * 2];
	static size_t len;
	static int last_fd = -1;

	if (fd != last_fd)
		len = 0;
	last_fd = fd;
	for (int tries = 0; tries < 200; tries++) {
		struct tp_frame fr;
		ssize_t rc;

		while ((rc = tp_decode(buf, len, &f->key, nonce, &fr)) > 0) {
			bool hit = fr.type == want;

			*out = fr;
			memmove(buf, buf + rc, len - (size_t)rc);
			len -= (size_t)rc;
			if (hit)
				return;
		}
		pump(f, 1);
		ssize_t n = recv(fd, buf + len, sizeof(buf) - len, MSG_DONTWAIT);

		if (n > 0)
			len += (size_t)n;
	}
	fail_msg("no %s frame", tp_type_name(want));
}

/* Connect and take the challenge: returns fd, nonce in nonce. */
static int handshake(struct fixture *f, uint8_t nonce[TP_NONCE_LEN])
{
	static const uint8_t zero[TP_NONCE_LEN];
	struct tp_frame fr;
	int fd = dial(f);

	expect_frame(f, fd, zero, TP_CHALLENGE, &fr);
	assert_int_equal(fr.len, TP_NONCE_LEN);
	memcpy(nonce, fr.payload, TP_NONCE_LEN);
	return fd;
}

static void send_frame(struct fixture *f, int fd, const struct tp_key *key, const uint8_t *nonce,
		       enum tp_type type, uint64_t seq, const char *json)
{
	uint8_t buf[4096];
	ssize_t n = tp_encode(buf, sizeof(buf), type, seq, json, strlen(json), key, nonce);

	assert_true(n > 0);
	assert_int_equal(send(fd, buf, (size_t)n, 0), n);
	pump(f, 3);
}

static bool peer_closed(struct fixture *f, int fd)
{
	char b[256];

	for (int i = 0; i < 100; i++) {
		ssize_t n = recv(fd, b, sizeof(b), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		pump(f, 1);
	}
	return false;
}

static void garbage_closes_the_connection_and_is_counted(void **state)
{
	struct fixture *f = *state;
	uint8_t nonce[TP_NONCE_LEN];
	int fd = handshake(f, nonce);

	assert_int_equal(send(fd, "GET / HTTP/1.1\r\n\r\n", 18, 0), 18);
	pump(f, 3);
	assert_true(peer_closed(f, fd));
	assert_int_equal(collector_stats(f->c)->rejected_malformed, 1);
	close(fd);
}

static void wrong_key_is_rejected_as_unauthenticated(void **state)
{
	struct fixture *f = *state;
	uint8_t nonce[TP_NONCE_LEN];
	struct tp_key bad;
	int fd = handshake(f, nonce);

	tp_key_set(&bad, "not-the-collector-key!", 22);
	send_frame(f, fd, &bad, nonce, TP_HELLO, 0, "{\"agent\":\"a1\",\"boot\":\"x\"}");
	assert_true(peer_closed(f, fd));
	assert_int_equal(collector_stats(f->c)->rejected_auth, 1);
	close(fd);
}

static void oversized_frame_is_rejected_from_its_header(void **state)
{
	struct fixture *f = *state;
	uint8_t nonce[TP_NONCE_LEN];
	uint8_t header[TP_HEADER_LEN] = {'D', 'R', TP_VERSION, TP_SAMPLE, 0x7f, 0xff, 0xff, 0xff};
	int fd = handshake(f, nonce);

	assert_int_equal(send(fd, header, sizeof(header), 0), (ssize_t)sizeof(header));
	pump(f, 3);
	assert_true(peer_closed(f, fd));
	assert_int_equal(collector_stats(f->c)->rejected_oversize, 1);
	close(fd);
}

static void samples_before_hello_are_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t nonce[TP_NONCE_LEN];
	int fd = handshake(f, nonce);

	send_frame(f, fd, &f->key, nonce, TP_SAMPLE, 1, "{}");
	assert_true(peer_closed(f, fd));
	assert_int_equal(collector_stats(f->c)->samples, 0);
	close(fd);
}

static void sample_json(char *buf, size_t len, double t)
{
	snprintf(buf, len, "{\"target\":\"api\",\"t\":%.3f,\"pid\":1,\"m\":{\"rss_bytes\":1000}}",
		 t);
}

static void good_agent_gets_config_acks_and_dedup(void **state)
{
	struct fixture *f = *state;
	uint8_t nonce[TP_NONCE_LEN];
	struct tp_frame fr;
	char js[256];
	int fd = handshake(f, nonce);
	static const uint64_t seqs[] = {1, 2, 2, 5, 3, 6};

	send_frame(f, fd, &f->key, nonce, TP_HELLO, 0,
		   "{\"agent\":\"a1\",\"boot\":\"b1\",\"dropped\":2}");
	expect_frame(f, fd, nonce, TP_CONFIG, &fr);
	assert_non_null(memmem(fr.payload, fr.len, "\"name\":\"api\"", 12));
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		sample_json(js, sizeof(js), 1e9 + (double)seqs[i]);
		send_frame(f, fd, &f->key, nonce, TP_SAMPLE, seqs[i], js);
	}
	/* a malformed JSON payload in an authenticated frame is dropped, not fatal */
	send_frame(f, fd, &f->key, nonce, TP_EVENT, 0, "{not json");
	sample_json(js, sizeof(js), 1e9 + 7);
	send_frame(f, fd, &f->key, nonce, TP_SAMPLE, 7, js);
	do
		expect_frame(f, fd, nonce, TP_ACK, &fr);
	while (fr.seq < 7);
	assert_int_equal(fr.seq, 7);
	const struct collector_stats *st = collector_stats(f->c);

	assert_int_equal(st->samples, 5);    /* 1 2 5 6 7 */
	assert_int_equal(st->duplicates, 2); /* 2 again, and 3 after 5 */
	assert_int_equal(st->lost, 2);	     /* 3 and 4 skipped */
	assert_true(st->rejected_malformed >= 1);
	close(fd);
}

static void report_lists_the_target_and_counters(void **state)
{
	struct fixture *f = *state;
	json_t *r = report_new();
	char err[256] = "";

	assert_int_equal(collector_judge_phase(f->c, "map-phase", 1e9, 1e9 + 10), 0);
	assert_int_equal(collector_report_targets(f->c, r), 0);
	if (report_validate(r, err, sizeof(err)) != 0)
		fail_msg("report.json contract: %s", err);
	json_t *phase = json_array_get(
		json_object_get(json_array_get(json_object_get(r, "targets"), 0), "phases"), 0);

	assert_string_equal(json_string_value(json_object_get(phase, "name")), "map-phase");
	/* five samples are not enough to judge a phase */
	assert_string_equal(json_string_value(json_object_get(phase, "verdict")), "insufficient");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r, "targets"), 0), "name")),
			    "api");
	assert_non_null(json_object_get(json_object_get(r, "telemetry"), "rejected_auth"));
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(garbage_closes_the_connection_and_is_counted),
		cmocka_unit_test(wrong_key_is_rejected_as_unauthenticated),
		cmocka_unit_test(oversized_frame_is_rejected_from_its_header),
		cmocka_unit_test(samples_before_hello_are_refused),
		cmocka_unit_test(good_agent_gets_config_acks_and_dedup),
		cmocka_unit_test(report_lists_the_target_and_counters),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
