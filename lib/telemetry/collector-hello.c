/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The collector's half of the v2 handshake. HELLO is the one frame whose
 * key is not known before it is read (it names the agent), so it is parsed
 * first, bounded to TP_MAX_HELLO bytes, and bound to an agent only after its
 * tag verifies under that agent's key and this connection's nonce: a HELLO
 * that does not authenticate touches no agent state (the live connection of
 * the agent it names stays as it is).
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "collector-priv.h"
#include "proto.h"

/* DIR/ID.key when the campaign gives agent_key_dir, else derived. */
static int agent_key(const struct collector *c, const char *id, uint8_t out[TP_KEY_LEN])
{
	char path[4096];

	if (c->cfg->agent_key_dir == NULL)
		return tp_agent_key(c->master, id, out);
	if (!tp_id_valid(id))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s.key", c->cfg->agent_key_dir, id);
	return tp_agent_key_load(path, out);
}

static int hello_fields(json_t *msg, const char **id, const char **boot, uint8_t na[TP_NONCE_LEN])
{
	const char *nonce_hex = json_string_value(json_object_get(msg, "nonce"));
	size_t bin_len = 0;

	*id = json_string_value(json_object_get(msg, "agent"));
	*boot = json_string_value(json_object_get(msg, "boot"));
	if (!tp_id_valid(*id) || !tp_boot_valid(*boot) || nonce_hex == NULL ||
	    strlen(nonce_hex) != 2 * TP_NONCE_LEN ||
	    sodium_hex2bin(na, TP_NONCE_LEN, nonce_hex, 2 * TP_NONCE_LEN, NULL, &bin_len, NULL) !=
		    0 ||
	    bin_len != TP_NONCE_LEN)
		return -EBADMSG;
	return 0;
}

int collector_hello(struct collector *c, int i, const uint8_t *buf, const struct tp_frame *f)
{
	struct conn *k = &c->conns[i];
	uint8_t key[TP_KEY_LEN], hkey[TP_KEY_LEN], na[TP_NONCE_LEN];
	const char *id, *boot;
	json_t *msg = NULL;
	int rc = -EBADMSG;

	if (f->type == TP_HELLO && f->seq == 0 && f->len <= TP_MAX_HELLO)
		msg = json_loadb((const char *)f->payload, f->len, 0, NULL);
	if (!json_is_object(msg) || hello_fields(msg, &id, &boot, na) < 0)
		goto out;
	rc = agent_key(c, id, key);
	if (rc < 0) {
		rc = -EACCES; /* an id without a key cannot authenticate */
		goto out;
	}
	tp_hello_key(key, k->nonce, hkey);
	rc = tp_verify(buf, f, hkey);
	if (rc == 0 && json_is_true(json_object_get(msg, "encrypt")) != c->cfg->encrypt) {
		/* both sides must agree, or one would read the other's ciphertext */
		fprintf(c->log, "collector: %s: agent %s %s encryption, the campaign %s it\n",
			k->peer, id, c->cfg->encrypt ? "does not use" : "asks for",
			c->cfg->encrypt ? "requires" : "does not enable");
		rc = -EPROTO;
	}
	if (rc == 0) {
		tp_session_init(&k->s, TP_ROLE_COLLECTOR, key, k->nonce, na, id, boot);
		if (c->cfg->encrypt)
			tp_session_encrypt(&k->s);
		collector_bind_agent(c, i, id, boot, msg);
	}
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hkey, sizeof(hkey));
	json_decref(msg);
	return rc;
}
