/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `--set KEY.PATH=VALUE`: split the path into steps, parse VALUE as YAML, then
 * walk the tree setting every node the path selects.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config-errors.h"
#include "yaml-doc-priv.h"
#include "yaml-doc.h"

#define MAX_STEPS 32

static const char set_file[] = "--set";

struct step {
	char *key;     /* a mapping key, "*", or the digits of an index */
	bool is_index; /* written [n] or all digits */
};

struct override {
	struct step steps[MAX_STEPS];
	size_t n;
	const struct yaml_node *value;
	int count;
	int err;
	struct config_errors *e;
	struct yaml_mark where; /* for errors about the path */
	const char *text;
};

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int add_step(struct override *o, const char *s, size_t len, bool bracket)
{
	if (len == 0 || o->n == MAX_STEPS)
		return -EINVAL;
	char *k = strndup(s, len);
	if (!k)
		return -ENOMEM;
	if (bracket && strcmp(k, "*") && !all_digits(k)) {
		free(k);
		return -EINVAL;
	}
	o->steps[o->n].key = k;
	o->steps[o->n].is_index = all_digits(k);
	o->n++;
	return 0;
}

/* "a.b[2].*.c" -> a, b, 2, *, c */
static int split_path(struct override *o, const char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		int r;
		if (p[i] == '[') {
			const char *close = memchr(p + i, ']', len - i);
			if (!close)
				return -EINVAL;
			j = (size_t)(close - p);
			r = add_step(o, p + i + 1, j - i - 1, true);
			j++;
		} else {
			while (j < len && p[j] != '.' && p[j] != '[')
				j++;
			r = add_step(o, p + i, j - i, false);
		}
		if (r < 0)
			return r;
		if (j < len && p[j] == '.') {
			j++;
			if (j == len)
				return -EINVAL;
		}
		i = j;
	}
	return o->n ? 0 : -EINVAL;
}

static int replace(struct override *o, struct yaml_node **slot, const char *path)
{
	struct yaml_node *copy = config_ydoc_node_copy(o->value, path);
	if (!copy)
		return -ENOMEM;
	config_ydoc_node_free(*slot);
	*slot = copy;
	o->count++;
	return 0;
}

static int walk(struct override *o, struct yaml_node **slot, size_t i, bool wild);

