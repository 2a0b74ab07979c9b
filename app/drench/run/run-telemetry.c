/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "host-clock.h"
#include "run-telemetry.h"
#include "collector.h"
#include "detector.h"
#include "proto.h"

/* Poll until every sampled target has a sample at or after t (unix
 * seconds), for at most max_s; true when they do. */
static bool wait_samples_until(struct collector *c, double t, double max_s)
{
	double until = mono_now() + max_s;

	while (mono_now() < until) {
		collector_poll(c, 200);
		if (collector_samples_until(c) >= t)
			return true;
	}
	return false;
}

/* The idle floor before load (recovery is judged against it): a few samples
 * and a forced-GC checkpoint before the first request, at most
 * IDLE_BASELINE_MAX_S. */
#define IDLE_BASELINE_MAX_S 15.0
static void wait_idle_baseline(struct collector *c, const struct plan *p)
{
	double interval = (double)p->telemetry->interval_us / 1e6;
	double start = mono_now(), t = unix_now();

	printf("drench: waiting up to %.0f s for idle samples of the targets\n",
	       IDLE_BASELINE_MAX_S);
	fflush(stdout);
	if (!wait_samples_until(c, t + 2 * interval, IDLE_BASELINE_MAX_S)) {
		printf("drench: no idle samples before load (no agent yet): recovery will be "
		       "judged against the first floor points under load\n");
		return;
	}
	t = unix_now();
	collector_checkpoint(c, "idle-before");
	wait_samples_until(c, t + interval, IDLE_BASELINE_MAX_S - (mono_now() - start));
}

int run_telemetry_start(const struct plan *p, FILE *live, struct collector **out)
{
	struct tp_key key;
	struct collector_options opts = {.outdir = p->output, .live = live, .log = stderr};
	int rc;

	*out = NULL;
	if (!p->telemetry)
		return 0;
	rc = tp_key_load(p->telemetry->key_file, &key);
	if (rc < 0) {
		fprintf(stderr, "drench run: telemetry key file %s: %s\n", p->telemetry->key_file,
			strerror(-rc));
		return rc;
	}
	if (mkdir(p->output, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "drench run: cannot create %s: %s\n", p->output, strerror(errno));
		return -errno;
	}
	*out = collector_create(p->telemetry, &key, &opts);
	if (!*out) {
		fprintf(stderr, "drench run: cannot start the telemetry collector on %s: %s\n",
			p->telemetry->listen, strerror(errno));
		return -errno;
	}
	printf("drench: telemetry collector on %s for %zu target(s)\n", p->telemetry->listen,
	       p->telemetry->n_targets);
	wait_idle_baseline(*out, p);
	collector_note_load(*out, true);
	return 0;
}

void run_telemetry_poll(struct collector *c, const struct plan *p, const struct run_snapshot *s,
			int timeout_ms)
{
	if (!c)
		return;
	for (uint16_t i = 0; s && i < p->n_tpls; i++)
		collector_note_requests(c, s->client.requests_by_tpl[i], p->tpl_names[i]);
	if (s) /* targets that name no endpoint count every request */
		collector_note_requests(c, s->client.requests, NULL);
	collector_poll(c, timeout_ms);
}

void run_telemetry_recover(struct collector *c, const struct plan *p,
			   const volatile int *interrupted)
{
	if (!c)
		return;
	double recovery = p->telemetry->detector.recovery_s;
	double interval = (double)p->telemetry->interval_us / 1e6;
	double stop = unix_now(), until = mono_now() + recovery + 2 * interval + 5, t;
	unsigned long before;
	size_t n;

	collector_note_load(c, false);
	printf("drench: load over, watching memory recover for %.0f s\n", recovery);
	fflush(stdout);
	/* recovery is judged on sample times: wait for a sample at or after
	 * stop + recovery, not for the wall clock alone */
	while (!*interrupted && mono_now() < until &&
	       !(collector_samples_until(c) >= stop + recovery))
		collector_poll(c, 200);
	if (*interrupted)
		return;
	t = unix_now();
	before = collector_checkpoint_samples(c);
	n = collector_checkpoint(c, "idle");
	/* the agent captures synchronously: a regular sample after the
	 * checkpoint comes after all of its profile chunks */
	for (double end = mono_now() + 10;
	     mono_now() < end && collector_checkpoint_samples(c) < before + n;)
		collector_poll(c, 200);
	wait_samples_until(c, t + interval, 10);
}

void run_telemetry_phase_done(struct collector *c, const char *phase)
{
	char tag[64]; /* an agent takes ids of up to 64 characters */
	size_t n = 0;

	if (!c)
		return;
	n = (size_t)snprintf(tag, sizeof(tag), "phase-%s", phase);
	for (size_t i = 6; i < n && i < sizeof(tag) - 1; i++)
		if (!isalnum((unsigned char)tag[i]) && tag[i] != '-' && tag[i] != '_' &&
		    tag[i] != '.')
			tag[i] = '_';
	collector_checkpoint(c, tag);
}

void run_telemetry_judge_phases(struct collector *c, const struct phase_stats *phases, uint32_t n)
{
	for (uint32_t i = 0; c && i < n; i++)
		collector_judge_phase(c, phases[i].name, phases[i].start, phases[i].end);
}

bool run_telemetry_verdict_ok(struct collector *c)
{
	if (!c)
		return true;
	collector_evaluate(c);
	enum leak_verdict v = collector_verdict(c);
	bool pass = collector_gate_passes(c);

	printf("telemetry: worst verdict %s%s\n", leak_verdict_name(v),
	       v == VERDICT_INSUFFICIENT && !pass
		       ? " (fails the gate: set telemetry.allow_insufficient to accept it)"
		       : "");
	return pass;
}

bool run_telemetry_judged_missing(struct collector *c)
{
	if (!c || collector_missing_judged(c, NULL) == 0)
		return false;
	fprintf(stderr, "drench run: judged metrics that were never sampled:\n");
	collector_missing_judged(c, stderr);
	return true;
}

void run_telemetry_stop(struct collector *c)
{
	if (c)
		collector_destroy(c);
}
