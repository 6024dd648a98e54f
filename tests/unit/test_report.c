/* SPDX-License-Identifier: MIT */
/* Unit tests of core/stats.c and core/report.c against figures computed by hand. */
#include "testutil.h"

#include <math.h>

#include "core/report.h"
#include "core/stats.h"

#define MIN 60000LL

static void percentiles_interpolate(void **state)
{
	double v[] = { 4, 1, 3, 2 };
	struct stats_summary s;
	stats_summarise(v, 4, &s);
	assert_float_equal(s.mean, 2.5, 1e-9);
	assert_float_equal(s.median, 2.5, 1e-9);          /* mean of 2 and 3 */
	assert_float_equal(s.p90, 3.7, 1e-9);             /* h = 3 * 0.9 = 2.7: 3 + 0.7 * (4 - 3) */
	double one[] = { 7 };
	stats_summarise(one, 1, &s);
	assert_float_equal(s.median, 7, 1e-9);
	assert_float_equal(s.p90, 7, 1e-9);
	stats_summarise(NULL, 0, &s);
	assert_true(isnan(s.mean) && isnan(s.median) && isnan(s.p90));
	double ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	assert_float_equal(stats_percentile_sorted(ten, 10, 90), 9.1, 1e-9);
	assert_float_equal(stats_percentile_sorted(ten, 10, 50), 5.5, 1e-9);
}

/* The linear-time selection agrees with sorting, on random arrays with many duplicates. */
static void selection_matches_sorting(void **state)
{
	srand(7);
	for (int round = 0; round < 2000; round++) {
		size_t n = 1 + (size_t)(rand() % 200);
		int spread = 1 + rand() % 50;
		double v[200], sorted[200];
		for (size_t i = 0; i < n; i++)
			v[i] = sorted[i] = (double)(rand() % spread) / 4.0;
		struct stats_summary s;
		stats_summarise(v, n, &s);
		stats_sort(sorted, n);
		assert_float_equal(s.median, stats_percentile_sorted(sorted, n, 50), 1e-9);
		assert_float_equal(s.p90, stats_percentile_sorted(sorted, n, 90), 1e-9);
		/* v is a permutation of the input */
		stats_sort(v, n);
		for (size_t i = 0; i < n; i++)
			assert_float_equal(v[i], sorted[i], 0);
	}
}

/* A fixed day: service A (target 10 min), service B (target 20 min).
 *  A1 finished: waited 5, served 4 (counter 1, 09:xx)
 *  A2 finished: waited 15, served 6 (counter 2, 09:xx)
 *  A3 no-show: waited 8 (counter 1, 10:xx)
 *  A4 walked out uncalled after 12 min (> target: counts against service level)
 *  A5 walked out uncalled after 3 min (within target: not counted either way)
 *  A6 still waiting (open)
 *  A7 transferred to B and finished there: counted once, under A; waited 9 (first call)
 *  B1 finished: waited 25, served 10 (counter 2, 10:xx)
 *  B2 voided: not counted at all */
static struct report_fact facts[9];

static struct report_fact fact(char svc, int hour, int counter, enum ticket_state st, int64_t wait_min,
			       int64_t served_min, int64_t ended_after_min, int target)
{
	int64_t issued = (int64_t)hour * 60 * MIN;
	struct report_fact f = { .service = svc, .hour = hour, .counter = counter, .state = st,
				 .issued_ms = issued, .target_ms = target * MIN };
	if (wait_min >= 0) {
		f.called_ms = issued + wait_min * MIN;
		f.served_ms = f.called_ms;
	}
	if (served_min >= 0)
		f.ended_ms = f.served_ms + served_min * MIN;
	if (ended_after_min >= 0)
		f.ended_ms = issued + ended_after_min * MIN;
	return f;
}

static int setup(void **state)
{
	facts[0] = fact('A', 9, 1, TICKET_FINISHED, 5, 4, -1, 10);
	facts[1] = fact('A', 9, 2, TICKET_FINISHED, 15, 6, -1, 10);
	facts[2] = fact('A', 10, 1, TICKET_NO_SHOW, 8, -1, 20, 10);
	facts[3] = fact('A', 10, 0, TICKET_CANCELLED, -1, -1, 12, 10);
	facts[4] = fact('A', 10, 0, TICKET_CANCELLED, -1, -1, 3, 10);
	facts[5] = fact('A', 11, 0, TICKET_WAITING, -1, -1, -1, 10);
	facts[6] = fact('A', 11, 3, TICKET_FINISHED, 9, 10, -1, 10);
	facts[7] = fact('B', 10, 2, TICKET_FINISHED, 25, 10, -1, 20);
	facts[8] = fact('B', 10, 0, TICKET_VOIDED, -1, -1, 1, 20);
	return 0;
}

