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

void stats_summarise(double *v, size_t n, struct stats_summary *out)
{
	out->n = n;
	if (n == 0) {
		out->mean = out->median = out->p90 = NAN;
		return;
	}
	stats_sort(v, n);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	out->mean = sum / (double)n;
	out->median = stats_percentile_sorted(v, n, 50);
	out->p90 = stats_percentile_sorted(v, n, 90);
}
