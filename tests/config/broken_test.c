/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The broken-file table: each campaign under broken/ (or ok.yaml with bad
 * overrides) and the exact error lines `drench check` must print for it, all
 * of them, in order. The machine is described, not probed: 2 CPUs on NUMA
 * node 0, and a NIC 0000:03:00.0 on node 1.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "campaign.h"
#include "test-paths.h"

#define MAX_LINES 16
#define MAX_SETS 4

struct row {
	int line;
	const char *file;
	const char *sets[MAX_SETS];
	const char *errors[MAX_LINES];
};

#define DUR "(expected a number with unit us, ms, s, m, h)"
#define SHARD "(expected I/N, this generator's index from 0 to N-1 of N (at most 1024), such as 0/4)"
#define CLIENT_ONLY "(expected role: client for targets, requests, phases, expect and telemetry)"

static const struct row table[] = {
	{__LINE__, "broken/unknown-key.yaml", {NULL}, {
		"broken/unknown-key.yaml:12:5: phases[0].duration: missing required key " DUR,
		"broken/unknown-key.yaml:13:5: phases[0].durration: unknown key, did you mean "
		"\"duration\"? (expected one of: name, duration, connections, rate, cps, idle, "
		"steps, pipeline, think, requests_per_connection, max_connections, requests, expect)",
	}},
	{__LINE__, "broken/missing-key.yaml", {NULL}, {
		"broken/missing-key.yaml:6:5: targets[0].address: missing required key (expected "
		"an IPv4 address such as 198.18.0.1)",
	}},
	{__LINE__, "broken/wrong-type.yaml", {NULL}, {
		"broken/wrong-type.yaml:12:3: phases: wrong type, got a mapping (expected a list)",
	}},
	{__LINE__, "broken/bad-units.yaml", {NULL}, {
		"broken/bad-units.yaml:11:15: requests[0].max_head: bad size \"64kb\" (expected a "
		"size such as 512, 64KiB, 1MiB, 512MB, from 256 to 1048576 bytes)",
		"broken/bad-units.yaml:14:15: phases[0].duration: bad duration \"10x\" " DUR,
		"broken/bad-units.yaml:15:11: phases[0].rate: bad rate \"fast\" (expected requests "
		"per second such as 500 or 10k)",
		"broken/bad-units.yaml:18:25: phases[1].cps.to: bad rate \"100Mbps\" (expected "
		"connections per second such as 500 or 10k)",
		"broken/bad-units.yaml:20:18: expect.latency.p99: bad duration \"5 ms\" " DUR,
		"broken/bad-units.yaml:21:20: expect.max_error_ratio: bad percentage \"5\" "
		"(expected a percentage from 0% to 100% such as 5%)",
		"broken/bad-units.yaml:22:8: expect.p99: p99 is also given in latency (expected "
		"each percentile once)",
	}},
	{__LINE__, "broken/two-models.yaml", {NULL}, {
		"broken/two-models.yaml:15:5: phases[0].rate: two load models, connections and rate "
		"(expected exactly one of connections, rate, cps, idle or steps)",
	}},
	{__LINE__, "broken/no-model.yaml", {NULL}, {
		"broken/no-model.yaml:12:5: phases[0]: no load model (expected exactly one of "
		"connections, rate, cps, idle or steps)",
	}},
	{__LINE__, "broken/syntax-error.yaml", {NULL}, {
		"broken/syntax-error.yaml:14:16: YAML syntax error: did not find expected ',' or "
		"']' while parsing a flow sequence at line 13, column 15",
	}},
	{__LINE__, "broken/bad-regex.yaml", {NULL}, {
		"broken/bad-regex.yaml:14:20: requests[0].expect.body.must_not[0]: bad regex "
		"\"error(\": Missing close parenthesis for group started at index 5. (expected a "
		"regular expression hyperscan accepts)",
	}},
	{__LINE__, "broken/too-many-lcores.yaml", {NULL}, {
		"broken/too-many-lcores.yaml:3:21: rig.lcores.workers: 4 lcores requested but this "
		"machine has 2 (expected at most 2 lcores, ids 0 to 1 on this machine)",
	}},
	{__LINE__, "broken/lcore-missing.yaml", {NULL}, {
		"broken/lcore-missing.yaml:3:25: rig.lcores.workers[1]: lcore 7 does not exist "
		"(expected at most 2 lcores, ids 0 to 1 on this machine)",
	}},
	{__LINE__, "broken/remote-numa.yaml", {NULL}, {
		"broken/remote-numa.yaml:2:11: rig.ports[0]: NIC 0000:03:00.0 is on NUMA socket 1, "
		"worker lcores elsewhere: 1 (expected worker lcores on socket 1, or "
		"allow_remote_numa: true)",
	}},
	{__LINE__, "broken/three-mistakes.yaml", {NULL}, {
		"broken/three-mistakes.yaml:7:14: targets[0].address: bad IPv4 address "
		"\"198.18.0.300\" (expected an IPv4 address such as 198.18.0.2)",
		"broken/three-mistakes.yaml:10:11: requests[0].path: bad path \"64b\" (expected a "
		"path starting with / without spaces)",
		"broken/three-mistakes.yaml:14:18: phases[0].connections: connections is zero "
		"(expected a level above zero, or {from, to})",
	}},
	{__LINE__, "broken/impossible.yaml", {NULL}, {
		"broken/impossible.yaml:11:13: requests[0].target: unknown target \"apache\" "
		"(expected the name of a target)",
		"broken/impossible.yaml:12:15: requests[0].headers.Host: header Host is set by "
		"drench (expected a header drench does not set itself; Host comes from "
		"targets[].host)",
		"broken/impossible.yaml:12:41: requests[0].headers.X-Run: unknown variable ${run} "
		"(expected one of: ${seq}, ${rand}, ${conn}, ${lcore})",
		"broken/impossible.yaml:16:18: phases[0].connections: 100000 connections need 2 "
		"local addresses, the rig has 1 (expected at most 64512 connections, or more "
		"rig.local_ips)",
		"broken/impossible.yaml:20:15: phases[1].pipeline: pipeline applies to the "
		"connections model only (expected connections in this phase)",
		"broken/impossible.yaml:21:12: phases[1].think: think applies to the "
		"connections model only (expected connections in this phase)",
		"broken/impossible.yaml:22:23: phases[1].requests[1]: unknown request \"large\" "
		"(expected the name of a request)",
		"broken/impossible.yaml:23:11: phases[2].name: phase \"warm\" is defined twice "
		"(expected a name used once)",
		"broken/impossible.yaml:24:15: phases[2].duration: a steps phase takes its duration "
		"from its steps (expected steps.hold and steps.pause)",
		"broken/impossible.yaml:25:38: phases[2].steps.step: step is zero (expected a step "
		"above zero)",
	}},
	/* a target's endpoint must name a request: checked against the requests section */
	{__LINE__, "broken/telemetry-endpoint.yaml", {NULL}, {
		"broken/telemetry-endpoint.yaml:13:59: telemetry.targets[0].endpoint: unknown "
		"request \"mapp\" (expected the name of a request)",
	}},
	/* overrides are checked like the file, at their position in the argument */
	{__LINE__, "ok.yaml", {"phases.*.duration=10x", "rig.lcores.workers=[1, 9]",
			       "phases.1.steps.hold=2s", "phases.2.name=x"}, {
		"--set:1:19: phases[0].duration: bad duration \"10x\" " DUR,
		"--set:2:24: rig.lcores.workers[1]: lcore 9 does not exist (expected at most 2 "
		"lcores, ids 0 to 1 on this machine)",
		"--set:4:1: override \"phases.2.name=x\": index past the end of the list (expected "
		"KEY.PATH=VALUE selecting existing items)",
	}},
	/* local address ranges: in order, and sharing no address with another */
	{__LINE__, "ok.yaml", {"rig.local_ips=[198.18.0.9-198.18.0.2]"}, {
		"--set:1:16: rig.local_ips[0]: range starts at 198.18.0.9, after its last address "
		"198.18.0.2 (expected the first address at or before the last)",
	}},
	{__LINE__, "ok.yaml",
	 {"rig.local_ips=[198.18.0.2-198.18.0.9, 198.18.0.20/30, \"198.18.0.8\"]"}, {
		"--set:1:55: rig.local_ips[2]: overlaps local_ips[0] (expected ranges that share "
		"no address)",
	}},
	{__LINE__, "ok.yaml", {"rig.local_ips=[198.18.0.20/30, 198.18.0.16/28]"}, {
		"--set:1:32: rig.local_ips[1]: overlaps local_ips[0] (expected ranges that share "
		"no address)",
	}},
	/* one IPv6 entry beside the IPv4 ranges: no range, no second one, no mixing */
	{__LINE__, "ok.yaml", {"rig.local_ips=[198.18.0.2, fd00::2/64, fd00::3/64]"}, {
		"--set:1:40: rig.local_ips[2]: a second IPv6 entry \"fd00::3/64\" (expected one "
		"IPv6 address with its prefix, fd00::2/64)",
	}},
	{__LINE__, "ok.yaml", {"rig.local_ips=[198.18.0.2, fd00::2-198.18.0.9]"}, {
		"--set:1:28: rig.local_ips[1]: bad IPv6 entry \"fd00::2-198.18.0.9\" (expected one "
		"IPv6 address with its prefix, fd00::2/64)",
	}},
	{__LINE__, "ok.yaml", {"rig.local_ips=[198.18.0.2, fd00::2/129]", "rig.gateway6=fd00::zz"}, {
		"--set:1:28: rig.local_ips[1]: bad IPv6 entry \"fd00::2/129\" (expected one IPv6 "
		"address with its prefix, fd00::2/64)",
		"--set:2:14: rig.gateway6: bad IPv6 address \"fd00::zz\" (expected an IPv6 address)",
	}},
	/* every port needs a worker lcore of its own */
	{__LINE__, "ok.yaml", {"rig.ports=[\"net_memif0\", \"net_memif1\"]"}, {
		"--set:1:11: rig.ports: 2 ports but 1 worker lcore (expected at most as many ports "
		"as worker lcores, one lcore polls one port)",
	}},
	/* role: responder: the client's sections are refused where they stand */
	{__LINE__, "broken/responder-client-sections.yaml", {NULL}, {
		"broken/responder-client-sections.yaml:8:1: targets: not part of a responder "
		"campaign " CLIENT_ONLY,
		"broken/responder-client-sections.yaml:10:1: requests: not part of a responder "
		"campaign " CLIENT_ONLY,
		"broken/responder-client-sections.yaml:12:1: phases: not part of a responder "
		"campaign " CLIENT_ONLY,
		"broken/responder-client-sections.yaml:14:1: expect: not part of a responder "
		"campaign " CLIENT_ONLY,
		"broken/responder-client-sections.yaml:15:1: telemetry: not part of a responder "
		"campaign " CLIENT_ONLY,
		"broken/responder-client-sections.yaml:17:19: output.formats[1]: the responder "
		"writes report.json only, not html (expected json)",
		"broken/responder-client-sections.yaml:18:19: output.metrics_listen: the responder "
		"serves no live metrics (expected no metrics_listen)",
	}},
	{__LINE__, "broken/responder-values.yaml", {NULL}, {
		"broken/responder-values.yaml:8:9: responder.port: 0 is out of range (expected a "
		"whole number from 1 to 65535)",
		"broken/responder-values.yaml:9:11: responder.status: 99 is out of range (expected "
		"a whole number from 200 to 599)",
		"broken/responder-values.yaml:10:14: responder.body_size: size 1GiB is out of range "
		"(expected a size such as 512, 64KiB, 1MiB, 512MB, from 0 to 67108864 bytes)",
		"broken/responder-values.yaml:11:12: responder.chunked: bad boolean \"maybe\" "
		"(expected true or false)",
		"broken/responder-values.yaml:12:23: responder.keepalive_requests: -1 is out of "
		"range (expected a whole number from 0 to 4294967295)",
		"broken/responder-values.yaml:13:10: responder.delay: bad duration \"5\" " DUR,
		"broken/responder-values.yaml:14:20: responder.max_connections: 0 is out of range "
		"(expected a whole number, optionally with k, M or G, from 1 to 16777216)",
		"broken/responder-values.yaml:15:14: responder.time_wait: unknown value \"never\" "
		"(expected one of: 2msl, reset)",
		"broken/responder-values.yaml:16:13: responder.duration: duration \"0s\" is too "
		"short (expected at least 1ms)",
		"broken/responder-values.yaml:17:14: responder.local_ip6: bad IPv6 address "
		"\"fd00::zz/64\" (expected an IPv6 address with an optional prefix length, such as "
		"fd00::2/64)",
		"broken/responder-values.yaml:18:3: responder.listen: unknown key (expected one of: "
		"port, status, body_size, chunked, keepalive_requests, delay, max_connections, "
		"queues, time_wait, duration, local_ip6)",
	}},
	{__LINE__, "broken/responder-rig.yaml", {NULL}, {
		"broken/responder-rig.yaml:4:10: rig.ports: a responder serves one port, not 2 "
		"(expected one port)",
		"broken/responder-rig.yaml:5:21: rig.lcores.workers: a responder polls on one "
		"lcore, not 2 (expected one worker lcore)",
		"broken/responder-rig.yaml:6:14: rig.local_ips: a responder listens on one "
		"address, not 4 (expected one address)",
		"broken/responder-rig.yaml:9:14: responder.time_wait: time_wait is also given in "
		"rig.time_wait (expected time_wait in one place)",
	}},
	{__LINE__, "broken/client-with-responder.yaml", {NULL}, {
		"broken/client-with-responder.yaml:12:1: responder: not part of a client campaign "
		"(expected role: responder)",
	}},
	{__LINE__, "broken/bad-role.yaml", {NULL}, {
		"broken/bad-role.yaml:2:7: role: unknown value \"server\" (expected one of: "
		"client, responder)",
	}},
	/* a client campaign turned responder by an override: every client part named */
	{__LINE__, "ok.yaml", {"role=responder"}, {
		"ok.yaml:4:37: rig.lcores.telemetry: a responder has no telemetry lcore: its "
		"worker prints the line per second (expected lcores.workers only)",
		"ok.yaml:5:14: rig.local_ips: a responder listens on one address, not 4 (expected "
		"one address)",
		"ok.yaml:6:1: targets: not part of a responder campaign " CLIENT_ONLY,
		"ok.yaml:9:1: requests: not part of a responder campaign " CLIENT_ONLY,
		"ok.yaml:15:1: phases: not part of a responder campaign " CLIENT_ONLY,
	}},
	/* shards count from 0: the index is below the count, the count above zero */
	{__LINE__, "broken/bad-shard.yaml", {NULL}, {
		"broken/bad-shard.yaml:2:8: shard: bad shard \"2/2\" " SHARD,
	}},
	{__LINE__, "ok.yaml", {"shard=1/0"}, {"--set:1:7: shard: bad shard \"1/0\" " SHARD}},
	{__LINE__, "ok.yaml", {"shard=0/1025"}, {"--set:1:7: shard: bad shard \"0/1025\" " SHARD}},
	{__LINE__, "ok.yaml", {"shard=1-4"}, {"--set:1:7: shard: bad shard \"1-4\" " SHARD}},
	{__LINE__, "ok.yaml", {"shard=[1, 4]"}, {
		"--set:1:7: shard: wrong type, got a list (expected a string)",
	}},
	/* a responder answers what comes: it has no load to split */
	{__LINE__, "ok.yaml", {"role=responder", "shard=0/2"}, {
		"--set:2:1: shard: not part of a responder campaign (expected role: client for "
		"shard)",
		"ok.yaml:4:37: rig.lcores.telemetry: a responder has no telemetry lcore: its "
		"worker prints the line per second (expected lcores.workers only)",
		"ok.yaml:5:14: rig.local_ips: a responder listens on one address, not 4 (expected "
		"one address)",
		"ok.yaml:6:1: targets: not part of a responder campaign " CLIENT_ONLY,
		"ok.yaml:9:1: requests: not part of a responder campaign " CLIENT_ONLY,
		"ok.yaml:15:1: phases: not part of a responder campaign " CLIENT_ONLY,
	}},
	/* targets and groups: names, members, weights, and gates on one target */
	{__LINE__, "broken/targets.yaml", {NULL}, {
		"broken/targets.yaml:8:28: targets[2].members: group \"empty\" has no members "
		"(expected at least one member)",
		"broken/targets.yaml:9:31: targets[3].members[1]: unknown target \"bee\" (expected "
		"the name of a target with an address)",
		"broken/targets.yaml:10:46: targets[4].members[0].weight: weight in a round_robin "
		"group (expected balance: weighted for member weights)",
		"broken/targets.yaml:11:68: targets[5].members[0].weight: 0 is out of range "
		"(expected a whole number from 1 to 1000000)",
		"broken/targets.yaml:11:92: targets[5].members[1].weight: bad number \"1.5\" "
		"(expected a whole number from 1 to 1000000)",
		"broken/targets.yaml:12:33: targets[6].members[1]: \"rr\" is a group (groups do not "
		"nest) (expected the name of a target with an address)",
		"broken/targets.yaml:13:26: targets[7].balance: unknown value \"random\" (expected "
		"one of: round_robin, weighted)",
		"broken/targets.yaml:14:18: targets[8].address: unknown key (expected one of: name, "
		"members, balance, host)",
		"broken/targets.yaml:16:39: requests[0].target: unknown target \"pool\" (expected "
		"the name of a target)",
		"broken/targets.yaml:21:23: phases[0].expect.targets: a phase cannot gate one target "
		"(its figures are over the run) (expected targets in the campaign's expect)",
		"broken/targets.yaml:23:22: expect.targets[0].target: unknown target \"c\" (expected "
		"the name of a target)",
		"broken/targets.yaml:23:47: expect.targets[1].target: missing required key (expected "
		"the name of a target)",
		"broken/targets.yaml:23:48: expect.targets[1].name: unknown key (expected one of: "
		"target, max_error_ratio, status, latency, min_rps, p50, p90, p99, p999, max, "
		"max_port_waits)",
	}},
	{__LINE__, "broken/does-not-exist.yaml", {NULL}, {
		"broken/does-not-exist.yaml:1:1: cannot open: No such file or directory (expected "
		"a readable YAML file)",
	}},
};

