/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>

#include "expect.h"
#include "expect-json.h"
#include "csv.h"
#include "html.h"
#include "out-file.h"
#include "prom-text.h"
#include "report.h"
#include "report-series.h"
#include "report-counters.h"
#include "net.h"
#include "phase-report.h"
#include "plan-shard.h"
#include "run-report.h"
#include "run-targets.h"
#include "hist.h"
#include "collector.h"
#include "report-prom.h"
#include "console.h"

#define MAX_FAILURES 16

/* Per-worker counts (they add up to the totals) and how replies were steered. */
static void add_workers(json_t *rep, const struct run_outcome *o)
{
	json_t *arr = json_array();
	uint64_t peak = 0;

	for (uint16_t i = 0; i < o->n_workers; i++) {
		const struct run_worker_stats *w = &o->workers[i];
		json_t *obj;

		peak += w->established_peak;
		obj = json_pack("{sI sI sI sI sI sI sI sI}",
			"lcore", (json_int_t)w->lcore, "requests", (json_int_t)w->requests,
			"responses", (json_int_t)w->responses, "rx_packets", (json_int_t)w->rx_pkts,
			"steered_in", (json_int_t)w->steer_in, "steered_out", (json_int_t)w->steer_out,
			"steer_drops", (json_int_t)w->steer_drop,
			"established_peak", (json_int_t)w->established_peak);
		if (w->port < o->n_ports)
			json_object_set_new(obj, "port", json_string(o->ports[w->port].name));
		json_object_set_new(obj, "busy_share", isfinite(w->busy_share)
							       ? json_real(w->busy_share)
							       : json_null());
		json_array_append_new(arr, obj);
	}
	json_object_set_new(rep, "workers", arr);
	/* each worker's peak, added: the most that can have been open at once */
	json_object_set_new(rep, "established_peak", json_integer((json_int_t)peak));
	json_object_set_new(rep, "steering", json_string(o->steering ? o->steering : "none"));
}

/* The run's port and net counters are the totals over its ports (what a
 * one-port report always had); ports[] has each port's own, with its
 * workers' request and response counts. */
static void add_port(json_t *rep, const struct run_outcome *o)
{
	json_t *arr = json_array();

	json_object_set_new(rep, "port", report_counters_json(&net_port_stats_table, &o->port));
	json_object_set_new(rep, "net", report_counters_json(&net_stats_table, &o->net));
	json_object_set_new(rep, "tcp", report_counters_json(&tcp_stats_table, &o->total.tcp));
	for (uint16_t k = 0; k < o->n_ports; k++) {
		const struct run_port_outcome *po = &o->ports[k];
		uint64_t req = 0, resp = 0;
		for (uint16_t i = 0; i < o->n_workers && i < 64; i++)
			if (o->workers[i].port == k) {
				req += o->workers[i].requests;
				resp += o->workers[i].responses;
			}
		json_t *obj = json_pack("{ss ss si ss si sI sI}", "name", po->name, "driver",
					po->driver, "socket", po->socket, "steering", po->steering,
					"workers", (int)po->n_workers, "requests", (json_int_t)req,
					"responses", (json_int_t)resp);
		json_object_set_new(obj, "port", report_counters_json(&net_port_stats_table, &po->port));
		json_object_set_new(obj, "net", report_counters_json(&net_stats_table, &po->net));
		json_array_append_new(arr, obj);
	}
	json_object_set_new(rep, "ports", arr);
}

/* report.html, metrics.prom, series.csv, as the plan asks */
static int write_formats(const struct plan *p, const json_t *rep, const struct series *s)
{
	char path[PATH_MAX];
	int rc = 0;

	if (p->formats & CAMPAIGN_FORMAT_HTML) {
		snprintf(path, sizeof(path), "%s/report.html", p->output);
		rc = rc ? rc : report_html_write(path, rep, s);
	}
	if (p->formats & CAMPAIGN_FORMAT_PROM) {
		snprintf(path, sizeof(path), "%s/metrics.prom", p->output);
		rc = rc ? rc : report_prom_write_all(path, rep);
	}
	if ((p->formats & CAMPAIGN_FORMAT_CSV) && s) {
		snprintf(path, sizeof(path), "%s/series.csv", p->output);
		rc = rc ? rc : report_csv_write(path, s);
	}
	return rc;
}

int run_report_write(const struct plan *p, const struct run_outcome *o, const struct series *s)
{
	char path[PATH_MAX];
	json_t *rep = report_new();
	bool pass = !o->interrupted;
	int rc;

	if (!rep)
		return -ENOMEM;
	rc = out_dir_make(p->output);
	if (rc < 0) {
		json_decref(rep);
		return rc;
	}
	for (uint32_t i = 0; i < o->n_phases; i++) {
		json_t *ph = phase_report_add(rep, &o->phases[i], p->phases[i].expect, &pass);
		json_object_set_new(ph, "expect", expect_json(p->phases[i].expect));
		if (p->phases[i].step_of) /* report.html draws a steps ramp as one band */
			json_object_set_new(ph, "step_of", json_string(p->phases[i].step_of));
	}
	pass &= phase_report_gate(rep, p->expect, &o->total);
	if (o->telemetry)
		collector_report_targets(o->telemetry, rep);
	run_targets_report(rep, p, o, &pass);
	pass &= o->leak_free;
	json_object_set_new(rep, "interrupted", json_boolean(o->interrupted));
	json_object_set_new(rep, "bytes_per_connection", json_integer((json_int_t)o->mem_per_conn));
	json_object_set_new(rep, "local_addresses", json_integer(o->local_addresses));
	add_port(rep, o);
	add_workers(rep, o);
	json_object_set_new(rep, "campaign", json_pack("{ss ss}", "name", p->campaign_name ?
		p->campaign_name : "", "digest", p->campaign_digest));
	json_object_set_new(rep, "shard", plan_shard_json(p));
	json_object_set_new(rep, "expect", expect_json(p->expect));
	json_object_set_new(rep, "series", report_series_json(s, o->total.start));
	if (o->start.asked > 0)
		json_object_set_new(rep, "start", run_start_json(&o->start));
	if (o->validation)
		json_object_set(rep, "validation", o->validation);
	report_set_verdict(rep, pass);
	snprintf(path, sizeof(path), "%s/report.json", p->output);
	rc = report_write(rep, path);
	if (rc == 0)
		rc = write_formats(p, rep, s);
	json_decref(rep);
	return rc;
}

