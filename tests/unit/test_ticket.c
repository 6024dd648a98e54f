/* SPDX-License-Identifier: MIT */
/* Unit tests of core/ticket.c (state machine, numbers) and core/text.c (sanitising, widths). */
#include "testutil.h"

#include <locale.h>

#include "core/text.h"
#include "core/ticket.h"

static void transitions(void **state)
{
	assert_true(ticket_op_allowed(TICKET_OP_CALL, TICKET_WAITING));
	assert_true(ticket_op_allowed(TICKET_OP_CALL, TICKET_HELD));
	assert_false(ticket_op_allowed(TICKET_OP_CALL, TICKET_CALLED));
	assert_true(ticket_op_allowed(TICKET_OP_RECALL, TICKET_CALLED));
	assert_false(ticket_op_allowed(TICKET_OP_RECALL, TICKET_WAITING));
	assert_false(ticket_op_allowed(TICKET_OP_FINISH, TICKET_WAITING));
	assert_true(ticket_op_allowed(TICKET_OP_TRANSFER, TICKET_CALLED));
	assert_true(ticket_op_allowed(TICKET_OP_VOID, TICKET_WAITING));
	assert_false(ticket_op_allowed(TICKET_OP_VOID, TICKET_CALLED));
	/* Nothing leaves a final state. */
	for (int op = 0; op < TICKET_OP_COUNT; op++) {
		assert_false(ticket_op_allowed(op, TICKET_FINISHED));
		assert_false(ticket_op_allowed(op, TICKET_NO_SHOW));
		assert_false(ticket_op_allowed(op, TICKET_CANCELLED));
		assert_false(ticket_op_allowed(op, TICKET_VOIDED));
	}
	assert_false(ticket_op_allowed(TICKET_OP_COUNT, TICKET_WAITING));
}

static void names_round_trip(void **state)
{
	for (int s = 0; s < TICKET_STATE_COUNT; s++)
		assert_int_equal(ticket_state_parse(ticket_state_name(s)), s);
	assert_int_equal(ticket_state_parse("lost"), -1);
	assert_int_equal(ticket_priority_parse("elderly"), PRIO_ELDERLY);
	assert_int_equal(ticket_priority_parse(NULL), PRIO_NONE);
	assert_int_equal(ticket_priority_parse("vip"), -1);
}

static void numbers(void **state)
{
	char out[8], svc[2];
	int n;
	ticket_format_number("A", 42, out);
	assert_string_equal(out, "A-042");
	ticket_format_number("B", 1234, out);
	assert_string_equal(out, "B-1234");
	assert_true(ticket_parse_number("A-042", svc, &n));
	assert_string_equal(svc, "A");
	assert_int_equal(n, 42);
	assert_true(ticket_parse_number("c7", svc, &n));
	assert_string_equal(svc, "C");
	assert_int_equal(n, 7);
	assert_false(ticket_parse_number("A-0", svc, &n));
	assert_false(ticket_parse_number("A-12345", svc, &n));
	assert_false(ticket_parse_number("42", svc, &n));
	assert_false(ticket_parse_number("A-4x", svc, &n));
	assert_false(ticket_parse_number("", svc, &n));
	assert_false(ticket_parse_number("A-", svc, &n));
}

static void text_widths(void **state)
{
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	assert_true(text_locale_is_utf8());
	assert_int_equal(text_width("受付番号ABC"), 11);
	assert_int_equal(text_width("\xF0\xA0\xAE\xB7"), 2); /* 𠮷, 4-byte UTF-8 */
	assert_int_equal(text_width("ｱ"), 1);
	char out[64];
	/* Never split a wide character: 5 columns of 証明書 hold two characters. */
	assert_int_equal(text_fit("証明書", 5, false, out, sizeof out), 4);
	assert_string_equal(out, "証明");
	assert_int_equal(text_fit("証明書", 5, true, out, sizeof out), 5);
	assert_string_equal(out, "証明 ");
}

static void text_sanitising(void **state)
{
	char out[64];
	assert_true(text_sanitize("髙﨑 太郎", out, sizeof out));
	assert_string_equal(out, "髙﨑 太郎");
	/* invalid byte, overlong '/', a surrogate, a control and a bidi override */
	assert_false(text_sanitize("a\xFF" "b\xC0\xAF" "c\xED\xA0\x80" "d\x1B" "e\xE2\x80\xAE" "f", out, sizeof out));
	assert_string_equal(out, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "def");
	/* A character that does not fit whole is left out. */
	assert_false(text_sanitize("ab証", out, 4));
	assert_string_equal(out, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transitions),
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(numbers),
		cmocka_unit_test(text_widths),
		cmocka_unit_test(text_sanitising),
	};
	return cmocka_run_group_tests_name("ticket", tests, NULL, NULL);
}
