/* SPDX-License-Identifier: MIT */
/* policy: which waiting ticket a counter calls next, and the estimated wait. Pure functions of
 * their inputs (the store gathers the candidates inside its transaction and applies the pick).
 *
 * The rule, in order (DESIGN.md §5):
 *  1. Ageing. A ticket waiting longer than its service target times overdue_percent/100 is
 *     overdue; the most overdue one (relative to its target) goes first, whatever its class or
 *     service. Nobody waits for ever behind others' preferences or priorities.
 *  2. Class. Otherwise a priority ticket goes next when at least `interleave` normal tickets
 *     were called since the last priority ticket, or when no normal ticket waits; else a normal
 *     one. So priority residents interleave fairly (1 per N) and normal ones are not starved.
 *  3. Preference. Within the class, the counter's service preference order, then the earliest
 *     queue time (transfers keep the original issue time), then the lower number. */
#ifndef MDG_CORE_POLICY_H
#define MDG_CORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct policy_candidate {
	int64_t queue_ms;    /* ordering time */
	int64_t target_ms;   /* the service's target wait (> 0) */
	int rank;            /* position of its service in the counter's preference list (0 first) */
	int number;          /* ticket number, the last tie-breaker */
	bool priority;
};

struct policy_params {
	int interleave;        /* >= 1: one priority ticket per this many normal ones */
	int overdue_percent;   /* >= 100 */
};

/* Index of the candidate to call, or -1 when n == 0. normals_since_priority is the number of
 * normal tickets called (first calls) since the last priority ticket was called. */
int policy_pick(const struct policy_candidate *c, size_t n, int64_t now_ms,
		int normals_since_priority, const struct policy_params *p);

/* Estimated wait in whole minutes (rounded up) for a resident with `ahead` people ahead:
 * ahead / counters * median service time. counters < 1 counts as 1. 0 when nobody is ahead. */
int policy_eta_min(int ahead, int counters, double median_service_min);

#endif
