/* SPDX-License-Identifier: BSD-3-Clause */
/* Escaping and number formatting for report.html. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html-priv.h"

void html_text(FILE *f, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void html_number(FILE *f, double v, int decimals)
{
	char raw[64];
	const char *p = raw;

	if (!isfinite(v)) {
		fputs("&ndash;", f);
		return;
	}
	snprintf(raw, sizeof(raw), "%.*f", decimals, v);
	if (*p == '-')
		fputc(*p++, f);
	size_t int_len = strcspn(p, ".");
	for (size_t i = 0; i < int_len; i++) {
		if (i > 0 && (int_len - i) % 3 == 0)
			fputc(',', f);
		fputc(p[i], f);
	}
	fputs(p + int_len, f);
}

void html_json_number(FILE *f, const json_t *v, int decimals)
{
	if (json_is_integer(v))
		html_number(f, (double)json_integer_value(v), 0);
	else if (json_is_number(v))
		html_number(f, json_number_value(v), decimals);
	else
		fputs("&ndash;", f);
}

void html_duration(FILE *f, double s)
{
	if (s < 120)
		fprintf(f, "%.0f s", s);
	else if (s < 2 * 3600)
		fprintf(f, "%.1f min", s / 60);
	else
		fprintf(f, "%.1f h", s / 3600);
}

/* RFC 3986: a scheme is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" before
 * any '/', '?' or '#'. Refusing every ':' there is stricter and simpler.
 * Leading "//" would be a network path, and browsers read '\' as '/': both
 * refused too. */
bool html_safe_relative_link(const char *path)
{
	if (path == NULL || *path == '\0' || strncmp(path, "//", 2) == 0 ||
	    strchr(path, '\\') != NULL)
		return false;
	size_t head = strcspn(path, "/?#");
	return memchr(path, ':', head) == NULL;
}
