/* SPDX-License-Identifier: BSD-3-Clause */
/* The counter tables cover their structs exactly, add/diff touches every
 * field, and report.json reads back what it was given. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "client.h"
#include "console.h"
#include "net-stats.h"
#include "report-counters.h"
#include "tcp.h"

/* Every uint64_t of the first `bytes` of the struct is one field, once, and no two keys
 * of the same group are the same. */
static void covers(const struct counter_table *t, size_t bytes)
{
	uint8_t seen[1024] = {0};

	assert_true(bytes / sizeof(uint64_t) <= sizeof(seen));
	assert_int_equal(t->n * sizeof(uint64_t), bytes);
	for (size_t i = 0; i < t->n; i++) {
		const struct counter_field *f = &t->fields[i];
		assert_int_equal(f->off % sizeof(uint64_t), 0);
		assert_true(f->off < bytes);
		assert_int_equal(seen[f->off / sizeof(uint64_t)]++, 0);
		assert_non_null(f->help);
		assert_true(f->help[0] != '\0');
		for (size_t j = 0; j < i; j++) {
			const struct counter_field *g = &t->fields[j];
			bool same_group = (f->group == NULL && g->group == NULL) ||
					  (f->group && g->group && !strcmp(f->group, g->group));
			assert_false(same_group && !strcmp(f->key, g->key));
		}
	}
}

static void the_tables_cover_their_structs(void **state)
{
	(void)state;
	covers(&tcp_stats_table, sizeof(struct tcp_stats));
	covers(&net_stats_table, sizeof(struct net_stats));
	covers(&net_port_stats_table, sizeof(struct net_port_stats));
	covers(&client_counters_table, offsetof(struct client_counters, responses));
}

/* b - a into a zeroed out gives each field's own difference. */
static void add_diff_adds_every_field(void **state)
{
	(void)state;
	struct tcp_stats ta = {0}, tb = {0}, tout = {0};
	struct client_counters ca = {0}, cb = {0}, cout = {0};

	for (size_t i = 0; i < tcp_stats_table.n; i++) {
		counter_set(&ta, &tcp_stats_table.fields[i], i);
		counter_set(&tb, &tcp_stats_table.fields[i], 3 * i + 7);
	}
	tcp_stats_add_diff(&tout, &ta, &tb);
	for (size_t i = 0; i < tcp_stats_table.n; i++)
		assert_int_equal(counter_get(&tout, &tcp_stats_table.fields[i]), 2 * i + 7);
	struct net_stats na = {0}, nb = {0}, nout = {0};
	for (size_t i = 0; i < net_stats_table.n; i++) {
		counter_set(&na, &net_stats_table.fields[i], i);
		counter_set(&nb, &net_stats_table.fields[i], 5 * i + 1);
	}
	net_stats_add_diff(&nout, &na, &nb);
	for (size_t i = 0; i < net_stats_table.n; i++)
		assert_int_equal(counter_get(&nout, &net_stats_table.fields[i]), 4 * i + 1);
	for (size_t i = 0; i < client_counters_table.n; i++)
		counter_set(&cb, &client_counters_table.fields[i], 100 + i);
	cb.responses[CLIENT_OTHER] = 5;
	cb.requests_by_tpl[CLIENT_MAX_TEMPLATES - 1] = 9;
	client_counters_add_diff(&cout, &ca, &cb);
	assert_memory_equal(&cout, &cb, sizeof(cb));
}

static void reports_read_back_what_they_were_given(void **state)
{
	(void)state;
	struct tcp_stats t = {0}, t_back;
	struct client_counters c = {0}, c_back = {0};
	json_t *phase = json_object();

	for (size_t i = 0; i < tcp_stats_table.n; i++)
		counter_set(&t, &tcp_stats_table.fields[i], 1000 + i);
	for (size_t i = 0; i < client_counters_table.n; i++)
		counter_set(&c, &client_counters_table.fields[i], 10 + i);
	json_t *tj = report_counters_json(&tcp_stats_table, &t);
	assert_int_equal(json_integer_value(json_object_get(tj, "rst_rx")), t.conn_reset_rx);
	assert_int_equal(report_counters_read(tj, &tcp_stats_table, &t_back, false, NULL), 0);
	assert_memory_equal(&t, &t_back, sizeof(t));

	report_counters_put(phase, &client_counters_table, &c, true);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(phase, "errors"),
							    "timeout")), c.err_timeout);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(phase, "connections"),
							    "port_waits")), c.port_waits);
	assert_null(json_object_get(phase, "body_checked")); /* not a reported counter */
	assert_int_equal(report_counters_read(phase, &client_counters_table, &c_back, true, NULL), 0);
	c.body_checked = 0;
	assert_memory_equal(&c, &c_back, sizeof(c));
	json_decref(tj);
	json_decref(phase);
}

static bool only_port_waits(const char *key)
{
	return strcmp(key, "port_waits") == 0;
}

static void a_missing_counter_is_an_error_unless_it_came_later(void **state)
{
	(void)state;
	struct client_counters c = {.port_waits = 4, .delayed = 2}, back;
	json_t *phase = json_object();

	report_counters_put(phase, &client_counters_table, &c, true);
	json_object_del(json_object_get(phase, "connections"), "port_waits");
	assert_int_equal(report_counters_read(phase, &client_counters_table, &back, true,
					      only_port_waits), 0);
	assert_int_equal(back.port_waits, 0);
	assert_int_equal(back.delayed, 2);
	assert_true(report_counters_read(phase, &client_counters_table, &back, true, NULL) < 0);
	json_object_set_new(json_object_get(phase, "connections"), "port_waits", json_integer(-1));
	assert_true(report_counters_read(phase, &client_counters_table, &back, true,
					 only_port_waits) < 0);
	json_object_del(phase, "errors");
	assert_true(report_counters_read(phase, &client_counters_table, &back, true,
					 only_port_waits) < 0);
	json_decref(phase);
}

/* The summary names the drop reasons that happened, under their report keys. */
static void the_summary_names_each_drop_that_happened(void **state)
{
	(void)state;
	struct tcp_stats t = {.drop_bad_seq = 3, .drop_paws = 1, .retrans_rto = 9};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	console_nonzero(f, "tcp drops:", &tcp_stats_table, &t, "drop_");
	t = (struct tcp_stats){.retrans_rto = 9};
	console_nonzero(f, "tcp drops:", &tcp_stats_table, &t, "drop_");
	fclose(f);
	assert_string_equal(text, "tcp drops: drop_bad_seq 3, drop_paws 1\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_tables_cover_their_structs),
		cmocka_unit_test(add_diff_adds_every_field),
		cmocka_unit_test(reports_read_back_what_they_were_given),
		cmocka_unit_test(a_missing_counter_is_an_error_unless_it_came_later),
		cmocka_unit_test(the_summary_names_each_drop_that_happened),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
