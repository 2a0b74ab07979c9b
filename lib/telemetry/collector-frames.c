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

#include "telemetry/collector-priv.h"
#include "telemetry/proto.h"

#define GC_COUNT_METRIC "go_gc_duration_seconds_count"

static void reject(struct collector *c, int i, const char *why)
{
	c->st.rejected_malformed++;
	fprintf(c->log, "collector: %s: rejected frame: %s\n", c->conns[i].peer, why);
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

static int find_or_add_agent(struct collector *c, const char *id)
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

static void on_hello(struct collector *c, int i, json_t *msg)
{
	const char *id = json_string_value(json_object_get(msg, "agent"));
	const char *boot = json_string_value(json_object_get(msg, "boot"));
	json_int_t dropped = json_integer_value(json_object_get(msg, "dropped"));
	struct agent_state *a;
	int ai;

	if (c->conns[i].agent >= 0 || id == NULL || boot == NULL || strlen(id) > 128) {
		reject(c, i, "bad HELLO");
		c->conns[i].closing = true;
		return;
	}
	ai = find_or_add_agent(c, id);
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
	a->dropped = dropped > 0 ? (uint64_t)dropped : 0;
	a->conn = i;
	c->conns[i].agent = ai;
	fprintf(c->log,
		"collector: %s: agent %s (boot %s) connected, %llu samples dropped so far\n",
		c->conns[i].peer, id, boot, (unsigned long long)a->dropped);
	send_config(c, i, ai);
}

void collector_ask_profile(struct collector *c, struct target_state *t, const char *tag)
{
	int conn = t->agent >= 0 ? c->agents[t->agent].conn : -1;

	if (conn < 0 || t->cfg->pprof_url == NULL || !c->cfg->profiles)
		return;
	if (collector_conn_send_json(c, conn, TP_PROFILE_REQ,
				     json_pack("{s:s, s:s}", "target", t->cfg->name, "tag", tag)) ==
	    0) {
		fprintf(c->log, "collector: asked agent %s for %s profiles of %s\n",
			c->agents[t->agent].id, tag, t->cfg->name);
		if (!strcmp(tag, "baseline"))
			t->baseline_asked = true;
		else
			t->leak_asked = true;
	}
}

static void feed_metrics(struct target_state *t, double ts, json_t *m)
{
	const char *name;
	json_t *v;

	json_object_foreach(m, name, v)
	{
		double x = json_number_value(v);

		if (!json_is_number(v))
			continue;
		if (!strcmp(name, "hwm_bytes") || !strcmp(name, "scrape_ok"))
			continue; /* a high-water mark only rises; a flag is no series */
		if (t->cfg->requests_metric && !strcmp(name, t->cfg->requests_metric))
			detector_note_requests(t->det, ts, (uint64_t)fmax(0, x));
		else if (!strcmp(name, GC_COUNT_METRIC))
			detector_note_gc(t->det, ts, x);
		else
			detector_add(t->det, name, ts, x);
	}
	json_decref(t->last_m);
	t->last_m = json_incref(m);
}

/* One line of samples.jsonl, re-serialised: an agent's bytes never reach the
 * file as they came (no way to break the one-object-per-line format). */
static void record_sample(struct collector *c, struct agent_state *a, uint64_t seq, json_t *msg)
{
	json_t *line = json_pack("{s:s, s:s, s:I, s:O}", "agent", a->id, "boot", a->boot, "seq",
				 (json_int_t)seq, "sample", msg);
	char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;

	if (text != NULL)
		fprintf(c->samples_out, "%s\n", text);
	free(text);
	json_decref(line);
}

static void on_sample(struct collector *c, int i, const struct tp_frame *f, json_t *msg)
{
	struct agent_state *a = &c->agents[c->conns[i].agent];
	const char *name = json_string_value(json_object_get(msg, "target"));
	json_t *m = json_object_get(msg, "m");
	double ts = json_number_value(json_object_get(msg, "t"));
	struct target_state *t = name ? collector_target(c, name) : NULL;

	c->conns[i].got_samples = true;
	if (f->seq <= a->last_seq) {
		c->st.duplicates++;
		return;
	}
	if (t == NULL || strcmp(t->cfg->agent, a->id) != 0 || !json_is_object(m) || !isfinite(ts) ||
	    ts <= 0) {
		reject(c, i, "sample for an unknown target or without metrics");
		a->last_seq = f->seq;
		return;
	}
	if (a->last_seq > 0 && f->seq > a->last_seq + 1)
		c->st.lost += f->seq - a->last_seq - 1;
	a->last_seq = f->seq;
	a->dropped = (uint64_t)fmax(a->dropped, json_number_value(json_object_get(msg, "dropped")));
	c->st.samples++;
	record_sample(c, a, f->seq, msg);
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
	feed_metrics(t, ts, m);
	if (!t->baseline_asked && ts >= t->first_t + c->cfg->detector.warmup_s)
		collector_ask_profile(c, t, "baseline");
}

/* Profile file names come from the agent: keep them to one plain component. */
static bool safe_name(const char *s)
{
	if (s == NULL || s[0] == '\0' || s[0] == '.' || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

static int file_sha256_hex(const char *path, char hex[65])
{
	crypto_hash_sha256_state st;
	unsigned char buf[16384], digest[crypto_hash_sha256_BYTES];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
	close(fd);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
	return n < 0 ? -EIO : 0;
}

static void profile_done(struct collector *c, int i, struct target_state *t, const char *file,
			 const char *path, const char *sha)
{
	char hex[65], rel[256];

	if (sha == NULL || file_sha256_hex(path, hex) < 0 || strcmp(hex, sha) != 0) {
		reject(c, i, "profile does not match its SHA-256");
		unlink(path);
		return;
	}
	c->st.profiles++;
	snprintf(rel, sizeof(rel), "profiles/%s", file);
	fprintf(c->log, "collector: profile %s (%s) received\n", rel, t->cfg->name);
	if (t->n_profiles < COLLECTOR_MAX_PROFILES)
		t->profiles[t->n_profiles++] = strdup(rel);
}

static void on_chunk(struct collector *c, int i, const struct tp_frame *f)
{
	const char *meta_text, *file, *target;
	const uint8_t *data;
	size_t meta_len, data_len;
	json_t *meta;
	char path[4096];
	json_int_t off, size;
	struct target_state *t;
	int fd;

	if (tp_chunk_split(f->payload, f->len, &meta_text, &meta_len, &data, &data_len) < 0 ||
	    (meta = json_loadb(meta_text, meta_len, 0, NULL)) == NULL) {
		reject(c, i, "bad profile chunk");
		return;
	}
	file = json_string_value(json_object_get(meta, "file"));
	target = json_string_value(json_object_get(meta, "target"));
	off = json_integer_value(json_object_get(meta, "offset"));
	size = json_integer_value(json_object_get(meta, "size"));
	t = target ? collector_target(c, target) : NULL;
	/* only profiles we asked this agent for, and a bounded number of them */
	if (t == NULL || strcmp(t->cfg->agent, c->agents[c->conns[i].agent].id) != 0 ||
	    !(t->baseline_asked || t->leak_asked) || t->n_profiles >= COLLECTOR_MAX_PROFILES ||
	    !safe_name(file) || off < 0 || size > COLLECTOR_MAX_PROFILE_BYTES ||
	    (json_int_t)data_len > size - off) {
		reject(c, i, "profile chunk out of bounds");
		json_decref(meta);
		return;
	}
	snprintf(path, sizeof(path), "%s/profiles", c->opts.outdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/profiles/%s", c->opts.outdir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (off == 0 ? O_TRUNC : 0), 0644);
	if (fd < 0 || pwrite(fd, data, data_len, off) != (ssize_t)data_len)
		fprintf(c->log, "collector: cannot write %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (json_is_true(json_object_get(meta, "last")))
		profile_done(c, i, t, file, path,
			     json_string_value(json_object_get(meta, "sha256")));
	json_decref(meta);
}

static void on_event(struct collector *c, int i, json_t *msg)
{
	const char *target = json_string_value(json_object_get(msg, "target"));
	const char *event = json_string_value(json_object_get(msg, "event"));
	const char *detail = json_string_value(json_object_get(msg, "detail"));

	fprintf(c->log, "collector: agent %s: %s: %s%s%s\n", c->agents[c->conns[i].agent].id,
		target ? target : "-", event ? event : "?", detail ? ": " : "",
		detail ? detail : "");
}

void collector_handle_frame(struct collector *c, int i, const struct tp_frame *f)
{
	struct conn *k = &c->conns[i];
	json_t *msg = NULL;

	if (k->agent < 0 && f->type != TP_HELLO) {
		reject(c, i, "frame before HELLO");
		k->closing = true;
		return;
	}
	if (f->type == TP_PROFILE_CHUNK) {
		on_chunk(c, i, f);
		return;
	}
	if (f->type != TP_HELLO && f->type != TP_SAMPLE && f->type != TP_EVENT) {
		reject(c, i, "frame type an agent does not send");
		return;
	}
	msg = json_loadb((const char *)f->payload, f->len, 0, NULL);
	if (!json_is_object(msg)) {
		reject(c, i, "payload is not a JSON object");
		if (f->type == TP_HELLO)
			k->closing = true;
	} else if (f->type == TP_HELLO) {
		on_hello(c, i, msg);
	} else if (f->type == TP_SAMPLE) {
		on_sample(c, i, f, msg);
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
	if (any)
		fflush(c->samples_out);
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++) {
		struct conn *k = &c->conns[i];

		if (k->fd < 0 || !k->got_samples || k->closing)
			continue;
		k->got_samples = false;
		collector_conn_send(c, i, TP_ACK, c->agents[k->agent].last_seq, NULL, 0);
	}
}
