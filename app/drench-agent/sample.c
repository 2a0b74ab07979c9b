/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the agent watches: targets from the collector's CONFIG, sampled from
 * /proc and cgroup v2, plus their Prometheus series scraped with libcurl;
 * heap and goroutine profiles fetched from pprof on request.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "procfs.h"
#include "prom.h"
#include "proto.h"
#include "session.h"

static const char *const go_series[] = {
	"go_memstats_heap_inuse_bytes",
	"go_memstats_heap_alloc_bytes",
	"go_memstats_heap_objects",
	"go_goroutines",
	"go_gc_duration_seconds_count",
	/* the live heap after the last GC: next_gc / (1 + GOGC/100), or exposed
	 * directly by the runtime-metrics collector, and when that GC ran */
	"go_memstats_next_gc_bytes",
	"go_memstats_last_gc_time_seconds",
	"go_gc_gogc_percent",
	"go_gc_heap_live_bytes",
	"go_memstats_alloc_bytes_total",
};
#define N_GO_SERIES (sizeof(go_series) / sizeof(go_series[0]))

static void target_free(struct agent_target *t)
{
	free(t->name);
	free(t->process);
	free(t->cgroup);
	free(t->metrics_url);
	free(t->pprof_url);
	for (size_t i = 0; i < t->n_metrics; i++)
		free(t->metrics[i]);
	if (t->curl)
		curl_easy_cleanup(t->curl);
	memset(t, 0, sizeof(*t));
}

void targets_free(struct agent *a)
{
	for (size_t i = 0; i < a->n_targets; i++)
		target_free(&a->targets[i]);
	a->n_targets = 0;
	free(a->config_text);
	a->config_text = NULL;
}

static char *dup_or_null(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? strdup(s) : NULL;
}

static void target_from_json(struct agent_target *t, json_t *o)
{
	json_t *m = json_object_get(o, "metrics"), *v;
	size_t i;

	t->name = dup_or_null(o, "name");
	t->pid = (int)json_integer_value(json_object_get(o, "pid"));
	t->process = dup_or_null(o, "process");
	t->cgroup = dup_or_null(o, "cgroup");
	t->metrics_url = dup_or_null(o, "metrics_url");
	t->pprof_url = dup_or_null(o, "pprof_url");
	json_array_foreach(m, i, v) if (json_is_string(v) && t->n_metrics < AGENT_MAX_METRICS)
		t->metrics[t->n_metrics++] = strdup(json_string_value(v));
}

int targets_configure(struct agent *a, const char *text, size_t len)
{
	json_t *cfg, *list, *o;
	size_t i;

	if (a->config_text && strlen(a->config_text) == len && !memcmp(a->config_text, text, len))
		return 0; /* same campaign after a reconnect: keep state */
	cfg = json_loadb(text, len, 0, NULL);
	list = json_object_get(cfg, "targets");
	if (!json_is_array(list)) {
		json_decref(cfg);
		fprintf(stderr, "drench-agent: bad CONFIG ignored\n");
		return -EINVAL;
	}
	targets_free(a);
	a->config_text = strndup(text, len);
	if (json_integer_value(json_object_get(cfg, "interval_ms")) >= 100)
		a->interval_ms = (unsigned)json_integer_value(json_object_get(cfg, "interval_ms"));
	if (!a->buffer_from_cli && json_integer_value(json_object_get(cfg, "buffer")) > 0)
		ring_resize(a, (size_t)json_integer_value(json_object_get(cfg, "buffer")));
	json_array_foreach(list, i, o)
	{
		if (a->n_targets == AGENT_MAX_TARGETS ||
		    !json_string_value(json_object_get(o, "name")))
			continue;
		/* names reach file names and logs: plain ids only */
		if (!tp_id_valid(json_string_value(json_object_get(o, "name")))) {
			fprintf(stderr, "drench-agent: target with an unsafe name ignored\n");
			continue;
		}
		target_from_json(&a->targets[a->n_targets++], o);
	}
	fprintf(stderr, "drench-agent: watching %zu targets every %u ms, buffer %zu samples\n",
		a->n_targets, a->interval_ms, a->buffer_cap);
	json_decref(cfg);
	return 0;
}

/* URLs come from the collector: plain HTTP(S) only, and no redirect (one
 * could lead anywhere the agent's host can reach). */
void agent_curl_restrict(CURL *h)
{
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
}

/* Events ride in the sample ring, numbered with the samples, so they are
 * buffered, resent and deduplicated the same way. */
void agent_event(struct agent *a, const char *target, const char *event, const char *detail)
{
	json_t *o =
		json_pack("{s:s, s:I, s:s, s:s}", "target", target, "n", (json_int_t)a->next_seq,
			  "event", event, "detail", detail ? detail : "");

	fprintf(stderr, "drench-agent: %s: %s %s\n", target, event, detail ? detail : "");
	ring_push(a, TP_EVENT, json_dumps(o, JSON_COMPACT));
	json_decref(o);
	link_flush_ring(a);
}

/* Find the pid to sample; report restarts of a process watched by name. */
static int resolve_pid(struct agent *a, struct agent_target *t)
{
	int pid = 0;
	char detail[96];

	if (t->process != NULL) {
		if (t->pid > 0 && procfs_pid_is(t->pid, t->process))
			return t->pid;
		if (procfs_find_process(t->process, &pid) < 0)
			return 0;
		if (t->pid > 0) {
			t->restarts++;
			snprintf(detail, sizeof(detail), "pid %d replaced by pid %d", t->pid, pid);
			agent_event(a, t->name, "restart", detail);
		}
		t->pid = pid;
		return pid;
	}
	if (t->pid == 0 && t->cgroup && procfs_cgroup_first_pid(t->cgroup, &pid) == 0)
		return pid;
	return t->pid;
}

