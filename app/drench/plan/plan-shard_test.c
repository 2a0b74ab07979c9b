/* SPDX-License-Identifier: BSD-3-Clause */
/* Shards: the parts of every level add up to it, and no two shards share a
 * local 4-tuple, for random campaigns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan-shard.h"

static struct plan base(uint32_t conns, double rate, uint32_t n_ips)
{
	struct plan p = {.local_ip = 0xC6120002u, .n_local_ips = n_ips,
			 .port_min = PLAN_PORT_MIN, .port_max = PLAN_PORT_MAX, .n_phases = 2,
			 .max_conns = conns, .rate_max_conns = 1000};

	p.phases[0].name = "closed";
	p.phases[0].client = (struct client_phase){.model = CLIENT_CLOSED, .from = conns,
						   .to = conns + 7};
	p.phases[1].name = "open";
	p.phases[1].client = (struct client_phase){.model = CLIENT_RATE, .from = rate,
						   .to = rate * 3, .max_conns = 101};
	return p;
}

static void shard_and_worker_parts_add_up_to_every_level(void **state)
{
	(void)state;
	srand(7);
	for (int round = 0; round < 500; round++) {
		uint32_t n = 1 + (uint32_t)rand() % 16, workers = 1 + (uint32_t)rand() % 8;
		uint32_t conns = (uint32_t)rand() % 100000;
		double rate = (double)(rand() % 1000000) / 7.0;
		double sum[2][2] = {{0}};
		for (uint32_t i = 0; i < n; i++) {
			struct plan p = base(conns, rate, 1);
			p.shard = i;
			p.n_shards = n;
			plan_apply_shard(&p);
			assert_true(p.given[0].from == conns);
			for (uint32_t k = 0; k < 2; k++) {
				bool whole = k == 0;
				for (uint32_t w = 0; w < workers; w++) {
					const struct client_phase *c = &p.phases[k].client;
					double from = plan_share(c->from, workers, w, whole);
					double to = plan_share(c->to, workers, w, whole);
					if (whole) /* whole connections, never fractions */
						assert_true(from == (double)(uint64_t)from);
					sum[k][0] += from;
					sum[k][1] += to;
				}
			}
		}
		assert_true(sum[0][0] == conns);
		assert_true(sum[0][1] == conns + 7);
		/* fractions: exact up to the rounding of n additions */
		assert_true(fabs(sum[1][0] - rate) <= 1e-9 * (rate + 1));
		assert_true(fabs(sum[1][1] - rate * 3) <= 1e-9 * (rate + 1));
	}
}

/* Every (address, port) the shard's workers may take, marked in a bitmap. */
static void mark_tuples(const struct plan *p, uint8_t *seen, uint32_t n_ips)
{
	for (uint32_t a = p->local_ip; a < p->local_ip + p->n_local_ips; a++)
		for (uint32_t port = p->port_min; port <= p->port_max; port++) {
			size_t bit = (size_t)(a - 0xC6120002u) * 65536 + port;
			assert_true(a - 0xC6120002u < n_ips);
			assert_false(seen[bit / 8] & (1u << (bit % 8)));
			seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
		}
}

static void no_two_shards_share_a_local_tuple(void **state)
{
	(void)state;
	static const uint32_t ips[] = {1, 2, 3, 8, 13};
	for (size_t k = 0; k < sizeof(ips) / sizeof(ips[0]); k++) {
		for (uint32_t n = 1; n <= 9; n++) {
			uint8_t *seen = calloc((size_t)ips[k] * 65536 / 8, 1);
			uint64_t tuples = 0;
			assert_non_null(seen);
			for (uint32_t i = 0; i < n; i++) {
				struct plan p = base(10, 10, ips[k]);
				p.shard = i;
				p.n_shards = n;
				plan_apply_shard(&p);
				assert_true(p.n_local_ips >= 1);
				assert_true(p.port_min <= p.port_max);
				/* addresses when there are enough of them for each shard */
				assert_int_equal(p.shard_by_port, n > 1 && ips[k] < n);
				mark_tuples(&p, seen, ips[k]);
				tuples += (uint64_t)p.n_local_ips * (p.port_max - p.port_min + 1u);
			}
			/* and between them, the shards use all of the campaign's */
			assert_int_equal(tuples, (uint64_t)ips[k] * (PLAN_PORT_MAX - PLAN_PORT_MIN + 1));
			free(seen);
		}
	}
}

static void a_shard_report_says_what_it_was_given(void **state)
{
	(void)state;
	struct plan p = base(10, 1000, 4);
	p.shard = 1;
	p.n_shards = 3;
	plan_apply_shard(&p);
	json_t *j = plan_shard_json(&p);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "index")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 3);
	assert_string_equal(json_string_value(json_object_get(j, "split")), "addresses");
	json_t *la = json_object_get(j, "local_addresses");
	/* 4 addresses among 3: 2, 1, 1; the second shard starts at the third */
	assert_string_equal(json_string_value(json_object_get(la, "first")), "198.18.0.4");
	assert_int_equal(json_integer_value(json_object_get(la, "count")), 1);
	json_t *ph = json_array_get(json_object_get(j, "phases"), 0);
	assert_true(json_real_value(json_object_get(ph, "campaign_from")) == 10);
	assert_true(json_real_value(json_object_get(ph, "from")) == 3); /* 4, 3, 3 */
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shard_and_worker_parts_add_up_to_every_level),
		cmocka_unit_test(no_two_shards_share_a_local_tuple),
		cmocka_unit_test(a_shard_report_says_what_it_was_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
