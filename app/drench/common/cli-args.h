/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing of command-line values shared by the subcommands; each error is
 * printed as "drench CMD: --NAME: expected WHAT, got 'VALUE'". */
#pragma once

#include <netinet/in.h>

#include <stdbool.h>
#include <stdint.h>

#include "tcp-t.h"

/** Print the error; returns -EINVAL. */
int cli_bad(const char *cmd, const char *name, const char *what, const char *got);

/** A decimal integer in [min, max]. */
int cli_uint(const char *cmd, const char *name, const char *s, uint64_t min, uint64_t max,
	     uint64_t *out);

/** A duration in the campaign grammar (units_parse_duration: "250us", "10s",
 * "1.5m"; the unit is required) -> microseconds. */
int cli_duration(const char *cmd, const char *name, const char *s, uint64_t *us);

/** A dotted IPv4 address, to host order. */
int cli_ipv4(const char *cmd, const char *name, const char *s, uint32_t *out);

/** "IP" or "IP/LEN" (LEN defaults to default_len); arg is modified. */
int cli_ipv4_prefix(const char *cmd, const char *name, char *arg, int default_len, uint32_t *ip,
		    uint32_t *netmask);

/** "IPV6" or "IPV6/LEN" (LEN 1..128, default_len without one); arg is modified. */
int cli_ipv6_prefix(const char *cmd, const char *name, char *arg, int default_len,
		    struct in6_addr *ip, uint8_t *len);

/** "IP[/LEN]" or "FIRST-LAST[/LEN]": the first address and how many follow
 * it (at most max_count, all in the same LEN subnet); arg is modified. */
int cli_ipv4_range_prefix(const char *cmd, const char *name, char *arg, uint32_t max_count,
			  uint32_t *first, uint32_t *count, uint32_t *netmask);

/** "2msl" or "reset". */
int cli_time_wait(const char *cmd, const char *s, enum tcp_time_wait_policy *p);

/** A wall-clock time in UTC, "2026-12-03T06:00:00Z", or "@UNIX_SECONDS"
 * (a fraction allowed), to unix seconds. */
int cli_parse_wall_time(const char *s, double *unix_s);
int cli_wall_time(const char *cmd, const char *name, const char *s, double *unix_s);
