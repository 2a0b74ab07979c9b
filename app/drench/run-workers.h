/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcores of a run: one (port, queue), TCP stack and client each,
 * a share of every phase's level, and the flow steering that brings each
 * reply to the worker owning its local port (lib/net/steer.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "port.h"
#include "steer.h"
#include "plan.h"
#include "worker.h"

struct run_workers {
	uint16_t n;
	struct worker *w;
	struct client_phase *phases; /* n rows of n_phases: each worker's share */
	struct steer *steer;         /* one per worker */
	enum steer_mode mode;
	struct rte_ring *rings[STEER_MAX_WORKERS];
};

/** Workers on every lcore the EAL has besides the main one; the port must
 * have been opened with that many queues. 0 or a negative errno (message on
 * stderr). */
int run_workers_setup(struct run_workers *rw, const struct plan *p, const struct net_port *port);
void run_workers_free(struct run_workers *rw);

/** How many worker lcores the EAL was given. */
uint16_t run_workers_count(void);

/** Choose the steering for the port (RSS when it can, else redirect) and say so. */
void run_workers_steer(struct run_workers *rw, const struct net_port *port, const struct plan *p);

/** Resolve the target's next hop before load starts (on worker 0's queue,
 * then copied to every worker); 0 or -ETIMEDOUT. */
int run_workers_resolve(struct run_workers *rw, uint32_t daddr);

int run_workers_launch(struct run_workers *rw);
bool run_workers_finished(const struct run_workers *rw);
void run_workers_stop(struct run_workers *rw);
bool run_workers_stopped(const struct run_workers *rw);
void run_workers_wait(struct run_workers *rw);
/** The phase running now (the earliest among workers). */
uint32_t run_workers_phase(const struct run_workers *rw);

/** Counters summed over workers. */
void run_workers_snapshot(const struct run_workers *rw, struct run_snapshot *s);
