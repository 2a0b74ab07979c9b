/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Agent protocol, version 1: types only (see docs/agent-protocol.md).
 *
 * A frame on the wire (all integers big-endian):
 *   magic "DR" | version u8 | type u8 | payload length u32 | seq u64 |
 *   payload | HMAC-SHA256 tag (32 bytes)
 * The tag covers nonce(16) || header(16) || payload, where the nonce is the
 * one the collector sent in its CHALLENGE for this connection.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define TP_VERSION 1
#define TP_HEADER_LEN 16
#define TP_TAG_LEN 32
#define TP_NONCE_LEN 16
#define TP_MAX_PAYLOAD (64u * 1024u)
#define TP_MAX_FRAME (TP_HEADER_LEN + TP_MAX_PAYLOAD + TP_TAG_LEN)
#define TP_MIN_KEY_LEN 16
#define TP_MAX_KEY_LEN 256

enum tp_type {
	TP_CHALLENGE = 1,     /* collector -> agent: 16-byte nonce */
	TP_HELLO = 2,	      /* agent -> collector: JSON identity */
	TP_CONFIG = 3,	      /* collector -> agent: JSON targets to watch */
	TP_SAMPLE = 4,	      /* agent -> collector: JSON sample, seq = sample number */
	TP_ACK = 5,	      /* collector -> agent: seq = highest contiguous sample */
	TP_PROFILE_REQ = 6,   /* collector -> agent: JSON {target, tag} */
	TP_PROFILE_CHUNK = 7, /* agent -> collector: u16 meta length, JSON meta, bytes */
	TP_EVENT = 8,	      /* agent -> collector: JSON {target, event, ...} */
	TP_TYPE_MAX = TP_EVENT,
};

/* Pre-shared key, as read from the key file. */
struct tp_key {
	uint8_t bytes[TP_MAX_KEY_LEN];
	size_t len;
};

/* A decoded frame; payload points into the caller's buffer. */
struct tp_frame {
	enum tp_type type;
	uint64_t seq;
	const uint8_t *payload;
	uint32_t len;
};
