/* SPDX-License-Identifier: BSD-3-Clause */
/* The lcores' clock: microseconds from the TSC (DPDK's rte_get_tsc_hz). */
#pragma once

#include <stdint.h>

uint64_t tsc_now_us(void);
