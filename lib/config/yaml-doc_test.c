/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config-errors.h"
#include "yaml-doc.h"

static const char campaign[] = "rig:\n"
			       "  ports: [net_af_xdp0]\n"
			       "phases:\n"
			       "  - name: warm\n"
			       "    duration: 10s\n"
			       "  - name: \"hot\"\n"
			       "    duration: 1m\n"
			       "empty:\n";

static struct yaml_doc *load(const char *text, struct config_errors *e)
{
	struct yaml_doc *d = config_yaml_doc_load_string("t.yaml", text, strlen(text), e);
	assert_non_null(d);
	return d;
}

static void nodes_know_their_line_column_and_path(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = load(campaign, &e);

	assert_int_equal(e.n, 0);
	const struct yaml_node *phases = config_yaml_map_get(d->root, "phases");
	assert_non_null(phases);
	assert_int_equal(phases->kind, YAML_KIND_SEQUENCE);
	assert_int_equal(config_yaml_len(phases), 2);
	const struct yaml_node *dur =
		config_yaml_map_get(config_yaml_seq_at(phases, 1), "duration");
	assert_string_equal(dur->scalar, "1m");
	assert_string_equal(dur->path, "phases[1].duration");
	assert_string_equal(dur->mark.file, "t.yaml");
	assert_int_equal(dur->mark.line, 7);
	assert_int_equal(dur->mark.col, 15);
	const struct yaml_pair *kp =
		config_yaml_map_pair(config_yaml_seq_at(phases, 1), "duration");
	assert_int_equal(kp->key_mark.line, 7);
	assert_int_equal(kp->key_mark.col, 5);
	const struct yaml_node *port =
		config_yaml_seq_at(config_yaml_map_get(d->root->pairs[0].value, "ports"), 0);
	assert_string_equal(port->path, "rig.ports[0]");
	assert_int_equal(port->mark.col, 11);
	config_yaml_doc_free(d);
}

static void quoting_and_empty_values_are_told_apart(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = load(campaign, &e);
	const struct yaml_node *p0 = config_yaml_seq_at(config_yaml_map_get(d->root, "phases"), 0);
	const struct yaml_node *p1 = config_yaml_seq_at(config_yaml_map_get(d->root, "phases"), 1);

	assert_true(config_yaml_map_get(p0, "name")->plain);
	assert_false(config_yaml_map_get(p1, "name")->plain);
	assert_true(config_yaml_is_null(config_yaml_map_get(d->root, "empty")));
	assert_false(config_yaml_is_null(config_yaml_map_get(p0, "name")));
	assert_null(config_yaml_map_get(d->root, "absent"));
	assert_null(config_yaml_seq_at(config_yaml_map_get(d->root, "phases"), 2));
	config_yaml_doc_free(d);
}

static void syntax_errors_carry_libyaml_position(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = load("a: 1\nb: [1, 2\nc: 3\n", &e);

	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].file, "t.yaml");
	assert_int_equal(e.v[0].line, 3);
	assert_int_equal(e.v[0].col, 2);
	assert_non_null(strstr(e.v[0].text, "t.yaml:3:2: YAML syntax error: "));
	config_yaml_doc_free(d);
	config_errors_free(&e);
}

static void duplicate_keys_are_reported_where_they_repeat(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = load("x:\n  a: 1\n  a: 2\n", &e);

	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].text, "t.yaml:3:3: x.a: duplicate key (first at line 2, column 3) "
					 "(expected each key once per mapping)");
	assert_string_equal(config_yaml_map_get(config_yaml_map_get(d->root, "x"), "a")->scalar,
			    "1");
	config_yaml_doc_free(d);
	config_errors_free(&e);
}

static void aliases_expand_into_copies_with_their_own_paths(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = load("h: &hdr {Accept: x}\nr:\n  - headers: *hdr\n  - headers: *nope\n", &e);

	const struct yaml_node *h = config_yaml_map_get(
		config_yaml_seq_at(config_yaml_map_get(d->root, "r"), 0), "headers");
	assert_string_equal(config_yaml_map_get(h, "Accept")->scalar, "x");
	assert_string_equal(config_yaml_map_get(h, "Accept")->path, "r[0].headers.Accept");
	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].text, "t.yaml:4:14: r[1].headers: unknown alias *nope "
					 "(expected an anchor defined earlier with &name)");
	config_yaml_doc_free(d);
	config_errors_free(&e);
}

static void missing_files_are_an_error_not_a_crash(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = config_yaml_doc_load("/nonexistent/x.yaml", &e);
	assert_non_null(d);
	assert_null(d->root);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].text, "/nonexistent/x.yaml:1:1: cannot open: No such file or "
					 "directory (expected a readable YAML file)");
	config_yaml_doc_free(d);
	config_errors_free(&e);
}

