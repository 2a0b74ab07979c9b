/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run-opts.h"
#include "serve-opts.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: drench serve --dev DEV [options]\n"
		"  the built-in HTTP/1.1 responder: every request gets the same templated response\n"
		"  --dev DEV               DPDK device: a vdev (net_memif0,role=server,...) or a PCI address\n"
		"  --lcores LIST           EAL lcores; the responder polls on the first (0)\n"
		"  --local-ip IP/LEN       our address (198.18.0.1/24)\n"
		"  --gateway IP            next hop for clients off our subnet\n"
		"  --port N                listening TCP port (80)\n"
		"  --status N              response status (200)\n"
		"  --body-size N           body bytes per response (1), at most 64 MiB\n"
		"  --chunked               Transfer-Encoding: chunked instead of Content-Length\n"
		"  --keepalive-requests N  answer N requests per connection, the last with\n"
		"                          Connection: close, then close (0 = no limit)\n"
		"  --delay T               answer each request T after it arrived (0)\n"
		"  --duration T            stop after T: 10s, 2m (0 = until Ctrl-C)\n"
		"  --max-conns N           connection table capacity (65536)\n"
		"  --mbufs N               mbufs in the port's pool (16383)\n"
		"  --time-wait reset|2msl  after we close first: RST instead of TIME_WAIT\n"
		"                          (reset, the default, so clients may reuse ports at once)\n"
		"  --mtu N                 port MTU (1500)\n"
		"  --quiet                 no line per second\n");
}

static int bad(const char *name, const char *what, const char *got)
{
	fprintf(stderr, "drench serve: --%s: expected %s, got '%s'\n", name, what, got);
	return -EINVAL;
}

static int parse_u64(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max || s[0] == '-') {
		char what[64];
		snprintf(what, sizeof(what), "an integer in [%llu, %llu]", (unsigned long long)min,
			 (unsigned long long)max);
		return bad(name, what, s);
	}
	*out = v;
	return 0;
}

static int parse_ip(const char *name, const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return bad(name, "an IPv4 address", s);
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_local_ip(struct serve_opts *o, char *arg)
{
	char *slash = strchr(arg, '/');
	uint64_t len = 24;

	if (slash) {
		*slash = '\0';
		if (parse_u64("local-ip prefix", slash + 1, 1, 32, &len) < 0)
			return -EINVAL;
	}
	o->netmask = ~0u << (32 - len);
	return parse_ip("local-ip", arg, &o->local_ip);
}

static int apply(struct serve_opts *o, int opt, char *arg)
{
	uint64_t v;

	switch (opt) {
	case 'd': o->dev = arg; return 0;
	case 'l': o->lcores = arg; return 0;
	case 'i': return parse_local_ip(o, arg);
	case 'g': return parse_ip("gateway", arg, &o->gateway);
	case 'c': o->chunked = true; return 0;
	case 'q': o->quiet = true; return 0;
	case 'p':
		if (parse_u64("port", arg, 1, 65535, &v) < 0)
			return -EINVAL;
		o->port = (uint16_t)v;
		return 0;
	case 's':
		if (parse_u64("status", arg, 200, 599, &v) < 0)
			return -EINVAL;
		o->status = (uint16_t)v;
		return 0;
	case 'b': return parse_u64("body-size", arg, 0, 64ull << 20, &o->body_size);
	case 'k':
		if (parse_u64("keepalive-requests", arg, 0, UINT32_MAX, &v) < 0)
			return -EINVAL;
		o->keepalive_requests = (uint32_t)v;
		return 0;
	case 'D':
		return run_opts_duration(arg, &o->delay_us) == 0
			       ? 0
			       : bad("delay", "a duration like 5ms", arg);
	case 't':
		return run_opts_duration(arg, &o->duration_us) == 0
			       ? 0
			       : bad("duration", "a duration like 10s", arg);
	case 'n':
		if (parse_u64("max-conns", arg, 1, 16u << 20, &v) < 0)
			return -EINVAL;
		o->max_conns = (uint32_t)v;
		return 0;
	case 'M':
		if (parse_u64("mbufs", arg, 1023, 1u << 20, &v) < 0)
			return -EINVAL;
		o->n_mbufs = (uint32_t)v;
		return 0;
	case 'w':
		if (!strcmp(arg, "reset"))
			o->tw_policy = TCP_TW_RESET;
		else if (!strcmp(arg, "2msl"))
			o->tw_policy = TCP_TW_2MSL;
		else
			return bad("time-wait", "reset or 2msl", arg);
		return 0;
	case 'm':
		if (parse_u64("mtu", arg, 576, 9000, &v) < 0)
			return -EINVAL;
		o->mtu = (uint16_t)v;
		return 0;
	case 'h': usage(stdout); return 1;
	default: usage(stderr); return -EINVAL;
	}
}

static void set_defaults(struct serve_opts *o)
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
		{"port", required_argument, NULL, 'p'},
		{"status", required_argument, NULL, 's'},
		{"body-size", required_argument, NULL, 'b'},
		{"chunked", no_argument, NULL, 'c'},
		{"keepalive-requests", required_argument, NULL, 'k'},
		{"delay", required_argument, NULL, 'D'},
		{"duration", required_argument, NULL, 't'},
		{"max-conns", required_argument, NULL, 'n'},
		{"mbufs", required_argument, NULL, 'M'},
		{"time-wait", required_argument, NULL, 'w'},
		{"mtu", required_argument, NULL, 'm'},
		{"quiet", no_argument, NULL, 'q'},
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
