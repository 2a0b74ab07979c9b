/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "expect-json.h"
#include "hist.h"
#include "phase-report.h"
#include "run-targets.h"

#define MAX_FAILURES 16

static uint64_t responses(const struct client_target_counters *c)
{
	uint64_t n = 0;

	for (int i = 0; i < CLIENT_CLASS_COUNT; i++)
		n += c->responses[i];
	return n;
}

static const struct run_target_outcome *find(const struct run_outcome *o, const char *name)
{
	for (uint8_t i = 0; i < o->n_targets; i++)
		if (!strcmp(o->targets[i].name, name))
			return &o->targets[i];
	return NULL;
}

/* A target's figures as a phase's, over the run's seconds of load, for the
 * same gates. A run with one server has no per-target copy: the totals are
 * its own. A target no request reaches has none. */
static void stats_of(struct phase_stats *s, const struct plan *p, const struct run_outcome *o,
		     const char *name)
{
	const struct run_target_outcome *t = find(o, name);

	memset(s, 0, sizeof(*s));
	hist_init(&s->lat);
	hist_init(&s->lat_uncorrected);
	s->name = name;
	s->seconds = o->total.seconds;
	if (!t) {
		if (o->n_targets == 0 && p->targets.n_dests == 1 &&
		    !strcmp(p->targets.dest_names[0], name))
			*s = o->total;
		s->name = name;
		return;
	}
#define COPY_FIELD(field, ...) s->c.field = t->c.field;
	CLIENT_TARGET_COUNTERS(COPY_FIELD)
#undef COPY_FIELD
	memcpy(s->c.responses, t->c.responses, sizeof(s->c.responses));
	hist_add(&s->lat, &t->lat);
	s->rps = s->seconds > 0 ? (double)responses(&t->c) / s->seconds : 0;
}

static void print_one(FILE *f, const struct run_target_outcome *t, double seconds)
{
	const struct client_target_counters *c = &t->c;

	fprintf(f, "target %-9s req %9" PRIu64 " rps %9.0f  2xx %" PRIu64 " 3xx %" PRIu64
		   " 4xx %" PRIu64 " 5xx %" PRIu64 "  err conn %" PRIu64 " tmo %" PRIu64
		   " rst %" PRIu64 " parse %" PRIu64 " valid %" PRIu64 "  p50 %" PRIu64
		   " p99 %" PRIu64 " us\n",
		t->name, c->requests, seconds > 0 ? (double)responses(c) / seconds : 0,
		c->responses[CLIENT_2XX], c->responses[CLIENT_3XX], c->responses[CLIENT_4XX],
		c->responses[CLIENT_5XX], c->err_connect, c->err_timeout, c->err_reset,
		c->err_parse, c->err_validation, hist_percentile(&t->lat, 50),
		hist_percentile(&t->lat, 99));
	for (unsigned i = 0; t->watch && i < t->watch->n_spells && i < TARGET_WATCH_SPELLS; i++) {
		const struct target_spell *sp = &t->watch->spells[i];
		if (sp->to < 0)
			fprintf(f, "target %s: no answer from %.0fs to the end\n", t->name, sp->from);
		else
			fprintf(f, "target %s: no answer from %.0fs to %.0fs\n", t->name, sp->from,
				sp->to);
	}
}

bool run_targets_print(FILE *f, const struct plan *p, const struct run_outcome *o)
{
	static struct phase_stats s; /* two histograms: too big for the stack */
	struct expect_failure fails[MAX_FAILURES];
	bool pass = true;

	for (uint8_t i = 0; i < o->n_targets; i++)
		print_one(f, &o->targets[i], o->total.seconds);
	for (uint8_t g = 0; g < p->targets.n_gates; g++) {
		stats_of(&s, p, o, p->targets.gate_names[g]);
		size_t n = expect_check(p->targets.gates[g], &s, fails, MAX_FAILURES);
		for (size_t i = 0; i < n && i < MAX_FAILURES; i++)
			fprintf(f, "FAIL target %s: %s\n", p->targets.gate_names[g], fails[i].what);
		pass &= n == 0;
	}
	return pass;
}

