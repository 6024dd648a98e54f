/* SPDX-License-Identifier: MIT */
/* era: the table of era start dates; dates compare as strings in YYYY-MM-DD form. */
#include "core/era.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bizdate.h"

static const struct {
	const char *start, *name, *romaji;
} eras[] = {
	{ "2019-05-01", "令和", "Reiwa" },
	{ "1989-01-08", "平成", "Heisei" },
	{ "1926-12-25", "昭和", "Showa" },
	{ "1912-07-30", "大正", "Taisho" },
	{ "1868-10-23", "明治", "Meiji" },
};

bool era_of(const char *date, struct era_date *out)
{
	if (!date_valid(date) || strcmp(date, "1868-10-23") < 0)
		return false;
	int y = atoi(date);
	for (size_t i = 0; i < sizeof eras / sizeof eras[0]; i++) {
		if (strcmp(date, eras[i].start) >= 0) {
			out->name = eras[i].name;
			out->romaji = eras[i].romaji;
			out->year = y - atoi(eras[i].start) + 1;
			return true;
		}
	}
	return false;
}

bool era_format_year(const char *date, char *out, unsigned size)
{
	struct era_date e;
	if (!era_of(date, &e))
		return false;
	if (e.year == 1)
		snprintf(out, size, "%s元年", e.name);
	else
		snprintf(out, size, "%s%d年", e.name, e.year);
	return true;
}
