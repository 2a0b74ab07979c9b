/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: drench run [OPTIONS] [CAMPAIGN.yaml]   drive load, or answer it with\n"
		   "                                              role: responder (DPDK)\n"
		   "       drench check CAMPAIGN.yaml             validate a campaign only\n"
		   "       drench monitor CAMPAIGN.yaml           telemetry and leak verdicts only\n"
		   "       drench serve --dev DEV [OPTIONS]       the responder role, flag form (DPDK)\n"
		   "       drench merge SHARD.json ... --output DIR  one report of a campaign's shards\n"
		   "exit codes: 0 pass, 1 failed or leak found, 2 bad usage or config, 3 runtime fault\n");
}

#ifndef DRENCH_HAVE_DPDK
int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "drench: this build has no DPDK; only check and monitor are available\n");
	return DRENCH_EXIT_USAGE;
}

int cmd_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "drench: this build has no DPDK; serve needs it\n");
	return DRENCH_EXIT_USAGE;
}
#endif

int main(int argc, char **argv)
{
	/* lines reach a log file or a pipe as they are printed: the line per
	 * second, the summary a test waits for */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		usage(stderr);
		return DRENCH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return DRENCH_EXIT_PASS;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "monitor"))
		return cmd_monitor(argc - 1, argv + 1);
	if (!strcmp(argv[1], "merge"))
		return cmd_merge(argc - 1, argv + 1);
	if (!strcmp(argv[1], "serve"))
		return cmd_serve(argc - 1, argv + 1);
	fprintf(stderr, "drench: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return DRENCH_EXIT_USAGE;
}
