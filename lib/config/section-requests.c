/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * requests: named templates (method, path, headers, body or body_file,
 * weight, target) with their expectations (status classes, body patterns
 * compiled by hyperscan here once, so a bad regex is a config error with its
 * line and column).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifdef CONFIG_HAVE_HS
#include <hs.h>
#endif

#include "campaign-priv.h"
#include "config-errors.h"

#define MAX_BODY_FILE (64u << 20)
#define VARIABLES_EXPECTED "one of: ${seq}, ${rand}, ${conn}, ${lcore}"

static const char *const request_keys[] = {
	"name", "method", "path", "headers", "body", "body_file", "weight", "target", "max_head",
	"expect", NULL,
};
static const char *const request_expect_keys[] = {"status", "body", NULL};
static const char *const body_expect_keys[] = {"must", "must_not", NULL};
static const char *const pattern_keys[] = {"name", "regex", "caseless", NULL};

/* the template builder sets these itself (http/template.h) */
static const char *const reserved_headers[] = {
	"Host", "Content-Length", "Transfer-Encoding", "Connection", NULL,
};

static bool is_tchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       strchr("!#$%&'*+-.^_`|~", ch);
}

static bool is_token(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (!is_tchar(*t))
			return false;
	return true;
}

static bool has_ctl(const char *t, size_t len, bool allow_newlines)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)t[i];
		if ((ch < 0x20 && ch != '\t' && !(allow_newlines && (ch == '\r' || ch == '\n'))) ||
		    ch == 0x7f)
			return true;
	}
	return false;
}

/* every ${name} must be one we substitute */
static unsigned scan_variables(struct section_ctx *s, const struct yaml_node *at, const char *t,
			       size_t len)
{
	static const char *const names[] = {"seq", "rand", "conn", "lcore", NULL};
	unsigned used = 0;

	for (size_t i = 0; i + 1 < len; i++) {
		if (t[i] != '$' || t[i + 1] != '{')
			continue;
		const char *close = memchr(t + i + 2, '}', len - i - 2);
		if (!close) {
			config_error_at(s->e, &at->mark, at->path, VARIABLES_EXPECTED,
					"unterminated ${ in \"%.40s\"", t + i);
			return used;
		}
		size_t nl = (size_t)(close - (t + i + 2));
		unsigned k;
		for (k = 0; names[k]; k++)
			if (strlen(names[k]) == nl && !memcmp(names[k], t + i + 2, nl))
				break;
		if (names[k])
			used |= 1u << k;
		else
			config_error_at(s->e, &at->mark, at->path, VARIABLES_EXPECTED,
					"unknown variable ${%.*s}", (int)nl, t + i + 2);
		i += nl + 2;
	}
	return used;
}

static void parse_headers(struct section_ctx *s, const struct yaml_node *n,
			  struct campaign_request *r)
{
	if (!n || !cfg_expect_kind(n, s->e, YAML_KIND_MAPPING))
		return;
	r->headers = section_alloc(s, (n->n ? n->n : 1) * sizeof(*r->headers));
	if (!r->headers)
		return;
	for (size_t i = 0; i < n->n; i++) {
		const struct yaml_pair *p = &n->pairs[i];
		const char *value;
		if (!is_token(p->key)) {
			config_error_at(s->e, &p->key_mark, p->value->path,
					"a header name made of letters, digits and -",
					"bad header name");
			continue;
		}
		for (size_t k = 0; reserved_headers[k]; k++)
			if (!strcasecmp(p->key, reserved_headers[k]))
				config_error_at(s->e, &p->key_mark, p->value->path,
						"a header drench does not set itself; Host comes "
						"from targets[].host",
						"header %s is set by drench", reserved_headers[k]);
		if (cfg_get_string(p->value, s->e, &value) < 0)
			continue;
		if (has_ctl(value, strlen(value), false)) {
			config_error_at(s->e, &p->value->mark, p->value->path,
					"a header value on one line", "control character in value");
			continue;
		}
		r->variables |= scan_variables(s, p->value, value, strlen(value));
		r->headers[r->n_headers++] =
			(struct campaign_header){section_strdup(s, p->key), section_strdup(s, value)};
	}
}

static char *join_path(const char *dir, const char *file)
{
	char *p = NULL;
	if (file[0] == '/')
		return strdup(file);
	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return NULL;
	return p;
}

static void read_body_file(struct section_ctx *s, const struct yaml_node *n,
			   struct campaign_request *r)
{
	static const char expected[] = "a readable file of at most 64 MiB, relative to the campaign";
	const char *name;

