/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Goroutines grouped by the function they started in (the outermost frame
 * of each stack in a /debug/pprof/goroutine?debug=1 profile: the target of
 * the `go` statement), and the sites that grew between two profiles: a
 * goroutine leak shows as one site whose count climbs.
 */
#pragma once

#include <stddef.h>

struct goroutine_site {
	char name[160];
	long before, after;
};

/** Parse the debug=1 text of two profiles and fill out with the sites that
 * grew, largest growth first (at most cap). Returns how many, or -EINVAL
 * when a text is not a goroutine profile, -ENOMEM. */
int goroutine_growth(const char *before, const char *after, struct goroutine_site *out,
		     size_t cap);
