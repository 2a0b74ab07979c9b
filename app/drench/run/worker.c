/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker lcore: the client's side of the lcore loop (lcore.h) and the
 * campaign's phases on the worker's own clock. The loop's shutdown drains
 * the outstanding responses, closes, resets and lingers.
 */
#include <rte_lcore.h>

#include "hist.h"
#include "tsc-clock.h"
#include "worker.h"

/* The turn's time, not a TSC read per segment: rdtsc is slow under a
 * hypervisor. */
static void input(void *role, const struct tcp_seg *seg)
{
	struct worker *w = role;
	client_input(w->client, seg, w->lc.now_us);
}

static void poll_client(void *role, uint64_t now_us)
{
	client_poll(((struct worker *)role)->client, now_us);
}

static void fill(void *role, struct tcp_conn *c, uint64_t off, uint32_t len, uint8_t *dst)
{
	client_fill(((struct worker *)role)->client, c, off, len, dst);
}

static void stop(void *role, uint64_t now_us)
{
	client_stop(((struct worker *)role)->client, now_us);
}

static uint32_t outstanding(const void *role)
{
	return client_outstanding(((const struct worker *)role)->client);
}

static void close_all(void *role, uint64_t now_us)
{
	client_close_all(((struct worker *)role)->client, now_us);
}

static void abort_all(void *role, uint64_t now_us)
{
	client_abort_all(((struct worker *)role)->client, now_us);
}

static uint32_t open_conns(const void *role)
{
	return client_open_conns(((const struct worker *)role)->client);
}

static struct tcp_stack *tcp(void *role)
{
	return client_tcp(((struct worker *)role)->client);
}

static const struct role_ops client_role = {
	.input = input,
	.poll = poll_client,
	.fill = fill,
	.stop = stop,
	.outstanding = outstanding,
	.close_all = close_all,
	.abort_all = abort_all,
	.open_conns = open_conns,
	.tcp = tcp,
};

void worker_bind(struct worker *w, uint64_t drain_us)
{
	w->lc = (struct lcore){
		.ops = &client_role,
		.role = w,
		.ifc = &w->ifc,
		.n_ifc = 1,
		.drain_us = drain_us,
		.stop = &w->stop,
	};
}

static void phase_begin(struct worker *w, uint32_t p)
{
	struct worker_phase_result *r = &w->results[p];

	w->phase = p;
	r->start_us = tsc_now_us();
	r->start = *client_counters(w->client);
	r->tcp_start = *tcp_stack_stats(client_tcp(w->client));
	/* the results are calloc'd: an all-zero histogram has min 0, not empty */
	hist_init(&r->lat);
	hist_init(&r->lat_uncorrected);
	client_set_phase(w->client, &w->phases[p], &r->lat, &r->lat_uncorrected, r->start_us);
}

static void phase_end(struct worker *w, uint32_t p, uint64_t load_end_us)
{
	struct worker_phase_result *r = &w->results[p];

	r->end_us = load_end_us;
	r->end = *client_counters(w->client);
	r->tcp_end = *tcp_stack_stats(client_tcp(w->client));
}

int worker_main(void *arg)
{
	struct worker *w = arg;
	uint32_t p;

	w->start_us = tsc_now_us();
	for (p = 0; p < w->n_phases && !w->stop; p++) {
		phase_begin(w, p);
		lcore_run_until(&w->lc, w->results[p].start_us + w->phases[p].duration_us);
		if (p + 1 < w->n_phases && !w->stop)
			phase_end(w, p, tsc_now_us());
	}
	w->end_us = tsc_now_us();
	lcore_shut_down(&w->lc);
	/* what the drain settled belongs to the last phase that ran, but its
	 * time (and so its rate) ends with the load */
	if (p > 0)
		phase_end(w, p - 1, w->end_us);
	w->finished = true;
	return 0;
}
