/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the first line of the input is a --set override, the rest
 * a YAML document. Loads it, applies the override, and reads every scalar
 * through every typed getter, so the loader, the override walker, the unit
 * parsers and the error formatting all see hostile input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config-errors.h"
#include "config-get.h"
#include "yaml-doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const struct yaml_node *n, struct config_errors *e)
{
	static const char *const allowed[] = {"name", "duration", NULL};
	union {
		uint64_t u;
		int64_t i;
		double d;
		bool b;
		struct rate r;
		struct cfg_hostport hp;
		struct in_addr a;
		const char *s;
		unsigned idx;
	} v;

	if (!n)
		return;
	switch (n->kind) {
	case YAML_KIND_SCALAR:
		cfg_get_string(n, e, &v.s);
		cfg_get_bool(n, e, &v.b);
		cfg_get_int(n, e, -5, 5, &v.i);
		cfg_get_duration(n, e, 1, &v.u);
		cfg_get_count(n, e, 0, 1000, &v.u);
		cfg_get_rate(n, e, false, &v.r);
		cfg_get_size(n, e, 0, UINT64_MAX, &v.u);
		cfg_get_percent(n, e, &v.d);
		cfg_get_hostport(n, e, 80, &v.hp);
		cfg_get_ipv4(n, e, &v.a);
		cfg_get_enum(n, e, allowed, &v.idx);
		break;
	case YAML_KIND_SEQUENCE:
		for (size_t i = 0; i < n->n; i++)
			read_all(n->items[i], e);
		break;
	case YAML_KIND_MAPPING:
		cfg_mapping_strict(n, e, allowed);
		cfg_require(n, "name", e, "x");
		for (size_t i = 0; i < n->n; i++)
			read_all(n->pairs[i].value, e);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t first = nl ? (size_t)(nl - data) : size;
	char *set = malloc(first + 1);
	struct config_errors e;

	if (!set)
		return 0;
	memcpy(set, data, first);
	set[first] = '\0';
	config_errors_init(&e);
	struct yaml_doc *d = config_yaml_doc_load_string("fuzz.yaml", (const char *)data + first,
							 size - first, &e);
	if (d) {
		config_yaml_doc_override(d, set, 0, &e);
		read_all(d->root, &e);
		config_errors_sort(&e);
		config_yaml_doc_free(d);
	}
	config_errors_free(&e);
	free(set);
	return 0;
}
