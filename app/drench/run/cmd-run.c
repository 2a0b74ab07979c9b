/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench run: build a plan (from flags or a campaign file), start the EAL and
 * the port, run the phases on a worker lcore while the main lcore prints a
 * line per second, then merge the figures, check the gates, write the report.
 * Ctrl-C stops the load; the worker drains and closes before the summary and
 * report are written.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "commands.h"
#include "campaign.h"
#include "console.h"
#include "eal-start.h"
#include "host-clock.h"
#include "match.h"
#include "port.h"
#include "plan-campaign.h"
#include "plan-flags.h"
#include "plan-shard.h"
#include "run-report.h"
#include "run-responder.h"
#include "run-start.h"
#include "metrics-server.h"
#include "prom-text.h"
#include "hist.h"
#include "series.h"
#include "run-telemetry.h"
#include "interval-latency.h"
#include "run-tui.h"
#include "run-workers.h"
#include "dpdk-telemetry.h"
#include "stop-signal.h"
#include "worker.h"


static double asked_rate(const struct client_phase *ph)
{
	if (ph->model != CLIENT_RATE && ph->model != CLIENT_CPS)
		return 0;
	return (ph->from + ph->to) / 2;
}

_Static_assert((int)CLIENT_CLASS_COUNT == (int)SERIES_N_CLASSES, "status classes in one order");

/* One point of the time series: what happened between two snapshots. */
static void add_point(struct series *s, double t, uint32_t phase, const struct run_snapshot *a,
		      const struct run_snapshot *b, struct interval_latency *il,
		      const struct run_workers *rw)
{
	struct series_point pt = {.t = t, .phase = phase, .open_conns = b->open_conns};

	interval_latency_take(il, rw, phase, &pt);

	pt.requests = b->client.requests - a->client.requests;
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		pt.responses[c] = b->client.responses[c] - a->client.responses[c];
	pt.err_connect = b->client.err_connect - a->client.err_connect;
	pt.err_timeout = b->client.err_timeout - a->client.err_timeout;
	pt.err_reset = b->client.err_reset - a->client.err_reset;
	pt.err_parse = b->client.err_parse - a->client.err_parse;
	pt.err_validation = b->client.err_validation - a->client.err_validation;
	pt.retrans = (b->tcp.retrans_rto + b->tcp.retrans_fast + b->tcp.retrans_syn) -
		     (a->tcp.retrans_rto + a->tcp.retrans_fast + a->tcp.retrans_syn);
	series_add(s, &pt);
}

/* The live /metrics endpoint renders from the series, on this thread. */
struct live {
	struct metrics_server *server;
	struct prom_text *text;
	const struct series *series;
	const char *phase;
};

static const char *render_live(void *ctx, size_t *len)
{
	struct live *l = ctx;

	prom_text_reset(l->text);
	report_prom_render_live(l->text, l->series, l->phase);
	return prom_text_data(l->text, len);
}

/* The main lcore: a line per second and a point of the series until the
 * worker finishes; it sleeps (or waits on /metrics) in between. */
/* Sleep up to 50 ms, or wait on /metrics and the telemetry collector. */
static void wait_a_moment(struct live *live, struct collector *tel, const struct plan *p,
			  const struct run_snapshot *last)
{
	if (live->server)
		metrics_server_poll(live->server, tel ? 0 : 50, render_live, live);
	if (tel)
		run_telemetry_poll(tel, p, last, 50);
	else if (!live->server)
		usleep(50 * 1000);
}

/* The second that ended (pt its series point): to DPDK telemetry, and to the
 * terminal view or the console line. */
static void show_second(const struct run_workers *rw, const struct plan *p, uint32_t ph,
			double t, double dt, const struct run_snapshot *prev,
			const struct run_snapshot *cur, const struct series_point *pt,
			struct run_tui *view)
{
	double rps = (double)(counters_responses(&cur->client) -
			      counters_responses(&prev->client)) / dt;

