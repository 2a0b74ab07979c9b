/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Leak detector. Per metric, floor points: exact post-GC live values where
 * the caller has them (detector_add_floor), else the minimum of each block
 * of floor_window_s of samples after warm-up. On evaluation the floor
 * points taken while load ran are fitted with Theil–Sen and tested with the
 * Hamed–Rao corrected Mann–Kendall; growth must clear a noise floor, be
 * steady (both halves grow) and still go on in the recent third of the
 * window (plateau test). A leak is called after leak_confirm evaluations in
 * a row and then latched: only recovery evidence (after load stopped, the
 * floor back within noise of the idle floor before load) withdraws it.
 * See docs/leak-detection.md.
 */
#include "detector.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "robust.h"
#include "telemetry-config.h"

#define MAX_METRICS 64
#define SPIKE_MAX 256
#define MAX_WIDTH_S (7 * 24 * 3600.0)
/* Load (re)starts when the request counter grows by more than this while
 * idle: the checkpoints' own pprof requests, which some services count,
 * are not load. */
#define LOAD_MIN_REQUESTS 16
/* A leak grows at a steady rate: the recent third of the window must keep at
 * least this share of the whole window's slope (a filling cache slows down). */
#define RECENT_SHARE 0.5
/* Rates (allocation, requests) span at least this: a checkpoint's sample
 * comes milliseconds after a regular one. */
#define ALLOC_MIN_INTERVAL_S 0.5
/* The load level of the recent third over the level before it, above
 * which a rise may be memory in flight (more connections, more requests). */
#define LEVEL_RISE 1.5

struct floor_pt {
	double t, v;
	long idx;    /* block index from the warm-up end */
	double req;  /* requests served when the block closed; NAN if unknown */
	bool forced; /* an exact point from a forced-GC checkpoint */
	bool probe;   /* the heap read right after a forced GC (GC probe) */
	double conc;  /* concurrency (goroutines) when probed; NAN if unknown */
	double level; /* load level (requests/s, else bytes allocated/s); NAN */
};

struct series {
	char *name;
	bool judged, is_bytes, gc_bound;
	bool exact;	 /* fed with exact post-GC points */
	long seq;	 /* exact points so far (their block index) */
	double idle_min; /* lowest value before load began */
	unsigned long samples;
	unsigned streak; /* consecutive raw leak evaluations */
	bool latched;
	struct metric_result latched_res; /* the evaluation that called the leak */
	double min_growth;
	double width;
	unsigned merges; /* times the points were merged pairwise */
	bool open;
	long open_idx;
	double open_min, open_t, open_level;
	struct floor_pt *pts;
	size_t n;
	double last_v;
	double win[SPIKE_MAX];
	size_t win_n, win_head;
	unsigned spikes;
	struct metric_result res;
};

struct detector {
	struct detector_params p;
	double limit;
	bool started;
	double origin; /* end of warm-up */
	struct series s[MAX_METRICS];
	size_t n;
	bool load_explicit, load_known, load_active;
	double load_stop_t;
	double load_start_t; /* first time load was seen running; NAN if never */
	bool req_known;
	uint64_t req_base, req_now;
	uint64_t req_mark; /* the count when it last moved like load (or was reset) */
	double req_mark_t; /* when req_mark was taken */
	double req_base_t, req_now_t;
	bool req_base_set;
	bool gc_known;
	double gc_base, gc_base_t, gc_now, gc_now_t;
	double alloc_last, alloc_last_t;    /* the allocation counter's last sample */
	double alloc_min_rate, alloc_max_rate; /* bytes/s seen; NAN before two samples */
	double alloc_prev_rate;		       /* the interval before the last; NAN */
	double alloc_high_t;		       /* last sample allocating like load */
	unsigned alloc_streak;		       /* intervals in a row allocating like load */
	double level;			       /* load level now (see floor_pt); NAN */
	double req_rate_total, req_rate_t;     /* the request count the last rate began from */
	double alloc_streak_t;		       /* when that streak began */
	enum leak_verdict verdict;
};

void detector_params_default(struct detector_params *p)
{
	telemetry_detector_defaults(p);
}

static bool params_valid(const struct detector_params *p)
{
	return p->warmup_s >= 0 && p->floor_window_s > 0 && p->min_window_s >= 0 &&
	       p->min_points >= 4 && p->max_points >= 2 * p->min_points && p->alpha > 0 &&
	       p->alpha < 1 && p->suspect_alpha >= p->alpha && p->suspect_alpha < 1 &&
	       p->noise_floor >= 0 && p->persist_ratio >= 0 && p->persist_ratio <= 1 &&
	       p->spike_k > 0 && p->spike_window >= 10 && p->spike_window <= SPIKE_MAX &&
	       p->recovery_s >= 0 && p->recovery_ratio > 0 && p->recovery_ratio <= 1 &&
	       p->load_idle_s > 0 && p->leak_confirm >= 1 && p->min_exact_points >= 3 &&
	       p->recovery_gcs >= 1;
}

struct detector *detector_create(const struct detector_params *p, double memory_limit)
{
	struct detector *d;

	if (p == NULL || !params_valid(p) || memory_limit < 0) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->p = *p;
	d->limit = memory_limit;
	d->load_stop_t = NAN;
	d->load_start_t = NAN;
	d->alloc_last_t = d->alloc_min_rate = d->alloc_max_rate = d->alloc_high_t = NAN;
	d->alloc_prev_rate = NAN;
	d->level = d->req_rate_t = NAN;
	return d;
}

void detector_destroy(struct detector *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->s[i].name);
		free(d->s[i].pts);
	}
	free(d);
}

/* Growth smaller than this is noise whatever the baseline (metric units). */
static double default_min_growth(const char *name)
{
	if (strstr(name, "bytes") != NULL)
		return 2 * 1024.0 * 1024.0;
	if (strstr(name, "objects") != NULL)
		return 10000;
	return 10;
}

