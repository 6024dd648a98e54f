/* SPDX-License-Identifier: MIT */
/* report: wait-time report maths over ticket facts (one per ticket, gathered by the store).
 * Definitions, used everywhere figures are shown:
 *  - issued: tickets issued in the range, counted once under the service they were issued for
 *    (a transfer does not count twice);
 *  - served: finished; no_show: called but never came; walked_out: cancelled (left the queue);
 *    open: still waiting, called or held;
 *  - wait: first call minus issue time, over the tickets that were called;
 *  - service time: finish minus the last call, over the served tickets;
 *  - service level: tickets called within their service's target, divided by the tickets called
 *    plus those that walked out uncalled after waiting longer than the target (call-centre
 *    "abandoned after threshold" rule); NaN when that denominator is 0. */
#ifndef MDG_CORE_REPORT_H
#define MDG_CORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/stats.h"
#include "core/status.h"
#include "core/ticket.h"

enum report_by { REPORT_BY_SERVICE, REPORT_BY_HOUR, REPORT_BY_COUNTER, REPORT_BY_COUNT };

struct report_fact {
	char service;           /* letter of issue, 'A'..'Z' */
	int hour;               /* local hour of issue, 0..23 */
	int counter;            /* counter that called it last, 0 when never called (0..99) */
	enum ticket_state state;
	int64_t issued_ms, called_ms, served_ms, ended_ms; /* 0 when it did not happen */
	int64_t target_ms;      /* its service's target wait */
};

struct report_row {
	char key[8];            /* "A", "09", "3", "-" (never called), or "all" */
	long issued, served, no_show, walked_out, open;
	struct stats_summary wait_min;    /* minutes */
	struct stats_summary service_min; /* minutes */
	long within_target;
	long sl_denominator;
	double service_level;   /* 0..1, NaN when sl_denominator == 0 */
};

struct report {
	enum report_by by;
	struct report_row *rows; /* owned; only groups with tickets, ascending by key */
	size_t n;
	struct report_row total;
};

/* Builds the report grouped by `by`. MDG_OK, MDG_ERR_INVALID for a fact out of range, or
 * MDG_ERR_NOMEM. out is caller-owned (report_free). */
enum mdg_status report_build(const struct report_fact *f, size_t n, enum report_by by,
			     struct report *out, struct mdg_err *err);

/* Frees the rows. NULL-safe. */
void report_free(struct report *r);

/* "service", "hour", "counter"; and the parse (-1 when unknown). */
const char *report_by_name(enum report_by by);
int report_by_parse(const char *s);

#endif
