/* SPDX-License-Identifier: BSD-3-Clause */
/* placeholder: replaced by the work that builds 'drench check' */
#include <stdio.h>

#include "commands.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "drench check: not built yet\n");
	return DRENCH_EXIT_USAGE;
}
