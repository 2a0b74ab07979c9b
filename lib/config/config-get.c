/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-errors.h"
#include "config-get.h"

/* a scalar with something in it; otherwise record why not */
static const char *scalar_of(const struct yaml_node *n, struct config_errors *e,
			     const char *expected)
{
	if (n->kind != YAML_KIND_SCALAR) {
		config_error_at(e, &n->mark, n->path, expected, "wrong type, got %s",
				config_yaml_kind_name(n));
		return NULL;
	}
	if (config_yaml_is_null(n) || n->len == 0) {
		config_error_at(e, &n->mark, n->path, expected, "missing value");
		return NULL;
	}
	return n->scalar;
}

int cfg_get_string(const struct yaml_node *n, struct config_errors *e, const char **out)
{
	if (!n)
		return 0;
	const char *s = scalar_of(n, e, "a string");
	if (!s)
		return -1;
	*out = s;
	return 1;
}

int cfg_get_bool(const struct yaml_node *n, struct config_errors *e, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "True", "Yes", "On", "TRUE", NULL};
	static const char *const no[] = {"false", "no", "off", "False", "No", "Off", "FALSE", NULL};
	static const char expected[] = "true or false";

	if (!n)
		return 0;
	const char *s = scalar_of(n, e, expected);
	if (!s)
		return -1;
	for (size_t i = 0; yes[i]; i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return 1;
		}
	}
	config_error_at(e, &n->mark, n->path, expected, "bad boolean \"%s\"", s);
	return -1;
}

int cfg_get_int(const struct yaml_node *n, struct config_errors *e, int64_t min, int64_t max,
		int64_t *out)
{
	char expected[96];
	int64_t v;

	if (!n)
		return 0;
	snprintf(expected, sizeof(expected), "a whole number from %lld to %lld", (long long)min,
		 (long long)max);
	const char *s = scalar_of(n, e, expected);
	if (!s)
		return -1;
	int r = units_parse_int(s, &v);
	if (r == -EINVAL) {
		config_error_at(e, &n->mark, n->path, expected, "bad number \"%s\"", s);
		return -1;
	}
	if (r < 0 || v < min || v > max) {
		config_error_at(e, &n->mark, n->path, expected, "%s is out of range", s);
		return -1;
	}
	*out = v;
	return 1;
}

int cfg_get_duration(const struct yaml_node *n, struct config_errors *e, uint64_t min_us,
		     uint64_t *us)
{
	uint64_t v;

	if (!n)
		return 0;
	const char *s = scalar_of(n, e, UNITS_DURATION_EXPECTED);
	if (!s)
		return -1;
	int r = units_parse_duration(s, &v);
	if (r < 0) {
		config_error_at(e, &n->mark, n->path, UNITS_DURATION_EXPECTED,
				r == -ERANGE ? "duration \"%s\" is too long" : "bad duration \"%s\"",
				s);
		return -1;
	}
	if (v < min_us) {
		char buf[32], expected[64];
		snprintf(expected, sizeof(expected), "at least %s",
			 units_format_duration(min_us, buf, sizeof(buf)));
		config_error_at(e, &n->mark, n->path, expected, "duration \"%s\" is too short", s);
		return -1;
	}
	*us = v;
	return 1;
}

int cfg_get_count(const struct yaml_node *n, struct config_errors *e, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	char expected[128];
	uint64_t v;

	if (!n)
		return 0;
	snprintf(expected, sizeof(expected), "%s, from %llu to %llu", UNITS_COUNT_EXPECTED,
		 (unsigned long long)min, (unsigned long long)max);
	const char *s = scalar_of(n, e, expected);
	if (!s)
		return -1;
	int r = units_parse_count(s, &v);
	if (r == -EINVAL) {
		config_error_at(e, &n->mark, n->path, expected, "bad count \"%s\"", s);
		return -1;
	}
	if (r < 0 || v < min || v > max) {
		config_error_at(e, &n->mark, n->path, expected, "%s is out of range", s);
		return -1;
	}
	*out = v;
	return 1;
}

