/* SPDX-License-Identifier: BSD-3-Clause */
/* Drive a stack with an operation sequence decoded from bytes (fuzzing and
 * the randomized unit test share it). Aborts on a broken invariant. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct tcp_stats;

/* sum (may be NULL) accumulates the run's counters */
void tcp_fuzz_one(const uint8_t *data, size_t len, struct tcp_stats *sum);