static int cpu_node(unsigned cpu, void *ctx)
{
	(void)cpu;
	(void)ctx;
	return 0;
}

static int pci_node(const char *pci, void *ctx)
{
	(void)ctx;
	return strcmp(pci, "0000:03:00.0") ? -1 : 1;
}

static const struct campaign_host two_cpus = {2, cpu_node, pci_node, NULL};

static size_t count_sets(const struct row *r)
{
	size_t n = 0;
	while (n < MAX_SETS && r->sets[n])
		n++;
	return n;
}

static void every_broken_file_gives_exactly_its_errors(void **state)
{
	(void)state;
	assert_int_equal(chdir(DRENCH_SOURCE_ROOT "/tests/config"), 0);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct row *r = &table[i];
		struct config_errors e;
		struct campaign c;
		size_t want = 0;

		config_errors_init(&e);
		while (want < MAX_LINES && r->errors[want])
			want++;
		int ret = campaign_load_on(&two_cpus, r->file, r->sets, count_sets(r), &c, &e);
		for (size_t k = 0; k < e.n || k < want; k++) {
			const char *got = k < e.n ? e.v[k].text : "(nothing)";
			const char *exp = k < want ? r->errors[k] : "(nothing)";
			if (strcmp(got, exp))
				fail_msg("row at line %d, error %zu:\n got: %s\nwant: %s", r->line, k,
					 got, exp);
		}
		assert_int_equal(ret, -22);
		assert_null(c.arena); /* nothing kept, nothing to free */
		config_errors_free(&e);
	}
}

