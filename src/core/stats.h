/* SPDX-License-Identifier: MIT */
/* stats: the small statistics the reports need (mean, percentiles). Percentiles interpolate
 * linearly between closest ranks (Hyndman & Fan type 7, as spreadsheets' PERCENTILE.INC), so
 * the median of an even count is the mean of the middle two. */
#ifndef MDG_CORE_STATS_H
#define MDG_CORE_STATS_H

#include <stddef.h>

struct stats_summary {
	size_t n;
	double mean;     /* NaN when n == 0 */
	double median;   /* NaN when n == 0 */
	double p90;      /* NaN when n == 0 */
};

/* Summarises v, reordering it (linear-time selection, not a sort). */
void stats_summarise(double *v, size_t n, struct stats_summary *out);

/* The p-th percentile (0..100) of an ascending array; NaN when n == 0. */
double stats_percentile_sorted(const double *v, size_t n, double p);

/* Sorts doubles ascending (a stable-enough introsort is not needed; qsort). */
void stats_sort(double *v, size_t n);

#endif