	drench_telemetry_publish(rw, p, ph, t, cur, rps, pt);
	if (view->tui)
		run_tui_draw(view, p, ph, t, prev, cur, dt, pt);
	else if (!p->quiet)
		console_line(stdout, t, p->phases[ph].name, asked_rate(&p->phases[ph].client),
			     prev, cur, dt);
}

/* Each server's silences, judged once a second (target-watch.h). */
static struct target_watch silences;

static void watch_targets(const struct run_workers *rw, const struct plan *p, double t,
			  const struct run_tui *view)
{
	struct client_target_counters c;

	for (uint8_t d = 0; d < p->targets.n_dests && p->targets.n_dests > 1; d++) {
		run_workers_target(rw, d, &c);
		enum target_watch_event ev = target_watch_step(&silences, d, &c, t);
		if (!view->tui)
			target_watch_say(stdout, ev, p->targets.dest_names[d], t, &silences.t[d],
					 &c);
	}
}

static void watch(struct run_workers *rw, const struct plan *p, double t0, struct series *s,
		  struct live *live, struct collector *tel, struct run_tui *view)
{
	static struct interval_latency il; /* two histograms: too big for the stack */
	struct run_snapshot prev = {0}, cur;
	double last = t0;
	uint32_t ph = 0;

	interval_latency_init(&il);
	target_watch_init(&silences, p->targets.n_dests);

	while (!run_workers_finished(rw)) {
		wait_a_moment(live, tel, p, &prev);
		if (stop_asked && !run_workers_stopped(rw)) {
			fprintf(stderr, "\ndrench: interrupted, draining\n");
			run_workers_stop(rw);
		}
		double now = unix_now();
		if (now - last < 1.0)
			continue;
		run_workers_snapshot(rw, &cur);
		uint32_t was = ph;

		ph = run_workers_phase(rw);
		ph = ph < p->n_phases ? ph : p->n_phases - 1;
		for (uint32_t k = was; k < ph; k++)
			run_telemetry_phase_done(tel, p->phases[k].name);
		live->phase = p->phases[ph].name;
		add_point(s, now - t0, ph, &prev, &cur, &il, rw);
		show_second(rw, p, ph, now - t0, now - last, &prev, &cur,
			    series_at(s, series_count(s) - 1), view);
		watch_targets(rw, p, now - t0, view);
		prev = cur;
		last = now;
	}
	run_telemetry_phase_done(tel, p->phases[ph].name);
	drench_telemetry_finished();
	/* the drain's last responses close the series */
	run_workers_snapshot(rw, &cur);
	add_point(s, unix_now() - t0, ph, &prev, &cur, &il, rw);
}

static void merge_phase(struct phase_stats *s, const struct worker_phase_result *r,
			double t0, uint64_t w_start_us)
{
	client_counters_add_diff(&s->c, &r->start, &r->end);
	tcp_stats_add_diff(&s->tcp, &r->tcp_start, &r->tcp_end);
	hist_add(&s->lat, &r->lat);
	hist_add(&s->lat_uncorrected, &r->lat_uncorrected);
	s->start = t0 + (double)(r->start_us - w_start_us) / 1e6;
	s->end = t0 + (double)(r->end_us - w_start_us) / 1e6;
	s->seconds = (double)(r->end_us - r->start_us) / 1e6;
}

static void add_to_total(struct phase_stats *t, const struct phase_stats *s)
{
	struct client_counters zero = {0};
	struct tcp_stats tzero = {0};

	client_counters_add_diff(&t->c, &zero, &s->c);
	tcp_stats_add_diff(&t->tcp, &tzero, &s->tcp);
	hist_add(&t->lat, &s->lat);
	hist_add(&t->lat_uncorrected, &s->lat_uncorrected);
	t->seconds += s->seconds;
	t->end = s->end;
}

static void finish_stats(struct phase_stats *s)
{
	s->rps = s->seconds > 0 ? (double)counters_responses(&s->c) / s->seconds : 0;
}

static void collect_phase(struct phase_stats *s, const struct run_workers *rw, uint32_t i,
			  double t0)
{
	hist_init(&s->lat);
	hist_init(&s->lat_uncorrected);
	for (uint16_t k = 0; k < rw->n; k++)
		merge_phase(s, &rw->w[k].results[i], t0, rw->w[k].start_us);
	finish_stats(s);
}