static int find_series(const struct detector *d, const char *metric)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->s[i].name, metric))
			return (int)i;
	return -ENOENT;
}

static int add_series(struct detector *d, const char *metric, bool judged)
{
	struct series *s;

	if (d->n == MAX_METRICS)
		return -ENOSPC;
	s = &d->s[d->n];
	memset(s, 0, sizeof(*s));
	s->name = strdup(metric);
	s->pts = calloc(d->p.max_points + 1, sizeof(*s->pts));
	if (s->name == NULL || s->pts == NULL) {
		free(s->name);
		free(s->pts);
		return -ENOMEM;
	}
	s->judged = judged;
	s->is_bytes = strstr(metric, "bytes") != NULL;
	s->gc_bound = !strncmp(metric, "go_memstats_heap", 16) ||
		      !strncmp(metric, "go_memstats_alloc", 17);
	s->min_growth = default_min_growth(metric);
	s->width = d->p.floor_window_s;
	s->res.verdict = VERDICT_INSUFFICIENT;
	s->res.judged = judged;
	s->res.leak_since = NAN;
	s->res.reason = "no data yet";
	s->idle_min = NAN;
	return (int)d->n++;
}

int detector_watch(struct detector *d, const char *metric, bool judged)
{
	int i = find_series(d, metric);

	if (i >= 0) {
		d->s[i].judged = judged;
		d->s[i].res.judged = judged;
		return i;
	}
	return add_series(d, metric, judged);
}

static double gc_period(const struct detector *d)
{
	if (!d->gc_known || d->gc_now <= d->gc_base)
		return NAN;
	return (d->gc_now_t - d->gc_base_t) / (d->gc_now - d->gc_base);
}

/* Double the block width: block k and k+1 (k even) become one. */
static void merge_blocks(struct series *s)
{
	size_t out = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct floor_pt p = s->pts[i];

		p.idx >>= 1;
		if (out > 0 && s->pts[out - 1].idx == p.idx) {
			double req = fmax(p.req, s->pts[out - 1].req); /* the later count */

			bool forced = p.forced || s->pts[out - 1].forced;
			bool probe = p.probe && s->pts[out - 1].probe;

			if (p.v < s->pts[out - 1].v)
				s->pts[out - 1] = p;
			s->pts[out - 1].req = req;
			s->pts[out - 1].forced = forced;
			s->pts[out - 1].probe = probe;
		} else {
			s->pts[out++] = p;
		}
	}
	s->n = out;
	s->width *= 2;
	s->merges++;
	if (!s->open)
		return;
	s->open_idx >>= 1;
	if (s->n > 0 && s->pts[s->n - 1].idx == s->open_idx) {
		if (s->pts[s->n - 1].v < s->open_min) {
			s->open_min = s->pts[s->n - 1].v;
			s->open_t = s->pts[s->n - 1].t;
		}
		s->n--;
	}
}

/* Keep at most max_points, and let a heap floor block span 1.5 GC periods
 * (so that it holds a post-GC trough). */
static void maybe_widen(struct detector *d, struct series *s)
{
	double period = s->gc_bound ? gc_period(d) : NAN;

	while (s->width < MAX_WIDTH_S &&
	       (s->n > d->p.max_points || (isfinite(period) && s->width < 1.5 * period)))
		merge_blocks(s);
}

static void close_block(struct detector *d, struct series *s)
{
	s->pts[s->n++] = (struct floor_pt){
		.t = s->open_t,
		.v = s->open_min,
		.idx = s->open_idx,
		.req = d->req_base_set ? (double)d->req_now : NAN,
		.level = s->open_level,
	};
	s->open = false;
	maybe_widen(d, s);
}

/* mean + k sigma over the previous spike_window samples */
static void note_spike(const struct detector *d, struct series *s, double v)
{
	size_t cap = d->p.spike_window;

	if (s->win_n >= 10) {
		double mean = 0, var = 0, sd;

		for (size_t i = 0; i < s->win_n; i++)
			mean += s->win[i];
		mean /= (double)s->win_n;
		for (size_t i = 0; i < s->win_n; i++)
			var += (s->win[i] - mean) * (s->win[i] - mean);
		sd = sqrt(var / (double)(s->win_n - 1));
		if (v > mean + d->p.spike_k * sd && v - mean > d->p.noise_floor * fabs(mean))
			s->spikes++;
	}
	s->win[s->win_head] = v;
	s->win_head = (s->win_head + 1) % cap;
	if (s->win_n < cap)
		s->win_n++;
}

static void start_clock(struct detector *d, double t)
{
	if (!d->started) {
		d->started = true;
		d->origin = t + d->p.warmup_s;
	}
}

/* Every value counts for the gate; values before load began give the idle floor. */
static void note_idle(const struct detector *d, struct series *s, double v)
{
	s->samples++;
	if (isnan(d->load_start_t) && !(s->idle_min <= v))
		s->idle_min = v;
}

static void series_add(struct detector *d, struct series *s, double t, double v)
{
	long idx = (long)floor((t - d->origin) / s->width);

	s->last_v = v;
	note_spike(d, s, v);
	if (s->open && idx > s->open_idx) {
		close_block(d, s);
		/* closing may have widened the blocks */
		idx = (long)floor((t - d->origin) / s->width);
	}
	if (!s->open) {
		s->open = true;
		s->open_idx = idx;
		s->open_min = v;
		s->open_t = t;
		s->open_level = d->level;
	} else if (v < s->open_min) {
		s->open_min = v;
		s->open_t = t;
		s->open_level = d->level;
	}
}

int detector_add(struct detector *d, const char *metric, double t, double v)
{
	int i;

	if (d == NULL || metric == NULL || !isfinite(t))
		return -EINVAL;
	if (!isfinite(v))
		return 0;
	i = find_series(d, metric);
	if (i < 0)
		i = add_series(d, metric, false);
	if (i < 0)
		return i;
	start_clock(d, t);
	note_idle(d, &d->s[i], v);
	if (t < d->origin)
		return 0;
	series_add(d, &d->s[i], t, v);
	return 0;
}

