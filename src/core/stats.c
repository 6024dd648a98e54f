/* SPDX-License-Identifier: MIT */
/* stats: summaries over arrays of doubles. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_double);
}

double stats_percentile_sorted(const double *v, size_t n, double p)
{
	if (n == 0)
		return NAN;
	if (p <= 0)
		return v[0];
	if (p >= 100)
		return v[n - 1];
	double h = (double)(n - 1) * p / 100.0;
	size_t lo = (size_t)floor(h);
	double frac = h - (double)lo;
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + frac * (v[lo + 1] - v[lo]);
}

/* Moves the k-th smallest element to v[k], smaller ones before it and larger ones after it
 * (Hoare's selection with a median-of-three pivot): linear on average, so that a report over a
 * year of tickets need not sort every group. */
static void select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		double a = v[lo], b = v[mid], c = v[hi];
		double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

/* The p-th percentile (type 7) of unsorted v, reordering v. */
static double percentile_select(double *v, size_t n, double p)
{
	double h = (double)(n - 1) * p / 100.0;
	size_t lo = (size_t)floor(h);
	select_kth(v, n, lo);
	double x = v[lo], frac = h - (double)lo;
	if (frac == 0 || lo + 1 >= n)
		return x;
	double next = v[lo + 1];
	for (size_t i = lo + 2; i < n; i++) /* after selection, the rest is >= v[lo] */
		if (v[i] < next)
			next = v[i];
	return x + frac * (next - x);
}

void stats_summarise(double *v, size_t n, struct stats_summary *out)
{
	out->n = n;
	if (n == 0) {
		out->mean = out->median = out->p90 = NAN;
		return;
	}
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	out->mean = sum / (double)n;
	out->median = percentile_select(v, n, 50);
	out->p90 = percentile_select(v, n, 90);
}
