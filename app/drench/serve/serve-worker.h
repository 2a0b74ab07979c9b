/* SPDX-License-Identifier: BSD-3-Clause */
/* The responder's side of the lcore loop (lcore.h): its queues, its
 * responder, the line per second. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "lcore.h"
#include "responder.h"
#include "serve-opts.h"

struct serve_worker {
	struct lcore lc; /* the poll loop; its role is this worker's responder */
	struct net_iface ifc[SERVE_MAX_QUEUES]; /* one per queue pair */
	struct responder *resp;
	uint64_t duration_us; /* 0: until stop */
	bool quiet;	      /* no line per second */
	uint64_t start_us, end_us; /* the serving time, shutdown excluded */
};

/** Make w's lcore loop run its responder on n_queues queues, until *stop
 * (the responder's tx ctx: &w->lc). */
void serve_worker_bind(struct serve_worker *w, uint16_t n_queues,
		       const volatile sig_atomic_t *stop);

/** Serve until the duration is over or *stop is set, printing a line per
 * second; then the lcore loop's shutdown (FIN, paced by the round trips,
 * RST, linger). */
void serve_loop(struct serve_worker *w);
