/* SPDX-License-Identifier: MIT */
/* Unit tests of core/bizdate.c: calendar arithmetic and the never-backwards clock. */
#include "testutil.h"

#include <time.h>

#include "core/bizdate.h"

static int setup_tokyo(void **state)
{
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	bizdate_reset_cache();
	return 0;
}

static int64_t at(const char *iso)
{
	int64_t ms;
	assert_true(bizclock_parse(iso, &ms));
	return ms;
}

static void valid_dates(void **state)
{
	assert_true(bizdate_valid("2026-11-25"));
	assert_true(bizdate_valid("2028-02-29"));
	assert_false(bizdate_valid("2026-02-29"));
	assert_false(bizdate_valid("2100-02-29"));
	assert_true(bizdate_valid("2000-02-29"));
	assert_false(bizdate_valid("2026-13-01"));
	assert_false(bizdate_valid("2026-1-01"));
	assert_false(bizdate_valid("2026-01-01x"));
	assert_false(bizdate_valid(""));
	assert_false(bizdate_valid(NULL));
}

static void add_days_across_months_and_years(void **state)
{
	char out[BIZDATE_LEN];
	int days = 0;
	assert_true(date_days_between("2026-11-25", "2027-02-25", &days));
	assert_int_equal(days, 92);
	assert_true(date_days_between("2028-03-01", "2028-02-28", &days));
	assert_int_equal(days, -2);
	assert_false(date_days_between("2026-02-30", "2026-03-01", &days));
	assert_true(bizdate_add_days("2026-12-31", 1, out));
	assert_string_equal(out, "2027-01-01");
	assert_true(bizdate_add_days("2028-03-01", -1, out));
	assert_string_equal(out, "2028-02-29");
	assert_true(bizdate_add_days("2026-11-25", -365, out));
	assert_string_equal(out, "2025-11-25");
	assert_false(bizdate_add_days("nope", 1, out));
	assert_int_equal(bizdate_weekday("2026-11-25"), 2); /* a Wednesday */
	assert_int_equal(bizdate_weekday("2026-11-29"), 6); /* a Sunday */
}

static void parse_iso_times(void **state)
{
	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(at("2026-11-25T09:00:00+09:00"), at("2026-11-25T00:00:00Z"));
	assert_int_equal(at("2026-11-25T00:00:00.250Z") - at("2026-11-25T00:00:00Z"), 250);
	assert_int_equal(at("12345"), 12345);
	int64_t ms;
	assert_false(bizclock_parse("2026-11-25 09:00:00", &ms));
	assert_false(bizclock_parse("2026-11-25T09:00:00", &ms)); /* a zone is required */
	assert_false(bizclock_parse("2026-11-25T25:00:00Z", &ms));
	assert_false(bizclock_parse("", &ms));
}

static void local_date_follows_the_zone(void **state)
{
	char d[BIZDATE_LEN];
	/* 23:30 UTC on the 24th is 08:30 on the 25th in Tokyo. */
	bizdate_of_ms(at("2026-11-24T23:30:00Z"), d);
	assert_string_equal(d, "2026-11-25");
	assert_int_equal(bizdate_hour_of_ms(at("2026-11-24T23:30:00Z")), 8);
}

static void clock_moves_forward_normally(void **state)
{
	struct bizclock c;
	bizclock_advance("", 0, at("2026-11-25T09:00:00+09:00"), &c);
	assert_string_equal(c.date, "2026-11-25");
	assert_false(c.stepped_back);
	assert_false(c.date_held);
	bizclock_advance("2026-11-25", at("2026-11-25T09:00:00+09:00"), at("2026-11-26T08:30:00+09:00"), &c);
	assert_string_equal(c.date, "2026-11-26");
}

static void clock_step_back_keeps_time_and_date(void **state)
{
	struct bizclock c;
	int64_t last = at("2026-11-26T00:05:00+09:00");
	/* The wall clock is set back across midnight to 23:50 of the 25th. */
	bizclock_advance("2026-11-26", last, at("2026-11-25T23:50:00+09:00"), &c);
	assert_string_equal(c.date, "2026-11-26");
	assert_int_equal(c.ms, last);
	assert_true(c.stepped_back);
	assert_true(c.date_held);
	/* Jitter under a second is not a step. */
	bizclock_advance("2026-11-26", last, last - 500, &c);
	assert_false(c.stepped_back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_dates),
		cmocka_unit_test(add_days_across_months_and_years),
		cmocka_unit_test(parse_iso_times),
		cmocka_unit_test(local_date_follows_the_zone),
		cmocka_unit_test(clock_moves_forward_normally),
		cmocka_unit_test(clock_step_back_keeps_time_and_date),
	};
	return cmocka_run_group_tests_name("bizdate", tests, setup_tokyo, NULL);
}