static void separate_address_ranges_load_in_order_with_their_total(void **state)
{
	(void)state;
	struct config_errors e;
	struct campaign c;
	const char *sets[] = {"rig.local_ips=[198.18.0.20/30, 198.18.0.2-198.18.0.9, "
			      "\"198.18.0.10\"]"};

	config_errors_init(&e);
	assert_int_equal(chdir(DRENCH_SOURCE_ROOT "/tests/config"), 0);
	int ret = campaign_load_on(&two_cpus, "ok.yaml", sets, 1, &c, &e);
	config_errors_print(&e, stderr);
	assert_int_equal(ret, 0);
	assert_int_equal(c.rig.n_local_ips, 3);
	assert_int_equal(c.rig.n_local_addresses, 4 + 8 + 1);
	/* adjacent but not overlapping: 198.18.0.9 then 198.18.0.10 */
	assert_int_equal(ntohl(c.rig.local_ips[2].first.s_addr), 0xc612000a);
	assert_int_equal(ntohl(c.rig.local_ips[0].last.s_addr), 0xc6120017);
	campaign_free(&c);
	config_errors_free(&e);
}

/* Two sockets: CPUs 0-1 on node 0, 2-3 on node 1; a NIC on each. */
static int cpu_node_two_sockets(unsigned cpu, void *ctx)
{
	(void)ctx;
	return cpu >= 2;
}

