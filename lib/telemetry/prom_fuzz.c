/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the Prometheus text parser: the input is fed to the
 * stream in chunks whose sizes come from its first byte (curl delivers any
 * chunking), and each sample is matched against a few specs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

static void on_sample(const struct prom_sample *s, void *arg)
{
	static const char *const specs[] = {"go_goroutines", "a{b=\"c\"}", "x{", "{}", ""};

	(void)arg;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		(void)prom_match(s, specs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prom_stream *ps = malloc(sizeof(*ps));
	size_t chunk, off = 1;
	struct prom_sample s;
	char *copy;

	if (size == 0 || ps == NULL) {
		free(ps);
		return 0;
	}
	chunk = 1 + data[0] % 64;
	prom_stream_init(ps, on_sample, NULL);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;

		copy = malloc(n);
		memcpy(copy, data + off, n);
		prom_stream_feed(ps, copy, n);
		free(copy);
		off += n;
	}
	prom_stream_finish(ps);
	free(ps);
	copy = malloc(size);
	memcpy(copy, data, size);
	(void)prom_parse_line(copy, size, &s);
	free(copy);
	return 0;
}
