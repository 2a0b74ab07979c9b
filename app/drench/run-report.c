/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "report/report.h"
#include "run-report.h"
#include "stats/hist.h"

bool run_result_pass(const struct run_result *r)
{
	const struct client_counters *c = &r->snap.client;

	return c->err_connect + c->err_timeout + c->err_reset + c->err_parse +
		       c->err_validation == 0 &&
	       c->requests == snapshot_responses(&r->snap);
}

static void fill_phase(struct report_phase *p, const struct run_result *r)
{
	const struct client_counters *c = &r->snap.client;

	p->name = r->phase_name;
	p->start = r->start;
	p->end = r->end;
	p->requests = c->requests;
	for (int i = 0; i < REPORT_N_STATUS_CLASSES; i++)
		p->responses[i] = c->responses[i];
	p->err_connect = c->err_connect;
	p->err_timeout = c->err_timeout;
	p->err_reset = c->err_reset;
	p->err_parse = c->err_parse;
	p->err_validation = c->err_validation;
	p->rps = r->load_s > 0 ? (double)snapshot_responses(&r->snap) / r->load_s : 0;
	p->p50 = (double)hist_percentile(r->lat, 50);
	p->p90 = (double)hist_percentile(r->lat, 90);
	p->p99 = (double)hist_percentile(r->lat, 99);
	p->p999 = (double)hist_percentile(r->lat, 99.9);
	p->max = (double)hist_max(r->lat);
}

/* Fields beyond the contract: what a user needs to trust the figures. */
static void add_details(json_t *phase, const struct run_result *r)
{
	const struct tcp_stats *t = &r->snap.tcp;

	json_object_set_new(phase, "body_bytes", json_integer((json_int_t)r->snap.client.body_bytes));
	json_object_set_new(phase, "responses_other",
			    json_integer((json_int_t)r->snap.client.responses[CLIENT_OTHER]));
	json_object_set_new(phase, "tcp", json_pack("{sI sI sI sI sI sI sI sI}",
		"retrans_rto", (json_int_t)t->retrans_rto,
		"retrans_fast", (json_int_t)t->retrans_fast,
		"retrans_syn", (json_int_t)t->retrans_syn,
		"conn_established", (json_int_t)t->conn_established,
		"rst_rx", (json_int_t)t->conn_reset_rx,
		"ooo_queued", (json_int_t)t->ooo_queued,
		"ooo_drop_full", (json_int_t)t->ooo_drop_full,
		"drop_bad_seq", (json_int_t)t->drop_bad_seq));
	json_object_set_new(phase, "bytes_per_connection", json_integer((json_int_t)r->mem_per_conn));
}

int run_report_write(const char *dir, const struct run_result *r)
{
	char path[PATH_MAX];
	struct report_phase p;
	json_t *rep = report_new();
	int rc;

	if (!rep)
		return -ENOMEM;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		rc = -errno;
		json_decref(rep);
		return rc;
	}
	fill_phase(&p, r);
	add_details(report_add_phase(rep, &p), r);
	report_set_verdict(rep, run_result_pass(r));
	snprintf(path, sizeof(path), "%s/report.json", dir);
	rc = report_write(rep, path);
	json_decref(rep);
	return rc;
}
