/* SPDX-License-Identifier: BSD-3-Clause */
/* The drench_* metrics from report.json and from the live series (prom.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "out-file.h"
#include "prom-text.h"

#define N_QUANTILES 5

/* A family whose # HELP and # TYPE lines are written with its first sample,
 * so a report without targets or latencies has no empty families. */
struct family {
	struct prom_text *t;
	const char *name, *help;
	enum prom_type type;
	bool started;
};

/* Unknown values (NAN: missing or null in the report) are left out. */
static void emit(struct family *f, const struct prom_label *labels, size_t n, double v)
{
	if (isnan(v))
		return;
	if (!f->started)
		prom_text_family(f->t, f->name, f->help, f->type);
	f->started = true;
	prom_text_sample(f->t, f->name, labels, n, v);
}

static double number(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static double verdict_code(const char *v)
{
	static const struct {
		const char *name;
		double code;
	} codes[] = {{"ok", 0}, {"suspect", 1}, {"leak", 2}, {"insufficient", -1}};

	for (size_t i = 0; v != NULL && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(v, codes[i].name) == 0)
			return codes[i].code;
	return NAN;
}

static void campaign_metrics(struct prom_text *t, const json_t *r)
{
	struct family pass = {t, "drench_campaign_pass",
			      "1 when the campaign passed (report verdict pass), 0 when it failed",
			      PROM_GAUGE, false};
	const char *v = string(r, "verdict");

	emit(&pass, NULL, 0, v == NULL ? NAN : strcmp(v, "pass") == 0 ? 1 : 0);
}

/* One family, one sample per phase: fn picks the value. */
static void per_phase(struct prom_text *t, const json_t *phases, const char *name, const char *help,
		      enum prom_type type, double (*fn)(const json_t *ph))
{
	struct family f = {t, name, help, type, false};
	size_t i;
	json_t *ph;

	json_array_foreach(phases, i, ph)
	{
		const char *pname = string(ph, "name");
		struct prom_label l = {"phase", pname};

		if (pname != NULL)
			emit(&f, &l, 1, fn(ph));
	}
}

static double phase_requests(const json_t *ph)
{
	return number(ph, "requests");
}

static double phase_rps(const json_t *ph)
{
	return number(ph, "rps");
}

static double phase_duration(const json_t *ph)
{
	return number(ph, "end") - number(ph, "start");
}

static double phase_expect_failures(const json_t *ph)
{
	const json_t *a = json_object_get(ph, "expect_failures");

	return json_is_array(a) ? (double)json_array_size(a) : NAN;
}

/* One family, one sample per (phase, key of the phase's sub-object). */
static void per_phase_key(struct prom_text *t, const json_t *phases, const char *name,
			  const char *help, const char *object, const char *label,
			  const char *const *keys, const char *const *values, size_t n_keys)
{
	struct family f = {t, name, help, PROM_COUNTER, false};
	size_t i;
	json_t *ph;

	if (strcmp(label, "quantile") == 0)
		f.type = PROM_GAUGE;
	json_array_foreach(phases, i, ph)
	{
		const char *pname = string(ph, "name");
		const json_t *sub = json_object_get(ph, object);

		for (size_t k = 0; pname != NULL && k < n_keys; k++) {
			struct prom_label l[2] = {{"phase", pname}, {label, values[k]}};
			/* responses_other sits beside "responses" (drench run adds it) */
			double v = keys[k] != NULL ? number(sub, keys[k])
						   : number(ph, "responses_other");

			emit(&f, l, 2, v);
		}
	}
}

static void phase_metrics(struct prom_text *t, const json_t *phases)
{
	static const char *const classes[] = {"2xx", "3xx", "4xx", "5xx", NULL};
	static const char *const class_labels[] = {"2xx", "3xx", "4xx", "5xx", "other"};
	static const char *const kinds[] = {"connect", "timeout", "reset", "parse", "validation"};
	static const char *const pct[N_QUANTILES] = {"p50", "p90", "p99", "p999", "max"};
	static const char *const quantiles[N_QUANTILES] = {"0.5", "0.9", "0.99", "0.999", "1"};

	per_phase(t, phases, "drench_requests_total", "Requests sent in the phase", PROM_COUNTER,
		  phase_requests);
	per_phase_key(t, phases, "drench_responses_total",
		      "Responses received in the phase by status class", "responses", "class",
		      classes, class_labels, 5);
	per_phase_key(t, phases, "drench_errors_total", "Failed requests and connections by kind",
		      "errors", "kind", kinds, kinds, 5);
	per_phase(t, phases, "drench_rps", "Responses per second over the phase", PROM_GAUGE,
		  phase_rps);
	per_phase_key(t, phases, "drench_latency_us",
		      "Response latency percentiles of the phase in microseconds (1 = max)",
		      "latency_us", "quantile", pct, quantiles, N_QUANTILES);
	per_phase(t, phases, "drench_phase_duration_seconds", "Length of the phase", PROM_GAUGE,
		  phase_duration);
	per_phase(t, phases, "drench_expect_failures", "Expectations the phase failed", PROM_GAUGE,
		  phase_expect_failures);
}

static void target_metrics(struct prom_text *t, const json_t *targets)
{
	struct family tv = {
		t, "drench_target_leak_verdict",
		"Memory verdict of the target: ok 0, suspect 1, leak 2, insufficient -1",
		PROM_GAUGE, false};
	struct family mv = {
		t, "drench_leak_verdict",
		"Verdict of one memory metric: ok 0, suspect 1, leak 2, insufficient -1",
		PROM_GAUGE, false};
	struct family slope = {t, "drench_memory_slope_per_hour",
			       "Robust growth of the metric's floor, in its unit per hour",
			       PROM_GAUGE, false};
	struct family bpr = {t, "drench_memory_bytes_per_request",
			     "Growth of the metric per request sent (bytes retained per request)",
			     PROM_GAUGE, false};
	struct family *fams[] = {&mv, &slope, &bpr};
	const char *keys[] = {"verdict", "slope_per_hour", "bytes_per_request"};
	size_t i, j;
	json_t *tg, *m;

	json_array_foreach(targets, i, tg)
	{
		struct prom_label l = {"target", string(tg, "name")};

		if (l.value != NULL)
			emit(&tv, &l, 1, verdict_code(string(tg, "verdict")));
	}
	for (size_t f = 0; f < 3; f++) {
		json_array_foreach(targets, i, tg)
		{
			const char *tname = string(tg, "name");

			json_array_foreach(json_object_get(tg, "metrics"), j, m)
			{
				struct prom_label l[2] = {{"target", tname},
							  {"metric", string(m, "name")}};

				if (tname == NULL || l[1].value == NULL)
					continue;
				emit(fams[f], l, 2,
				     f == 0 ? verdict_code(string(m, keys[f]))
					    : number(m, keys[f]));
			}
		}
	}
}

int report_prom_render(struct prom_text *t, const json_t *report)
{
	if (t == NULL || !json_is_object(report))
		return -EINVAL;
	campaign_metrics(t, report);
	phase_metrics(t, json_object_get(report, "phases"));
	target_metrics(t, json_object_get(report, "targets"));
	return prom_text_error(t);
}

/* Each counter of the table, read from the report's object, as a family of its own */
static void counter_metrics(struct prom_text *t, const json_t *obj,
			    const struct report_prom_counters *c)
{
	for (size_t i = 0; json_is_object(obj) && i < c->table->n; i++) {
		const struct counter_field *f = &c->table->fields[i];
		char name[128];

		snprintf(name, sizeof(name), "%s_%s_total", c->prefix, f->key);
		struct family fam = {t, name, f->help, PROM_COUNTER, false};
		emit(&fam, NULL, 0, number(obj, f->key));
	}
}

int report_prom_write(const char *path, const json_t *report,
		      const struct report_prom_counters *c, size_t n)
{
	struct prom_text *t = prom_text_new();
	struct out_file o;
	size_t len;
	int rc;

	if (t == NULL)
		return -ENOMEM;
	rc = report_prom_render(t, report);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		counter_metrics(t, json_object_get(report, c[i].object), &c[i]);
		rc = prom_text_error(t);
	}
	if (rc == 0)
		rc = out_file_open(&o, path);
	if (rc == 0) {
		const char *text = prom_text_data(t, &len);

		fwrite(text, 1, len, o.f);
		rc = out_file_commit(&o);
	}
	prom_text_free(t);
	return rc;
}

