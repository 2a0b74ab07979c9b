/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run-opts.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: drench run CAMPAIGN.yaml [--set key=value ...] [--output DIR] [--quiet]\n"
		"       drench run --dev DEV --url URL [options]\n"
		"  --dev DEV           DPDK device: a vdev (net_af_xdp0,iface=gen0) or a PCI address\n"
		"  --url URL           http://IPv4[:port]/path to request\n"
		"  --lcores LIST       EAL lcores; the first is the telemetry lcore, the next the worker (0-1)\n"
		"  --local-ip IP/LEN   the generator's address (198.18.0.2/24)\n"
		"  --gateway IP        next hop for targets off our subnet\n"
		"  --connections N     connections kept open, closed loop (64)\n"
		"  --duration T        how long to drive load: 10s, 2m, 1h (10s)\n"
		"  --timeout T         a request unanswered this long is a timeout error (10s)\n"
		"  --drain T           at the end, wait this long for outstanding responses (5s)\n"
		"  --requests-per-conn N  close and reopen after N requests (0 = keep-alive forever)\n"
		"  --mtu N             port MTU (1500)\n"
		"  --time-wait P       2msl (hold TIME_WAIT after closing first) or reset (RST, port free)\n"
		"  --output DIR        where report.json goes (drench-out)\n"
		"  --quiet             no line per second\n"
		"  --format LIST       extra outputs: html,prometheus,csv (report.json always)\n"
		"  --metrics-listen A  live Prometheus metrics on http://A/metrics (127.0.0.1:9464)\n"
		"  --set KEY=VALUE     campaign override, e.g. --set phases.*.duration=3s\n");
}

int run_opts_duration(const char *s, uint64_t *us)
{
	char *end;
	double v = strtod(s, &end);
	double mult;

	if (end == s || v < 0)
		return -EINVAL;
	if (!strcmp(end, "us"))
		mult = 1;
	else if (!strcmp(end, "ms"))
		mult = 1e3;
	else if (!strcmp(end, "s") || !*end)
		mult = 1e6;
	else if (!strcmp(end, "m"))
		mult = 60e6;
	else if (!strcmp(end, "h"))
		mult = 3600e6;
	else
		return -EINVAL;
	*us = (uint64_t)(v * mult);
	return 0;
}