static int pci_node_two_sockets(const char *pci, void *ctx)
{
	(void)ctx;
	return !strcmp(pci, "0000:03:00.0") ? 0 : !strcmp(pci, "0000:83:00.0") ? 1 : -1;
}

static const struct campaign_host two_sockets = {4, cpu_node_two_sockets,
						 pci_node_two_sockets, NULL};

/* errors of ok.yaml with sets on the two-socket host, in one string */
static int load_two_sockets(const char *ports, const char *lcores, char *got, size_t len)
{
	const char *sets[] = {ports, lcores};
	struct config_errors e;
	struct campaign c;
	size_t used = 0;

	config_errors_init(&e);
	int ret = campaign_load_on(&two_sockets, "ok.yaml", sets, 2, &c, &e);
	got[0] = '\0';
	for (size_t k = 0; k < e.n && used < len; k++)
		used += (size_t)snprintf(got + used, len - used, "%s\n", e.v[k].text);
	if (ret == 0)
		campaign_free(&c);
	config_errors_free(&e);
	return ret;
}

/* Each port is held to the lcores that will poll it: its block of the
 * workers in ascending lcore order, not every worker. */
static void two_ports_are_checked_against_their_own_lcores(void **state)
{
	char got[1024];

	(void)state;
	assert_int_equal(chdir(DRENCH_SOURCE_ROOT "/tests/config"), 0);
	/* port 0 (node 0) gets lcore 1, port 1 (node 1) gets lcores 2 and 3 */
	assert_int_equal(load_two_sockets("rig.ports=[\"0000:03:00.0\", \"0000:83:00.0\"]",
					  "rig.lcores.workers=[3, 1, 2]", got, sizeof(got)), 0);
	/* the other way round, each port's lcores are on the other socket */
	assert_int_equal(load_two_sockets("rig.ports=[\"0000:83:00.0\", \"0000:03:00.0\"]",
					  "rig.lcores.workers=[1, 2]", got, sizeof(got)), -22);
	assert_string_equal(got,
		"--set:1:12: rig.ports[0]: NIC 0000:83:00.0 is on NUMA socket 1, worker lcores "
		"elsewhere: 1 (expected worker lcores on socket 1, or allow_remote_numa: true)\n"
		"--set:1:28: rig.ports[1]: NIC 0000:03:00.0 is on NUMA socket 0, worker lcores "
		"elsewhere: 2 (expected worker lcores on socket 0, or allow_remote_numa: true)\n");
}

