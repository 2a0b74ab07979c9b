/* SPDX-License-Identifier: BSD-3-Clause */
#include "dpdk-telemetry.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "phase-stats.h"

#define TEL_MAX_WORKERS 64

struct tel_worker {
	unsigned lcore;
	char port[64]; /* the device name of the port it polls */
	uint64_t requests, responses, rx_packets;
	uint32_t open_conns;
	double busy_share; /* since the previous publish, [0, 1]; NAN: unknown */
};

/* what the main lcore published last; read by DPDK's telemetry thread */
static struct {
	pthread_mutex_t mu;
	bool started, finished;
	char phase[64];
	uint32_t phase_index, n_phases;
	double elapsed_s, phase_length_s;
	struct run_snapshot snap;
	double rps, p50_us, p99_us, p999_us;
	uint16_t n_workers;
	struct tel_worker w[TEL_MAX_WORKERS];
	struct busy_cycles busy_was[TEL_MAX_WORKERS]; /* at the previous publish */
} pub = {.mu = PTHREAD_MUTEX_INITIALIZER};

static uint64_t us_or_zero(double v)
{
	return isfinite(v) && v > 0 ? (uint64_t)v : 0;
}

static int stats_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct client_counters *c = &pub.snap.client;
	const struct tcp_stats *t = &pub.snap.tcp;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&pub.mu);
	rte_tel_data_add_dict_u64(d, "requests", c->requests);
	rte_tel_data_add_dict_u64(d, "responses_2xx", c->responses[CLIENT_2XX]);
	rte_tel_data_add_dict_u64(d, "responses_3xx", c->responses[CLIENT_3XX]);
	rte_tel_data_add_dict_u64(d, "responses_4xx", c->responses[CLIENT_4XX]);
	rte_tel_data_add_dict_u64(d, "responses_5xx", c->responses[CLIENT_5XX]);
	rte_tel_data_add_dict_u64(d, "errors_connect", c->err_connect);
	rte_tel_data_add_dict_u64(d, "errors_timeout", c->err_timeout);
	rte_tel_data_add_dict_u64(d, "errors_reset", c->err_reset);
	rte_tel_data_add_dict_u64(d, "errors_parse", c->err_parse);
	rte_tel_data_add_dict_u64(d, "errors_validation", c->err_validation);
	rte_tel_data_add_dict_u64(d, "retrans_rto", t->retrans_rto);
	rte_tel_data_add_dict_u64(d, "retrans_fast", t->retrans_fast);
	rte_tel_data_add_dict_u64(d, "retrans_syn", t->retrans_syn);
	rte_tel_data_add_dict_u64(d, "tlp_probes", t->tlp_probes);
	rte_tel_data_add_dict_u64(d, "open_connections", pub.snap.open_conns);
	rte_tel_data_add_dict_u64(d, "responses_per_s", us_or_zero(pub.rps));
	rte_tel_data_add_dict_u64(d, "latency_p50_us", us_or_zero(pub.p50_us));
	rte_tel_data_add_dict_u64(d, "latency_p99_us", us_or_zero(pub.p99_us));
	rte_tel_data_add_dict_u64(d, "latency_p999_us", us_or_zero(pub.p999_us));
	pthread_mutex_unlock(&pub.mu);
	return 0;
}

/* Every TCP counter, under its report.json key */
static int tcp_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&pub.mu);
	for (size_t i = 0; i < tcp_stats_table.n; i++)
		rte_tel_data_add_dict_u64(d, tcp_stats_table.fields[i].key,
					  counter_get(&pub.snap.tcp, &tcp_stats_table.fields[i]));
	pthread_mutex_unlock(&pub.mu);
	return 0;
}