/* Port k: its workers' interface counters and the NIC's, added to the totals. */
static void collect_one_port(struct run_outcome *o, const struct run_workers *rw, uint16_t k)
{
	const struct run_port *rp = &rw->ports[k];
	struct run_port_outcome *po = &o->ports[k];
	static const struct net_stats zero;
	static const struct net_port_stats port_zero;

	*po = (struct run_port_outcome){.name = rp->port->name, .driver = rp->port->driver,
					.socket = rp->port->socket_id,
					.steering = steer_mode_name(rp->mode), .n_workers = rp->n};
	for (uint16_t g = rp->first; g < rp->first + rp->n; g++)
		net_stats_add_diff(&po->net, &zero, &rw->w[g].ifc.stats);
	net_port_stats_read(rp->port->port_id, &po->port);
	net_stats_add_diff(&o->net, &zero, &po->net);
	net_port_stats_add_diff(&o->port, &port_zero, &po->port);
	if (k > 0 && rw->ports[k].mode != rw->ports[0].mode)
		o->steering = "mixed";
}

static void collect_port(struct run_outcome *o, const struct run_workers *rw)
{
	o->steering = steer_mode_name(rw->ports[0].mode);
	o->n_ports = rw->n_ports;
	for (uint16_t k = 0; k < rw->n_ports; k++)
		collect_one_port(o, rw, k);
	o->n_workers = rw->n;
	for (uint16_t k = 0; k < rw->n && k < 64; k++) {
		const struct worker *w = &rw->w[k];
		const struct client_counters *c = client_counters(w->client);
		o->workers[k] = (struct run_worker_stats){
			.lcore = w->lcore_id, .port = rw->port_of[k], .requests = c->requests,
			.responses = counters_responses(c), .rx_pkts = w->ifc.stats.rx_pkts,
			.steer_in = w->ifc.stats.steer_in, .steer_out = w->ifc.stats.steer_out,
			.steer_drop = w->ifc.stats.steer_drop,
			.established_peak = client_established_peak(w->client),
			.busy_share = busy_share(&(struct busy_cycles){0}, &w->lc.busy)};
	}
}

/* Body pattern counts, summed over workers, under each request and pattern name. */
static json_t *collect_validation(const struct run_workers *rw, const struct plan *p)
{
	json_t *arr = json_array();

	for (uint16_t t = 0; t < p->n_tpls; t++) {
		for (size_t i = 0; p->tpls[t].match && i < match_db_count(p->tpls[t].match); i++) {
			uint64_t matched = 0, failed = 0, m, f;
			for (uint16_t k = 0; k < rw->n; k++)
				if (client_pattern_counts(rw->w[k].client, t, i, &m, &f) == 0) {
					matched += m;
					failed += f;
				}
			json_array_append_new(arr, json_pack("{ss ss sI sI}", "request",
				p->tpl_names[t] ? p->tpl_names[t] : "", "pattern",
				match_db_name(p->tpls[t].match, i), "matched", (json_int_t)matched,
				"failed", (json_int_t)failed));
		}
	}
	return arr;
}

/* Server d over the run: its counters and latency summed over workers. */
static void collect_server(struct run_target_outcome *t, const struct run_workers *rw,
			   const struct plan *p, uint8_t d, const struct run_outcome *o)
{
	*t = (struct run_target_outcome){.name = p->targets.dest_names[d],
					 .daddr = p->targets.dests[d].daddr,
					 .dport = p->targets.dests[d].dport,
					 .watch = &silences.t[d]};
	hist_init(&t->lat);
	run_workers_target(rw, d, &t->c);
	for (uint16_t k = 0; k < rw->n; k++) {
		const struct hist *h = client_target_latency(rw->w[k].client, d);
		if (h)
			hist_add(&t->lat, h);
	}
	if (p->targets.n_dests == 1) /* the workers keep no copy: the totals are its own */
		hist_add(&t->lat, &o->total.lat);
}