/* The counts of a point as (label, value) for the live families. */
static void live_counters(struct prom_text *t, const struct series_point *tot)
{
	static const char *const classes[] = {"2xx", "3xx", "4xx", "5xx", "other"};
	struct family req = {t, "drench_requests_total", "Requests sent since the start",
			     PROM_COUNTER, false};
	struct family resp = {t, "drench_responses_total",
			      "Responses received since the start by status class", PROM_COUNTER,
			      false};
	struct family err = {t, "drench_errors_total",
			     "Failed requests and connections since the start by kind",
			     PROM_COUNTER, false};
	struct family rtx = {t, "drench_retransmits_total", "TCP retransmissions since the start",
			     PROM_COUNTER, false};
	const struct {
		const char *kind;
		uint64_t v;
	} errs[] = {{"connect", tot->err_connect},
		    {"timeout", tot->err_timeout},
		    {"reset", tot->err_reset},
		    {"parse", tot->err_parse},
		    {"validation", tot->err_validation}};

	emit(&req, NULL, 0, (double)tot->requests);
	for (int c = 0; c < SERIES_N_CLASSES; c++) {
		struct prom_label l = {"class", classes[c]};
		emit(&resp, &l, 1, (double)tot->responses[c]);
	}
	for (size_t k = 0; k < sizeof(errs) / sizeof(errs[0]); k++) {
		struct prom_label l = {"kind", errs[k].kind};
		emit(&err, &l, 1, (double)errs[k].v);
	}
	emit(&rtx, NULL, 0, (double)tot->retrans);
}

