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
#include <sodium.h>
/* clang-format on */

#include "section-telemetry.h"
#include "report.h"
#include "collector.h"
#include "proto.h"
#include "session.h"

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
	config_telemetry_init(&f.cfg);
	f.cfg.listen = "127.0.0.1:0";
	f.cfg.interval_us = 100000;
	f.target = (struct telemetry_target){.name = "api",
					     .agent = "a1",
					     .pid = getpid(),
					     .pprof_url = "http://127.0.0.1:1/debug/pprof"};
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

/* A hand-made v2 agent: its key, the connection's nonces and session. */
struct peer {
	int fd;
	const char *id;
	char boot[TP_BOOT_HEX_LEN + 1];
	uint8_t key[TP_KEY_LEN];
	uint8_t nc[TP_NONCE_LEN], na[TP_NONCE_LEN];
	struct tp_session s;
	uint8_t buf[TP_MAX_FRAME * 2];
	size_t len;
	uint8_t hello[2048]; /* the HELLO frame as sent, for replays */
	size_t hello_len;
	bool encrypt; /* ask for it in HELLO */
};

static void peer_key(struct fixture *f, const char *id, uint8_t key[TP_KEY_LEN])
{
	uint8_t master[TP_KEY_LEN];

	tp_master_key(&f->key, master);
	assert_int_equal(tp_agent_key(master, id, key), 0);
}

/* Read frames until one of type want arrives (any key: decode with dkey). */
static void expect_frame(struct fixture *f, struct peer *p, enum tp_type want, struct tp_frame *out)
{
	for (int tries = 0; tries < 200; tries++) {
		struct tp_frame fr;
		ssize_t rc;

		while ((rc = want == TP_CHALLENGE
				     ? tp_decode(p->buf, p->len, tp_challenge_key, &fr)
				     : tp_session_decode(&p->s, p->buf, p->len, &fr)) > 0) {
			bool hit = fr.type == want;
			static uint8_t keep[TP_MAX_FRAME];

			memcpy(keep, fr.payload, fr.len);
			fr.payload = keep;
			*out = fr;
			memmove(p->buf, p->buf + rc, p->len - (size_t)rc);
			p->len -= (size_t)rc;
			if (hit)
				return;
		}
		assert_true(rc >= 0);
		pump(f, 1);
		ssize_t n = recv(p->fd, p->buf + p->len, sizeof(p->buf) - p->len, MSG_DONTWAIT);

		if (n > 0)
			p->len += (size_t)n;
	}
	fail_msg("no %s frame", tp_type_name(want));
}

/* Connect and take the challenge. */
static void peer_open(struct fixture *f, struct peer *p, const char *id)
{
	struct tp_frame fr;

	memset(p, 0, sizeof(*p));
	p->id = id;
	memset(p->boot, 'b', TP_BOOT_HEX_LEN);
	peer_key(f, id, p->key);
	p->fd = dial(f);
	expect_frame(f, p, TP_CHALLENGE, &fr);
	assert_int_equal(fr.len, TP_NONCE_LEN);
	memcpy(p->nc, fr.payload, TP_NONCE_LEN);
}

