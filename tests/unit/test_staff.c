/* SPDX-License-Identifier: MIT */
/* Unit tests of store/staff.c on a real SQLite file: add and login, a wrong PIN, the lockout
 * after N failures (the right PIN refused while locked, accepted once the time has passed,
 * with the clock injected), unknown ids told apart from nothing, disabled accounts, role
 * changes, the last admin kept, the first admin, denials audited, and no PIN or hash in any
 * audit column. */
#include "testutil.h"

#include <sqlite3.h>

#include "core/bizdate.h"
#include "secure/hash.h"
#include "store/audit.h"
#include "store/staff.h"
#include "store/store.h"

struct fx {
	char *dir;
	char db[600];
	struct store *st;
};

static int64_t T(const char *iso)
{
	int64_t ms;
	if (!bizclock_parse(iso, &ms))
		fail_msg("bad time %s", iso);
	return ms;
}

#define T0 T("2026-11-25T09:00:00+09:00")
static const int64_t MIN = 60000;
static const struct staff_policy POLICY = { 3, 15 };
#define ADMIN_PIN "482915"
#define STAFF_PIN "739164"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct mdg_err err = { 0 };
	f->dir = test_tmpdir();
	f->st = test_store_new(f->dir, 5000, f->db, sizeof f->db);
	assert_int_equal(staff_add_first_admin(f->st, "admin1", "管理 太郎", ADMIN_PIN, 6, T0, &err), MDG_OK);
	assert_int_equal(staff_add(f->st, "s001", "窓口 花子", ROLE_STAFF, STAFF_PIN, 6, T0, "admin1", &err),
			 MDG_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(&f->st);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

/* The first row of sql as an integer, through a second connection. */
static int64_t raw_int(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static int64_t audit_count(struct fx *f, const char *where)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE %s", where);
	return raw_int(f, sql);
}

static enum mdg_status login(struct fx *f, const char *id, const char *pin, int64_t now,
			     struct staff_info *who, struct mdg_err *err)
{
	mdg_err_clear(err);
	return staff_login(f->st, &POLICY, id, pin, strlen(pin), now, who, err);
}

static void add_and_login(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct staff_info who;
	assert_int_equal(login(f, "s001", STAFF_PIN, T0 + MIN, &who, &err), MDG_OK);
	assert_string_equal(who.id, "s001");
	assert_string_equal(who.name, "窓口 花子");
	assert_int_equal(who.role, ROLE_STAFF);
	assert_false(who.disabled);
	assert_int_equal(who.failures, 0);
	assert_int_equal(who.created_ms, T0);
	assert_int_equal(audit_count(f, "action = 'staff.login' AND actor = 's001' AND target = 's001'"), 1);
	assert_int_equal(audit_count(f, "action = 'staff.add' AND actor = 'admin1' AND target = 's001'"
				     " AND detail = 'role staff'"), 1);
	/* The hash is Argon2id, and a second account with the same PIN gets another salt. */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM staff WHERE pin_hash LIKE '$argon2id$%'"), 2);
	assert_int_equal(staff_add(f->st, "s002", "Two", ROLE_STAFF, STAFF_PIN, 6, T0, "admin1", &err), MDG_OK);
	assert_int_equal(raw_int(f, "SELECT count(DISTINCT pin_hash) FROM staff"), 3);
	/* Ids are unique; bad input is refused before anything is written. */
	assert_int_equal(staff_add(f->st, "s001", "Again", ROLE_STAFF, STAFF_PIN, 6, T0, "admin1", &err),
			 MDG_ERR_STATE);
	assert_int_equal(staff_add(f->st, "S 1", "Bad", ROLE_STAFF, STAFF_PIN, 6, T0, "admin1", &err),
			 MDG_ERR_INVALID);
	assert_int_equal(staff_add(f->st, "s003", "Host", ROLE_HOST, STAFF_PIN, 6, T0, "admin1", &err),
			 MDG_ERR_INVALID);
	assert_int_equal(staff_add(f->st, "s003", "Run", ROLE_STAFF, "123456", 6, T0, "admin1", &err),
			 MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "run"));
	struct staff_info *all;
	size_t n;
	assert_int_equal(staff_list(f->st, &all, &n, &err), MDG_OK);
	assert_int_equal(n, 3);
	assert_string_equal(all[0].id, "admin1");
	assert_int_equal(all[0].role, ROLE_ADMIN);
	assert_string_equal(all[2].id, "s002");
	free(all);
	assert_int_equal(staff_get(f->st, "nobody", &who, &err), MDG_ERR_NOT_FOUND);
}

