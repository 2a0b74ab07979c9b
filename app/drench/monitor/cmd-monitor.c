/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench monitor CAMPAIGN.yaml: the telemetry collector and leak detector
 * alone, no DPDK, for load that comes from elsewhere. Reads the campaign's
 * `telemetry:` section (and `output.folder`), waits for agents, prints a
 * live line per target per interval, and on the end of `duration` (or
 * SIGINT/SIGTERM) writes report.json and exits 1 if any target leaks.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-args.h"
#include "commands.h"
#include "host-clock.h"
#include "stop-signal.h"
#include "config-errors.h"
#include "config-get.h"
#include "yaml-doc.h"
#include "report.h"
#include "collector.h"
#include "detector.h"
#include "proto.h"
#include "section-telemetry.h"
#include "tui-targets.h"
#include "tui.h"

struct monitor_args {
	const char *campaign;
	const char *outdir;
	const char *listen;
	const char *replay; /* a recorded samples.jsonl to judge again */
	bool has_duration; /* false: from the campaign */
	uint64_t duration_us; /* 0: until interrupted */
	int tui;	   /* 1 --tui, 0 --no-tui, -1: when stdout is a terminal */
};

static void monitor_usage(FILE *f)
{
	fprintf(f, "usage: drench monitor CAMPAIGN.yaml [--output DIR] [--duration DURATION]"
		   " [--listen ADDR:PORT] [--tui | --no-tui]\n"
		   "       drench monitor CAMPAIGN.yaml --replay SAMPLES.jsonl [--output DIR]\n");
}

