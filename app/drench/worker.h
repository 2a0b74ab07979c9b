/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker lcore: owns one (port, queue), its TCP stack and its client. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "load/client.h"
#include "net/net-t.h"

struct worker {
	unsigned lcore_id;
	struct net_iface ifc;
	struct client *client;
	uint64_t run_us;         /* how long to drive load */
	uint64_t drain_us;       /* how long to wait for outstanding responses at the end */
	volatile bool stop;      /* set by the main lcore (Ctrl-C) */
	volatile bool finished;  /* set by the worker when everything is closed */
	uint64_t start_us, end_us;
	uint64_t arp_unresolved; /* segments not sent for want of an ARP entry */
};

/** lcore entry point; arg is a struct worker. */
int worker_main(void *arg);

/** The client's transmit function: builds the frame on the worker's queue. */
int worker_tx(void *ctx, const struct tcp_seg_out *seg);

/** Microseconds from the TSC. */
uint64_t worker_now_us(void);

/** Resolve the next hop to daddr before load starts; 0 or -ETIMEDOUT. */
int worker_resolve(struct worker *w, uint32_t daddr, uint64_t timeout_us);
