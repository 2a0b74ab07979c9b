/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "host-clock.h"
#include "run-telemetry.h"
#include "telemetry/collector.h"
#include "telemetry/detector.h"
#include "telemetry/proto.h"

int run_telemetry_start(const struct plan *p, struct collector **out)
{
	struct tp_key key;
	struct collector_options opts = {.outdir = p->output, .live = p->quiet ? NULL : stdout,
					 .log = stderr};
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
	double until = mono_now() + p->telemetry->detector.recovery_s;

	collector_note_load(c, false);
	printf("drench: load over, watching memory recover for %.0f s\n",
	       p->telemetry->detector.recovery_s);
	while (!*interrupted && mono_now() < until)
		collector_poll(c, 200);
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
	printf("telemetry: worst verdict %s\n", leak_verdict_name(v));
	return v != VERDICT_LEAK;
}

void run_telemetry_stop(struct collector *c)
{
	if (c)
		collector_destroy(c);
}
