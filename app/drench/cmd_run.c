/* SPDX-License-Identifier: BSD-3-Clause */
/* placeholder: replaced by the work that builds 'drench run' */
#include <stdio.h>

#include "commands.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "drench run: not built yet\n");
	return DRENCH_EXIT_USAGE;
}
