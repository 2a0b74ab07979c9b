/* SPDX-License-Identifier: BSD-3-Clause */
/* The lcores' clock: microseconds from the TSC (DPDK's rte_get_tsc_hz). */
#pragma once

#include <stdint.h>

uint64_t tsc_now_us(void);

/* The TSC now, and a TSC reading in microseconds: a poll turn reads the TSC
 * once and takes both its time and its cycle count from that read. */
uint64_t tsc_now(void);
uint64_t tsc_us_of(uint64_t tsc);
