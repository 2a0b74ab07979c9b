/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poll loop of an lcore, whichever role it runs (client or responder):
 * receive a burst on each of its queues, hand the TCP segments to the role,
 * let the role run its timers and queued actions, flush the transmit
 * batches, refresh ARP once a second. The role sits behind struct role_ops;
 * its context embeds the struct lcore.
 *
 * Shutdown, the same for both roles: stop issuing (client) -> wait for
 * outstanding responses (drain_us) -> FIN every connection, waiting as long
 * as connections keep closing -> RST what is left -> keep answering the
 * peers for a few round trips -> return.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "busy.h"
#include "net.h"
#include "tcp.h"

struct role_ops {
	/* a received segment; the turn's time is the lcore's now_us */
	net_tcp_rx_fn input;
	/* timers, queued actions, new connections and requests */
	void (*poll)(void *role, uint64_t now_us);
	/* bytes of a connection's send stream, pulled as a frame is built */
	net_fill_fn fill;
	/* stop issuing requests; NULL when the role only answers */
	void (*stop)(void *role, uint64_t now_us);
	/* requests awaiting a response; NULL when the role waits for none */
	uint32_t (*outstanding)(const void *role);
	void (*close_all)(void *role, uint64_t now_us); /* FIN */
	void (*abort_all)(void *role, uint64_t now_us); /* RST */
	uint32_t (*open_conns)(const void *role);
	struct tcp_stack *(*tcp)(void *role); /* its stack: the round trips to wait for */
};

struct lcore {
	const struct role_ops *ops;
	void *role;
	struct net_iface *ifc; /* n_ifc queues, all polled by this lcore */
	uint16_t n_ifc;
	uint64_t poll_every_us; /* 0: the role's poll runs every turn */
	uint64_t drain_us;	/* how long to wait for outstanding responses at the end */
	const volatile sig_atomic_t *stop; /* ends lcore_run_until early */
	uint64_t now_us;		   /* this turn's time: one TSC read per turn */
	uint64_t last_poll_us, next_arp_us;
	uint64_t arp_unresolved; /* segments not sent for want of an ARP entry */
	struct busy_cycles busy; /* poll turns that did work, of all (stats/busy.h) */
};

/** The transmit function to hand the role (ctx: the struct lcore). A reply
 * to port P leaves on queue P % n_ifc. */
int lcore_tx(void *ctx, const struct tcp_seg_out *seg);

/** Poll until the lcore clock reaches until_us or *stop is set. */
void lcore_run_until(struct lcore *l, uint64_t until_us);

/** Drain, close, reset, linger (the order above); returns when done. */
void lcore_shut_down(struct lcore *l);

/** IPv6 TCP on every queue goes to the role's input (its stack takes IPv6). */
void lcore_take_ip6(struct lcore *l);

/** Every queue's counters added up. */
void lcore_net_stats(const struct lcore *l, struct net_stats *sum);
