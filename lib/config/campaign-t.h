/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A campaign as loaded from YAML (see docs/campaign.md for every key).
 *
 * Everything below, strings included, lives in the campaign's arena and is
 * released by campaign_free(); nothing is freed piece by piece. Times are in
 * microseconds, rates in per-second units, sizes in bytes. Index fields refer
 * to the arrays of the same struct campaign (requests[], targets[]).
 *
 * A phase written with the steps shorthand is expanded by campaign_load()
 * into one phase per level plus pauses (config/steps.h); their step_of names
 * the phase as written. So a loaded campaign has no CAMPAIGN_LOAD_STEPS phase.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct campaign_arena;
struct telemetry_config; /* telemetry/telemetry-config.h */

/* Where something was written, for errors found after loading
 * (hyperscan compilation on the lcores, for instance). */
struct campaign_where {
	const char *file;
	unsigned line, col;
	const char *path; /* "requests[0].expect.body.must[1]" */
};

/* ---- rig ---- */

struct campaign_port {
	const char *name; /* PCI address "0000:01:00.0" or vdev "net_af_xdp0,iface=gen0" */
	bool is_vdev;     /* starts with "net_": passed to the EAL as --vdev */
	int numa_node;    /* from sysfs for PCI devices; -1 unknown (vdevs) */
};

/* first..last inclusive, network order; a single address has first == last */
struct campaign_ip_range {
	struct in_addr first, last;
};

/* What a connection drench closed first does; the order of rig.time_wait's
 * names and of lib/tcp's enum tcp_time_wait_policy. */
enum campaign_time_wait {
	CAMPAIGN_TW_2MSL,  /* hold TIME_WAIT 2 x 30 s */
	CAMPAIGN_TW_RESET, /* RST, the port is free at once */
	CAMPAIGN_TW_REUSE, /* 1 s with timestamps (the port then may be reused), else 2MSL */
};

struct campaign_rig {
	struct campaign_port *ports;
	size_t n_ports;
	unsigned *worker_lcores; /* one RX/TX queue pair each */
	size_t n_worker_lcores;
	int telemetry_lcore;     /* -1: not given (the main lcore is used) */
	int numa_socket;         /* -1: follow the ports */
	bool allow_remote_numa;
	struct campaign_ip_range *local_ips;
	size_t n_local_ips;
	uint32_t n_local_addresses; /* total over local_ips */
	enum campaign_time_wait time_wait; /* after closing first; default reuse */
	bool has_gateway;
	struct in_addr gateway;     /* next hop for every target when has_gateway */
	/* one IPv6 entry of local_ips, "ADDR/LEN" (LEN 64 by default), beside
	 * the IPv4 ones: the generator answers neighbour discovery there */
	bool has_local_ip6;
	struct in6_addr local_ip6;
	uint8_t prefix6;
	struct in6_addr gateway6;   /* next hop off that prefix; all zeros: none */
	uint16_t mtu;               /* default 1500 */
	struct campaign_where where;
};

/* ---- targets ---- */

/* How a group spreads its connections over its members. */
enum campaign_balance {
	CAMPAIGN_BALANCE_ROUND_ROBIN, /* each member in turn (the default) */
	CAMPAIGN_BALANCE_WEIGHTED,    /* in proportion to the members' weights */
};

struct campaign_member {
	size_t target;   /* index in targets[] of a target with an address */
	unsigned weight; /* weighted: 1..1000000; round_robin: 1 */
	struct campaign_where where;
};

/* A server (address and port), or a group of servers (members): a request
 * names either; a connection to a group goes to one member, chosen when the
 * connection is opened. */
struct campaign_target {
	const char *name;
	struct in_addr address; /* network order; a group has none */
	uint16_t port;          /* host order, default 80 */
	const char *host;       /* Host header value, verbatim; default "ADDRESS" on port
				 * 80, "ADDRESS:PORT" otherwise; a group's default is its
				 * first member's */
	struct campaign_member *members; /* a group when n_members > 0 */
	size_t n_members;
	enum campaign_balance balance;
	struct campaign_where where;
};

/* ---- expectations ---- */