static void every_truncated_prefix_loads_or_reports(void **state)
{
	(void)state;
	size_t len = strlen(campaign);
	for (size_t n = 0; n <= len; n++) {
		struct config_errors e = {0};
		char *p = malloc(n + 1);
		memcpy(p, campaign, n);
		p[n] = '\0';
		struct yaml_doc *d = config_yaml_doc_load_string("t.yaml", p, n, &e);
		assert_non_null(d);
		for (size_t i = 0; i < e.n; i++)
			assert_true(e.v[i].line >= 1 && e.v[i].col >= 1);
		config_yaml_doc_free(d);
		config_errors_free(&e);
		free(p);
	}
}

static void overrides_with_a_star_change_every_item(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = load(campaign, &e);

	assert_int_equal(config_yaml_doc_override(d, "phases.*.duration=3s", 0, &e), 2);
	const struct yaml_node *phases = config_yaml_map_get(d->root, "phases");
	for (size_t i = 0; i < 2; i++) {
		const struct yaml_node *dur =
			config_yaml_map_get(config_yaml_seq_at(phases, i), "duration");
		assert_string_equal(dur->scalar, "3s");
		assert_string_equal(dur->mark.file, "--set");
		assert_int_equal(dur->mark.line, 1);
		assert_int_equal(dur->mark.col, 19);
	}
	assert_string_equal(config_yaml_map_get(config_yaml_seq_at(phases, 1), "duration")->path,
			    "phases[1].duration");
	assert_int_equal(e.n, 0);
	config_yaml_doc_free(d);
}

static void overrides_add_missing_keys_and_parse_yaml_values(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = load(campaign, &e);

	assert_int_equal(config_yaml_doc_override(d, "output.folder=/tmp/x", 0, &e), 1);
	assert_string_equal(
		config_yaml_map_get(config_yaml_map_get(d->root, "output"), "folder")->scalar,
		"/tmp/x");
	assert_int_equal(config_yaml_doc_override(d, "phases[0].rate={from: 1, to: 2}", 1, &e), 1);
	const struct yaml_node *rate = config_yaml_map_get(
		config_yaml_seq_at(config_yaml_map_get(d->root, "phases"), 0), "rate");
	assert_int_equal(rate->kind, YAML_KIND_MAPPING);
	assert_string_equal(config_yaml_map_get(rate, "to")->path, "phases[0].rate.to");
	/* a star only touches what exists: no phase has "pause" */
	assert_int_equal(config_yaml_doc_override(d, "phases.*.rate.to=5", 2, &e), 1);
	assert_int_equal(e.n, 0);
	config_yaml_doc_free(d);
}

static void bad_overrides_are_named_with_their_position(void **state)
{
	(void)state;
	struct config_errors e = {0};
	struct yaml_doc *d = load(campaign, &e);

	assert_true(config_yaml_doc_override(d, "phases.*.duration", 0, &e) < 0);
	assert_true(config_yaml_doc_override(d, "phases.5.duration=1s", 1, &e) < 0);
	assert_true(config_yaml_doc_override(d, "phases.*.pause=1s", 2, &e) < 0);
	assert_true(config_yaml_doc_override(d, "rig.ports.0.x=1", 3, &e) < 0);
	assert_true(config_yaml_doc_override(d, "a=[1", 4, &e) < 0);
	assert_int_equal(e.n, 5);
	assert_string_equal(e.v[0].text, "--set:1:1: bad override \"phases.*.duration\" "
					 "(expected KEY.PATH=VALUE such as phases.*.duration=3s)");
	assert_string_equal(e.v[1].text, "--set:2:1: override \"phases.5.duration=1s\": index "
					 "past the end of the list (expected KEY.PATH=VALUE "
					 "selecting existing items)");
	assert_string_equal(e.v[2].text, "--set:3:1: override \"phases.*.pause=1s\" selects "
					 "nothing (expected KEY.PATH=VALUE selecting existing items)");
	assert_string_equal(e.v[3].text, "--set:4:1: override \"rig.ports.0.x=1\": goes inside a "
					 "plain value (expected KEY.PATH=VALUE selecting existing "
					 "items)");
	assert_int_equal(e.v[4].line, 5);
	assert_true(e.v[4].col > 2);
	config_yaml_doc_free(d);
	config_errors_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nodes_know_their_line_column_and_path),
		cmocka_unit_test(quoting_and_empty_values_are_told_apart),
		cmocka_unit_test(syntax_errors_carry_libyaml_position),
		cmocka_unit_test(duplicate_keys_are_reported_where_they_repeat),
		cmocka_unit_test(aliases_expand_into_copies_with_their_own_paths),
		cmocka_unit_test(missing_files_are_an_error_not_a_crash),
		cmocka_unit_test(every_truncated_prefix_loads_or_reports),
		cmocka_unit_test(overrides_with_a_star_change_every_item),
		cmocka_unit_test(overrides_add_missing_keys_and_parse_yaml_values),
		cmocka_unit_test(bad_overrides_are_named_with_their_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