static void send_raw(struct fixture *f, int fd, const uint8_t *buf, size_t n)
{
	assert_int_equal(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
	pump(f, 3);
}

/* HELLO tagged under key (the peer's own, or another agent's). */
static void peer_hello_with(struct fixture *f, struct peer *p, const uint8_t key[TP_KEY_LEN])
{
	char js[512], na_hex[2 * TP_NONCE_LEN + 1];
	uint8_t hkey[TP_KEY_LEN];
	ssize_t n;

	for (int i = 0; i < TP_NONCE_LEN; i++)
		p->na[i] = (uint8_t)rand();
	sodium_bin2hex(na_hex, sizeof(na_hex), p->na, sizeof(p->na));
	snprintf(js, sizeof(js),
		 "{\"agent\":\"%s\",\"boot\":\"%s\",\"nonce\":\"%s\",\"dropped\":2%s}", p->id,
		 p->boot, na_hex, p->encrypt ? ",\"encrypt\":true" : "");
	tp_hello_key(key, p->nc, hkey);
	n = tp_encode(p->hello, sizeof(p->hello), TP_HELLO, 0, js, strlen(js), hkey);
	assert_true(n > 0);
	p->hello_len = (size_t)n;
	tp_session_init(&p->s, TP_ROLE_AGENT, p->key, p->nc, p->na, p->id, p->boot);
	if (p->encrypt)
		tp_session_encrypt(&p->s);
	send_raw(f, p->fd, p->hello, p->hello_len);
}

static void peer_hello(struct fixture *f, struct peer *p)
{
	struct tp_frame fr;

	peer_hello_with(f, p, p->key);
	expect_frame(f, p, TP_CONFIG, &fr);
}

/* A session frame; its bytes stay in out (when given) for replays. */
static void peer_send(struct fixture *f, struct peer *p, enum tp_type type, const char *json,
		      uint8_t *out, size_t *out_len)
{
	uint8_t buf[4096];
	ssize_t n = tp_session_encode(&p->s, buf, sizeof(buf), type, json, strlen(json));

	assert_true(n > 0);
	if (out) {
		memcpy(out, buf, (size_t)n);
		*out_len = (size_t)n;
	}
	send_raw(f, p->fd, buf, (size_t)n);
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

static void sample_json(char *buf, size_t len, uint64_t n, double t)
{
	snprintf(buf, len,
		 "{\"target\":\"api\",\"n\":%llu,\"t\":%.3f,\"pid\":1,\"m\":{\"rss_bytes\":1000}}",
		 (unsigned long long)n, t);
}

static uint64_t ack_upto(struct fixture *f, struct peer *p)
{
	struct tp_frame fr;
	json_t *o;
	uint64_t upto;

	expect_frame(f, p, TP_ACK, &fr);
	o = json_loadb((const char *)fr.payload, fr.len, 0, NULL);
	upto = (uint64_t)json_integer_value(json_object_get(o, "upto"));
	json_decref(o);
	return upto;
}

static void garbage_closes_the_connection_and_is_counted(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	uint64_t before = collector_stats(f->c)->rejected_malformed;

	peer_open(f, &p, "a1");
	send_raw(f, p.fd, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18);
	assert_true(peer_closed(f, p.fd));
	assert_int_equal(collector_stats(f->c)->rejected_malformed, before + 1);
	close(p.fd);
}

static void oversized_frame_is_rejected_from_its_header(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	uint8_t header[TP_HEADER_LEN] = {'D', 'R', TP_VERSION, TP_SAMPLE, 0x7f, 0xff, 0xff, 0xff};

	peer_open(f, &p, "a1");
	send_raw(f, p.fd, header, sizeof(header));
	assert_true(peer_closed(f, p.fd));
	assert_int_equal(collector_stats(f->c)->rejected_oversize, 1);
	close(p.fd);
}

static void frames_before_hello_are_refused(void **state)
{
	struct fixture *f = *state;
	struct peer p;

	peer_open(f, &p, "a1");
	tp_session_init(&p.s, TP_ROLE_AGENT, p.key, p.nc, p.na, p.id, p.boot);
	peer_send(f, &p, TP_SAMPLE, "{}", NULL, NULL);
	assert_true(peer_closed(f, p.fd));
	assert_int_equal(collector_stats(f->c)->samples, 0);
	close(p.fd);
}

static void good_agent_gets_config_acks_and_dedup(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	char js[256];
	static const uint64_t seqs[] = {1, 2, 2, 5, 3, 6};
	uint64_t upto;

	peer_open(f, &p, "a1");
	peer_hello(f, &p);
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		sample_json(js, sizeof(js), seqs[i], 1e9 + (double)seqs[i]);
		peer_send(f, &p, TP_SAMPLE, js, NULL, NULL);
	}
	/* a malformed JSON payload in an authenticated frame is dropped, not fatal */
	peer_send(f, &p, TP_EVENT, "{not json", NULL, NULL);
	sample_json(js, sizeof(js), 7, 1e9 + 7);
	peer_send(f, &p, TP_SAMPLE, js, NULL, NULL);
	do
		upto = ack_upto(f, &p);
	while (upto < 7);
	assert_int_equal(upto, 7);
	const struct collector_stats *st = collector_stats(f->c);

	assert_int_equal(st->samples, 5);    /* 1 2 5 6 7 */
	assert_int_equal(st->duplicates, 2); /* 2 again, and 3 after 5 */
	assert_int_equal(st->lost, 2);	     /* 3 and 4 skipped */
	assert_true(st->rejected_malformed >= 1);
	close(p.fd);
}

/* A host holding agent a2's key says HELLO as a1: refused, and a1's live
 * connection keeps working (v1 closed it and reset its sequence state). */
static void another_agents_key_cannot_impersonate(void **state)
{
	struct fixture *f = *state;
	struct peer real, thief;
	uint8_t a2_key[TP_KEY_LEN];
	char js[256];
	uint64_t auth_before = collector_stats(f->c)->rejected_auth;

	peer_open(f, &real, "a1");
	memset(real.boot, 'c', TP_BOOT_HEX_LEN);
	peer_hello(f, &real);
	sample_json(js, sizeof(js), 1, 1e9 + 100);
	peer_send(f, &real, TP_SAMPLE, js, NULL, NULL);
	assert_int_equal(ack_upto(f, &real), 1);
	peer_key(f, "a2", a2_key);
	peer_open(f, &thief, "a1");
	peer_hello_with(f, &thief, a2_key);
	assert_true(peer_closed(f, thief.fd));
	assert_int_equal(collector_stats(f->c)->rejected_auth, auth_before + 1);
	sample_json(js, sizeof(js), 2, 1e9 + 101);
	peer_send(f, &real, TP_SAMPLE, js, NULL, NULL);
	assert_int_equal(ack_upto(f, &real), 2);
	close(thief.fd);
	close(real.fd);
}

/* A recorded HELLO replayed on a new connection meets a new collector
 * nonce; a recorded frame replayed inside its own session repeats a seq. */
static void recorded_frames_do_not_replay(void **state)
{
	struct fixture *f = *state;
	struct peer p, replay;
	uint8_t rec[4096];
	size_t rec_len;
	char js[256];
	uint64_t auth_before = collector_stats(f->c)->rejected_auth;

	peer_open(f, &p, "a1");
	memset(p.boot, 'd', TP_BOOT_HEX_LEN);
	peer_hello(f, &p);
	sample_json(js, sizeof(js), 1, 1e9 + 200);
	peer_send(f, &p, TP_SAMPLE, js, rec, &rec_len);
	assert_int_equal(ack_upto(f, &p), 1);

	peer_open(f, &replay, "a1");
	send_raw(f, replay.fd, p.hello, p.hello_len);
	assert_true(peer_closed(f, replay.fd));
	assert_int_equal(collector_stats(f->c)->rejected_auth, auth_before + 1);
	close(replay.fd);

	send_raw(f, p.fd, rec, rec_len); /* same seq again */
	assert_true(peer_closed(f, p.fd));
	assert_int_equal(collector_stats(f->c)->rejected_replay, 1);
	close(p.fd);
}

/* A frame dropped by someone on the path leaves a gap in the sequence. */
static void a_dropped_frame_is_detected(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	uint8_t lost[4096];
	size_t lost_len;
	char js[256];
	uint64_t before = collector_stats(f->c)->rejected_replay;

	peer_open(f, &p, "a1");
	memset(p.boot, 'e', TP_BOOT_HEX_LEN);
	peer_hello(f, &p);
	/* encoded (seq 1) but never delivered */
	assert_true(tp_session_encode(&p.s, lost, sizeof(lost), TP_EVENT, "{}", 2) > 0);
	(void)lost_len;
	sample_json(js, sizeof(js), 1, 1e9 + 300);
	peer_send(f, &p, TP_SAMPLE, js, NULL, NULL);
	assert_true(peer_closed(f, p.fd));
	assert_int_equal(collector_stats(f->c)->rejected_replay, before + 1);
	close(p.fd);
}

static int dial_from(struct fixture *f, const char *src)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(collector_port(f->c))};
	struct sockaddr_in local = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	inet_pton(AF_INET, src, &local.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&local, sizeof(local)), 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	return fd;
}