static void wrong_pins_lock_the_account_until_the_time_passes(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 }, unknown = { 0 };
	struct staff_info who, row;
	assert_int_equal(login(f, "nobody", STAFF_PIN, T0, &who, &unknown), MDG_ERR_AUTH);
	assert_int_equal(login(f, "s001", "111222", T0 + 1 * MIN, &who, &err), MDG_ERR_AUTH);
	/* An unknown id and a wrong PIN read the same. */
	assert_string_equal(err.msg, unknown.msg);
	assert_int_equal(login(f, "s001", "111222", T0 + 2 * MIN, &who, &err), MDG_ERR_AUTH);
	assert_int_equal(staff_get(f->st, "s001", &row, &err), MDG_OK);
	assert_int_equal(row.failures, 2);
	assert_int_equal(row.locked_until_ms, 0);
	/* The third locks it, for 15 minutes from 09:03. */
	assert_int_equal(login(f, "s001", "111222", T0 + 3 * MIN, &who, &err), MDG_ERR_AUTH);
	assert_non_null(strstr(err.msg, "locked"));
	assert_non_null(strstr(err.msg, "09:18"));
	assert_int_equal(staff_get(f->st, "s001", &row, &err), MDG_OK);
	assert_int_equal(row.locked_until_ms, T0 + 18 * MIN);
	assert_int_equal(row.failures, 0);
	assert_int_equal(audit_count(f, "action = 'staff.locked' AND target = 's001'"), 1);
	/* Locked: the right PIN is refused too, and counts nothing. */
	assert_int_equal(login(f, "s001", STAFF_PIN, T0 + 17 * MIN, &who, &err), MDG_ERR_AUTH);
	assert_non_null(strstr(err.msg, "locked until 09:18"));
	assert_int_equal(audit_count(f, "action = 'staff.login_failed' AND detail = 'locked'"), 1);
	assert_int_equal(audit_count(f, "action = 'staff.login'"), 0);
	/* Once the time has passed the lock is lifted, on the record, and the PIN works. */
	assert_int_equal(login(f, "s001", STAFF_PIN, T0 + 18 * MIN, &who, &err), MDG_OK);
	assert_int_equal(who.locked_until_ms, 0);
	assert_int_equal(audit_count(f, "action = 'staff.unlock' AND detail = 'lock expired'"), 1);
	/* A success clears the count: two more failures do not lock. */
	assert_int_equal(login(f, "s001", "111222", T0 + 19 * MIN, &who, &err), MDG_ERR_AUTH);
	assert_int_equal(login(f, "s001", "111222", T0 + 20 * MIN, &who, &err), MDG_ERR_AUTH);
	assert_int_equal(staff_get(f->st, "s001", &row, &err), MDG_OK);
	assert_int_equal(row.failures, 2);
	/* The unknown id is not recorded: it might have been a PIN typed in the wrong field. */
	assert_int_equal(audit_count(f, "action = 'staff.login_failed' AND detail = 'unknown id'"
				     " AND target = '' AND actor = 'unknown'"), 1);
	assert_int_equal(audit_count(f, "target = 'nobody' OR actor = 'nobody' OR detail LIKE '%nobody%'"), 0);
	/* An admin's unlock clears the failures. */
	assert_int_equal(staff_unlock(f->st, "s001", T0 + 21 * MIN, "admin1", &err), MDG_OK);
	assert_int_equal(staff_get(f->st, "s001", &row, &err), MDG_OK);
	assert_int_equal(row.failures, 0);
	assert_int_equal(audit_count(f, "action = 'staff.unlock' AND actor = 'admin1'"), 1);
}

