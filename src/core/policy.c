/* SPDX-License-Identifier: MIT */
/* policy: the call-next choice and the ETA. See policy.h for the rule. */
#include "core/policy.h"

#include <math.h>

/* How overdue a candidate is, in per-mille of its target; 0 when not overdue. */
static int64_t overdue_permille(const struct policy_candidate *c, int64_t now_ms, int percent)
{
	int64_t wait = now_ms - c->queue_ms;
	int64_t target = c->target_ms > 0 ? c->target_ms : 1;
	if (wait * 100 <= target * percent)
		return 0;
	return wait * 1000 / target;
}

/* True when a should be called before b (both of the same class, neither overdue). */
static bool before(const struct policy_candidate *a, const struct policy_candidate *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank;
	if (a->queue_ms != b->queue_ms)
		return a->queue_ms < b->queue_ms;
	return a->number < b->number;
}

int policy_pick(const struct policy_candidate *c, size_t n, int64_t now_ms,
		int normals_since_priority, const struct policy_params *p)
{
	if (n == 0)
		return -1;
	int most = -1;
	int64_t most_late = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t late = overdue_permille(&c[i], now_ms, p->overdue_percent);
		if (late > most_late || (late > 0 && late == most_late && before(&c[i], &c[most]))) {
			most = (int)i;
			most_late = late;
		}
	}
	if (most >= 0)
		return most;
	bool any_prio = false, any_normal = false;
	for (size_t i = 0; i < n; i++) {
		if (c[i].priority)
			any_prio = true;
		else
			any_normal = true;
	}
	int interleave = p->interleave > 0 ? p->interleave : 1;
	bool want_prio = any_prio && (!any_normal || normals_since_priority >= interleave);
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		if (c[i].priority != want_prio)
			continue;
		if (best < 0 || before(&c[i], &c[best]))
			best = (int)i;
	}
	return best;
}

int policy_eta_min(int ahead, int counters, double median_service_min)
{
	if (ahead <= 0)
		return 0;
	if (counters < 1)
		counters = 1;
	if (!(median_service_min > 0))
		median_service_min = 1;
	return (int)ceil((double)ahead / counters * median_service_min);
}
