/* SPDX-License-Identifier: BSD-3-Clause */
/* Collector outputs: evaluation, live lines, report.json targets. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "collector-priv.h"
#include "goroutines.h"

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

void collector_evaluate(struct collector *c)
{
	for (size_t i = 0; i < c->n_targets; i++) {
		struct target_state *t = &c->targets[i];
		enum leak_verdict before = t->verdict;

		if (t->samples == 0)
			continue;
		collector_choose_judged(c, t);
		t->verdict = detector_evaluate(t->det, t->last_t);
		if (t->leaked_before_restart)
			t->verdict = VERDICT_LEAK;
		if (t->verdict == VERDICT_LEAK && before != VERDICT_LEAK) {
			t->leak_since = t->last_t;
			fprintf(c->log, "collector: %s: LEAK after %.0f s of samples\n",
				t->cfg->name, t->last_t - t->first_t);
		} else if (t->verdict != VERDICT_LEAK) {
			t->leak_since = NAN;
		}
		/* asked until the agent is there to take the request */
		if (t->verdict == VERDICT_LEAK && !t->leak_asked)
			collector_ask_profile(c, t, "leak");
	}
}

static json_t *span_metric(const char *name, const struct metric_result *r)
{
	bool bytes = strstr(name, "bytes") != NULL;

	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:s}", "name", name, "verdict",
			 leak_verdict_name(r->verdict), "slope_per_hour",
			 real_or_null(r->slope_per_s * 3600), "bytes_per_request",
			 real_or_null(bytes ? r->per_request : NAN), "per_request",
			 real_or_null(r->per_request), "mann_kendall_p", real_or_null(r->mk_p),
			 "growth", real_or_null(r->growth), "floor_points", (int)r->n_points,
			 "reason", r->reason ? r->reason : "");
}

/* Leak if a deciding metric leaks, then suspect, insufficient, ok. */
static enum leak_verdict worse(enum leak_verdict a, enum leak_verdict b)
{
	static const int rank[] = {
		[VERDICT_OK] = 0,
		[VERDICT_INSUFFICIENT] = 1,
		[VERDICT_SUSPECT] = 2,
		[VERDICT_LEAK] = 3,
	};

	return rank[b] > rank[a] ? b : a;
}

static json_t *judge_target_phase(const struct target_state *t, const char *name, double start,
				  double end)
{
	json_t *metrics = json_array();
	enum leak_verdict v = VERDICT_OK;
	bool any = false;

	for (size_t i = 0; metrics && i < detector_n_metrics(t->det); i++) {
		const char *m = detector_metric_name(t->det, i);
		struct metric_result r;

		if (!detector_result(t->det, i)->judged ||
		    detector_judge_span(t->det, m, start, end, &r) < 0)
			continue;
		v = worse(v, r.verdict);
		any = true;
		json_array_append_new(metrics, span_metric(m, &r));
	}
	return json_pack("{s:s, s:f, s:f, s:s, s:o}", "name", name, "start", start, "end", end,
			 "verdict", leak_verdict_name(any ? v : VERDICT_INSUFFICIENT), "metrics",
			 metrics);
}

int collector_judge_phase(struct collector *c, const char *name, double start, double end)
{
	for (size_t i = 0; i < c->n_targets; i++) {
		struct target_state *t = &c->targets[i];
		json_t *ph = judge_target_phase(t, name, start, end);

		if (t->phases == NULL)
			t->phases = json_array();
		if (ph == NULL || t->phases == NULL || json_array_append_new(t->phases, ph) < 0)
			return -ENOMEM;
		fprintf(c->log, "collector: phase %s: %s %s\n", name, t->cfg->name,
			json_string_value(json_object_get(ph, "verdict")));
	}
	return 0;
}

enum leak_verdict collector_verdict(const struct collector *c)
{
	enum leak_verdict worst = VERDICT_OK;

	for (size_t i = 0; i < c->n_targets; i++)
		worst = worse(worst, c->targets[i].verdict);
	return worst;
}

double collector_leak_after(const struct collector *c, const char *target)
{
	for (size_t i = 0; i < c->n_targets; i++)
		if (!strcmp(c->targets[i].cfg->name, target))
			return c->targets[i].leak_since - c->targets[i].first_t;
	return NAN;
}

