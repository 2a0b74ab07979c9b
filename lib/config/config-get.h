/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed reads of YAML nodes that record errors with the node's mark and key
 * path (see config-errors.h for the line format) and keep going.
 *
 * Every getter takes the node (NULL means "key absent"), the collector, and
 * where to store the value. It returns:
 *    1  the value was read and stored,
 *    0  the node is absent (NULL): nothing stored, nothing recorded, so the
 *       caller's default stays,
 *   -1  the node is there but wrong: an error was recorded, nothing stored.
 * So `if (cfg_get_duration(config_yaml_map_get(n, "duration"), e, &d) == 0) d = dflt;`
 * and a required key is `cfg_require(n, "duration", e, UNITS_DURATION_EXPECTED)`
 * first.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "units.h"
#include "yaml-doc.h"

struct config_errors;

/** A string value (any scalar, quoted or not; an empty value is an error).
 * *out points into the node. */
int cfg_get_string(const struct yaml_node *n, struct config_errors *e, const char **out);

/** true/false (also yes/no, on/off). */
int cfg_get_bool(const struct yaml_node *n, struct config_errors *e, bool *out);

/** A whole number in [min, max]. */
int cfg_get_int(const struct yaml_node *n, struct config_errors *e, int64_t min, int64_t max,
		int64_t *out);

/** A duration (units.h) in microseconds, at least min_us. */
int cfg_get_duration(const struct yaml_node *n, struct config_errors *e, uint64_t min_us,
		     uint64_t *us);

/** A count with SI suffix in [min, max]. */
int cfg_get_count(const struct yaml_node *n, struct config_errors *e, uint64_t min, uint64_t max,
		  uint64_t *out);

/** A rate; when want_rps only requests per second are accepted. Must be > 0. */
int cfg_get_rate(const struct yaml_node *n, struct config_errors *e, bool want_rps,
		 struct rate *out);

/** A size in bytes in [min, max]. */
int cfg_get_size(const struct yaml_node *n, struct config_errors *e, uint64_t min, uint64_t max,
		 uint64_t *bytes);

/** A percentage ("5%") as a fraction in [0, 1]. */
int cfg_get_percent(const struct yaml_node *n, struct config_errors *e, double *fraction);

/** "IPv4:port" or "[IPv6]:port"; when default_port is nonzero the port may be
 * left out. Port 1..65535. */
struct cfg_hostport {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint16_t port; /* host order */
};
int cfg_get_hostport(const struct yaml_node *n, struct config_errors *e, uint16_t default_port,
		     struct cfg_hostport *out);

/** An IPv4 address (dotted quad) in network order. */
int cfg_get_ipv4(const struct yaml_node *n, struct config_errors *e, struct in_addr *out);

/** One of the words in choices (NULL-terminated); *index receives its position. */
int cfg_get_enum(const struct yaml_node *n, struct config_errors *e, const char *const *choices,
		 unsigned *index);

/**
 * Check that n is a mapping whose keys all appear in allowed (NULL-terminated).
 * Every unknown key is reported at its own line:col, with a suggestion when
 * one allowed key is close, and the list of allowed keys as the expectation:
 *   x.yaml:4:5: phases[0].durration: unknown key, did you mean "duration"?
 *   (expected one of: name, duration, connections, ...)
 * Returns true when n is a mapping (even with unknown keys), false after
 * recording a type error (or when n is NULL, recording nothing).
 */
bool cfg_mapping_strict(const struct yaml_node *n, struct config_errors *e,
			const char *const *allowed);

/** The child at key, or NULL after recording "missing required key" at the
 * mapping's mark with path MAP.key and the given expectation. */
const struct yaml_node *cfg_require(const struct yaml_node *map, const char *key,
				    struct config_errors *e, const char *expected);

/** Record "expected a list/mapping" unless n is of that kind; true when it is. */
bool cfg_expect_kind(const struct yaml_node *n, struct config_errors *e, enum yaml_kind kind);
