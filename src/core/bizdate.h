/* SPDX-License-Identifier: MIT */
/* bizdate: the business date and the stored clock. A business date is the local calendar date
 * "YYYY-MM-DD" of the site; it never goes backwards, and stored times never decrease, even when
 * the wall clock is stepped back. Pure: the caller supplies "now" and the last stored stamp. */
#ifndef MDG_CORE_BIZDATE_H
#define MDG_CORE_BIZDATE_H

#include <stdbool.h>
#include <stdint.h>

#define BIZDATE_LEN 11 /* "YYYY-MM-DD" + NUL */

/* The next stamp to store, from the last stored one and the wall clock. */
struct bizclock {
	char date[BIZDATE_LEN];  /* max(last date, local date of now) */
	int64_t ms;              /* max(last ms, now): UTC milliseconds, never decreasing */
	bool stepped_back;       /* the wall clock is behind the stored clock by more than a second */
	bool date_held;          /* the local date is earlier than the stored business date */
};

/* The local date (process TZ) of a UTC millisecond time. */
void bizdate_of_ms(int64_t ms, char out[BIZDATE_LEN]);

/* The local hour (0..23) of a UTC millisecond time. Caches the last quarter hour it computed
 * (not thread-safe; madoguchi is single-threaded). Changing TZ needs bizdate_reset_cache(). */
int bizdate_hour_of_ms(int64_t ms);

/* "HH:MM" local time (process TZ) of a UTC millisecond time; "--:--" for 0 or less. */
void bizclock_hhmm(int64_t ms, char out[8]);

/* Forgets the cached hour span (after a change of TZ). */
void bizdate_reset_cache(void);

/* Computes the next stamp. last_date may be "" or NULL (nothing stored yet); last_ms may be 0. */
void bizclock_advance(const char *last_date, int64_t last_ms, int64_t now_ms, struct bizclock *out);

/* True when s is a real calendar date written "YYYY-MM-DD" (years 2000..2999). */
bool bizdate_valid(const char *s);

/* True when s is a real calendar date written "YYYY-MM-DD" in years 1800..2999 (birth dates,
 * dates on forms). */
bool date_valid(const char *s);

/* Days from date `from` to date `to` (negative when to is earlier) into *days; false when either is
 * not a valid YYYY-MM-DD. */
bool date_days_between(const char *from, const char *to, int *days);

/* out = date + days (days may be negative). Returns false for an invalid date. */

bool bizdate_add_days(const char *date, int days, char out[BIZDATE_LEN]);

/* Day of the week of a valid date: 0 = Monday .. 6 = Sunday; -1 when invalid. */
int bizdate_weekday(const char *date);

/* The wall clock in UTC milliseconds. When the environment variable MADOGUCHI_NOW holds a time
 * ("2026-11-25T09:30:00+09:00", "...Z", or milliseconds since the epoch), that time is used
 * instead: for tests and demos only, and logged by the caller. */
int64_t bizclock_now_ms(void);

/* Parses an ISO 8601 time with a "Z" or "+HH:MM" zone, or a plain integer of milliseconds.
 * Returns false when malformed. */
bool bizclock_parse(const char *s, int64_t *ms);

#endif
