/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tree building from libyaml events: config_yaml_doc_load() -> build_document() ->
 * build_node() recursively for mappings and sequences. Overrides are in
 * yaml-override.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config-errors.h"
#include "yaml-doc.h"
#include "yaml-doc-priv.h"

/* deeper nesting than this is certainly not a campaign, and would blow the stack */
#define MAX_DEPTH 64

struct anchor {
	char *name;
	const struct yaml_node *node;
};

struct builder {
	yaml_parser_t parser;
	const char *file; /* the document's copy */
	struct config_errors *e;
	struct anchor *anchors;
	size_t n_anchors;
	bool failed; /* a syntax error was recorded: stop reading events */
	bool oom;
};

char *config_ydoc_child_path(const char *parent, const char *key)
{
	char *p = NULL;
	if (asprintf(&p, "%s%s%s", parent, parent[0] ? "." : "", key) < 0)
		return NULL;
	return p;
}

char *config_ydoc_item_path(const char *parent, size_t i)
{
	char *p = NULL;
	if (asprintf(&p, "%s[%zu]", parent, i) < 0)
		return NULL;
	return p;
}

void config_ydoc_node_free(struct yaml_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		if (n->kind == YAML_KIND_SEQUENCE) {
			config_ydoc_node_free(n->items[i]);
		} else if (n->kind == YAML_KIND_MAPPING) {
			free(n->pairs[i].key);
			config_ydoc_node_free(n->pairs[i].value);
		}
	}
	free(n->items);
	free(n->pairs);
	free(n->scalar);
	free(n->path);
	free(n);
}

struct yaml_node *config_ydoc_node_new(enum yaml_kind kind, const struct yaml_mark *m,
				       const char *path)
{
	struct yaml_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->mark = *m;
	n->path = strdup(path);
	if (!n->path) {
		free(n);
		return NULL;
	}
	return n;
}

int config_ydoc_seq_append(struct yaml_node *seq, struct yaml_node *item)
{
	struct yaml_node **v = realloc(seq->items, (seq->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	seq->items = v;
	seq->items[seq->n++] = item;
	return 0;
}

int config_ydoc_map_append(struct yaml_node *map, const char *key, const struct yaml_mark *key_mark,
			   struct yaml_node *value)
{
	char *k = strdup(key);
	struct yaml_pair *v = realloc(map->pairs, (map->n + 1) * sizeof(*v));
	if (v)
		map->pairs = v;
	if (!k || !v) {
		free(k);
		return -ENOMEM;
	}
	map->pairs[map->n++] = (struct yaml_pair){.key = k, .key_mark = *key_mark, .value = value};
	return 0;
}

struct yaml_node *config_ydoc_node_copy(const struct yaml_node *src, const char *path)
{
	struct yaml_node *n = config_ydoc_node_new(src->kind, &src->mark, path);
	if (!n)
		return NULL;
	n->plain = src->plain;
	n->len = src->len;
	if (src->scalar && !(n->scalar = strdup(src->scalar)))
		goto fail;
	for (size_t i = 0; i < src->n; i++) {
		struct yaml_node *child;
		char *cp;
		if (src->kind == YAML_KIND_SEQUENCE)
			cp = config_ydoc_item_path(path, i);
		else
			cp = config_ydoc_child_path(path, src->pairs[i].key);
		if (!cp)
			goto fail;
		child = config_ydoc_node_copy(
			src->kind == YAML_KIND_SEQUENCE ? src->items[i] : src->pairs[i].value, cp);
		free(cp);
		if (!child)
			goto fail;
		int r = src->kind == YAML_KIND_SEQUENCE
				? config_ydoc_seq_append(n, child)
				: config_ydoc_map_append(n, src->pairs[i].key,
							 &src->pairs[i].key_mark, child);
		if (r < 0) {
			config_ydoc_node_free(child);
			goto fail;
		}
	}
	return n;
fail:
	config_ydoc_node_free(n);
	return NULL;
}

static struct yaml_mark mark_of(const struct builder *b, const yaml_mark_t *m)
{
	return (struct yaml_mark){.file = b->file, .line = (unsigned)m->line + 1,
				  .col = (unsigned)m->column + 1};
}

static void syntax_error(struct builder *b)
{
	const yaml_parser_t *p = &b->parser;
	struct yaml_mark m = mark_of(b, &p->problem_mark);

	if (p->error == YAML_MEMORY_ERROR) {
		b->oom = true;
	} else if (p->context) {
		config_error_at(b->e, &m, NULL, NULL, "YAML syntax error: %s %s at line %zu, column %zu",
				p->problem ? p->problem : "unknown problem", p->context,
				p->context_mark.line + 1, p->context_mark.column + 1);
	} else {
		config_error_at(b->e, &m, NULL, NULL, "YAML syntax error: %s",
				p->problem ? p->problem : "unknown problem");
	}
	b->failed = true;
}

static bool next_event(struct builder *b, yaml_event_t *ev)
{
	if (b->failed)
		return false;
	if (!yaml_parser_parse(&b->parser, ev)) {
		syntax_error(b);
		return false;
	}
	return true;
}

static void remember_anchor(struct builder *b, const yaml_char_t *name, const struct yaml_node *n)
{
	struct anchor *v;

	if (!name || !n)
		return;
	v = realloc(b->anchors, (b->n_anchors + 1) * sizeof(*v));
	if (!v) {
		b->oom = true;
		return;
	}
	b->anchors = v;
	v[b->n_anchors].name = strdup((const char *)name);
	v[b->n_anchors].node = n;
	if (!v[b->n_anchors].name) {
		b->oom = true;
		return;
	}
	b->n_anchors++;
}

/* the newest anchor of that name wins, as YAML says */
static const struct yaml_node *find_anchor(const struct builder *b, const char *name)
{
	for (size_t i = b->n_anchors; i-- > 0;)
		if (!strcmp(b->anchors[i].name, name))
			return b->anchors[i].node;
	return NULL;
}

static struct yaml_node *build_node(struct builder *b, yaml_event_t *ev, const char *path,
				    int depth);

static struct yaml_node *build_scalar(struct builder *b, yaml_event_t *ev, const char *path)
{
	struct yaml_mark m = mark_of(b, &ev->start_mark);
	struct yaml_node *n = config_ydoc_node_new(YAML_KIND_SCALAR, &m, path);

	if (!n)
		return NULL;
	n->len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->scalar = malloc(n->len + 1);
	if (!n->scalar) {
		config_ydoc_node_free(n);
		return NULL;
	}
	memcpy(n->scalar, ev->data.scalar.value, n->len);
	n->scalar[n->len] = '\0';
	return n;
}

static struct yaml_node *build_alias(struct builder *b, yaml_event_t *ev, const char *path)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const struct yaml_node *target = find_anchor(b, name);
	struct yaml_mark m = mark_of(b, &ev->start_mark);

	if (!target) {
		config_error_at(b->e, &m, path, "an anchor defined earlier with &name",
				"unknown alias *%s", name);
		return config_ydoc_node_new(YAML_KIND_SCALAR, &m, path);
	}
	return config_ydoc_node_copy(target, path);
}

static struct yaml_node *build_sequence(struct builder *b, yaml_event_t *ev, const char *path,
					int depth)
{
	struct yaml_mark m = mark_of(b, &ev->start_mark);
	struct yaml_node *n = config_ydoc_node_new(YAML_KIND_SEQUENCE, &m, path);
	yaml_event_t item;

	while (n && next_event(b, &item)) {
		if (item.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&item);
			return n;
		}
		char *cp = config_ydoc_item_path(path, n->n);
		struct yaml_node *child = cp ? build_node(b, &item, cp, depth + 1) : NULL;
		free(cp);
		yaml_event_delete(&item);
		if (!child || config_ydoc_seq_append(n, child) < 0) {
			config_ydoc_node_free(child);
			b->oom |= !b->failed;
			break;
		}
	}
	return n; /* partial after an error; the error is recorded */
}

