/* SPDX-License-Identifier: MIT */
/* Unit tests of core/roles.c and core/staffcred.c: every cell of the role x action matrix
 * against a table written out here on its own, name round trips, and the staff PIN and id
 * rules. */
#include "testutil.h"

#include "core/roles.h"
#include "core/staffcred.h"

/* The expected matrix, one line per action, columns: kiosk staff supervisor admin host. */
static const struct {
	enum action a;
	const char *name;
	bool allow[ROLE_COUNT];
} expected[] = {
	{ ACT_TICKET_ISSUE,      "ticket.issue",      { 1, 1, 1, 1, 1 } },
	{ ACT_QUEUE_VIEW,        "queue.view",        { 0, 1, 1, 1, 1 } },
	{ ACT_QUEUE_CALL,        "queue.call",        { 0, 1, 1, 1, 1 } },
	{ ACT_SUBMISSION_VIEW,   "submission.view",   { 0, 1, 1, 1, 0 } },
	{ ACT_FORM_PRINT,        "form.print",        { 0, 1, 1, 1, 0 } },
	{ ACT_CARD_READ,         "card.read",         { 0, 1, 1, 1, 0 } },
	{ ACT_CARD_HELP,         "card.help",         { 0, 1, 1, 1, 1 } },
	{ ACT_SESSION_RECORD,    "session.record",    { 0, 1, 1, 1, 0 } },
	{ ACT_SESSION_EXPORT,    "session.export",    { 0, 0, 1, 1, 0 } },
	{ ACT_REPORT_VIEW,       "report.view",       { 0, 0, 1, 1, 1 } },
	{ ACT_REPORT_EXPORT,     "report.export",     { 0, 0, 1, 1, 0 } },
	{ ACT_BOARD_VIEW,        "board.view",        { 0, 1, 1, 1, 1 } },
	{ ACT_SUPERVISOR_VIEW,   "supervisor.view",   { 0, 0, 1, 1, 0 } },
	{ ACT_STAFF_MANAGE,      "staff.manage",      { 0, 0, 0, 1, 0 } },
	{ ACT_STAFF_LIST,        "staff.list",        { 0, 0, 1, 1, 0 } },
	{ ACT_STAFF_UNLOCK,      "staff.unlock",      { 0, 0, 1, 1, 0 } },
	{ ACT_STAFF_SELF_PASSWD, "staff.self_passwd", { 0, 1, 1, 1, 0 } },
	{ ACT_AUDIT_VERIFY,      "audit.verify",      { 0, 0, 1, 1, 0 } },
	{ ACT_AUDIT_VIEW,        "audit.view",        { 0, 0, 1, 1, 0 } },
	{ ACT_DB_ADMIN,          "db.admin",          { 0, 0, 0, 1, 1 } },
	{ ACT_SYNC,              "sync.push",         { 0, 0, 0, 1, 1 } },
	{ ACT_PURGE,             "purge.run",         { 0, 0, 0, 1, 1 } },
	{ ACT_KEYS,              "keys.manage",       { 0, 0, 0, 1, 1 } },
	{ ACT_CONFIG_CHECK,      "config.check",      { 0, 0, 0, 1, 1 } },
	{ ACT_VOID_TICKET,       "ticket.void",       { 0, 0, 1, 1, 1 } },
};

static void every_cell_of_the_matrix(void **state)
{
	(void)state;
	assert_int_equal(sizeof expected / sizeof expected[0], ACT_COUNT);
	bool seen[ACT_COUNT] = { 0 };
	for (size_t i = 0; i < ACT_COUNT; i++) {
		enum action a = expected[i].a;
		assert_false(seen[a]);
		seen[a] = true;
		for (int r = 0; r < ROLE_COUNT; r++)
			if (role_allows((enum role)r, a) != expected[i].allow[r])
				fail_msg("%s for %s: got %d", expected[i].name, role_name((enum role)r),
					 role_allows((enum role)r, a));
	}
	/* Out of range is never allowed. */
	assert_false(role_allows(ROLE_COUNT, ACT_TICKET_ISSUE));
	assert_false(role_allows(ROLE_ADMIN, ACT_COUNT));
	assert_false(role_allows((enum role)-1, ACT_TICKET_ISSUE));
}

static void the_kiosk_only_issues_tickets_and_admin_does_everything(void **state)
{
	(void)state;
	for (int a = 0; a < ACT_COUNT; a++) {
		assert_int_equal(role_allows(ROLE_KIOSK, (enum action)a), a == ACT_TICKET_ISSUE);
		assert_true(role_allows(ROLE_ADMIN, (enum action)a));
		/* A supervisor can do what staff can. */
		if (role_allows(ROLE_STAFF, (enum action)a))
			assert_true(role_allows(ROLE_SUPERVISOR, (enum action)a));
	}
}