static int add_exact(struct detector *d, const char *metric, struct floor_pt pt)
{
	struct series *s;
	int i;

	if (d == NULL || metric == NULL || !isfinite(pt.t))
		return -EINVAL;
	if (!isfinite(pt.v))
		return 0;
	i = find_series(d, metric);
	if (i < 0)
		i = add_series(d, metric, false);
	if (i < 0)
		return i;
	s = &d->s[i];
	s->exact = true;
	start_clock(d, pt.t);
	note_idle(d, s, pt.v);
	s->last_v = pt.v;
	if (pt.t < d->origin)
		return 0;
	if (s->n > 0 && pt.t <= s->pts[s->n - 1].t)
		return 0; /* the same GC seen again */
	pt.idx = s->seq++ >> s->merges;
	pt.req = d->req_base_set ? (double)d->req_now : NAN;
	pt.level = d->level;
	s->pts[s->n++] = pt;
	if (s->n > d->p.max_points)
		merge_blocks(s);
	return 0;
}

int detector_add_floor(struct detector *d, const char *metric, double t, double v, bool forced)
{
	return add_exact(d, metric, (struct floor_pt){.t = t, .v = v, .forced = forced, .conc = NAN});
}

int detector_add_probe(struct detector *d, const char *metric, double t, double v,
		       double concurrency)
{
	return add_exact(d, metric,
			 (struct floor_pt){
				 .t = t, .v = v, .forced = true, .probe = true, .conc = concurrency});
}

/* Load runs while the counter moves by more than LOAD_MIN_REQUESTS within
 * load_idle_s; a trickle (GC probes, health checks, the checkpoints' pprof
 * requests, which some services count) neither starts nor holds it. */
static void load_from_requests(struct detector *d, double t, uint64_t total)
{
	bool first = !d->req_known;

	d->req_known = d->load_known = true;
	if (first || total < d->req_mark) { /* first count, or the counter was reset */
		d->req_mark = total;
		d->req_mark_t = t;
	} else if (total > d->req_mark + LOAD_MIN_REQUESTS) {
		if (!d->load_active) {
			if (isnan(d->load_start_t))
				d->load_start_t = t;
			d->load_active = true;
			d->load_stop_t = NAN;
		}
		d->req_mark = total;
		d->req_mark_t = t;
	} else if (t - d->req_mark_t >= d->p.load_idle_s) {
		if (d->load_active) {
			d->load_active = false;
			d->load_stop_t = d->req_mark_t;
		}
		d->req_mark = total;
		d->req_mark_t = t;
	}
}

void detector_note_requests(struct detector *d, double t, uint64_t total)
{
	if (d->started && t >= d->origin) {
		if (!d->req_base_set || total < d->req_base) {
			d->req_base_set = true;
			d->req_base = total;
			d->req_base_t = t;
		}
		d->req_now = total;
		d->req_now_t = t;
	}
	if (!isfinite(d->req_rate_t) || t < d->req_rate_t || total < d->req_rate_total) {
		d->req_rate_total = (double)total;
		d->req_rate_t = t;
	} else if (t - d->req_rate_t >= ALLOC_MIN_INTERVAL_S) {
		d->level = ((double)total - d->req_rate_total) / (t - d->req_rate_t);
		d->req_rate_total = (double)total;
		d->req_rate_t = t;
	}
	if (!d->load_explicit)
		load_from_requests(d, t, total);
}

/* Load inferred from allocation, when nothing better says: a service under
 * load allocates several times what it does idle (its own metrics scrapes).
 * High: above ALLOC_LOAD_FACTOR x the lowest rate seen and ALLOC_LOAD_MIN. */
#define ALLOC_LOAD_FACTOR 4.0
#define ALLOC_LOAD_MIN (256 * 1024.0) /* bytes/s */
#define ALLOC_LOAD_STREAK 2
static bool alloc_high(const struct detector *d, double rate)
{
	return rate > fmax(ALLOC_LOAD_FACTOR * d->alloc_min_rate, ALLOC_LOAD_MIN);
}

void detector_rebase_allocated(struct detector *d, double t, double total)
{
	if (d == NULL || !isfinite(total) || !isfinite(t))
		return;
	d->alloc_last = total;
	d->alloc_last_t = t;
}

/* Load runs while the rate stays near the highest seen (within
 * ALLOC_LOAD_FACTOR); it starts on ALLOC_LOAD_STREAK intervals in a row that
 * are near it and high against the idle rate (one busy interval is a blip:
 * a batch, a scrape of a big registry), and stops after load_idle_s below
 * it. A service that keeps allocating after load (connections it leaked
 * still reading, say) is idle at a quarter of its load rate. */
static void alloc_load_state(struct detector *d, double t, double rate)
{
	bool near_max = rate * ALLOC_LOAD_FACTOR >= d->alloc_max_rate;

	/* watching may have begun under load, when the lowest rate is the
	 * load's own: near the highest, load still runs */
	if (near_max)
		d->alloc_high_t = t;
	if (!(near_max && alloc_high(d, rate)))
		d->alloc_streak = 0;
	else if (d->alloc_streak++ == 0)
		d->alloc_streak_t = t;
	if (!d->load_active && d->alloc_streak >= ALLOC_LOAD_STREAK) {
		if (isnan(d->load_start_t))
			d->load_start_t = d->alloc_streak_t;
		d->load_active = d->load_known = true;
		d->load_stop_t = NAN;
	} else if (d->alloc_max_rate > ALLOC_LOAD_MIN && (d->load_active || !d->load_known) &&
		   t - d->alloc_high_t >= d->p.load_idle_s) {
		if (isnan(d->load_start_t))
			d->load_start_t = d->origin;
		d->load_active = false;
		d->load_known = true;
		d->load_stop_t = d->alloc_high_t;
	}
}