static bool check_duplicate(struct builder *b, const struct yaml_node *map, const char *key,
			    const struct yaml_mark *km, const char *path)
{
	const struct yaml_pair *first = config_yaml_map_pair(map, key);

	if (!first)
		return false;
	config_error_at(b->e, km, path, "each key once per mapping",
			"duplicate key (first at line %u, column %u)", first->key_mark.line,
			first->key_mark.col);
	return true;
}

/* a key must be a scalar; the value follows it */
static bool build_pair(struct builder *b, struct yaml_node *map, yaml_event_t *kev, int depth)
{
	struct yaml_mark km = mark_of(b, &kev->start_mark);
	yaml_event_t vev;
	bool ok = true;

	if (kev->type != YAML_SCALAR_EVENT) {
		config_error_at(b->e, &km, map->path, "a plain key such as name:",
				"complex mapping keys are not supported");
		struct yaml_node *skip = build_node(b, kev, map->path, depth + 1);
		config_ydoc_node_free(skip);
		if (!next_event(b, &vev))
			return false;
		skip = build_node(b, &vev, map->path, depth + 1);
		config_ydoc_node_free(skip);
		yaml_event_delete(&vev);
		return !b->failed;
	}

	const char *key = (const char *)kev->data.scalar.value;
	char *cp = config_ydoc_child_path(map->path, key);
	if (!cp || !next_event(b, &vev)) {
		b->oom |= !cp;
		free(cp);
		return false;
	}
	struct yaml_node *value = build_node(b, &vev, cp, depth + 1);
	yaml_event_delete(&vev);
	if (!value) {
		b->oom |= !b->failed;
		ok = false;
	} else if (check_duplicate(b, map, key, &km, cp)) {
		config_ydoc_node_free(value);
	} else if (config_ydoc_map_append(map, key, &km, value) < 0) {
		config_ydoc_node_free(value);
		b->oom = true;
		ok = false;
	}
	free(cp);
	return ok && !b->failed;
}

static struct yaml_node *build_mapping(struct builder *b, yaml_event_t *ev, const char *path,
				       int depth)
{
	struct yaml_mark m = mark_of(b, &ev->start_mark);
	struct yaml_node *n = config_ydoc_node_new(YAML_KIND_MAPPING, &m, path);
	yaml_event_t kev;

	while (n && next_event(b, &kev)) {
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			return n;
		}
		bool ok = build_pair(b, n, &kev, depth);
		yaml_event_delete(&kev);
		if (!ok)
			break;
	}
	return n;
}

