/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the agent protocol decoder. The first byte picks a
 * mode: raw bytes as a stream of frames (what an unauthenticated peer can
 * send), or the rest wrapped in a correctly tagged frame of a chosen type so
 * the fuzzer reaches what the collector does with authenticated payloads
 * (JSON parsing, profile chunk splitting).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static const uint8_t key[TP_KEY_LEN] = {7};

static void decode_stream(const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		struct tp_frame f;
		ssize_t rc = tp_decode(buf + off, len - off, key, &f);

		if (rc <= 0)
			return;
		off += (size_t)rc;
	}
}

static void handle_payload(enum tp_type type, const uint8_t *p, size_t len)
{
	const char *meta;
	const uint8_t *data;
	size_t ml, dl;
	json_t *j;

	if (type == TP_PROFILE_CHUNK) {
		if (tp_chunk_split(p, len, &meta, &ml, &data, &dl) == 0) {
			j = json_loadb(meta, ml, 0, NULL);
			json_decref(j);
		}
		return;
	}
	j = json_loadb((const char *)p, len, 0, NULL);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[TP_MAX_FRAME];
	struct tp_frame f;
	uint8_t *copy;
	ssize_t n;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		/* exact-size copy so an overread is caught */
		copy = malloc(size - 1 ? size - 1 : 1);
		memcpy(copy, data + 1, size - 1);
		decode_stream(copy, size - 1);
		free(copy);
		return 0;
	}
	n = tp_encode(frame, sizeof(frame), (enum tp_type)(1 + (data[0] >> 1) % TP_TYPE_MAX), size,
		      data + 1, size - 1, key);
	if (n > 0 && tp_decode(frame, (size_t)n, key, &f) == n)
		handle_payload(f.type, f.payload, f.len);
	return 0;
}