void collector_note_requests(struct collector *c, uint64_t total, const char *endpoint)
{
	double now = collector_now();

	for (size_t i = 0; i < c->n_targets; i++) {
		const char *ep = c->targets[i].cfg->endpoint;

		if (endpoint == NULL ? ep == NULL : ep != NULL && !strcmp(ep, endpoint))
			detector_note_requests(c->targets[i].det, now, total);
	}
}

void collector_note_load(struct collector *c, bool active)
{
	double now = collector_now();

	for (size_t i = 0; i < c->n_targets; i++)
		detector_note_load(c->targets[i].det, now, active);
}

/* 12.3MiB, 456KiB, 1234 */
static const char *human(double v, bool bytes, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (bytes && fabs(v) >= 1024.0 * 1024)
		snprintf(buf, len, "%.1fMiB", v / (1024.0 * 1024));
	else if (bytes && fabs(v) >= 1024)
		snprintf(buf, len, "%.0fKiB", v / 1024);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}

static double last_metric(const struct target_state *t, const char *name)
{
	json_t *v = t->last_m ? json_object_get(t->last_m, name) : NULL;

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The last sampled value, or for a derived series (the live heap) its
 * last floor point. */
static double lead_value(const struct target_state *t, const char *lead,
			 const struct metric_result *r)
{
	double v = last_metric(t, lead);

	return isfinite(v) || r == NULL ? v : r->floor_now;
}

/* The judged metric with the steepest growth, for the live line. */
static const char *lead_metric(const struct target_state *t)
{
	const char *best = NULL;
	double best_rel = -INFINITY;

	for (size_t i = 0; i < detector_n_metrics(t->det); i++) {
		const struct metric_result *r = detector_result(t->det, i);
		double rel = r->growth / (r->noise > 0 ? r->noise : 1);

		if (!r->judged)
			continue;
		if (best == NULL || rel > best_rel) {
			best = detector_metric_name(t->det, i);
			best_rel = isfinite(rel) ? rel : -1e300;
		}
	}
	return best;
}

void collector_live_lines(struct collector *c)
{
	if (c->opts.live == NULL)
		return;
	for (size_t i = 0; i < c->n_targets; i++) {
		const struct target_state *t = &c->targets[i];
		const char *lead = lead_metric(t);
		const struct metric_result *r = lead ? detector_find(t->det, lead) : NULL;
		char a[32], b[32], g[32], n[32];

		if (t->samples == 0) {
			fprintf(c->opts.live, "%-12s waiting for agent %s\n", t->cfg->name,
				t->cfg->agent);
			continue;
		}
		fprintf(c->opts.live,
			"+%5.0fs %-12s %-12s rss=%s %s=%s slope=%s/h goroutines=%s spikes=%u "
			"samples=%llu lost=%llu dup=%llu\n",
			t->last_t - t->first_t, t->cfg->name, leak_verdict_name(t->verdict),
			human(last_metric(t, "rss_bytes"), true, a, sizeof(a)), lead ? lead : "-",
			human(lead ? lead_value(t, lead, r) : NAN, lead && strstr(lead, "bytes"), b,
			      sizeof(b)),
			human(r ? r->slope_per_s * 3600 : NAN, lead && strstr(lead, "bytes"), g,
			      sizeof(g)),
			human(last_metric(t, "go_goroutines"), false, n, sizeof(n)),
			r ? r->spikes : 0, (unsigned long long)t->samples,
			(unsigned long long)c->st.lost, (unsigned long long)c->st.duplicates);
	}
	fflush(c->opts.live);
}

static void metric_evidence(json_t *m, const struct metric_result *r)
{
	json_object_set_new(m, "judged", json_boolean(r->judged));
	json_object_set_new(m, "reason", json_string(r->reason));
	json_object_set_new(m, "mann_kendall_p", real_or_null(r->mk_p));
	json_object_set_new(m, "time_to_limit_s", real_or_null(r->time_to_limit_s));
	json_object_set_new(m, "per_request", real_or_null(r->per_request));
	json_object_set_new(m, "baseline", real_or_null(r->baseline));
	json_object_set_new(m, "floor", real_or_null(r->floor_now));
	json_object_set_new(m, "growth", real_or_null(r->growth));
	json_object_set_new(m, "noise_floor", real_or_null(r->noise));
	json_object_set_new(m, "window_s", real_or_null(r->window_s));
	json_object_set_new(m, "floor_points", json_integer(r->n_points));
	json_object_set_new(m, "spikes", json_integer(r->spikes));
	json_object_set_new(m, "recovered", json_boolean(r->recovered));
	json_object_set_new(m, "persisted_after_load", json_boolean(r->persisted));
	json_object_set_new(m, "exact_points", json_boolean(r->exact));
	json_object_set_new(m, "latched", json_boolean(r->latched));
	json_object_set_new(m, "plateau", json_boolean(r->plateau));
	json_object_set_new(m, "level_held", json_boolean(r->level_held));
	json_object_set_new(m, "mk_variance_factor", real_or_null(r->mk_var_factor));
	json_object_set_new(m, "recent_slope_per_hour", real_or_null(r->recent_slope * 3600));
	json_object_set_new(m, "recent_slope_lower_per_hour", real_or_null(r->recent_lower * 3600));
	json_object_set_new(m, "idle_floor", real_or_null(r->idle_floor));
	json_object_set_new(m, "post_load_floor", real_or_null(r->post_floor));
	json_object_set_new(m, "post_load_points", json_integer(r->post_points));
	json_object_set_new(m, "load_start", real_or_null(r->load_start));
	json_object_set_new(m, "load_stop", real_or_null(r->load_stop));
	json_object_set_new(m, "values", json_integer((json_int_t)r->samples));
}

/* The judged metrics' floor points: [[t, v, forced], ...]. */
static json_t *floor_points_json(const struct detector *d, size_t i)
{
	enum { CAP = 512 };
	double t[CAP], v[CAP];
	bool forced[CAP];
	size_t n = detector_points(d, i, t, v, forced, CAP);
	json_t *a = json_array();

	for (size_t k = 0; a && k < n; k++)
		json_array_append_new(a, json_pack("[f, f, b]", t[k], v[k], forced[k]));
	return a;
}

/* First and last profile of t whose name contains kind and ends with ext. */
static void profile_pair(const struct target_state *t, const char *kind, const char *ext,
			 const char **first, const char **last)
{
	size_t el = strlen(ext);

	*first = *last = NULL;
	for (size_t i = 0; i < t->n_profiles; i++) {
		size_t l = strlen(t->profiles[i]);

		if (strstr(t->profiles[i], kind) == NULL || l < el ||
		    strcmp(t->profiles[i] + l - el, ext) != 0)
			continue;
		if (*first == NULL)
			*first = t->profiles[i];
		*last = t->profiles[i];
	}
}

static char *read_text(const char *dir, const char *rel)
{
	char path[4096], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = n >= 0 && n < (16 << 20) ? malloc((size_t)n + 1) : NULL;
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf != NULL)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The first and last checkpoints side by side: the heap diff command, ready
 * to paste, and the goroutine sites that grew most (top 5). */
static void checkpoint_evidence(json_t *obj, const struct collector *c,
				const struct target_state *t)
{
	const char *h0, *h1, *g0, *g1;
	struct goroutine_site s[5];
	char *a, *b;
	int n;

	profile_pair(t, "-heap-", ".pb.gz", &h0, &h1);
	if (h0 != NULL && h1 != h0)
		json_object_set_new(obj, "pprof_diff",
				    json_sprintf("go tool pprof -top -sample_index=inuse_space "
						 "-diff_base %s %s",
						 h0, h1));
	profile_pair(t, "-goroutine-", ".txt", &g0, &g1);
	if (g0 == NULL || g1 == g0)
		return;
	a = read_text(c->opts.outdir, g0);
	b = read_text(c->opts.outdir, g1);
	n = a && b ? goroutine_growth(a, b, s, 5) : -1;
	free(a);
	free(b);
	if (n < 0)
		return;
	json_t *arr = json_array();

	for (int i = 0; arr && i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "site", s[i].name, "before",
						     (json_int_t)s[i].before, "after",
						     (json_int_t)s[i].after));
	json_object_set_new(obj, "goroutine_growth",
			    json_pack("{s:s, s:s, s:o}", "from", g0, "to", g1, "sites", arr));
}

