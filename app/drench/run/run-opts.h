/* SPDX-License-Identifier: BSD-3-Clause */
/* Command-line options of `drench run` (the flag form; campaigns come from YAML). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "tcp-t.h"

struct run_opts {
	const char *dev;       /* the first --dev: vdev string or PCI address */
	const char *devs[8];   /* every --dev, in order: one port each */
	size_t n_devs;
	const char *lcores;    /* EAL lcore list: first = main (telemetry), next = worker */
	const char *url;
	const char *output;    /* folder for report.json */
	uint32_t local_ip;     /* our (first) address (the generator's), host order */
	uint32_t n_local_ips;  /* consecutive addresses from local_ip */
	uint32_t netmask;
	uint32_t gateway;      /* 0: none */
	bool has_ip6;          /* --local-ip6 given: IPv6 beside IPv4 */
	struct in6_addr local_ip6;
	uint8_t prefix6;
	struct in6_addr gateway6; /* --gateway6; all zeros: none */
	uint32_t connections;
	double rate;           /* --rate: open loop, requests per second (0: closed loop) */
	double cps;            /* --cps: new connections per second (0: none) */
	uint64_t duration_us;
	uint64_t timeout_us;   /* per request */
	uint64_t think_us;     /* closed loop: wait after each response */
	uint64_t drain_us;
	uint32_t requests_per_conn;
	uint16_t mtu;
	enum tcp_time_wait_policy time_wait;
	int quiet;
	int tui; /* --tui 1, --no-tui 0, neither -1 (on when stdout is a terminal) */
	unsigned formats;           /* CAMPAIGN_FORMAT_* bits from --format */
	const char *metrics_listen; /* --metrics-listen */
	uint32_t shard, n_shards;   /* --shard I/N; n_shards 0: not given */
	double start_at;            /* --start-at: unix seconds; 0: start at once */
	/* campaign form: `drench run CAMPAIGN.yaml [--set key=value ...]` */
	const char *campaign;
	const char *overrides[64];
	size_t n_overrides;
	unsigned given; /* RUN_OPT_* bits of flags given on the command line */
};

/* flags that only the flag form takes */
#define RUN_OPT_FLAG_FORM_ONLY 1u
/* flags a campaign run takes too */
#define RUN_OPT_OUTPUT 2u

/** Parse argv (argv[0] is "run"); 0 or -EINVAL with a message on stderr. */
int run_opts_parse(int argc, char **argv, struct run_opts *o);
