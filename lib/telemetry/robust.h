/* SPDX-License-Identifier: BSD-3-Clause */
/* Robust trend statistics on small (t, v) series: Theil–Sen, Mann–Kendall. */
#pragma once

#include <stddef.h>

struct trend_point {
	double t, v;
};

/** Median of a[0..n); reorders a. NAN when n == 0. */
double median_inplace(double *a, size_t n);

/** The q-quantile (0..1) of a[0..n), nearest rank; sorts a. NAN when n == 0. */
double quantile_inplace(double *a, size_t n, double q);

/** Theil–Sen slope: median of the pairwise slopes (v_j - v_i) / (t_j - t_i)
 * over pairs with t_j > t_i. NAN with fewer than 2 distinct times or on
 * allocation failure. O(n^2) memory and time: callers keep n small. */
double theil_sen_slope(const struct trend_point *p, size_t n);

/** Mann–Kendall test for an upward trend, points in time order.
 * Returns the one-sided p-value (small = increasing), with the normal
 * approximation and the tie correction; writes S and Z if not NULL.
 * 1.0 when n < 3. */
double mann_kendall_p(const struct trend_point *p, size_t n, double *s_out, double *z_out);

/* Mann–Kendall with the Hamed–Rao (1998) variance correction for serially
 * correlated noise: the ranks of the series detrended by its Theil–Sen slope
 * give lag autocorrelations; those significant at 5% inflate Var(S) by
 * n/n* = 1 + 2/(n(n-1)(n-2)) Σ (n-k)(n-k-1)(n-k-2) ρk (never below 1). */
struct mk_result {
	double s;	   /* Kendall's S */
	double var_s;	   /* corrected variance of S */
	double var_factor; /* n/n*, >= 1 */
	double z;	   /* continuity-corrected normal score */
	double p;	   /* one-sided p-value for an upward trend; 1 when n < 3 */
};

/** Hamed–Rao corrected Mann–Kendall, points in time order. min_factor: a
 * lower bound for n/n* (the factor of a longer window of the same series,
 * whose autocorrelation a short window cannot see), 1 for none. 0, or
 * -ENOMEM (out then says p = 1). */
int mann_kendall_hr(const struct trend_point *p, size_t n, double min_factor,
		    struct mk_result *out);

/** Lower end of Sen's confidence interval for the Theil–Sen slope: the
 * order statistic (N - z sqrt(var_s)) / 2 of the N pairwise slopes. NAN
 * with fewer than 2 distinct times, -INFINITY when the interval is wider
 * than the data (too few points for this z). */
double theil_sen_lower(const struct trend_point *p, size_t n, double z, double var_s);
