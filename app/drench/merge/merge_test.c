/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench merge, property-tested: over random shards, the merged counts are
 * the sums and the merged percentiles those of the union of the samples;
 * the order of the reports does not matter; the gates are checked once over
 * the whole; and reports that cannot be merged are refused by name.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "expect-json.h"
#include "merge.h"
#include "phase-report.h"
#include "report-hist.h"
#include "report-series.h"
#include "report.h"
#include "hist.h"

#define MAX_N 6
#define MAX_PH 3

static const char *const paths[MAX_N] = {"a/report.json", "b/report.json", "c/report.json",
					 "d/report.json", "e/report.json", "f/report.json"};
static const char *const phase_names[MAX_PH] = {"warm", "ramp", "steady"};

static uint64_t random_latency(void)
{
	return (((uint64_t)rand() << 12) ^ (uint64_t)rand()) >> (rand() % 36);
}

static void random_phase(struct phase_stats *s, size_t k, struct hist *uni)
{
	*s = (struct phase_stats){.name = phase_names[k], .start = 1000.0 + k * 10,
				  .end = 1010.0 + k * 10, .seconds = 10};
	hist_init(&s->lat);
	hist_init(&s->lat_uncorrected);
	int n = rand() % 3000;
	for (int i = 0; i < n; i++) {
		uint64_t v = random_latency();
		hist_record(&s->lat, v);
		hist_record(&s->lat_uncorrected, v / 2);
		hist_record(uni, v);
	}
	s->c.requests = (uint64_t)n + (uint64_t)(rand() % 5);
	s->c.responses[CLIENT_2XX] = (uint64_t)n;
	s->c.err_timeout = s->c.requests - (uint64_t)n;
	s->c.conn_opened = (uint64_t)(rand() % 100);
	s->tcp.retrans_rto = (uint64_t)(rand() % 7);
	s->rps = (double)n / 10;
}

/* A shard's report as drench run writes it, the parts merge reads. */
static json_t *shard_report(int index, int count, const char *digest, size_t n_ph,
			    struct phase_stats *ph, const struct campaign_expect *top)
{
	json_t *r = report_new();
	struct series *s = series_create(64);
	bool pass = true;

	for (size_t k = 0; k < n_ph; k++) {
		json_t *o = phase_report_add(r, &ph[k], NULL, &pass);
		json_object_set_new(o, "expect", json_null());
	}
	for (int t = 1; t <= 3; t++) {
		struct series_point p = {.t = t + 0.3 * index, .requests = 10, .open_conns = 2,
					 .p50_us = 5, .p99_us = 9};
		series_add(s, &p);
	}
	json_object_set_new(r, "series", report_series_json(s, 1000.0 + index));
	json_object_set_new(r, "expect", expect_json(top));
	json_object_set_new(r, "shard", json_pack("{si si}", "index", index, "count", count));
	json_object_set_new(r, "campaign", json_pack("{ss ss}", "name", "c", "digest", digest));
	json_object_set_new(r, "interrupted", json_false());
	series_free(s);
	return r;
}

static const json_t *merged_phase(const struct merge_out *m, size_t k)
{
	return json_array_get(json_object_get(m->rep, "phases"), k);
}

static void check_phase(const struct merge_out *m, size_t k, const struct hist *uni,
			uint64_t requests, double rps)
{
	static struct hist back;
	const json_t *ph = merged_phase(m, k), *lat = json_object_get(ph, "latency_us");
	char err[160];

	assert_int_equal(report_hist_parse(json_object_get(ph, "histogram"), &back, err,
					   sizeof(err)), 0);
	assert_memory_equal(&back, uni, sizeof(back));
	if (hist_count(uni)) {
		assert_int_equal((uint64_t)json_number_value(json_object_get(lat, "p50")),
				 hist_percentile(uni, 50));
		assert_int_equal((uint64_t)json_number_value(json_object_get(lat, "p90")),
				 hist_percentile(uni, 90));
		assert_int_equal((uint64_t)json_number_value(json_object_get(lat, "p99")),
				 hist_percentile(uni, 99));
		assert_int_equal((uint64_t)json_number_value(json_object_get(lat, "p999")),
				 hist_percentile(uni, 99.9));
		assert_int_equal((uint64_t)json_number_value(json_object_get(lat, "max")), hist_max(uni));
	} else {
		assert_true(json_is_null(json_object_get(lat, "p99")));
	}
	assert_int_equal(json_integer_value(json_object_get(ph, "requests")), requests);
	assert_true(fabs(json_number_value(json_object_get(ph, "rps")) - rps) < 1e-6);
}

