/* SPDX-License-Identifier: MIT */
/* Unit tests of the queue engine (store/queue.c) on a real SQLite file in a temporary folder:
 * numbering, the business date, the call policy applied, every operation's state rules. */
#include "testutil.h"

#include <sys/stat.h>

#include "core/bizdate.h"
#include "secure/hash.h"
#include "secure/keys.h"
#include "store/audit.h"
#include "store/queue.h"
#include "store/store.h"

struct fx {
	char *dir;
	struct mdg_config *cfg;
	struct store *st;
};

static int64_t T(const char *iso)
{
	int64_t ms;
	if (!bizclock_parse(iso, &ms))
		fail_msg("bad time %s", iso);
	return ms;
}

static int setup(void **state)
{
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	bizdate_reset_cache();
	struct fx *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	f->cfg = test_config_from(TEST_SITE_YAML, f->dir);
	struct mdg_err err = { 0 };
	assert_int_equal(secure_init(&err), MDG_OK);
	assert_int_equal(store_open(f->cfg->store_path, f->cfg->site_id, 5000, STORE_CREATE, &f->st, &err),
			 MDG_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(&f->st);
	assert_null(f->st);
	config_free(&f->cfg);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

static struct ticket issue(struct fx *f, const char *svc, enum ticket_priority p, int64_t now)
{
	struct ticket t;
	struct mdg_err err = { 0 };
	enum mdg_status rc = queue_issue(f->st, f->cfg, svc, p, "ja", now, &t, NULL, &err);
	if (rc)
		fail_msg("issue %s: %s", svc, err.msg);
	return t;
}

static struct ticket act(struct fx *f, enum ticket_op op, const char *num, int64_t now,
			 enum mdg_status want)
{
	struct ticket t = { 0 };
	struct mdg_err err = { 0 };
	struct queue_action a = { .op = op, .number = num, .counter = 1, .to_service = "B" };
	enum mdg_status rc = queue_apply(f->st, f->cfg, &a, now, &t, &err);
	if (rc != want)
		fail_msg("%s %s: got %d (%s), want %d", ticket_op_name(op), num, rc, err.msg, want);
	return t;
}

static char *num(const struct ticket *t)
{
	static char buf[8];
	ticket_format_number(t->service, t->number, buf);
	return buf;
}

static void store_is_wal_strict_and_versioned(void **state)
{
	struct fx *f = *state;
	int v;
	struct mdg_err err = { 0 };
	assert_int_equal(store_schema_version(f->st, &v, &err), MDG_OK);
	assert_int_equal(v, store_schema_latest());
	char wal[600];
	issue(f, "A", PRIO_NONE, T("2026-11-25T09:00:00+09:00"));
	snprintf(wal, sizeof wal, "%s-wal", f->cfg->store_path);
	struct stat sb;
	assert_int_equal(stat(wal, &sb), 0); /* WAL mode leaves a -wal file while open */
	/* Another site's config cannot use this file. */
	struct store *other = NULL;
	assert_int_equal(store_open(f->cfg->store_path, "other-site", 5000, 0, &other, &err),
			 MDG_ERR_CONFIG);
	assert_null(other);
	assert_non_null(strstr(err.msg, "belongs to site 'test-site'"));
	/* A missing file is not created without STORE_CREATE. */
	char missing[600];
	snprintf(missing, sizeof missing, "%s/none.db", f->dir);
	assert_int_equal(store_open(missing, "test-site", 5000, 0, &other, &err), MDG_ERR_NOT_FOUND);
}

static void numbers_run_per_service_and_day(void **state)
{
	struct fx *f = *state;
	int64_t d1 = T("2026-11-25T09:00:00+09:00");
	for (int i = 1; i <= 5; i++)
		assert_int_equal(issue(f, "A", PRIO_NONE, d1 + i).number, i);
	assert_int_equal(issue(f, "B", PRIO_NONE, d1 + 10).number, 1);
	struct ticket t = issue(f, "A", PRIO_NONE, d1 + 11);
	assert_int_equal(t.number, 6);
	assert_string_equal(t.bizdate, "2026-11-25");
	assert_int_equal(strlen(t.token), 16);
	/* The next day starts again at 1. */
	t = issue(f, "A", PRIO_NONE, T("2026-11-26T08:30:00+09:00"));
	assert_int_equal(t.number, 1);
	assert_string_equal(t.bizdate, "2026-11-26");
	struct store_check_report r;
	struct mdg_err err = { 0 };
	assert_int_equal(store_check(f->st, &r, &err), MDG_OK);
	assert_int_equal(r.problems, 0);
	assert_int_equal(r.tickets, 8);
}

static void clock_stepped_back_across_midnight(void **state)
{
	struct fx *f = *state;
	struct ticket a = issue(f, "A", PRIO_NONE, T("2026-11-26T00:10:00+09:00"));
	assert_string_equal(a.bizdate, "2026-11-26");
	/* The wall clock jumps back 30 minutes, to the evening before. */
	struct ticket b = issue(f, "A", PRIO_NONE, T("2026-11-25T23:40:00+09:00"));
	assert_string_equal(b.bizdate, "2026-11-26");
	assert_int_equal(b.number, a.number + 1);
	assert_true(b.issued_ms >= a.issued_ms);
	/* Called "before" it was issued by the wall clock: the stored wait is still >= 0. */
	struct ticket c;
	struct mdg_err err = { 0 };
	assert_int_equal(queue_call_next(f->st, f->cfg, 1, "s1", T("2026-11-25T23:45:00+09:00"), &c, &err),
			 MDG_OK);
	assert_true(c.called_ms >= c.issued_ms);
	char today[11];
	assert_int_equal(store_today(f->st, T("2026-11-25T23:50:00+09:00"), today, &err), MDG_OK);
	assert_string_equal(today, "2026-11-26");
}

static void call_next_follows_policy(void **state)
{
	struct fx *f = *state;
	int64_t t0 = T("2026-11-25T09:00:00+09:00"), m = 60000;
	issue(f, "B", PRIO_NONE, t0);                  /* B-001 */
	issue(f, "A", PRIO_NONE, t0 + 1 * m);          /* */
	issue(f, "A", PRIO_ELDERLY, t0 + 2 * m);       /* A-002 priority */
	issue(f, "A", PRIO_NONE, t0 + 3 * m);          /* */
	issue(f, "A", PRIO_NONE, t0 + 4 * m);          /* */
	struct ticket t;
	struct mdg_err err = { 0 };
	int64_t now = t0 + 5 * m;
	/* Counter 1 prefers A; A-001 first (B-001 is older but ranks after A and is not overdue). */
	assert_int_equal(queue_call_next(f->st, f->cfg, 1, "s1", now, &t, &err), MDG_OK);
	assert_string_equal(num(&t), "A-001");
	assert_int_equal(t.state, TICKET_CALLED);
	assert_int_equal(t.counter, 1);
	assert_int_equal(queue_call_next(f->st, f->cfg, 1, "s1", now + 1, &t, &err), MDG_OK);
	assert_string_equal(num(&t), "A-003");
	/* Interleave 2: after two normal calls the priority ticket goes. */
	assert_int_equal(queue_call_next(f->st, f->cfg, 1, "s1", now + 2, &t, &err), MDG_OK);
	assert_string_equal(num(&t), "A-002");
	/* "next" finished the previous ticket of the counter. */
	struct ticket prev;
	assert_int_equal(queue_find(f->st, "A-003", NULL, now + 3, &prev, &err), MDG_OK);
	assert_int_equal(prev.state, TICKET_FINISHED);
	/* Counter 2 serves only B. */
	assert_int_equal(queue_call_next(f->st, f->cfg, 2, "s2", now + 3, &t, &err), MDG_OK);
	assert_string_equal(num(&t), "B-001");
	assert_int_equal(queue_call_next(f->st, f->cfg, 2, "s2", now + 4, &t, &err), MDG_ERR_EMPTY);
	assert_int_equal(queue_call_next(f->st, f->cfg, 3, "s3", now + 4, &t, &err), MDG_ERR_EMPTY);
	assert_int_equal(queue_call_next(f->st, f->cfg, 9, "s9", now + 4, &t, &err), MDG_ERR_NOT_FOUND);
}

static void overdue_ticket_of_second_service_goes_first(void **state)
{
	struct fx *f = *state;
	int64_t t0 = T("2026-11-25T09:00:00+09:00"), m = 60000;
	issue(f, "B", PRIO_NONE, t0);          /* target 20: overdue after 30 min */
	issue(f, "A", PRIO_NONE, t0 + 25 * m);
	struct ticket t;
	struct mdg_err err = { 0 };
	assert_int_equal(queue_call_next(f->st, f->cfg, 1, NULL, t0 + 31 * m, &t, &err), MDG_OK);
	assert_string_equal(num(&t), "B-001");
}

static void operations_and_their_states(void **state)
{
	struct fx *f = *state;
	int64_t t0 = T("2026-11-25T09:00:00+09:00"), m = 60000;
	issue(f, "A", PRIO_NONE, t0);
	issue(f, "A", PRIO_NONE, t0 + m);
	/* Nothing but call/hold/transfer/cancel/void on a waiting ticket. */
	act(f, TICKET_OP_RECALL, "A-001", t0 + 2 * m, MDG_ERR_STATE);
	act(f, TICKET_OP_FINISH, "A-001", t0 + 2 * m, MDG_ERR_STATE);
	struct ticket t = act(f, TICKET_OP_CALL, "A-002", t0 + 2 * m, MDG_OK);  /* by number */
	assert_int_equal(t.state, TICKET_CALLED);
	/* No-show needs one recall first (noshow_after_recalls: 1). */
	act(f, TICKET_OP_NO_SHOW, "A-002", t0 + 3 * m, MDG_ERR_STATE);
	t = act(f, TICKET_OP_RECALL, "A-002", t0 + 4 * m, MDG_OK);
	assert_int_equal(t.recalls, 1);
	t = act(f, TICKET_OP_NO_SHOW, "A-002", t0 + 5 * m, MDG_OK);
	assert_int_equal(t.state, TICKET_NO_SHOW);
	act(f, TICKET_OP_CALL, "A-002", t0 + 6 * m, MDG_ERR_STATE);
	/* Hold and bring back by number. */
	t = act(f, TICKET_OP_HOLD, "A-001", t0 + 6 * m, MDG_OK);
	assert_int_equal(t.state, TICKET_HELD);
	struct ticket n;
	struct mdg_err err = { 0 };
	assert_int_equal(queue_call_next(f->st, f->cfg, 1, NULL, t0 + 7 * m, &n, &err), MDG_ERR_EMPTY);
	t = act(f, TICKET_OP_CALL, "A-001", t0 + 8 * m, MDG_OK);
	assert_int_equal(t.called_ms, t0 + 8 * m);
	/* Transfer to B keeps the original place (queue time). */
	issue(f, "B", PRIO_NONE, t0 + 9 * m);
	t = act(f, TICKET_OP_TRANSFER, "A-001", t0 + 10 * m, MDG_OK);
	assert_int_equal(t.state, TICKET_WAITING);
	assert_string_equal(t.queue, "B");
	assert_string_equal(t.service, "A");
	assert_int_equal(t.queue_ms, t0);
	act(f, TICKET_OP_TRANSFER, "A-001", t0 + 10 * m, MDG_ERR_STATE); /* already in B */
	assert_int_equal(queue_call_next(f->st, f->cfg, 2, NULL, t0 + 11 * m, &n, &err), MDG_OK);
	assert_string_equal(num(&n), "A-001");
	assert_int_equal(n.called_ms, t0 + 8 * m); /* the first call stays the first call */
	t = act(f, TICKET_OP_FINISH, "A-001", t0 + 15 * m, MDG_OK);
	assert_int_equal(t.state, TICKET_FINISHED);
	assert_int_equal(t.ended_ms, t0 + 15 * m);
	/* Walk out and void. */
	t = act(f, TICKET_OP_CANCEL, "B-001", t0 + 16 * m, MDG_OK);
	assert_int_equal(t.state, TICKET_CANCELLED);
	issue(f, "C", PRIO_NONE, t0 + 17 * m);
	t = act(f, TICKET_OP_VOID, "C-001", t0 + 18 * m, MDG_OK);
	assert_int_equal(t.state, TICKET_VOIDED);
	/* Unknown things. */
	act(f, TICKET_OP_CALL, "A-099", t0 + 19 * m, MDG_ERR_NOT_FOUND);
	act(f, TICKET_OP_CALL, "Z-001", t0 + 19 * m, MDG_ERR_NOT_FOUND);
	act(f, TICKET_OP_CALL, "A-0x", t0 + 19 * m, MDG_ERR_INVALID);
	/* The void is audited, and everything is consistent. */
	struct audit_verify v;
	assert_int_equal(audit_verify(f->st, &v, &err), MDG_OK);
	assert_true(v.ok);
	assert_int_equal(v.rows, 1);
	struct store_check_report r;
	assert_int_equal(store_check(f->st, &r, &err), MDG_OK);
	assert_int_equal(r.problems, 0);
}

static void issue_rejects_bad_input(void **state)
{
	struct fx *f = *state;
	struct ticket t;
	struct mdg_err err = { 0 };
	int64_t now = T("2026-11-25T09:00:00+09:00");
	assert_int_equal(queue_issue(f->st, f->cfg, "Q", PRIO_NONE, "ja", now, &t, NULL, &err),
			 MDG_ERR_NOT_FOUND);
	assert_int_equal(queue_issue(f->st, f->cfg, NULL, PRIO_NONE, "ja", now, &t, NULL, &err),
			 MDG_ERR_NOT_FOUND);
	assert_int_equal(queue_issue(f->st, f->cfg, "A", PRIO_NONE, "ja;rm", now, &t, NULL, &err),
			 MDG_ERR_INVALID);
	/* Nothing was consumed: the next ticket is number 1. */
	assert_int_equal(issue(f, "A", PRIO_NONE, now).number, 1);
}

static void eta_uses_recent_service_times(void **state)
{
	struct fx *f = *state;
	int64_t t0 = T("2026-11-25T09:00:00+09:00"), m = 60000;
	struct ticket t;
	struct queue_eta eta;
	struct mdg_err err = { 0 };
	/* No data yet: A's default of 5 min, 2 configured counters, 2 ahead -> 5 min. */
	issue(f, "A", PRIO_NONE, t0);
	issue(f, "A", PRIO_NONE, t0 + 1);
	assert_int_equal(queue_issue(f->st, f->cfg, "A", PRIO_NONE, "en", t0 + 2, &t, &eta, &err), MDG_OK);
	assert_int_equal(eta.ahead, 2);
	assert_int_equal(eta.counters, 2);
	assert_float_equal(eta.median_service_min, 5, 1e-9);
	assert_int_equal(eta.eta_min, 5);
	/* Serve two at counter 1 taking 8 and 12 minutes: median 10, one active counter. */
	assert_int_equal(queue_call_next(f->st, f->cfg, 1, NULL, t0 + m, &t, &err), MDG_OK);
	act(f, TICKET_OP_FINISH, num(&t), t0 + 9 * m, MDG_OK);
	assert_int_equal(queue_call_next(f->st, f->cfg, 1, NULL, t0 + 10 * m, &t, &err), MDG_OK);
	act(f, TICKET_OP_FINISH, num(&t), t0 + 22 * m, MDG_OK);
	assert_int_equal(queue_issue(f->st, f->cfg, "A", PRIO_NONE, "en", t0 + 23 * m, &t, &eta, &err), MDG_OK);
	assert_int_equal(eta.ahead, 1);
	assert_int_equal(eta.counters, 1);
	assert_float_equal(eta.median_service_min, 10, 1e-9);
	assert_int_equal(eta.eta_min, 10);
}

static void status_snapshot(void **state)
{
	struct fx *f = *state;
	int64_t t0 = T("2026-11-25T09:00:00+09:00"), m = 60000;
	issue(f, "A", PRIO_NONE, t0);
	issue(f, "A", PRIO_PREGNANT, t0 + m);
	issue(f, "C", PRIO_NONE, t0 + 2 * m);
	act(f, TICKET_OP_HOLD, "C-001", t0 + 3 * m, MDG_OK);
	struct queue_status q;
	struct mdg_err err = { 0 };
	assert_int_equal(queue_status(f->st, f->cfg, t0 + 10 * m, &q, &err), MDG_OK);
	assert_string_equal(q.bizdate, "2026-11-25");
	assert_int_equal(q.n_services, 3);
	assert_int_equal(q.services[0].waiting, 2);
	assert_int_equal(q.services[0].priority_waiting, 1);
	assert_int_equal(q.services[0].longest_wait_ms, 10 * m);
	assert_int_equal(q.services[0].longest_priority_wait_ms, 9 * m);
	assert_int_equal(q.services[0].issued_today, 2);
	assert_int_equal(q.services[2].held, 1);
	assert_int_equal(q.n_open, 3);
	assert_int_equal(q.open[0].state, TICKET_HELD);
	queue_status_free(&q);
}

static void read_only_store_refuses_and_consumes_nothing(void **state)
{
	struct fx *f = *state;
	int64_t now = T("2026-11-25T09:00:00+09:00");
	issue(f, "A", PRIO_NONE, now);
	struct store *ro = NULL;
	struct mdg_err err = { 0 };
	assert_int_equal(store_open(f->cfg->store_path, f->cfg->site_id, 5000, STORE_READONLY, &ro, &err),
			 MDG_OK);
	struct ticket t;
	assert_int_equal(queue_issue(ro, f->cfg, "A", PRIO_NONE, "ja", now + 1, &t, NULL, &err),
			 MDG_ERR_READONLY);
	store_close(&ro);
	assert_int_equal(issue(f, "A", PRIO_NONE, now + 2).number, 2);
}

static void backup_is_a_complete_copy(void **state)
{
	struct fx *f = *state;
	issue(f, "A", PRIO_NONE, T("2026-11-25T09:00:00+09:00"));
	char dest[600];
	snprintf(dest, sizeof dest, "%s/backup.db", f->dir);
	struct mdg_err err = { 0 };
	assert_int_equal(store_backup(f->st, dest, &err), MDG_OK);
	assert_int_equal(store_backup(f->st, dest, &err), MDG_ERR_INVALID); /* never overwrites */
	struct store *b = NULL;
	assert_int_equal(store_open(dest, "test-site", 5000, 0, &b, &err), MDG_OK);
	struct ticket t;
	assert_int_equal(queue_find(b, "A-001", "2026-11-25", 0, &t, &err), MDG_OK);
	store_close(&b);
}

static void audit_chain_detects_tampering(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	int64_t now = T("2026-11-25T09:00:00+09:00");
	for (int i = 0; i < 4; i++)
		assert_int_equal(audit_append(f->st, now + i, "s1", "login", "counter-1", NULL, &err), MDG_OK);
	struct audit_verify v;
	assert_int_equal(audit_verify(f->st, &v, &err), MDG_OK);
	assert_true(v.ok);
	assert_int_equal(v.rows, 4);
	/* Tamper with the file through a second connection, as an admin with sqlite3 would. */
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"UPDATE audit SET actor = 'x' WHERE seq = 2\"",
		 f->cfg->store_path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(audit_verify(f->st, &v, &err), MDG_OK);
	assert_false(v.ok);
	assert_int_equal(v.bad_seq, 2);
	assert_non_null(strstr(v.problem, "edited"));
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"UPDATE audit SET actor = 's1' WHERE seq = 2;"
		 " DELETE FROM audit WHERE seq = 3\"", f->cfg->store_path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(audit_verify(f->st, &v, &err), MDG_OK);
	assert_false(v.ok);
	assert_int_equal(v.bad_seq, 3);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"DELETE FROM audit WHERE seq >= 3\"", f->cfg->store_path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(audit_verify(f->st, &v, &err), MDG_OK);
	assert_false(v.ok); /* the deleted tail is found too */
	assert_non_null(strstr(v.problem, "end"));
}

static void verify_code_against_the_store(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	char key[600];
	snprintf(key, sizeof key, "%s/site.key", f->dir);
	assert_int_equal(keyring_init(key, &err), MDG_OK);
	struct keyring *ring;
	assert_int_equal(keyring_load(key, &ring, &err), MDG_OK);
	int64_t now = T("2026-11-25T09:00:00+09:00");
	struct ticket t = issue(f, "A", PRIO_NONE, now), got;
	struct ticketcode c;
	char p[TICKETCODE_MAX];
	enum ticketcode_verdict v;
#define VERIFY(code, when, want)                                                                  \
	do {                                                                                      \
		assert_int_equal(ticketcode_format(&code, keyring_ticket_mac, ring, p, &err), MDG_OK); \
		assert_int_equal(queue_verify_code(f->st, "test-site", keyring_ticket_mac, ring, p, when, \
						   &v, &got, &err), MDG_OK);                      \
		if (v != want)                                                                    \
			fail_msg("%s: %s, want %s", p, ticketcode_verdict_name(v),                \
				 ticketcode_verdict_name(want));                                  \
	} while (0)
	ticketcode_of_ticket(&t, "test-site", 1, &c);
	VERIFY(c, now, TC_VALID);
	assert_int_equal(got.id, t.id);
	struct ticketcode x = c;
	x.number = 2; /* today's counter is at 1 */
	VERIFY(x, now, TC_BEYOND_COUNTER);
	x = c;
	x.token[0] = x.token[0] == 'a' ? 'b' : 'a'; /* a number that exists, but not this ticket */
	VERIFY(x, now, TC_NOT_FOUND);
	x = c;
	snprintf(x.site, sizeof x.site, "naha-shinto");
	VERIFY(x, now, TC_OTHER_SITE);
	VERIFY(c, T("2026-11-26T09:00:00+09:00"), TC_NOT_TODAY); /* yesterday's ticket, next day */
	keyring_free(&ring);
#undef VERIFY
}

int main(void)
{
#define T_(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(store_is_wal_strict_and_versioned),
		T_(numbers_run_per_service_and_day),
		T_(clock_stepped_back_across_midnight),
		T_(call_next_follows_policy),
		T_(overdue_ticket_of_second_service_goes_first),
		T_(operations_and_their_states),
		T_(issue_rejects_bad_input),
		T_(eta_uses_recent_service_times),
		T_(status_snapshot),
		T_(read_only_store_refuses_and_consumes_nothing),
		T_(backup_is_a_complete_copy),
		T_(audit_chain_detects_tampering),
		T_(verify_code_against_the_store),
	};
	return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