/* 64 idle sockets from one address (v1: 32 of them locked every agent out):
 * they evict each other, and an agent from another address still gets in. */
static void an_idle_socket_flood_cannot_lock_agents_out(void **state)
{
	struct fixture *f = *state;
	int flood[64];
	struct peer p;
	char js[256];
	uint64_t before = collector_stats(f->c)->rejected_conns;

	for (int i = 0; i < 64; i++) {
		flood[i] = dial_from(f, "127.0.0.2");
		pump(f, 1);
	}
	/* a loaded machine may take many rounds to accept them all */
	for (int i = 0; i < 400 && collector_stats(f->c)->rejected_conns < before + 64 - 8; i++)
		pump(f, 1);
	assert_true(collector_stats(f->c)->rejected_conns >= before + 64 - 8);
	peer_open(f, &p, "a1");
	memset(p.boot, 'f', TP_BOOT_HEX_LEN);
	peer_hello(f, &p);
	sample_json(js, sizeof(js), 1, 1e9 + 400);
	peer_send(f, &p, TP_SAMPLE, js, NULL, NULL);
	assert_int_equal(ack_upto(f, &p), 1);
	for (int i = 0; i < 64; i++)
		close(flood[i]);
	close(p.fd);
}

/* v1 cast t: 1e300 and dropped: 1e300 to integers (undefined), and one
 * sample from the future pinned the evaluation clock. */
