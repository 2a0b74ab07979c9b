/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the built-in responder runs with: built from the flags of `drench
 * serve` (serve_opts_parse) or from a campaign with role: responder
 * (run-responder.c), then run the same way by serve_execute().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <netinet/in.h>

#include "campaign-t.h"
#include "tcp-t.h"

struct run_opts;

#define SERVE_MAX_QUEUES 8

struct serve_opts {
	const char *dev;    /* vdev string or PCI address */
	const char *lcores; /* EAL lcores; the responder runs on the first (main) lcore */
	uint32_t local_ip;  /* host order */
	uint32_t netmask;
	uint32_t gateway;
	bool has_ip6;             /* --local-ip6: answer ND and ping6 (no TCP over IPv6 yet) */
	struct in6_addr local_ip6;
	uint8_t prefix6;
	uint16_t port;
	uint16_t status;
	uint64_t body_size;
	bool chunked;
	uint32_t keepalive_requests; /* 0 = no limit */
	uint64_t delay_us;
	uint64_t duration_us;	     /* 0 = until Ctrl-C */
	uint32_t max_conns;
	uint32_t n_mbufs;
	uint16_t n_queues; /* RX/TX queue pairs, all polled by the one lcore */
	uint16_t mtu;
	enum tcp_time_wait_policy tw_policy;
	bool quiet;
	const char *output;   /* folder for report.json; NULL: no report */
	const char *campaign; /* the campaign's name when built from one, else NULL */
};

/** The defaults of every option (dev NULL, 198.18.0.1/24, port 80, 200, 1
 * body byte, 65536 connections, TIME_WAIT reset, until Ctrl-C). */
void serve_opts_defaults(struct serve_opts *o);

/** Parse argv (argv[0] is "serve"): 0, 1 after --help, or -EINVAL with a
 * message on stderr. */
int serve_opts_parse(int argc, char **argv, struct serve_opts *o);

/** Fill o from a loaded responder campaign (campaign_load() checked that
 * its rig has one port, one worker lcore and one address) and, when ro is
 * given, the run's --output and --quiet. o points into c. */
void serve_opts_from_campaign(struct campaign *c, const struct run_opts *ro, struct serve_opts *o);

/** Run the responder o describes: EAL, port, serve loop on the main lcore,
 * summary, and report.json when o->output is set. Returns the exit code
 * (enum drench_exit). In cmd-serve.c. */
int serve_execute(const struct serve_opts *o);
