/* SPDX-License-Identifier: BSD-3-Clause */
/* Subcommands of drench; each returns the process exit code (see main.c). */
#pragma once

enum drench_exit {
	DRENCH_EXIT_PASS = 0,    /* campaign passed */
	DRENCH_EXIT_FAIL = 1,    /* ran and failed an expectation or found a leak */
	DRENCH_EXIT_USAGE = 2,   /* bad usage or bad configuration; nothing started */
	DRENCH_EXIT_RUNTIME = 3, /* runtime fault */
};

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_merge(int argc, char **argv);
