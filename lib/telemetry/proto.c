/* SPDX-License-Identifier: BSD-3-Clause */
/* Agent protocol framing: a fixed header, a bounded payload, an HMAC tag. */
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

static void put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* tag = HMAC-SHA256(key, header || payload) */
static void frame_tag(uint8_t tag[TP_TAG_LEN], const uint8_t key[TP_KEY_LEN], const uint8_t *frame,
		      size_t body_len)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, TP_KEY_LEN);
	crypto_auth_hmacsha256_update(&st, frame, body_len);
	crypto_auth_hmacsha256_final(&st, tag);
	sodium_memzero(&st, sizeof(st));
}

static int header_valid(const uint8_t *h)
{
	if (h[0] != 'D' || h[1] != 'R' || h[2] != TP_VERSION)
		return -EBADMSG;
	if (h[3] < TP_CHALLENGE || h[3] > TP_TYPE_MAX)
		return -EBADMSG;
	if (get_be(h + 4, 4) > TP_MAX_PAYLOAD)
		return -EMSGSIZE;
	return 0;
}

/* Reject a bad header as early as the bytes that prove it arrive. */
static int prefix_valid(const uint8_t *buf, size_t len)
{
	static const uint8_t lead[3] = {'D', 'R', TP_VERSION};

	for (size_t i = 0; i < len && i < 3; i++)
		if (buf[i] != lead[i])
			return -EBADMSG;
	if (len >= 4 && (buf[3] < TP_CHALLENGE || buf[3] > TP_TYPE_MAX))
		return -EBADMSG;
	return 0;
}

ssize_t tp_peek(const uint8_t *buf, size_t len, struct tp_frame *out)
{
	size_t body, total;
	int rc;

	if (len < TP_HEADER_LEN)
		return prefix_valid(buf, len);
	rc = header_valid(buf);
	if (rc < 0)
		return rc;
	body = TP_HEADER_LEN + (size_t)get_be(buf + 4, 4);
	total = body + TP_TAG_LEN;
	if (len < total)
		return 0;
	out->type = (enum tp_type)buf[3];
	out->seq = get_be(buf + 8, 8);
	out->payload = buf + TP_HEADER_LEN;
	out->len = (uint32_t)(body - TP_HEADER_LEN);
	return (ssize_t)total;
}

int tp_verify(const uint8_t *buf, const struct tp_frame *f, const uint8_t key[TP_KEY_LEN])
{
	uint8_t tag[TP_TAG_LEN];
	size_t body = TP_HEADER_LEN + f->len;

	frame_tag(tag, key, buf, body);
	return sodium_memcmp(tag, buf + body, TP_TAG_LEN) == 0 ? 0 : -EACCES;
}

ssize_t tp_decode(const uint8_t *buf, size_t len, const uint8_t key[TP_KEY_LEN],
		  struct tp_frame *out)
{
	ssize_t total = tp_peek(buf, len, out);

	if (total <= 0)
		return total;
	return tp_verify(buf, out, key) == 0 ? total : -EACCES;
}

ssize_t tp_encode(uint8_t *out, size_t cap, enum tp_type type, uint64_t seq, const void *payload,
		  size_t len, const uint8_t key[TP_KEY_LEN])
{
	if (len <= TP_MAX_PAYLOAD && cap >= TP_HEADER_LEN + len + TP_TAG_LEN && len > 0)
		memmove(out + TP_HEADER_LEN, payload, len);
	return tp_seal(out, cap, type, seq, len, key);
}

ssize_t tp_seal(uint8_t *out, size_t cap, enum tp_type type, uint64_t seq, size_t len,
		const uint8_t key[TP_KEY_LEN])
{
	size_t total = TP_HEADER_LEN + len + TP_TAG_LEN;

	if (type < TP_CHALLENGE || type > TP_TYPE_MAX)
		return -EINVAL;
	if (len > TP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (cap < total)
		return -ENOBUFS;
	out[0] = 'D';
	out[1] = 'R';
	out[2] = TP_VERSION;
	out[3] = (uint8_t)type;
	put_be32(out + 4, (uint32_t)len);
	put_be64(out + 8, seq);
	frame_tag(out + TP_HEADER_LEN + len, key, out, TP_HEADER_LEN + len);
	return (ssize_t)total;
}

int tp_key_set(struct tp_key *key, const void *bytes, size_t len)
{
	if (len < TP_MIN_KEY_LEN || len > TP_MAX_KEY_LEN)
		return -EINVAL;
	memcpy(key->bytes, bytes, len);
	key->len = len;
	return 0;
}

int tp_key_load(const char *path, struct tp_key *key)
{
	uint8_t buf[TP_MAX_KEY_LEN + 2];
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			close(fd);
			return rc;
		}
		len += (size_t)n;
	}
	close(fd);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' ||
			   buf[len - 1] == '\t'))
		len--;
	rc = tp_key_set(key, buf, len);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

int tp_chunk_split(const uint8_t *payload, size_t len, const char **meta, size_t *meta_len,
		   const uint8_t **data, size_t *data_len)
{
	size_t m;

	if (len < 2)
		return -EBADMSG;
	m = (size_t)get_be(payload, 2);
	if (m == 0 || m > len - 2)
		return -EBADMSG;
	*meta = (const char *)payload + 2;
	*meta_len = m;
	*data = payload + 2 + m;
	*data_len = len - 2 - m;
	return 0;
}

const char *tp_type_name(unsigned type)
{
	static const char *const names[] = {
		[TP_CHALLENGE] = "challenge",
		[TP_HELLO] = "hello",
		[TP_CONFIG] = "config",
		[TP_SAMPLE] = "sample",
		[TP_ACK] = "ack",
		[TP_PROFILE_REQ] = "profile-req",
		[TP_PROFILE_CHUNK] = "profile-chunk",
		[TP_EVENT] = "event",
	};

	if (type < TP_CHALLENGE || type > TP_TYPE_MAX)
		return "unknown";
	return names[type];
}