static void the_valid_file_loads_with_its_steps_expanded(void **state)
{
	(void)state;
	struct config_errors e;
	struct campaign c;

	config_errors_init(&e);
	assert_int_equal(chdir(DRENCH_SOURCE_ROOT "/tests/config"), 0);
	int ret = campaign_load_on(&two_cpus, "ok.yaml", NULL, 0, &c, &e);
	config_errors_print(&e, stderr);
	assert_int_equal(ret, 0);
	assert_int_equal(c.n_phases, 1 + 5); /* warm, ramp-1000, pause, ramp-2000, pause, ramp-3000 */
	assert_string_equal(c.phases[5].name, "ramp-3000");
	assert_int_equal(c.phases[5].model, CAMPAIGN_LOAD_RATE);
	assert_true(c.phases[5].level.from == 3000);
	assert_int_equal(c.total_duration_us, (10 + 3 * 5 + 2 * 1) * 1000000ULL);
	assert_int_equal(c.rig.n_local_addresses, 4);
	assert_int_equal(c.phases[0].n_mix, 2);
	assert_int_equal(c.phases[0].mix[1].weight, 3);
	assert_int_equal(c.requests[1].max_head_bytes, 16384);
	assert_string_equal(c.targets[0].host, "198.18.0.1");
	campaign_free(&c);

	/* Host carries the port when it is not 80 */
	const char *sets[] = {"targets.0.port=8080"};
	assert_int_equal(campaign_load_on(&two_cpus, "ok.yaml", sets, 1, &c, &e), 0);
	assert_int_equal(c.targets[0].port, 8080);
	assert_string_equal(c.targets[0].host, "198.18.0.1:8080");
	campaign_free(&c);

	/* expect: {p99: 5ms} is latency: {p99: 5ms} */
	const char *gates[] = {"phases.0.expect={p99: 5ms, latency: {p50: 1ms}}"};
	assert_int_equal(campaign_load_on(&two_cpus, "ok.yaml", gates, 1, &c, &e), 0);
	assert_true(c.phases[0].has_expect);
	assert_int_equal(c.phases[0].expect.latency_max_us[CAMPAIGN_P99], 5000);
	assert_int_equal(c.phases[0].expect.latency_max_us[CAMPAIGN_P50], 1000);
	assert_int_equal(c.phases[0].expect.latency_max_us[CAMPAIGN_P90], 0);
	assert_false(c.phases[0].expect.has_max_port_waits);
	assert_int_equal(c.rig.time_wait, CAMPAIGN_TW_REUSE); /* the default */
	campaign_free(&c);

	const char *ports[] = {"phases.0.expect={max_port_waits: 0}", "rig.time_wait=2msl"};
	assert_int_equal(campaign_load_on(&two_cpus, "ok.yaml", ports, 2, &c, &e), 0);
	assert_true(c.phases[0].expect.has_max_port_waits);
	assert_int_equal(c.phases[0].expect.max_port_waits, 0);
	assert_int_equal(c.rig.time_wait, CAMPAIGN_TW_2MSL);
	campaign_free(&c);
	config_errors_free(&e);
}