/* A group: its members' figures added. */
static void collect_group(struct run_target_outcome *t, const struct plan *p, uint8_t r,
			  const struct run_target_outcome *servers)
{
	const struct client_route *rt = &p->targets.routes[r];

	*t = (struct run_target_outcome){.name = p->targets.route_names[r], .group = true,
					 .n_members = rt->n_members};
	hist_init(&t->lat);
	for (uint8_t m = 0; m < rt->n_members; m++) {
		static const struct client_target_counters zero;
		const struct run_target_outcome *s = &servers[rt->member[m]];
		client_target_counters_add_diff(&t->c, &zero, &s->c);
		hist_add(&t->lat, &s->lat);
		t->member[m] = rt->member[m];
		t->weight[m] = rt->weight[m];
	}
}

static bool route_is_group(const struct plan_targets *t, uint8_t r)
{
	return t->routes[r].n_members > 1 ||
	       strcmp(t->route_names[r], t->dest_names[t->routes[r].member[0]]) != 0;
}

/* Per target, when the campaign names more than one server or any group. */
static void collect_targets(const struct run_workers *rw, const struct plan *p,
			    struct run_outcome *o)
{
	const struct plan_targets *pt = &p->targets;
	uint8_t n = pt->n_dests;

	for (uint8_t r = 0; r < pt->n_routes; r++)
		n += route_is_group(pt, r);
	if (pt->n_dests == 0 || (pt->n_dests == 1 && n == 1))
		return;
	o->targets = calloc(n, sizeof(*o->targets));
	if (!o->targets)
		return;
	for (uint8_t d = 0; d < pt->n_dests; d++)
		collect_server(&o->targets[d], rw, p, d, o);
	o->n_targets = pt->n_dests;
	for (uint8_t r = 0; r < pt->n_routes; r++)
		if (route_is_group(pt, r))
			collect_group(&o->targets[o->n_targets++], p, r, o->targets);
}

static void collect(const struct run_workers *rw, const struct plan *p, double t0,
		    struct run_outcome *o)
{
	uint32_t ran = run_workers_phase(rw) + 1;

	o->n_phases = ran < p->n_phases ? ran : p->n_phases;
	hist_init(&o->total.lat);
	hist_init(&o->total.lat_uncorrected);
	o->total.name = "total";
	o->total.start = t0;
	for (uint32_t i = 0; i < o->n_phases; i++) {
		struct phase_stats *s = &o->phases[i];
		s->name = p->phases[i].name;
		s->requested_rate = asked_rate(&p->phases[i].client);
		collect_phase(s, rw, i, t0);
		add_to_total(&o->total, s);
	}
	finish_stats(&o->total);
	o->mem_per_conn = tcp_stack_mem_per_conn(client_tcp(rw->w[0].client));
	o->local_addresses = p->n_local_ips;
	o->interrupted = run_workers_stopped(rw);
	collect_port(o, rw);
	o->validation = collect_validation(rw, p);
	collect_targets(rw, p, o);
}

static int finish(struct run_workers *rw, const struct plan *p, double t0,
		  const struct series *s, struct collector *tel, const struct run_start *start)
{
	struct run_outcome o = {.start = *start};
	int rc;

	o.phases = calloc(p->n_phases, sizeof(*o.phases));
	if (!o.phases)
		return DRENCH_EXIT_RUNTIME;
	collect(rw, p, t0, &o);
	o.telemetry = tel;
	run_telemetry_judge_phases(tel, o.phases, o.n_phases);
	o.leak_free = run_telemetry_verdict_ok(tel);
	bool pass = run_outcome_print(stdout, p, &o);
	bool fault = run_telemetry_judged_missing(tel);
	if (run_report_write(p, &o, s) < 0) {
		fprintf(stderr, "drench run: cannot write %s/report.json\n", p->output);
		rc = DRENCH_EXIT_RUNTIME;
	} else {
		printf("report: %s/report.json\n", p->output);
		rc = fault ? DRENCH_EXIT_RUNTIME : pass ? DRENCH_EXIT_PASS : DRENCH_EXIT_FAIL;
	}
	json_decref(o.validation);
	free(o.targets);
	free(o.phases);
	return rc;
}

