/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "report-counters.h"

/* The object a grouped field sits in; NULL when the field is not reported. */
static json_t *object_of(json_t *obj, const struct counter_field *f, bool grouped)
{
	if (!grouped || (f->group != NULL && f->group[0] == '\0'))
		return obj;
	if (f->group == NULL)
		return NULL;
	json_t *sub = json_object_get(obj, f->group);
	if (!json_is_object(sub)) {
		sub = json_object();
		json_object_set_new(obj, f->group, sub);
	}
	return sub;
}

void report_counters_put(json_t *obj, const struct counter_table *t, const void *base,
			 bool grouped)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct counter_field *f = &t->fields[i];
		json_t *o = object_of(obj, f, grouped);
		if (o != NULL)
			json_object_set_new(o, f->key, json_integer((json_int_t)counter_get(base, f)));
	}
}

json_t *report_counters_json(const struct counter_table *t, const void *base)
{
	json_t *o = json_object();

	report_counters_put(o, t, base, false);
	return o;
}

static const json_t *read_object_of(const json_t *obj, const struct counter_field *f,
				    bool grouped)
{
	if (!grouped || (f->group != NULL && f->group[0] == '\0'))
		return obj;
	return f->group == NULL ? NULL : json_object_get(obj, f->group);
}

int report_counters_read(const json_t *obj, const struct counter_table *t, void *base,
			 bool grouped, bool (*absent_ok)(const char *key))
{
	if (!json_is_object(obj))
		return -EINVAL;
	for (size_t i = 0; i < t->n; i++) {
		const struct counter_field *f = &t->fields[i];
		if (grouped && f->group == NULL)
			continue;
		const json_t *o = read_object_of(obj, f, grouped);
		const json_t *v = json_object_get(o, f->key);
		if (v == NULL && json_is_object(o) && absent_ok != NULL && absent_ok(f->key)) {
			counter_set(base, f, 0);
			continue;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -EINVAL;
		counter_set(base, f, (uint64_t)json_integer_value(v));
	}
	return 0;
}
