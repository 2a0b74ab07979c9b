/* SPDX-License-Identifier: BSD-3-Clause */
/* placeholder: replaced by the work that builds 'drench monitor' */
#include <stdio.h>

#include "commands.h"

int cmd_monitor(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "drench monitor: not built yet\n");
	return DRENCH_EXIT_USAGE;
}
