/* SPDX-License-Identifier: BSD-3-Clause */
/* The line per second the main lcore prints while workers run. */
#pragma once

#include <stdio.h>

#include "client-t.h"
#include "busy.h"
#include "tcp-t.h"

#define RUN_SNAPSHOT_WORKERS 64

/* A copy of the workers' counters taken by the main lcore. */
struct run_snapshot {
	struct client_counters client;
	struct tcp_stats tcp;
	uint32_t open_conns;
	uint16_t n_workers;                         /* those with a busy counter below */
	struct busy_cycles busy[RUN_SNAPSHOT_WORKERS]; /* per worker, as it counted them */
};

void console_line(FILE *f, double elapsed_s, const char *phase, double asked_per_s,
		  const struct run_snapshot *prev, const struct run_snapshot *cur, double dt_s);

/* "label: key n, key n" for every counter of the table whose key starts with
 * prefix and that is not 0 (nothing when all are 0): the reasons behind a
 * summary's totals, under their report.json names. */
void console_nonzero(FILE *f, const char *label, const struct counter_table *t, const void *base,
		     const char *prefix);
