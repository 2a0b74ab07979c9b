/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker lcore: owns one (port, queue), its TCP stack and its client, and
 * runs the campaign's phases on its own clock. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "lcore.h"
#include "net-t.h"
#include "hist-t.h"
#include "tcp-t.h"

/* What a worker measured in one phase: counters at its edges, latencies. */
struct worker_phase_result {
	struct client_counters start, end;
	struct tcp_stats tcp_start, tcp_end;
	uint64_t start_us, end_us;
	struct hist lat;             /* from the intended send time */
	struct hist lat_uncorrected; /* from the real send time */
};

struct worker {
	struct lcore lc; /* the poll loop; its role is this worker's client */
	unsigned lcore_id;
	struct net_iface ifc;
	struct client *client;
	const struct client_phase *phases;
	uint32_t n_phases;
	struct worker_phase_result *results; /* n_phases, filled by the worker */
	volatile sig_atomic_t stop; /* set by the main lcore (Ctrl-C) */
	volatile bool finished;	    /* set by the worker when everything is closed */
	volatile uint32_t phase;    /* the phase running now */
	uint64_t start_us, end_us;
};

/** Make w's lcore loop run its client (the client's tx ctx: &w->lc). */
void worker_bind(struct worker *w, uint64_t drain_us);

/** lcore entry point; arg is a struct worker. */
int worker_main(void *arg);
