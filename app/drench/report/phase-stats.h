/* SPDX-License-Identifier: BSD-3-Clause */
/* A phase's figures, merged over workers: what the report and the
 * expectations read. */
#pragma once

#include <stdint.h>

#include "client.h"
#include "hist-t.h"
#include "tcp.h"

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


/** Responses of every class. */
uint64_t counters_responses(const struct client_counters *c);
/** Failed requests and failed connections. */
uint64_t counters_errors(const struct client_counters *c);