static json_t *latency_json(const struct hist *h)
{
	if (hist_count(h) == 0) /* no response, no latency: null rather than 0 */
		return json_pack("{sn sn sn sn sn}", "p50", "p90", "p99", "p999", "max");
	return json_pack("{sI sI sI sI sI}", "p50", (json_int_t)hist_percentile(h, 50),
			 "p90", (json_int_t)hist_percentile(h, 90), "p99",
			 (json_int_t)hist_percentile(h, 99), "p999",
			 (json_int_t)hist_percentile(h, 99.9), "max", (json_int_t)hist_max(h));
}

static json_t *silences_json(const struct target_watch_one *w)
{
	json_t *arr = json_array();

	for (unsigned i = 0; w && i < w->n_spells && i < TARGET_WATCH_SPELLS; i++)
		json_array_append_new(arr, json_pack("{sf so}", "from", w->spells[i].from, "to",
						     w->spells[i].to < 0 ? json_null() :
									   json_real(w->spells[i].to)));
	return arr;
}

static json_t *load_json(const struct run_outcome *o, const struct run_target_outcome *t)
{
	const struct client_target_counters *c = &t->c;
	double secs = o->total.seconds;
	json_t *l = json_pack(
		"{sI s{sI sI sI sI} s{sI sI sI sI sI} sf sI so}", "requests",
		(json_int_t)c->requests, "responses", "2xx", (json_int_t)c->responses[CLIENT_2XX],
		"3xx", (json_int_t)c->responses[CLIENT_3XX], "4xx",
		(json_int_t)c->responses[CLIENT_4XX], "5xx", (json_int_t)c->responses[CLIENT_5XX],
		"errors", "connect", (json_int_t)c->err_connect, "timeout",
		(json_int_t)c->err_timeout, "reset", (json_int_t)c->err_reset, "parse",
		(json_int_t)c->err_parse, "validation", (json_int_t)c->err_validation, "rps",
		secs > 0 ? (double)responses(c) / secs : 0.0, "connections_opened",
		(json_int_t)c->conn_opened, "latency_us", latency_json(&t->lat));

	if (t->group) {
		json_t *m = json_array();
		for (uint8_t i = 0; i < t->n_members; i++)
			json_array_append_new(m, json_pack("{ss si}", "target",
							   o->targets[t->member[i]].name, "weight",
							   (int)t->weight[i]));
		json_object_set_new(l, "members", m);
	} else {
		char addr[20];
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u", t->daddr >> 24, (t->daddr >> 16) & 255,
			 (t->daddr >> 8) & 255, t->daddr & 255);
		json_object_set_new(l, "address", json_string(addr));
		json_object_set_new(l, "port", json_integer(t->dport));
		json_object_set_new(l, "silent", silences_json(t->watch));
		json_object_set_new(l, "silent_now", json_boolean(t->watch && t->watch->silent));
	}
	return l;
}

/* The entry called name in targets[], made when no agent watches it. */
static json_t *entry_of(json_t *rep, const char *name)
{
	json_t *arr = json_object_get(rep, "targets"), *t;
	size_t i;

	if (!json_is_array(arr)) {
		arr = json_array();
		json_object_set_new(rep, "targets", arr);
	}
	json_array_foreach(arr, i, t)
	{
		const char *n = json_string_value(json_object_get(t, "name"));
		if (n && !strcmp(n, name))
			return t;
	}
	t = json_pack("{ss ss s[] s[] sb}", "name", name, "verdict", "insufficient", "metrics",
		      "profiles", "watched", 0);
	json_array_append_new(arr, t);
	return t;
}

void run_targets_report(json_t *rep, const struct plan *p, const struct run_outcome *o,
			bool *pass)
{
	static struct phase_stats s;

	for (uint8_t i = 0; i < o->n_targets; i++) {
		json_t *t = entry_of(rep, o->targets[i].name);
		json_object_set_new(t, "kind", json_string(o->targets[i].group ? "group" : "server"));
		json_object_set_new(t, "load", load_json(o, &o->targets[i]));
	}
	for (uint8_t g = 0; g < p->targets.n_gates; g++) {
		const char *name = p->targets.gate_names[g];
		json_t *t = json_object_get(entry_of(rep, name), "load");
		if (!t) { /* a gated target with no figures of its own: the run's one server */
			t = json_object();
			json_object_set_new(entry_of(rep, name), "load", t);
		}
		stats_of(&s, p, o, name);
		json_object_set_new(t, "expect", expect_json(p->targets.gates[g]));
		*pass &= phase_report_gate(t, p->targets.gates[g], &s);
	}
}