static void shuffle(struct merge_in *in, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rand() % i;
		struct merge_in t = in[i - 1];
		in[i - 1] = in[j];
		in[j] = t;
	}
}

static void merged_percentiles_are_the_unions_and_counts_the_sums(void **state)
{
	(void)state;
	static struct hist uni[MAX_PH];
	static struct phase_stats ph[MAX_N][MAX_PH];
	char err[512];

	srand(11);
	for (int round = 0; round < 30; round++) {
		int n = 1 + rand() % MAX_N;
		size_t n_ph = 1 + (size_t)rand() % MAX_PH;
		struct merge_in in[MAX_N];
		uint64_t req[MAX_PH] = {0};
		double rps[MAX_PH] = {0};
		for (size_t k = 0; k < n_ph; k++)
			hist_init(&uni[k]);
		for (int i = 0; i < n; i++) {
			for (size_t k = 0; k < n_ph; k++) {
				random_phase(&ph[i][k], k, &uni[k]);
				req[k] += ph[i][k].c.requests;
				rps[k] += ph[i][k].rps;
			}
			in[i] = (struct merge_in){paths[i], shard_report(i, n, "d1", n_ph, ph[i], NULL)};
		}
		struct merge_out m, again;
		assert_int_equal(merge_reports(in, (size_t)n, &m, err, sizeof(err)), 0);
		for (size_t k = 0; k < n_ph; k++)
			check_phase(&m, k, &uni[k], req[k], rps[k]);
		/* in any order, the same phases */
		shuffle(in, (size_t)n);
		assert_int_equal(merge_reports(in, (size_t)n, &again, err, sizeof(err)), 0);
		assert_true(json_equal(json_object_get(m.rep, "phases"),
				       json_object_get(again.rep, "phases")));
		/* the series on one clock: every shard's requests, once */
		struct series_point tot;
		series_total(m.series, &tot);
		assert_int_equal(tot.requests, 30u * n);
		merge_out_free(&m);
		merge_out_free(&again);
		for (int i = 0; i < n; i++)
			json_decref((json_t *)in[i].rep);
	}
}

static void histogram_addition_groups_any_way(void **state)
{
	(void)state;
	static struct hist a, b, c, ab_c, a_bc, bc;

	srand(5);
	for (int round = 0; round < 20; round++) {
		hist_init(&a), hist_init(&b), hist_init(&c);
		for (int i = 0; i < 500; i++) {
			hist_record(&a, random_latency());
			hist_record(&b, random_latency());
			hist_record(&c, random_latency());
		}
		ab_c = a;
		hist_add(&ab_c, &b);
		hist_add(&ab_c, &c);
		bc = b;
		hist_add(&bc, &c);
		a_bc = a;
		hist_add(&a_bc, &bc);
		assert_memory_equal(&ab_c, &a_bc, sizeof(ab_c));
	}
}

/* Two shards at 100 rps each fail a 150 rps gate alone; merged they pass it. */
static void the_gates_are_checked_once_over_the_whole(void **state)
{
	(void)state;
	static struct phase_stats ph[2][1];
	static struct hist uni;
	struct campaign_expect e = {.has_min_rps = true, .min_rps = 150};
	char err[512];

	hist_init(&uni);
	for (int i = 0; i < 2; i++) {
		random_phase(&ph[i][0], 0, &uni);
		ph[i][0].c.requests = ph[i][0].c.responses[CLIENT_2XX] = 1000;
		ph[i][0].c.err_timeout = 0;
		ph[i][0].rps = 100;
	}
	struct merge_in in[2] = {{paths[0], shard_report(0, 2, "d", 1, ph[0], &e)},
				 {paths[1], shard_report(1, 2, "d", 1, ph[1], &e)}};
	struct merge_out m;
	assert_int_equal(merge_reports(in, 2, &m, err, sizeof(err)), 0);
	assert_true(m.pass);
	assert_string_equal(json_string_value(json_object_get(m.rep, "verdict")), "pass");
	assert_int_equal(json_array_size(json_object_get(m.rep, "expect_failures")), 0);
	merge_out_free(&m);
	/* and a gate the whole misses fails it */
	e.min_rps = 250;
	json_object_set_new((json_t *)in[0].rep, "expect", expect_json(&e));
	assert_int_equal(merge_reports(in, 2, &m, err, sizeof(err)), 0);
	assert_false(m.pass);
	assert_string_equal(json_string_value(json_array_get(json_object_get(m.rep,
		"expect_failures"), 0)), "200 rps < 250 rps");
	merge_out_free(&m);
	json_decref((json_t *)in[0].rep);
	json_decref((json_t *)in[1].rep);
}

