/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the collector's side of the v2 handshake: what a
 * peer that has not authenticated can make it do. The first byte picks a
 * mode: the rest as raw bytes on a fresh unauthenticated connection (framing,
 * the HELLO parsed before its tag is checked, id and nonce validation, key
 * derivation), or the rest as a HELLO payload tagged correctly for the id it
 * names, so the fuzzer also reaches binding an agent and sending its CONFIG.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector-priv.h"
#include "proto.h"
#include "session.h"

static struct collector *c;
static int peer;

static void setup(void)
{
	static char dir[4096];
	static struct telemetry_config cfg;
	static struct telemetry_target target = {.name = "api", .agent = "a1", .pid = 1};
	struct collector_options opts = {.outdir = dir, .log = fopen("/dev/null", "we")};
	struct tp_key key;

	snprintf(dir, sizeof(dir), "%s/drench-fuzz-hello-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	telemetry_detector_defaults(&cfg.detector);
	cfg.listen = "127.0.0.1:0";
	cfg.interval_us = 1000000;
	cfg.targets = &target;
	cfg.n_targets = 1;
	tp_key_set(&key, "fuzz-hello-master-key", 21);
	c = collector_create(&cfg, &key, &opts);
	if (c == NULL)
		abort();
	fclose(c->samples_out);
	c->samples_out = fopen("/dev/null", "we");
}

static void open_conn(void)
{
	struct conn *k = &c->conns[0];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	k->fd = sv[0];
	peer = sv[1];
	k->agent = -1;
	k->rx = malloc(TP_MAX_FRAME);
	k->tx = malloc(COLLECTOR_TX_CAP);
	memset(k->nonce, 0x5a, sizeof(k->nonce));
	strcpy(k->peer, "fuzz");
}

static void close_conn(void)
{
	char sink[65536];

	while (read(peer, sink, sizeof(sink)) > 0)
		;
	close(peer);
	if (c->conns[0].fd >= 0)
		collector_conn_close(c, 0, "fuzz input done");
}

/* What conn_consume does before a connection has authenticated. */
static void raw(const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len && c->conns[0].agent < 0) {
		struct tp_frame f;
		ssize_t rc = tp_peek(buf + off, len - off, &f);

		if (rc <= 0 || collector_hello(c, 0, buf + off, &f) < 0)
			return;
		off += (size_t)rc;
	}
}

static void tagged(const uint8_t *payload, size_t len)
{
	static uint8_t frame[TP_MAX_FRAME];
	uint8_t key[TP_KEY_LEN], hkey[TP_KEY_LEN];
	json_t *msg = json_loadb((const char *)payload, len, 0, NULL);
	const char *id = json_string_value(json_object_get(msg, "agent"));
	ssize_t n;

	if (id == NULL || tp_agent_key(c->master, id, key) < 0) {
		json_decref(msg);
		raw(payload, len);
		return;
	}
	json_decref(msg);
	tp_hello_key(key, c->conns[0].nonce, hkey);
	n = tp_encode(frame, sizeof(frame), TP_HELLO, 0, payload, len, hkey);
	if (n > 0)
		raw(frame, (size_t)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (c == NULL)
		setup();
	if (size == 0)
		return 0;
	open_conn();
	/* exact-size copy so an overread is caught */
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 1)
		raw(copy, size - 1);
	else
		tagged(copy, size - 1);
	free(copy);
	close_conn();
	return 0;
}
