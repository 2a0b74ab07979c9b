/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the /metrics request head parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "metrics-request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct metrics_request r;
	int rc = metrics_request_parse((const char *)data, size, &r);

	/* a head never ends past the input, and its parts lie inside it */
	if (rc > (int)size || rc < METRICS_REQUEST_INCOMPLETE)
		abort();
	if (rc > 0 &&
	    (r.path < (const char *)data || r.path + r.path_len > (const char *)data + rc))
		abort();
	return 0;
}