/* The load's rate is what two intervals in a row reach: one interval that
 * caught drench's own profile capture (a loaded host lets it overlap a
 * regular scrape) would otherwise set a peak the load never comes near
 * again, and every later interval would look idle. */
static void note_load_rate(struct detector *d, double rate)
{
	double held = isfinite(d->alloc_prev_rate) ? fmin(rate, d->alloc_prev_rate) : NAN;

	d->alloc_prev_rate = rate;
	if (isfinite(held))
		d->alloc_max_rate = isfinite(d->alloc_max_rate) ? fmax(d->alloc_max_rate, held)
								: held;
}

void detector_note_allocated(struct detector *d, double t, double total)
{
	double rate;

	if (d->load_explicit || d->req_known || !isfinite(total))
		return;
	if (!isfinite(d->alloc_last_t) || t < d->alloc_last_t || total < d->alloc_last) {
		detector_rebase_allocated(d, t, total); /* first sample, or a restart */
		return;
	}
	/* a sample right after another (a checkpoint's): its few ms would turn
	 * the scrape's own allocation into a burst */
	if (t - d->alloc_last_t < ALLOC_MIN_INTERVAL_S)
		return;
	rate = (total - d->alloc_last) / (t - d->alloc_last_t);
	d->alloc_last = total;
	d->alloc_last_t = t;
	d->level = rate;
	d->alloc_min_rate = isfinite(d->alloc_min_rate) ? fmin(d->alloc_min_rate, rate) : rate;
	note_load_rate(d, rate);
	alloc_load_state(d, t, rate);
}

void detector_note_load(struct detector *d, double t, bool active)
{
	d->load_explicit = true;
	d->load_known = true;
	if (active && isnan(d->load_start_t))
		d->load_start_t = t;
	if (active && !d->load_active)
		d->load_stop_t = NAN;
	if (!active && d->load_active)
		d->load_stop_t = t;
	d->load_active = active;
}

void detector_note_gc(struct detector *d, double t, double gc_count)
{
	if (!d->started || t < d->origin || !isfinite(gc_count))
		return;
	if (!d->gc_known || gc_count < d->gc_base) {
		d->gc_known = true;
		d->gc_base = gc_count;
		d->gc_base_t = t;
	}
	d->gc_now = gc_count;
	d->gc_now_t = t;
}

/* Floor points taken while load ran (all of them when load is unknown). */
static size_t active_points(const struct detector *d, const struct series *s,
			    struct trend_point *out)
{
	size_t m = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (isfinite(d->load_stop_t) && s->pts[i].t > d->load_stop_t)
			break;
		out[m++] = (struct trend_point){.t = s->pts[i].t, .v = s->pts[i].v};
	}
	return m;
}

static double baseline_of(const struct trend_point *p, size_t n)
{
	double v[3];
	size_t k = n < 3 ? n : 3;

	for (size_t i = 0; i < k; i++)
		v[i] = p[i].v;
	return median_inplace(v, k);
}

/* A leak's floor is near its recent level now; a burst on its way down is
 * below it: last point under the median of the last quarter (robust to
 * floor blocks that missed a GC trough) by more than a quarter of the noise. */
static bool falling_now(const struct trend_point *p, size_t n, double noise)
{
	size_t k = n / 4 < 3 ? 3 : n / 4;
	double v[64];

	if (k > n)
		k = n;
	if (k > sizeof(v) / sizeof(v[0]))
		k = sizeof(v) / sizeof(v[0]);
	for (size_t i = 0; i < k; i++)
		v[i] = p[n - k + i].v;
	return p[n - 1].v < median_inplace(v, k) - noise / 4;
}

/* A half of the window takes its share of a steady leak: a slope of at least
 * persist_ratio of the whole, and a growth of at least a quarter of the noise
 * floor (so a flat half is not "steady" next to a small overall slope). */
static bool half_grows(const struct detector *d, const struct metric_result *r, double slope,
		       const struct trend_point *p, size_t n)
{
	double span = p[n - 1].t - p[0].t;

	return slope >= d->p.persist_ratio * r->slope_per_s && slope * span >= r->noise / 4;
}

/* A leak keeps its pace; a cache that fills from random keys slows down
 * as it fills: its second half grows at under DECEL_SHARE of the first's,
 * and the growth the second half lost is above the noise. */
#define DECEL_SHARE 0.5
static bool slowing_down(const struct metric_result *r)
{
	return r->second_half_slope < DECEL_SHARE * r->first_half_slope &&
	       (r->first_half_slope - r->second_half_slope) * r->window_s / 2 >= r->noise;
}

/* Plateau test: the recent third of the window (at least 5 points) must
 * still grow, the lower end of its slope's one-sided 95% interval above 0.
 * Returns the points it took. */
static size_t judge_plateau(const struct trend_point *p, size_t n, double factor,
			    struct metric_result *r)
{
	double from = p[n - 1].t - r->window_s / 3;
	size_t m = 0;
	struct mk_result mk;

	while (m < n && p[n - 1 - m].t >= from)
		m++;
	if (m < 5)
		m = n < 5 ? n : 5;
	r->recent_slope = theil_sen_slope(p + n - m, m);
	r->recent_lower = -INFINITY;
	if (m >= 5 && mann_kendall_hr(p + n - m, m, factor, &mk) == 0)
		r->recent_lower = theil_sen_lower(p + n - m, m, 1.645, mk.var_s);
	return m;
}

/* Exact points come one per GC, and a growing heap makes GCs ever rarer
 * (GOGC): the recent third may hold five, too few to make its slope
 * significant on its own. They still tell a leak that goes on from a
 * plateau: the whole window's line runs through them far closer than any
 * flat level does. Summed absolute distances, the line's under
 * TREND_FIT_SHARE of the flat level's (their median). Block minima come
 * at a fixed cadence and keep the significance test alone: their noise
 * can be slow enough to look like a line over a third. */
