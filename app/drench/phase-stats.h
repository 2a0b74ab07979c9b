/* SPDX-License-Identifier: BSD-3-Clause */
/* A phase's figures, merged over workers: what the report and the
 * expectations read. */
#pragma once

#include <stdint.h>

#include "client-t.h"
#include "hist-t.h"
#include "tcp-t.h"

struct phase_stats {
	const char *name;
	double start, end;   /* unix seconds */
	double seconds;      /* of load */
	struct client_counters c; /* what happened during the phase */
	struct tcp_stats tcp;     /* same */
	double rps;               /* responses per second */
	double requested_rate;    /* open loop and cps: the level asked for, mean */
	struct hist lat, lat_uncorrected;
};

/** Add b - a into out, field by field. */
void counters_add_diff(struct client_counters *out, const struct client_counters *a,
		       const struct client_counters *b);
void tcp_stats_add_diff(struct tcp_stats *out, const struct tcp_stats *a,
			const struct tcp_stats *b);

/** Responses of every class. */
uint64_t counters_responses(const struct client_counters *c);
/** Failed requests and failed connections. */
uint64_t counters_errors(const struct client_counters *c);
