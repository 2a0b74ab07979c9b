/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "phase-report.h"
#include "report-hist.h"
#include "report.h"
#include "report-counters.h"
#include "hist.h"

#define MAX_FAILURES 16

struct field {
	const char *name;
	size_t off; /* of a uint64_t in the struct */
};

#define TS(n, f) {n, offsetof(struct tcp_stats, f)}

/* TCP counters the report also shows among the connections */
static const struct field connection_tcp_fields[] = {
	TS("time_wait_reused", time_wait_reused), TS("aborted", conn_aborted),
};
/* counters added after the first shard reports: 0 when a report lacks them
 * (any key of the phase's tcp object may be missing too) */
static const char *const later_fields[] = {"port_waits", "port_wait_us", "time_wait_reused",
					      "aborted"};
static const char *const class_names[] = {"2xx", "3xx", "4xx", "5xx"};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static json_t *fields_json(const void *base, const struct field *f, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, f[i].name, json_integer((json_int_t)*(const uint64_t *)
			((const char *)base + f[i].off)));
	return o;
}

static bool added_later(const char *name)
{
	for (size_t i = 0; i < sizeof(later_fields) / sizeof(later_fields[0]); i++)
		if (!strcmp(name, later_fields[i]))
			return true;
	return false;
}

static int fields_read(const json_t *o, void *base, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(o, f[i].name);
		if (v == NULL && o != NULL && added_later(f[i].name)) {
			*(uint64_t *)((char *)base + f[i].off) = 0;
			continue;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -EINVAL;
		*(uint64_t *)((char *)base + f[i].off) = (uint64_t)json_integer_value(v);
	}
	return 0;
}

static void fill_phase(struct report_phase *rp, const struct phase_stats *s)
{
	const struct client_counters *c = &s->c;

	rp->name = s->name;
	rp->start = s->start;
	rp->end = s->end;
	rp->requests = c->requests;
	for (int i = 0; i < REPORT_N_STATUS_CLASSES; i++)
		rp->responses[i] = c->responses[i];
	rp->err_connect = c->err_connect;
	rp->err_timeout = c->err_timeout;
	rp->err_reset = c->err_reset;
	rp->err_parse = c->err_parse;
	rp->err_validation = c->err_validation;
	rp->rps = s->rps;
	/* no response, no latency: null rather than a misleading 0 */
	bool none = hist_count(&s->lat) == 0;
	rp->p50 = none ? NAN : (double)hist_percentile(&s->lat, 50);
	rp->p90 = none ? NAN : (double)hist_percentile(&s->lat, 90);
	rp->p99 = none ? NAN : (double)hist_percentile(&s->lat, 99);
	rp->p999 = none ? NAN : (double)hist_percentile(&s->lat, 99.9);
	rp->max = none ? NAN : (double)hist_max(&s->lat);
}

static json_t *latency_json(const struct hist *h)
{
	return json_pack("{sI sI sI sI sI}", "p50", (json_int_t)hist_percentile(h, 50),
			 "p90", (json_int_t)hist_percentile(h, 90), "p99",
			 (json_int_t)hist_percentile(h, 99), "p999",
			 (json_int_t)hist_percentile(h, 99.9), "max", (json_int_t)hist_max(h));
}

/* Fields beyond the contract: what a user needs to trust the figures. */
static void add_details(json_t *phase, const struct phase_stats *s)
{
	/* the client's counters by their groups: the phase, errors, connections */
	report_counters_put(phase, &client_counters_table, &s->c, true);
	json_object_set_new(phase, "responses_other",
			    json_integer((json_int_t)s->c.responses[CLIENT_OTHER]));
	json_object_set_new(phase, "requested_rate", json_real(s->requested_rate));
	json_object_set_new(phase, "latency_uncorrected_us", latency_json(&s->lat_uncorrected));
	json_t *conns_tcp = fields_json(&s->tcp, connection_tcp_fields, N(connection_tcp_fields));

	json_object_update(json_object_get(phase, "connections"), conns_tcp);
	json_decref(conns_tcp);
	json_object_set_new(phase, "tcp", report_counters_json(&tcp_stats_table, &s->tcp));
	/* mergeable: drench merge adds these over the shards */
	json_object_set_new(phase, "histogram", report_hist_json(&s->lat));
	json_object_set_new(phase, "histogram_uncorrected", report_hist_json(&s->lat_uncorrected));
	json_object_set_new(phase, "seconds", json_real(s->seconds));
}

