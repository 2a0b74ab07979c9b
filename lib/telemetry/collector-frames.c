/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the collector does with each authenticated frame: HELLO binds the
 * connection to an agent and answers with its CONFIG; SAMPLE is deduplicated
 * by sequence number and fed to the target's detector; PROFILE_CHUNK is
 * written under outdir/profiles and checked against its SHA-256; EVENT is
 * logged. Anything else from an agent is a protocol error.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector-priv.h"
#include "proto.h"

#define GC_COUNT_METRIC "go_gc_duration_seconds_count"

static void reject(struct collector *c, int i, const char *why)
{
	c->st.rejected_malformed++;
	fprintf(c->log, "collector: %s: rejected frame: %s\n", c->conns[i].peer, why);
}

/* Counters arrive as JSON numbers: whole, non-negative and exact in a double
 * before they are cast (a cast of 1e300 to an integer is undefined). */
static bool counter_valid(double x)
{
	return isfinite(x) && x >= 0 && x <= 9007199254740992.0 && x == floor(x);
}

/* Wire strings printed in logs: anything but plain printable ASCII becomes
 * \xNN, so an agent cannot forge log lines or drive a terminal. */
static const char *printable(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	if (s == NULL)
		return "-";
	for (; *s && o + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
	}
	out[o] = '\0';
	return out;
}

struct target_state *collector_target(struct collector *c, const char *name)
{
	for (size_t i = 0; i < c->n_targets; i++)
		if (!strcmp(c->targets[i].cfg->name, name))
			return &c->targets[i];
	return NULL;
}

