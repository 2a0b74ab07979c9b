/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's two forms build one struct serve_opts: `drench serve`'s
 * flags and a campaign with role: responder, given the same values, give
 * the same options, field by field; and without values, the same defaults.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "campaign.h"
#include "units.h"
#include "run-opts.h"
#include "serve-opts.h"

#define DEV "net_memif0,role=server"

static char yaml_path[64];

/* a campaign file from text; the path stays valid until the next call */
static void load(const char *text, const char *const *sets, size_t n_sets, struct campaign *c)
{
	struct config_errors e;

	snprintf(yaml_path, sizeof(yaml_path), "/tmp/drench-serve-opts-XXXXXX");
	int fd = mkstemp(yaml_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	config_errors_init(&e);
	int rc = campaign_load(yaml_path, sets, n_sets, c, &e);
	config_errors_print(&e, stderr);
	config_errors_free(&e);
	unlink(yaml_path);
	assert_int_equal(rc, 0);
}

/* argv is written to (the prefix of --local-ip), as a real one may be; the
 * copies stay, as o points into them */
static void parse_flags(const char *const *flags, struct serve_opts *o)
{
	static char args[32][64];
	char *argv[33] = {"serve"};
	int argc = 1;

	for (; flags[argc - 1] && argc < 32; argc++)
		argv[argc] = strcpy(args[argc], flags[argc - 1]);
	assert_int_equal(serve_opts_parse(argc, argv, o), 0);
}

/* Every option both forms set. The netmask differs on purpose: the flag
 * form takes a prefix (/24), a campaign has none (its peers are on-link
 * unless rig.gateway is given, as for a client). */
static void assert_same(const struct serve_opts *a, const struct serve_opts *b)
{
	assert_string_equal(a->dev, b->dev);
	assert_string_equal(a->lcores, b->lcores);
	assert_int_equal(a->local_ip, b->local_ip);
	assert_int_equal(a->gateway, b->gateway);
	assert_int_equal(a->port, b->port);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->body_size, b->body_size);
	assert_int_equal(a->chunked, b->chunked);
	assert_int_equal(a->keepalive_requests, b->keepalive_requests);
	assert_int_equal(a->delay_us, b->delay_us);
	assert_int_equal(a->duration_us, b->duration_us);
	assert_int_equal(a->max_conns, b->max_conns);
	assert_int_equal(a->n_mbufs, b->n_mbufs);
	assert_int_equal(a->n_queues, b->n_queues);
	assert_int_equal(a->mtu, b->mtu);
	assert_int_equal(a->tw_policy, b->tw_policy);
	assert_int_equal(a->has_ip6, b->has_ip6);
	assert_memory_equal(&a->local_ip6, &b->local_ip6, sizeof(a->local_ip6));
	assert_int_equal(a->prefix6, b->prefix6);
}

static const char rig_only[] = "role: responder\n"
			       "rig:\n"
			       "  ports: [\"" DEV "\"]\n"
			       "  lcores: {workers: [0]}\n"
			       "  local_ips: [198.18.0.7]\n";

static void every_responder_key_sets_what_its_flag_sets(void **state)
{
	(void)state;
	static const char *const flags[] = {
		"--dev", DEV, "--lcores", "0", "--local-ip", "198.18.0.7/24", "--port", "8080",
		"--status", "503", "--body-size", "4096", "--chunked", "--keepalive-requests", "10",
		"--delay", "2ms", "--max-conns", "1000", "--time-wait", "2msl", "--duration", "1m",
		"--mtu", "9000", "--queues", "2", "--local-ip6", "fd00::7/48", NULL,
	};
	const char *sets[] = {
		"responder={port: 8080, status: 503, body_size: 4KiB, chunked: true, "
		"keepalive_requests: 10, delay: 2ms, max_connections: 1k, queues: 2, time_wait: 2msl, "
		"duration: 1m, local_ip6: \"fd00::7/48\"}",
		"rig.mtu=9000",
	};
	struct serve_opts from_flags, from_campaign;
	struct campaign c;

	parse_flags(flags, &from_flags);
	load(rig_only, sets, 2, &c);
	serve_opts_from_campaign(&c, NULL, &from_campaign);
	assert_same(&from_flags, &from_campaign);
	assert_int_equal(from_campaign.tw_policy, TCP_TW_2MSL);
	assert_string_equal(from_campaign.campaign, c.name);
	assert_null(from_flags.campaign);
	campaign_free(&c);
}

