/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-args.h"
#include "units.h"
#include "plan.h"
#include "run-opts.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: drench run CAMPAIGN.yaml [--set key=value ...] [--output DIR] [--quiet]\n"
		"       drench run --dev DEV --url URL [options]\n"
		"  --dev DEV           DPDK device: a vdev (net_af_xdp0,iface=gen0) or a PCI address;\n"
		"                      again for each more port (the workers are split between them)\n"
		"  --url URL           http://IPv4[:port]/path or http://[IPv6][:port]/path to request\n"
		"  --lcores LIST       EAL lcores; the first is the telemetry lcore, the next the workers (0-1)\n"
		"  --local-ip IP/LEN   the generator's address (198.18.0.2/24), or a range of\n"
		"                      them, IP-IP/LEN (every worker uses each address)\n"
		"  --gateway IP        next hop for targets off our subnet\n"
		"  --local-ip6 IP/LEN  the generator's IPv6 address and prefix (fd00::2/64), for\n"
		"                      an IPv6 --url (http://[fd00::1]:8080/)\n"
		"  --gateway6 IP       next hop for IPv6 targets off our prefix\n"
		"  --connections N     connections kept open, closed loop (64); with --rate or\n"
		"                      --cps, the most open at once\n"
		"  --rate R            open loop: R requests per second on a schedule (wrk2's -R)\n"
		"  --cps R             R new connections per second, --requests-per-conn each (1)\n"
		"  --duration T        how long to drive load: 10s, 2m, 1h (10s)\n"
		"  --timeout T         a request unanswered this long is a timeout error (10s)\n"
		"  --think T           closed loop: each connection waits T after a response\n"
		"                      before its next request (0)\n"
		"  --drain T           at the end, wait this long for outstanding responses (5s)\n"
		"  --requests-per-conn N  close and reopen after N requests (0 = keep-alive forever)\n"
		"  --mtu N             port MTU (1500)\n"
		"  --time-wait P       after closing first: reuse (TIME_WAIT 1 s with timestamps, the\n"
		"                      default), 2msl (hold it 60 s) or reset (RST, port free)\n"
		"  --output DIR        where report.json goes (drench-out)\n"
		"  --quiet             no line per second\n"
		"  --tui, --no-tui     the live terminal view (default when stdout is a terminal)\n"
		"  --format LIST       extra outputs: html,prometheus,csv (report.json always)\n"
		"  --metrics-listen A  live Prometheus metrics on http://A/metrics (127.0.0.1:9464)\n"
		"  --set KEY=VALUE     campaign override, e.g. --set phases.*.duration=3s\n"
		"  --shard I/N         run part I (0 to N-1) of N of the load: several generators,\n"
		"                      one campaign (docs/shards.md); wins over the campaign's shard\n"
		"  --start-at TIME     wait until this wall-clock time to start the load:\n"
		"                      2026-12-03T06:00:00Z or @UNIX_SECONDS\n");
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
	o->tui = -1;
	o->local_ip = 0xC6120002u; /* 198.18.0.2 */
	o->n_local_ips = 1;
	o->netmask = 0xffffff00u;
	o->connections = 64;
	o->duration_us = 10 * 1000000ULL;
	o->timeout_us = 10 * 1000000ULL;
	o->drain_us = 5 * 1000000ULL;
	o->mtu = 1500;
	o->time_wait = TCP_TW_REUSE;
}

static int apply_number(struct run_opts *o, int opt, const char *arg)
{
	uint64_t v;
	int rc;

	switch (opt) {
	case 'c':
		rc = cli_uint("run", "connections", arg, 1, 4000000, &v);
		o->connections = (uint32_t)v;
		return rc;
	case 'r':
		rc = cli_uint("run", "requests-per-conn", arg, 0, UINT32_MAX, &v);
		o->requests_per_conn = (uint32_t)v;
		return rc;
	case 'm':
		rc = cli_uint("run", "mtu", arg, 576, 9000, &v);
		o->mtu = (uint16_t)v;
		return rc;
	case 'R':
		rc = cli_uint("run", "rate", arg, 1, 100000000, &v);
		o->rate = (double)v;
		return rc;
	case 'C':
		rc = cli_uint("run", "cps", arg, 1, 100000000, &v);
		o->cps = (double)v;
		return rc;
	case 't': return cli_duration("run", "duration", arg, &o->duration_us);
	case 'T': return cli_duration("run", "timeout", arg, &o->timeout_us);
	case 'k': return cli_duration("run", "think", arg, &o->think_us);
	default: return cli_duration("run", "drain", arg, &o->drain_us);
	}
}