static void print_phase(FILE *f, const struct phase_stats *s)
{
	const struct client_counters *c = &s->c;

	fprintf(f, "%-16s %6.1fs req %9" PRIu64 " rps %9.0f  2xx %" PRIu64 " 3xx %" PRIu64
		   " 4xx %" PRIu64 " 5xx %" PRIu64 "  err conn %" PRIu64 " tmo %" PRIu64
		   " rst %" PRIu64 " parse %" PRIu64 " valid %" PRIu64 "\n",
		s->name, s->seconds, c->requests, s->rps, c->responses[CLIENT_2XX],
		c->responses[CLIENT_3XX], c->responses[CLIENT_4XX], c->responses[CLIENT_5XX],
		c->err_connect, c->err_timeout, c->err_reset, c->err_parse, c->err_validation);
	fprintf(f, "%-16s latency us p50 %" PRIu64 " p90 %" PRIu64 " p99 %" PRIu64
		   " p99.9 %" PRIu64 " max %" PRIu64,
		"", hist_percentile(&s->lat, 50), hist_percentile(&s->lat, 90),
		hist_percentile(&s->lat, 99), hist_percentile(&s->lat, 99.9), hist_max(&s->lat));
	if (s->requested_rate > 0)
		fprintf(f, "  (uncorrected p99 %" PRIu64 ", asked %.0f/s, delayed %" PRIu64 ")",
			hist_percentile(&s->lat_uncorrected, 99), s->requested_rate, c->delayed);
	fprintf(f, "\n");
}

static bool print_gate(FILE *f, const char *name, const struct campaign_expect *e,
		       const struct phase_stats *s)
{
	struct expect_failure fails[MAX_FAILURES];
	size_t n = expect_check(e, s, fails, MAX_FAILURES);

	for (size_t i = 0; i < n && i < MAX_FAILURES; i++)
		fprintf(f, "FAIL %s: %s\n", name, fails[i].what);
	return n == 0;
}

bool run_outcome_print(FILE *f, const struct plan *p, const struct run_outcome *o)
{
	bool pass = !o->interrupted;
	const struct tcp_stats *t = &o->total.tcp;

	fprintf(f, "\n--- drench summary ---\n");
	for (uint32_t i = 0; i < o->n_phases; i++)
		print_phase(f, &o->phases[i]);
	if (o->n_phases > 1)
		print_phase(f, &o->total);
	fprintf(f, "body bytes %" PRIu64 "; tcp retrans rto %" PRIu64 " fast %" PRIu64
		   " syn %" PRIu64 ", tail loss probes %" PRIu64 ", rst rx %" PRIu64
		   ", out-of-order queued %" PRIu64 "\n",
		o->total.c.body_bytes, t->retrans_rto, t->retrans_fast, t->retrans_syn,
		t->tlp_probes, t->conn_reset_rx, t->ooo_queued);
	if (o->total.c.port_waits)
		fprintf(f, "ports: %" PRIu64 " waits for a free (address, port), %.3f s in all, "
			   "%" PRIu64 " ports reused from TIME_WAIT: more local addresses "
			   "(rig.local_ips, --local-ip) or time_wait reuse/reset would lift the cap\n",
			o->total.c.port_waits, (double)o->total.c.port_wait_us / 1e6,
			t->time_wait_reused);
	fprintf(f, "port: rx %" PRIu64 " missed %" PRIu64 " errors %" PRIu64 ", tx %" PRIu64
		   " errors %" PRIu64 "; dropped: tcp checksum %" PRIu64 ", tx ring full %" PRIu64
		   ", no mbuf %" PRIu64 "\n",
		o->port.ipackets, o->port.imissed, o->port.ierrors, o->port.opackets, o->port.oerrors,
		o->net.drop_tcp_cksum, o->net.tx_full, o->net.tx_nombuf);
	console_nonzero(f, "tcp drops:", &tcp_stats_table, t, "drop_");
	console_nonzero(f, "net drops:", &net_stats_table, &o->net, "drop_");
	for (uint16_t k = 0; o->n_ports > 1 && k < o->n_ports; k++)
		fprintf(f, "  port %s: rx %" PRIu64 " missed %" PRIu64 ", tx %" PRIu64
			   " errors %" PRIu64 "\n", o->ports[k].name, o->ports[k].port.ipackets,
			o->ports[k].port.imissed, o->ports[k].port.opackets,
			o->ports[k].port.oerrors);
	pass &= run_targets_print(f, p, o);
	for (uint32_t i = 0; i < o->n_phases; i++)
		pass &= print_gate(f, o->phases[i].name, p->phases[i].expect, &o->phases[i]);
	pass &= print_gate(f, "campaign", p->expect, &o->total);
	if (!o->leak_free) {
		fprintf(f, "FAIL memory: a target leaks (see targets in report.json)\n");
		pass = false;
	}
	if (o->interrupted)
		fprintf(f, "interrupted: the campaign did not run to its end\n");
	fprintf(f, "verdict: %s\n", pass ? "pass" : "fail");
	return pass;
}