static void live_heap_evidence(json_t *obj, const struct collector *c, const struct target_state *t)
{
	const char *note = collector_live_note(t);

	const char *source = t->probe_points > 0 && t->live_gcs == 0 ? COLLECTOR_PROBE_SOURCE
										: t->live_source;

	json_object_set_new(obj, "live_heap_source", source ? json_string(source) : json_null());
	json_object_set_new(obj, "live_heap_note", note ? json_string(note) : json_null());
	json_object_set_new(obj, "gcs_with_live_point", json_integer((json_int_t)t->live_gcs));
	json_object_set_new(obj, "gcs_with_pinned_goal", json_integer((json_int_t)t->pinned_gcs));
	json_object_set_new(obj, "forced_gc", json_boolean(c->cfg->forced_gc));
	json_object_set_new(obj, "checkpoints_asked", json_integer(t->checkpoints));
	json_object_set_new(obj, "gc_probes_asked", json_integer((json_int_t)t->probes_asked));
	json_object_set_new(obj, "gc_probe_points", json_integer((json_int_t)t->probe_points));
}

static double min_time_to_limit(const struct target_state *t)
{
	double best = NAN;

	for (size_t i = 0; i < detector_n_metrics(t->det); i++) {
		double v = detector_result(t->det, i)->time_to_limit_s;

		if (isfinite(v) && (!isfinite(best) || v < best))
			best = v;
	}
	return best;
}