static struct yaml_node *build_node(struct builder *b, yaml_event_t *ev, const char *path,
				    int depth)
{
	struct yaml_node *n = NULL;
	const yaml_char_t *anchor = NULL;

	if (depth > MAX_DEPTH) {
		struct yaml_mark m = mark_of(b, &ev->start_mark);
		config_error_at(b->e, &m, path, "at most 64 levels", "nesting too deep");
		b->failed = true;
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		n = build_scalar(b, ev, path);
		break;
	case YAML_ALIAS_EVENT:
		n = build_alias(b, ev, path);
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		n = build_sequence(b, ev, path, depth);
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		n = build_mapping(b, ev, path, depth);
		break;
	default:
		break;
	}
	remember_anchor(b, anchor, n);
	return n;
}

/* stream start, document start, root node, document end, then nothing else */
static void build_document(struct builder *b, struct yaml_doc *d)
{
	yaml_event_t ev;

	while (next_event(b, &ev)) {
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return;
		}
		if (t == YAML_DOCUMENT_START_EVENT && d->root) {
			struct yaml_mark m = mark_of(b, &ev.start_mark);
			config_error_at(b->e, &m, NULL, "one document per file",
					"a second YAML document starts here");
			yaml_event_delete(&ev);
			return;
		}
		if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
		    t == YAML_MAPPING_START_EVENT || t == YAML_ALIAS_EVENT)
			d->root = build_node(b, &ev, "", 0);
		yaml_event_delete(&ev);
	}
}

static struct yaml_doc *load_with(const char *name, struct builder *b, struct config_errors *e)
{
	struct yaml_doc *d = calloc(1, sizeof(*d));

	if (!d || !(d->file = strdup(name))) {
		free(d);
		yaml_parser_delete(&b->parser);
		errno = ENOMEM;
		return NULL;
	}
	b->file = d->file;
	b->e = e;
	build_document(b, d);
	for (size_t i = 0; i < b->n_anchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
	yaml_parser_delete(&b->parser);
	if (b->oom) {
		config_yaml_doc_free(d);
		errno = ENOMEM;
		return NULL;
	}
	return d;
}

struct yaml_doc *config_yaml_doc_load_string(const char *name, const char *text, size_t len,
					     struct config_errors *e)
{
	struct builder b = {0};

	if (!yaml_parser_initialize(&b.parser)) {
		errno = ENOMEM;
		return NULL;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
	return load_with(name, &b, e);
}

struct yaml_doc *config_yaml_doc_load(const char *path, struct config_errors *e)
{
	struct builder b = {0};
	struct yaml_doc *d;
	FILE *f = fopen(path, "rb");

	if (!f) {
		config_error_add(e, path, 1, 1, NULL, "a readable YAML file", "cannot open: %s",
				 strerror(errno));
		d = calloc(1, sizeof(*d));
		if (d && !(d->file = strdup(path))) {
			free(d);
			d = NULL;
		}
		if (!d)
			errno = ENOMEM;
		return d;
	}
	if (!yaml_parser_initialize(&b.parser)) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	yaml_parser_set_input_file(&b.parser, f);
	d = load_with(path, &b, e);
	fclose(f);
	return d;
}

void config_yaml_doc_free(struct yaml_doc *d)
{
	if (!d)
		return;
	config_ydoc_node_free(d->root);
	free(d->file);
	free(d);
}

const struct yaml_pair *config_yaml_map_pair(const struct yaml_node *n, const char *key)
{
	if (!n || n->kind != YAML_KIND_MAPPING)
		return NULL;
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->pairs[i].key, key))
			return &n->pairs[i];
	return NULL;
}

const struct yaml_node *config_yaml_map_get(const struct yaml_node *n, const char *key)
{
	const struct yaml_pair *p = config_yaml_map_pair(n, key);
	return p ? p->value : NULL;
}

size_t config_yaml_len(const struct yaml_node *n)
{
	return n && n->kind != YAML_KIND_SCALAR ? n->n : 0;
}

const struct yaml_node *config_yaml_seq_at(const struct yaml_node *n, size_t i)
{
	if (!n || n->kind != YAML_KIND_SEQUENCE || i >= n->n)
		return NULL;
	return n->items[i];
}

bool config_yaml_is_null(const struct yaml_node *n)
{
	if (!n || n->kind != YAML_KIND_SCALAR || !n->plain)
		return false;
	return !strcmp(n->scalar, "") || !strcmp(n->scalar, "~") || !strcmp(n->scalar, "null") ||
	       !strcmp(n->scalar, "Null") || !strcmp(n->scalar, "NULL");
}

const char *config_yaml_kind_name(const struct yaml_node *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YAML_KIND_MAPPING:
		return "a mapping";
	case YAML_KIND_SEQUENCE:
		return "a list";
	default:
		return config_yaml_is_null(n) ? "an empty value" : "a value";
	}
}