static void without_values_both_forms_take_the_same_defaults(void **state)
{
	(void)state;
	static const char *const flags[] = {
		"--dev", DEV, "--lcores", "0", "--local-ip", "198.18.0.7", NULL,
	};
	struct serve_opts from_flags, from_campaign;
	struct campaign c;

	parse_flags(flags, &from_flags);
	load(rig_only, NULL, 0, &c);
	serve_opts_from_campaign(&c, NULL, &from_campaign);
	assert_same(&from_flags, &from_campaign);
	assert_int_equal(from_campaign.tw_policy, TCP_TW_RESET);
	assert_int_equal(from_campaign.netmask, 0);
	assert_null(from_flags.output); /* the flag form writes a report only when asked */
	assert_string_equal(from_campaign.output, "results");
	campaign_free(&c);
}

static void the_run_flags_override_the_campaign_output(void **state)
{
	(void)state;
	const char *sets[] = {"output.folder=out/responder", "rig.gateway=198.18.0.254"};
	struct run_opts ro = {.output = "/tmp/elsewhere", .given = RUN_OPT_OUTPUT, .quiet = 1};
	struct serve_opts o;
	struct campaign c;

	load(rig_only, sets, 2, &c);
	serve_opts_from_campaign(&c, NULL, &o);
	assert_string_equal(o.output, "out/responder");
	assert_false(o.quiet);
	/* with a gateway every peer is reached through it */
	assert_int_equal(o.gateway, 0xc61200feu);
	assert_int_equal(o.netmask, 0xffffffffu);
	serve_opts_from_campaign(&c, &ro, &o);
	assert_string_equal(o.output, "/tmp/elsewhere");
	assert_true(o.quiet);
	campaign_free(&c);
}

/* Flags and campaign values read durations with one grammar: whatever one
 * takes the other takes, to the same microsecond, and what one refuses the
 * other refuses. */
static void a_duration_flag_reads_as_a_campaign_duration(void **state)
{
	(void)state;
	static const char *const forms[] = {"250us", "1.5s", "500ms", "2m", "1h", "0s",
					    "10", "1e3s", "-1s", "10 s", "", "10sec", "inf"};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char arg[16];
		char dev[] = "--dev=" DEV;
		char *argv[] = {"serve", dev, "--delay", strcpy(arg, forms[i])};
		struct serve_opts o;
		uint64_t us = 0;
		int want = units_parse_duration(forms[i], &us);

		int got = serve_opts_parse(4, argv, &o);
		if ((got == 0) != (want == 0) || (got == 0 && o.delay_us != us))
			fail_msg("\"%s\": the flag gave %d, the campaign grammar %d", forms[i], got,
				 want);
	}
}

/* argv as serve_opts_parse gets it; its return code */
static int parse_rc(const char *const *flags, struct serve_opts *o)
{
	static char args[8][64];
	char *argv[9] = {"serve"};
	int argc = 1;

	for (; flags[argc - 1] && argc < 8; argc++)
		argv[argc] = strcpy(args[argc], flags[argc - 1]);
	return serve_opts_parse(argc, argv, o);
}

static void local_ip6_takes_an_address_and_a_prefix_length(void **state)
{
	static const struct in6_addr fd00_2 = {{{0xfd, [15] = 2}}};
	static const char *const with_len[] = {"--dev", DEV, "--local-ip6", "fd00::2/48", NULL};
	static const char *const bare[] = {"--dev", DEV, "--local-ip6", "fd00::2", NULL};
	static const char *const none[] = {"--dev", DEV, NULL};
	static const char *const v4[] = {"--dev", DEV, "--local-ip6", "198.18.0.1", NULL};
	static const char *const too_long[] = {"--dev", DEV, "--local-ip6", "fd00::2/129", NULL};
	struct serve_opts o;
	(void)state;

	assert_int_equal(parse_rc(with_len, &o), 0);
	assert_true(o.has_ip6);
	assert_memory_equal(&o.local_ip6, &fd00_2, 16);
	assert_int_equal(o.prefix6, 48);
	assert_int_equal(o.local_ip, 0xc6120001u); /* IPv4 stays as it was */
	assert_int_equal(parse_rc(bare, &o), 0);
	assert_int_equal(o.prefix6, 64);
	assert_int_equal(parse_rc(none, &o), 0);
	assert_false(o.has_ip6);
	assert_int_equal(parse_rc(v4, &o), -EINVAL);
	assert_int_equal(parse_rc(too_long, &o), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_responder_key_sets_what_its_flag_sets),
		cmocka_unit_test(without_values_both_forms_take_the_same_defaults),
		cmocka_unit_test(the_run_flags_override_the_campaign_output),
		cmocka_unit_test(a_duration_flag_reads_as_a_campaign_duration),
		cmocka_unit_test(local_ip6_takes_an_address_and_a_prefix_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
