/* SPDX-License-Identifier: BSD-3-Clause */
/* The campaign's telemetry section: defaults, every key, and errors with places. */
/* cmocka needs its prerequisites first */
/* clang-format off */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
/* clang-format on */

#include "config-errors.h"
#include "yaml-doc.h"
#include "section-telemetry.h"

static int parse(const char *yaml, struct telemetry_config *out, struct config_errors *e)
{
	struct yaml_doc *d = config_yaml_doc_load_string("t.yaml", yaml, strlen(yaml), e);
	int rc = config_parse_telemetry(config_yaml_map_get(d->root, "telemetry"), out, e);

	config_yaml_doc_free(d);
	return rc;
}

static bool has_error(const struct config_errors *e, const char *text)
{
	for (size_t i = 0; i < e->n; i++)
		if (strstr(e->v[i].text, text))
			return true;
	return false;
}

static void full_section_parses_with_units(void **state)
{
	static const char yaml[] = "telemetry:\n"
				   "  listen: 0.0.0.0:7500\n"
				   "  key_file: /etc/drench/agent.key\n"
				   "  interval: 500ms\n"
				   "  agent_buffer: 7200\n"
				   "  duration: 10m\n"
				   "  memory_limit: 2GiB\n"
				   "  profiles: false\n"
				   "  forced_gc: false\n"
				   "  gc_probe: 5s\n"
				   "  allow_insufficient: true\n"
				   "  detector:\n"
				   "    warmup: 1m\n"
				   "    noise_floor: 10%\n"
				   "    alpha: 0.5%\n"
				   "    spike_sigma: 3\n"
				   "  targets:\n"
				   "    - name: api\n"
				   "      agent: host1\n"
				   "      process: api-server\n"
				   "      metrics_url: http://127.0.0.1:8080/metrics\n"
				   "      pprof_url: http://127.0.0.1:8080/debug/pprof\n"
				   "      metrics: [cache_entries]\n"
				   "      judge: [go_goroutines]\n"
				   "      requests_metric: http_requests_total\n"
				   "    - name: db\n"
				   "      agent: host2\n"
				   "      pid: 4242\n"
				   "      cgroup: /sys/fs/cgroup/db.slice\n";
	struct config_errors e = {0};
	struct telemetry_config c;

	(void)state;
	assert_int_equal(parse(yaml, &c, &e), 0);
	assert_string_equal(c.listen, "0.0.0.0:7500");
	assert_int_equal(c.interval_us, 500000);
	assert_int_equal(c.agent_buffer, 7200);
	assert_int_equal(c.duration_us, 600000000ull);
	assert_int_equal(c.memory_limit, 2ull << 30);
	assert_false(c.profiles);
	assert_false(c.forced_gc);
	assert_int_equal(c.gc_probe_us, 5000000);
	assert_true(c.allow_insufficient);
	assert_true(c.detector.warmup_s == 60);
	assert_true(c.detector.noise_floor > 0.099 && c.detector.noise_floor < 0.101);
	assert_true(c.detector.spike_k == 3);
	assert_true(c.detector.floor_window_s == 10); /* default kept */
	assert_int_equal(c.n_targets, 2);
	assert_int_equal(c.targets[0].watch, TELEMETRY_WATCH_PROCESS);
	assert_string_equal(c.targets[0].metrics[0], "cache_entries");
	assert_string_equal(c.targets[0].judge[0], "go_goroutines");
	assert_int_equal(c.targets[1].watch, TELEMETRY_WATCH_PID);
	assert_int_equal(c.targets[1].pid, 4242);
	assert_string_equal(c.targets[1].cgroup, "/sys/fs/cgroup/db.slice");
	config_telemetry_clear(&c);
	config_errors_free(&e);
}

static void link_keys_and_encryption_are_read(void **state)
{
	static const char yaml[] = "telemetry:\n"
				   "  key_file: /etc/drench/master.key\n"
				   "  agent_key_dir: /etc/drench/agents\n"
				   "  encrypt: true\n"
				   "  targets:\n"
				   "    - {name: a, agent: h, pid: 1}\n";
	struct config_errors e = {0};
	struct telemetry_config c;

	(void)state;
	assert_int_equal(parse(yaml, &c, &e), 0);
	assert_string_equal(c.agent_key_dir, "/etc/drench/agents");
	assert_true(c.encrypt);
	assert_true(c.forced_gc);		    /* default */
	assert_int_equal(c.gc_probe_us, 2000000); /* default */
	config_telemetry_clear(&c);
	config_errors_free(&e);
}

static void mistakes_are_reported_with_line_column_and_path(void **state)
{
	static const char yaml[] = "telemetry:\n"
				   "  key_file: k\n"
				   "  intervall: 1s\n"
				   "  detector: {warmup: 5x}\n"
				   "  targets:\n"
				   "    - name: a\n"
				   "      agent: h\n"
				   "      pid: 1\n"
				   "      process: x\n"
				   "      metrics_url: ftp://nope\n"
				   "    - name: a\n"
				   "      agent: h\n";
	struct config_errors e = {0};
	struct telemetry_config c;

	(void)state;
	assert_int_equal(parse(yaml, &c, &e), -EINVAL);
	assert_true(has_error(&e, "t.yaml:3:3: telemetry.intervall: unknown key"));
	assert_true(has_error(&e, "t.yaml:4:22: telemetry.detector.warmup: bad duration"));
	assert_true(has_error(&e, "pid and process both given"));
	assert_true(has_error(&e, "t.yaml:10:20: telemetry.targets[0].metrics_url: bad URL"));
	assert_true(has_error(&e, "telemetry.targets[1]: nothing to watch"));
	assert_true(has_error(&e, "named twice"));
	config_telemetry_clear(&c);
	config_errors_free(&e);
}

static void missing_key_file_and_targets_are_required(void **state)
{
	struct config_errors e = {0};
	struct telemetry_config c;

	(void)state;
	assert_int_equal(parse("telemetry:\n  interval: 1s\n", &c, &e), -EINVAL);
	assert_true(has_error(&e, "telemetry.key_file: missing required key"));
	assert_true(has_error(&e, "telemetry.targets: missing required key"));
	config_telemetry_clear(&c);
	config_errors_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_section_parses_with_units),
		cmocka_unit_test(mistakes_are_reported_with_line_column_and_path),
		cmocka_unit_test(missing_key_file_and_targets_are_required),
		cmocka_unit_test(link_keys_and_encryption_are_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
