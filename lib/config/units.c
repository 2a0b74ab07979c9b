/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

struct suffix {
	const char *name;
	double scale;
};

/* digits [. digits]; *end points after the number. Exact for the values used
 * here because whole and fraction parts are kept apart until the end. */
static int parse_number(const char *s, double *out, const char **end)
{
	double whole = 0, frac = 0, div = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 1e18)
			return -ERANGE;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (div < 1e15) {
				frac = frac * 10 + (*p - '0');
				div *= 10;
			}
		}
	}
	*out = whole + frac / div;
	*end = p;
	return 0;
}

/* number followed by exactly one of the suffixes */
static int parse_scaled(const char *s, const struct suffix *sfx, double *out)
{
	const char *end;
	double v;
	int r = parse_number(s, &v, &end);

	if (r < 0)
		return r;
	for (; sfx->name; sfx++) {
		if (!strcmp(end, sfx->name)) {
			*out = v * sfx->scale;
			return 0;
		}
	}
	return -EINVAL;
}

/* a whole result, allowing for the rounding of a decimal fraction */
static int to_whole(double v, uint64_t *out)
{
	double r = nearbyint(v);
	if (fabs(v - r) > 1e-6 * (r > 1 ? r : 1))
		return -EINVAL;
	if (r >= 18446744073709551615.0)
		return -ERANGE;
	*out = (uint64_t)r;
	return 0;
}

int units_parse_duration(const char *s, uint64_t *us)
{
	static const struct suffix sfx[] = {
		{"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6}, {NULL, 0},
	};
	double v;
	int r = parse_scaled(s, sfx, &v);

	if (r < 0)
		return r;
	if (v >= 1.8e19)
		return -ERANGE;
	*us = (uint64_t)nearbyint(v);
	return 0;
}

int units_parse_count(const char *s, uint64_t *out)
{
	static const struct suffix sfx[] = {
		{"", 1}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {NULL, 0},
	};
	double v;
	int r = parse_scaled(s, sfx, &v);

	return r < 0 ? r : to_whole(v, out);
}

int units_parse_rate(const char *s, struct rate *out)
{
	static const struct suffix rps[] = {
		{"", 1}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"rps", 1},
		{"krps", 1e3}, {"Mrps", 1e6}, {"Grps", 1e9}, {NULL, 0},
	};
	static const struct suffix bps[] = {
		{"bps", 1}, {"kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}, {NULL, 0},
	};
	double v;

	if (parse_scaled(s, rps, &v) == 0) {
		*out = (struct rate){.value = v, .unit = RATE_RPS};
		return 0;
	}
	int r = parse_scaled(s, bps, &v);
	if (r == 0)
		*out = (struct rate){.value = v, .unit = RATE_BPS};
	return r;
}

int units_parse_size(const char *s, uint64_t *bytes)
{
	static const struct suffix sfx[] = {
		{"", 1}, {"B", 1}, {"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
		{"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {NULL, 0},
	};
	double v;
	int r = parse_scaled(s, sfx, &v);

	return r < 0 ? r : to_whole(v, bytes);
}

int units_parse_percent(const char *s, double *fraction)
{
	static const struct suffix sfx[] = {{"%", 0.01}, {NULL, 0}};
	double v;
	int r = parse_scaled(s, sfx, &v);

	if (r < 0)
		return r;
	if (v > 1.0 + 1e-12)
		return -ERANGE;
	*fraction = v;
	return 0;
}

int units_parse_int(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v = 0;
	const char *p = s + neg;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > (uint64_t)INT64_MAX + neg)
			return -ERANGE;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

const char *units_format_duration(uint64_t us, char *buf, unsigned long len)
{
	uint64_t s = us / 1000000, h = s / 3600, m = (s / 60) % 60;
	int n = 0;

	if (us % 1000000 || us == 0) {
		if (us % 1000 == 0)
			snprintf(buf, len, "%llums", (unsigned long long)(us / 1000));
		else
			snprintf(buf, len, "%.3fms", (double)us / 1000.0);
		return buf;
	}
	buf[0] = '\0';
	if (h)
		n += snprintf(buf + n, len - (unsigned long)n, "%lluh", (unsigned long long)h);
	if (m && (unsigned long)n < len)
		n += snprintf(buf + n, len - (unsigned long)n, "%llum", (unsigned long long)m);
	if (s % 60 && (unsigned long)n < len)
		snprintf(buf + n, len - (unsigned long)n, "%llus", (unsigned long long)(s % 60));
	return buf;
}

/* digits up to the first character that is not one; -EINVAL when none */
static int parse_digits(const char **s, uint64_t limit, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > limit)
			return -ERANGE;
	}
	if (p == *s)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

int units_parse_shard(const char *s, uint32_t *index, uint32_t *count)
{
	uint64_t i, n;
	int r = parse_digits(&s, UNITS_MAX_SHARDS, &i);

	if (r == 0 && *s++ != '/')
		r = -EINVAL;
	if (r == 0)
		r = parse_digits(&s, UNITS_MAX_SHARDS, &n);
	if (r == 0 && (*s != '\0' || n == 0 || i >= n))
		r = -EINVAL;
	if (r == 0) {
		*index = (uint32_t)i;
		*count = (uint32_t)n;
	}
	return r;
}
