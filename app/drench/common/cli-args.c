/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli-args.h"
#include "units.h"

int cli_bad(const char *cmd, const char *name, const char *what, const char *got)
{
	fprintf(stderr, "drench %s: --%s: expected %s, got '%s'\n", cmd, name, what, got);
	return -EINVAL;
}

int cli_uint(const char *cmd, const char *name, const char *s, uint64_t min, uint64_t max,
	     uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max || s[0] == '-') {
		char what[64];
		snprintf(what, sizeof(what), "an integer in [%llu, %llu]", (unsigned long long)min,
			 (unsigned long long)max);
		return cli_bad(cmd, name, what, s);
	}
	*out = v;
	return 0;
}

int cli_duration(const char *cmd, const char *name, const char *s, uint64_t *us)
{
	int r = units_parse_duration(s, us);

	if (r == -ERANGE)
		return cli_bad(cmd, name, "a duration that fits in 64 bits of microseconds", s);
	return r < 0 ? cli_bad(cmd, name, UNITS_DURATION_EXPECTED, s) : 0;
}

int cli_ipv4(const char *cmd, const char *name, const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return cli_bad(cmd, name, "an IPv4 address", s);
	*out = ntohl(a.s_addr);
	return 0;
}

int cli_ipv4_prefix(const char *cmd, const char *name, char *arg, int default_len, uint32_t *ip,
		    uint32_t *netmask)
{
	char *slash = strchr(arg, '/');
	uint64_t len = (uint64_t)default_len;

	if (slash) {
		*slash = '\0';
		if (cli_uint(cmd, name, slash + 1, 1, 32, &len) < 0)
			return -EINVAL;
	}
	*netmask = ~0u << (32 - len);
	return cli_ipv4(cmd, name, arg, ip);
}

int cli_ipv6_prefix(const char *cmd, const char *name, char *arg, int default_len,
		    struct in6_addr *ip, uint8_t *len)
{
	char *slash = strchr(arg, '/');
	uint64_t v = (uint64_t)default_len;

	if (slash) {
		*slash = '\0';
		if (cli_uint(cmd, name, slash + 1, 1, 128, &v) < 0)
			return -EINVAL;
	}
	if (inet_pton(AF_INET6, arg, ip) != 1)
		return cli_bad(cmd, name, "an IPv6 address", arg);
	*len = (uint8_t)v;
	return 0;
}

int cli_ipv4_range_prefix(const char *cmd, const char *name, char *arg, uint32_t max_count,
			  uint32_t *first, uint32_t *count, uint32_t *netmask)
{
	char *dash = strchr(arg, '-');
	uint32_t last;

	if (!dash) {
		*count = 1;
		return cli_ipv4_prefix(cmd, name, arg, 24, first, netmask);
	}
	*dash = '\0';
	if (cli_ipv4(cmd, name, arg, first) < 0 ||
	    cli_ipv4_prefix(cmd, name, dash + 1, 24, &last, netmask) < 0)
		return -EINVAL;
	if (last < *first || last - *first >= max_count) {
		fprintf(stderr, "drench %s: --%s: the range must go up and hold at most %u "
				"addresses\n", cmd, name, max_count);
		return -EINVAL;
	}
	if ((*first & *netmask) != (last & *netmask)) {
		fprintf(stderr, "drench %s: --%s: both ends must be in the same subnet\n", cmd, name);
		return -EINVAL;
	}
	*count = last - *first + 1;
	return 0;
}

int cli_time_wait(const char *cmd, const char *s, enum tcp_time_wait_policy *p)
{
	static const char *const names[] = {[TCP_TW_2MSL] = "2msl", [TCP_TW_RESET] = "reset",
					    [TCP_TW_REUSE] = "reuse"};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*p = (enum tcp_time_wait_policy)i;
			return 0;
		}
	return cli_bad(cmd, "time-wait", "reuse, 2msl or reset", s);
}

int cli_parse_wall_time(const char *s, double *unix_s)
{
	struct tm tm = {0};
	char *end;

	if (s[0] == '@') {
		errno = 0;
		double v = strtod(s + 1, &end);
		if (errno || end == s + 1 || *end || !(v > 0) || !isdigit((unsigned char)s[1]))
			return -EINVAL;
		*unix_s = v;
		return 0;
	}
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || strcmp(end, "Z"))
		return -EINVAL;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*unix_s = (double)t;
	return 0;
}

int cli_wall_time(const char *cmd, const char *name, const char *s, double *unix_s)
{
	if (cli_parse_wall_time(s, unix_s) == 0)
		return 0;
	return cli_bad(cmd, name, "a UTC time such as 2026-12-03T06:00:00Z, or @UNIX_SECONDS", s);
}
