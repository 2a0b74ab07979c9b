/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Agent protocol, version 2: types only (see docs/agent-protocol.md).
 *
 * A frame on the wire (all integers big-endian):
 *   magic "DR" | version u8 | type u8 | payload length u32 | seq u64 |
 *   payload | HMAC-SHA256 tag (32 bytes)
 * The tag covers header(16) || payload under a 32-byte frame key: the
 * direction's session key for every frame after the handshake (session.h).
 * seq counts the frames of one direction of one connection: 0 for the
 * handshake frame, then 1, 2, 3... with no gap and no repeat.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define TP_VERSION 2
#define TP_HEADER_LEN 16
#define TP_TAG_LEN 32
#define TP_NONCE_LEN 16
#define TP_KEY_LEN 32
#define TP_MAX_PAYLOAD (64u * 1024u)
#define TP_MAX_FRAME (TP_HEADER_LEN + TP_MAX_PAYLOAD + TP_TAG_LEN)
#define TP_MAX_HELLO 1024u /* parsed before it is authenticated: keep it small */
#define TP_MIN_KEY_LEN 16
#define TP_MAX_KEY_LEN 256
#define TP_MAX_ID_LEN 64
#define TP_BOOT_HEX_LEN 32

enum tp_type {
	TP_CHALLENGE = 1,     /* collector -> agent: 16-byte collector nonce (unauthenticated) */
	TP_HELLO = 2,	      /* agent -> collector: JSON identity and agent nonce */
	TP_CONFIG = 3,	      /* collector -> agent: JSON targets to watch */
	TP_SAMPLE = 4,	      /* agent -> collector: JSON sample, "n" = sample number */
	TP_ACK = 5,	      /* collector -> agent: JSON {"upto": highest sample received} */
	TP_PROFILE_REQ = 6,   /* collector -> agent: JSON {target, tag, grant, flags} */
	TP_PROFILE_CHUNK = 7, /* agent -> collector: u16 meta length, JSON meta, bytes */
	TP_EVENT = 8,	      /* agent -> collector: JSON {target, event, ...} */
	TP_TYPE_MAX = TP_EVENT,
};

/* Secret bytes as read from a key file (the master key). */
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
