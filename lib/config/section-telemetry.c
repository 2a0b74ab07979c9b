/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The campaign's `telemetry:` section (docs/campaign-telemetry.md) into a
 * struct telemetry_config. Self-contained on purpose: lib/config does not
 * link lib/telemetry, it only shares the types.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config-errors.h"
#include "config-get.h"
#include "section-telemetry.h"

static const char *const section_keys[] = {
	"listen",	 "key_file",	 "interval",	"agent_buffer",
	"duration",	 "memory_limit", "profiles",	"detector",
	"targets",	 "forced_gc",	 "allow_insufficient", "agent_key_dir",
	"encrypt",	 "gc_probe",	 NULL,
};
static const char *const detector_keys[] = {
	"warmup",	 "floor_window",   "min_window",    "min_points",  "alpha",
	"suspect_alpha", "noise_floor",	   "persist_ratio", "spike_sigma", "spike_window",
	"recovery",	 "recovery_ratio", "min_gc_cycles", "load_idle",   NULL,
};
static const char *const target_keys[] = {
	"name",	       "agent",	       "pid",	  "process", "cgroup",
	"metrics_url", "pprof_url",    "metrics", "judge",   "requests_metric",
	"endpoint",    "memory_limit", NULL,
};

void config_telemetry_init(struct telemetry_config *c)
{
	memset(c, 0, sizeof(*c));
	c->interval_us = 1000000;
	c->agent_buffer = 3600;
	c->profiles = true;
	c->forced_gc = true;
	c->gc_probe_us = 2000000;
	telemetry_detector_defaults(&c->detector);
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void target_clear(struct telemetry_target *t)
{
	free(t->name);
	free(t->agent);
	free(t->process);
	free(t->cgroup);
	free(t->metrics_url);
	free(t->pprof_url);
	free_strings(t->metrics, t->n_metrics);
	free_strings(t->judge, t->n_judge);
	free(t->requests_metric);
	free(t->endpoint);
}

void config_telemetry_clear(struct telemetry_config *c)
{
	free(c->listen);
	free(c->key_file);
	free(c->agent_key_dir);
	for (size_t i = 0; i < c->n_targets; i++)
		target_clear(&c->targets[i]);
	free(c->targets);
	config_telemetry_init(c);
}

/* A string key into a malloc'd copy; 1 read, 0 absent, -1 error. */
static int get_string_dup(const struct yaml_node *map, const char *key, struct config_errors *e,
			  char **out)
{
	const char *s;
	int rc = cfg_get_string(config_yaml_map_get(map, key), e, &s);

	if (rc <= 0)
		return rc;
	free(*out);
	*out = strdup(s);
	if (*out == NULL) {
		e->oom++;
		return -1;
	}
	return 1;
}

static int get_seconds(const struct yaml_node *map, const char *key, struct config_errors *e,
		       uint64_t min_us, double *out)
{
	uint64_t us;
	int rc = cfg_get_duration(config_yaml_map_get(map, key), e, min_us, &us);

	if (rc == 1)
		*out = (double)us / 1e6;
	return rc;
}

static int get_unsigned(const struct yaml_node *map, const char *key, struct config_errors *e,
			int64_t min, int64_t max, unsigned *out)
{
	int64_t v;
	int rc = cfg_get_int(config_yaml_map_get(map, key), e, min, max, &v);

	if (rc == 1)
		*out = (unsigned)v;
	return rc;
}

static void parse_detector(const struct yaml_node *n, struct detector_params *p,
			   struct config_errors *e)
{
	unsigned k = (unsigned)p->spike_k;

	if (n == NULL || !cfg_mapping_strict(n, e, detector_keys))
		return;
	get_seconds(n, "warmup", e, 0, &p->warmup_s);
	get_seconds(n, "floor_window", e, 1000, &p->floor_window_s);
	get_seconds(n, "min_window", e, 0, &p->min_window_s);
	get_unsigned(n, "min_points", e, 4, 128, &p->min_points);
	cfg_get_percent(config_yaml_map_get(n, "alpha"), e, &p->alpha);
	cfg_get_percent(config_yaml_map_get(n, "suspect_alpha"), e, &p->suspect_alpha);
	cfg_get_percent(config_yaml_map_get(n, "noise_floor"), e, &p->noise_floor);
	cfg_get_percent(config_yaml_map_get(n, "persist_ratio"), e, &p->persist_ratio);
	if (get_unsigned(n, "spike_sigma", e, 1, 10, &k) == 1)
		p->spike_k = k;
	get_unsigned(n, "spike_window", e, 10, 256, &p->spike_window);
	get_seconds(n, "recovery", e, 0, &p->recovery_s);
	cfg_get_percent(config_yaml_map_get(n, "recovery_ratio"), e, &p->recovery_ratio);
	get_unsigned(n, "min_gc_cycles", e, 0, 1000, &p->min_gc_cycles);
	get_seconds(n, "load_idle", e, 1000, &p->load_idle_s);
	if (p->alpha <= 0 || p->alpha >= 1 || p->suspect_alpha < p->alpha || p->suspect_alpha >= 1)
		config_error_at(e, &n->mark, n->path, "0% < alpha <= suspect_alpha < 100%",
				"alpha and suspect_alpha are inconsistent");
	if (p->recovery_ratio <= 0)
		config_error_at(e, &n->mark, n->path, "a percentage above 0%",
				"recovery_ratio must be positive");
}

/* A list of strings (or one string) into a malloc'd array. */
static void parse_string_list(const struct yaml_node *n, struct config_errors *e, char ***out,
			      size_t *n_out)
{
	size_t len;

	if (n == NULL)
		return;
	if (n->kind == YAML_KIND_SCALAR) {
		len = 1;
	} else if (cfg_expect_kind(n, e, YAML_KIND_SEQUENCE)) {
		len = config_yaml_len(n);
	} else {
		return;
	}
	*out = calloc(len ? len : 1, sizeof(**out));
	if (*out == NULL) {
		e->oom++;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		const struct yaml_node *item =
			n->kind == YAML_KIND_SCALAR ? n : config_yaml_seq_at(n, i);
		const char *s;

		if (cfg_get_string(item, e, &s) == 1 && ((*out)[*n_out] = strdup(s)) != NULL)
			(*n_out)++;
	}
}

static bool valid_url(const char *u)
{
	return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8);
}

