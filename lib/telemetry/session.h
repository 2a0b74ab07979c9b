/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Agent protocol v2 keys and sessions (docs/agent-protocol.md):
 *   master key  = BLAKE2b(key file bytes)               (drench side only)
 *   agent key   = KDF(master, agent id)                 (one per agent)
 *   hello key   = BLAKE2b_agent-key("hello", collector nonce)
 *   session key = BLAKE2b_agent-key(direction, both nonces, id, boot)
 * A host holding one agent key can speak only as that agent; a frame of one
 * direction, connection or boot authenticates in no other.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "proto-t.h"

enum tp_role { TP_ROLE_AGENT, TP_ROLE_COLLECTOR };

/* One direction pair of one connection after the handshake. With encrypt,
 * payloads are ChaCha20 ciphertext under a key of their own per direction
 * (nonce: the frame's seq), then tagged as always (encrypt-then-MAC). */
struct tp_session {
	uint8_t tx_key[TP_KEY_LEN], rx_key[TP_KEY_LEN];
	uint8_t tx_enc[TP_KEY_LEN], rx_enc[TP_KEY_LEN];
	bool encrypt;
	uint64_t tx_seq; /* seq of the next frame sent */
	uint64_t rx_seq; /* seq the next frame received must carry */
};

/* CHALLENGE is sent before anyone knows who is on the other side: it is
 * tagged under this all-zero key, which authenticates nothing. */
extern const uint8_t tp_challenge_key[TP_KEY_LEN];

/** Master key from a key file's bytes (any length tp_key_load accepts). */
void tp_master_key(const struct tp_key *file, uint8_t master[TP_KEY_LEN]);

/** An agent's key from the master. 0, or -EINVAL when id is not valid. */
int tp_agent_key(const uint8_t master[TP_KEY_LEN], const char *id, uint8_t out[TP_KEY_LEN]);

/** Read an agent key file (64 hex digits, trailing whitespace ignored).
 * 0, -EINVAL or -errno. */
int tp_agent_key_load(const char *path, uint8_t out[TP_KEY_LEN]);

/** Agent ids: 1..TP_MAX_ID_LEN of [A-Za-z0-9._-], not starting with '.'
 * (safe in file names, logs and terminals). */
bool tp_id_valid(const char *id);

/** Boot ids: exactly TP_BOOT_HEX_LEN lowercase hex digits. */
bool tp_boot_valid(const char *boot);

/** The key that tags HELLO, bound to the collector's nonce. */
void tp_hello_key(const uint8_t agent_key[TP_KEY_LEN], const uint8_t nc[TP_NONCE_LEN],
		  uint8_t out[TP_KEY_LEN]);

/** Derive both directions' keys; counters start at 1 (0 was the handshake). */
void tp_session_init(struct tp_session *s, enum tp_role role, const uint8_t agent_key[TP_KEY_LEN],
		     const uint8_t nc[TP_NONCE_LEN], const uint8_t na[TP_NONCE_LEN], const char *id,
		     const char *boot);

/** tp_encode under the session's send key and next seq (which it advances
 * only on success). */
ssize_t tp_session_encode(struct tp_session *s, uint8_t *out, size_t cap, enum tp_type type,
			  const void *payload, size_t len);

/** Encrypt payloads from now on, both ways (both sides agreed in HELLO). */
void tp_session_encrypt(struct tp_session *s);

/** tp_decode under the receive key; a frame that authenticates but carries
 * another seq than the next one (replayed, dropped or reordered inside the
 * connection) gives -ESTALE. An encrypted payload is decrypted in place. */
ssize_t tp_session_decode(struct tp_session *s, uint8_t *buf, size_t len, struct tp_frame *out);

void tp_session_wipe(struct tp_session *s);