static void by_service(void **state)
{
	struct report r;
	struct mdg_err err = { 0 };
	assert_int_equal(report_build(facts, 9, REPORT_BY_SERVICE, &r, &err), MDG_OK);
	assert_int_equal(r.n, 2);
	const struct report_row *a = &r.rows[0], *b = &r.rows[1];
	assert_string_equal(a->key, "A");
	assert_int_equal(a->issued, 7);
	assert_int_equal(a->served, 3);
	assert_int_equal(a->no_show, 1);
	assert_int_equal(a->walked_out, 2);
	assert_int_equal(a->open, 1);
	/* waits of called A tickets: 5, 15, 8, 9 */
	assert_int_equal(a->wait_min.n, 4);
	assert_float_equal(a->wait_min.mean, 9.25, 1e-9);
	assert_float_equal(a->wait_min.median, 8.5, 1e-9);
	assert_float_equal(a->wait_min.p90, 13.2, 1e-9); /* sorted 5 8 9 15, h=2.7: 9 + .7*6 */
	/* service times of finished A: 4, 6, 10 */
	assert_float_equal(a->service_min.median, 6, 1e-9);
	/* service level: within 10 min: 5, 8, 9 -> 3; denominator 4 called + 1 abandoned late */
	assert_int_equal(a->within_target, 3);
	assert_int_equal(a->sl_denominator, 5);
	assert_float_equal(a->service_level, 0.6, 1e-9);
	assert_string_equal(b->key, "B");
	assert_int_equal(b->issued, 1); /* the voided ticket does not count */
	assert_int_equal(b->within_target, 0);
	assert_float_equal(b->service_level, 0.0, 1e-9);
	assert_int_equal(r.total.issued, 8);
	assert_int_equal(r.total.wait_min.n, 5);
	assert_float_equal(r.total.wait_min.median, 9, 1e-9);
	assert_float_equal(r.total.service_level, 3.0 / 6.0, 1e-9);
	report_free(&r);
}

static void by_hour_and_counter(void **state)
{
	struct report r;
	struct mdg_err err = { 0 };
	assert_int_equal(report_build(facts, 9, REPORT_BY_HOUR, &r, &err), MDG_OK);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.rows[0].key, "09");
	assert_int_equal(r.rows[0].issued, 2);
	assert_string_equal(r.rows[1].key, "10");
	assert_int_equal(r.rows[1].issued, 4); /* A3 A4 A5 B1 (B2 voided) */
	report_free(&r);
	assert_int_equal(report_build(facts, 9, REPORT_BY_COUNTER, &r, &err), MDG_OK);
	assert_string_equal(r.rows[0].key, "-");
	assert_string_equal(r.rows[1].key, "1");
	assert_int_equal(r.rows[1].served, 1);
	assert_int_equal(r.rows[1].no_show, 1);
	report_free(&r);
}

static void empty_and_bad_input(void **state)
{
	struct report r;
	struct mdg_err err = { 0 };
	assert_int_equal(report_build(NULL, 0, REPORT_BY_SERVICE, &r, &err), MDG_OK);
	assert_int_equal(r.n, 0);
	assert_true(isnan(r.total.service_level));
	report_free(&r);
	struct report_fact bad = facts[0];
	bad.hour = 24;
	assert_int_equal(report_build(&bad, 1, REPORT_BY_HOUR, &r, &err), MDG_ERR_INVALID);
	assert_int_equal(report_by_parse("hour"), REPORT_BY_HOUR);
	assert_int_equal(report_by_parse("weekday"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percentiles_interpolate),
		cmocka_unit_test(selection_matches_sorting),
		cmocka_unit_test(by_service),
		cmocka_unit_test(by_hour_and_counter),
		cmocka_unit_test(empty_and_bad_input),
	};
	return cmocka_run_group_tests_name("report", tests, setup, NULL);
}