static void absurd_sample_values_are_refused_and_counted(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	static const char *const bad[] = {
		"{\"target\":\"api\",\"n\":1,\"t\":1e300,\"m\":{\"rss_bytes\":1}}",
		"{\"target\":\"api\",\"n\":2,\"t\":1e9,\"dropped\":1e300,\"m\":{\"rss_bytes\":1}}",
		"{\"target\":\"api\",\"n\":3,\"t\":4e9,\"m\":{\"rss_bytes\":1}}",
		"{\"target\":\"api\",\"n\":4,\"t\":1e9,\"m\":{\"rss_bytes\":1e300}}",
		"{\"target\":\"api\",\"n\":5,\"t\":1e9,\"pid\":-4,\"m\":{\"rss_bytes\":1}}",
	};
	uint64_t samples = collector_stats(f->c)->samples;

	peer_open(f, &p, "a1");
	memset(p.boot, '0', TP_BOOT_HEX_LEN);
	peer_hello(f, &p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		peer_send(f, &p, TP_SAMPLE, bad[i], NULL, NULL);
	while (ack_upto(f, &p) < 5)
		;
	assert_int_equal(collector_stats(f->c)->rejected_values, 5);
	assert_int_equal(collector_stats(f->c)->samples, samples);
	close(p.fd);
}

/* An HELLO for an id with a bad name is malformed, not a crash or a log
 * line with control characters. */
static void hello_with_a_bad_id_is_refused(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	uint64_t before = collector_stats(f->c)->rejected_malformed;
	static const char js[] =
		"{\"agent\":\"a\\u001b[2J\",\"boot\":\"00000000000000000000000000000000\","
		"\"nonce\":\"00000000000000000000000000000000\"}";
	uint8_t buf[512];
	ssize_t n;

	peer_open(f, &p, "a1");
	n = tp_encode(buf, sizeof(buf), TP_HELLO, 0, js, strlen(js), p.key);
	send_raw(f, p.fd, buf, (size_t)n);
	assert_true(peer_closed(f, p.fd));
	assert_int_equal(collector_stats(f->c)->rejected_malformed, before + 1);
	close(p.fd);
}

/* A PROFILE_CHUNK payload: u16 meta length, meta, data. */
static void send_chunk(struct fixture *f, struct peer *p, const char *file, long grant,
		       const char *data, const char *sha)
{
	char meta[512], payload[1024];
	uint8_t buf[2048];
	unsigned char digest[32];
	char hex[65];
	size_t m, d = strlen(data);
	ssize_t n;

	crypto_hash_sha256(digest, (const unsigned char *)data, d);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	m = (size_t)snprintf(meta, sizeof(meta),
			     "{\"target\":\"api\",\"file\":\"%s\",\"grant\":%ld,\"offset\":0,"
			     "\"size\":%zu,\"last\":true,\"sha256\":\"%s\"}",
			     file, grant, d, sha ? sha : hex);
	payload[0] = (char)(m >> 8);
	payload[1] = (char)m;
	memcpy(payload + 2, meta, m);
	memcpy(payload + 2 + m, data, d);
	n = tp_session_encode(&p->s, buf, sizeof(buf), TP_PROFILE_CHUNK, payload, 2 + m + d);
	assert_true(n > 0);
	send_raw(f, p->fd, buf, (size_t)n);
}

static long expect_grant(struct fixture *f, struct peer *p)
{
	struct tp_frame fr;
	json_t *o;
	long g;

	expect_frame(f, p, TP_PROFILE_REQ, &fr);
	o = json_loadb((const char *)fr.payload, fr.len, 0, NULL);
	g = (long)json_integer_value(json_object_get(o, "grant"));
	assert_true(json_is_integer(json_object_get(o, "flags")));
	json_decref(o);
	assert_true(g > 0);
	return g;
}

static void read_file(const char *dir, const char *name, char *out, size_t cap)
{
	char path[256];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/profiles/%s", dir, name);
	fp = fopen(path, "r");
	out[0] = '\0';
	if (fp == NULL)
		return;
	n = fread(out, 1, cap - 1, fp);
	out[n] = '\0';
	fclose(fp);
}

/* v1 let any agent O_TRUNC or unlink any file in profiles/, and write
 * unverified files without limit. Now: only under a grant, only files the
 * grant created, a failed hash removes only that file and asks again. */
static void profile_chunks_need_a_grant_and_never_overwrite(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	char js[256], path[256], got[64];
	long g, g2;
	uint64_t profiles = collector_stats(f->c)->profiles;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/profiles/planted.pb.gz", f->dir);
	fp = fopen(path, "w");
	fputs("keep", fp);
	fclose(fp);
	peer_open(f, &p, "a1");
	memset(p.boot, '1', TP_BOOT_HEX_LEN);
	peer_hello(f, &p);
	sample_json(js, sizeof(js), 1, 1e9 + 5000); /* past the warm-up: baseline asked */
	peer_send(f, &p, TP_SAMPLE, js, NULL, NULL);
	g = expect_grant(f, &p);

	send_chunk(f, &p, "planted.pb.gz", g, "evil", NULL);
	read_file(f->dir, "planted.pb.gz", got, sizeof(got));
	assert_string_equal(got, "keep");
	send_chunk(f, &p, "other.pb.gz", g + 1000, "evil", NULL); /* never granted */
	read_file(f->dir, "other.pb.gz", got, sizeof(got));
	assert_string_equal(got, "");

	send_chunk(f, &p, "heap-1.pb.gz", g, "bytes", "00");
	read_file(f->dir, "heap-1.pb.gz", got, sizeof(got));
	assert_string_equal(got, ""); /* removed */
	g2 = expect_grant(f, &p);     /* and asked for again */
	assert_true(g2 > g);
	send_chunk(f, &p, "heap-2.pb.gz", g2, "bytes", NULL);
	read_file(f->dir, "heap-2.pb.gz", got, sizeof(got));
	assert_string_equal(got, "bytes");
	assert_int_equal(collector_stats(f->c)->profiles, profiles + 1);
	/* sent again (its ACK lost with a connection): confirmed, not rejected */
	uint64_t malformed = collector_stats(f->c)->rejected_malformed;

	send_chunk(f, &p, "heap-2.pb.gz", g2, "bytes", NULL);
	assert_int_equal(collector_stats(f->c)->rejected_malformed, malformed);
	assert_int_equal(collector_stats(f->c)->profiles, profiles + 1);
	assert_true(p.fd >= 0 && !peer_closed(f, p.fd));
	close(p.fd);
}

/* An agent that asks for encryption from a campaign without it is told so
 * (closed), not left reading frames it cannot decrypt. */
static void encryption_must_match_the_campaign(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	uint64_t before = collector_stats(f->c)->rejected_malformed;

	peer_open(f, &p, "a1");
	p.encrypt = true;
	peer_hello_with(f, &p, p.key);
	assert_true(peer_closed(f, p.fd));
	assert_int_equal(collector_stats(f->c)->rejected_malformed, before + 1);
	close(p.fd);
}

static void an_encrypted_link_carries_samples_and_acks(void **state)
{
	struct fixture *f = *state;
	struct peer p;
	char js[256];
	uint64_t samples = collector_stats(f->c)->samples;

	f->cfg.encrypt = true;
	peer_open(f, &p, "a1");
	memset(p.boot, '2', TP_BOOT_HEX_LEN);
	p.encrypt = true;
	peer_hello(f, &p); /* CONFIG decrypts under the c2a key */
	sample_json(js, sizeof(js), 1, 1e9 + 600);
	peer_send(f, &p, TP_SAMPLE, js, NULL, NULL);
	assert_int_equal(ack_upto(f, &p), 1);
	assert_int_equal(collector_stats(f->c)->samples, samples + 1);
	f->cfg.encrypt = false;
	close(p.fd);
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

/* A collector of its own for one target, its agent connected (the
 * fixture's collector watches another). */
static void one_target_connected(struct fixture *g, struct telemetry_target *tgt, struct peer *p)
{
	struct collector_options opts = {.outdir = g->dir, .log = stderr};

	g->cfg.targets = tgt;
	g->cfg.listen = "127.0.0.1:0";
	g->c = collector_create(&g->cfg, &g->key, &opts);
	assert_non_null(g->c);
	peer_open(g, p, tgt->agent);
	peer_hello(g, p);
}

/* A Go target's samples: next_gc gives one live-heap point per new
 * last_gc_time; a pinned goal gives none; a judge: name never sampled is
 * reported; insufficient fails the gate unless allowed. */
static void live_heap_points_and_the_gate(void **state)
{
	struct fixture *f = *state, g = *f;
	static char *judge[] = {"go_heap_live_bytes", "never_sampled"};
	struct telemetry_target tgt = {.name = "api",
				       .agent = "a2",
				       .pid = getpid(),
				       .metrics_url = "http://127.0.0.1:1/metrics",
				       .judge = judge,
				       .n_judge = 2};
	struct peer p;
	char js[512];
	json_t *r = report_new(), *t, *m = NULL;

	(void)state;
	one_target_connected(&g, &tgt, &p);
	for (int i = 1; i <= 6; i++) {
		/* GCs at samples 1, 2, 4, 6 (3 and 5 repeat the last one); the
		 * first has its goal pinned at Go's 4 MiB minimum */
		int gc = i == 1 ? 1 : i < 4 ? 2 : i < 6 ? 4 : 6;
		double next_gc = gc == 1 ? 4194304.0 : 16e6 + gc * 1e6;

		snprintf(js, sizeof(js),
			 "{\"target\":\"api\",\"n\":%d,\"t\":%.3f,\"pid\":1,\"m\":{"
			 "\"go_memstats_next_gc_bytes\":%.1f,"
			 "\"go_memstats_last_gc_time_seconds\":%.3f,\"go_goroutines\":5}}",
			 i, 1e9 + i, next_gc, 1e9 + gc - 0.5);
		peer_send(&g, &p, TP_SAMPLE, js, NULL, NULL);
	}
	collector_evaluate(g.c);
	assert_int_equal(collector_missing_judged(g.c, NULL), 1);
	assert_false(collector_gate_passes(g.c)); /* insufficient */
	g.cfg.allow_insufficient = true;
	assert_true(collector_gate_passes(g.c));
	assert_int_equal(collector_report_targets(g.c, r), 0);
	t = json_array_get(json_object_get(r, "targets"), 0);
	assert_int_equal(json_integer_value(json_object_get(t, "gcs_with_pinned_goal")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "gcs_with_live_point")), 3);
	assert_non_null(strstr(json_string_value(json_object_get(t, "live_heap_source")),
			       "GOGC=100 assumed"));
	for (size_t i = 0; i < json_array_size(json_object_get(t, "metrics")); i++) {
		json_t *x = json_array_get(json_object_get(t, "metrics"), i);

		if (!strcmp(json_string_value(json_object_get(x, "name")), "go_heap_live_bytes"))
			m = x;
	}
	assert_non_null(m);
	assert_int_equal(json_integer_value(json_object_get(m, "values")), 3);
	assert_true(json_is_true(json_object_get(m, "exact_points")));
	json_decref(r);
	close(p.fd);
	collector_destroy(g.c);
}

/* The same Go samples as live_heap_points_and_the_gate, read back from a
 * recording: the same live-heap points, no listener and no key needed; an
 * event line is skipped, and a line that is no sample is refused by number. */
static void a_recording_replays_to_the_same_points(void **state)
{
	struct fixture *f = *state, g = *f;
	struct telemetry_target tgt = {.name = "api",
				       .agent = "a2",
				       .pid = getpid(),
				       .metrics_url = "http://127.0.0.1:1/metrics"};
	struct collector_options opts = {.outdir = g.dir, .log = stderr, .replay = true};
	char rec[4096], bad_rec[] = "{\"agent\":\"a2\",\"seq\":1,\"sample\":{}}\n";
	size_t len = 0;
	unsigned long bad = 0;
	json_t *r = report_new(), *t;
	FILE *in;

	(void)state;
	g.cfg.targets = &tgt;
	g.c = collector_create(&g.cfg, NULL, &opts);
	assert_non_null(g.c);
	for (int i = 1; i <= 6; i++) {
		int gc = i == 1 ? 1 : i < 4 ? 2 : i < 6 ? 4 : 6;
		double next_gc = gc == 1 ? 4194304.0 : 16e6 + gc * 1e6;

		len += (size_t)snprintf(
			rec + len, sizeof(rec) - len,
			"{\"agent\":\"a2\",\"boot\":\"b\",\"seq\":%d,\"sample\":{\"target\":\"api\","
			"\"n\":%d,\"t\":%.3f,\"pid\":1,\"m\":{\"go_memstats_next_gc_bytes\":%.1f,"
			"\"go_memstats_last_gc_time_seconds\":%.3f,\"go_goroutines\":5}}}\n%s",
			i, i, 1e9 + i, next_gc, 1e9 + gc - 0.5,
			i == 3 ? "{\"agent\":\"a2\",\"seq\":7,\"event\":{\"kind\":\"x\"}}\n" : "");
	}
	in = fmemopen(rec, len, "r");
	assert_int_equal(collector_replay(g.c, in, &bad), 6);
	fclose(in);
	assert_int_equal(collector_report_targets(g.c, r), 0);
	t = json_array_get(json_object_get(r, "targets"), 0);
	assert_int_equal(json_integer_value(json_object_get(t, "gcs_with_live_point")), 3);
	assert_int_equal(collector_stats(g.c)->samples, 6);
	json_decref(r);
	in = fmemopen(bad_rec, strlen(bad_rec), "r");
	assert_int_equal(collector_replay(g.c, in, &bad), -EINVAL);
	assert_int_equal(bad, 1);
	fclose(in);
	collector_destroy(g.c);
}

/* A small Go heap: next_gc pinned at Go's 4 MiB minimum, so the collector
 * probes it (PROFILE_REQ without a grant, GC_PROBE set); the reading comes
 * back in a sample and becomes a live-heap point, and that sample is not a
 * checkpoint a run waits for. */
static void a_pinned_gc_goal_is_probed_and_the_reading_is_a_live_point(void **state)
{
	struct fixture *f = *state, g = *f;
	struct telemetry_target tgt = {.name = "api",
				       .agent = "a3",
				       .pid = getpid(),
				       .metrics_url = "http://127.0.0.1:1/metrics",
				       .pprof_url = "http://127.0.0.1:1/debug/pprof"};
	struct peer p;
	struct tp_frame fr;
	char js[512];
	json_t *o, *r = report_new(), *t;

	(void)state;
	one_target_connected(&g, &tgt, &p);
	snprintf(js, sizeof(js),
		 "{\"target\":\"api\",\"n\":1,\"t\":%.3f,\"pid\":1,\"m\":{"
		 "\"go_memstats_next_gc_bytes\":4194304,"
		 "\"go_memstats_last_gc_time_seconds\":%.3f,\"go_goroutines\":5}}",
		 1e9 + 1, 1e9 + 0.5);
	peer_send(&g, &p, TP_SAMPLE, js, NULL, NULL);
	expect_frame(&g, &p, TP_PROFILE_REQ, &fr);
	o = json_loadb((const char *)fr.payload, fr.len, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(o, "grant")), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "flags")),
			 TP_PROFILE_FORCED_GC | TP_PROFILE_GC_PROBE);
	assert_string_equal(json_string_value(json_object_get(o, "target")), "api");
	json_decref(o);
	snprintf(js, sizeof(js),
		 "{\"target\":\"api\",\"n\":2,\"t\":%.3f,\"pid\":1,\"checkpoint\":\"gc-probe\","
		 "\"m\":{\"go_memstats_next_gc_bytes\":4194304,"
		 "\"go_memstats_last_gc_time_seconds\":%.3f,\"go_goroutines\":5,"
		 "\"" TP_GC_PROBE_METRIC "\":1100000}}",
		 1e9 + 2, 1e9 + 1.9);
	peer_send(&g, &p, TP_SAMPLE, js, NULL, NULL);
	pump(&g, 5);
	assert_int_equal(collector_checkpoint_samples(g.c), 0);
	collector_evaluate(g.c);
	assert_int_equal(collector_report_targets(g.c, r), 0);
	t = json_array_get(json_object_get(r, "targets"), 0);
	assert_int_equal(json_integer_value(json_object_get(t, "gc_probe_points")), 1);
	assert_true(json_integer_value(json_object_get(t, "gc_probes_asked")) >= 1);
	assert_non_null(strstr(json_string_value(json_object_get(t, "live_heap_source")),
			       "GC probes"));
	json_decref(r);
	close(p.fd);
	collector_destroy(g.c);
}

