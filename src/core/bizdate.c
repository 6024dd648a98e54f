/* SPDX-License-Identifier: MIT */
/* bizdate: calendar arithmetic on "YYYY-MM-DD" strings (proleptic Gregorian, days from civil)
 * and the never-backwards stored clock. */
#include "core/bizdate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

/* Parses "YYYY-MM-DD" with a year from min_year to 2999. */
static bool parse_date(const char *s, int min_year, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	if (*y < min_year || *y > 2999 || *m < 1 || *m > 12 || *d < 1)
		return false;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *d <= mdays[*m - 1] + (*m == 2 && leap);
}

bool bizdate_valid(const char *s)
{
	int y, m, d;
	return parse_date(s, 2000, &y, &m, &d);
}

bool date_valid(const char *s)
{
	int y, m, d;
	return parse_date(s, 1800, &y, &m, &d);
}

bool bizdate_add_days(const char *date, int days, char out[BIZDATE_LEN])
{
	int y, m, d;
	if (!parse_date(date, 2000, &y, &m, &d))
		return false;
	civil_from_days(days_from_civil(y, (unsigned)m, (unsigned)d) + days, &y, &m, &d);
	snprintf(out, BIZDATE_LEN, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
	return true;
}

int bizdate_weekday(const char *date)
{
	int y, m, d;
	if (!parse_date(date, 2000, &y, &m, &d))
		return -1;
	int64_t z = days_from_civil(y, (unsigned)m, (unsigned)d);
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	return (int)(((z % 7) + 7 + 3) % 7);
}

static void local_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000);
	if (!localtime_r(&t, tm))
		memset(tm, 0, sizeof *tm);
}

void bizdate_of_ms(int64_t ms, char out[BIZDATE_LEN])
{
	struct tm tm;
	local_tm(ms, &tm);
	snprintf(out, BIZDATE_LEN, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

bool date_days_between(const char *from, const char *to, int *days)
{
	int y1, m1, d1, y2, m2, d2;
	if (!parse_date(from, 1, &y1, &m1, &d1) || !parse_date(to, 1, &y2, &m2, &d2))
		return false;
	*days = (int)(days_from_civil(y2, (unsigned)m2, (unsigned)d2) -
		      days_from_civil(y1, (unsigned)m1, (unsigned)d1));
	return true;
}

static int64_t span_start = 1, span_end = 0;
static int span_hour;

void bizdate_reset_cache(void)
{
	span_start = 1;
	span_end = 0;
}

int bizdate_hour_of_ms(int64_t ms)
{
	/* Reports ask this for every ticket of a year, in time order: remember the local hour last
	 * computed and its span, so that localtime_r runs about once per hour of data. The span
	 * is one clock hour, which no zone transition splits (they fall on whole hours or at
	 * least on whole quarter hours, and the cache only spans to the next quarter hour). */
	if (ms >= span_start && ms < span_end)
		return span_hour;
	struct tm tm;
	local_tm(ms, &tm);
	int64_t into = ((int64_t)tm.tm_min % 15) * 60000 + (int64_t)tm.tm_sec * 1000 + ms % 1000;
	span_start = ms - into;
	span_end = span_start + 15 * 60000;
	span_hour = tm.tm_hour;
	return tm.tm_hour;
}

void bizclock_advance(const char *last_date, int64_t last_ms, int64_t now_ms, struct bizclock *out)
{
	char today[BIZDATE_LEN];
	bizdate_of_ms(now_ms, today);
	out->stepped_back = now_ms + 1000 < last_ms;
	out->ms = now_ms > last_ms ? now_ms : last_ms;
	out->date_held = last_date && *last_date && strcmp(today, last_date) < 0;
	snprintf(out->date, BIZDATE_LEN, "%s", out->date_held ? last_date : today);
}

bool bizclock_parse(const char *s, int64_t *ms)
{
	if (!s || !*s)
		return false;
	char *end;
	if (strchr(s, '-') == NULL) {
		long long v = strtoll(s, &end, 10);
		if (*end || v < 0)
			return false;
		*ms = v;
		return true;
	}
	/* YYYY-MM-DDTHH:MM:SS(.fff)?(Z|+HH:MM|-HH:MM) */
	char date[BIZDATE_LEN];
	int y, mo, d, h, mi, sec, frac = 0;
	if (strlen(s) < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!parse_date(date, 1970, &y, &mo, &d))
		return false;
	if (sscanf(s + 11, "%2d:%2d:%2d", &h, &mi, &sec) != 3 || h > 23 || mi > 59 || sec > 60)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			if (digits < 3)
				frac = frac * 10 + (*p - '0');
			digits++;
			p++;
		}
		if (digits == 0)
			return false;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	int offset_min = 0;
	if (*p == 'Z' && p[1] == '\0') {
		offset_min = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || oh > 14 || om > 59)
			return false;
		offset_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
	} else {
		return false;
	}
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)offset_min * 60;
	*ms = secs * 1000 + frac;
	return true;
}

int64_t bizclock_now_ms(void)
{
	const char *fake = getenv("MADOGUCHI_NOW");
	int64_t ms;
	if (fake && bizclock_parse(fake, &ms))
		return ms;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void bizclock_hhmm(int64_t ms, char out[8])
{
	if (ms <= 0) {
		snprintf(out, 8, "--:--");
		return;
	}
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	snprintf(out, 8, "%02u:%02u", (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
}