#define TREND_FIT_SHARE 0.5
static bool follows_trend(const struct trend_point *p, size_t n, size_t m, double slope)
{
	double *v = malloc(sizeof(*v) * (n + 1)), off, level, to_line = 0, to_flat = 0;
	const struct trend_point *q = p + n - m;

	if (v == NULL || m < 5 || !(slope > 0))
		goto out;
	for (size_t i = 0; i < n; i++)
		v[i] = p[i].v - slope * (p[i].t - p[0].t);
	off = median_inplace(v, n);
	for (size_t i = 0; i < m; i++)
		v[i] = q[i].v;
	level = median_inplace(v, m);
	for (size_t i = 0; i < m; i++) {
		to_line += fabs(q[i].v - off - slope * (q[i].t - p[0].t));
		to_flat += fabs(q[i].v - level);
	}
out:
	free(v);
	return to_flat > 0 && to_line < TREND_FIT_SHARE * to_flat;
}

/* Robust spread of the residuals around the Theil–Sen line (1.4826 MAD). */
static double residual_sd(const struct trend_point *p, size_t n, double slope)
{
	double *v = malloc(sizeof(*v) * n), mid, sd;

	if (v == NULL || !isfinite(slope)) {
		free(v);
		return NAN;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = p[i].v - slope * (p[i].t - p[0].t);
	mid = median_inplace(v, n);
	for (size_t i = 0; i < n; i++)
		v[i] = fabs(p[i].v - slope * (p[i].t - p[0].t) - mid);
	sd = 1.4826 * median_inplace(v, n);
	free(v);
	return sd;
}

/* Growth a leak must exceed. Block minima keep the configured share of the
 * baseline and an absolute floor per unit. Exact post-GC points are far
 * less noisy: a smaller share, a smaller absolute floor, but at least
 * EXACT_NOISE_K times their own measured spread. GC probes read the heap a
 * few milliseconds after the GC they forced, so their floor is smaller
 * still, while concurrency holds steady (requests in flight hold memory). */
#define EXACT_NOISE_SHARE 0.4 /* of noise_floor */
#define EXACT_MIN_GROWTH (256 * 1024.0)
#define PROBE_MIN_GROWTH (96 * 1024.0)
#define EXACT_NOISE_K 4.0
#define CONC_STEADY_ABS 4.0    /* goroutines */
#define CONC_STEADY_SHARE 0.25 /* of their median */

/* Concurrency at the probes of [t0, t1]: its 10th..90th percentile range
 * within CONC_STEADY_ABS or CONC_STEADY_SHARE of the median. */
static bool probes_steady(const struct series *s, double t0, double t1)
{
	double *c = malloc(sizeof(*c) * (s->n + 1));
	size_t m = 0, all = 0;
	bool steady = false;

	if (c == NULL)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		if (s->pts[i].t < t0 || s->pts[i].t > t1)
			continue;
		all++;
		if (s->pts[i].probe && isfinite(s->pts[i].conc))
			c[m++] = s->pts[i].conc;
	}
	if (m >= 4 && 2 * m >= all) { /* mostly probes, each with its concurrency */
		double hi = quantile_inplace(c, m, 0.9), lo = quantile_inplace(c, m, 0.1);

		steady = hi - lo <= fmax(CONC_STEADY_ABS, CONC_STEADY_SHARE * c[m / 2]);
	}
	free(c);
	return steady;
}

static double exact_min_growth(const struct series *s, const struct trend_point *p, size_t n)
{
	return n > 0 && probes_steady(s, p[0].t, p[n - 1].t) ? PROBE_MIN_GROWTH : EXACT_MIN_GROWTH;
}

static double noise_of(const struct detector *d, const struct series *s,
		       const struct trend_point *p, size_t n, const struct metric_result *r)
{
	if (!s->exact || !s->is_bytes)
		return fmax(fmax(d->p.noise_floor * fabs(r->baseline), s->min_growth),
			    EXACT_NOISE_K * residual_sd(p, n, r->slope_per_s));
	return fmax(fmax(EXACT_NOISE_SHARE * d->p.noise_floor * fabs(r->baseline),
			 exact_min_growth(s, p, n)),
		    EXACT_NOISE_K * residual_sd(p, n, r->slope_per_s));
}

static void judge_trend(const struct detector *d, const struct series *s,
			const struct trend_point *p, size_t n, struct metric_result *r)
{
	size_t h = n / 2, m;
	bool steady, grows, going_on;
	struct mk_result mk;
	/* a sub-window's noise autocorrelation, measured before it (judge_recent) */
	double factor = isfinite(r->mk_var_factor) ? r->mk_var_factor : 1.0;

	r->slope_per_s = theil_sen_slope(p, n);
	mann_kendall_hr(p, n, factor, &mk);
	r->mk_p = mk.p;
	r->mk_z = mk.z;
	r->mk_var_factor = mk.var_factor;
	r->baseline = baseline_of(p, n);
	r->floor_now = p[n - 1].v;
	r->window_s = p[n - 1].t - p[0].t;
	r->growth = r->slope_per_s * r->window_s;
	r->noise = noise_of(d, s, p, n, r);
	r->first_half_slope = theil_sen_slope(p, h);
	r->second_half_slope = theil_sen_slope(p + h, n - h);
	m = judge_plateau(p, n, mk.var_factor, r);
	grows = r->slope_per_s > 0 && r->growth >= r->noise;
	steady = half_grows(d, r, r->first_half_slope, p, h) &&
		 half_grows(d, r, r->second_half_slope, p + h, n - h);
	steady &= !falling_now(p, n, r->noise) && !slowing_down(r);
	going_on = r->recent_slope >= RECENT_SHARE * r->slope_per_s &&
		   (r->recent_lower > 0 || (s->exact && follows_trend(p, n, m, r->slope_per_s)));
	r->plateau = grows && r->mk_p < d->p.suspect_alpha && !going_on &&
		     !(r->recent_slope >= d->p.persist_ratio * r->slope_per_s);
	if (grows && r->mk_p < d->p.alpha && steady && going_on) {
		r->verdict = VERDICT_LEAK;
		r->reason = "steady growth of the floor above the noise, still growing in the "
			    "recent third of the window";
	} else if (r->plateau) {
		r->verdict = VERDICT_OK;
		r->reason = "grew, then levelled off: the recent third of the window is flat "
			    "(a cache or working set that filled)";
	} else if (grows && r->mk_p < d->p.suspect_alpha) {
		r->verdict = VERDICT_SUSPECT;
		r->reason = !going_on ? "upward trend, but the recent growth is not significant"
			    : steady  ? "weak upward trend"
				      : "grew, then stopped or fell back (step, burst)";
	} else {
		r->verdict = VERDICT_OK;
		r->reason = grows ? "growth without a significant trend (noise allowed for "
				    "autocorrelation)"
				  : "no growth above the noise floor";
	}
}

