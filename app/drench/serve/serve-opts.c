/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct serve_opts built two ways: from the flags of `drench serve`
 * (serve_opts_parse) and from a campaign with role: responder
 * (serve_opts_from_campaign). The same defaults start both, each campaign
 * key sets the field its flag sets.
 */
#include "serve-opts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-args.h"
#include "campaign.h"
#include "run-opts.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: drench serve --dev DEV [options]\n"
		"  the built-in HTTP/1.1 responder: every request gets the same templated response\n"
		"  --dev DEV               DPDK device: a vdev (net_memif0,role=server,...) or a PCI address\n"
		"  --lcores LIST           EAL lcores; the responder polls on the first (0)\n"
		"  --local-ip IP/LEN       our address (198.18.0.1/24)\n"
		"  --gateway IP            next hop for clients off our subnet\n"
		"  --local-ip6 IP6/LEN     also this IPv6 address (/64 by default): neighbour\n"
		"                          discovery and ping6 are answered; TCP over IPv6 is not\n"
		"                          served yet (counted and dropped)\n"
		"  --port N                listening TCP port (80)\n"
		"  --status N              response status (200)\n"
		"  --body-size N           body bytes per response (1), at most 64 MiB\n"
		"  --chunked               Transfer-Encoding: chunked instead of Content-Length\n"
		"  --keepalive-requests N  answer N requests per connection, the last with\n"
		"                          Connection: close, then close (0 = no limit)\n"
		"  --delay T               answer each request T after it arrived (0)\n"
		"  --duration T            stop after T: 10s, 2m (0 = until Ctrl-C)\n"
		"  --max-conns N           connection table capacity (65536)\n"
		"  --queues N              queue pairs, all polled by the one lcore (1); a reply to\n"
		"                          client port P leaves on queue P %% N, as the client's RSS\n"
		"                          steering would bring it to the worker that owns P\n"
		"  --mbufs N               mbufs in the port's pool (16383)\n"
		"  --time-wait reset|2msl  after we close first: RST instead of TIME_WAIT\n"
		"                          (reset, the default, so clients may reuse ports at once)\n"
		"  --mtu N                 port MTU (1500)\n"
		"  --quiet                 no line per second\n"
		"  --output DIR            also write DIR/report.json (none by default)\n"
		"  the same responder runs from a campaign file: drench run FILE.yaml\n"
		"  with role: responder (docs/campaign.md)\n");
}

static int apply_number(struct serve_opts *o, int opt, const char *arg)
{
	uint64_t v = 0;
	int rc;

	switch (opt) {
	case 'p':
		rc = cli_uint("serve", "port", arg, 1, 65535, &v);
		o->port = (uint16_t)v;
		return rc;
	case 's':
		rc = cli_uint("serve", "status", arg, 200, 599, &v);
		o->status = (uint16_t)v;
		return rc;
	case 'b': return cli_uint("serve", "body-size", arg, 0, 64ull << 20, &o->body_size);
	case 'k':
		rc = cli_uint("serve", "keepalive-requests", arg, 0, UINT32_MAX, &v);
		o->keepalive_requests = (uint32_t)v;
		return rc;
	case 'n':
		rc = cli_uint("serve", "max-conns", arg, 1, 16u << 20, &v);
		o->max_conns = (uint32_t)v;
		return rc;
	case 'M':
		rc = cli_uint("serve", "mbufs", arg, 1023, 1u << 20, &v);
		o->n_mbufs = (uint32_t)v;
		return rc;
	case 'Q':
		rc = cli_uint("serve", "queues", arg, 1, SERVE_MAX_QUEUES, &v);
		o->n_queues = (uint16_t)v;
		return rc;
	default:
		rc = cli_uint("serve", "mtu", arg, 576, 9000, &v);
		o->mtu = (uint16_t)v;
		return rc;
	}
}