	if (cfg_get_string(n, s->e, &name) < 0)
		return;
	r->body_file = section_strdup(s, name);
	char *full = join_path(s->dir, name);
	struct stat sb;
	/* a regular file only: a FIFO or /dev/stdin would block drench check */
	if (full && stat(full, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		config_error_at(s->e, &n->mark, n->path, expected, "\"%s\" is not a regular file",
				name);
		free(full);
		return;
	}
	FILE *f = full ? fopen(full, "rb") : NULL;
	uint8_t *buf = NULL;
	long size = -1;
	if (f && fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	if (!f || size < 0 || (unsigned long)size > MAX_BODY_FILE || fseek(f, 0, SEEK_SET) != 0) {
		config_error_at(s->e, &n->mark, n->path, expected, "cannot read \"%s\": %s", name,
				!f || size < 0 ? strerror(errno) : "too large");
	} else if ((buf = section_alloc(s, (size_t)size + 1)) &&
		   fread(buf, 1, (size_t)size, f) == (size_t)size) {
		r->body = buf;
		r->body_len = (size_t)size;
		r->variables |= scan_variables(s, n, (const char *)buf, (size_t)size);
	} else if (buf) {
		config_error_at(s->e, &n->mark, n->path, expected, "cannot read \"%s\"", name);
	}
	if (f)
		fclose(f);
	free(full);
}

uint32_t section_status_classes(struct section_ctx *s, const struct yaml_node *n)
{
	static const char expected[] = "status classes such as 2xx or [2xx, 3xx]";
	bool one = n->kind == YAML_KIND_SCALAR;
	uint32_t mask = 0;

	if (!one && !cfg_expect_kind(n, s->e, YAML_KIND_SEQUENCE))
		return 0;
	for (size_t i = 0; i < (one ? 1 : config_yaml_len(n)); i++) {
		const struct yaml_node *item = one ? n : config_yaml_seq_at(n, i);
		const char *t;
		if (cfg_get_string(item, s->e, &t) < 0)
			return 0;
		if (strlen(t) != 3 || t[0] < '1' || t[0] > '5' || strcasecmp(t + 1, "xx")) {
			config_error_at(s->e, &item->mark, item->path, expected,
					"bad status class \"%s\"", t);
			return 0;
		}
		mask |= CAMPAIGN_STATUS_CLASS(t[0] - '0');
	}
	if (!mask)
		config_error_at(s->e, &n->mark, n->path, expected, "no status classes");
	return mask;
}

/* compile alone, as lib/match will with the others, to catch errors now */
static void check_regex(struct section_ctx *s, const struct yaml_node *at,
			const struct campaign_pattern *p)
{
#ifdef CONFIG_HAVE_HS
	hs_database_t *db = NULL;
	hs_compile_error_t *err = NULL;
	unsigned flags = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH | (p->caseless ? HS_FLAG_CASELESS : 0);

	if (hs_compile(p->regex, flags, HS_MODE_STREAM, NULL, &db, &err) != HS_SUCCESS) {
		config_error_at(s->e, &at->mark, at->path, "a regular expression hyperscan accepts",
				"bad regex \"%s\": %s", p->regex,
				err && err->message ? err->message : "does not compile");
		hs_free_compile_error(err);
		return;
	}
	hs_free_database(db);
#else
	(void)s;
	(void)at;
	(void)p;
#endif
}

static bool parse_pattern(struct section_ctx *s, const struct yaml_node *n, bool must,
			  struct campaign_pattern *p)
{
	const struct yaml_node *rn = n;
	const char *regex, *name = NULL;

	if (n->kind == YAML_KIND_MAPPING) {
		if (!cfg_mapping_strict(n, s->e, pattern_keys))
			return false;
		rn = cfg_require(n, "regex", s->e, "a regular expression");
		cfg_get_string(config_yaml_map_get(n, "name"), s->e, &name);
		cfg_get_bool(config_yaml_map_get(n, "caseless"), s->e, &p->caseless);
	}
	if (!rn || cfg_get_string(rn, s->e, &regex) < 0)
		return false;
	p->regex = section_strdup(s, regex);
	p->name = section_strdup(s, name ? name : regex);
	p->must_match = must;
	p->where = campaign_where_of(s, rn);
	if (p->regex)
		check_regex(s, rn, p);
	return true;
}

static void parse_body_expect(struct section_ctx *s, const struct yaml_node *n,
			      struct campaign_request *r)
{
	const struct yaml_node *must = config_yaml_map_get(n, "must");
	const struct yaml_node *must_not = config_yaml_map_get(n, "must_not");

	if (!cfg_mapping_strict(n, s->e, body_expect_keys))
		return;
	if ((must && !cfg_expect_kind(must, s->e, YAML_KIND_SEQUENCE)) ||
	    (must_not && !cfg_expect_kind(must_not, s->e, YAML_KIND_SEQUENCE)))
		return;
	size_t total = config_yaml_len(must) + config_yaml_len(must_not);
	r->patterns = section_alloc(s, (total ? total : 1) * sizeof(*r->patterns));
	if (!r->patterns)
		return;
	for (size_t i = 0; i < config_yaml_len(must); i++)
		if (parse_pattern(s, config_yaml_seq_at(must, i), true,
				  &r->patterns[r->n_patterns]))
			r->n_patterns++;
	for (size_t i = 0; i < config_yaml_len(must_not); i++)
		if (parse_pattern(s, config_yaml_seq_at(must_not, i), false,
				  &r->patterns[r->n_patterns]))
			r->n_patterns++;
}

static void parse_request_expect(struct section_ctx *s, const struct yaml_node *n,
				 struct campaign_request *r)
{
	if (!n || !cfg_mapping_strict(n, s->e, request_expect_keys))
		return;
	const struct yaml_node *st = config_yaml_map_get(n, "status");
	if (st)
		r->status_classes = section_status_classes(s, st);
	const struct yaml_node *body = config_yaml_map_get(n, "body");
	if (body)
		parse_body_expect(s, body, r);
}

static void parse_method_path(struct section_ctx *s, const struct yaml_node *n,
			      struct campaign_request *r)
{
	const char *method = "GET", *path;
	const struct yaml_node *mn = config_yaml_map_get(n, "method");

	if (cfg_get_string(mn, s->e, &method) > 0 && !is_token(method))
		config_error_at(s->e, &mn->mark, mn->path, "an HTTP method such as GET or POST",
				"bad method \"%s\"", method);
	r->method = section_strdup(s, method);
	const struct yaml_node *pn = cfg_require(n, "path", s->e, "a path starting with /");
	if (cfg_get_string(pn, s->e, &path) <= 0)
		return;
	if (path[0] != '/' || strpbrk(path, " \t") || has_ctl(path, strlen(path), false))
		config_error_at(s->e, &pn->mark, pn->path, "a path starting with / without spaces",
				"bad path \"%s\"", path);
	r->path = section_strdup(s, path);
	r->variables |= scan_variables(s, pn, path, strlen(path));
}

static void parse_body(struct section_ctx *s, const struct yaml_node *n,
		       struct campaign_request *r)
{
	const struct yaml_node *body = config_yaml_map_get(n, "body");
	const struct yaml_node *file = config_yaml_map_get(n, "body_file");
	const char *text;

	if (body && file) {
		config_error_at(s->e, &file->mark, file->path, "either body or body_file",
				"body is given twice");
		return;
	}
	if (file) {
		read_body_file(s, file, r);
	} else if (cfg_get_string(body, s->e, &text) > 0) {
		r->body = (const uint8_t *)section_strdup(s, text);
		r->body_len = strlen(text);
		r->variables |= scan_variables(s, body, text, r->body_len);
	}
}

static void parse_request(struct section_ctx *s, const struct yaml_node *n,
			  struct campaign_request *r)
{
	const char *name = NULL, *target;
	int64_t weight = 1;

	r->where = campaign_where_of(s, n);
	r->weight = 1;
	r->status_classes = CAMPAIGN_STATUS_CLASS(2) | CAMPAIGN_STATUS_CLASS(3);
	if (!cfg_mapping_strict(n, s->e, request_keys))
		return;
	const struct yaml_node *nn = cfg_require(n, "name", s->e, "a name for the request");
	if (cfg_get_string(nn, s->e, &name) > 0) {
		if (campaign_find_request(s->c, name) >= 0)
			config_error_at(s->e, &nn->mark, nn->path, "a name used once",
					"request \"%s\" is defined twice", name);
		r->name = section_strdup(s, name);
	}
	parse_method_path(s, n, r);
	parse_headers(s, config_yaml_map_get(n, "headers"), r);
	parse_body(s, n, r);
	if (cfg_get_int(config_yaml_map_get(n, "weight"), s->e, 1, 1000000, &weight) > 0)
		r->weight = (unsigned)weight;
	uint64_t head = 16384;
	cfg_get_size(config_yaml_map_get(n, "max_head"), s->e, 256, 1u << 20, &head);
	r->max_head_bytes = (uint32_t)head;
	const struct yaml_node *tn = config_yaml_map_get(n, "target");
	if (cfg_get_string(tn, s->e, &target) > 0) {
		long t = campaign_find_target(s->c, target);
		if (t < 0)
			config_error_at(s->e, &tn->mark, tn->path, "the name of a target",
					"unknown target \"%s\"", target);
		r->target = t < 0 ? 0 : (size_t)t;
	}
	parse_request_expect(s, config_yaml_map_get(n, "expect"), r);
}

void section_requests(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign *c = s->c;

	if (!cfg_expect_kind(n, s->e, YAML_KIND_SEQUENCE))
		return;
	if (config_yaml_len(n) == 0) {
		config_error_at(s->e, &n->mark, n->path, "at least one request", "no requests");
		return;
	}
	c->requests = section_alloc(s, config_yaml_len(n) * sizeof(*c->requests));
	if (!c->requests)
		return;
	for (size_t i = 0; i < config_yaml_len(n); i++) {
		parse_request(s, config_yaml_seq_at(n, i), &c->requests[i]);
		c->n_requests = i + 1;
	}
}