/* A leak that began late in the window fails the whole window's steadiness
 * (its first half is flat, like a plateau mirrored). Judge the recent half,
 * quarter, ... alone with the same rules: a leak still growing now passes,
 * a plateau, a step or a burst does not (one of the sub-halves is flat). */
/* The later half of a sub-window lies above every floor point before it: a
 * late leak lifts the floor to levels never seen before it began, while the
 * rising half of a working set that fills and empties (a batch, a periodic
 * flush) climbs only back to the peaks it reached before. */
static bool above_every_earlier_point(const struct trend_point *p, size_t before,
				      size_t m)
{
	double high = -INFINITY, low = INFINITY;

	for (size_t i = 0; i < before; i++)
		high = fmax(high, p[i].v);
	for (size_t i = before + m / 2; i < before + m; i++)
		low = fmin(low, p[i].v);
	return low > high;
}

static void judge_recent(const struct detector *d, const struct series *s,
			 const struct trend_point *p, size_t n, struct metric_result *r)
{
	struct metric_result sub;

	if (r->verdict == VERDICT_LEAK)
		return;
	for (size_t m = n / 2; m >= d->p.min_points; m /= 2) {
		struct mk_result before;

		/* a short window cannot see slow autocorrelation: take it from the
		 * points before it (the same noise, and no late leak's hinge) */
		mann_kendall_hr(p, n - m, 1.0, &before);
		if (before.p < d->p.suspect_alpha)
			continue; /* not a late start: the whole window judges a leak */
		/* a late leak must rise above the swing seen before it began: the
		 * rising half of a working set that fills and empties is no leak */
		double swing = EXACT_NOISE_K * residual_sd(p, n - m, theil_sen_slope(p, n - m));
		sub = *r;
		sub.mk_var_factor = before.var_factor;
		judge_trend(d, s, p + n - m, m, &sub);
		if (sub.verdict == VERDICT_LEAK && !(sub.growth < swing) &&
		    above_every_earlier_point(p, n - m, m)) {
			*r = sub;
			r->reason = "steady growth of the floor in the recent part of the window";
			return;
		}
	}
}

/* Few exact post-GC points (a fast leak makes GCs rare): each of the last
 * ones higher than the one before, and far above the noise, is a leak. */
static void judge_few_exact(const struct detector *d, const struct series *s,
			    const struct trend_point *p, size_t n, struct metric_result *r)
{
	size_t k = n < 6 ? n : 6;

	if (!s->exact || r->verdict == VERDICT_LEAK || n >= d->p.min_points ||
	    n < d->p.min_exact_points)
		return;
	for (size_t i = n - k + 1; i < n; i++)
		if (!(p[i].v > p[i - 1].v))
			return;
	if (p[n - 1].v - p[n - k].v < 3 * r->noise)
		return;
	r->verdict = VERDICT_LEAK;
	r->reason = "each of the last GCs left more live heap, far above the noise";
}

/* Lowest floor point after load stopped, and how many there are. */
static double post_stop_floor(const struct detector *d, const struct series *s, unsigned *n,
			      bool *forced, bool *probe)
{
	double lo = INFINITY;

	*n = 0;
	*forced = *probe = false;
	for (size_t i = 0; i < s->n; i++) {
		if (!(s->pts[i].t > d->load_stop_t))
			continue;
		if (s->pts[i].v < lo)
			*probe = s->pts[i].probe;
		lo = fmin(lo, s->pts[i].v);
		*forced |= s->pts[i].forced;
		(*n)++;
	}
	if (s->open && s->open_t > d->load_stop_t) {
		if (s->open_min < lo)
			*probe = false;
		lo = fmin(lo, s->open_min);
		(*n)++;
	}
	return lo;
}

/* After load stops and recovery_s passed: is the floor back within noise of
 * the idle floor before load (else of the first floor points)? A working
 * set given back recovers; a leak does not. Needs recovery_gcs exact points
 * (or one forced GC), or 2 blocks, after the stop. */
static void judge_recovery(const struct detector *d, const struct series *s, double now,
			   struct metric_result *r)
{
	unsigned need;
	bool forced, probe;
	double ref, noise;

