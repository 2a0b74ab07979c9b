/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A run plan: everything `drench run` needs, built either from flags
 * (plan-flags.c) or from a campaign file (plan-campaign.c), then executed by
 * cmd-run.c the same way.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "campaign-t.h"
#include "client-t.h"
#include "tcp-t.h"
#include "telemetry-config.h"
#include "plan-targets.h"

#define PLAN_MAX_PHASES 256
#define PLAN_MAX_TEMPLATES 64
#define PLAN_PORT_MIN 10000 /* local ports: below are the usual listening ones */
#define PLAN_PORT_MAX 65535
#define PLAN_MAX_LOCAL_IPS 4096 /* addresses in the local range (said in plan-campaign.c) */
#define PLAN_MAX_PORTS 8 /* ports of one run (plan-ports.h splits the workers) */

struct plan_phase {
	const char *name;
	const char *step_of; /* the steps phase this level came from; NULL: none */
	struct client_phase client;
	const struct campaign_expect *expect; /* NULL: no phase gate */
	uint16_t mix_tpl[PLAN_MAX_TEMPLATES];
	uint32_t mix_cum[PLAN_MAX_TEMPLATES];
};

struct plan {
	/* rig */
	const char *devs[PLAN_MAX_PORTS]; /* vdev strings or PCI addresses, in the order given */
	uint16_t n_ports;
	char lcores[64];    /* EAL -l list: main (telemetry) lcore first, then the workers */
	uint32_t local_ip, netmask, gateway; /* host order */
	uint32_t n_local_ips; /* local_ip .. local_ip + n - 1, each worker uses them all */
	uint16_t port_min, port_max; /* local ports (a shard's block of them) */
	uint16_t mtu;
	enum tcp_time_wait_policy time_wait;
	/* IPv6 (has_ip6): our address and prefix, and the next hop off it */
	bool has_ip6;
	struct net_ip6 local_ip6, gateway6;
	uint8_t prefix6;
	/* target; an IPv6 one (target_ip6) has daddr6, and daddr its low 32 bits */
	bool target_ip6;
	struct net_ip6 daddr6;
	/* target: the first server, and every server (plan-targets.h) */
	uint32_t daddr;
	uint16_t dport;
	struct plan_targets targets;
	/* requests */
	struct client_template tpls[PLAN_MAX_TEMPLATES];
	uint16_t n_tpls;
	const char *tpl_names[PLAN_MAX_TEMPLATES];
	uint16_t max_pipeline;
	uint32_t max_conns;        /* connection table size */
	uint32_t rate_max_conns;   /* open loop and cps pool */
	uint64_t request_timeout_us;
	uint64_t drain_us;
	/* phases */
	struct plan_phase phases[PLAN_MAX_PHASES];
	uint32_t n_phases;
	const struct campaign_expect *expect; /* whole campaign; NULL: none */
	/* memory telemetry of the servers (NULL: none) */
	const struct telemetry_config *telemetry;
	/* shard (plan-shard.h): this generator runs part shard of n_shards */
	uint32_t shard, n_shards;
	double start_at;    /* unix seconds to start the load at; 0: at once */
	const char *campaign_name;
	char campaign_digest[65]; /* the same for every shard of one campaign (plan-id.c) */
	bool shard_by_port; /* the shards share the addresses, each has its ports */
	struct { double from, to; } given[PLAN_MAX_PHASES]; /* the campaign's levels */
	/* output */
	const char *output;
	unsigned formats;           /* CAMPAIGN_FORMAT_* bits */
	const char *metrics_listen; /* NULL: no live endpoint */
	bool quiet;
	int tui; /* terminal view: 1 on, 0 off, -1 when stdout is a terminal */
};

/** Release the templates the plan built. */
void plan_free(struct plan *p);

/** Flat copy of the phases' client part, for the worker. */
void plan_client_phases(const struct plan *p, struct client_phase *out);
