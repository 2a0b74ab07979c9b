/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "plan-id.h"

#define DIGEST_BYTES 32

static void to_hex(crypto_generichash_state *st, char out[65])
{
	unsigned char d[DIGEST_BYTES];

	crypto_generichash_final(st, d, sizeof(d));
	sodium_bin2hex(out, 65, d, sizeof(d));
}

int plan_id_campaign(const char *path, const char *const *overrides, size_t n, char out[65])
{
	crypto_generichash_state st;
	unsigned char buf[8192];
	FILE *f = fopen(path, "rb");
	size_t got;

	if (!f)
		return -errno;
	if (sodium_init() < 0) {
		fclose(f);
		return -ENOSYS;
	}
	crypto_generichash_init(&st, NULL, 0, DIGEST_BYTES);
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(&st, buf, got);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(overrides[i], "shard=", 6))
			continue;
		/* the NUL separates overrides: "a=1","b" differs from "a=1b" */
		crypto_generichash_update(&st, (const unsigned char *)overrides[i],
					  strlen(overrides[i]) + 1);
	}
	to_hex(&st, out);
	return 0;
}

void plan_id_flags(const struct run_opts *o, char out[65])
{
	crypto_generichash_state st;
	char text[512];
	int len = snprintf(text, sizeof(text), "url=%s conns=%u rate=%.17g cps=%.17g dur=%llu "
			   "tmo=%llu think=%llu rpc=%u", o->url ? o->url : "", o->connections,
			   o->rate, o->cps, (unsigned long long)o->duration_us,
			   (unsigned long long)o->timeout_us, (unsigned long long)o->think_us,
			   o->requests_per_conn);

	if (sodium_init() < 0) /* generichash itself needs no random source */
		fprintf(stderr, "drench: warning: libsodium did not initialise\n");
	crypto_generichash_init(&st, NULL, 0, DIGEST_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)text, (size_t)len);
	to_hex(&st, out);
}
