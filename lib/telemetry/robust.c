/* SPDX-License-Identifier: BSD-3-Clause */
/* Theil–Sen slope and Mann–Kendall trend test (Sen 1968, Kendall 1975). */
#include "robust.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static void swap_d(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* Wirth's selection: afterwards a[k] is the k-th smallest and a[0..k) <= a[k]. */
static double select_kth(double *a, size_t n, size_t k)
{
	long l = 0, m = (long)n - 1, kk = (long)k;

	while (l < m) {
		double x = a[kk];
		long i = l, j = m;

		do {
			while (a[i] < x)
				i++;
			while (x < a[j])
				j--;
			if (i <= j) {
				swap_d(&a[i], &a[j]);
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return a[kk];
}

double median_inplace(double *a, size_t n)
{
	double hi, lo;

	if (n == 0)
		return NAN;
	hi = select_kth(a, n, n / 2);
	if (n % 2)
		return hi;
	/* the lower middle is the largest value left of n/2 */
	lo = a[0];
	for (size_t i = 1; i < n / 2; i++)
		if (a[i] > lo)
			lo = a[i];
	return (lo + hi) / 2;
}

double theil_sen_slope(const struct trend_point *p, size_t n)
{
	size_t m = 0;
	double *slopes, r;

	if (n < 2)
		return NAN;
	slopes = malloc(sizeof(*slopes) * n * (n - 1) / 2);
	if (slopes == NULL)
		return NAN;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (p[j].t != p[i].t)
				slopes[m++] = (p[j].v - p[i].v) / (p[j].t - p[i].t);
	r = median_inplace(slopes, m);
	free(slopes);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double quantile_inplace(double *a, size_t n, double q)
{
	if (n == 0)
		return NAN;
	qsort(a, n, sizeof(*a), cmp_double);
	return a[(size_t)fmin((double)(n - 1), fmax(0, q * (double)(n - 1) + 0.5))];
}

/* Σ t(t-1)(2t+5) over groups of tied values. */
static double tie_term(const struct trend_point *p, size_t n)
{
	double *v = malloc(sizeof(*v) * n), sum = 0;
	size_t i = 0;

	if (v == NULL)
		return 0;
	for (size_t k = 0; k < n; k++)
		v[k] = p[k].v;
	qsort(v, n, sizeof(*v), cmp_double);
	while (i < n) {
		size_t j = i;

		while (j < n && v[j] == v[i])
			j++;
		if (j - i > 1) {
			double t = (double)(j - i);

			sum += t * (t - 1) * (2 * t + 5);
		}
		i = j;
	}
	free(v);
	return sum;
}

double mann_kendall_p(const struct trend_point *p, size_t n, double *s_out, double *z_out)
{
	double s = 0, var, z = 0, dn = (double)n;

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			s += (p[j].v > p[i].v) - (p[j].v < p[i].v);
	if (s_out != NULL)
		*s_out = s;
	if (z_out != NULL)
		*z_out = 0;
	if (n < 3)
		return 1.0;
	var = (dn * (dn - 1) * (2 * dn + 5) - tie_term(p, n)) / 18.0;
	if (var <= 0)
		return 1.0;
	if (s > 0)
		z = (s - 1) / sqrt(var);
	else if (s < 0)
		z = (s + 1) / sqrt(var);
	if (z_out != NULL)
		*z_out = z;
	return 0.5 * erfc(z / sqrt(2.0));
}

static int cmp_index_by_value(const void *a, const void *b, void *arg)
{
	const double *v = arg;
	double x = v[*(const size_t *)a], y = v[*(const size_t *)b];

	return (x > y) - (x < y);
}

/* Ranks 1..n of v (ties share their mean rank). */
static int ranks_of(const double *v, size_t n, double *rank)
{
	size_t *idx = malloc(sizeof(*idx) * n), i = 0;

	if (idx == NULL)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++)
		idx[k] = k;
	qsort_r(idx, n, sizeof(*idx), cmp_index_by_value, (void *)v);
	while (i < n) {
		size_t j = i;

		while (j < n && v[idx[j]] == v[idx[i]])
			j++;
		for (size_t k = i; k < j; k++)
			rank[idx[k]] = (double)(i + j + 1) / 2.0;
		i = j;
	}
	free(idx);
	return 0;
}

/* n/n* from the significant lag autocorrelations of the detrended ranks. */
static double hamed_rao_factor(const struct trend_point *p, size_t n)
{
	double slope = theil_sen_slope(p, n), *v, *r, mean = (double)(n + 1) / 2.0, den = 0;
	double dn = (double)n, sum = 0, bound = 1.96 / sqrt(dn);

	if (!isfinite(slope) || n < 4)
		return 1.0;
	v = malloc(sizeof(*v) * n);
	r = calloc(n, sizeof(*r));
	if (v == NULL || r == NULL) {
		free(v);
		free(r);
		return 1.0;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = p[i].v - slope * (p[i].t - p[0].t);
	if (ranks_of(v, n, r) < 0) {
		free(v);
		free(r);
		return 1.0;
	}
	for (size_t i = 0; i < n; i++)
		den += (r[i] - mean) * (r[i] - mean);
	for (size_t k = 1; den > 0 && k + 2 < n; k++) {
		double num = 0, rho, dk = (double)k;

		for (size_t i = 0; i + k < n; i++)
			num += (r[i] - mean) * (r[i + k] - mean);
		rho = num / den;
		if (fabs(rho) > bound)
			sum += (dn - dk) * (dn - dk - 1) * (dn - dk - 2) * rho;
	}
	free(v);
	free(r);
	return fmax(1.0, 1.0 + 2.0 * sum / (dn * (dn - 1) * (dn - 2)));
}

int mann_kendall_hr(const struct trend_point *p, size_t n, double min_factor, struct mk_result *out)
{
	double dn = (double)n, var, s = 0;

	*out = (struct mk_result){.p = 1.0, .var_factor = 1.0};
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			s += (p[j].v > p[i].v) - (p[j].v < p[i].v);
	out->s = s;
	if (n < 3)
		return 0;
	var = (dn * (dn - 1) * (2 * dn + 5) - tie_term(p, n)) / 18.0;
	if (var <= 0)
		return 0;
	out->var_factor = fmax(min_factor, hamed_rao_factor(p, n));
	out->var_s = var * out->var_factor;
	if (s > 0)
		out->z = (s - 1) / sqrt(out->var_s);
	else if (s < 0)
		out->z = (s + 1) / sqrt(out->var_s);
	out->p = 0.5 * erfc(out->z / sqrt(2.0));
	return 0;
}

double theil_sen_lower(const struct trend_point *p, size_t n, double z, double var_s)
{
	size_t m = 0;
	double *slopes, lo, rank;

	if (n < 2)
		return NAN;
	slopes = malloc(sizeof(*slopes) * n * (n - 1) / 2);
	if (slopes == NULL)
		return NAN;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (p[j].t != p[i].t)
				slopes[m++] = (p[j].v - p[i].v) / (p[j].t - p[i].t);
	if (m == 0) {
		free(slopes);
		return NAN;
	}
	qsort(slopes, m, sizeof(*slopes), cmp_double);
	rank = floor(((double)m - z * sqrt(var_s)) / 2.0);
	lo = rank < 1 ? -INFINITY : slopes[(size_t)rank - 1];
	free(slopes);
	return lo;
}
