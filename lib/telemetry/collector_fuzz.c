/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for what the collector does with authenticated frames
 * (HELLO, SAMPLE, PROFILE_CHUNK, EVENT and the types an agent must not
 * send): an authenticated agent is still untrusted input. The input is a
 * list of records: type (1 byte), seq (1 byte, unused: the session layer
 * checks it before these handlers run), length (2 bytes), payload (samples
 * and events number themselves with "n"). Each input starts a fresh session of
 * agent "a1" on a socketpair; the collector and its detectors live across
 * inputs, as they do across a long run.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector-priv.h"
#include "proto.h"

static struct collector *c;
static int peer;

static void setup(void)
{
	static char dir[4096];
	static struct telemetry_config cfg;
	static struct telemetry_target target = {
		.name = "api",
		.agent = "a1",
		.pid = 1,
		.pprof_url = "http://127.0.0.1:1/debug/pprof",
		.requests_metric = "reqs",
	};
	struct collector_options opts = {.outdir = dir, .log = fopen("/dev/null", "we")};
	struct tp_key key;

	/* profile chunks land here: run-fuzzers.sh points TMPDIR at its work dir */
	snprintf(dir, sizeof(dir), "%s/drench-fuzz-collector-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	telemetry_detector_defaults(&cfg.detector);
	cfg.detector.warmup_s = 1;
	cfg.detector.min_window_s = 2;
	cfg.detector.floor_window_s = 0.5;
	cfg.listen = "127.0.0.1:0";
	cfg.interval_us = 1000000;
	cfg.profiles = true;
	cfg.targets = &target;
	cfg.n_targets = 1;
	tp_key_set(&key, "fuzz-collector-key-0123", 23);
	c = collector_create(&cfg, &key, &opts);
	if (c == NULL)
		abort();
	fclose(c->samples_out);
	c->samples_out = fopen("/dev/null", "we");
}

/* A connection in slot 0 that has said HELLO as agent a1. */
static void open_session(void)
{
	static const char hello[] = "{\"agent\":\"a1\",\"dropped\":0}";
	static const char boot[] = "0123456789abcdef0123456789abcdef";
	json_t *msg = json_loads(hello, 0, NULL);
	struct conn *k = &c->conns[0];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	k->fd = sv[0];
	peer = sv[1];
	k->agent = -1;
	k->rx = malloc(TP_MAX_FRAME);
	k->tx = malloc(COLLECTOR_TX_CAP);
	strcpy(k->peer, "fuzz");
	collector_bind_agent(c, 0, "a1", boot, msg);
	json_decref(msg);
}

static void close_session(void)
{
	char sink[65536];

	while (read(peer, sink, sizeof(sink)) > 0)
		;
	close(peer);
	if (c->conns[0].fd >= 0)
		collector_conn_close(c, 0, "fuzz input done");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (c == NULL)
		setup();
	open_session();
	while (off + 4 <= size && c->conns[0].fd >= 0 && !c->conns[0].closing) {
		size_t len = (size_t)data[off + 2] << 8 | data[off + 3];
		struct tp_frame f = {
			.type = (enum tp_type)(1 + data[off] % TP_TYPE_MAX),
			.seq = data[off + 1],
		};
		uint8_t *payload;

		off += 4;
		if (len > size - off)
			len = size - off;
		payload = malloc(len ? len : 1); /* exact size: overreads are caught */
		memcpy(payload, data + off, len);
		f.payload = payload;
		f.len = (uint32_t)len;
		collector_handle_frame(c, 0, &f);
		free(payload);
		off += len;
	}
	collector_send_acks(c);
	collector_evaluate(c);
	close_session();
	return 0;
}
