/* SPDX-License-Identifier: BSD-3-Clause */
/* The responder's poll loop: one (port, queue), one TCP stack, one responder. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "responder.h"
#include "net-t.h"
#include "serve-opts.h"

struct serve_worker {
	struct net_iface ifc[SERVE_MAX_QUEUES]; /* one per queue pair */
	uint16_t n_queues;
	struct responder *resp;
	uint64_t duration_us; /* 0: until stop */
	bool quiet;	      /* no line per second */
	volatile sig_atomic_t *stop;
	uint64_t start_us, end_us; /* the serving time, shutdown excluded */
	uint64_t arp_unresolved;   /* segments not sent for want of an ARP entry */
	uint64_t now_us;	   /* this poll turn's time: one TSC read per turn */
};


/** Every queue's counters added up. */
void serve_net_stats(const struct serve_worker *w, struct net_stats *sum);

/** The transmit function handed to the responder (ctx: the worker). */
int serve_tx(void *ctx, const struct tcp_seg_out *seg);

/** Serve until the duration is over or *stop is set, printing a line per
 * second; then close every connection (FIN, 1 s grace, RST). */
void serve_loop(struct serve_worker *w);
