/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vars.h"

/* a visible byte (the template accepts it anywhere) that requests do not
 * carry: a field is a backtick, its kind letter, then eight backticks */
#define SENTINEL 0x60

static const struct {
	const char *name;
	uint8_t kind;
} known[] = {
	{"${seq}", VARS_SEQ},
	{"${rand}", VARS_RAND},
	{"${conn}", VARS_CONN},
	{"${lcore}", VARS_LCORE},
};

static int known_at(const char *s, size_t left)
{
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		size_t n = strlen(known[k].name);
		if (n <= left && memcmp(s, known[k].name, n) == 0)
			return (int)k;
	}
	return -1;
}

char *vars_mark(const char *s, size_t len, size_t *out_len)
{
	/* each name is at least 6 bytes and becomes VARS_WIDTH */
	char *out = malloc(len * 2 + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		int k = known_at(s + i, len - i);
		if (k < 0) {
			out[o++] = s[i++];
			continue;
		}
		out[o] = SENTINEL;
		out[o + 1] = (char)known[k].kind;
		memset(out + o + 2, SENTINEL, VARS_WIDTH - 2);
		o += VARS_WIDTH;
		i += strlen(known[k].name);
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

static bool is_field(const uint8_t *p, size_t left)
{
	if (left < VARS_WIDTH || p[0] != SENTINEL)
		return false;
	for (size_t i = 2; i < VARS_WIDTH; i++)
		if (p[i] != SENTINEL)
			return false;
	return p[1] == VARS_SEQ || p[1] == VARS_RAND || p[1] == VARS_CONN || p[1] == VARS_LCORE;
}

size_t vars_find(uint8_t *bytes, size_t len, struct vars_field *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (!is_field(bytes + i, len - i))
			continue;
		if (n < max)
			out[n] = (struct vars_field){.off = (uint32_t)i, .kind = bytes[i + 1]};
		n++;
		memset(bytes + i, '0', VARS_WIDTH);
		i += VARS_WIDTH - 1;
	}
	return n;
}

/* splitmix64: a well-mixed random number that is a function of the request */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void vars_render(uint8_t kind, const struct vars_ctx *ctx, char out[VARS_WIDTH])
{
	uint64_t v;

	switch (kind) {
	case VARS_SEQ: v = ctx->seq; break;
	case VARS_RAND: v = mix(ctx->seq ^ ctx->seed) & 0xffffffffu; break;
	case VARS_CONN: v = ctx->conn; break;
	default: v = ctx->lcore; break;
	}
	for (int i = VARS_WIDTH - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void vars_patch(const struct vars_field *f, size_t nf, const struct vars_ctx *ctx, size_t pos,
		size_t n, uint8_t *dst)
{
	char digits[VARS_WIDTH];

	for (size_t i = 0; i < nf; i++) {
		size_t a = f[i].off, b = f[i].off + VARS_WIDTH;
		if (b <= pos || a >= pos + n)
			continue;
		vars_render(f[i].kind, ctx, digits);
		size_t from = a > pos ? a : pos, to = b < pos + n ? b : pos + n;
		memcpy(dst + (from - pos), digits + (from - a), to - from);
	}
}