static int apply(struct run_opts *o, int opt, char *arg)
{
	o->given |= (opt == 'o' || opt == 'q' || opt == 'U' || opt == 'n' || opt == 's' || opt == 'h' ||
		     opt == 'F' || opt == 'M' || opt == 'S' || opt == 'A') ? RUN_OPT_OUTPUT
				 : RUN_OPT_FLAG_FORM_ONLY;
	switch (opt) {
	case 's':
		if (o->n_overrides == sizeof(o->overrides) / sizeof(o->overrides[0])) {
			fprintf(stderr, "drench run: too many --set\n");
			return -EINVAL;
		}
		o->overrides[o->n_overrides++] = arg;
		return 0;
	case 'd':
		if (o->n_devs == sizeof(o->devs) / sizeof(o->devs[0])) {
			fprintf(stderr, "drench run: at most 8 --dev\n");
			return -EINVAL;
		}
		o->dev = o->dev ? o->dev : arg;
		o->devs[o->n_devs++] = arg;
		return 0;
	case 'u': o->url = arg; return 0;
	case 'l': o->lcores = arg; return 0;
	case 'o': o->output = arg; return 0;
	case 'q': o->quiet = 1; return 0;
	case 'U': o->tui = 1; return 0;
	case 'n': o->tui = 0; return 0;
	case 'M': o->metrics_listen = arg; return 0;
	case 'F': return parse_formats(o, arg);
	case 'S':
		if (units_parse_shard(arg, &o->shard, &o->n_shards) == 0)
			return 0;
		return cli_bad("run", "shard", UNITS_SHARD_EXPECTED, arg);
	case 'A': return cli_wall_time("run", "start-at", arg, &o->start_at);
	case 'i':
		return cli_ipv4_range_prefix("run", "local-ip", arg, PLAN_MAX_LOCAL_IPS, &o->local_ip,
					     &o->n_local_ips, &o->netmask);
	case 'g': return cli_ipv4("run", "gateway", arg, &o->gateway);
	case '6':
		o->has_ip6 = true;
		return cli_ipv6_prefix("run", "local-ip6", arg, 64, &o->local_ip6, &o->prefix6);
	case 'G':
		if (inet_pton(AF_INET6, arg, &o->gateway6) == 1)
			return 0;
		return cli_bad("run", "gateway6", "an IPv6 address", arg);
	case 'W': return cli_time_wait("run", arg, &o->time_wait);
	case 'c': case 'r': case 'm': case 't': case 'T': case 'D': case 'R': case 'C': case 'k':
		return apply_number(o, opt, arg);
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
		fprintf(stderr, "drench run: with a campaign file, only --set, --output, --quiet, --tui, "
				"--format, --metrics-listen, --shard and --start-at apply; write the rest "
				"in the "
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
		{"local-ip6", required_argument, NULL, '6'},
		{"gateway6", required_argument, NULL, 'G'},
		{"connections", required_argument, NULL, 'c'},
		{"duration", required_argument, NULL, 't'},
		{"timeout", required_argument, NULL, 'T'},
		{"think", required_argument, NULL, 'k'},
		{"drain", required_argument, NULL, 'D'},
		{"requests-per-conn", required_argument, NULL, 'r'},
		{"mtu", required_argument, NULL, 'm'},
		{"time-wait", required_argument, NULL, 'W'},
		{"rate", required_argument, NULL, 'R'},
		{"cps", required_argument, NULL, 'C'},
		{"quiet", no_argument, NULL, 'q'},
		{"tui", no_argument, NULL, 'U'},
		{"no-tui", no_argument, NULL, 'n'},
		{"set", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'F'},
		{"metrics-listen", required_argument, NULL, 'M'},
		{"shard", required_argument, NULL, 'S'},
		{"start-at", required_argument, NULL, 'A'},
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
	if (o->rate > 0 && o->cps > 0) {
		fprintf(stderr, "drench run: --rate and --cps are two load models; give one\n");
		return -EINVAL;
	}
	if (o->think_us > 0 && (o->rate > 0 || o->cps > 0)) {
		fprintf(stderr, "drench run: --think applies to the closed loop, not to --rate "
				"or --cps\n");
		return -EINVAL;
	}
	if (!o->dev || !o->url) {
		fprintf(stderr, "drench run: --dev and --url are required\n");
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}
