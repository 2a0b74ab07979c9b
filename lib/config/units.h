/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Units in campaign files. Each parser takes a whole NUL-terminated string
 * and returns 0, -EINVAL when it is not of the form, or -ERANGE when it
 * overflows. Spaces are not allowed anywhere. A NUMBER is digits with an
 * optional fraction: `10`, `1.5`, `0.25` (no sign, no exponent).
 *
 *   duration  NUMBER UNIT, UNIT one of us ms s m h    250us 10s 500ms 1.5m 2h
 *             the unit is required; the result is rounded to whole us
 *   count     NUMBER [k|M|G]  (x1e3, x1e6, x1e9)      64 10k 1.5M
 *             the result must be a whole number
 *   rate      requests per second: NUMBER [k|M|G] [rps] 100 10k 2.5krps
 *             or bits per second:  NUMBER (bps|kbps|Mbps|Gbps) 100Mbps
 *   size      NUMBER [B|kB|MB|GB|KiB|MiB|GiB]         512 64KiB 1MiB 512MB
 *             the result must be a whole number of bytes
 *   percent   NUMBER%  from 0% to 100%, as a fraction  5% 0.1%
 *   shard     I/N      0 <= I < N <= UNITS_MAX_SHARDS    0/4 3/4
 */
#pragma once

#include <stdint.h>

enum rate_unit {
	RATE_RPS, /* requests per second */
	RATE_BPS, /* bits per second on the wire */
};

struct rate {
	double value;
	enum rate_unit unit;
};

/* what each parser expects, for error messages */
#define UNITS_DURATION_EXPECTED "a number with unit us, ms, s, m, h"
#define UNITS_COUNT_EXPECTED "a whole number, optionally with k, M or G"
#define UNITS_RATE_EXPECTED "requests per second such as 500, 10k, 2.5krps, or bits per second such as 100Mbps"
#define UNITS_SIZE_EXPECTED "a size such as 512, 64KiB, 1MiB, 512MB"
#define UNITS_MAX_SHARDS 1024
#define UNITS_SHARD_EXPECTED "I/N, this generator's index from 0 to N-1 of N (at most 1024), such as 0/4"
#define UNITS_PERCENT_EXPECTED "a percentage from 0% to 100% such as 5%"

/** Duration in microseconds; the one grammar of campaign values and flags. */
int units_parse_duration(const char *s, uint64_t *us);

/** Count with an SI multiplier. */
int units_parse_count(const char *s, uint64_t *out);

int units_parse_rate(const char *s, struct rate *out);

/** Size in bytes. */
int units_parse_size(const char *s, uint64_t *bytes);

/** Percentage as a fraction: "5%" -> 0.05. */
int units_parse_percent(const char *s, double *fraction);

/** A shard "I/N": 0 <= index < count <= UNITS_MAX_SHARDS, decimal digits only. */
int units_parse_shard(const char *s, uint32_t *index, uint32_t *count);

/** Signed decimal integer, no suffix: "-12", "300". */
int units_parse_int(const char *s, int64_t *out);

/** Format a duration for people: "30s", "1m30s", "2h", "500ms". buf >= 32. */
const char *units_format_duration(uint64_t us, char *buf, unsigned long len);