/* status classes, as a bitmask: bit 1 is 1xx ... bit 5 is 5xx */
#define CAMPAIGN_STATUS_CLASS(c) (1u << (c))
#define CAMPAIGN_STATUS_ALL 0x3eu

enum campaign_percentile {
	CAMPAIGN_P50,
	CAMPAIGN_P90,
	CAMPAIGN_P99,
	CAMPAIGN_P999,
	CAMPAIGN_PMAX,
	CAMPAIGN_PERCENTILES,
};

/* A pass/fail gate for a phase or the whole campaign; unset fields gate nothing. */
struct campaign_expect {
	bool has_max_error_ratio;
	double max_error_ratio;      /* errors / requests, 0..1 */
	bool has_max_port_waits;
	uint64_t max_port_waits;     /* waits for a free (address, port), at most */
	uint32_t status_classes;     /* allowed classes; 0: not checked */
	uint64_t latency_max_us[CAMPAIGN_PERCENTILES]; /* 0: not checked */
	bool has_min_rps;
	double min_rps;              /* achieved requests per second */
	/* the campaign's expect only: gates on one target's figures over the run */
	struct campaign_target_expect *targets;
	size_t n_targets;
	struct campaign_where where;
};

/* expect.targets[]: a gate on the figures of one target (a member's own, or
 * a group's, its members added), over the whole run */
struct campaign_target_expect {
	size_t target; /* index in targets[] */
	struct campaign_expect expect; /* its own targets list is empty */
};

/* ---- requests ---- */

struct campaign_header {
	const char *name;
	const char *value;
};

/* A body expectation compiled for hyperscan (lib/match). */
struct campaign_pattern {
	const char *name;  /* reported with validation failures; default the regex */
	const char *regex;
	bool must_match;   /* false: must NOT match */
	bool caseless;
	struct campaign_where where;
};

/* ${...} variables a template uses; substituted per request */
enum campaign_variable {
	CAMPAIGN_VAR_SEQ = 1u << 0,   /* ${seq}: request number on this lcore */
	CAMPAIGN_VAR_RAND = 1u << 1,  /* ${rand}: 32-bit random number, decimal */
	CAMPAIGN_VAR_CONN = 1u << 2,  /* ${conn}: connection index */
	CAMPAIGN_VAR_LCORE = 1u << 3, /* ${lcore}: worker lcore id */
};

struct campaign_request {
	const char *name;
	const char *method;  /* default GET */
	const char *path;    /* origin form, starts with '/' */
	struct campaign_header *headers;
	size_t n_headers;
	const uint8_t *body; /* inline `body:` or the contents of `body_file:` */
	size_t body_len;
	const char *body_file; /* as written, NULL for inline bodies */
	unsigned weight;       /* default 1 */
	size_t target;         /* index in targets[]; default 0 */
	uint32_t max_head_bytes; /* response status line + headers at most; default 16 KiB */
	unsigned variables;    /* enum campaign_variable bits used anywhere */
	uint32_t status_classes; /* expected statuses; default 2xx|3xx */
	struct campaign_pattern *patterns;
	size_t n_patterns;
	struct campaign_where where;
};

/* ---- phases ---- */

enum campaign_load_model {
	CAMPAIGN_LOAD_CONNECTIONS, /* closed loop: level = open connections */
	CAMPAIGN_LOAD_RATE,        /* open loop: level = requests per second */
	CAMPAIGN_LOAD_CPS,         /* level = new connections per second */
	CAMPAIGN_LOAD_IDLE,        /* no load (a pause, a recovery window) */
	CAMPAIGN_LOAD_STEPS,       /* shorthand, see steps below */
};

/* A level held constant (from == to) or ramped linearly over the phase. */
struct campaign_level {
	double from, to;
};

/* for i in from..to step step: i for hold, then pause (between steps) */
struct campaign_steps {
	enum campaign_load_model model; /* CONNECTIONS, RATE or CPS */
	double from, to, step;          /* step > 0; downward when from > to */
	uint64_t hold_us;
	uint64_t pause_us;              /* 0: no pause phases */
};