static int walk_all(struct override *o, struct yaml_node *n, size_t i)
{
	for (size_t k = 0; k < n->n; k++) {
		struct yaml_node **child =
			n->kind == YAML_KIND_SEQUENCE ? &n->items[k] : &n->pairs[k].value;
		int r = walk(o, child, i + 1, true);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_key(struct override *o, struct yaml_node *map, const char *key, size_t i)
{
	char *cp = config_ydoc_child_path(map->path, key);
	struct yaml_node *child = NULL;
	int r = -ENOMEM;

	if (!cp)
		return -ENOMEM;
	child = i + 1 == o->n ? config_ydoc_node_copy(o->value, cp)
			      : config_ydoc_node_new(YAML_KIND_MAPPING, &o->where, cp);
	if (child && (r = config_ydoc_map_append(map, key, &o->where, child)) == 0) {
		if (i + 1 == o->n)
			o->count++;
		else
			r = walk(o, &map->pairs[map->n - 1].value, i + 1, false);
	} else {
		config_ydoc_node_free(child);
	}
	free(cp);
	return r;
}

static int walk_mapping(struct override *o, struct yaml_node *n, size_t i, bool wild)
{
	const char *key = o->steps[i].key;

	for (size_t k = 0; k < n->n; k++)
		if (!strcmp(n->pairs[k].key, key))
			return walk(o, &n->pairs[k].value, i + 1, wild);
	return wild ? 0 : add_key(o, n, key, i);
}

static int walk_sequence(struct override *o, struct yaml_node *n, size_t i, bool wild)
{
	if (!o->steps[i].is_index)
		return wild ? 0 : -EINVAL;
	unsigned long idx = strtoul(o->steps[i].key, NULL, 10);
	if (idx >= n->n)
		return wild ? 0 : -ERANGE;
	return walk(o, &n->items[idx], i + 1, wild);
}

/* slot holds the node reached after steps[0..i) */
static int walk(struct override *o, struct yaml_node **slot, size_t i, bool wild)
{
	struct yaml_node *n = *slot;

	if (i == o->n)
		return replace(o, slot, n->path);
	if (!strcmp(o->steps[i].key, "*"))
		return n->kind == YAML_KIND_SCALAR ? 0 : walk_all(o, n, i);
	if (n->kind == YAML_KIND_MAPPING)
		return walk_mapping(o, n, i, wild);
	if (n->kind == YAML_KIND_SEQUENCE)
		return walk_sequence(o, n, i, wild);
	return wild ? 0 : -ENOTDIR;
}

/* parsed values carry marks relative to the value text: move them into the argument */
static void shift_marks(struct yaml_node *n, unsigned line, unsigned col0)
{
	n->mark.file = set_file;
	n->mark.col = n->mark.line == 1 ? n->mark.col + col0 : n->mark.col;
	n->mark.line = line;
	for (size_t k = 0; k < n->n; k++) {
		if (n->kind == YAML_KIND_SEQUENCE) {
			shift_marks(n->items[k], line, col0);
		} else {
			struct yaml_mark *km = &n->pairs[k].key_mark;
			km->file = set_file;
			km->col = km->line == 1 ? km->col + col0 : km->col;
			km->line = line;
			shift_marks(n->pairs[k].value, line, col0);
		}
	}
}

static void path_error(struct override *o, int r)
{
	const char *why = r == -ERANGE ? "index past the end of the list"
			  : r == -ENOTDIR ? "goes inside a plain value"
			  : "a list needs a number or * here";
	config_error_at(o->e, &o->where, NULL, "KEY.PATH=VALUE selecting existing items",
			"override \"%s\": %s", o->text, why);
}

static int apply(struct override *o, struct yaml_doc *d, struct yaml_doc *vd)
{
	struct yaml_mark root_mark = o->where;
	int r;

	if (!d->root) {
		d->root = config_ydoc_node_new(YAML_KIND_MAPPING, &root_mark, "");
		if (!d->root)
			return -ENOMEM;
	}
	o->value = vd->root;
	r = walk(o, &d->root, 0, false);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		path_error(o, r);
		return -EINVAL;
	}
	if (o->count == 0) {
		config_error_at(o->e, &o->where, NULL, "KEY.PATH=VALUE selecting existing items",
				"override \"%s\" selects nothing", o->text);
		return -EINVAL;
	}
	return o->count;
}

int config_yaml_doc_override(struct yaml_doc *d, const char *assignment, unsigned index,
			     struct config_errors *e)
{
	struct override o = {.e = e, .text = assignment};
	const char *eq = strchr(assignment, '=');
	struct yaml_doc *vd = NULL;
	int r;

	o.where = (struct yaml_mark){.file = set_file, .line = index + 1, .col = 1};
	r = eq ? split_path(&o, assignment, (size_t)(eq - assignment)) : -EINVAL;
	if (r == -EINVAL) {
		config_error_at(e, &o.where, NULL, "KEY.PATH=VALUE such as phases.*.duration=3s",
				"bad override \"%s\"", assignment);
		goto out;
	}
	if (r < 0)
		goto out;
	struct config_errors ve = {0};
	vd = config_yaml_doc_load_string(set_file, eq + 1, strlen(eq + 1), &ve);
	if (!vd) {
		config_errors_free(&ve);
		r = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < ve.n; k++)
		config_error_add(e, set_file, index + 1, ve.v[k].col + (unsigned)(eq + 1 - assignment),
				 NULL, ve.v[k].expected, "%s", ve.v[k].message);
	r = ve.n ? -EINVAL : 0;
	config_errors_free(&ve);
	if (r == 0 && !vd->root) {
		struct yaml_mark m = {set_file, 1, 1};
		vd->root = config_ydoc_node_new(YAML_KIND_SCALAR, &m, "");
		if (vd->root && !(vd->root->scalar = strdup("")))
			r = -ENOMEM;
		if (vd->root)
			vd->root->plain = true;
		else
			r = -ENOMEM;
	}
	if (r == 0) {
		shift_marks(vd->root, index + 1, (unsigned)(eq + 1 - assignment));
		r = apply(&o, d, vd);
	}
out:
	for (size_t k = 0; k < o.n; k++)
		free(o.steps[k].key);
	config_yaml_doc_free(vd);
	return r;
}
