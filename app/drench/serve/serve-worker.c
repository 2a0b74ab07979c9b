/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `drench serve`: the responder's side of the lcore loop (lcore.h). It runs
 * on the main lcore and prints the line per second between runs of the
 * loop, so one lcore is enough.
 */
#include <inttypes.h>
#include <stdio.h>

#include "serve-worker.h"
#include "tsc-clock.h"

#define SECOND_US (1000 * 1000)
#define TIMER_POLL_US 20 /* timers tick per ms: no need to walk them every turn */

/* The turn's time, not a TSC read per segment: rdtsc is slow in a VM (perf
 * put a fifth of the loop on it) and a burst lasts microseconds. */
static void input(void *role, const struct tcp_seg *seg)
{
	struct serve_worker *w = role;
	responder_input(w->resp, seg, w->lc.now_us);
}

/* Received segments are answered inside net_rx (the responder acts as soon
 * as the stack returns); this only runs timers and delayed responses, so
 * the loop calls it every TIMER_POLL_US rather than every turn. */
static void poll_responder(void *role, uint64_t now_us)
{
	responder_poll(((struct serve_worker *)role)->resp, now_us);
}

static void fill(void *role, struct tcp_conn *c, uint64_t off, uint32_t len, uint8_t *dst)
{
	responder_fill(((struct serve_worker *)role)->resp, c, off, len, dst);
}

static void close_all(void *role, uint64_t now_us)
{
	responder_close_all(((struct serve_worker *)role)->resp, now_us);
}

static void abort_all(void *role, uint64_t now_us)
{
	responder_abort_all(((struct serve_worker *)role)->resp, now_us);
}

static uint32_t open_conns(const void *role)
{
	return responder_open_conns(((const struct serve_worker *)role)->resp);
}

static struct tcp_stack *tcp(void *role)
{
	return responder_tcp(((struct serve_worker *)role)->resp);
}

/* A responder issues nothing: no stop, nothing outstanding to drain. */
static const struct role_ops responder_role = {
	.input = input,
	.poll = poll_responder,
	.fill = fill,
	.close_all = close_all,
	.abort_all = abort_all,
	.open_conns = open_conns,
	.tcp = tcp,
};

void serve_worker_bind(struct serve_worker *w, uint16_t n_queues,
		       const volatile sig_atomic_t *stop)
{
	w->lc = (struct lcore){
		.ops = &responder_role,
		.role = w,
		.ifc = w->ifc,
		.n_ifc = n_queues,
		.poll_every_us = TIMER_POLL_US,
		.stop = stop,
	};
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
	struct net_stats n;

	s->r = *responder_counters(w->resp);
	s->syn_drops = t->syn_drop_backlog + t->syn_drop_full;
	s->retrans = t->retrans_rto + t->retrans_fast + t->retrans_synack;
	lcore_net_stats(&w->lc, &n);
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

static uint64_t serve_end_us(const struct serve_worker *w)
{
	return w->duration_us ? w->start_us + w->duration_us : UINT64_MAX;
}

void serve_loop(struct serve_worker *w)
{
	struct serve_snapshot prev = {0}, cur;
	uint64_t end, line_start;

	w->start_us = tsc_now_us();
	end = serve_end_us(w);
	for (line_start = w->start_us; !*w->lc.stop;) {
		uint64_t next_line = line_start + SECOND_US, now;

		lcore_run_until(&w->lc, next_line < end ? next_line : end);
		now = tsc_now_us();
		if (now >= end)
			break;
		if (now < next_line)
			continue; /* stopped */
		snapshot(w, &cur);
		if (!w->quiet)
			print_line(&prev, &cur, (double)(now - w->start_us) / 1e6,
				   (double)(now - line_start) / 1e6);
		prev = cur;
		line_start = now;
	}
	w->end_us = tsc_now_us();
	lcore_shut_down(&w->lc);
}
