/* SPDX-License-Identifier: BSD-3-Clause */
/* The host's clocks in seconds, for the main and telemetry threads; the
 * lcores keep to the TSC (tsc-clock.h). */
#pragma once

/** Wall-clock time since the epoch, for the start and end a report prints. */
double unix_now(void);

/** Monotonic time, for deadlines a clock step must not move. */
double mono_now(void);
