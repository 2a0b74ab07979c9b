/* SPDX-License-Identifier: BSD-3-Clause */
/* Prometheus text format: a line parser and a chunk-tolerant stream. */
#include "prom.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static size_t skip_blanks(const char *p, size_t i, size_t len)
{
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

/* name: [a-zA-Z_:][a-zA-Z0-9_:]*; returns the end index, or start if none. */
static size_t scan_name(const char *p, size_t i, size_t len)
{
	if (i >= len || !is_name_start(p[i]))
		return i;
	while (i < len && is_name_char(p[i]))
		i++;
	return i;
}

/* "value" with \\ \" \n escapes; i at the opening quote. End index or 0. */
static size_t scan_quoted(const char *p, size_t i, size_t len)
{
	for (i++; i < len; i++) {
		if (p[i] == '\\') {
			if (i + 1 >= len ||
			    (p[i + 1] != '\\' && p[i + 1] != '"' && p[i + 1] != 'n'))
				return 0;
			i++;
		} else if (p[i] == '"') {
			return i + 1;
		}
	}
	return 0;
}

/* {a="x",b="y",} with i at '{'; returns the index after '}' or 0. */
static size_t scan_labels(const char *p, size_t i, size_t len)
{
	for (i = skip_blanks(p, i + 1, len); i < len; i = skip_blanks(p, i, len)) {
		size_t end;

		if (p[i] == '}')
			return i + 1;
		end = scan_name(p, i, len);
		if (end == i || p[i] == ':')
			return 0;
		i = skip_blanks(p, end, len);
		if (i >= len || p[i] != '=')
			return 0;
		i = skip_blanks(p, i + 1, len);
		if (i >= len || p[i] != '"' || (i = scan_quoted(p, i, len)) == 0)
			return 0;
		i = skip_blanks(p, i, len);
		if (i < len && p[i] == ',')
			i++;
		else if (i < len && p[i] != '}')
			return 0;
	}
	return 0;
}

/* A float token as Prometheus writes it (Go's ParseFloat syntax). */
static int parse_value(const char *p, size_t len, double *out)
{
	char tok[64];
	char *end;

	if (len == 0 || len >= sizeof(tok))
		return -EINVAL;
	memcpy(tok, p, len);
	tok[len] = '\0';
	if (!strcmp(tok, "+Inf") || !strcmp(tok, "Inf")) {
		*out = INFINITY;
		return 0;
	}
	if (!strcmp(tok, "-Inf")) {
		*out = -INFINITY;
		return 0;
	}
	if (!strcmp(tok, "NaN")) {
		*out = NAN;
		return 0;
	}
	/* strtod also takes hex, "inf" and "nan(...)": Prometheus does not */
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789+-.eE", tok[i]))
			return -EINVAL;
	errno = 0;
	*out = strtod(tok, &end);
	if (end != tok + len || errno == ERANGE)
		return -EINVAL;
	return 0;
}

/* Optional timestamp: an integer of milliseconds. */
static int check_timestamp(const char *p, size_t i, size_t len)
{
	size_t start = i;

	if (i < len && p[i] == '-')
		i++;
	while (i < len && p[i] >= '0' && p[i] <= '9')
		i++;
	if (i == start || (p[start] == '-' && i == start + 1))
		return -EINVAL;
	return skip_blanks(p, i, len) == len ? 0 : -EINVAL;
}

int prom_parse_line(const char *line, size_t len, struct prom_sample *out)
{
	size_t i = skip_blanks(line, 0, len), name_end, v_start, v_end;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (i >= len || line[i] == '#')
		return 0;
	name_end = scan_name(line, i, len);
	if (name_end == i)
		return -EINVAL;
	out->name = line + i;
	out->name_len = name_end - i;
	out->labels = "";
	out->labels_len = 0;
	i = name_end;
	if (i < len && line[i] == '{') {
		size_t end = scan_labels(line, i, len);

		if (end == 0)
			return -EINVAL;
		out->labels = line + i + 1;
		out->labels_len = end - i - 2;
		i = end;
	}
	if (i >= len || (line[i] != ' ' && line[i] != '\t'))
		return -EINVAL;
	v_start = skip_blanks(line, i, len);
	for (v_end = v_start; v_end < len && line[v_end] != ' ' && line[v_end] != '\t'; v_end++)
		;
	if (parse_value(line + v_start, v_end - v_start, &out->value) < 0)
		return -EINVAL;
	i = skip_blanks(line, v_end, len);
	if (i < len && check_timestamp(line, i, len) < 0)
		return -EINVAL;
	return 1;
}

void prom_stream_init(struct prom_stream *s, prom_sample_fn fn, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->fn = fn;
	s->arg = arg;
}

static void end_line(struct prom_stream *s)
{
	struct prom_sample smp;
	int rc;

	s->lineno++;
	if (s->overlong) {
		rc = -EINVAL;
	} else {
		rc = prom_parse_line(s->line, s->len, &smp);
		if (rc > 0) {
			s->samples++;
			if (s->fn != NULL)
				s->fn(&smp, s->arg);
		}
	}
	if (rc < 0 && s->errors++ == 0)
		s->first_error_line = s->lineno;
	s->len = 0;
	s->overlong = false;
}

void prom_stream_feed(struct prom_stream *s, const char *buf, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl != NULL ? (size_t)(nl - buf) : len;

		if (!s->overlong && take <= sizeof(s->line) - s->len) {
			memcpy(s->line + s->len, buf, take);
			s->len += take;
		} else {
			s->overlong = true;
		}
		if (nl == NULL)
			return;
		end_line(s);
		buf += take + 1;
		len -= take + 1;
	}
}

void prom_stream_finish(struct prom_stream *s)
{
	if (s->len > 0 || s->overlong)
		end_line(s);
}

bool prom_match(const struct prom_sample *s, const char *spec)
{
	const char *brace = strchr(spec, '{');
	size_t name_len = brace != NULL ? (size_t)(brace - spec) : strlen(spec);
	size_t lab_len;

	if (name_len != s->name_len || memcmp(spec, s->name, name_len) != 0)
		return false;
	if (brace == NULL)
		return true;
	lab_len = strlen(brace + 1);
	if (lab_len == 0 || brace[lab_len] != '}')
		return false;
	lab_len--;
	return lab_len == s->labels_len && memcmp(brace + 1, s->labels, lab_len) == 0;
}
