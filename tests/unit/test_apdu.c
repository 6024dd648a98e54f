/* SPDX-License-Identifier: MIT */
/* Unit tests of core/apdu.c (command bytes, status words, retry counters) and
 * core/pinpolicy.c (when a PIN may be sent). */
#include "testutil.h"

#include "core/apdu.h"
#include "core/pinpolicy.h"

static void command_bytes(void **state)
{
	struct apdu a;
	apdu_select_df(&a, APDU_AID_KENHOJO, sizeof APDU_AID_KENHOJO);
	const uint8_t sel[] = { 0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08 };
	assert_int_equal(a.n, sizeof sel);
	assert_memory_equal(a.b, sel, sizeof sel);
	apdu_select_ef(&a, 0x0011);
	const uint8_t ef[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x11 };
	assert_memory_equal(a.b, ef, sizeof ef);
	apdu_verify_status(&a, 0);
	assert_int_equal(a.n, 4);
	const uint8_t vs[] = { 0x00, 0x20, 0x00, 0x80 };
	assert_memory_equal(a.b, vs, 4);
	apdu_verify_status(&a, 0x11);
	assert_int_equal(a.b[3], 0x91); /* by short EF id: no SELECT EF */
	assert_true(apdu_verify(&a, 0, "1234", 4));
	const uint8_t v[] = { 0x00, 0x20, 0x00, 0x80, 0x04, '1', '2', '3', '4' };
	assert_memory_equal(a.b, v, sizeof v);
	assert_false(apdu_verify(&a, 0, "", 0));
	assert_false(apdu_verify(&a, 31, "1234", 4));
	assert_true(apdu_read_binary_sfi(&a, 2, 0, 256));
	const uint8_t rs[] = { 0x00, 0xB0, 0x82, 0x00, 0x00 };
	assert_memory_equal(a.b, rs, sizeof rs);
	assert_false(apdu_read_binary_sfi(&a, 2, 256, 1));
	assert_true(apdu_read_binary(&a, 0x0102, 256));
	const uint8_t rb[] = { 0x00, 0xB0, 0x01, 0x02, 0x00 };
	assert_memory_equal(a.b, rb, sizeof rb);
	assert_false(apdu_read_binary(&a, 0x8000, 7));
	assert_false(apdu_read_binary(&a, 0, 0));
	apdu_get_response(&a, 0x10);
	const uint8_t gr[] = { 0x00, 0xC0, 0x00, 0x00, 0x10 };
	assert_memory_equal(a.b, gr, sizeof gr);
}

static void status_words(void **state)
{
	const uint8_t ok[] = { 0x01, 0x90, 0x00 }, one[] = { 0x90 };
	assert_int_equal(apdu_sw(ok, sizeof ok), 0x9000);
	assert_int_equal(apdu_sw(one, sizeof one), 0);   /* < 2 bytes: a transport failure */
	assert_int_equal(apdu_sw(NULL, 0), 0);
	char s[64];
	assert_string_equal(apdu_sw_str(0x6A82, s), "6A82 file not found");
	assert_string_equal(apdu_sw_str(0x6110, s), "6110 16 more bytes available");
	assert_string_equal(apdu_sw_str(0x63C2, s), "63C2 verification failed, 2 tries left");
	assert_true(apdu_sw_data_ok(0x6282));
	assert_false(apdu_sw_data_ok(0x6B00));
	int tries = -1;
	assert_int_equal(apdu_pin_state(0x63C3, &tries), APDU_PIN_TRIES);
	assert_int_equal(tries, 3);
	assert_int_equal(apdu_pin_state(0x63C0, &tries), APDU_PIN_BLOCKED);
	assert_int_equal(apdu_pin_state(0x6984, &tries), APDU_PIN_BLOCKED);
	assert_int_equal(apdu_pin_state(0x9000, &tries), APDU_PIN_VERIFIED);
	assert_int_equal(apdu_pin_state(0x6300, &tries), APDU_PIN_UNLIMITED);
	assert_int_equal(apdu_pin_state(0x6A82, &tries), APDU_PIN_OTHER);
}

static void pin_decisions(void **state)
{
	/* The kiosk sends only while every try remains. */
	assert_int_equal(pin_policy(PIN_AT_KIOSK, APDU_PIN_TRIES, 3, 3), PIN_SEND);
	assert_int_equal(pin_policy(PIN_AT_KIOSK, APDU_PIN_TRIES, 2, 3), PIN_REFUSE_NOT_FULL);
	assert_int_equal(pin_policy(PIN_AT_KIOSK, APDU_PIN_TRIES, 1, 3), PIN_REFUSE_NOT_FULL);
	/* The counter may send with one left, warning first. */
	assert_int_equal(pin_policy(PIN_AT_COUNTER, APDU_PIN_TRIES, 2, 3), PIN_SEND);
	assert_int_equal(pin_policy(PIN_AT_COUNTER, APDU_PIN_TRIES, 1, 3), PIN_SEND_LAST_TRY);
	assert_int_equal(pin_policy(PIN_AT_COUNTER, APDU_PIN_TRIES, 5, 5), PIN_SEND);
	/* Nobody sends to a blocked card, or on an answer that does not say. */
	for (int w = PIN_AT_KIOSK; w <= PIN_AT_COUNTER; w++) {
		assert_int_equal(pin_policy(w, APDU_PIN_BLOCKED, 0, 3), PIN_REFUSE_BLOCKED);
		assert_int_equal(pin_policy(w, APDU_PIN_TRIES, 0, 3), PIN_REFUSE_BLOCKED);
		assert_int_equal(pin_policy(w, APDU_PIN_OTHER, 0, 3), PIN_REFUSE_UNKNOWN);
		assert_int_equal(pin_policy(w, APDU_PIN_UNLIMITED, 0, 3), PIN_REFUSE_UNKNOWN);
		assert_int_equal(pin_policy(w, APDU_PIN_VERIFIED, 0, 3), PIN_NOT_NEEDED);
	}
	assert_string_equal(pin_decision_name(PIN_SEND_LAST_TRY), "send_last_try");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(command_bytes),
		cmocka_unit_test(status_words),
		cmocka_unit_test(pin_decisions),
	};
	return cmocka_run_group_tests_name("apdu", tests, NULL, NULL);
}