static int start_live(const struct plan *p, struct live *l)
{
	if (!p->metrics_listen)
		return 0;
	l->server = metrics_server_create(p->metrics_listen);
	l->text = prom_text_new();
	if (!l->server || !l->text) {
		fprintf(stderr, "drench run: cannot serve metrics on %s: %s\n", p->metrics_listen,
			strerror(errno));
		return -1;
	}
	/* shards of one campaign scraped together: sum(...) by (phase) adds them */
	if (p->n_shards >= 1) {
		static char shard[16];
		snprintf(shard, sizeof(shard), "%u", p->shard);
		prom_text_common_label(l->text, "shard", shard);
	}
	printf("drench: live metrics on http://%s/metrics\n", p->metrics_listen);
	return 0;
}

static void stop_live(struct live *l)
{
	if (l->server)
		metrics_server_free(l->server);
	if (l->text)
		prom_text_free(l->text);
}

/* --start-at: the wait, and what is known of its precision, said aloud */
static int wait_start(const struct plan *p, struct run_start *st)
{
	int rc;

	if (p->start_at > 0)
		printf("drench: waiting for %.3f (in %.1fs)\n", p->start_at, p->start_at - unix_now());
	rc = run_start_wait(p->start_at, &stop_asked, st);
	if (rc == -EINTR) {
		fprintf(stderr, "drench run: interrupted before the start time\n");
		return -1;
	}
	if (p->start_at <= 0)
		return 0;
	if (rc == -ETIME)
		fprintf(stderr, "drench run: warning: the start time had passed: %.3fs late\n",
			st->began - st->asked);
	printf("drench: started %.6fs after the time asked; clock %s, estimated error %.6fs, "
	       "at most %.6fs\n", st->began - st->asked,
	       st->clock_synced ? "synchronized" : "NOT synchronized", st->est_error_s,
	       st->max_error_s);
	return 0;
}

static int launch(struct run_workers *rw, const struct plan *p)
{
	struct run_start start;

	if (wait_start(p, &start) < 0)
		return DRENCH_EXIT_RUNTIME;
	double t0 = unix_now();
	struct series *s = series_create(4096);
	struct live live = {.series = s, .phase = p->phases[0].name};
	struct collector *tel = NULL;
	struct run_tui view;
	int rc;

	run_tui_open(&view, p, p->output);
	if (!s || start_live(p, &live) < 0 ||
	    run_telemetry_start(p, run_tui_live(&view, p), &tel) < 0) {
		run_tui_free(&view);
		stop_live(&live);
		series_free(s);
		return DRENCH_EXIT_USAGE;
	}
	if (run_workers_launch(rw) < 0) {
		run_workers_stop(rw);
		rc = DRENCH_EXIT_RUNTIME;
	} else {
		watch(rw, p, t0, s, &live, tel, &view);
		rc = 0;
	}
	run_tui_close_view(&view);
	run_workers_wait(rw);
	run_telemetry_recover(tel, p, &stop_asked);
	if (rc == 0)
		rc = finish(rw, p, t0, s, tel, &start);
	run_telemetry_stop(tel);
	run_tui_free(&view);
	stop_live(&live);
	series_free(s);
	return rc;
}

/* the plan of one port: "drench: port P (DRIVER, socket S, ... checksums) ->
 * lcores 1,2 (queues 0-1), local ports A-B" */
static void print_port_plan(const struct run_workers *rw, const struct run_port *rp)
{
	printf("drench: port %s (%s, socket %d, %s checksums) -> lcore%s ", rp->port->name,
	       rp->port->driver, rp->port->socket_id,
	       rp->port->ofl.tx_tcp_cksum ? "hardware" : "software", rp->n == 1 ? "" : "s");
	for (uint16_t g = rp->first; g < rp->first + rp->n; g++)
		printf("%s%u", g == rp->first ? "" : ",", rw->w[g].lcore_id);
	if (rp->n == 1)
		printf(" (queue 0)");
	else
		printf(" (queues 0-%u)", rp->n - 1);
	printf(", local ports %u-%u\n", rp->port_min, rp->port_max);
}

