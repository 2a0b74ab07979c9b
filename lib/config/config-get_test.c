/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config-errors.h"
#include "config-get.h"
#include "yaml-doc.h"

static const char text[] = "duration: 10x\n"
			   "good_duration: 1.5s\n"
			   "size: 64KiB\n"
			   "sizes: 64kb\n"
			   "rate: 100Mbps\n"
			   "rps: 10k\n"
			   "pct: 5%\n"
			   "flag: yes\n"
			   "n: 12\n"
			   "target: 198.18.0.1:80\n"
			   "host: 198.18.0.1\n"
			   "list: [1]\n"
			   "empty:\n"
			   "word: cps\n";

struct fixture {
	struct yaml_doc *d;
	struct config_errors e;
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	f.d = config_yaml_doc_load_string("g.yaml", text, strlen(text), &f.e);
	*state = &f;
	return f.d && f.e.n == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	config_yaml_doc_free(f->d);
	config_errors_free(&f->e);
	return 0;
}

static const struct yaml_node *key(struct fixture *f, const char *k)
{
	return config_yaml_map_get(f->d->root, k);
}

static void a_bad_duration_names_file_line_path_and_expectation(void **state)
{
	struct fixture *f = *state;
	uint64_t us = 7;

	assert_int_equal(cfg_get_duration(key(f, "duration"), &f->e, 0, &us), -1);
	assert_int_equal(us, 7);
	assert_int_equal(f->e.n, 1);
	assert_string_equal(f->e.v[0].text, "g.yaml:1:11: duration: bad duration \"10x\" "
					    "(expected a number with unit us, ms, s, m, h)");
	assert_int_equal(cfg_get_duration(key(f, "good_duration"), &f->e, 0, &us), 1);
	assert_int_equal(us, 1500000);
	assert_int_equal(cfg_get_duration(key(f, "good_duration"), &f->e, 2000000, &us), -1);
	assert_string_equal(f->e.v[1].text, "g.yaml:2:16: good_duration: duration \"1.5s\" is too "
					    "short (expected at least 2s)");
}

