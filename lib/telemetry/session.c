/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Protocol v2 key schedule. The agent key uses libsodium's KDF construction
 * (keyed BLAKE2b with a personalisation string) with the agent id as input:
 * crypto_kdf_derive_from_key itself takes a 64-bit subkey number, and ids
 * are names, so mapping them to numbers would need a registry or a hash
 * with collisions. Every derivation carries a label so no two ever meet.
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

const uint8_t tp_challenge_key[TP_KEY_LEN];

static const unsigned char personal_agent[crypto_generichash_blake2b_PERSONALBYTES] =
	"drench/2 agentky";

void tp_master_key(const struct tp_key *file, uint8_t master[TP_KEY_LEN])
{
	static const char label[] = "drench/2 master";
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, TP_KEY_LEN);
	crypto_generichash_update(&st, (const unsigned char *)label, sizeof(label));
	crypto_generichash_update(&st, file->bytes, file->len);
	crypto_generichash_final(&st, master, TP_KEY_LEN);
	sodium_memzero(&st, sizeof(st));
}

bool tp_id_valid(const char *id)
{
	size_t n = 0;

	if (id == NULL || id[0] == '.' || id[0] == '\0')
		return false;
	for (; id[n]; n++) {
		char ch = id[n];

		if (n >= TP_MAX_ID_LEN ||
		    !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

bool tp_boot_valid(const char *boot)
{
	size_t n = 0;

	if (boot == NULL)
		return false;
	for (; boot[n]; n++)
		if (!((boot[n] >= '0' && boot[n] <= '9') || (boot[n] >= 'a' && boot[n] <= 'f')))
			return false;
	return n == TP_BOOT_HEX_LEN;
}

int tp_agent_key(const uint8_t master[TP_KEY_LEN], const char *id, uint8_t out[TP_KEY_LEN])
{
	if (!tp_id_valid(id))
		return -EINVAL;
	crypto_generichash_blake2b_salt_personal(out, TP_KEY_LEN, (const unsigned char *)id,
						 strlen(id), master, TP_KEY_LEN, NULL,
						 personal_agent);
	return 0;
}

int tp_agent_key_load(const char *path, uint8_t out[TP_KEY_LEN])
{
	struct tp_key file;
	size_t bin_len = 0;
	int rc = tp_key_load(path, &file);

	if (rc < 0)
		return rc;
	rc = sodium_hex2bin(out, TP_KEY_LEN, (const char *)file.bytes, file.len, NULL, &bin_len,
			    NULL);
	if (rc != 0 || bin_len != TP_KEY_LEN || file.len != 2 * TP_KEY_LEN)
		rc = -EINVAL;
	sodium_memzero(&file, sizeof(file));
	return rc;
}

void tp_hello_key(const uint8_t agent_key[TP_KEY_LEN], const uint8_t nc[TP_NONCE_LEN],
		  uint8_t out[TP_KEY_LEN])
{
	static const char label[] = "drench/2 hello a2c";
	crypto_generichash_state st;

	crypto_generichash_init(&st, agent_key, TP_KEY_LEN, TP_KEY_LEN);
	crypto_generichash_update(&st, (const unsigned char *)label, sizeof(label));
	crypto_generichash_update(&st, nc, TP_NONCE_LEN);
	crypto_generichash_final(&st, out, TP_KEY_LEN);
	sodium_memzero(&st, sizeof(st));
}

/* Strings go in with their length, so ("ab","c") and ("a","bc") differ. */
static void update_string(crypto_generichash_state *st, const char *s)
{
	uint8_t n = (uint8_t)strlen(s);

	crypto_generichash_update(st, &n, 1);
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

static void direction_key(uint8_t out[TP_KEY_LEN], const char *label,
			  const uint8_t agent_key[TP_KEY_LEN], const uint8_t nc[TP_NONCE_LEN],
			  const uint8_t na[TP_NONCE_LEN], const char *id, const char *boot)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, agent_key, TP_KEY_LEN, TP_KEY_LEN);
	update_string(&st, label);
	crypto_generichash_update(&st, nc, TP_NONCE_LEN);
	crypto_generichash_update(&st, na, TP_NONCE_LEN);
	update_string(&st, id);
	update_string(&st, boot);
	crypto_generichash_final(&st, out, TP_KEY_LEN);
	sodium_memzero(&st, sizeof(st));
}

void tp_session_init(struct tp_session *s, enum tp_role role, const uint8_t agent_key[TP_KEY_LEN],
		     const uint8_t nc[TP_NONCE_LEN], const uint8_t na[TP_NONCE_LEN], const char *id,
		     const char *boot)
{
	uint8_t a2c[TP_KEY_LEN], c2a[TP_KEY_LEN];

	memset(s, 0, sizeof(*s));
	direction_key(a2c, "drench/2 session a2c", agent_key, nc, na, id, boot);
	direction_key(c2a, "drench/2 session c2a", agent_key, nc, na, id, boot);
	memcpy(s->tx_key, role == TP_ROLE_AGENT ? a2c : c2a, TP_KEY_LEN);
	memcpy(s->rx_key, role == TP_ROLE_AGENT ? c2a : a2c, TP_KEY_LEN);
	direction_key(a2c, "drench/2 encrypt a2c", agent_key, nc, na, id, boot);
	direction_key(c2a, "drench/2 encrypt c2a", agent_key, nc, na, id, boot);
	memcpy(s->tx_enc, role == TP_ROLE_AGENT ? a2c : c2a, TP_KEY_LEN);
	memcpy(s->rx_enc, role == TP_ROLE_AGENT ? c2a : a2c, TP_KEY_LEN);
	s->tx_seq = s->rx_seq = 1;
	sodium_memzero(a2c, sizeof(a2c));
	sodium_memzero(c2a, sizeof(c2a));
}

void tp_session_encrypt(struct tp_session *s)
{
	s->encrypt = true;
}

/* Each direction's key encrypts one frame per seq: the seq is the nonce. */
static void stream_xor(uint8_t *p, size_t len, uint64_t seq, const uint8_t key[TP_KEY_LEN])
{
	uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0};

	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(seq >> (56 - 8 * i));
	crypto_stream_chacha20_ietf_xor(p, p, len, nonce, key);
}

ssize_t tp_session_encode(struct tp_session *s, uint8_t *out, size_t cap, enum tp_type type,
			  const void *payload, size_t len)
{
	ssize_t n;

	if (len > TP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (cap < TP_HEADER_LEN + len + TP_TAG_LEN)
		return -ENOBUFS;
	if (len > 0)
		memmove(out + TP_HEADER_LEN, payload, len);
	if (s->encrypt)
		stream_xor(out + TP_HEADER_LEN, len, s->tx_seq, s->tx_enc);
	n = tp_seal(out, cap, type, s->tx_seq, len, s->tx_key);
	if (n > 0)
		s->tx_seq++;
	return n;
}

ssize_t tp_session_decode(struct tp_session *s, uint8_t *buf, size_t len, struct tp_frame *out)
{
	ssize_t n = tp_decode(buf, len, s->rx_key, out);

	if (n <= 0)
		return n;
	if (out->seq != s->rx_seq)
		return -ESTALE;
	if (s->encrypt)
		stream_xor(buf + TP_HEADER_LEN, out->len, out->seq, s->rx_enc);
	s->rx_seq++;
	return n;
}

void tp_session_wipe(struct tp_session *s)
{
	sodium_memzero(s, sizeof(*s));
}
