/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcores of a run: one (port, queue), TCP stack and client each,
 * a share of every phase's level, and the flow steering that brings each
 * reply to the worker owning its local port (lib/net/steer.h). With several
 * ports each port has its block of workers (plan-ports.h), its own steering
 * among them and its own block of local ports; the load is split over all
 * workers alike.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "port.h"
#include "steer.h"
#include "plan.h"
#include "worker.h"

/* One port of the run and the workers polling its queues. */
struct run_port {
	const struct net_port *port;
	uint16_t first, n;           /* workers first .. first + n - 1, queues 0 .. n - 1 */
	uint16_t port_min, port_max; /* its local TCP ports */
	enum steer_mode mode;
	uint16_t reta;               /* RETA size when mode is RSS */
	struct rte_ring *rings[STEER_MAX_WORKERS]; /* its workers' inbound rings */
};

struct run_workers {
	uint16_t n;
	struct worker *w;
	struct client_phase *phases; /* n rows of n_phases: each worker's share */
	struct steer *steer;         /* one per worker */
	uint16_t *port_of;           /* one per worker: its index in ports[] */
	struct run_port ports[PLAN_MAX_PORTS];
	uint16_t n_ports;
};

/** Workers on every lcore the EAL has besides the main one, split between
 * the plan's ports (ports[k] opened with run_workers_queues(k) queues), in
 * lcore order. 0 or a negative errno (message on stderr). */
int run_workers_setup(struct run_workers *rw, const struct plan *p, const struct net_port *ports);
void run_workers_free(struct run_workers *rw);

/** How many worker lcores the EAL was given. */
uint16_t run_workers_count(void);

/** How many queues port k of n_ports needs: its share of the workers. */
uint16_t run_workers_queues(uint16_t n_ports, uint16_t k);

/** Choose the steering of each port (RSS when it can, else redirect) and say so. */
void run_workers_steer(struct run_workers *rw, const struct plan *p);

/** Resolve the target's next hop on every port before load starts (on the
 * port's first queue, then copied to its workers); 0, or -ETIMEDOUT with the
 * index of the port that had no answer in *port. */
int run_workers_resolve(struct run_workers *rw, uint32_t daddr, uint16_t *port);
/** The same by neighbour discovery, for an IPv6 target (run-resolve6.c). */
int run_workers_resolve6(struct run_workers *rw, const struct net_ip6 *daddr, uint16_t *port);

int run_workers_launch(struct run_workers *rw);
bool run_workers_finished(const struct run_workers *rw);
void run_workers_stop(struct run_workers *rw);
bool run_workers_stopped(const struct run_workers *rw);
void run_workers_wait(struct run_workers *rw);
/** The phase running now (the earliest among workers). */
uint32_t run_workers_phase(const struct run_workers *rw);

/** Counters summed over workers. */
void run_workers_snapshot(const struct run_workers *rw, struct run_snapshot *s);

/** Server d's counters summed over workers. */
void run_workers_target(const struct run_workers *rw, uint8_t d,
			struct client_target_counters *out);