/* Frames of type want the peer has received after a few polls. */
static int frames_of(struct fixture *f, struct peer *p, enum tp_type want)
{
	struct tp_frame fr;
	ssize_t rc, n;
	int hits = 0;

	pump(f, 5);
	while ((n = recv(p->fd, p->buf + p->len, sizeof(p->buf) - p->len, MSG_DONTWAIT)) > 0)
		p->len += (size_t)n;
	while ((rc = tp_session_decode(&p->s, p->buf, p->len, &fr)) > 0) {
		hits += fr.type == want;
		memmove(p->buf, p->buf + rc, p->len - (size_t)rc);
		p->len -= (size_t)rc;
	}
	return hits;
}

static void send_go_sample(struct fixture *f, struct peer *p, unsigned n, double t,
			   double last_gc)
{
	char js[512];

	snprintf(js, sizeof(js),
		 "{\"target\":\"api\",\"n\":%u,\"t\":%.3f,\"pid\":1,\"m\":{"
		 "\"go_memstats_next_gc_bytes\":41943040,"
		 "\"go_memstats_last_gc_time_seconds\":%.3f,\"go_goroutines\":5}}",
		 n, t, last_gc);
	peer_send(f, p, TP_SAMPLE, js, NULL, NULL);
}

/* A large heap whose GCs stop coming (light load, or idle after load): once
 * two probe periods of samples pass without a GC, the collector probes it,
 * as it does a pinned goal; while GCs come every second, it does not. */
