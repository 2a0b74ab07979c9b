/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poll loop of `drench serve`: receive a burst, hand TCP segments to the
 * responder, run its timers and actions, flush the transmit batch. It runs on
 * the main lcore and prints the line per second itself (a TSC compare per
 * turn), so one lcore is enough.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>


#include "net.h"
#include "tsc-clock.h"
#include "serve-worker.h"

#define CLOSE_GRACE_US (1000 * 1000)
#define SECOND_US (1000 * 1000)
#define TIMER_POLL_US 20 /* timers tick per ms: no need to walk them every turn */

/* The turn's time, not a TSC read per segment: rdtsc is slow in a VM (perf
 * put a fifth of the loop on it) and a burst lasts microseconds. */
static void on_tcp(void *ctx, const struct tcp_seg *seg)
{
	struct serve_worker *w = ctx;
	responder_input(w->resp, seg, w->now_us);
}

static void fill(void *ctx, struct tcp_conn *c, uint64_t off, uint32_t len, uint8_t *dst)
{
	struct serve_worker *w = ctx;
	responder_fill(w->resp, c, off, len, dst);
}

/* A reply to client port P leaves on queue P % n: what a NIC steering with
 * drench's RSS key and RETA would do on the client's side (lib/net/steer.h),
 * so a drench client with n workers gets each reply on its owner's queue. */
int serve_tx(void *ctx, const struct tcp_seg_out *seg)
{
	struct serve_worker *w = ctx;
	struct net_iface *ifc = &w->ifc[seg->dport % w->n_queues];
	int rc = net_tcp_tx(ifc, seg, fill, w);

	if (rc == -EHOSTUNREACH) { /* clients ARP for us first; ask if one did not */
		w->arp_unresolved++;
		net_arp_request(ifc, net_next_hop(ifc, seg->daddr));
	}
	return rc;
}

void serve_net_stats(const struct serve_worker *w, struct net_stats *sum)
{
	uint64_t *s = (uint64_t *)sum;

	memset(sum, 0, sizeof(*sum));
	for (uint16_t q = 0; q < w->n_queues; q++) {
		const uint64_t *a = (const uint64_t *)&w->ifc[q].stats;
		for (size_t f = 0; f < sizeof(*sum) / sizeof(uint64_t); f++)
			s[f] += a[f];
	}
}

/* One ARP table for all queues: what one queue learned, every queue knows. */
static void share_arp(struct serve_worker *w, uint16_t from)
{
	for (uint16_t q = 0; q < w->n_queues; q++)
		if (q != from)
			memcpy(w->ifc[q].arp, w->ifc[from].arp, sizeof(w->ifc[q].arp));
}

/* What the line per second compares. */
struct serve_snapshot {
	struct responder_counters r;
	uint64_t syn_drops, retrans, rx_pkts, tx_pkts;
	uint32_t open;
};

static void snapshot(const struct serve_worker *w, struct serve_snapshot *s)
{
	const struct tcp_stats *t = tcp_stack_stats(responder_tcp(w->resp));

	s->r = *responder_counters(w->resp);
	s->syn_drops = t->syn_drop_backlog + t->syn_drop_full;
	s->retrans = t->retrans_rto + t->retrans_fast + t->retrans_synack;
	struct net_stats n;

	serve_net_stats(w, &n);
	s->rx_pkts = n.rx_pkts;
	s->tx_pkts = n.tx_pkts;
	s->open = responder_open_conns(w->resp);
}

static void print_line(const struct serve_snapshot *p, const struct serve_snapshot *c,
		       double t, double dt)
{
	printf("[%5.0fs] req %9.0f/s resp %9.0f/s accepted %8.0f/s | open %u | "
	       "rx %6.3f tx %6.3f Mpps | parse err %" PRIu64 " syn drop %" PRIu64
	       " retrans %" PRIu64 "\n",
	       t, (double)(c->r.requests - p->r.requests) / dt,
	       (double)(c->r.responses - p->r.responses) / dt,
	       (double)(c->r.conn_accepted - p->r.conn_accepted) / dt, c->open,
	       (double)(c->rx_pkts - p->rx_pkts) / dt / 1e6,
	       (double)(c->tx_pkts - p->tx_pkts) / dt / 1e6, c->r.parse_errors - p->r.parse_errors,
	       c->syn_drops - p->syn_drops, c->retrans - p->retrans);
	fflush(stdout);
}

static void flush_all(struct serve_worker *w)
{
	for (uint16_t q = 0; q < w->n_queues; q++)
		net_tx_flush(&w->ifc[q]);
}

/* Received segments are answered inside net_rx (the responder acts as soon
 * as the stack returns); responder_poll only runs timers and delayed
 * responses, so it runs every TIMER_POLL_US rather than every turn. */
static void poll_once(struct serve_worker *w, uint64_t now)
{
	static uint64_t last_poll;

	w->now_us = now;
	for (uint16_t q = 0; q < w->n_queues; q++) {
		uint64_t arp = w->ifc[q].stats.rx_arp;
		net_rx(&w->ifc[q], now, on_tcp, w);
		if (w->ifc[q].stats.rx_arp != arp && w->n_queues > 1)
			share_arp(w, q);
	}
	if (now - last_poll >= TIMER_POLL_US) {
		responder_poll(w->resp, now);
		last_poll = now;
	}
	flush_all(w);
}

static void shut_down(struct serve_worker *w)
{
	uint64_t until = tsc_now_us() + CLOSE_GRACE_US;

	responder_close_all(w->resp, tsc_now_us());
	flush_all(w);
	while (responder_open_conns(w->resp) > 0 && tsc_now_us() < until)
		poll_once(w, tsc_now_us());
	responder_abort_all(w->resp, tsc_now_us());
	flush_all(w);
}

void serve_loop(struct serve_worker *w)
{
	struct serve_snapshot prev = {0}, cur;
	uint64_t now = tsc_now_us(), next_line, next_arp;

	w->start_us = now;
	next_line = now + SECOND_US;
	next_arp = now + SECOND_US;
	while (!*w->stop && (w->duration_us == 0 || now - w->start_us < w->duration_us)) {
		poll_once(w, now);
		now = tsc_now_us();
		if (now < next_line)
			continue;
		snapshot(w, &cur);
		if (!w->quiet)
			print_line(&prev, &cur, (double)(now - w->start_us) / 1e6,
				   (double)(now - next_line + SECOND_US) / 1e6);
		prev = cur;
		next_line = now + SECOND_US;
		if (now > next_arp) {
			net_arp_refresh(&w->ifc[0], now);
			next_arp = now + SECOND_US;
		}
	}
	w->end_us = tsc_now_us();
	shut_down(w);
}