/* Counters add up over shards, and each shard's ports are listed, said whose. */
static void counters_add_up_and_ports_are_listed_by_shard(void **state)
{
	(void)state;
	static struct phase_stats ph[2][1];
	static struct hist uni;
	struct campaign_expect e = {0};
	char err[512];
	struct merge_in in[2];

	hist_init(&uni);
	for (int i = 0; i < 2; i++) {
		random_phase(&ph[i][0], 0, &uni);
		json_t *r = shard_report(i, 2, "d", 1, ph[i], &e);
		json_object_set_new(r, "tcp", json_pack("{sI sI}", "rst_rx", (json_int_t)(i + 1),
							"retrans_rto", (json_int_t)10));
		json_object_set_new(r, "ports", json_pack("[{ss sI}]", "name", "net_memif0",
							  "requests", (json_int_t)(100 + i)));
		in[i] = (struct merge_in){paths[i], r};
	}
	struct merge_out m;
	assert_int_equal(merge_reports(in, 2, &m, err, sizeof(err)), 0);
	const json_t *tcp = json_object_get(m.rep, "tcp"), *ports = json_object_get(m.rep, "ports");
	assert_int_equal(json_integer_value(json_object_get(tcp, "rst_rx")), 3);
	assert_int_equal(json_integer_value(json_object_get(tcp, "retrans_rto")), 20);
	assert_int_equal(json_array_size(ports), 2);
	for (int i = 0; i < 2; i++) {
		const json_t *p = json_array_get(ports, (size_t)i);
		assert_int_equal(json_integer_value(json_object_get(p, "shard")), i);
		assert_int_equal(json_integer_value(json_object_get(p, "requests")), 100 + i);
	}
	merge_out_free(&m);
	json_decref((json_t *)in[0].rep);
	json_decref((json_t *)in[1].rep);
}

static void refused(struct merge_in *in, size_t n, const char *want)
{
	struct merge_out m;
	char err[512];

	assert_int_equal(merge_reports(in, n, &m, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("got \"%s\", want \"%s\"", err, want);
	assert_null(m.rep);
}

static void reports_that_cannot_merge_are_refused_by_name(void **state)
{
	(void)state;
	static struct phase_stats ph[1];
	static struct hist uni;

	hist_init(&uni);
	random_phase(&ph[0], 0, &uni);
	json_t *s0 = shard_report(0, 3, "d", 1, ph, NULL), *s1 = shard_report(1, 3, "d", 1, ph, NULL);
	json_t *s2 = shard_report(2, 3, "d", 1, ph, NULL), *other = shard_report(2, 3, "x", 1, ph, NULL);
	json_t *dup = shard_report(1, 3, "d", 1, ph, NULL), *of4 = shard_report(2, 4, "d", 1, ph, NULL);
	json_t *plain = report_new();
	ph[0].name = "other";
	json_t *renamed = shard_report(2, 3, "d", 1, ph, NULL);

	refused((struct merge_in[]){{"a", s0}, {"b", s1}, {"x", other}}, 3,
		"a and x are reports of different campaigns");
	refused((struct merge_in[]){{"a", s0}, {"b", s1}, {"b2", dup}}, 3,
		"b and b2 are both shard 1: they overlap");
	refused((struct merge_in[]){{"a", s0}, {"c", s2}}, 2, "shard 1 of 3 is missing");
	refused((struct merge_in[]){{"a", s0}, {"b", s1}, {"q", of4}}, 3, "q is a shard of 4, a of 3");
	refused((struct merge_in[]){{"a", s0}, {"p", plain}}, 2, "p: not a shard's report");
	refused((struct merge_in[]){{"a", s0}, {"b", s1}, {"r", renamed}}, 3,
		"r: phases[0] is \"other\", a has \"warm\"");
	json_object_set_new(json_object_get(s2, "shard"), "count", json_integer(2));
	refused((struct merge_in[]){{"c", s2}}, 1, "c: not a shard's report");
	json_t *all[] = {s0, s1, s2, other, dup, of4, plain, renamed};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		json_decref(all[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merged_percentiles_are_the_unions_and_counts_the_sums),
		cmocka_unit_test(histogram_addition_groups_any_way),
		cmocka_unit_test(the_gates_are_checked_once_over_the_whole),
		cmocka_unit_test(reports_that_cannot_merge_are_refused_by_name),
		cmocka_unit_test(counters_add_up_and_ports_are_listed_by_shard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
