/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A sharded plan from a real campaign (config/sharded.yaml) and from flags:
 * --shard wins over the file's shard:, each shard gets its own address and
 * its part of every level, and every shard of one campaign has one digest
 * while another campaign has another. Several ports reach the plan.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "campaign.h"
#include "test-paths.h"
#include "plan-campaign.h"
#include "plan-flags.h"
#include "plan-shard.h"

#define SHARDED DRENCH_SOURCE_ROOT "/config/sharded.yaml"

static struct plan plan;
static struct campaign campaign;

static void load(const struct run_opts *o, const char *const *sets, size_t n)
{
	struct run_opts with_sets = *o;

	assert_true(n <= sizeof(with_sets.overrides) / sizeof(with_sets.overrides[0]));
	for (size_t i = 0; i < n; i++)
		with_sets.overrides[i] = sets[i];
	with_sets.n_overrides = n;
	assert_int_equal(plan_campaign_load(SHARDED, sets, n, &campaign), 0);
	assert_int_equal(plan_from_campaign(&campaign, &with_sets, &plan), 0);
	plan_apply_shard(&plan);
}

static void unload(void)
{
	plan_free(&plan);
	campaign_free(&campaign);
}

static void the_flag_wins_over_the_files_shard(void **state)
{
	(void)state;
	struct run_opts o = {0};
	char first[65];

	load(&o, NULL, 0); /* the file says 0/2 */
	assert_int_equal(plan.shard, 0);
	assert_int_equal(plan.n_shards, 2);
	assert_int_equal(plan.local_ip, 0xC6120002u);
	assert_int_equal(plan.n_local_ips, 1);
	assert_true(plan.phases[0].client.to == 2);   /* 4 connections, halved */
	assert_true(plan.phases[1].client.to == 200); /* 400 rps, halved */
	memcpy(first, plan.campaign_digest, sizeof(first));
	unload();

	o.shard = 1;
	o.n_shards = 2;
	load(&o, NULL, 0);
	assert_int_equal(plan.shard, 1);
	assert_int_equal(plan.local_ip, 0xC6120003u); /* its own address */
	assert_false(plan.shard_by_port);
	assert_string_equal(plan.campaign_digest, first);
	unload();

	/* shard= through --set names the same campaign; another --set does not */
	const char *same[] = {"shard=1/2"}, *other[] = {"phases.1.rate=500"};
	load(&(struct run_opts){0}, same, 1);
	assert_int_equal(plan.shard, 1);
	assert_string_equal(plan.campaign_digest, first);
	unload();
	load(&(struct run_opts){0}, other, 1);
	assert_string_not_equal(plan.campaign_digest, first);
	unload();
}

static void three_flag_shards_of_64_connections_share_ports(void **state)
{
	(void)state;
	double sum = 0;
	uint32_t next_port = PLAN_PORT_MIN;

	for (uint32_t i = 0; i < 3; i++) {
		struct run_opts o = {.dev = "net_null0", .url = "http://198.18.0.1/", .lcores = "0-1",
				     .local_ip = 0xC6120002u, .n_local_ips = 1, .netmask = 0xffffff00u,
				     .connections = 64, .duration_us = 1000000, .mtu = 1500,
				     .shard = i, .n_shards = 3};
		assert_int_equal(plan_from_flags(&o, &plan), 0);
		plan_apply_shard(&plan);
		sum += plan.phases[0].client.to;
		assert_true(plan.shard_by_port); /* one address for three shards */
		assert_int_equal(plan.port_min, next_port);
		next_port = plan.port_max + 1u;
		plan_free(&plan);
	}
	assert_true(sum == 64); /* 22 + 21 + 21 */
	assert_int_equal(next_port, PLAN_PORT_MAX + 1u);
}

/* Several ports reach the plan in the order given, from the file and from
 * flags; one --dev is one port. */
static void ports_reach_the_plan_in_order(void **state)
{
	(void)state;
	const char *two[] = {"rig.ports=[\"net_memif0,socket=/run/a\", \"net_memif1,socket=/run/b\"]",
			     "rig.lcores={workers: [0, 1]}"};

	load(&(struct run_opts){0}, two, 2);
	assert_int_equal(plan.n_ports, 2);
	assert_string_equal(plan.devs[0], "net_memif0,socket=/run/a");
	assert_string_equal(plan.devs[1], "net_memif1,socket=/run/b");
	unload();

	struct run_opts o = {.url = "http://198.18.0.1/", .lcores = "0-2", .local_ip = 0xC6120002u,
			     .n_local_ips = 1, .netmask = 0xffffff00u, .connections = 8,
			     .duration_us = 1000000, .mtu = 1500,
			     .devs = {"net_memif0", "net_memif1"}, .n_devs = 2, .dev = "net_memif0"};
	assert_int_equal(plan_from_flags(&o, &plan), 0);
	assert_int_equal(plan.n_ports, 2);
	assert_string_equal(plan.devs[1], "net_memif1");
	plan_free(&plan);
	o.n_devs = 0; /* options built without the parser: the one --dev */
	assert_int_equal(plan_from_flags(&o, &plan), 0);
	assert_int_equal(plan.n_ports, 1);
	assert_string_equal(plan.devs[0], "net_memif0");
	plan_free(&plan);
}

/* An IPv6 target needs the generator's IPv6 address; the plan carries both,
 * the target's low 32 bits in daddr; a campaign's IPv6 item and gateway6
 * reach it too. */
static void an_ipv6_url_and_address_reach_the_plan(void **state)
{
	static const uint8_t target[16] = {0xfd, [15] = 1}, ours[16] = {0xfd, [15] = 2};
	(void)state;
	struct run_opts o = {.dev = "net_null0", .url = "http://[fd00::1]:8080/x", .lcores = "0-1",
			     .local_ip = 0xC6120002u, .n_local_ips = 1, .netmask = 0xffffff00u,
			     .connections = 8, .duration_us = 1000000, .mtu = 1500};
	assert_int_equal(plan_from_flags(&o, &plan), -EINVAL); /* no --local-ip6 */
	o.has_ip6 = true;
	memcpy(&o.local_ip6, ours, 16);
	o.prefix6 = 64;
	o.n_local_ips = 4; /* an IPv4 range beside: the IPv6 target's connections use fd00::2 */
	assert_int_equal(plan_from_flags(&o, &plan), 0);
	assert_int_equal(plan.n_local_ips, 1);
	assert_true(plan.target_ip6 && plan.has_ip6);
	assert_memory_equal(plan.daddr6.b, target, 16);
	assert_memory_equal(plan.local_ip6.b, ours, 16);
	assert_int_equal(plan.daddr, 1);
	assert_int_equal(plan.dport, 8080);
	assert_int_equal(plan.prefix6, 64);
	plan_free(&plan);

	const char *v6[] = {"rig.local_ips=[198.18.0.3, fd00::2/80]", "rig.gateway6=fd00::fe"};
	load(&(struct run_opts){0}, v6, 2);
	assert_true(plan.has_ip6);
	assert_false(plan.target_ip6); /* targets: are IPv4 */
	assert_memory_equal(plan.local_ip6.b, ours, 16);
	assert_int_equal(plan.prefix6, 80);
	assert_int_equal(plan.gateway6.b[15], 0xfe);
	unload();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_flag_wins_over_the_files_shard),
		cmocka_unit_test(three_flag_shards_of_64_connections_share_ports),
		cmocka_unit_test(ports_reach_the_plan_in_order),
		cmocka_unit_test(an_ipv6_url_and_address_reach_the_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
