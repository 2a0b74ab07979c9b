/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench check CAMPAIGN.yaml [--set KEY.PATH=VALUE ...]
 *
 * Validate a campaign and start nothing: every error goes to stderr and the
 * exit code is 2; a valid campaign prints a summary of what would run (phases
 * after steps expansion, their load and the total duration; for role:
 * responder, what it listens on and answers) and exits 0.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#ifdef DRENCH_HAVE_DPDK
#include "plan-campaign.h"
#endif
#include "campaign.h"
#include "config-errors.h"
#include "plan-ports.h"
#include "units.h"

#define MAX_SETS 256

static void check_usage(FILE *f)
{
	fprintf(f, "usage: drench check CAMPAIGN.yaml [--set KEY.PATH=VALUE ...]\n"
		   "  --set phases.*.duration=3s   override a value (* = every item)\n");
}

static const char *level_text(const struct campaign_phase *p, char *buf, size_t len)
{
	const char *unit = campaign_model_unit(p->model);

	if (p->model == CAMPAIGN_LOAD_IDLE)
		snprintf(buf, len, "idle");
	else if (p->level.from == p->level.to)
		snprintf(buf, len, "%g %s", p->level.from, unit);
	else
		snprintf(buf, len, "%g -> %g %s", p->level.from, p->level.to, unit);
	return buf;
}

static void print_options(const struct campaign_phase *p)
{
	if (p->model == CAMPAIGN_LOAD_CONNECTIONS && p->pipeline > 1)
		printf(", pipeline %u", p->pipeline);
	if (p->model == CAMPAIGN_LOAD_CONNECTIONS && p->think_us > 0)
		printf(", think %.3g s", (double)p->think_us / 1e6);
	if (p->model == CAMPAIGN_LOAD_CPS) {
		if (p->requests_per_connection)
			printf(", %u request%s per connection", p->requests_per_connection,
			       p->requests_per_connection == 1 ? "" : "s");
		else
			printf(", keep-alive");
	}
}

static void print_phases(const struct campaign *c)
{
	char dur[32], lvl[96];

	printf("phases:\n");
	for (size_t i = 0; i < c->n_phases; i++) {
		const struct campaign_phase *p = &c->phases[i];
		printf("  %2zu  %-24s %8s  %s", i + 1, p->name,
		       units_format_duration(p->duration_us, dur, sizeof(dur)),
		       level_text(p, lvl, sizeof(lvl)));
		print_options(p);
		if (p->model != CAMPAIGN_LOAD_IDLE && p->n_mix < c->n_requests) {
			printf(", requests");
			for (size_t k = 0; k < p->n_mix; k++)
				printf("%s%s", k ? "," : " ", c->requests[p->mix[k].request].name);
		}
		printf("%s\n", p->has_expect ? ", with expectations" : "");
	}
}

/* What `drench run` would refuse on top of the schema (one target per run,
 * request templates, body patterns): the same plan is built, nothing
 * started. A responder campaign the loader accepted runs as it is. */
static bool generator_accepts(struct campaign *c)
{
#ifdef DRENCH_HAVE_DPDK
	static struct plan plan;
	struct run_opts o = {.output = "drench-out"};

	if (c->role == CAMPAIGN_ROLE_RESPONDER)
		return true;
	int rc = plan_from_campaign(c, &o, &plan);
	plan_free(&plan);
	return rc == 0;
#else
	(void)c;
	return true;
#endif
}