struct scrape {
	struct agent_target *t;
	json_t *m;
	double sums[AGENT_MAX_METRICS + N_GO_SERIES];
	bool seen[AGENT_MAX_METRICS + N_GO_SERIES];
	struct prom_stream ps;
};

static const char *series_name(const struct agent_target *t, size_t i)
{
	return i < N_GO_SERIES ? go_series[i] : t->metrics[i - N_GO_SERIES];
}

/* A spec without labels sums every series of that name. */
static void on_prom_sample(const struct prom_sample *s, void *arg)
{
	struct scrape *sc = arg;

	for (size_t i = 0; i < N_GO_SERIES + sc->t->n_metrics; i++) {
		if (prom_match(s, series_name(sc->t, i)) && isfinite(s->value)) {
			sc->sums[i] += s->value;
			sc->seen[i] = true;
		}
	}
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct scrape *sc = arg;

	prom_stream_feed(&sc->ps, data, size * n);
	return size * n;
}

static void scrape_metrics(struct agent *a, struct agent_target *t, json_t *m)
{
	struct scrape sc = {.t = t, .m = m};
	CURLcode rc;

	if (t->curl == NULL && (t->curl = curl_easy_init()) == NULL)
		return;
	prom_stream_init(&sc.ps, on_prom_sample, &sc);
	agent_curl_restrict(t->curl);
	curl_easy_setopt(t->curl, CURLOPT_URL, t->metrics_url);
	curl_easy_setopt(t->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t->curl, CURLOPT_WRITEDATA, &sc);
	curl_easy_setopt(t->curl, CURLOPT_TIMEOUT_MS, (long)(a->interval_ms / 2 + 100));
	curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(t->curl);
	prom_stream_finish(&sc.ps);
	if (rc != CURLE_OK) {
		json_object_set_new(m, "scrape_ok", json_integer(0));
		return;
	}
	for (size_t i = 0; i < N_GO_SERIES + t->n_metrics; i++)
		if (sc.seen[i])
			json_object_set_new(m, series_name(t, i), json_real(sc.sums[i]));
	json_object_set_new(m, "scrape_ok", json_integer(1));
}

static json_t *proc_metrics(const struct proc_sample *p)
{
	json_t *m = json_object();

	if (p->has_smaps) {
		json_object_set_new(m, "rss_bytes", json_integer((json_int_t)p->rss));
		json_object_set_new(m, "pss_bytes", json_integer((json_int_t)p->pss));
		json_object_set_new(m, "anon_bytes", json_integer((json_int_t)p->anon));
		json_object_set_new(m, "swap_bytes", json_integer((json_int_t)p->swap));
	}
	json_object_set_new(m, "hwm_bytes", json_integer((json_int_t)p->hwm));
	json_object_set_new(m, "threads", json_integer((json_int_t)p->threads));
	json_object_set_new(m, "fds", json_integer((json_int_t)p->fds));
	if (p->has_cgroup)
		json_object_set_new(m, "cgroup_memory_bytes",
				    json_integer((json_int_t)p->cgroup_current));
	return m;
}

/* checkpoint: the tag of the forced GC this sample follows, or NULL;
 * probe: run between the scrape and the sample (a GC probe adds its
 * reading), false when it failed and the sample is a plain one */
static void sample_one(struct agent *a, struct agent_target *t, double now, const char *checkpoint,
		       sample_probe_fn probe)
{
	struct proc_sample ps;
	char cg[4096];
	const char *cgroup = t->cgroup;
	int pid = resolve_pid(a, t);
	json_t *m, *o;

	if (pid > 0 && cgroup == NULL && procfs_pid_cgroup(pid, cg, sizeof(cg)) == 0)
		cgroup = cg;
	if (pid <= 0 || procfs_sample(pid, cgroup, &ps) < 0) {
		if (!t->gone_reported)
			agent_event(a, t->name, "gone", "no process to sample");
		t->gone_reported = true;
		return;
	}
	t->gone_reported = false;
	m = proc_metrics(&ps);
	if (t->metrics_url)
		scrape_metrics(a, t, m);
	if (probe != NULL && !probe(a, t, m))
		checkpoint = NULL;
	/* n: the number ring_push gives this sample */
	o = json_pack("{s:s, s:I, s:f, s:i, s:i, s:I, s:o}", "target", t->name, "n",
		      (json_int_t)a->next_seq, "t", now, "pid", pid, "restarts", t->restarts,
		      "dropped", (json_int_t)a->dropped, "m", m);
	if (checkpoint != NULL)
		json_object_set_new(o, "checkpoint", json_string(checkpoint));
	ring_push(a, TP_SAMPLE, json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17)));
	json_decref(o);
}

void targets_sample(struct agent *a)
{
	double now = agent_wall();

	for (size_t i = 0; i < a->n_targets; i++)
		sample_one(a, &a->targets[i], now, NULL, NULL);
	link_flush_ring(a);
}

/* The sample right after a forced GC (heap?gc=1): an exact live heap,
 * tagged with its checkpoint so the collector takes it as one. */
void targets_sample_checkpoint(struct agent *a, struct agent_target *t, const char *tag)
{
	sample_one(a, t, agent_wall(), tag, NULL);
	link_flush_ring(a);
}

/* The sample that carries a GC probe's reading: scraped first, so its
 * allocation counter leaves out what the probe itself allocates. */
void targets_sample_probe(struct agent *a, struct agent_target *t, const char *tag,
			  sample_probe_fn probe)
{
	sample_one(a, t, agent_wall(), tag, probe);
	link_flush_ring(a);
}
