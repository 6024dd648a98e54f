/* SPDX-License-Identifier: MIT */
/* era: Japanese era (和暦) years for Gregorian dates from Meiji on: 明治 1868-10-23, 大正
 * 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01. The first year of an era is
 * 元年 when written, 1 as a number. */
#ifndef MDG_CORE_ERA_H
#define MDG_CORE_ERA_H

#include <stdbool.h>

struct era_date {
	const char *name;   /* "令和" (static) */
	const char *romaji; /* "Reiwa" (static) */
	int year;           /* 1 for 元年 */
};

/* The era and era year of a valid "YYYY-MM-DD" from 1868-10-23 on. False otherwise. */
bool era_of(const char *date, struct era_date *out);

/* Writes "令和7年" or "令和元年" for date into out (size bytes). False when era_of fails. */
bool era_format_year(const char *date, char *out, unsigned size);

#endif