/* The target verdict in words: the reason of the judged metric that decided
 * it, and what the heap evidence could not show (a pinned GC goal). */
static json_t *target_reason(const struct target_state *t)
{
	const char *why = t->samples == 0 ? "no samples from the agent" : "no judged metric";
	const char *note = collector_live_note(t);
	char text[1024];

	for (size_t i = 0; i < detector_n_metrics(t->det); i++) {
		const struct metric_result *r = detector_result(t->det, i);

		if (r->judged && r->verdict == t->verdict) {
			snprintf(text, sizeof(text), "%s: %s", detector_metric_name(t->det, i),
				 r->reason);
			why = text;
			break;
		}
	}
	if (note == NULL || t->verdict == VERDICT_LEAK)
		return json_string(why);
	return json_sprintf("%s; but %s", why, note);
}

static int add_target(json_t *report, const struct collector *c, const struct target_state *t)
{
	size_t n = detector_n_metrics(t->det);
	struct report_metric *ms = calloc(n ? n : 1, sizeof(*ms));
	struct report_target rt = {
		.name = t->cfg->name,
		.verdict = leak_verdict_name(t->verdict),
		.metrics = ms,
		.n_metrics = n,
		.profiles = (const char *const *)t->profiles,
		.n_profiles = t->n_profiles,
	};
	json_t *obj, *arr;

	if (ms == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct metric_result *r = detector_result(t->det, i);
		bool bytes = strstr(detector_metric_name(t->det, i), "bytes") != NULL;

		ms[i] = (struct report_metric){
			.name = detector_metric_name(t->det, i),
			.verdict = leak_verdict_name(r->verdict),
			.slope_per_hour = r->slope_per_s * 3600,
			.bytes_per_request = bytes ? r->per_request : NAN,
		};
	}
	obj = report_add_target(report, &rt);
	free(ms);
	if (obj == NULL)
		return -ENOMEM;
	arr = json_object_get(obj, "metrics");
	for (size_t i = 0; i < n; i++) {
		metric_evidence(json_array_get(arr, i), detector_result(t->det, i));
		if (detector_result(t->det, i)->judged)
			json_object_set_new(json_array_get(arr, i), "floor_points_tv",
					    floor_points_json(t->det, i));
	}
	json_object_set_new(obj, "agent", json_string(t->cfg->agent));
	json_object_set_new(obj, "samples", json_integer((json_int_t)t->samples));
	json_object_set_new(obj, "pid", json_integer(t->pid));
	json_object_set_new(obj, "restarts", json_integer(t->restarts));
	json_object_set_new(obj, "leak_before_restart", json_boolean(t->leaked_before_restart));
	json_object_set_new(obj, "observed_s", real_or_null(t->last_t - t->first_t));
	json_object_set_new(obj, "leak_after_s", real_or_null(t->leak_since - t->first_t));
	json_object_set_new(obj, "time_to_limit_s", real_or_null(min_time_to_limit(t)));
	json_object_set_new(obj, "reason", target_reason(t));
	live_heap_evidence(obj, c, t);
	checkpoint_evidence(obj, c, t);
	if (t->phases != NULL)
		json_object_set(obj, "phases", t->phases);
	return 0;
}

