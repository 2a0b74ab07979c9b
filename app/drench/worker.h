/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker lcore: owns one (port, queue), its TCP stack and its client, and
 * runs the campaign's phases on its own clock. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "net-t.h"
#include "busy.h"
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
	unsigned lcore_id;
	struct net_iface ifc;
	struct client *client;
	const struct client_phase *phases;
	uint32_t n_phases;
	struct worker_phase_result *results; /* n_phases, filled by the worker */
	uint64_t drain_us;      /* how long to wait for outstanding responses at the end */
	volatile bool stop;     /* set by the main lcore (Ctrl-C) */
	volatile bool finished; /* set by the worker when everything is closed */
	volatile uint32_t phase; /* the phase running now */
	uint64_t start_us, end_us;
	uint64_t arp_unresolved; /* segments not sent for want of an ARP entry */
	uint64_t now_us;         /* the time of this poll turn */
	struct busy_cycles busy; /* poll turns that did work, of all (stats/busy.h) */
};

/** lcore entry point; arg is a struct worker. */
int worker_main(void *arg);

/** The client's transmit function: builds the frame on the worker's queue. */
int worker_tx(void *ctx, const struct tcp_seg_out *seg);