static int apply(struct serve_opts *o, int opt, char *arg)
{
	switch (opt) {
	case 'd': o->dev = arg; return 0;
	case 'l': o->lcores = arg; return 0;
	case 'i': return cli_ipv4_prefix("serve", "local-ip", arg, 24, &o->local_ip, &o->netmask);
	case 'g': return cli_ipv4("serve", "gateway", arg, &o->gateway);
	case '6':
		o->has_ip6 = true;
		return cli_ipv6_prefix("serve", "local-ip6", arg, 64, &o->local_ip6, &o->prefix6);
	case 'c': o->chunked = true; return 0;
	case 'q': o->quiet = true; return 0;
	case 'o': o->output = arg; return 0;
	case 'D': return cli_duration("serve", "delay", arg, &o->delay_us);
	case 't': return cli_duration("serve", "duration", arg, &o->duration_us);
	case 'w':
		return cli_time_wait("serve", arg, &o->tw_policy) < 0 ? -EINVAL : 0;
	case 'p': case 's': case 'b': case 'k': case 'n': case 'M': case 'm': case 'Q':
		return apply_number(o, opt, arg);
	case 'h': usage(stdout); return 1;
	default: usage(stderr); return -EINVAL;
	}
}

void serve_opts_defaults(struct serve_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->lcores = "0";
	o->local_ip = 0xc6120001u; /* 198.18.0.1 */
	o->netmask = 0xffffff00u;
	o->port = 80;
	o->status = 200;
	o->body_size = 1;
	o->max_conns = 65536;
	o->n_mbufs = 16383;
	o->n_queues = 1;
	o->mtu = 1500;
	o->tw_policy = TCP_TW_RESET;
}

int serve_opts_parse(int argc, char **argv, struct serve_opts *o)
{
	static const struct option longopts[] = {
		{"dev", required_argument, NULL, 'd'},
		{"lcores", required_argument, NULL, 'l'},
		{"local-ip", required_argument, NULL, 'i'},
		{"gateway", required_argument, NULL, 'g'},
		{"local-ip6", required_argument, NULL, '6'},
		{"port", required_argument, NULL, 'p'},
		{"status", required_argument, NULL, 's'},
		{"body-size", required_argument, NULL, 'b'},
		{"chunked", no_argument, NULL, 'c'},
		{"keepalive-requests", required_argument, NULL, 'k'},
		{"delay", required_argument, NULL, 'D'},
		{"duration", required_argument, NULL, 't'},
		{"max-conns", required_argument, NULL, 'n'},
		{"mbufs", required_argument, NULL, 'M'},
		{"queues", required_argument, NULL, 'Q'},
		{"time-wait", required_argument, NULL, 'w'},
		{"mtu", required_argument, NULL, 'm'},
		{"quiet", no_argument, NULL, 'q'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, rc;

	serve_opts_defaults(o);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		rc = apply(o, opt, optarg);
		if (rc != 0)
			return rc;
	}
	if (optind < argc) {
		fprintf(stderr, "drench serve: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!o->dev) {
		fprintf(stderr, "drench serve: --dev is required\n");
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* Its one worker lcore is the EAL main lcore, as `--lcores N` makes it. */
static void rig_options(struct campaign *c, struct serve_opts *o)
{
	const struct campaign_rig *r = &c->rig;
	char lcore[16];

	o->dev = r->ports[0].name;
	snprintf(lcore, sizeof(lcore), "%u", r->worker_lcores[0]);
	o->lcores = campaign_strdup(c, lcore);
	o->local_ip = ntohl(r->local_ips[0].first.s_addr);
	/* as for the client: with a gateway every peer is reached through it */
	o->gateway = r->has_gateway ? ntohl(r->gateway.s_addr) : 0;
	o->netmask = r->has_gateway ? 0xffffffffu : 0;
	o->mtu = r->mtu;
}

void serve_opts_from_campaign(struct campaign *c, const struct run_opts *ro, struct serve_opts *o)
{
	const struct campaign_responder *r = &c->responder;

	serve_opts_defaults(o);
	rig_options(c, o);
	o->port = r->port;
	o->status = r->status;
	o->body_size = r->body_size;
	o->chunked = r->chunked;
	o->keepalive_requests = r->keepalive_requests;
	o->delay_us = r->delay_us;
	o->duration_us = r->duration_us;
	o->max_conns = r->max_connections;
	o->n_queues = r->queues;
	o->tw_policy = r->time_wait_reset ? TCP_TW_RESET : TCP_TW_2MSL;
	o->has_ip6 = r->has_ip6;
	o->local_ip6 = r->local_ip6;
	o->prefix6 = r->prefix6;
	o->campaign = c->name;
	o->quiet = ro && ro->quiet;
	o->output = ro && (ro->given & RUN_OPT_OUTPUT) && strcmp(ro->output, "drench-out") ?
			    ro->output : c->output.folder;
}