static void absent_keys_leave_defaults_and_record_nothing(void **state)
{
	struct fixture *f = *state;
	uint64_t v = 42;
	assert_int_equal(cfg_get_duration(key(f, "nope"), &f->e, 0, &v), 0);
	assert_int_equal(cfg_get_size(key(f, "nope"), &f->e, 0, 10, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(f->e.n, 0);
}

static void sizes_rates_and_percents_read_their_units(void **state)
{
	struct fixture *f = *state;
	uint64_t bytes = 0;
	struct rate r;
	double pct = 0;

	assert_int_equal(cfg_get_size(key(f, "size"), &f->e, 1, UINT64_MAX, &bytes), 1);
	assert_int_equal(bytes, 65536);
	assert_int_equal(cfg_get_size(key(f, "sizes"), &f->e, 1, UINT64_MAX, &bytes), -1);
	assert_int_equal(cfg_get_rate(key(f, "rate"), &f->e, false, &r), 1);
	assert_int_equal(r.unit, RATE_BPS);
	assert_int_equal(cfg_get_rate(key(f, "rate"), &f->e, true, &r), -1);
	assert_int_equal(cfg_get_rate(key(f, "rps"), &f->e, true, &r), 1);
	assert_true(r.value == 10000 && r.unit == RATE_RPS);
	assert_int_equal(cfg_get_percent(key(f, "pct"), &f->e, &pct), 1);
	assert_true(pct > 0.0499 && pct < 0.0501);
	assert_int_equal(f->e.n, 2);
	assert_string_equal(f->e.v[0].text,
			    "g.yaml:4:8: sizes: bad size \"64kb\" (expected a size such as "
			    "512, 64KiB, 1MiB, 512MB, from 1 to 18446744073709551615 bytes)");
	assert_string_equal(f->e.v[1].text, "g.yaml:5:7: rate: bad rate \"100Mbps\" (expected "
					    "requests per second such as 500, 10k, 2.5krps)");
}

static void scalars_of_the_wrong_kind_are_type_errors(void **state)
{
	struct fixture *f = *state;
	int64_t n = 0;
	bool b = false;
	const char *s;

	assert_int_equal(cfg_get_bool(key(f, "flag"), &f->e, &b), 1);
	assert_true(b);
	assert_int_equal(cfg_get_int(key(f, "n"), &f->e, 0, 10, &n), -1);
	assert_int_equal(cfg_get_int(key(f, "n"), &f->e, 0, 100, &n), 1);
	assert_int_equal(n, 12);
	assert_int_equal(cfg_get_string(key(f, "list"), &f->e, &s), -1);
	assert_int_equal(cfg_get_string(key(f, "empty"), &f->e, &s), -1);
	assert_int_equal(cfg_get_bool(key(f, "word"), &f->e, &b), -1);
	assert_int_equal(f->e.n, 4);
	assert_string_equal(f->e.v[0].text,
			    "g.yaml:9:4: n: 12 is out of range (expected a whole number from 0 to 10)");
	assert_string_equal(f->e.v[1].text,
			    "g.yaml:12:7: list: wrong type, got a list (expected a string)");
	assert_string_equal(f->e.v[2].text, "g.yaml:13:7: empty: missing value (expected a string)");
	assert_string_equal(f->e.v[3].text,
			    "g.yaml:14:7: word: bad boolean \"cps\" (expected true or false)");
}

static void addresses_parse_with_and_without_port(void **state)
{
	struct fixture *f = *state;
	struct cfg_hostport hp;
	struct in_addr a;

	assert_int_equal(cfg_get_hostport(key(f, "target"), &f->e, 0, &hp), 1);
	assert_int_equal(hp.port, 80);
	assert_int_equal(hp.family, AF_INET);
	assert_int_equal(ntohl(hp.addr.v4.s_addr), 0xc6120001);
	assert_int_equal(cfg_get_hostport(key(f, "host"), &f->e, 0, &hp), -1);
	assert_int_equal(cfg_get_hostport(key(f, "host"), &f->e, 8080, &hp), 1);
	assert_int_equal(hp.port, 8080);
	assert_int_equal(cfg_get_ipv4(key(f, "host"), &f->e, &a), 1);
	assert_int_equal(cfg_get_ipv4(key(f, "target"), &f->e, &a), -1);
	assert_int_equal(f->e.n, 2);
}

static void enums_list_their_choices(void **state)
{
	struct fixture *f = *state;
	static const char *const models[] = {"connections", "rate", "cps", NULL};
	unsigned i = 9;

	assert_int_equal(cfg_get_enum(key(f, "word"), &f->e, models, &i), 1);
	assert_int_equal(i, 2);
	assert_int_equal(cfg_get_enum(key(f, "flag"), &f->e, models, &i), -1);
	assert_string_equal(f->e.v[0].text, "g.yaml:8:7: flag: unknown value \"yes\" (expected one "
					    "of: connections, rate, cps)");
}

static void strict_mappings_report_every_unknown_key_with_a_suggestion(void **state)
{
	struct fixture *f = *state;
	static const char *const allowed[] = {"duration", "size", "rate", "rps", "pct", "flag",
					      "n", "list", "empty", "word", NULL};

	assert_true(cfg_mapping_strict(f->d->root, &f->e, allowed));
	assert_int_equal(f->e.n, 4);
	assert_string_equal(f->e.v[0].text,
			    "g.yaml:2:1: good_duration: unknown key (expected one of: duration, "
			    "size, rate, rps, pct, flag, n, list, empty, word)");
	assert_string_equal(f->e.v[1].text,
			    "g.yaml:4:1: sizes: unknown key, did you mean \"size\"? (expected "
			    "one of: duration, size, rate, rps, pct, flag, n, list, empty, word)");
	assert_non_null(strstr(f->e.v[2].text, "g.yaml:10:1: target: unknown key"));
	assert_non_null(strstr(f->e.v[3].text, "g.yaml:11:1: host: unknown key"));
}

static void required_keys_are_reported_at_their_mapping(void **state)
{
	struct fixture *f = *state;
	assert_null(cfg_require(f->d->root, "phases", &f->e, "a list of phases"));
	assert_non_null(cfg_require(f->d->root, "rate", &f->e, "a rate"));
	assert_int_equal(f->e.n, 1);
	assert_string_equal(f->e.v[0].text,
			    "g.yaml:1:1: phases: missing required key (expected a list of phases)");
	assert_false(cfg_mapping_strict(key(f, "list"), &f->e, (const char *const[]){NULL}));
	assert_string_equal(f->e.v[1].text,
			    "g.yaml:12:7: list: wrong type, got a list (expected a mapping)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_bad_duration_names_file_line_path_and_expectation,
						setup, teardown),
		cmocka_unit_test_setup_teardown(absent_keys_leave_defaults_and_record_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(sizes_rates_and_percents_read_their_units, setup,
						teardown),
		cmocka_unit_test_setup_teardown(scalars_of_the_wrong_kind_are_type_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(addresses_parse_with_and_without_port, setup,
						teardown),
		cmocka_unit_test_setup_teardown(enums_list_their_choices, setup, teardown),
		cmocka_unit_test_setup_teardown(
			strict_mappings_report_every_unknown_key_with_a_suggestion, setup, teardown),
		cmocka_unit_test_setup_teardown(required_keys_are_reported_at_their_mapping, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
