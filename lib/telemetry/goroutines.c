/* SPDX-License-Identifier: BSD-3-Clause */
/* Goroutine profiles (debug=1 text) grouped by start function. */
#include "goroutines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SITES 512

struct sites {
	struct goroutine_site s[MAX_SITES];
	size_t n;
};

static struct goroutine_site *site_of(struct sites *ss, const char *name, size_t len)
{
	if (len >= sizeof(ss->s[0].name))
		len = sizeof(ss->s[0].name) - 1;
	for (size_t i = 0; i < ss->n; i++)
		if (!strncmp(ss->s[i].name, name, len) && ss->s[i].name[len] == '\0')
			return &ss->s[i];
	if (ss->n == MAX_SITES)
		return NULL;
	memcpy(ss->s[ss->n].name, name, len);
	ss->s[ss->n].name[len] = '\0';
	return &ss->s[ss->n++];
}

/* "#\t0x6b5a44\tmain.handler.func1+0x24\t/src/main.go:40": the function. */
static const char *frame_function(const char *line, size_t *len)
{
	const char *p = strchr(line, '\t'), *q, *end;

	if (p == NULL || (p = strchr(p + 1, '\t')) == NULL)
		return NULL;
	p++;
	end = strpbrk(p, "\t\n");
	q = strstr(p, "+0x");
	if (q == NULL || (end != NULL && q > end))
		q = end != NULL ? end : p + strlen(p);
	*len = (size_t)(q - p);
	return p;
}

/* Records: "COUNT @ addrs" then "#\t..." frames, innermost first. */
static int parse(const char *text, struct sites *ss, int after)
{
	long count = -1;
	const char *last = NULL, *line = text;
	size_t last_len = 0;

	if (strncmp(text, "goroutine profile:", 18) != 0)
		return -EINVAL;
	for (;;) {
		const char *nl = strchr(line, '\n');
		size_t len;
		char *endp;

		if (line[0] == '#' && count >= 0) {
			const char *f = frame_function(line, &len);

			if (f != NULL) {
				last = f;
				last_len = len;
			}
		} else if ((line[0] == '\n' || line[0] == '\0') && count >= 0 && last != NULL) {
			struct goroutine_site *s = site_of(ss, last, last_len);

			if (s != NULL)
				*(after ? &s->after : &s->before) += count;
			count = -1;
			last = NULL;
		} else if (line[0] >= '1' && line[0] <= '9') {
			long c = strtol(line, &endp, 10);

			if (!strncmp(endp, " @", 2)) {
				count = c;
				last = NULL;
			}
		}
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return 0;
}

static int by_growth(const void *a, const void *b)
{
	const struct goroutine_site *x = a, *y = b;
	long gx = x->after - x->before, gy = y->after - y->before;

	return (gy > gx) - (gy < gx);
}

int goroutine_growth(const char *before, const char *after, struct goroutine_site *out, size_t cap)
{
	struct sites *ss = calloc(1, sizeof(*ss));
	size_t n = 0;
	int rc;

	if (ss == NULL)
		return -ENOMEM;
	rc = parse(before, ss, 0);
	if (rc == 0)
		rc = parse(after, ss, 1);
	if (rc < 0) {
		free(ss);
		return rc;
	}
	qsort(ss->s, ss->n, sizeof(ss->s[0]), by_growth);
	for (size_t i = 0; i < ss->n && n < cap; i++)
		if (ss->s[i].after > ss->s[i].before)
			out[n++] = ss->s[i];
	free(ss);
	return (int)n;
}