/* Gauges of the newest stored point: the run as it is now. */
static void live_gauges(struct prom_text *t, const struct series *s, const char *phase)
{
	size_t n = series_count(s);
	const struct series_point *last = n > 0 ? series_at(s, n - 1) : NULL;
	double secs = n > 0 ? series_point_seconds(s, n - 1) : 0;
	struct family el = {t, "drench_elapsed_seconds", "Seconds since the run started",
			    PROM_GAUGE, false};
	struct family ph = {t, "drench_phase_info", "The phase running now (value always 1)",
			    PROM_GAUGE, false};
	struct family oc = {t, "drench_open_connections", "Connections open now", PROM_GAUGE,
			    false};
	struct family rps = {t, "drench_rps", "Responses per second over the newest point",
			     PROM_GAUGE, false};
	struct family lat = {t, "drench_latency_us",
			     "Response latency percentiles over the newest point, microseconds",
			     PROM_GAUGE, false};
	struct prom_label pl = {"phase", phase};
	struct prom_label q50 = {"quantile", "0.5"}, q99 = {"quantile", "0.99"};
	struct prom_label q999 = {"quantile", "0.999"};

	emit(&el, NULL, 0, last ? last->t : 0);
	if (phase != NULL)
		emit(&ph, &pl, 1, 1);
	if (last == NULL)
		return;
	uint64_t responses = 0;
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		responses += last->responses[c];
	emit(&oc, NULL, 0, last->open_conns);
	emit(&rps, NULL, 0, secs > 0 ? (double)responses / secs : NAN);
	emit(&lat, &q50, 1, last->p50_us);
	emit(&lat, &q99, 1, last->p99_us);
	emit(&lat, &q999, 1, last->p999_us);
}

int report_prom_render_live(struct prom_text *t, const struct series *s, const char *phase)
{
	struct series_point tot;

	if (t == NULL || s == NULL)
		return -EINVAL;
	series_total(s, &tot);
	live_counters(t, &tot);
	live_gauges(t, s, phase);
	return prom_text_error(t);
}