static void print_start(const struct net_port *port, const struct plan *p,
			const struct run_workers *rw)
{
	struct tcp_stack *tcp = client_tcp(rw->w[0].client);

	if (rw->n_ports == 1)
		printf("drench: port %s (%s, socket %d), %s checksums, target %u.%u.%u.%u:%u, "
		       "%u phase(s)\n",
		       port->name, port->driver, port->socket_id,
		       port->ofl.tx_tcp_cksum ? "hardware" : "software", p->daddr >> 24,
		       (p->daddr >> 16) & 255, (p->daddr >> 8) & 255, p->daddr & 255, p->dport,
		       p->n_phases);
	else
		printf("drench: %u ports, target %u.%u.%u.%u:%u on each, %u phase(s)\n",
		       rw->n_ports, p->daddr >> 24, (p->daddr >> 16) & 255,
		       (p->daddr >> 8) & 255, p->daddr & 255, p->dport, p->n_phases);
	for (uint16_t k = 0; k < rw->n_ports; k++)
		print_port_plan(rw, &rw->ports[k]);
	printf("drench: %u local address%s from %u.%u.%u.%u, table %u connections per worker, "
	       "%zu bytes per connection\n",
	       p->n_local_ips, p->n_local_ips == 1 ? "" : "es", p->local_ip >> 24,
	       (p->local_ip >> 16) & 255, (p->local_ip >> 8) & 255, p->local_ip & 255,
	       tcp_stack_capacity(tcp), tcp_stack_mem_per_conn(tcp));
	static const char *const tw[] = {[TCP_TW_2MSL] = "2msl", [TCP_TW_RESET] = "reset",
					 [TCP_TW_REUSE] = "reuse (1 s with timestamps)"};
	printf("drench: tcp: ISN per RFC 6528 (a fresh key), ports from a random slot per "
	       "worker, timestamps and SACK offered, time_wait %s\n", tw[p->time_wait]);
	if (p->n_shards > 1)
		printf("drench: shard %u of 0-%u: its own %s, local ports %u-%u\n", p->shard,
		       p->n_shards - 1, p->shard_by_port ? "ports" : "addresses", p->port_min,
		       p->port_max);
}

/* Each server's address (or its gateway) on every port; -1, or the index of
 * the server that got no answer. */
static int resolve_targets(struct run_workers *rw, const struct plan *p, uint16_t *port)
{
	if (p->targets.n_dests == 0 && p->target_ip6) /* neighbour discovery */
		return run_workers_resolve6(rw, &p->daddr6, port) < 0 ? 0 : -1;
	if (p->targets.n_dests == 0)
		return run_workers_resolve(rw, p->daddr, port) < 0 ? 0 : -1;
	for (uint8_t d = 0; d < p->targets.n_dests; d++)
		if (run_workers_resolve(rw, p->targets.dests[d].daddr, port) < 0)
			return d;
	return -1;
}

/* "drench: targets nginx-a 198.18.0.1:80, pool = 3 x nginx-a + 1 x nginx-b" */
static void print_targets(const struct plan *p)
{
	const struct plan_targets *t = &p->targets;

	if (t->n_dests <= 1 && t->n_routes <= 1)
		return;
	printf("drench: targets");
	for (uint8_t d = 0; d < t->n_dests; d++)
		printf("%s %s %u.%u.%u.%u:%u", d ? "," : "", t->dest_names[d],
		       t->dests[d].daddr >> 24, (t->dests[d].daddr >> 16) & 255,
		       (t->dests[d].daddr >> 8) & 255, t->dests[d].daddr & 255, t->dests[d].dport);
	for (uint8_t r = 0; r < t->n_routes; r++) {
		const struct client_route *rt = &t->routes[r];
		if (rt->n_members == 1 && !strcmp(t->route_names[r], t->dest_names[rt->member[0]]))
			continue;
		printf(", %s =", t->route_names[r]);
		for (uint8_t m = 0; m < rt->n_members; m++)
			printf("%s %u x %s", m ? " +" : "", rt->weight[m],
			       t->dest_names[rt->member[m]]);
	}
	printf("\n");
}

