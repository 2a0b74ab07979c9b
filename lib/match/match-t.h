/* SPDX-License-Identifier: BSD-3-Clause */
/* Types of the response-body matcher (match.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* at most this many patterns per database: results are 64-bit masks */
#define MATCH_MAX_PATTERNS 64

/* One body expectation of a request template. */
struct match_pattern {
	const char *regex; /* hyperscan (PCRE subset) syntax */
	const char *name;  /* for reports; may be NULL */
	bool must_match;   /* true: must appear; false: must NOT appear */
	bool caseless;
};

/* Outcome of one response: bit i is pattern i. */
struct match_result {
	uint64_t matched; /* patterns seen in the body */
	uint64_t failed;  /* expectations broken: a must pattern missing or a must_not present */
};

/* Per-pattern counts kept per lcore, in struct match_scratch. */
struct match_counts {
	uint64_t matched;
	uint64_t failed;
};

struct match_db;
struct match_scratch;
struct match_stream;
