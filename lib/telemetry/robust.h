/* SPDX-License-Identifier: BSD-3-Clause */
/* Robust trend statistics on small (t, v) series: Theil–Sen, Mann–Kendall. */
#pragma once

#include <stddef.h>

struct trend_point {
	double t, v;
};

/** Median of a[0..n); reorders a. NAN when n == 0. */
double median_inplace(double *a, size_t n);

/** Theil–Sen slope: median of the pairwise slopes (v_j - v_i) / (t_j - t_i)
 * over pairs with t_j > t_i. NAN with fewer than 2 distinct times or on
 * allocation failure. O(n^2) memory and time: callers keep n small. */
double theil_sen_slope(const struct trend_point *p, size_t n);

/** Mann–Kendall test for an upward trend, points in time order.
 * Returns the one-sided p-value (small = increasing), with the normal
 * approximation and the tie correction; writes S and Z if not NULL.
 * 1.0 when n < 3. */
double mann_kendall_p(const struct trend_point *p, size_t n, double *s_out, double *z_out);