int cfg_get_rate(const struct yaml_node *n, struct config_errors *e, bool want_rps,
		 struct rate *out)
{
	const char *expected = want_rps ? "requests per second such as 500, 10k, 2.5krps"
					: UNITS_RATE_EXPECTED;
	struct rate v;

	if (!n)
		return 0;
	const char *s = scalar_of(n, e, expected);
	if (!s)
		return -1;
	if (units_parse_rate(s, &v) < 0 || (want_rps && v.unit != RATE_RPS)) {
		config_error_at(e, &n->mark, n->path, expected, "bad rate \"%s\"", s);
		return -1;
	}
	if (!(v.value > 0)) {
		config_error_at(e, &n->mark, n->path, "a rate above zero", "rate \"%s\" is zero", s);
		return -1;
	}
	*out = v;
	return 1;
}

int cfg_get_size(const struct yaml_node *n, struct config_errors *e, uint64_t min, uint64_t max,
		 uint64_t *bytes)
{
	char expected[128];
	uint64_t v;

	if (!n)
		return 0;
	snprintf(expected, sizeof(expected), "%s, from %llu to %llu bytes", UNITS_SIZE_EXPECTED,
		 (unsigned long long)min, (unsigned long long)max);
	const char *s = scalar_of(n, e, expected);
	if (!s)
		return -1;
	int r = units_parse_size(s, &v);
	if (r == -EINVAL) {
		config_error_at(e, &n->mark, n->path, expected, "bad size \"%s\"", s);
		return -1;
	}
	if (r < 0 || v < min || v > max) {
		config_error_at(e, &n->mark, n->path, expected, "size %s is out of range", s);
		return -1;
	}
	*bytes = v;
	return 1;
}

int cfg_get_percent(const struct yaml_node *n, struct config_errors *e, double *fraction)
{
	double v;

	if (!n)
		return 0;
	const char *s = scalar_of(n, e, UNITS_PERCENT_EXPECTED);
	if (!s)
		return -1;
	if (units_parse_percent(s, &v) < 0) {
		config_error_at(e, &n->mark, n->path, UNITS_PERCENT_EXPECTED,
				"bad percentage \"%s\"", s);
		return -1;
	}
	*fraction = v;
	return 1;
}

static int parse_port(const char *s, uint16_t *port)
{
	int64_t v;
	if (units_parse_int(s, &v) < 0 || v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* "1.2.3.4:80", "[::1]:80", and without port when a default exists */
static int parse_hostport(const char *s, uint16_t default_port, struct cfg_hostport *out)
{
	char host[64];
	const char *port = NULL;
	size_t hl;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		hl = (size_t)(close - s - 1);
		s++;
		port = close[1] ? close + 2 : NULL;
		out->family = AF_INET6;
	} else {
		const char *colon = strchr(s, ':');
		hl = colon ? (size_t)(colon - s) : strlen(s);
		port = colon ? colon + 1 : NULL;
		out->family = AF_INET;
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(out->family, host, &out->addr) != 1)
		return -EINVAL;
	if (!port) {
		out->port = default_port;
		return default_port ? 0 : -EINVAL;
	}
	return parse_port(port, &out->port);
}

int cfg_get_hostport(const struct yaml_node *n, struct config_errors *e, uint16_t default_port,
		     struct cfg_hostport *out)
{
	const char *expected = default_port ? "ADDRESS[:PORT] such as 198.18.0.1:80"
					    : "ADDRESS:PORT such as 198.18.0.1:80";
	if (!n)
		return 0;
	const char *s = scalar_of(n, e, expected);
	if (!s)
		return -1;
	if (parse_hostport(s, default_port, out) < 0) {
		config_error_at(e, &n->mark, n->path, expected, "bad address \"%s\"", s);
		return -1;
	}
	return 1;
}

int cfg_get_ipv4(const struct yaml_node *n, struct config_errors *e, struct in_addr *out)
{
	static const char expected[] = "an IPv4 address such as 198.18.0.2";

	if (!n)
		return 0;
	const char *s = scalar_of(n, e, expected);
	if (!s)
		return -1;
	if (inet_pton(AF_INET, s, out) != 1) {
		config_error_at(e, &n->mark, n->path, expected, "bad IPv4 address \"%s\"", s);
		return -1;
	}
	return 1;
}

/* "one of: a, b, c" */
static char *join_choices(const char *prefix, const char *const *choices)
{
	size_t len = strlen(prefix) + 1;
	for (size_t i = 0; choices[i]; i++)
		len += strlen(choices[i]) + 2;
	char *s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, prefix);
	for (size_t i = 0; choices[i]; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, choices[i]);
	}
	return s;
}

