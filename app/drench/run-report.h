/* SPDX-License-Identifier: BSD-3-Clause */
/* report.json of a flag-form `drench run`: one phase. */
#pragma once

#include <stdbool.h>

#include "console.h"

struct run_result {
	const char *phase_name;
	double start, end; /* unix seconds */
	double load_s;     /* seconds of load, for rps */
	struct run_snapshot snap;
	const struct hist *lat;
	size_t mem_per_conn;
};

/** The campaign passes when every request was answered with no error. */
bool run_result_pass(const struct run_result *r);

/** Write DIR/report.json; 0 or a negative errno. */
int run_report_write(const char *dir, const struct run_result *r);