/* one entry of a phase's request mix */
struct campaign_mix {
	size_t request; /* index in requests[] */
	unsigned weight;
};

struct campaign_phase {
	const char *name;
	uint64_t duration_us; /* for STEPS: the sum of holds and pauses */
	enum campaign_load_model model;
	struct campaign_level level;        /* CONNECTIONS, RATE, CPS */
	unsigned pipeline;                  /* CONNECTIONS: requests in flight per connection, default 1 */
	uint64_t think_us;                  /* CONNECTIONS: wait after a response, default 0 */
	unsigned requests_per_connection;   /* CPS: default 1; 0 = keep-alive forever */
	unsigned max_connections;           /* RATE, CPS: open at once at most; 0 = default */
	struct campaign_steps steps;        /* STEPS */
	struct campaign_mix *mix;           /* every request with its weight when not given */
	size_t n_mix;
	bool has_expect;
	struct campaign_expect expect;      /* applies to this phase only */
	const char *step_of;                /* expanded phases: the name of the steps phase */
	struct campaign_where where;
};

/* ---- output ---- */

enum campaign_format {
	CAMPAIGN_FORMAT_JSON = 1u << 0, /* report.json (always written) */
	CAMPAIGN_FORMAT_HTML = 1u << 1, /* report.html */
	CAMPAIGN_FORMAT_PROM = 1u << 2, /* metrics.prom */
	CAMPAIGN_FORMAT_CSV = 1u << 3,  /* per-second time series */
};

struct campaign_output {
	const char *folder; /* default "results" */
	unsigned formats;   /* enum campaign_format bits; JSON always set */
	const char *metrics_listen; /* live Prometheus endpoint "ADDR:PORT"; NULL: none */
};

/* `shard: I/N`: this generator runs part I of N of every level and of the
 * local addresses or ports; count 0 when not given (the whole campaign). */
struct campaign_shard {
	uint32_t index, count;
	struct campaign_where where;
};

/* ---- role ---- */

/* What this drench does: send load (targets, requests, phases, expect), or
 * answer it with the built-in responder (the responder section). */
enum campaign_role {
	CAMPAIGN_ROLE_CLIENT,
	CAMPAIGN_ROLE_RESPONDER,
};

/* The built-in responder: every request gets the same templated response. */
struct campaign_responder {
	uint16_t port;               /* listening TCP port, default 80 */
	uint16_t status;             /* 200..599, default 200 */
	uint64_t body_size;          /* body bytes per response, default 1 */
	bool chunked;                /* Transfer-Encoding: chunked instead of Content-Length */
	uint32_t keepalive_requests; /* answer N per connection then close; 0 = no limit */
	uint64_t delay_us;           /* answer each request this long after it arrived */
	uint32_t max_connections;    /* connection table capacity, default 65536 */
	uint16_t queues;             /* queue pairs the one lcore polls, default 1 */
	bool time_wait_reset;        /* default true: RST after closing first */
	uint64_t duration_us;        /* 0: until Ctrl-C */
	bool has_ip6;                /* local_ip6 given: ND and ping6 there, no TCP yet */
	struct in6_addr local_ip6;
	uint8_t prefix6;             /* default 64 */
	struct campaign_where where;
};

struct campaign {
	const char *file; /* the campaign path as given */
	const char *name; /* `name:`, default the file name without .yaml */
	enum campaign_role role;
	struct campaign_rig rig;
	/* role responder: targets, requests, phases and expect are empty */
	struct campaign_responder responder;
	struct campaign_target *targets;
	size_t n_targets;
	struct campaign_request *requests;
	size_t n_requests;
	struct campaign_phase *phases;
	size_t n_phases;
	uint64_t total_duration_us; /* responder: its duration, 0 until Ctrl-C */
	bool has_expect;
	struct campaign_expect expect; /* for the whole campaign */
	bool has_telemetry;            /* a `telemetry:` section was given */
	/* that section parsed by config_parse_telemetry(); NULL when absent, or
	 * when this build has no telemetry section parser (accepted, ignored) */
	struct telemetry_config *telemetry;
	struct campaign_output output;
	struct campaign_shard shard;
	struct campaign_arena *arena;
};