static void an_unlock_or_new_pin_lifts_a_lock_early(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct staff_info who;
	for (int i = 0; i < 3; i++)
		assert_int_equal(login(f, "s001", "111222", T0 + i, &who, &err), MDG_ERR_AUTH);
	assert_int_equal(staff_unlock(f->st, "s001", T0 + MIN, "admin1", &err), MDG_OK);
	assert_int_equal(audit_count(f, "action = 'staff.unlock' AND detail = 'lock lifted'"), 1);
	assert_int_equal(login(f, "s001", STAFF_PIN, T0 + 2 * MIN, &who, &err), MDG_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(login(f, "s001", "111222", T0 + 3 * MIN + i, &who, &err), MDG_ERR_AUTH);
	/* A PIN that breaks the rule is refused; a good one replaces the old and lifts the lock. */
	assert_int_equal(staff_set_pin(f->st, "s001", "000000", 6, T0 + 4 * MIN, "admin1", &err),
			 MDG_ERR_INVALID);
	assert_int_equal(staff_set_pin(f->st, "s001", "5829301", 7, T0 + 4 * MIN, "admin1", &err), MDG_OK);
	assert_int_equal(login(f, "s001", STAFF_PIN, T0 + 5 * MIN, &who, &err), MDG_ERR_AUTH);
	assert_int_equal(login(f, "s001", "5829301", T0 + 5 * MIN, &who, &err), MDG_OK);
	assert_int_equal(audit_count(f, "action = 'staff.passwd' AND actor = 'admin1' AND target = 's001'"), 1);
	assert_int_equal(staff_set_pin(f->st, "nobody", "5829301", 7, T0, "admin1", &err), MDG_ERR_NOT_FOUND);
}

static void disabled_accounts(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 }, wrong = { 0 };
	struct staff_info who;
	assert_int_equal(staff_set_disabled(f->st, "s001", true, T0, "admin1", &err), MDG_OK);
	/* Told as disabled only to someone who knows the PIN. */
	assert_int_equal(login(f, "s001", STAFF_PIN, T0 + MIN, &who, &err), MDG_ERR_AUTH);
	assert_non_null(strstr(err.msg, "disabled"));
	assert_int_equal(login(f, "s001", "111222", T0 + MIN, &who, &wrong), MDG_ERR_AUTH);
	assert_string_equal(wrong.msg, "wrong staff id or PIN");
	assert_int_equal(audit_count(f, "action = 'staff.login_failed' AND detail = 'disabled'"), 2);
	assert_int_equal(audit_count(f, "action = 'staff.disable' AND target = 's001'"), 1);
	assert_int_equal(staff_set_disabled(f->st, "s001", false, T0 + 2 * MIN, "admin1", &err), MDG_OK);
	assert_int_equal(login(f, "s001", STAFF_PIN, T0 + 3 * MIN, &who, &err), MDG_OK);
	assert_int_equal(audit_count(f, "action = 'staff.enable' AND target = 's001'"), 1);
	/* The last enabled admin stays. */
	assert_int_equal(staff_set_disabled(f->st, "admin1", true, T0, "admin1", &err), MDG_ERR_STATE);
	assert_int_equal(staff_set_role(f->st, "admin1", ROLE_STAFF, T0, "admin1", &err), MDG_ERR_STATE);
	bool any = false;
	assert_int_equal(staff_has_admin(f->st, &any, &err), MDG_OK);
	assert_true(any);
}