static void a_responder_campaign_loads_with_its_defaults_and_values(void **state)
{
	(void)state;
	struct config_errors e;
	struct campaign c;

	config_errors_init(&e);
	assert_int_equal(chdir(DRENCH_SOURCE_ROOT "/tests/config"), 0);
	int ret = campaign_load_on(&two_cpus, "responder.yaml", NULL, 0, &c, &e);
	config_errors_print(&e, stderr);
	assert_int_equal(ret, 0);
	assert_int_equal(c.role, CAMPAIGN_ROLE_RESPONDER);
	assert_int_equal(c.n_targets + c.n_requests + c.n_phases, 0);
	assert_int_equal(c.responder.port, 80);
	assert_int_equal(c.responder.status, 200);
	assert_int_equal(c.responder.body_size, 1);
	assert_false(c.responder.chunked);
	assert_int_equal(c.responder.keepalive_requests, 0);
	assert_int_equal(c.responder.max_connections, 65536);
	assert_true(c.responder.time_wait_reset);
	assert_int_equal(c.responder.duration_us, 0);
	assert_int_equal(c.total_duration_us, 0);
	assert_string_equal(c.output.folder, "results");
	campaign_free(&c);

	const char *sets[] = {"responder={port: 8080, status: 503, body_size: 4KiB, chunked: "
			      "true, keepalive_requests: 10, delay: 2ms, max_connections: 1M, "
			      "duration: 1m}"};
	assert_int_equal(campaign_load_on(&two_cpus, "responder.yaml", sets, 1, &c, &e), 0);
	assert_int_equal(c.responder.port, 8080);
	assert_int_equal(c.responder.status, 503);
	assert_int_equal(c.responder.body_size, 4096);
	assert_true(c.responder.chunked);
	assert_int_equal(c.responder.keepalive_requests, 10);
	assert_int_equal(c.responder.delay_us, 2000);
	assert_int_equal(c.responder.max_connections, 1000000);
	assert_int_equal(c.responder.duration_us, 60000000);
	assert_int_equal(c.total_duration_us, 60000000);
	campaign_free(&c);

	/* time_wait: the responder's own, else the rig's (shared), else reset */
	const char *rig_tw[] = {"rig.time_wait=2msl"};
	assert_int_equal(campaign_load_on(&two_cpus, "responder.yaml", rig_tw, 1, &c, &e), 0);
	assert_false(c.responder.time_wait_reset);
	campaign_free(&c);
	const char *own_tw[] = {"responder.time_wait=2msl"};
	assert_int_equal(campaign_load_on(&two_cpus, "responder.yaml", own_tw, 1, &c, &e), 0);
	assert_false(c.responder.time_wait_reset);
	campaign_free(&c);

	/* a client campaign says so, written or not */
	assert_int_equal(campaign_load_on(&two_cpus, "ok.yaml", NULL, 0, &c, &e), 0);
	assert_int_equal(c.role, CAMPAIGN_ROLE_CLIENT);
	campaign_free(&c);
	assert_int_equal(config_errors_count(&e), 0);
	config_errors_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_broken_file_gives_exactly_its_errors),
		cmocka_unit_test(the_valid_file_loads_with_its_steps_expanded),
		cmocka_unit_test(separate_address_ranges_load_in_order_with_their_total),
		cmocka_unit_test(two_ports_are_checked_against_their_own_lcores),
		cmocka_unit_test(a_responder_campaign_loads_with_its_defaults_and_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