static int parse_monitor_args(int argc, char **argv, struct monitor_args *m)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"duration", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"replay", required_argument, NULL, 'r'},
		{"tui", no_argument, NULL, 'T'},
		{"no-tui", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int o;

	m->tui = -1;
	optind = 1;
	while ((o = getopt_long(argc, argv, "o:d:l:h", opts, NULL)) != -1) {
		switch (o) {
		case 'o':
			m->outdir = optarg;
			break;
		case 'd':
			if (cli_duration("monitor", "duration", optarg, &m->duration_us) < 0)
				return -EINVAL;
			m->has_duration = true;
			break;
		case 'l':
			m->listen = optarg;
			break;
		case 'r':
			m->replay = optarg;
			break;
		case 'T':
			m->tui = 1;
			break;
		case 'N':
			m->tui = 0;
			break;
		case 'h':
			monitor_usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		monitor_usage(stderr);
		return -EINVAL;
	}
	m->campaign = argv[optind];
	return 0;
}

/* Parse the telemetry section; errors printed as FILE:LINE:COL: path: message. */
static int load_section(const struct monitor_args *m, struct telemetry_config *cfg, char **outdir)
{
	struct config_errors e = {0};
	struct yaml_doc *d = config_yaml_doc_load(m->campaign, &e);
	const struct yaml_node *tel = d ? config_yaml_map_get(d->root, "telemetry") : NULL;
	const struct yaml_node *out =
		d ? config_yaml_map_get(config_yaml_map_get(d->root, "output"), "folder") : NULL;
	const char *folder = "results";
	int rc = -EINVAL;

	config_telemetry_init(cfg);
	if (d != NULL && config_errors_count(&e) == 0 && tel == NULL && d->root != NULL)
		config_error_at(&e, &d->root->mark, "telemetry", "a telemetry: section",
				"drench monitor needs a telemetry section");
	if (tel != NULL)
		rc = config_parse_telemetry(tel, cfg, &e);
	cfg_get_string(out, &e, &folder);
	*outdir = strdup(m->outdir ? m->outdir : folder);
	if (config_errors_count(&e) > 0) {
		config_errors_sort(&e);
		config_errors_print(&e, stderr);
		rc = -EINVAL;
	}
	config_errors_free(&e);
	config_yaml_doc_free(d);
	return rc;
}

static int finish(struct collector *c, const char *outdir)
{
	char path[4096];
	json_t *report = report_new();
	enum leak_verdict v;
	bool pass;
	int rc;

	collector_evaluate(c);
	v = collector_verdict(c);
	pass = collector_gate_passes(c);
	if (report == NULL || collector_report_targets(c, report) < 0) {
		json_decref(report);
		return DRENCH_EXIT_RUNTIME;
	}
	report_set_verdict(report, pass);
	snprintf(path, sizeof(path), "%s/report.json", outdir);
	rc = report_write(report, path);
	json_decref(report);
	if (rc < 0) {
		fprintf(stderr, "drench monitor: cannot write %s: %s\n", path, strerror(-rc));
		return DRENCH_EXIT_RUNTIME;
	}
	printf("drench monitor: verdict %s, report in %s\n", leak_verdict_name(v), path);
	if (collector_missing_judged(c, NULL) > 0) {
		fprintf(stderr, "drench monitor: judged metrics that were never sampled:\n");
		collector_missing_judged(c, stderr);
		return DRENCH_EXIT_RUNTIME;
	}
	if (v == VERDICT_INSUFFICIENT && !pass)
		printf("drench monitor: insufficient evidence fails the gate (set "
		       "telemetry.allow_insufficient to accept it)\n");
	return pass ? DRENCH_EXIT_PASS : DRENCH_EXIT_FAIL;
}

/* A forced-GC checkpoint at the end of the watch: its sample is an exact
 * live heap for the recovery check and the last profile. At most 10 s (a
 * GC and profile of a large heap take seconds). */
static void final_checkpoint(struct collector *c, const struct telemetry_config *cfg)
{
	double asked = unix_now(), until = mono_now() + 10;
	unsigned long before = collector_checkpoint_samples(c);
	size_t n;

	if (!cfg->forced_gc)
		return;
	n = collector_checkpoint(c, "end");
	/* the checkpoint samples, then a regular one (after the profiles) */
	while (mono_now() < until && (collector_checkpoint_samples(c) < before + n ||
				      !(collector_samples_until(c) > asked)))
		collector_poll(c, 200);
}

/* The terminal view: the collector's lines, caught, under a progress bar. */
struct monitor_view {
	struct tui *tui;
	struct tui_targets tt;
	char title[160];
};

static int view_open(struct monitor_view *v, const struct telemetry_config *cfg)
{
	v->tui = NULL;
	if (tui_targets_open(&v->tt, cfg) < 0)
		return -1;
	v->tui = tui_open();
	if (v->tui == NULL) {
		tui_targets_close(&v->tt);
		return -1;
	}
	snprintf(v->title, sizeof(v->title), "drench monitor: %zu targets, agents connect to %s",
		 cfg->n_targets, cfg->listen);
	return 0;
}

static void view_draw(struct monitor_view *v, double elapsed_s, double duration_s)
{
	struct tui_frame f = {.title = v->title,
			      .run_elapsed_s = elapsed_s,
			      .run_length_s = duration_s > 0 ? duration_s : 0,
			      .targets = (const char *const *)v->tt.line,
			      .n_targets = tui_targets_count(&v->tt)};

	tui_targets_read(&v->tt);
	tui_draw(v->tui, &f);
}

/* The terminal back; the pipe stays open while the collector may write to it. */
static void view_close(struct monitor_view *v)
{
	tui_close(v->tui);
	v->tui = NULL;
}

static int watch(const struct telemetry_config *cfg, const struct tp_key *key, const char *outdir,
		 double duration_s, bool want_tui)
{
	struct collector_options opts = {.outdir = outdir, .live = stdout, .log = stderr};
	struct monitor_view view = {0};
	struct collector *c;
	double start = mono_now();
	int rc = 0;

	if (want_tui && view_open(&view, cfg) < 0)
		fprintf(stderr, "drench monitor: no terminal view (%s); lines instead\n",
			strerror(errno));
	if (view.tui != NULL) {
		FILE *null = fopen("/dev/null", "w"); /* the log would tear the view */

		opts.live = view.tt.w;
		opts.log = null != NULL ? null : stderr;
	}
	c = collector_create(cfg, key, &opts);
	if (c == NULL) {
		int e = errno;
		view_close(&view);
		tui_targets_close(&view.tt);
		fprintf(stderr,
			"drench monitor: cannot start the collector (listen %s, output %s): %s\n",
			cfg->listen, outdir, strerror(e));
		return DRENCH_EXIT_RUNTIME;
	}
	if (view.tui == NULL) {
		printf("drench monitor: listening on %s for %zu targets, %s\n", cfg->listen,
		       cfg->n_targets,
		       duration_s > 0 ? "until the duration ends" : "until interrupted");
		fflush(stdout);
	}
	while (!stop_asked && rc == 0 && (duration_s <= 0 || mono_now() - start < duration_s)) {
		rc = collector_poll(c, 500);
		if (view.tui != NULL)
			view_draw(&view, mono_now() - start, duration_s);
	}
	view_close(&view);
	if (rc < 0) {
		fprintf(stderr, "drench monitor: collector fault: %s\n", strerror(-rc));
	} else {
		final_checkpoint(c, cfg);
		rc = finish(c, outdir);
	}
	collector_destroy(c);
	if (view.tt.w != NULL)
		tui_targets_close(&view.tt);
	if (opts.log != stderr)
		fclose(opts.log);
	return rc < 0 ? DRENCH_EXIT_RUNTIME : rc;
}

/* The campaign's detectors over a recorded samples.jsonl: live lines on the
 * samples' clock, then the report as the watch would have written it. */
static int replay(const struct telemetry_config *cfg, const char *samples, const char *outdir)
{
	struct collector_options opts = {
		.outdir = outdir, .live = stdout, .log = stderr, .replay = true};
	FILE *in = fopen(samples, "re");
	struct collector *c;
	unsigned long bad = 0;
	long fed;
	int rc;

	if (in == NULL) {
		fprintf(stderr, "drench monitor: cannot read %s: %s\n", samples, strerror(errno));
		return DRENCH_EXIT_USAGE;
	}
	c = collector_create(cfg, NULL, &opts);
	if (c == NULL) {
		fprintf(stderr, "drench monitor: cannot replay into %s: %s\n", outdir,
			strerror(errno));
		fclose(in);
		return DRENCH_EXIT_RUNTIME;
	}
	fed = collector_replay(c, in, &bad);
	fclose(in);
	if (fed < 0) {
		fprintf(stderr, "drench monitor: %s:%lu: %s\n", samples, bad,
			fed == -EINVAL ? "not a samples.jsonl line (a JSON object with agent, "
					 "and a sample with target and m)"
				       : strerror((int)-fed));
		collector_destroy(c);
		return DRENCH_EXIT_USAGE;
	}
	printf("drench monitor: replayed %ld samples from %s\n", fed, samples);
	rc = finish(c, outdir);
	collector_destroy(c);
	return rc;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor_args m = {0};
	struct telemetry_config cfg;
	struct tp_key key;
	char *outdir = NULL;
	int rc;

	if (parse_monitor_args(argc, argv, &m) < 0)
		return DRENCH_EXIT_USAGE;
	if (load_section(&m, &cfg, &outdir) < 0) {
		rc = DRENCH_EXIT_USAGE;
		goto out;
	}
	if (m.listen) {
		free(cfg.listen);
		cfg.listen = strdup(m.listen);
	}
	if (mkdir(outdir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "drench monitor: cannot create %s: %s\n", outdir, strerror(errno));
		rc = DRENCH_EXIT_RUNTIME;
		goto out;
	}
	if (m.replay != NULL) { /* no agents: no key */
		rc = replay(&cfg, m.replay, outdir);
		goto out;
	}
	rc = tp_key_load(cfg.key_file, &key);
	if (rc < 0) {
		fprintf(stderr, "drench monitor: key file %s: %s\n", cfg.key_file,
			rc == -EINVAL ? "must hold 16 to 256 bytes" : strerror(-rc));
		rc = DRENCH_EXIT_USAGE;
		goto out;
	}
	stop_signal_install();
	signal(SIGPIPE, SIG_IGN);
	rc = watch(&cfg, &key, outdir,
		   (double)(m.has_duration ? m.duration_us : cfg.duration_us) / 1e6,
		   m.tui == 1 || (m.tui == -1 && isatty(STDOUT_FILENO)));
out:
	config_telemetry_clear(&cfg);
	free(outdir);
	return rc;
}
