/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A YAML document as a tree of nodes that remember where they came from.
 *
 * libyaml's event parser feeds a small tree: mappings, sequences and scalars,
 * each with the file, line and column (1-based) where it starts and its key
 * path from the root ("phases[1].duration"). Mapping keys keep their own mark
 * so an unknown key can be reported where it is written. Aliases (*name) are
 * expanded into copies of their anchor; duplicate keys are errors. Everything
 * goes into a struct config_errors (config-errors.h) instead of stopping.
 *
 *   struct config_errors e = {0};
 *   struct yaml_doc *d = config_yaml_doc_load("smoke.yaml", &e);
 *   const struct yaml_node *phases = config_yaml_map_get(d->root, "phases");
 *   for (size_t i = 0; phases && i < config_yaml_len(phases); i++)
 *           use(config_yaml_seq_at(phases, i));
 *   config_yaml_doc_free(d);
 *
 * Typed access (durations, sizes, strict mappings...) is in config-get.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct config_errors;

enum yaml_kind {
	YAML_KIND_SCALAR,
	YAML_KIND_SEQUENCE,
	YAML_KIND_MAPPING,
};

/* Where a node or key starts. file points into the owning document. */
struct yaml_mark {
	const char *file;
	unsigned line; /* 1-based */
	unsigned col;  /* 1-based */
};

struct yaml_node;

struct yaml_pair {
	char *key;
	struct yaml_mark key_mark;
	struct yaml_node *value;
};

struct yaml_node {
	enum yaml_kind kind;
	struct yaml_mark mark;
	char *path; /* "" for the root, "rig.ports[0]", ... */
	/* YAML_KIND_SCALAR */
	char *scalar; /* NUL-terminated; "" for an empty value (`key:`) */
	size_t len;
	bool plain;   /* written without quotes: `null`, `~` and `` mean empty */
	/* YAML_KIND_SEQUENCE: items; YAML_KIND_MAPPING: pairs, in file order */
	size_t n;
	struct yaml_node **items;
	struct yaml_pair *pairs;
};

struct yaml_doc {
	char *file;
	struct yaml_node *root; /* NULL for an empty file */
};

/** Load and parse a file. Syntax errors (with libyaml's line:col), duplicate
 * keys and unreadable files are recorded in e. Returns the document, also
 * when errors were found in it (root may then be partial or NULL); NULL with
 * errno only when memory runs out. Free with config_yaml_doc_free(). */
struct yaml_doc *config_yaml_doc_load(const char *path, struct config_errors *e);

/** Same from a string; name is used as the file in marks and errors. */
struct yaml_doc *config_yaml_doc_load_string(const char *name, const char *text, size_t len,
					     struct config_errors *e);

void config_yaml_doc_free(struct yaml_doc *d);

/** Child of a mapping by key, or NULL (also when n is NULL or no mapping). */
const struct yaml_node *config_yaml_map_get(const struct yaml_node *n, const char *key);

/** The pair holding key, or NULL. */
const struct yaml_pair *config_yaml_map_pair(const struct yaml_node *n, const char *key);

/** Number of items of a sequence or pairs of a mapping; 0 otherwise. */
size_t config_yaml_len(const struct yaml_node *n);

/** Item i of a sequence, NULL when out of range or not a sequence. */
const struct yaml_node *config_yaml_seq_at(const struct yaml_node *n, size_t i);

/** True for a plain empty scalar: `key:`, `key: ~`, `key: null`. */
bool config_yaml_is_null(const struct yaml_node *n);

/** "a mapping", "a list", "a value" (for messages). */
const char *config_yaml_kind_name(const struct yaml_node *n);

/**
 * Apply an override "KEY.PATH=VALUE" (from `--set`). Path components are
 * separated by dots; a number selects a list item (`phases.0.name`, also
 * written `phases[0].name`); `*` selects every item of a list or every value
 * of a mapping. VALUE is parsed as YAML (`3s`, `[a, b]`, `{from: 1, to: 2}`).
 * Without `*`, the last key is replaced or added, and missing mappings on
 * the way are created (`output.folder=/tmp/x` works on a file without
 * `output`). A `*` only changes what exists: items that lack the rest of the
 * path are left alone. Errors (bad syntax, a path that
 * selects nothing) are recorded in e with file "--set", line = index + 1 and
 * the column inside the argument. Returns how many nodes were set, or a
 * negative errno (-EINVAL after recording the error, -ENOMEM).
 */
int config_yaml_doc_override(struct yaml_doc *d, const char *assignment, unsigned index,
			     struct config_errors *e);