static json_t *stats_counters_json(const struct collector *c)
{
	const struct collector_stats *s = &c->st;
	uint64_t dropped = 0;

	for (size_t i = 0; i < c->n_agents; i++)
		dropped += c->agents[i].dropped;
	json_t *agents = json_array();

	for (size_t i = 0; i < c->n_agents; i++)
		json_array_append_new(agents,
				      json_pack("{s:s, s:I, s:I, s:b}", "id", c->agents[i].id,
						"last_seq", (json_int_t)c->agents[i].last_seq,
						"dropped", (json_int_t)c->agents[i].dropped,
						"connected", c->agents[i].conn >= 0));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
			 "connections", (json_int_t)s->connections, "frames", (json_int_t)s->frames,
			 "samples", (json_int_t)s->samples, "duplicates", (json_int_t)s->duplicates,
			 "lost", (json_int_t)s->lost, "agent_dropped", (json_int_t)dropped,
			 "rejected_auth", (json_int_t)s->rejected_auth, "rejected_malformed",
			 (json_int_t)s->rejected_malformed, "rejected_oversize",
			 (json_int_t)s->rejected_oversize, "rejected_connections",
			 (json_int_t)s->rejected_conns, "rejected_replay",
			 (json_int_t)s->rejected_replay, "rejected_values",
			 (json_int_t)s->rejected_values, "profiles", (json_int_t)s->profiles,
			 "agents", agents);
}

static json_t *stats_json(const struct collector *c)
{
	json_t *o = stats_counters_json(c);

	json_object_set_new(o, "clock_steps", json_integer((json_int_t)c->st.clock_steps));
	return o;
}

int collector_report_targets(struct collector *c, json_t *report)
{
	for (size_t i = 0; i < c->n_targets; i++)
		if (add_target(report, c, &c->targets[i]) < 0)
			return -ENOMEM;
	json_object_set_new(report, "telemetry", stats_json(c));
	return 0;
}

size_t collector_checkpoint(struct collector *c, const char *tag)
{
	size_t asked = 0;

	for (size_t i = 0; i < c->n_targets; i++)
		asked += collector_ask_profile(c, &c->targets[i], tag);
	return asked;
}

unsigned long collector_checkpoint_samples(const struct collector *c)
{
	return c->checkpoint_samples;
}

double collector_samples_until(const struct collector *c)
{
	double until = NAN;

	for (size_t i = 0; i < c->n_targets; i++)
		if (c->targets[i].samples > 0 && !(until <= c->targets[i].last_t))
			until = c->targets[i].last_t;
	return until;
}

size_t collector_missing_judged(const struct collector *c, FILE *f)
{
	size_t missing = 0;

	for (size_t i = 0; i < c->n_targets; i++) {
		const struct target_state *t = &c->targets[i];

		for (size_t k = 0; t->samples > 0 && k < t->cfg->n_judge; k++) {
			const struct metric_result *r = detector_find(t->det, t->cfg->judge[k]);

			if (r != NULL && r->samples > 0)
				continue;
			if (f != NULL)
				fprintf(f, "  %s: %s\n", t->cfg->name, t->cfg->judge[k]);
			missing++;
		}
	}
	return missing;
}

bool collector_gate_passes(const struct collector *c)
{
	enum leak_verdict v = collector_verdict(c);

	return v != VERDICT_LEAK && (v != VERDICT_INSUFFICIENT || c->cfg->allow_insufficient);
}
