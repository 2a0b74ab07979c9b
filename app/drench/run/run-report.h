/* SPDX-License-Identifier: BSD-3-Clause */
/* The outcome of a run: per-phase figures, gates, summary and report.json. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "net-t.h"
#include "phase-stats.h"
#include "plan.h"
#include "run-start.h"
#include "target-watch.h"

/* A target's figures over the whole run: a server's own, or a group's (its
 * members' added, which includes requests that name a member directly). */
struct run_target_outcome {
	const char *name;
	bool group;
	uint32_t daddr; /* a server: host order */
	uint16_t dport;
	uint8_t member[CLIENT_MAX_DESTS]; /* a group: its members' indices in targets[] */
	uint32_t weight[CLIENT_MAX_DESTS];
	uint8_t n_members;
	struct client_target_counters c;
	struct hist lat; /* corrected, from the intended send time */
	const struct target_watch_one *watch; /* a server: its silences; else NULL */
};

struct run_outcome {
	struct phase_stats *phases; /* plan->n_phases */
	uint32_t n_phases;          /* phases that ran (Ctrl-C may cut the list) */
	struct phase_stats total;   /* every phase together */
	size_t mem_per_conn;
	uint32_t local_addresses;
	bool interrupted;
	struct net_stats net;   /* the workers' interfaces: every drop by reason, all ports */
	struct net_port_stats port; /* the NIC's own view, all ports added */
	struct run_port_outcome { /* each port's share of the two above */
		const char *name, *driver;
		int socket;
		const char *steering;
		uint16_t n_workers;
		struct net_stats net;
		struct net_port_stats port;
	} ports[PLAN_MAX_PORTS];
	uint16_t n_ports;
	struct collector *telemetry; /* NULL: the run watched no memory */
	bool leak_free;              /* no target's memory leaks (true without telemetry) */
	const char *steering;        /* the mode chosen at start; "mixed" when ports differ */
	uint16_t n_workers;
	json_t *validation;          /* per request and body pattern: matched, failed */
	struct run_start start;      /* --start-at: asked, began, the clock's error */
	struct run_target_outcome *targets; /* the servers, then the groups */
	uint8_t n_targets;           /* 0: the run had one server and no group */
	struct run_worker_stats {    /* each worker's share of the run */
		unsigned lcore;
		uint16_t port; /* its index in ports[] */
		uint64_t requests, responses, rx_pkts, steer_in, steer_out, steer_drop;
		uint64_t established_peak; /* connections established at once, at most */
		double busy_share;         /* of the lcore's poll cycles, busy; NAN: none */
	} workers[64];
};

/** Print each phase and the total with their gates; true when all pass. */
bool run_outcome_print(FILE *f, const struct plan *p, const struct run_outcome *o);

struct series;

/** Write DIR/report.json and the other formats the plan asks for (from the
 * time series s, which may be NULL); 0 or a negative errno. */
int run_report_write(const struct plan *p, const struct run_outcome *o, const struct series *s);