static int phase_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&pub.mu);
	rte_tel_data_add_dict_string(d, "state",
				     !pub.started   ? "starting"
				     : pub.finished ? "finished"
						    : "running");
	rte_tel_data_add_dict_string(d, "name", pub.phase);
	rte_tel_data_add_dict_u64(d, "index", pub.phase_index);
	rte_tel_data_add_dict_u64(d, "count", pub.n_phases);
	rte_tel_data_add_dict_u64(d, "run_elapsed_ms", us_or_zero(pub.elapsed_s * 1e3));
	rte_tel_data_add_dict_u64(d, "phase_length_ms", us_or_zero(pub.phase_length_s * 1e3));
	pthread_mutex_unlock(&pub.mu);
	return 0;
}

static struct rte_tel_data *worker_dict(const struct tel_worker *w)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "lcore", w->lcore);
	rte_tel_data_add_dict_string(d, "port", w->port);
	rte_tel_data_add_dict_u64(d, "requests", w->requests);
	rte_tel_data_add_dict_u64(d, "responses", w->responses);
	rte_tel_data_add_dict_u64(d, "rx_packets", w->rx_packets);
	rte_tel_data_add_dict_u64(d, "open_connections", w->open_conns);
	/* DPDK 22.11 dicts carry no real numbers: thousandths; absent when unknown */
	if (isfinite(w->busy_share))
		rte_tel_data_add_dict_u64(d, "busy_permille",
					  (uint64_t)lround(w->busy_share * 1000));
	return d;
}

static int workers_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&pub.mu);
	for (uint16_t i = 0; i < pub.n_workers; i++) {
		char name[32];
		struct rte_tel_data *w = worker_dict(&pub.w[i]);

		snprintf(name, sizeof(name), "worker%u", i);
		if (w != NULL)
			rte_tel_data_add_dict_container(d, name, w, 0);
	}
	pthread_mutex_unlock(&pub.mu);
	return 0;
}

int drench_telemetry_register(void)
{
	int rc = rte_telemetry_register_cmd("/drench/stats", stats_cmd,
					    "Counters since the start, rates and latency of the "
					    "last second. No parameters");

	if (rc == 0)
		rc = rte_telemetry_register_cmd("/drench/phase", phase_cmd,
						"The phase running now. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/drench/workers", workers_cmd,
						"Per worker lcore counters. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/drench/tcp", tcp_cmd,
						"Every TCP counter since the start. No parameters");
	return rc;
}

void drench_telemetry_publish(const struct run_workers *rw, const struct plan *p, uint32_t phase,
			      double elapsed_s, const struct run_snapshot *cur, double rps,
			      const struct series_point *pt)
{
	pthread_mutex_lock(&pub.mu);
	pub.started = true;
	snprintf(pub.phase, sizeof(pub.phase), "%s", p->phases[phase].name);
	pub.phase_index = phase;
	pub.n_phases = p->n_phases;
	pub.elapsed_s = elapsed_s;
	pub.phase_length_s = (double)p->phases[phase].client.duration_us / 1e6;
	pub.snap = *cur;
	pub.rps = rps;
	pub.p50_us = pt ? pt->p50_us : NAN;
	pub.p99_us = pt ? pt->p99_us : NAN;
	pub.p999_us = pt ? pt->p999_us : NAN;
	pub.n_workers = rw->n < TEL_MAX_WORKERS ? rw->n : TEL_MAX_WORKERS;
	for (uint16_t i = 0; i < pub.n_workers; i++) {
		const struct worker *w = &rw->w[i];
		const struct client_counters *c = client_counters(w->client);

		struct busy_cycles now = i < cur->n_workers ? cur->busy[i] : w->lc.busy;

		pub.w[i] = (struct tel_worker){w->lcore_id,
					       "",
					       c->requests,
					       counters_responses(c),
					       w->ifc.stats.rx_pkts,
					       client_open_conns(w->client),
					       busy_share(&pub.busy_was[i], &now)};
		pub.busy_was[i] = now;
		snprintf(pub.w[i].port, sizeof(pub.w[i].port), "%s",
			 rw->ports[rw->port_of[i]].port->name);
	}
	pthread_mutex_unlock(&pub.mu);
}

void drench_telemetry_finished(void)
{
	pthread_mutex_lock(&pub.mu);
	pub.finished = true;
	pthread_mutex_unlock(&pub.mu);
}