static void names_round_trip(void **state)
{
	(void)state;
	static const char *const roles[] = { "kiosk", "staff", "supervisor", "admin", "host" };
	for (int r = 0; r < ROLE_COUNT; r++) {
		enum role back = ROLE_COUNT;
		assert_string_equal(role_name((enum role)r), roles[r]);
		assert_true(role_parse(roles[r], &back));
		assert_int_equal(back, r);
	}
	enum role keep = ROLE_STAFF;
	assert_false(role_parse("Admin", &keep));
	assert_false(role_parse("", &keep));
	assert_false(role_parse(NULL, &keep));
	assert_int_equal(keep, ROLE_STAFF);
	assert_string_equal(role_name(ROLE_COUNT), "?");
	assert_true(role_is_staff(ROLE_STAFF) && role_is_staff(ROLE_SUPERVISOR) && role_is_staff(ROLE_ADMIN));
	assert_false(role_is_staff(ROLE_KIOSK) || role_is_staff(ROLE_HOST));
	for (size_t i = 0; i < ACT_COUNT; i++) {
		enum action back = ACT_COUNT;
		assert_string_equal(action_name(expected[i].a), expected[i].name);
		assert_true(action_parse(expected[i].name, &back));
		assert_int_equal(back, expected[i].a);
	}
	enum action a = ACT_SYNC;
	assert_false(action_parse("queue", &a));
	assert_false(action_parse("queue.call ", &a));
	assert_int_equal(a, ACT_SYNC);
	assert_string_equal(action_name(ACT_COUNT), "?");
}

#define PIN(s) staffpin_check(s, strlen(s))

static void the_staff_pin_rule(void **state)
{
	(void)state;
	assert_int_equal(PIN("482915"), STAFFPIN_OK);
	assert_int_equal(PIN("739164028451"), STAFFPIN_OK);
	assert_int_equal(PIN("112233"), STAFFPIN_OK);
	assert_int_equal(PIN("123457"), STAFFPIN_OK);   /* breaks the run at the end */
	assert_int_equal(PIN("13579"), STAFFPIN_LENGTH);
	assert_int_equal(PIN("4829153"), STAFFPIN_OK);
	assert_int_equal(PIN("7391640284519"), STAFFPIN_LENGTH);
	assert_int_equal(PIN(""), STAFFPIN_LENGTH);
	assert_int_equal(PIN("48291a"), STAFFPIN_NOT_DIGITS);
	assert_int_equal(PIN("482 915"), STAFFPIN_NOT_DIGITS);
	assert_int_equal(PIN("４８２９１５"), STAFFPIN_LENGTH); /* 18 bytes of full-width digits */
	assert_int_equal(PIN("４８２９"), STAFFPIN_NOT_DIGITS);  /* 12 bytes */
	assert_int_equal(PIN("000000"), STAFFPIN_SAME);
	assert_int_equal(PIN("999999999999"), STAFFPIN_SAME);
	assert_int_equal(PIN("123456"), STAFFPIN_RUN);
	assert_int_equal(PIN("654321"), STAFFPIN_RUN);
	assert_int_equal(PIN("012345678901"), STAFFPIN_RUN);
	assert_int_equal(PIN("890123"), STAFFPIN_RUN);    /* 9 and 0 are neighbours */
	assert_int_equal(PIN("109876"), STAFFPIN_RUN);
	/* The length counts, not a NUL: a PIN with a NUL inside is not digits. */
	assert_int_equal(staffpin_check("482\0915", 7), STAFFPIN_NOT_DIGITS);
	for (int v = STAFFPIN_LENGTH; v <= STAFFPIN_RUN; v++)
		assert_true(strlen(staffpin_verdict_str((enum staffpin_verdict)v)) > 10);
	assert_string_equal(staffpin_verdict_str(STAFFPIN_OK), "");
}

static void staff_ids_and_names(void **state)
{
	(void)state;
	assert_true(staff_id_valid("s001"));
	assert_true(staff_id_valid("tanaka.h"));
	assert_true(staff_id_valid("a_b-c"));
	assert_true(staff_id_valid("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(staff_id_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(staff_id_valid(""));
	assert_false(staff_id_valid(NULL));
	assert_false(staff_id_valid("-s001"));
	assert_false(staff_id_valid("S001"));
	assert_false(staff_id_valid("s 001"));
	assert_false(staff_id_valid("田中"));
	assert_true(staff_name_valid("窓口 花子"));
	assert_true(staff_name_valid("Hanako"));
	assert_false(staff_name_valid(""));
	assert_false(staff_name_valid("a\tb"));
	assert_false(staff_name_valid("a\x7f"));
	assert_false(staff_name_valid("\xe2\x80\xae" "evil"));  /* a bidi override */
	assert_false(staff_name_valid("\xff"));
	char longname[80];
	memset(longname, 'x', 65);
	longname[65] = '\0';
	assert_false(staff_name_valid(longname));
	longname[64] = '\0';
	assert_true(staff_name_valid(longname));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cell_of_the_matrix),
		cmocka_unit_test(the_kiosk_only_issues_tickets_and_admin_does_everything),
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(the_staff_pin_rule),
		cmocka_unit_test(staff_ids_and_names),
	};
	return cmocka_run_group_tests_name("roles", tests, NULL, NULL);
}
