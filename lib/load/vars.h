/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Request variables: ${seq} (request number on this worker), ${rand} (a
 * 32-bit random number), ${conn} (connection index), ${lcore} (worker lcore).
 *
 * Each expands to VARS_WIDTH zero-padded decimal digits, so a request's length
 * never changes (Content-Length stays right) and its bytes are a pure function
 * of (template, request number, connection): a retransmission regenerates
 * them exactly, with nothing buffered.
 *
 * vars_mark() replaces each ${name} of a string with a sentinel field before
 * the HTTP template is built; vars_find() then locates the fields in the
 * built bytes and clears them to zeros.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define VARS_WIDTH 10
#define VARS_MAX 16

enum vars_kind { VARS_SEQ = 's', VARS_RAND = 'r', VARS_CONN = 'c', VARS_LCORE = 'l' };

struct vars_field {
	uint32_t off; /* in the request bytes */
	uint8_t kind; /* enum vars_kind */
};

/* What a request's variables are made of. */
struct vars_ctx {
	uint64_t seq;
	uint32_t conn;
	uint32_t lcore;
	uint64_t seed;
};

/** Copy of s (len bytes) with every known ${name} replaced by a sentinel
 * field; unknown names are left as written. NUL-terminated, malloc'd; *out_len
 * gets its length. NULL on ENOMEM. */
char *vars_mark(const char *s, size_t len, size_t *out_len);

/** Find the sentinel fields in bytes, overwrite them with '0' digits and list
 * them in out (at most max); returns how many were found. */
size_t vars_find(uint8_t *bytes, size_t len, struct vars_field *out, size_t max);

/** The VARS_WIDTH digits of a field for one request. */
void vars_render(uint8_t kind, const struct vars_ctx *ctx, char out[VARS_WIDTH]);

/** Patch into dst the fields overlapping bytes [pos, pos + n) of a request. */
void vars_patch(const struct vars_field *f, size_t nf, const struct vars_ctx *ctx, size_t pos,
		size_t n, uint8_t *dst);