static int by_id(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* "  port NAME -> lcores 1,2": the lcores drench run polls each port with */
static void print_port_lcores(const struct campaign_rig *rig)
{
	unsigned sorted[64];
	size_t n = rig->n_worker_lcores;

	if (rig->n_ports < 2 || n < rig->n_ports || n > 64)
		return;
	memcpy(sorted, rig->worker_lcores, n * sizeof(sorted[0]));
	qsort(sorted, n, sizeof(sorted[0]), by_id);
	for (uint16_t k = 0; k < rig->n_ports; k++) {
		struct plan_port_span s;
		plan_port_span((uint16_t)n, (uint16_t)rig->n_ports, k, 0, 0, &s);
		printf("  port %s (socket %d) -> lcore%s", rig->ports[k].name,
		       rig->ports[k].numa_node, s.n_workers == 1 ? "" : "s");
		for (uint16_t i = 0; i < s.n_workers; i++)
			printf("%s%u", i ? "," : " ", sorted[s.first_worker + i]);
		printf("\n");
	}
}

/* "target a: 198.18.0.1:80, Host 198.18.0.1", or a group:
 * "target pool: weighted 3 x a + 1 x b, Host 198.18.0.1" */
static void print_target(const struct campaign *c, const struct campaign_target *t)
{
	char addr[INET_ADDRSTRLEN];

	if (t->n_members == 0) {
		inet_ntop(AF_INET, &t->address, addr, sizeof(addr));
		printf("target %s: %s:%u, Host %s\n", t->name, addr, t->port, t->host);
		return;
	}
	printf("target %s: %s", t->name,
	       t->balance == CAMPAIGN_BALANCE_WEIGHTED ? "weighted" : "round robin over");
	for (size_t m = 0; m < t->n_members; m++) {
		if (t->balance == CAMPAIGN_BALANCE_WEIGHTED)
			printf("%s %u x %s", m ? " +" : "", t->members[m].weight,
			       c->targets[t->members[m].target].name);
		else
			printf("%s %s", m ? "," : "", c->targets[t->members[m].target].name);
	}
	printf(", Host %s\n", t->host);
}

static void print_rig(const struct campaign_rig *rig)
{
	printf("rig: %zu port%s (%s%s), worker lcores", rig->n_ports, rig->n_ports == 1 ? "" : "s",
	       rig->ports[0].name, rig->n_ports > 1 ? ", ..." : "");
	for (size_t i = 0; i < rig->n_worker_lcores; i++)
		printf("%s%u", i ? "," : " ", rig->worker_lcores[i]);
	printf(", %u local address%s, MTU %u\n", rig->n_local_addresses,
	       rig->n_local_addresses == 1 ? "" : "es", rig->mtu);
	print_port_lcores(rig);
}

static void print_responder(const struct campaign *c)
{
	const struct campaign_responder *r = &c->responder;
	char dur[32], addr[INET_ADDRSTRLEN] = "?";

	if (c->rig.n_local_ips)
		inet_ntop(AF_INET, &c->rig.local_ips[0].first, addr, sizeof(addr));
	printf("campaign %s (%s): responder, %s%s\n", c->name, c->file,
	       r->duration_us ? "for " : "until Ctrl-C",
	       r->duration_us ? units_format_duration(r->duration_us, dur, sizeof(dur)) : "");
	print_rig(&c->rig);
	printf("responder: listens on %s:%u, answers %u with %" PRIu64 " body byte%s (%s), ",
	       addr, r->port, r->status, r->body_size, r->body_size == 1 ? "" : "s",
	       r->chunked ? "chunked" : "content-length");
	if (r->keepalive_requests)
		printf("%u request%s per connection, ", r->keepalive_requests,
		       r->keepalive_requests == 1 ? "" : "s");
	else
		printf("keep-alive unlimited, ");
	if (r->delay_us)
		printf("delay %s, ", units_format_duration(r->delay_us, dur, sizeof(dur)));
	printf("table %u connections, time_wait %s\n", r->max_connections,
	       r->time_wait_reset ? "reset" : "2msl");
	printf("output: %s/report.json\n", c->output.folder);
}

static void print_summary(const struct campaign *c)
{
	char dur[32];

	if (c->role == CAMPAIGN_ROLE_RESPONDER) {
		print_responder(c);
		return;
	}
	printf("campaign %s (%s): %zu phases, %s\n", c->name, c->file, c->n_phases,
	       units_format_duration(c->total_duration_us, dur, sizeof(dur)));
	print_rig(&c->rig);
	for (size_t i = 0; i < c->n_targets; i++)
		print_target(c, &c->targets[i]);
	for (size_t i = 0; i < c->n_requests; i++) {
		const struct campaign_request *r = &c->requests[i];
		printf("request %s: %s %s -> %s, weight %u, %zu body pattern%s\n", r->name, r->method,
		       r->path, c->targets[r->target].name, r->weight, r->n_patterns,
		       r->n_patterns == 1 ? "" : "s");
	}
	print_phases(c);
	printf("total %s\n", units_format_duration(c->total_duration_us, dur, sizeof(dur)));
	if (c->has_telemetry)
		printf("telemetry: %s\n", c->telemetry ? "configured"
						       : "accepted but not checked by this build");
	if (c->shard.count)
		printf("shard %u of 0-%u: this generator's part of every level\n", c->shard.index,
		       c->shard.count - 1);
	printf("output: %s\n", c->output.folder);
}

int cmd_check(int argc, char **argv)
{
	const char *sets[MAX_SETS];
	const char *path = NULL;
	size_t n_sets = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			check_usage(stdout);
			return DRENCH_EXIT_PASS;
		} else if (!strcmp(argv[i], "--set") && i + 1 < argc && n_sets < MAX_SETS) {
			sets[n_sets++] = argv[++i];
		} else if (!strncmp(argv[i], "--set=", 6) && n_sets < MAX_SETS) {
			sets[n_sets++] = argv[i] + 6;
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			fprintf(stderr, "drench check: unexpected argument '%s'\n", argv[i]);
			check_usage(stderr);
			return DRENCH_EXIT_USAGE;
		}
	}
	if (!path) {
		check_usage(stderr);
		return DRENCH_EXIT_USAGE;
	}

	struct config_errors e;
	struct campaign c;
	config_errors_init(&e);
	int r = campaign_load(path, sets, n_sets, &c, &e);
	if (r < 0) {
		config_errors_print(&e, stderr);
		if (config_errors_count(&e))
			fprintf(stderr, "drench check: %s: %zu error%s\n", path,
				config_errors_count(&e), config_errors_count(&e) == 1 ? "" : "s");
		else
			fprintf(stderr, "drench check: %s: out of memory\n", path);
		config_errors_free(&e);
		return DRENCH_EXIT_USAGE;
	}
	print_summary(&c);
	bool accepted = generator_accepts(&c);
	campaign_free(&c);
	config_errors_free(&e);
	return accepted ? DRENCH_EXIT_PASS : DRENCH_EXIT_USAGE;
}