static void a_heap_whose_gcs_are_rarer_than_the_probes_is_probed(void **state)
{
	struct fixture *f = *state, g = *f;
	struct telemetry_target tgt = {.name = "api",
				       .agent = "a5",
				       .pid = getpid(),
				       .metrics_url = "http://127.0.0.1:1/metrics",
				       .pprof_url = "http://127.0.0.1:1/debug/pprof"};
	struct peer p;
	struct tp_frame fr;
	json_t *o;
	unsigned n = 1;

	(void)state;
	one_target_connected(&g, &tgt, &p);
	for (; n <= 6; n++)
		send_go_sample(&g, &p, n, 1e9 + n, 1e9 + n - 0.5);
	assert_int_equal(frames_of(&g, &p, TP_PROFILE_REQ), 0);
	for (; n <= 12; n++)
		send_go_sample(&g, &p, n, 1e9 + n, 1e9 + 5.5);
	expect_frame(&g, &p, TP_PROFILE_REQ, &fr);
	o = json_loadb((const char *)fr.payload, fr.len, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(o, "flags")),
			 TP_PROFILE_FORCED_GC | TP_PROFILE_GC_PROBE);
	json_decref(o);
	close(p.fd);
	collector_destroy(g.c);
}

/* The agent's host clock steps back an hour (NTP): its samples and its
 * services' GC times are moved onto one line, so the series go on at once
 * instead of stalling for the hour. */