int cfg_get_enum(const struct yaml_node *n, struct config_errors *e, const char *const *choices,
		 unsigned *index)
{
	if (!n)
		return 0;
	char *expected = join_choices("one of: ", choices);
	const char *s = scalar_of(n, e, expected ? expected : "a known word");
	int r = -1;

	for (unsigned i = 0; s && choices[i]; i++) {
		if (!strcmp(s, choices[i])) {
			*index = i;
			r = 1;
		}
	}
	if (s && r < 0)
		config_error_at(e, &n->mark, n->path, expected ? expected : "a known word",
				"unknown value \"%s\"", s);
	free(expected);
	return r;
}

/* edit distance, capped: keys are short */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 64;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *closest(const char *key, const char *const *allowed)
{
	const char *best = NULL;
	size_t best_d = 3; /* suggest only near misses */

	for (size_t i = 0; allowed[i]; i++) {
		size_t d = distance(key, allowed[i]);
		if (d < best_d && d < strlen(allowed[i])) {
			best_d = d;
			best = allowed[i];
		}
	}
	return best;
}

bool cfg_expect_kind(const struct yaml_node *n, struct config_errors *e, enum yaml_kind kind)
{
	static const char *const names[] = {
		[YAML_KIND_SCALAR] = "a value",
		[YAML_KIND_SEQUENCE] = "a list",
		[YAML_KIND_MAPPING] = "a mapping",
	};
	if (!n)
		return false;
	if (n->kind == kind)
		return true;
	config_error_at(e, &n->mark, n->path, names[kind], "wrong type, got %s",
			config_yaml_kind_name(n));
	return false;
}

bool cfg_mapping_strict(const struct yaml_node *n, struct config_errors *e,
			const char *const *allowed)
{
	if (!cfg_expect_kind(n, e, YAML_KIND_MAPPING))
		return false;
	char *expected = NULL;
	for (size_t i = 0; i < n->n; i++) {
		const struct yaml_pair *p = &n->pairs[i];
		bool known = false;
		for (size_t k = 0; allowed[k] && !known; k++)
			known = !strcmp(p->key, allowed[k]);
		if (known)
			continue;
		if (!expected)
			expected = join_choices("one of: ", allowed);
		const char *near = closest(p->key, allowed);
		if (near)
			config_error_at(e, &p->key_mark, p->value->path, expected,
					"unknown key, did you mean \"%s\"?", near);
		else
			config_error_at(e, &p->key_mark, p->value->path, expected, "unknown key");
	}
	free(expected);
	return true;
}

const struct yaml_node *cfg_require(const struct yaml_node *map, const char *key,
				    struct config_errors *e, const char *expected)
{
	const struct yaml_node *v = config_yaml_map_get(map, key);
	if (v || !map || map->kind != YAML_KIND_MAPPING)
		return v;
	char *path = NULL;
	if (asprintf(&path, "%s%s%s", map->path, map->path[0] ? "." : "", key) < 0)
		path = NULL;
	config_error_at(e, &map->mark, path ? path : key, expected, "missing required key");
	free(path);
	return NULL;
}