static void role_changes(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct staff_info who;
	assert_int_equal(staff_set_role(f->st, "s001", ROLE_SUPERVISOR, T0, "admin1", &err), MDG_OK);
	assert_int_equal(audit_count(f, "action = 'staff.role' AND target = 's001' AND actor = 'admin1'"
				     " AND detail = 'staff->supervisor'"), 1);
	assert_int_equal(login(f, "s001", STAFF_PIN, T0 + MIN, &who, &err), MDG_OK);
	assert_int_equal(who.role, ROLE_SUPERVISOR);
	assert_int_equal(staff_set_role(f->st, "s001", ROLE_KIOSK, T0, "admin1", &err), MDG_ERR_INVALID);
	assert_int_equal(staff_set_role(f->st, "nobody", ROLE_STAFF, T0, "admin1", &err), MDG_ERR_NOT_FOUND);
	/* With a second admin, the first may step down. */
	assert_int_equal(staff_set_role(f->st, "s001", ROLE_ADMIN, T0, "admin1", &err), MDG_OK);
	assert_int_equal(staff_set_role(f->st, "admin1", ROLE_STAFF, T0, "s001", &err), MDG_OK);
	assert_int_equal(staff_get(f->st, "admin1", &who, &err), MDG_OK);
	assert_int_equal(who.role, ROLE_STAFF);
}

static void the_first_admin_only_once(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	assert_int_equal(staff_add_first_admin(f->st, "admin2", "Two", "5829301", 7, T0, &err), MDG_ERR_DENIED);
	assert_int_equal(staff_get(f->st, "admin2", &(struct staff_info){ 0 }, &err), MDG_ERR_NOT_FOUND);
	assert_int_equal(audit_count(f, "action = 'staff.add' AND actor = 'cli' AND target = 'admin1'"
				     " AND detail = 'role admin, first admin'"), 1);
}

static void denials_are_audited(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	int64_t before = audit_count(f, "1");
	assert_int_equal(staff_authorize(f->st, "s001", ROLE_STAFF, ACT_QUEUE_CALL, "A-001", T0, &err), MDG_OK);
	assert_int_equal(audit_count(f, "1"), before); /* allowed: nothing to record */
	assert_int_equal(staff_authorize(f->st, "s001", ROLE_STAFF, ACT_STAFF_MANAGE, "s002", T0, &err),
			 MDG_ERR_DENIED);
	assert_non_null(strstr(err.msg, "staff.manage"));
	assert_int_equal(audit_count(f, "action = 'access.denied' AND actor = 's001' AND target = 's002'"
				     " AND detail = 'staff.manage'"), 1);
	assert_int_equal(staff_authorize(f->st, "kiosk-1", ROLE_KIOSK, ACT_SUBMISSION_VIEW, NULL, T0, &err),
			 MDG_ERR_DENIED);
	assert_int_equal(audit_count(f, "action = 'access.denied' AND actor = 'kiosk-1'"
				     " AND detail = 'submission.view'"), 1);
	struct audit_verify v;
	assert_int_equal(audit_verify(f->st, &v, &err), MDG_OK);
	assert_true(v.ok);
}

static void no_pin_or_hash_in_the_audit(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct staff_info who;
	for (int i = 0; i < 3; i++)
		login(f, "s001", "271828", T0 + i, &who, &err);
	login(f, "271828", "271828", T0 + 4, &who, &err); /* a PIN typed as the id */
	assert_int_equal(staff_set_pin(f->st, "s001", "5829301", 7, T0 + 5, "admin1", &err), MDG_OK);
	assert_int_equal(login(f, "admin1", ADMIN_PIN, T0 + 6, &who, &err), MDG_OK);
	static const char *const secrets[] = { "$argon2", "argon2id", ADMIN_PIN, STAFF_PIN, "271828", "5829301" };
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
		char where[400];
		snprintf(where, sizeof where,
			 "instr(actor, '%1$s') OR instr(action, '%1$s') OR instr(target, '%1$s')"
			 " OR instr(detail, '%1$s')", secrets[i]);
		if (audit_count(f, where) != 0)
			fail_msg("'%s' is in the audit", secrets[i]);
	}
	assert_true(audit_count(f, "1") > 8);
}

int main(void)
{
#define T_(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(add_and_login),
		T_(wrong_pins_lock_the_account_until_the_time_passes),
		T_(an_unlock_or_new_pin_lifts_a_lock_early),
		T_(disabled_accounts),
		T_(role_changes),
		T_(the_first_admin_only_once),
		T_(denials_are_audited),
		T_(no_pin_or_hash_in_the_audit),
	};
	return cmocka_run_group_tests_name("staff", tests, NULL, NULL);
}