static void a_clock_stepped_back_does_not_stall_the_series(void **state)
{
	struct fixture *f = *state, g = *f;
	struct telemetry_target tgt = {.name = "api",
				       .agent = "a4",
				       .pid = getpid(),
				       .metrics_url = "http://127.0.0.1:1/metrics"};
	struct peer p;
	char js[512];
	json_t *r = report_new(), *t;

	(void)state;
	one_target_connected(&g, &tgt, &p);
	for (int i = 1; i <= 16; i++) {
		double ts = 1.5e9 + i - (i > 8 ? 3600 : 0);

		snprintf(js, sizeof(js),
			 "{\"target\":\"api\",\"n\":%d,\"t\":%.3f,\"pid\":1,\"m\":{"
			 "\"go_memstats_next_gc_bytes\":%.1f,"
			 "\"go_memstats_last_gc_time_seconds\":%.3f}}",
			 i, ts, 20e6 + i * 1e5, ts - 0.5);
		peer_send(&g, &p, TP_SAMPLE, js, NULL, NULL);
	}
	pump(&g, 5);
	assert_int_equal(collector_stats(g.c)->clock_steps, 1);
	assert_int_equal(collector_report_targets(g.c, r), 0);
	t = json_array_get(json_object_get(r, "targets"), 0);
	assert_int_equal(json_integer_value(json_object_get(t, "gcs_with_live_point")), 16);
	assert_true(json_real_value(json_object_get(t, "observed_s")) > 14);
	json_decref(r);
	close(p.fd);
	collector_destroy(g.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(garbage_closes_the_connection_and_is_counted),
		cmocka_unit_test(oversized_frame_is_rejected_from_its_header),
		cmocka_unit_test(frames_before_hello_are_refused),
		cmocka_unit_test(good_agent_gets_config_acks_and_dedup),
		/* first to pass the warm-up: the baseline request is its own */
		cmocka_unit_test(profile_chunks_need_a_grant_and_never_overwrite),
		cmocka_unit_test(another_agents_key_cannot_impersonate),
		cmocka_unit_test(recorded_frames_do_not_replay),
		cmocka_unit_test(a_dropped_frame_is_detected),
		cmocka_unit_test(an_idle_socket_flood_cannot_lock_agents_out),
		cmocka_unit_test(absurd_sample_values_are_refused_and_counted),
		cmocka_unit_test(hello_with_a_bad_id_is_refused),
		cmocka_unit_test(encryption_must_match_the_campaign),
		cmocka_unit_test(an_encrypted_link_carries_samples_and_acks),
		cmocka_unit_test(report_lists_the_target_and_counters),
		cmocka_unit_test(live_heap_points_and_the_gate),
		cmocka_unit_test(a_recording_replays_to_the_same_points),
		cmocka_unit_test(a_pinned_gc_goal_is_probed_and_the_reading_is_a_live_point),
		cmocka_unit_test(a_heap_whose_gcs_are_rarer_than_the_probes_is_probed),
		cmocka_unit_test(a_clock_stepped_back_does_not_stall_the_series),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
