/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixed-memory time series: pairs merge when the array is full (series.h). */
#include "series.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct series {
	size_t cap;
	size_t n;	    /* points stored; points[n - 1] may still be filling */
	uint64_t factor;    /* added points per full stored point */
	uint64_t last_fill; /* added points merged into points[n - 1] */
	uint64_t raw;	    /* points added since creation */
	struct series_point points[];
};

struct series *series_create(size_t capacity)
{
	struct series *s;

	if (capacity < 2 || capacity % 2 != 0 ||
	    capacity > (SIZE_MAX - sizeof(*s)) / sizeof(struct series_point)) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s) + capacity * sizeof(struct series_point));
	if (s == NULL)
		return NULL;
	s->cap = capacity;
	s->factor = 1;
	return s;
}

void series_free(struct series *s)
{
	free(s);
}

/* Fold b (the later interval) into a. */
static void merge_into(struct series_point *a, const struct series_point *b)
{
	a->t = b->t;
	a->phase = b->phase;
	a->requests += b->requests;
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		a->responses[c] += b->responses[c];
	a->err_connect += b->err_connect;
	a->err_timeout += b->err_timeout;
	a->err_reset += b->err_reset;
	a->err_parse += b->err_parse;
	a->err_validation += b->err_validation;
	a->retrans += b->retrans;
	a->open_conns = b->open_conns;
	/* fmax() ignores a NAN operand: an unknown interval does not hide a known one */
	a->p50_us = fmax(a->p50_us, b->p50_us);
	a->p99_us = fmax(a->p99_us, b->p99_us);
	a->p999_us = fmax(a->p999_us, b->p999_us);
}

/* Halve the resolution: points 2k and 2k+1 become point k. Only called when
 * the array is full and its last point complete, so every result is too. */
static void compact(struct series *s)
{
	for (size_t k = 0; k < s->n / 2; k++) {
		struct series_point merged = s->points[2 * k];

		merge_into(&merged, &s->points[2 * k + 1]);
		s->points[k] = merged;
	}
	s->n /= 2;
	s->factor *= 2;
	s->last_fill = s->factor;
}

int series_add(struct series *s, const struct series_point *p)
{
	if (s == NULL || p == NULL || !isfinite(p->t))
		return -EINVAL;
	if (s->n > 0 && p->t < s->points[s->n - 1].t)
		return -EINVAL;
	s->raw++;
	if (s->n > 0 && s->last_fill < s->factor) {
		merge_into(&s->points[s->n - 1], p);
		s->last_fill++;
		return 0;
	}
	if (s->n == s->cap)
		compact(s);
	s->points[s->n++] = *p;
	s->last_fill = 1;
	return 0;
}

size_t series_count(const struct series *s)
{
	return s->n;
}

const struct series_point *series_at(const struct series *s, size_t i)
{
	return i < s->n ? &s->points[i] : NULL;
}

uint64_t series_raw_per_point(const struct series *s)
{
	return s->factor;
}

uint64_t series_raw_count(const struct series *s)
{
	return s->raw;
}

double series_interval(const struct series *s)
{
	if (s->n == 0)
		return 0;
	return s->points[s->n - 1].t / (double)s->raw * (double)s->factor;
}

double series_point_seconds(const struct series *s, size_t i)
{
	if (i >= s->n)
		return 0;
	return s->points[i].t - (i > 0 ? s->points[i - 1].t : 0);
}

void series_total(const struct series *s, struct series_point *out)
{
	memset(out, 0, sizeof(*out));
	out->p50_us = NAN;
	out->p99_us = NAN;
	out->p999_us = NAN;
	for (size_t i = 0; i < s->n; i++)
		merge_into(out, &s->points[i]);
}
