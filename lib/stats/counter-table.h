/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DRENCH_COUNTER_TABLE_H
#define DRENCH_COUNTER_TABLE_H

/*
 * A counter struct is written once, as an X-macro list of
 * X(field, "key", "help") (or X(field, "group", "key", "help") where a
 * table spreads over several report objects): the list makes the struct, its add/diff, and a
 * table of (key, offset, help) that every output (report.json, metrics.prom,
 * the console, DPDK telemetry) reads its names from.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct counter_field {
	const char *key;   /* the name in report.json and in every other output */
	const char *group; /* the report object it sits in; NULL: the table's own */
	size_t off;        /* of a uint64_t in the struct */
	const char *help; /* one line, for metrics.prom and docs */
};

struct counter_table {
	const struct counter_field *fields;
	size_t n;
};

#define COUNTER_TABLE_MEMBER(field, ...) uint64_t field;
#define COUNTER_TABLE_ADD_DIFF(field, ...) out->field += b->field - a->field;

static inline uint64_t counter_get(const void *base, const struct counter_field *f)
{
	uint64_t v;

	memcpy(&v, (const char *)base + f->off, sizeof(v));
	return v;
}

static inline void counter_set(void *base, const struct counter_field *f, uint64_t v)
{
	memcpy((char *)base + f->off, &v, sizeof(v));
}

/* The field named key, or NULL. */
static inline const struct counter_field *counter_table_find(const struct counter_table *t,
							      const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->fields[i].key, key) == 0)
			return &t->fields[i];
	return NULL;
}

#endif
