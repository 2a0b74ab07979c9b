/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The live heap of a Go target, one exact point per GC, from what
 * client_golang exposes by default: go_gc_heap_live_bytes where the
 * runtime-metrics collector gives it, else go_memstats_next_gc_bytes over
 * (1 + GOGC/100), GOGC from go_gc_gogc_percent or 100. The point is dated by
 * go_memstats_last_gc_time_seconds. Below Go's minimum heap goal (4 MiB at
 * GOGC=100) next_gc is pinned and says nothing about the live heap: such GCs
 * give no point, and while the live series has too few points the target is
 * judged on go_memstats_heap_inuse_bytes block minima instead.
 */
#include <math.h>
#include <string.h>

#include "collector-priv.h"
#include "proto.h"
#include "telemetry-config.h"

#define GO_MIN_HEAP_GOAL (4.0 * 1024 * 1024)

static double number(json_t *m, const char *k)
{
	json_t *v = json_object_get(m, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Live heap after the last GC, or NAN when the metrics cannot tell it. */
static double live_from(struct target_state *t, json_t *m)
{
	double live = number(m, "go_gc_heap_live_bytes");
	double next_gc = number(m, "go_memstats_next_gc_bytes");
	double gogc = number(m, "go_gc_gogc_percent");
	double pct = isfinite(gogc) ? gogc : 100;

	if (isfinite(live)) {
		t->live_source = "go_gc_heap_live_bytes";
		return live;
	}
	if (!isfinite(next_gc) || pct <= 0) /* GOGC=off: no goal */
		return NAN;
	t->live_source = isfinite(gogc) ? "go_memstats_next_gc_bytes / (1 + go_gc_gogc_percent/100)"
					: "go_memstats_next_gc_bytes / 2 (go_gc_gogc_percent not "
					  "exposed, GOGC=100 assumed)";
	t->goal_pinned = next_gc <= GO_MIN_HEAP_GOAL * pct / 100 * 1.001;
	if (t->goal_pinned) {
		t->pinned_gcs++;
		return NAN;
	}
	return next_gc / (1 + pct / 100);
}

bool collector_live_metric(const char *name)
{
	return !strcmp(name, TP_GC_PROBE_METRIC) || !strcmp(name, TP_GC_PROBE_ALLOC_METRIC) ||
	       !strcmp(name, "go_memstats_last_gc_time_seconds") ||
	       !strcmp(name, "go_gc_gogc_percent") ||
	       !strcmp(name, "go_memstats_alloc_bytes_total");
}

void collector_live_heap(struct target_state *t, double ts, json_t *m, const char *checkpoint)
{
	/* the service's clock is its host's, as the agent's */
	double last_gc = number(m, "go_memstats_last_gc_time_seconds") + t->clock_offset;
	double probe = number(m, TP_GC_PROBE_METRIC);
	double live;

	if (isfinite(last_gc))
		t->sample_ts = ts;
	if (isfinite(probe)) { /* read right after the GC the probe forced */
		t->last_gc = fmax(t->last_gc, last_gc);
		t->live_point_ts = ts;
		t->probe_points++;
		detector_add_probe(t->det, TELEMETRY_LIVE_HEAP, ts, probe,
				   number(m, "go_goroutines"));
		return;
	}
	if (!(last_gc > 0) || last_gc <= t->last_gc)
		return; /* no GC since the last sample */
	t->last_gc = last_gc;
	live = live_from(t, m);
	if (!isfinite(live))
		return;
	t->live_gcs++;
	t->live_point_ts = ts;
	detector_add_floor(t->det, TELEMETRY_LIVE_HEAP, fmin(last_gc, ts), live,
			   checkpoint != NULL);
}

/* No live-heap point for two probe periods of samples: GCs are rarer than
 * the probes (a large heap under light load, or idle after load). One point
 * per GC would then sample a working set that fills and empties at a few
 * phases only, and a few rising ones read as a leak; and after load no GC
 * may come to show whether the floor came back. */
static bool gcs_rare(const struct target_state *t, double probe_s)
{
	return t->live_gcs > 0 && isfinite(t->sample_ts) &&
	       !(t->sample_ts - t->live_point_ts < 2 * probe_s);
}

/* A probe every gc_probe_us while the GC goal is pinned (small heaps) or
 * while GCs are rarer than the probes. */
void collector_gc_probes(struct collector *c, double now)
{
	double probe_s = (double)c->cfg->gc_probe_us / 1e6;

	if (!c->cfg->forced_gc || c->cfg->gc_probe_us == 0)
		return;
	for (size_t i = 0; i < c->n_targets; i++) {
		struct target_state *t = &c->targets[i];

		if (!(t->goal_pinned || gcs_rare(t, probe_s)) || now < t->next_probe)
			continue;
		if (collector_ask_gc_probe(c, t))
			t->next_probe = now + probe_s;
	}
}

/* Default judging of a Go target: the live heap once it has enough exact
 * points after warm-up, else heap_inuse block minima. */
void collector_choose_judged(const struct collector *c, struct target_state *t)
{
	const struct metric_result *live = detector_find(t->det, TELEMETRY_LIVE_HEAP);
	bool use_live;

	if (t->cfg->n_judge > 0 || t->cfg->metrics_url == NULL)
		return;
	use_live = live != NULL &&
		   (live->n_points >= c->cfg->detector.min_exact_points || live->latched);
	detector_watch(t->det, TELEMETRY_LIVE_HEAP, use_live);
	detector_watch(t->det, TELEMETRY_GO_FALLBACK, !use_live);
	t->live_fallback = !use_live;
}

const char *collector_live_note(const struct target_state *t)
{
	if (!t->live_fallback)
		return NULL;
	if (t->pinned_gcs > 0 && t->probes_asked > 0)
		return "live heap below Go's minimum GC goal (4 MiB at GOGC=100): too few GC "
		       "probe readings yet, so the verdict rests on go_memstats_heap_inuse_bytes "
		       "block minima";
	if (t->pinned_gcs > 0)
		return "live heap below Go's minimum GC goal (4 MiB at GOGC=100): next_gc is "
		       "pinned and does not show the live heap, so the verdict rests on "
		       "go_memstats_heap_inuse_bytes block minima; a slow leak of a small heap "
		       "can stay invisible";
	if (t->live_gcs == 0 && isnan(t->last_gc))
		return "no go_memstats_next_gc_bytes/last_gc_time_seconds: judged on "
		       "go_memstats_heap_inuse_bytes block minima";
	return "too few GCs yet for exact live-heap points: judged on "
	       "go_memstats_heap_inuse_bytes block minima";
}