	if (!isfinite(d->load_stop_t) || now - d->load_stop_t < d->p.recovery_s)
		return;
	r->post_floor = post_stop_floor(d, s, &r->post_points, &forced, &probe);
	need = s->exact ? (forced ? 1 : d->p.recovery_gcs) : 2;
	if (r->post_points < need) {
		r->post_floor = NAN;
		return;
	}
	ref = isfinite(r->idle_floor) ? r->idle_floor : r->baseline;
	if (!isfinite(ref))
		return;
	noise = s->exact && s->is_bytes
			? fmax(EXACT_NOISE_SHARE * d->p.noise_floor * fabs(ref),
			       probe ? PROBE_MIN_GROWTH : EXACT_MIN_GROWTH)
			: fmax(d->p.noise_floor * fabs(ref), s->min_growth);
	r->recovered = r->post_floor <= ref + noise;
	r->persisted = !r->recovered && (r->verdict == VERDICT_LEAK || s->latched);
	if (r->recovered && r->verdict != VERDICT_OK) {
		r->verdict = VERDICT_OK;
		r->reason = "after load stopped, the floor came back within noise of the idle "
			    "floor before load";
	} else if (!r->recovered && r->level_held) {
		r->verdict = VERDICT_LEAK;
		r->reason = "rose as the load level stepped up, and stayed after load stopped";
	}
}

static void judge_extras(const struct detector *d, const struct series *s, struct metric_result *r)
{
	double req_end_t = d->req_now_t;
	uint64_t reqs;

	r->time_to_limit_s = NAN;
	if (s->is_bytes && d->limit > 0 && r->slope_per_s > 0)
		r->time_to_limit_s = fmax(0, (d->limit - s->last_v) / r->slope_per_s);
	r->per_request = NAN;
	if (isfinite(d->load_stop_t) && d->load_stop_t < req_end_t)
		req_end_t = d->load_stop_t;
	reqs = d->req_base_set ? d->req_now - d->req_base : 0;
	if (reqs > 0 && isfinite(r->slope_per_s) && req_end_t > d->req_base_t)
		r->per_request = r->slope_per_s * (req_end_t - d->req_base_t) / (double)reqs;
}

/* Hysteresis: a raw leak becomes a leak after leak_confirm evaluations in a
 * row; a called leak stays called (with the evidence that called it) until
 * recovery evidence withdraws it, whatever later evaluations say. */
static void apply_latch(const struct detector *d, struct series *s, struct metric_result *r)
{
	bool raw_leak = r->verdict == VERDICT_LEAK;

	s->streak = raw_leak ? s->streak + 1 : 0;
	if (raw_leak && (s->latched || s->streak >= d->p.leak_confirm)) {
		s->latched = true;
		s->latched_res = *r;
	} else if (s->latched && r->recovered) {
		s->latched = false;
	} else if (s->latched) {
		struct metric_result now = *r;

		*r = s->latched_res;
		r->samples = now.samples;
		r->post_floor = now.post_floor;
		r->post_points = now.post_points;
		r->load_start = now.load_start;
		r->load_stop = now.load_stop;
		r->idle_floor = now.idle_floor;
		r->persisted = isfinite(d->load_stop_t);
		r->spikes = now.spikes;
		r->reason = isfinite(now.post_floor)
				    ? "leak called under load; after load stopped the floor did not come "
				      "back to the idle floor"
			    : isfinite(d->load_stop_t)
				    ? "leak called under load; too few floor points since load stopped "
				      "to tell whether it came back"
				    : "leak called earlier; no recovery evidence since";
	} else if (raw_leak) {
		r->verdict = VERDICT_SUSPECT;
		r->reason = "leak pending confirmation by the next evaluations";
	}
	r->latched = s->latched;
}

/* Load level rose in the recent third of [t0, t1]: the median level of
 * its points over the median before it. NAN levels are left out. */
static double level_rise(const struct series *s, double t0, double t1)
{
	double tr = t1 - (t1 - t0) / 3, *before = malloc(sizeof(double) * (s->n + 1)),
	       *recent = malloc(sizeof(double) * (s->n + 1)), rise = 1;
	size_t nb = 0, nr = 0;

	for (size_t i = 0; before && recent && i < s->n; i++) {
		if (s->pts[i].t < t0 || s->pts[i].t > t1 || !isfinite(s->pts[i].level))
			continue;
		if (s->pts[i].t < tr)
			before[nb++] = s->pts[i].level;
		else
			recent[nr++] = s->pts[i].level;
	}
	if (nb >= 3 && nr >= 3) {
		double b = median_inplace(before, nb), r = median_inplace(recent, nr);

		rise = b > 0 ? r / b : 1;
	}
	free(before);
	free(recent);
	return rise;
}

static void reset_result(struct metric_result *r);

/* The points before the recent third, at a level that did not rise, are a
 * leak on their own: the later step up of the level does not explain the
 * growth (memory in flight would have stayed flat until the step). */
static bool grew_at_a_steady_level(const struct detector *d, const struct series *s,
				   const struct trend_point *p, size_t n)
{
	double tr = p[n - 1].t - (p[n - 1].t - p[0].t) / 3;
	unsigned need = s->exact ? d->p.min_exact_points : d->p.min_points;
	struct metric_result before;
	size_t k = 0;

	while (k < n && p[k].t < tr)
		k++;
	if (k < need || k < 2 || level_rise(s, p[0].t, p[k - 1].t) > LEVEL_RISE)
		return false;
	reset_result(&before);
	judge_trend(d, s, p, k, &before);
	return before.verdict == VERDICT_LEAK;
}

/* Memory in flight follows the load level; a leak follows the requests
 * served. A rise that came with a step up of the load level is held at
 * suspect while load runs; the idle floor after load tells (recovery). */
static void hold_if_level_rose(const struct detector *d, const struct series *s,
			       const struct trend_point *p, size_t n, struct metric_result *r)
{
	double rise;

	if (r->verdict != VERDICT_LEAK || n < 2)
		return;
	rise = level_rise(s, p[0].t, p[n - 1].t);
	if (!(rise > LEVEL_RISE) || grew_at_a_steady_level(d, s, p, n))
		return;
	r->verdict = VERDICT_SUSPECT;
	r->level_held = true;
	r->reason = "rose as the load level stepped up (in-flight memory or a leak): judged "
		    "after load stops";
}