static void check_url(const struct yaml_node *map, const char *key, const char *url,
		      struct config_errors *e)
{
	const struct yaml_node *n = config_yaml_map_get(map, key);

	if (url != NULL && !valid_url(url))
		config_error_at(e, &n->mark, n->path, "an http:// or https:// URL",
				"bad URL \"%s\"", url);
}

/* Exactly one of pid, process, cgroup says what to watch (cgroup may go with
 * pid or process to add memory.current). */
static void parse_watch(const struct yaml_node *n, struct telemetry_target *t,
			struct config_errors *e)
{
	int64_t pid = 0;
	int has_pid = cfg_get_int(config_yaml_map_get(n, "pid"), e, 1, 4194304, &pid);
	int has_proc = get_string_dup(n, "process", e, &t->process);
	int has_cg = get_string_dup(n, "cgroup", e, &t->cgroup);

	if (has_pid == 1 && has_proc == 1) {
		const struct yaml_pair *p = config_yaml_map_pair(n, "process");

		config_error_at(e, &p->key_mark, p->value->path, "either pid or process",
				"pid and process both given");
	}
	if (has_pid == 0 && has_proc == 0 && has_cg == 0) {
		config_error_at(e, &n->mark, n->path, "one of pid, process, cgroup",
				"nothing to watch");
	}
	t->pid = (int)pid;
	t->watch = has_pid == 1	   ? TELEMETRY_WATCH_PID
		   : has_proc == 1 ? TELEMETRY_WATCH_PROCESS
				   : TELEMETRY_WATCH_CGROUP;
	if (t->cgroup != NULL && t->cgroup[0] != '/') {
		const struct yaml_node *c = config_yaml_map_get(n, "cgroup");

		config_error_at(e, &c->mark, c->path, "an absolute path under /sys/fs/cgroup",
				"cgroup path \"%s\" is not absolute", t->cgroup);
	}
}

static void parse_target(const struct yaml_node *n, struct telemetry_target *t,
			 struct config_errors *e)
{
	const char *expected = "a string";

	if (!cfg_mapping_strict(n, e, target_keys))
		return;
	if (cfg_require(n, "name", e, expected) != NULL)
		get_string_dup(n, "name", e, &t->name);
	if (cfg_require(n, "agent", e, "the id an agent gives with --id") != NULL)
		get_string_dup(n, "agent", e, &t->agent);
	parse_watch(n, t, e);
	get_string_dup(n, "metrics_url", e, &t->metrics_url);
	get_string_dup(n, "pprof_url", e, &t->pprof_url);
	check_url(n, "metrics_url", t->metrics_url, e);
	check_url(n, "pprof_url", t->pprof_url, e);
	parse_string_list(config_yaml_map_get(n, "metrics"), e, &t->metrics, &t->n_metrics);
	parse_string_list(config_yaml_map_get(n, "judge"), e, &t->judge, &t->n_judge);
	get_string_dup(n, "requests_metric", e, &t->requests_metric);
	get_string_dup(n, "endpoint", e, &t->endpoint);
	cfg_get_size(config_yaml_map_get(n, "memory_limit"), e, 1, UINT64_MAX, &t->memory_limit);
	if (t->requests_metric != NULL && t->metrics_url == NULL) {
		const struct yaml_pair *p = config_yaml_map_pair(n, "requests_metric");

		config_error_at(e, &p->key_mark, p->value->path, "metrics_url as well",
				"requests_metric needs a metrics endpoint");
	}
}

