/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench merge SHARD.json ... [--output DIR] [--format LIST]: one report of
 * the shards of a campaign (merge.h), written as `drench run` writes its own:
 * report.json and, as asked, report.html, metrics.prom and series.csv. Exit
 * codes as for run: 0 the campaign passed, 1 it failed, 2 the reports cannot
 * be merged (bad usage), 3 an output could not be written.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "merge.h"
#include "csv.h"
#include "html.h"
#include "out-file.h"
#include "prom-text.h"
#include "report.h"
#include "report-prom.h"

#define MAX_SHARDS 1024

static void usage(FILE *f)
{
	fprintf(f, "usage: drench merge SHARD/report.json ... [--output DIR] [--format LIST]\n"
		   "  --output DIR   where the merged report goes (drench-merged)\n"
		   "  --format LIST  extra outputs: html,prometheus,csv (all three unless given)\n");
}

struct merge_opts {
	const char *output;
	unsigned formats; /* bit 0 html, 1 prometheus, 2 csv */
	const char *files[MAX_SHARDS];
	size_t n;
};

static int parse_formats(char *arg, unsigned *out)
{
	static const char *const names[] = {"html", "prometheus", "csv", "json"};

	*out = 0;
	for (char *save = NULL, *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		unsigned i = 0;
		while (i < 4 && strcmp(t, names[i]))
			i++;
		if (i == 4) {
			fprintf(stderr, "drench merge: --format: '%s' is not one of json, html, "
					"prometheus, csv\n", t);
			return -EINVAL;
		}
		*out |= i < 3 ? 1u << i : 0;
	}
	return 0;
}

static int parse(int argc, char **argv, struct merge_opts *o)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	*o = (struct merge_opts){.output = "drench-merged", .formats = 7};
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'o')
			o->output = optarg;
		else if (opt == 'F' && parse_formats(optarg, &o->formats) < 0)
			return -EINVAL;
		else if (opt == 'h')
			return usage(stdout), 1;
		else if (opt != 'F')
			return usage(stderr), -EINVAL;
	}
	for (; optind < argc && o->n < MAX_SHARDS; optind++)
		o->files[o->n++] = argv[optind];
	if (optind < argc || o->n == 0) {
		fprintf(stderr, "drench merge: %s\n", o->n ? "at most 1024 reports" :
			"give the shards' report.json files");
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static void release(struct merge_in *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref((json_t *)in[i].rep);
}

/* Every file read and checked against the contract before anything merges. */
static int load(const struct merge_opts *o, struct merge_in *in)
{
	char err[256];

	for (size_t i = 0; i < o->n; i++) {
		json_error_t je;
		in[i] = (struct merge_in){.path = o->files[i], .rep = json_load_file(o->files[i], 0, &je)};
		if (!in[i].rep) {
			fprintf(stderr, "drench merge: %s: %s\n", o->files[i], je.text);
			release(in, i);
			return -EINVAL;
		}
		if (report_validate(in[i].rep, err, sizeof(err)) < 0) {
			fprintf(stderr, "drench merge: %s: not a report.json: %s\n", o->files[i], err);
			release(in, i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

static int write_outputs(const struct merge_opts *o, const struct merge_out *m)
{
	char path[PATH_MAX];
	int rc = out_dir_make(o->output);

	snprintf(path, sizeof(path), "%s/report.json", o->output);
	rc = rc ? rc : report_write(m->rep, path);
	if (o->formats & 1) {
		snprintf(path, sizeof(path), "%s/report.html", o->output);
		rc = rc ? rc : report_html_write(path, m->rep, m->series);
	}
	if (o->formats & 2) {
		snprintf(path, sizeof(path), "%s/metrics.prom", o->output);
		rc = rc ? rc : report_prom_write_all(path, m->rep);
	}
	if (o->formats & 4) {
		snprintf(path, sizeof(path), "%s/series.csv", o->output);
		rc = rc ? rc : report_csv_write(path, m->series);
	}
	return rc;
}

static void print_summary(const struct merge_out *m, size_t n)
{
	size_t i;
	json_t *ph;

	printf("drench merge: %zu shard%s\n", n, n == 1 ? "" : "s");
	json_array_foreach(json_object_get(m->rep, "phases"), i, ph) {
		json_t *lat = json_object_get(ph, "latency_us");
		printf("%-16s req %9" JSON_INTEGER_FORMAT " rps %9.0f  p50 %.0f p99 %.0f us\n",
		       json_string_value(json_object_get(ph, "name")),
		       json_integer_value(json_object_get(ph, "requests")),
		       json_number_value(json_object_get(ph, "rps")),
		       json_number_value(json_object_get(lat, "p50")),
		       json_number_value(json_object_get(lat, "p99")));
		json_t *f;
		size_t k;
		json_array_foreach(json_object_get(ph, "expect_failures"), k, f)
			printf("FAIL %s: %s\n", json_string_value(json_object_get(ph, "name")),
			       json_string_value(f));
	}
	json_t *f;
	json_array_foreach(json_object_get(m->rep, "expect_failures"), i, f)
		printf("FAIL campaign: %s\n", json_string_value(f));
	printf("verdict: %s\n", m->pass ? "pass" : "fail");
}

int cmd_merge(int argc, char **argv)
{
	static struct merge_opts o;
	static struct merge_in in[MAX_SHARDS];
	struct merge_out m;
	char err[512];
	int rc = parse(argc, argv, &o);

	if (rc != 0)
		return rc > 0 ? DRENCH_EXIT_PASS : DRENCH_EXIT_USAGE;
	if (load(&o, in) < 0)
		return DRENCH_EXIT_USAGE;
	rc = merge_reports(in, o.n, &m, err, sizeof(err));
	release(in, o.n);
	if (rc < 0) {
		fprintf(stderr, "drench merge: %s\n", rc == -ENOMEM ? "out of memory" : err);
		return rc == -ENOMEM ? DRENCH_EXIT_RUNTIME : DRENCH_EXIT_USAGE;
	}
	print_summary(&m, o.n);
	rc = write_outputs(&o, &m);
	bool pass = m.pass;
	merge_out_free(&m);
	if (rc < 0) {
		fprintf(stderr, "drench merge: cannot write %s: %s\n", o.output, strerror(-rc));
		return DRENCH_EXIT_RUNTIME;
	}
	printf("report: %s/report.json\n", o.output);
	return pass ? DRENCH_EXIT_PASS : DRENCH_EXIT_FAIL;
}