bool phase_report_gate(json_t *obj, const struct campaign_expect *e, const struct phase_stats *s)
{
	struct expect_failure fails[MAX_FAILURES];
	size_t n = expect_check(e, s, fails, MAX_FAILURES);
	json_t *arr = json_array();

	for (size_t i = 0; i < n && i < MAX_FAILURES; i++)
		json_array_append_new(arr, json_string(fails[i].what));
	json_object_set_new(obj, "expect_failures", arr);
	return n == 0;
}

json_t *phase_report_add(json_t *r, const struct phase_stats *s, const struct campaign_expect *e,
			 bool *pass)
{
	struct report_phase rp;

	fill_phase(&rp, s);
	json_t *ph = report_add_phase(r, &rp);
	if (!ph)
		return NULL;
	add_details(ph, s);
	if (!phase_report_gate(ph, e, s))
		*pass = false;
	return ph;
}

static int bad(char *err, size_t len, const char *what)
{
	snprintf(err, len, "%s: missing or not what drench writes", what);
	return -EINVAL;
}

static double number(const json_t *ph, const char *key)
{
	const json_t *v = json_object_get(ph, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static bool any_key(const char *key)
{
	(void)key;
	return true;
}

static int read_counts(const json_t *ph, struct phase_stats *s, char *err, size_t len)
{
	const json_t *resp = json_object_get(ph, "responses"), *v;

	for (size_t i = 0; i < N(class_names); i++) {
		v = json_object_get(resp, class_names[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return bad(err, len, "responses");
		s->c.responses[i] = (uint64_t)json_integer_value(v);
	}
	v = json_object_get(ph, "responses_other");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(err, len, "responses_other");
	s->c.responses[CLIENT_OTHER] = (uint64_t)json_integer_value(v);
	if (report_counters_read(ph, &client_counters_table, &s->c, true, added_later) < 0)
		return bad(err, len, "requests, body_bytes, delayed, errors or connections");
	if (fields_read(json_object_get(ph, "connections"), &s->tcp, connection_tcp_fields,
			N(connection_tcp_fields)) < 0)
		return bad(err, len, "connections");
	if (report_counters_read(json_object_get(ph, "tcp"), &tcp_stats_table, &s->tcp, false,
				 any_key) < 0)
		return bad(err, len, "tcp");
	return 0;
}

int phase_report_read(const json_t *ph, struct phase_stats *s, char *err, size_t errlen)
{
	*s = (struct phase_stats){.name = json_string_value(json_object_get(ph, "name"))};
	int rc = read_counts(ph, s, err, errlen);

	if (rc == 0)
		rc = report_hist_parse(json_object_get(ph, "histogram"), &s->lat, err, errlen);
	if (rc == 0)
		rc = report_hist_parse(json_object_get(ph, "histogram_uncorrected"),
				       &s->lat_uncorrected, err, errlen);
	s->start = number(ph, "start");
	s->end = number(ph, "end");
	s->seconds = number(ph, "seconds");
	s->rps = number(ph, "rps");
	s->requested_rate = number(ph, "requested_rate");
	if (rc == 0 && (!s->name || !isfinite(s->start) || !isfinite(s->end) ||
			!isfinite(s->seconds) || !isfinite(s->rps) || !isfinite(s->requested_rate)))
		rc = bad(err, errlen, "name, start, end, seconds, rps or requested_rate");
	return rc;
}

void phase_stats_merge(struct phase_stats *a, const struct phase_stats *b)
{
	static const struct client_counters zc;
	static const struct tcp_stats zt;

	client_counters_add_diff(&a->c, &zc, &b->c);
	tcp_stats_add_diff(&a->tcp, &zt, &b->tcp);
	hist_add(&a->lat, &b->lat);
	hist_add(&a->lat_uncorrected, &b->lat_uncorrected);
	a->rps += b->rps;
	a->requested_rate += b->requested_rate;
	a->start = b->start < a->start ? b->start : a->start;
	a->end = b->end > a->end ? b->end : a->end;
	a->seconds = b->seconds > a->seconds ? b->seconds : a->seconds;
}