static void check_unique_names(const struct yaml_node *list, const struct telemetry_config *c,
			       struct config_errors *e)
{
	for (size_t i = 0; i < c->n_targets; i++)
		for (size_t j = 0; j < i; j++)
			if (c->targets[i].name && c->targets[j].name &&
			    !strcmp(c->targets[i].name, c->targets[j].name)) {
				const struct yaml_node *n = config_yaml_seq_at(list, i);

				config_error_at(e, &n->mark, n->path, "unique target names",
						"target \"%s\" is named twice", c->targets[i].name);
			}
}

static void parse_targets(const struct yaml_node *n, struct telemetry_config *c,
			  struct config_errors *e)
{
	size_t len;

	if (n == NULL || !cfg_expect_kind(n, e, YAML_KIND_SEQUENCE))
		return;
	len = config_yaml_len(n);
	if (len == 0) {
		config_error_at(e, &n->mark, n->path, "at least one target", "no targets");
		return;
	}
	c->targets = calloc(len, sizeof(*c->targets));
	if (c->targets == NULL) {
		e->oom++;
		return;
	}
	c->n_targets = len;
	for (size_t i = 0; i < len; i++)
		parse_target(config_yaml_seq_at(n, i), &c->targets[i], e);
	check_unique_names(n, c, e);
}

static void parse_listen(const struct yaml_node *n, struct telemetry_config *c,
			 struct config_errors *e)
{
	struct cfg_hostport hp;

	if (cfg_get_hostport(config_yaml_map_get(n, "listen"), e, TELEMETRY_DEFAULT_PORT, &hp) == 1)
		get_string_dup(n, "listen", e, &c->listen);
}

int config_parse_telemetry(const struct yaml_node *n, struct telemetry_config *out,
			   struct config_errors *e)
{
	size_t errors_before = config_errors_count(e);
	int64_t buffer;

	config_telemetry_init(out);
	if (n == NULL || !cfg_mapping_strict(n, e, section_keys))
		return -EINVAL;
	parse_listen(n, out, e);
	if (out->listen == NULL && (out->listen = strdup(TELEMETRY_DEFAULT_LISTEN)) == NULL)
		return -ENOMEM;
	if (cfg_require(n, "key_file", e, "a file holding the agents' pre-shared key") != NULL)
		get_string_dup(n, "key_file", e, &out->key_file);
	get_string_dup(n, "agent_key_dir", e, &out->agent_key_dir);
	cfg_get_duration(config_yaml_map_get(n, "interval"), e, 100000, &out->interval_us);
	if (cfg_get_int(config_yaml_map_get(n, "agent_buffer"), e, 1, 1000000, &buffer) == 1)
		out->agent_buffer = (uint32_t)buffer;
	cfg_get_duration(config_yaml_map_get(n, "duration"), e, 0, &out->duration_us);
	cfg_get_size(config_yaml_map_get(n, "memory_limit"), e, 1, UINT64_MAX, &out->memory_limit);
	cfg_get_bool(config_yaml_map_get(n, "profiles"), e, &out->profiles);
	cfg_get_bool(config_yaml_map_get(n, "forced_gc"), e, &out->forced_gc);
	cfg_get_duration(config_yaml_map_get(n, "gc_probe"), e, 0, &out->gc_probe_us);
	cfg_get_bool(config_yaml_map_get(n, "allow_insufficient"), e, &out->allow_insufficient);
	cfg_get_bool(config_yaml_map_get(n, "encrypt"), e, &out->encrypt);
	parse_detector(config_yaml_map_get(n, "detector"), &out->detector, e);
	if (cfg_require(n, "targets", e, "a list of targets") != NULL)
		parse_targets(config_yaml_map_get(n, "targets"), out, e);
	if (e->oom)
		return -ENOMEM;
	return config_errors_count(e) > errors_before ? -EINVAL : 0;
}