static int run_on_ports(const struct plan *p, struct net_port *ports)
{
	static struct run_workers rw;
	uint16_t silent = 0;
	int rc;

	if (run_workers_setup(&rw, p, ports) < 0) {
		run_workers_free(&rw);
		return DRENCH_EXIT_USAGE;
	}
	print_start(&ports[0], p, &rw);
	print_targets(p);
	run_workers_steer(&rw, p);
	int who = resolve_targets(&rw, p, &silent);
	if (who >= 0) {
		fprintf(stderr, "drench run: no %s answer from the target %s or its gateway on "
				"port %s\n", p->target_ip6 ? "neighbour discovery" : "ARP",
			p->targets.n_dests ? p->targets.dest_names[who] : "",
			ports[silent].name);
		rc = DRENCH_EXIT_RUNTIME;
	} else {
		rc = launch(&rw, p);
	}
	run_workers_free(&rw);
	return rc;
}

/* Each port with its own mempool (on its socket) and its share of the
 * workers as queues; 0, or -1 with the ports opened so far closed. */
static int open_ports(const struct plan *p, struct net_port *ports)
{
	if (p->n_ports > run_workers_count()) {
		fprintf(stderr, "drench run: %u ports but %u worker lcore%s: one lcore polls one "
				"port\n", p->n_ports, run_workers_count(),
			run_workers_count() == 1 ? "" : "s");
		return -1;
	}
	for (uint16_t k = 0; k < p->n_ports; k++) {
		struct net_port_conf pc = {
			.dev = p->devs[k], .n_queues = run_workers_queues(p->n_ports, k),
			.rx_desc = 4096, .tx_desc = 1024, .mtu = p->mtu, .n_mbufs = 16383,
		};
		if (net_port_open(&pc, &ports[k]) < 0) {
			while (k-- > 0)
				net_port_close(&ports[k]);
			return -1;
		}
	}
	return 0;
}

static int execute(const struct plan *p)
{
	static struct net_port ports[PLAN_MAX_PORTS];
	int rc;

	if (eal_start("run", p->lcores, p->devs, p->n_ports) < 0)
		return DRENCH_EXIT_RUNTIME;
	if (drench_telemetry_register() < 0) /* the run goes on without its commands */
		fprintf(stderr, "drench run: cannot register the /drench telemetry commands\n");
	stop_signal_install();
	if (open_ports(p, ports) < 0) {
		rc = DRENCH_EXIT_RUNTIME;
	} else {
		rc = run_on_ports(p, ports);
		for (uint16_t k = 0; k < p->n_ports; k++)
			net_port_close(&ports[k]);
	}
	rte_eal_cleanup();
	return rc;
}

/* built is what building the plan returned */
static int run_plan(int built, struct plan *plan)
{
	int rc = DRENCH_EXIT_USAGE;

	if (built >= 0) {
		plan_apply_shard(plan);
		rc = execute(plan);
	}
	plan_free(plan);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	static struct plan plan;
	static struct campaign campaign;
	struct run_opts o;
	int rc = run_opts_parse(argc, argv, &o);

	if (rc != 0)
		return rc > 0 ? DRENCH_EXIT_PASS : DRENCH_EXIT_USAGE;
	if (!o.campaign)
		return run_plan(plan_from_flags(&o, &plan), &plan);
	if (plan_campaign_load(o.campaign, o.overrides, o.n_overrides, &campaign) < 0)
		return DRENCH_EXIT_USAGE;
	/* role: responder runs the built-in responder, as drench serve does */
	if (campaign.role == CAMPAIGN_ROLE_RESPONDER)
		rc = run_responder_campaign(&campaign, &o);
	else
		rc = run_plan(plan_from_campaign(&campaign, &o, &plan), &plan);
	campaign_free(&campaign);
	return rc;
}
