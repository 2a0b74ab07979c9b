/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The servers and routes of config/two-servers.yaml: each target with an
 * address that a request reaches is a server, each target a request names
 * a route, a group's route lists its members with their weights (1 each
 * for round robin), and the gates of expect.targets are named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "campaign.h"
#include "test-paths.h"
#include "plan-campaign.h"

#define TWO DRENCH_SOURCE_ROOT "/config/two-servers.yaml"

static struct plan plan;
static struct campaign campaign;

static void load(const char *const *sets, size_t n)
{
	struct run_opts o = {0};

	for (size_t i = 0; i < n; i++)
		o.overrides[i] = sets[i];
	o.n_overrides = n;
	assert_int_equal(plan_campaign_load(TWO, sets, n, &campaign), 0);
	assert_int_equal(plan_from_campaign(&campaign, &o, &plan), 0);
}

static void unload(void)
{
	plan_free(&plan);
	campaign_free(&campaign);
}

static void each_request_gets_the_route_of_its_target(void **state)
{
	(void)state;
	const struct plan_targets *t = &plan.targets;

	load(NULL, 0);
	assert_int_equal(t->n_dests, 2);
	assert_string_equal(t->dest_names[0], "nginx-a");
	assert_int_equal(t->dests[1].daddr, 0xC61200FEu);
	assert_int_equal(t->dests[1].dport, 8080);
	assert_int_equal(t->n_routes, 3);
	assert_int_equal(plan.tpls[0].route, plan_targets_route(t, "nginx-a"));
	assert_int_equal(plan.tpls[1].route, plan_targets_route(t, "nginx-b"));
	const struct client_route *pool = &t->routes[plan.tpls[2].route];
	assert_int_equal(pool->n_members, 2);
	assert_int_equal(pool->member[0], plan_targets_dest(t, "nginx-a"));
	assert_int_equal(pool->weight[0], 3);
	assert_int_equal(pool->member[1], plan_targets_dest(t, "nginx-b"));
	assert_int_equal(pool->weight[1], 1);
	assert_int_equal(t->n_gates, 2);
	assert_string_equal(t->gate_names[0], "nginx-b");
	assert_true(t->gates[0]->has_min_rps && t->gates[0]->min_rps == 100);
	/* the first server is also the one the start line names */
	assert_int_equal(plan.daddr, 0xC6120001u);
	unload();
}

static void round_robin_weighs_every_member_alike(void **state)
{
	(void)state;
	const char *sets[] = {"targets.2.balance=round_robin",
			      "targets.2.members=[nginx-b, nginx-a]"};

	load(sets, 2);
	const struct client_route *pool = &plan.targets.routes[plan.tpls[2].route];
	assert_int_equal(pool->weight[0], 1);
	assert_int_equal(pool->weight[1], 1);
	assert_int_equal(pool->member[0], plan_targets_dest(&plan.targets, "nginx-b"));
	unload();
}

static void a_target_no_request_reaches_is_no_server(void **state)
{
	(void)state;
	const char *sets[] = {"requests.2.target=nginx-a", "requests.1.target=nginx-a"};

	load(sets, 2);
	assert_int_equal(plan.targets.n_dests, 1);
	assert_int_equal(plan.targets.n_routes, 1);
	assert_int_equal(plan_targets_dest(&plan.targets, "nginx-b"), -1);
	unload();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_request_gets_the_route_of_its_target),
		cmocka_unit_test(round_robin_weighs_every_member_alike),
		cmocka_unit_test(a_target_no_request_reaches_is_no_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
