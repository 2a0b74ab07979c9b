/* SPDX-License-Identifier: BSD-3-Clause */
#include "run-tui.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "phase-stats.h"

void run_tui_open(struct run_tui *rt, const struct plan *p, const char *name)
{
	memset(rt, 0, sizeof(*rt));
	if (p->tui == 0 || (p->tui < 0 && (p->quiet || !isatty(STDOUT_FILENO))))
		return;
	if (p->telemetry != NULL && tui_targets_open(&rt->tt, p->telemetry) == 0)
		rt->have_targets = true;
	rt->tui = tui_open();
	if (rt->tui == NULL) {
		fprintf(stderr, "drench run: no terminal view (%s); a line per second instead\n",
			strerror(errno));
		run_tui_free(rt);
		return;
	}
	snprintf(rt->title, sizeof(rt->title), "drench run: %u phase(s), report to %s", p->n_phases,
		 name);
	for (uint32_t i = 0; i < p->n_phases; i++)
		rt->run_length_s += (double)p->phases[i].client.duration_us / 1e6;
}

FILE *run_tui_live(const struct run_tui *rt, const struct plan *p)
{
	if (rt->have_targets && rt->tui != NULL)
		return rt->tt.w;
	return p->quiet ? NULL : stdout;
}

static double asked_rate(const struct client_phase *ph)
{
	if (ph->model != CLIENT_RATE && ph->model != CLIENT_CPS)
		return 0;
	return (ph->from + ph->to) / 2;
}

static uint64_t retransmissions(const struct tcp_stats *t)
{
	return t->retrans_rto + t->retrans_fast + t->retrans_syn;
}

static void fill_load(struct tui_load *l, const struct client_phase *ph,
		      const struct run_snapshot *a, const struct run_snapshot *b, double dt,
		      const struct series_point *pt)
{
	const struct client_counters *x = &a->client, *y = &b->client;
	const uint64_t was[5] = {x->err_connect, x->err_timeout, x->err_reset, x->err_parse,
				 x->err_validation};
	const uint64_t now[5] = {y->err_connect, y->err_timeout, y->err_reset, y->err_parse,
				 y->err_validation};

	dt = dt > 0 ? dt : 1;
	*l = (struct tui_load){
		.rps = (double)(counters_responses(y) - counters_responses(x)) / dt,
		.asked_rps = asked_rate(ph),
		.p50_us = pt ? pt->p50_us : NAN,
		.p99_us = pt ? pt->p99_us : NAN,
		.p999_us = pt ? pt->p999_us : NAN,
		.open_conns = b->open_conns,
		.opened_per_s = (double)(y->conn_opened - x->conn_opened) / dt,
		.retrans_per_s = (double)(retransmissions(&b->tcp) - retransmissions(&a->tcp)) / dt,
		.retrans_total = retransmissions(&b->tcp),
	};
	l->n_workers = b->n_workers < TUI_MAX_WORKERS ? b->n_workers : TUI_MAX_WORKERS;
	for (uint16_t i = 0; i < l->n_workers; i++)
		l->busy_share[i] = i < a->n_workers ? busy_share(&a->busy[i], &b->busy[i]) : NAN;
	for (int k = 0; k < 5; k++) {
		l->errors[k] = now[k];
		l->errors_per_s[k] = (double)(now[k] - was[k]) / dt;
	}
}

void run_tui_draw(struct run_tui *rt, const struct plan *p, uint32_t phase, double elapsed_s,
		  const struct run_snapshot *prev, const struct run_snapshot *cur, double dt_s,
		  const struct series_point *pt)
{
	struct tui_load load;

	if (rt->tui == NULL)
		return;
	if (!rt->started || phase != rt->phase) /* the phase began within this second */
		rt->phase_t0 = !rt->started && phase == 0 ? 0 : elapsed_s;
	rt->started = true;
	rt->phase = phase;
	fill_load(&load, &p->phases[phase].client, prev, cur, dt_s, pt);
	if (rt->have_targets)
		tui_targets_read(&rt->tt);
	tui_draw(rt->tui,
		 &(struct tui_frame){
			 .title = rt->title,
			 .phase = p->phases[phase].name,
			 .phase_index = phase,
			 .n_phases = p->n_phases,
			 .phase_elapsed_s = elapsed_s - rt->phase_t0,
			 .phase_length_s = (double)p->phases[phase].client.duration_us / 1e6,
			 .run_elapsed_s = elapsed_s,
			 .run_length_s = rt->run_length_s,
			 .load = &load,
			 .targets = (const char *const *)rt->tt.line,
			 .n_targets = rt->have_targets ? tui_targets_count(&rt->tt) : 0,
		 });
}

void run_tui_close_view(struct run_tui *rt)
{
	tui_close(rt->tui);
	rt->tui = NULL;
}

void run_tui_free(struct run_tui *rt)
{
	run_tui_close_view(rt);
	if (rt->have_targets)
		tui_targets_close(&rt->tt);
	rt->have_targets = false;
}
