/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer entry: operation sequences against one stack (tcp-fuzz-ops.c). */
#include <stddef.h>
#include <stdint.h>

#include "tcp-fuzz-ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tcp_fuzz_one(data, size, NULL);
	return 0;
}
