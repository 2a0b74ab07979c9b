/* SPDX-License-Identifier: BSD-3-Clause */
/* What the telemetry lcore prints: a line per second and the summary. */
#pragma once

#include <stdio.h>

#include "load/client-t.h"
#include "net/net-t.h"
#include "tcp/tcp-t.h"

/* A copy of a worker's counters taken by the main lcore. */
struct run_snapshot {
	struct client_counters client;
	struct tcp_stats tcp;
	struct net_stats net;
	uint32_t open_conns;
};

void console_line(FILE *f, double elapsed_s, const struct run_snapshot *prev,
		  const struct run_snapshot *cur, double dt_s);

void console_summary(FILE *f, const struct run_snapshot *s, const struct hist *lat,
		     double duration_s);

/** Retransmitted segments of all kinds. */
uint64_t snapshot_retransmissions(const struct run_snapshot *s);
/** Responses of every class. */
uint64_t snapshot_responses(const struct run_snapshot *s);