static json_t *string_array(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *target_config_json(const struct telemetry_target *t)
{
	json_t *o = json_object();
	json_t *m = string_array(t->metrics, t->n_metrics);

	json_object_set_new(o, "name", json_string(t->name));
	if (t->watch == TELEMETRY_WATCH_PID)
		json_object_set_new(o, "pid", json_integer(t->pid));
	if (t->process)
		json_object_set_new(o, "process", json_string(t->process));
	if (t->cgroup)
		json_object_set_new(o, "cgroup", json_string(t->cgroup));
	if (t->metrics_url)
		json_object_set_new(o, "metrics_url", json_string(t->metrics_url));
	if (t->pprof_url)
		json_object_set_new(o, "pprof_url", json_string(t->pprof_url));
	if (t->requests_metric)
		json_array_append_new(m, json_string(t->requests_metric));
	json_object_set_new(o, "metrics", m);
	return o;
}

static void send_config(struct collector *c, int i, int agent)
{
	json_t *targets = json_array();
	size_t n = 0;

	for (size_t k = 0; k < c->n_targets; k++) {
		if (strcmp(c->targets[k].cfg->agent, c->agents[agent].id) != 0)
			continue;
		c->targets[k].agent = agent;
		json_array_append_new(targets, target_config_json(c->targets[k].cfg));
		n++;
	}
	if (n == 0)
		fprintf(c->log, "collector: agent %s watches no target of this campaign\n",
			c->agents[agent].id);
	collector_conn_send_json(c, i, TP_CONFIG,
				 json_pack("{s:I, s:I, s:o}", "interval_ms",
					   (json_int_t)(c->cfg->interval_us / 1000), "buffer",
					   (json_int_t)c->cfg->agent_buffer, "targets", targets));
}

int collector_agent_index(struct collector *c, const char *id)
{
	for (size_t a = 0; a < c->n_agents; a++)
		if (!strcmp(c->agents[a].id, id))
			return (int)a;
	if (c->n_agents == COLLECTOR_MAX_AGENTS)
		return -ENOSPC;
	struct agent_state *a = &c->agents[c->n_agents];

	memset(a, 0, sizeof(*a));
	a->id = strdup(id);
	a->conn = -1;
	if (a->id == NULL)
		return -ENOMEM;
	return (int)c->n_agents++;
}

/* Called once the HELLO authenticated under the agent's own key: only now
 * may it replace that agent's older connection (a half-open one, or the
 * agent's previous process). id and boot are valid (collector-hello.c). */
void collector_bind_agent(struct collector *c, int i, const char *id, const char *boot,
			  json_t *hello)
{
	double dropped = json_number_value(json_object_get(hello, "dropped"));
	struct agent_state *a;
	int ai = collector_agent_index(c, id);

	if (ai < 0) {
		reject(c, i, "too many agents");
		c->conns[i].closing = true;
		return;
	}
	a = &c->agents[ai];
	if (a->conn >= 0 && a->conn != i)
		collector_conn_close(c, a->conn,
				     "replaced by a newer connection of the same agent");
	if (a->boot == NULL || strcmp(a->boot, boot) != 0) {
		free(a->boot);
		a->boot = strdup(boot);
		a->last_seq = 0; /* a new agent process numbers from 1 again */
	}
	if (counter_valid(dropped))
		a->dropped = (uint64_t)dropped;
	a->conn = i;
	c->conns[i].agent = ai;
	fprintf(c->log,
		"collector: %s: agent %s (boot %s) connected, %llu samples dropped so far\n",
		c->conns[i].peer, id, boot, (unsigned long long)a->dropped);
	send_config(c, i, ai);
}

bool collector_ask_profile(struct collector *c, struct target_state *t, const char *tag)
{
	int conn = t->agent >= 0 ? c->agents[t->agent].conn : -1;
	uint32_t grant;
	bool gc = c->cfg->forced_gc;

	if (conn < 0 || t->cfg->pprof_url == NULL || !c->cfg->profiles)
		return false;
	grant = collector_grant_open(c, t, tag);
	if (grant == 0) {
		fprintf(c->log, "collector: too many profile requests open\n");
		return false;
	}
	if (collector_conn_send_json(c, conn, TP_PROFILE_REQ,
				     json_pack("{s:s, s:s, s:I, s:I}", "target", t->cfg->name,
					       "tag", tag, "grant", (json_int_t)grant, "flags",
					       (json_int_t)(gc ? TP_PROFILE_FORCED_GC : 0))) == 0) {
		fprintf(c->log, "collector: asked agent %s for %s%s profiles of %s\n",
			c->agents[t->agent].id, tag, gc ? " forced-GC" : "", t->cfg->name);
		if (!strcmp(tag, "baseline"))
			t->baseline_asked = true;
		else if (!strcmp(tag, "leak"))
			t->leak_asked = true;
		t->checkpoints++;
		return true;
	}
	return false;
}

/* A GC probe writes no file, so it needs no grant. */
bool collector_ask_gc_probe(struct collector *c, struct target_state *t)
{
	int conn = t->agent >= 0 ? c->agents[t->agent].conn : -1;

	if (conn < 0 || t->cfg->pprof_url == NULL ||
	    collector_conn_send_json(c, conn, TP_PROFILE_REQ,
				     json_pack("{s:s, s:s, s:i, s:i}", "target", t->cfg->name,
					       "tag", TP_GC_PROBE_TAG, "grant", 0, "flags",
					       (int)(TP_PROFILE_FORCED_GC | TP_PROFILE_GC_PROBE))) != 0)
		return false;
	if (t->probes_asked++ == 0)
		fprintf(c->log,
			"collector: %s: GC goal pinned at Go's minimum, so no GC shows the live "
			"heap: probing it (pprof heap?gc=1) every %.1f s\n",
			t->cfg->name, (double)c->cfg->gc_probe_us / 1e6);
	return true;
}

/* Allocation tells when load runs; what drench's own requests allocate in
 * the target is no load: a GC probe says how much it allocated, and a
 * profile checkpoint's capture (heap, then goroutines) spans this sample
 * and the next, which re-base the counter. */
static void note_allocated(struct target_state *t, double ts, double total, const char *checkpoint)
{
	bool capture = checkpoint != NULL && strcmp(checkpoint, TP_GC_PROBE_TAG) != 0;

	if (capture || t->after_capture) {
		detector_rebase_allocated(t->det, ts, total - t->probe_alloc);
		t->after_capture = capture;
		return;
	}
	detector_note_allocated(t->det, ts, total - t->probe_alloc);
}

static void feed_metrics(struct target_state *t, double ts, json_t *m, const char *checkpoint)
{
	const char *name;
	json_t *v;

	collector_live_heap(t, ts, m, checkpoint);
	json_object_foreach(m, name, v)
	{
		double x = json_number_value(v);

		if (!json_is_number(v))
			continue;
		if (!strcmp(name, "go_memstats_alloc_bytes_total"))
			note_allocated(t, ts, x, checkpoint);
		if (!strcmp(name, "hwm_bytes") || !strcmp(name, "scrape_ok") ||
		    collector_live_metric(name))
			continue; /* a high-water mark only rises; a flag is no series */
		if (t->cfg->requests_metric && !strcmp(name, t->cfg->requests_metric))
			detector_note_requests(t->det, ts, (uint64_t)fmax(0, x));
		else if (!strcmp(name, GC_COUNT_METRIC))
			detector_note_gc(t->det, ts, x);
		else
			detector_add(t->det, name, ts, x);
	}
	v = json_object_get(m, TP_GC_PROBE_ALLOC_METRIC);
	if (json_is_number(v) && json_number_value(v) >= 0)
		t->probe_alloc += json_number_value(v);
	json_decref(t->last_m);
	t->last_m = json_incref(m);
}

/* One line of samples.jsonl, re-serialised: an agent's bytes never reach the
 * file as they came (no way to break the one-object-per-line format). */
static void record_sample(struct collector *c, struct agent_state *a, uint64_t seq, json_t *msg,
			  const char *kind)
{
	json_t *line = json_pack("{s:s, s:s, s:I, s:O}", "agent", a->id, "boot", a->boot, "seq",
				 (json_int_t)seq, kind, msg);
	char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;

	if (text != NULL)
		fprintf(c->samples_out, "%s\n", text);
	free(text);
	json_decref(line);
}

/* Agents' clocks are on NTP: a sample from the future beyond this is refused,
 * so one bad timestamp cannot pin the evaluation clock ahead of real time. */
#define SAMPLE_FUTURE_S 300.0
#define SAMPLE_EPOCH_MIN 1e9 /* 2001: before this, the clock is not set */

static bool metrics_valid(json_t *m)
{
	const char *name;
	json_t *v;

	if (!json_is_object(m))
		return false;
	json_object_foreach(m, name, v)
	{
		if (json_is_number(v) && !(fabs(json_number_value(v)) <= 9007199254740992.0))
			return false;
	}
	return true;
}

static bool sample_valid(json_t *msg, double ts)
{
	json_t *pid = json_object_get(msg, "pid"), *restarts = json_object_get(msg, "restarts");
	json_t *dropped = json_object_get(msg, "dropped");

	return isfinite(ts) && ts >= SAMPLE_EPOCH_MIN && ts <= collector_now() + SAMPLE_FUTURE_S &&
	       (pid == NULL || (json_is_integer(pid) && json_integer_value(pid) >= 0 &&
				json_integer_value(pid) <= INT32_MAX)) &&
	       (restarts == NULL ||
		(json_is_integer(restarts) && json_integer_value(restarts) >= 0 &&
		 json_integer_value(restarts) <= UINT32_MAX)) &&
	       (dropped == NULL || counter_valid(json_number_value(dropped))) &&
	       metrics_valid(json_object_get(msg, "m"));
}

/* Samples and events share one numbering per boot: true when n is new
 * (gaps counted in lost), false for a duplicate or a frame without one. */
static bool number_new(struct collector *c, int i, json_t *msg, uint64_t *out)
{
	struct agent_state *a = &c->agents[c->conns[i].agent];
	json_t *nv = json_object_get(msg, "n");
	uint64_t n;

	if (!json_is_integer(nv) || json_integer_value(nv) <= 0) {
		reject(c, i, "sample or event without a number");
		return false;
	}
	n = (uint64_t)json_integer_value(nv);
	c->conns[i].got_samples = true;
	if (n <= a->last_seq) {
		c->st.duplicates++;
		return false;
	}
	if (a->last_seq > 0 && n > a->last_seq + 1)
		c->st.lost += n - a->last_seq - 1;
	a->last_seq = n;
	*out = n;
	return true;
}

/* An agent host's clock that steps back (NTP, a VM restored) would stall
 * every series of its targets until it caught up: the detector takes no
 * point older than its last. Its times are moved onto one line instead,
 * the step taken out from there on (the stepped sample one interval after
 * the last). */
#define CLOCK_STEP_S 1.0
static double agent_time(struct collector *c, struct agent_state *a, double ts)
{
	double t = ts + a->clock_offset;

	if (a->last_t > 0 && t < a->last_t - CLOCK_STEP_S) {
		fprintf(c->log,
			"collector: agent %s: clock stepped back %.0f s; its samples are "
			"re-timed after its last one\n",
			a->id, a->last_t - t);
		c->st.clock_steps++;
		/* one sampling interval after its last sample */
		a->clock_offset += a->last_t - t + (double)c->cfg->interval_us / 1e6;
		t = ts + a->clock_offset;
	}
	a->last_t = fmax(a->last_t, t);
	return t;
}

/* A new sample of agent a for target t, numbered n: checked, recorded (when
 * it came over the wire) and fed to the target's detector. false when its
 * time or a value is out of range. */
bool collector_take_sample(struct collector *c, struct agent_state *a, struct target_state *t,
			   uint64_t n, json_t *msg)
{
	json_t *m = json_object_get(msg, "m");
	double ts = json_number_value(json_object_get(msg, "t"));
	const char *checkpoint = json_string_value(json_object_get(msg, "checkpoint"));

	if (!sample_valid(msg, ts)) {
		c->st.rejected_values++;
		fprintf(c->log,
			"collector: agent %s: sample %llu refused: time or value out of range\n",
			a->id, (unsigned long long)n);
		return false;
	}
	a->dropped = (uint64_t)fmax((double)a->dropped,
				    json_number_value(json_object_get(msg, "dropped")));
	c->st.samples++;
	if (c->samples_out != NULL)
		record_sample(c, a, n, msg, "sample");
	ts = agent_time(c, a, ts);
	t->clock_offset = a->clock_offset;
	if (isnan(t->first_t))
		t->first_t = ts;
	t->last_t = fmax(t->last_t, ts);
	t->samples++;
	int pid = (int)json_integer_value(json_object_get(msg, "pid"));

	/* a cgroup's first pid may change without a restart of the service */
	if (t->pid > 0 && pid > 0 && pid != t->pid && t->cfg->watch != TELEMETRY_WATCH_CGROUP)
		collector_target_restarted(c, t, t->pid, pid);
	t->pid = pid;
	t->restarts = (unsigned)json_integer_value(json_object_get(msg, "restarts"));
	/* a GC probe's sample is no checkpoint a run waits for */
	if (checkpoint != NULL && strcmp(checkpoint, TP_GC_PROBE_TAG) != 0)
		c->checkpoint_samples++;
	feed_metrics(t, ts, m, checkpoint);
	if (!t->baseline_asked && ts >= t->first_t + c->cfg->detector.warmup_s)
		collector_ask_profile(c, t, "baseline");
	return true;
}

static void on_sample(struct collector *c, int i, json_t *msg)
{
	struct agent_state *a = &c->agents[c->conns[i].agent];
	const char *name = json_string_value(json_object_get(msg, "target"));
	struct target_state *t = name ? collector_target(c, name) : NULL;
	uint64_t n;

	if (!number_new(c, i, msg, &n))
		return;
	if (t == NULL || strcmp(t->cfg->agent, a->id) != 0 ||
	    !json_is_object(json_object_get(msg, "m"))) {
		reject(c, i, "sample for an unknown target or without metrics");
		return;
	}
	collector_take_sample(c, a, t, n, msg);
}

static void on_event(struct collector *c, int i, json_t *msg)
{
	const char *target = json_string_value(json_object_get(msg, "target"));
	const char *event = json_string_value(json_object_get(msg, "event"));
	const char *detail = json_string_value(json_object_get(msg, "detail"));
	char t[256], e[128], d[1024];
	uint64_t n;

	if (!number_new(c, i, msg, &n))
		return;
	/* events share the samples' numbers: the file shows every one */
	record_sample(c, &c->agents[c->conns[i].agent], n, msg, "event");
	fprintf(c->log, "collector: agent %s: %s: %s%s%s\n", c->agents[c->conns[i].agent].id,
		printable(target, t, sizeof(t)), printable(event, e, sizeof(e)), detail ? ": " : "",
		detail ? printable(detail, d, sizeof(d)) : "");
}

void collector_handle_frame(struct collector *c, int i, const struct tp_frame *f)
{
	struct conn *k = &c->conns[i];
	json_t *msg = NULL;

	if (k->agent < 0) {
		reject(c, i, "frame before HELLO");
		k->closing = true;
		return;
	}
	if (f->type == TP_PROFILE_CHUNK) {
		collector_on_chunk(c, i, f);
		return;
	}
	if (f->type != TP_SAMPLE && f->type != TP_EVENT) {
		reject(c, i, "frame type an agent does not send after HELLO");
		return;
	}
	msg = json_loadb((const char *)f->payload, f->len, 0, NULL);
	if (!json_is_object(msg)) {
		reject(c, i, "payload is not a JSON object");
	} else if (f->type == TP_SAMPLE) {
		on_sample(c, i, msg);
	} else {
		on_event(c, i, msg);
	}
	json_decref(msg);
}

void collector_send_acks(struct collector *c)
{
	bool any = false;

	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++)
		any |= c->conns[i].fd >= 0 && c->conns[i].got_samples;
	/* acknowledge only what samples.jsonl holds: a collector killed after
	 * the ACK must not take unwritten samples with it */
	if (any && c->samples_out != NULL)
		fflush(c->samples_out);
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++) {
		struct conn *k = &c->conns[i];

		if (k->fd < 0 || !k->got_samples || k->closing)
			continue;
		k->got_samples = false;
		/* the session key binds the ACK to this boot and connection */
		collector_conn_send_json(
			c, i, TP_ACK,
			json_pack("{s:I}", "upto", (json_int_t)c->agents[k->agent].last_seq));
	}
}
