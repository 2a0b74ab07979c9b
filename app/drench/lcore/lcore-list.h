/* SPDX-License-Identifier: BSD-3-Clause */
/* An EAL lcore list ("0,2-4") against the CPUs this process may run on. */
#pragma once

#include <sched.h>

/** The first lcore of list that is not in allowed; -1 when all are, or
 * when list is not a plain list of numbers and ranges (the EAL says why). */
int lcore_list_first_unavailable(const char *list, const cpu_set_t *allowed);