static void reset_result(struct metric_result *r)
{
	r->slope_per_s = r->mk_p = r->mk_z = r->baseline = r->floor_now = NAN;
	r->growth = r->noise = r->first_half_slope = r->second_half_slope = NAN;
	r->time_to_limit_s = r->per_request = r->window_s = NAN;
	r->mk_var_factor = r->recent_slope = r->recent_lower = NAN;
	r->post_floor = NAN;
	r->post_points = 0;
	r->recovered = r->persisted = r->plateau = r->level_held = false;
}

static void evaluate_series(struct detector *d, struct series *s, double now)
{
	struct metric_result *r = &s->res;
	double since = r->leak_since;
	struct trend_point *p = malloc(sizeof(*p) * (s->n + 1));
	size_t n = p != NULL ? active_points(d, s, p) : 0;
	double gcs = d->gc_known ? d->gc_now - d->gc_base : NAN;
	unsigned min_points = s->exact ? d->p.min_exact_points : d->p.min_points;

	reset_result(r);
	r->n_points = (unsigned)n;
	r->floor_width_s = s->width;
	r->spikes = s->spikes;
	r->exact = s->exact;
	r->samples = s->samples;
	r->load_start = d->load_start_t;
	r->load_stop = d->load_stop_t;
	r->idle_floor = isfinite(d->load_start_t) ? s->idle_min : NAN;
	if (!d->started || now - d->origin < d->p.min_window_s || n < min_points) {
		r->verdict = VERDICT_INSUFFICIENT;
		r->reason = d->started && now >= d->origin ? "too few floor points after warm-up"
							   : "warming up";
	} else if (s->gc_bound && !s->exact && isfinite(gcs) && gcs < d->p.min_gc_cycles) {
		r->verdict = VERDICT_INSUFFICIENT;
		r->reason = "too few GC cycles to see the floor";
	} else {
		judge_trend(d, s, p, n, r);
		judge_recent(d, s, p, n, r);
		judge_few_exact(d, s, p, n, r);
		judge_extras(d, s, r);
		hold_if_level_rose(d, s, p, n, r);
	}
	judge_recovery(d, s, now, r);
	apply_latch(d, s, r);
	r->leak_since = r->verdict != VERDICT_LEAK ? NAN : isnan(since) ? now : since;
	free(p);
}

static enum leak_verdict aggregate(const struct detector *d)
{
	bool any_judged = false, insufficient = false, suspect = false;

	for (size_t i = 0; i < d->n; i++)
		any_judged |= d->s[i].judged;
	for (size_t i = 0; i < d->n; i++) {
		const struct metric_result *r = &d->s[i].res;

		if (any_judged && !d->s[i].judged)
			continue;
		if (r->verdict == VERDICT_LEAK)
			return VERDICT_LEAK;
		suspect |= r->verdict == VERDICT_SUSPECT;
		insufficient |= r->verdict == VERDICT_INSUFFICIENT;
	}
	if (suspect)
		return VERDICT_SUSPECT;
	return insufficient || d->n == 0 ? VERDICT_INSUFFICIENT : VERDICT_OK;
}

int detector_judge_span(const struct detector *d, const char *metric, double t0, double t1,
			struct metric_result *out)
{
	int i = find_series(d, metric);
	const struct series *s;
	struct trend_point *p;
	double req0 = NAN, req1 = NAN;
	size_t n = 0;

	if (i < 0)
		return -ENOENT;
	s = &d->s[i];
	p = calloc(s->n + 1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	reset_result(out);
	out->judged = s->judged;
	out->floor_width_s = s->width;
	for (size_t k = 0; k < s->n; k++) {
		if (s->pts[k].t < t0 || s->pts[k].t > t1)
			continue;
		if (n == 0)
			req0 = s->pts[k].req;
		req1 = s->pts[k].req;
		p[n++] = (struct trend_point){.t = s->pts[k].t, .v = s->pts[k].v};
	}
	out->n_points = (unsigned)n;
	out->exact = s->exact;
	if (n < (s->exact ? d->p.min_exact_points : d->p.min_points)) {
		out->verdict = VERDICT_INSUFFICIENT;
		out->reason = "too few floor points in the span";
	} else {
		judge_trend(d, s, p, n, out);
		judge_few_exact(d, s, p, n, out);
		if (req1 > req0 && isfinite(out->growth))
			out->per_request = out->growth / (req1 - req0);
	}
	free(p);
	return 0;
}

enum leak_verdict detector_evaluate(struct detector *d, double now)
{
	for (size_t i = 0; i < d->n; i++)
		evaluate_series(d, &d->s[i], now);
	d->verdict = aggregate(d);
	return d->verdict;
}

enum leak_verdict detector_verdict(const struct detector *d)
{
	return d->verdict;
}

size_t detector_n_metrics(const struct detector *d)
{
	return d->n;
}

const char *detector_metric_name(const struct detector *d, size_t i)
{
	return i < d->n ? d->s[i].name : NULL;
}

const struct metric_result *detector_result(const struct detector *d, size_t i)
{
	return i < d->n ? &d->s[i].res : NULL;
}

const struct metric_result *detector_find(const struct detector *d, const char *metric)
{
	int i = find_series(d, metric);

	return i >= 0 ? &d->s[i].res : NULL;
}

const char *leak_verdict_name(enum leak_verdict v)
{
	switch (v) {
	case VERDICT_OK:
		return "ok";
	case VERDICT_SUSPECT:
		return "suspect";
	case VERDICT_LEAK:
		return "leak";
	case VERDICT_INSUFFICIENT:
	default:
		return "insufficient";
	}
}

size_t detector_points(const struct detector *d, size_t i, double *t, double *v, bool *forced,
		       size_t cap)
{
	size_t n = 0;

	for (; i < d->n && n < d->s[i].n && n < cap; n++) {
		t[n] = d->s[i].pts[n].t;
		v[n] = d->s[i].pts[n].v;
		forced[n] = d->s[i].pts[n].forced;
	}
	return n;
}
