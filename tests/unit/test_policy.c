/* SPDX-License-Identifier: MIT */
/* Unit tests of core/policy.c: class interleave, ageing, preference, ETA. */
#include "testutil.h"

#include "core/policy.h"

#define MIN 60000LL

static const struct policy_params P = { .interleave = 3, .overdue_percent = 150 };

static struct policy_candidate cand(int64_t queue_ms, int target_min, int rank, int number, bool prio)
{
	return (struct policy_candidate){ queue_ms, target_min * MIN, rank, number, prio };
}

static void empty_queue_gives_minus_one(void **state)
{
	assert_int_equal(policy_pick(NULL, 0, 0, 0, &P), -1);
}

static void fifo_within_one_service(void **state)
{
	struct policy_candidate c[] = { cand(3 * MIN, 30, 0, 3, false), cand(1 * MIN, 30, 0, 1, false),
					cand(2 * MIN, 30, 0, 2, false) };
	assert_int_equal(policy_pick(c, 3, 4 * MIN, 0, &P), 1);
}

static void preference_order_across_services(void **state)
{
	/* Service of rank 1 waits longer but is within target: rank 0 goes first. */
	struct policy_candidate c[] = { cand(0, 30, 1, 1, false), cand(5 * MIN, 30, 0, 1, false) };
	assert_int_equal(policy_pick(c, 2, 10 * MIN, 0, &P), 1);
}

static void overdue_ticket_jumps_preference(void **state)
{
	/* rank 1, target 10 min, waiting 16 min > 150 % of target: it goes before rank 0. */
	struct policy_candidate c[] = { cand(5 * MIN, 30, 0, 1, false), cand(0, 10, 1, 1, false) };
	assert_int_equal(policy_pick(c, 2, 16 * MIN, 0, &P), 1);
	/* At exactly 150 % it is not overdue yet. */
	assert_int_equal(policy_pick(c, 2, 15 * MIN, 0, &P), 0);
}

static void most_overdue_relative_to_target_first(void **state)
{
	/* a waited 40 of 20 (200 %), b waited 50 of 30 (167 %). */
	struct policy_candidate c[] = { cand(10 * MIN, 30, 0, 1, false), cand(20 * MIN, 20, 1, 2, false) };
	assert_int_equal(policy_pick(c, 2, 60 * MIN, 0, &P), 1);
}

static void priority_interleaves_one_per_n(void **state)
{
	struct policy_candidate c[] = { cand(0, 30, 0, 1, false), cand(1 * MIN, 30, 0, 2, true) };
	/* Fewer than 3 normals since the last priority: a normal one. */
	assert_int_equal(policy_pick(c, 2, 2 * MIN, 0, &P), 0);
	assert_int_equal(policy_pick(c, 2, 2 * MIN, 2, &P), 0);
	/* The third normal has been called: now the priority ticket. */
	assert_int_equal(policy_pick(c, 2, 2 * MIN, 3, &P), 1);
}

static void priority_goes_when_no_normal_waits(void **state)
{
	struct policy_candidate c[] = { cand(0, 30, 0, 1, true) };
	assert_int_equal(policy_pick(c, 1, MIN, 0, &P), 0);
}

static void normals_never_starve_under_priority_flood(void **state)
{
	/* Simulate 40 calls with priority tickets always waiting: normals get 3 of every 4. */
	int nsp = 0, normals = 0, prios = 0;
	for (int i = 0; i < 40; i++) {
		struct policy_candidate c[] = { cand(0, 30, 0, 1, true), cand(0, 30, 0, 2, false) };
		int k = policy_pick(c, 2, MIN, nsp, &P);
		if (c[k].priority) {
			prios++;
			nsp = 0;
		} else {
			normals++;
			nsp++;
		}
	}
	assert_int_equal(prios, 10);
	assert_int_equal(normals, 30);
}

static void overdue_priority_beats_interleave(void **state)
{
	/* A priority ticket overdue (40 min of a 20 min target) goes before a fresh normal one even
	 * though the interleave says "normal now". */
	struct policy_candidate c[] = { cand(0, 20, 0, 1, true), cand(39 * MIN, 20, 0, 2, false) };
	assert_int_equal(policy_pick(c, 2, 40 * MIN, 0, &P), 0);
	/* And an overdue normal ticket goes before a priority one whose turn it is. */
	struct policy_candidate d[] = { cand(35 * MIN, 20, 0, 1, true), cand(0, 20, 1, 2, false) };
	assert_int_equal(policy_pick(d, 2, 40 * MIN, 3, &P), 1);
}

static void ties_break_by_number(void **state)
{
	struct policy_candidate c[] = { cand(MIN, 30, 0, 7, false), cand(MIN, 30, 0, 5, false) };
	assert_int_equal(policy_pick(c, 2, 2 * MIN, 0, &P), 1);
}

static void eta(void **state)
{
	assert_int_equal(policy_eta_min(0, 2, 10), 0);
	assert_int_equal(policy_eta_min(4, 2, 10), 20);
	assert_int_equal(policy_eta_min(5, 2, 7), 18);   /* 17.5 rounds up */
	assert_int_equal(policy_eta_min(3, 0, 5), 15);   /* no counter counts as one */
	assert_int_equal(policy_eta_min(3, 1, 0), 3);    /* no service time: a minute each */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_queue_gives_minus_one),
		cmocka_unit_test(fifo_within_one_service),
		cmocka_unit_test(preference_order_across_services),
		cmocka_unit_test(overdue_ticket_jumps_preference),
		cmocka_unit_test(most_overdue_relative_to_target_first),
		cmocka_unit_test(priority_interleaves_one_per_n),
		cmocka_unit_test(priority_goes_when_no_normal_waits),
		cmocka_unit_test(normals_never_starve_under_priority_flood),
		cmocka_unit_test(overdue_priority_beats_interleave),
		cmocka_unit_test(ties_break_by_number),
		cmocka_unit_test(eta),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