static int parse_u32(const char *name, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v < min || v > max) {
		fprintf(stderr, "drench run: --%s: expected an integer in [%u, %u], got '%s'\n",
			name, min, max, s);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_time(const char *name, const char *s, uint64_t *out)
{
	if (run_opts_duration(s, out) == 0)
		return 0;
	fprintf(stderr, "drench run: --%s: expected a duration like 10s, 500ms, 2m, got '%s'\n",
		name, s);
	return -EINVAL;
}

static int parse_local_ip(struct run_opts *o, char *arg)
{
	char *slash = strchr(arg, '/');

	o->local_ip = arg;
	if (!slash)
		return 0;
	*slash = '\0';
	uint32_t len;
	if (parse_u32("local-ip prefix", slash + 1, 1, 32, &len) < 0)
		return -EINVAL;
	o->prefix_len = (int)len;
	return 0;
}

/* html,prometheus,csv -> CAMPAIGN_FORMAT_* bits */
static int parse_formats(struct run_opts *o, char *arg)
{
	static const char *const names[] = {"json", "html", "prometheus", "csv"};

	for (char *save = NULL, *tok = strtok_r(arg, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned i = 0;
		while (i < 4 && strcmp(tok, names[i]))
			i++;
		if (i == 4) {
			fprintf(stderr, "drench run: --format: '%s' is not one of json, html, "
					"prometheus, csv\n", tok);
			return -EINVAL;
		}
		o->formats |= 1u << i;
	}
	return 0;
}

static void set_defaults(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->lcores = "0-1";
	o->output = "drench-out";
	o->local_ip = "198.18.0.2";
	o->prefix_len = 24;
	o->connections = 64;
	o->duration_us = 10 * 1000000ULL;
	o->timeout_us = 10 * 1000000ULL;
	o->drain_us = 5 * 1000000ULL;
	o->mtu = 1500;
}

static int apply(struct run_opts *o, int opt, char *arg)
{
	uint32_t v;

	o->given |= (opt == 'o' || opt == 'q' || opt == 's' || opt == 'h' || opt == 'F' ||
		     opt == 'M') ? RUN_OPT_OUTPUT
									  : RUN_OPT_FLAG_FORM_ONLY;
	switch (opt) {
	case 's':
		if (o->n_overrides == sizeof(o->overrides) / sizeof(o->overrides[0])) {
			fprintf(stderr, "drench run: too many --set\n");
			return -EINVAL;
		}
		o->overrides[o->n_overrides++] = arg;
		return 0;
	case 'd': o->dev = arg; return 0;
	case 'u': o->url = arg; return 0;
	case 'l': o->lcores = arg; return 0;
	case 'o': o->output = arg; return 0;
	case 'g': o->gateway = arg; return 0;
	case 'q': o->quiet = 1; return 0;
	case 'M': o->metrics_listen = arg; return 0;
	case 'F': return parse_formats(o, arg);
	case 'i': return parse_local_ip(o, arg);
	case 'c': return parse_u32("connections", arg, 1, 4000000, &o->connections);
	case 't': return parse_time("duration", arg, &o->duration_us);
	case 'T': return parse_time("timeout", arg, &o->timeout_us);
	case 'D': return parse_time("drain", arg, &o->drain_us);
	case 'r': return parse_u32("requests-per-conn", arg, 0, UINT32_MAX, &o->requests_per_conn);
	case 'm':
		if (parse_u32("mtu", arg, 576, 9000, &v) < 0)
			return -EINVAL;
		o->mtu = (uint16_t)v;
		return 0;
	case 'W':
		if (strcmp(arg, "2msl") && strcmp(arg, "reset")) {
			fprintf(stderr, "drench run: --time-wait: expected 2msl or reset, got '%s'\n", arg);
			return -EINVAL;
		}
		o->time_wait_reset = !strcmp(arg, "reset");
		return 0;
	case 'h': usage(stdout); return 1;
	default: usage(stderr); return -EINVAL;
	}
}

static int campaign_form(struct run_opts *o, int n_args, char **args)
{
	if (n_args > 1) {
		fprintf(stderr, "drench run: one campaign file at a time (got '%s' and '%s')\n",
			args[0], args[1]);
		return -EINVAL;
	}
	if (o->given & RUN_OPT_FLAG_FORM_ONLY) {
		fprintf(stderr, "drench run: with a campaign file, only --set, --output, --quiet, "
				"--format and --metrics-listen apply; write the rest in the "
				"campaign or use --set\n");
		return -EINVAL;
	}
	o->campaign = args[0];
	return 0;
}

int run_opts_parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{"dev", required_argument, NULL, 'd'},
		{"vdev", required_argument, NULL, 'd'},
		{"url", required_argument, NULL, 'u'},
		{"lcores", required_argument, NULL, 'l'},
		{"output", required_argument, NULL, 'o'},
		{"local-ip", required_argument, NULL, 'i'},
		{"gateway", required_argument, NULL, 'g'},
		{"connections", required_argument, NULL, 'c'},
		{"duration", required_argument, NULL, 't'},
		{"timeout", required_argument, NULL, 'T'},
		{"drain", required_argument, NULL, 'D'},
		{"requests-per-conn", required_argument, NULL, 'r'},
		{"mtu", required_argument, NULL, 'm'},
		{"time-wait", required_argument, NULL, 'W'},
		{"quiet", no_argument, NULL, 'q'},
		{"set", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'F'},
		{"metrics-listen", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, rc;

	set_defaults(o);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		rc = apply(o, opt, optarg);
		if (rc != 0)
			return rc;
	}
	if (optind < argc)
		return campaign_form(o, argc - optind, argv + optind);
	if (o->n_overrides) {
		fprintf(stderr, "drench run: --set applies to a campaign file, and none was given\n");
		return -EINVAL;
	}
	if (!o->dev || !o->url) {
		fprintf(stderr, "drench run: --dev and --url are required\n");
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}
