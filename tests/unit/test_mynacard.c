/* SPDX-License-Identifier: MIT */
/* Unit tests of src/card/mynacard.c over a scripted card (a fake, for unit tests only; the
 * end-to-end tests use pcscd, vpcd and the card simulator): the PIN policy applied on the wire,
 * no VERIFY ever repeated, removal at every APDU, 6F00 / 61xx / 6Cxx handling. */
#include "testutil.h"

#include "card/mynacard.h"

static const uint8_t EF0002[] = {
	0xFF, 0x20, 0x65, 0xDF, 0x21, 0x08, 0x00, 0x0E, 0x00, 0x20, 0x00, 0x59, 0x00, 0x64,
	0xDF, 0x22, 0x0F, 0xE9, 0xBB, 0x92, 0xE6, 0xA1, 0x90, 0xE3, 0x80, 0x80, 0xE5, 0xB9, 0xB9,
	0xE4, 0xB9, 0x9F, 0xDF, 0x23, 0x36,
	0xE6, 0x9D, 0xB1, 0xE4, 0xBA, 0xAC, 0xE9, 0x83, 0xBD, 0xE6, 0xB8, 0x85, 0xE7, 0x80, 0xAC,
	0xE5, 0xB8, 0x82, 0xE8, 0xA6, 0xB3, 0xE5, 0xB8, 0x83, 0xE5, 0xAD, 0x90, 0xE5, 0x8D, 0x97,
	0xEF, 0xBC, 0x91, 0xEF, 0xBC, 0x92, 0xEF, 0xBC, 0x8D, 0xEF, 0xBC, 0x97, 0xEF, 0xBC, 0x8D,
	0xEF, 0xBC, 0x92, 0xEF, 0xBC, 0x90, 0xEF, 0xBC, 0x92,
	0xDF, 0x24, 0x08, '1', '9', '8', '0', '0', '2', '1', '7', 0xDF, 0x25, 0x01, '1',
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

struct fake {
	bool kenhojo, verified;
	uint16_t ef;
	int tries_pin, tries_b;
	unsigned sent, remove_at;     /* remove the card before APDU number remove_at (1-based) */
	unsigned verifies;            /* VERIFY commands with data */
	bool first_6f00, chain_61, wrong_le;
	bool verify_6c;               /* answer a VERIFY with data 6C04, as a confused card might */
	bool foreign;                 /* not a My Number card: no such AP */
};

static size_t sw(uint8_t *r, size_t n, uint16_t s)
{
	r[n] = (uint8_t)(s >> 8);
	r[n + 1] = (uint8_t)s;
	return n + 2;
}

static enum mdg_status fake_transmit(void *ctx, const uint8_t *c, size_t n, uint8_t *r, size_t *rn,
				     struct mdg_err *err)
{
	struct fake *f = ctx;
	f->sent++;
	if (f->remove_at && f->sent >= f->remove_at)
		return mdg_err_set(err, MDG_ERR_IO, "card removed");
	if (f->first_6f00 && f->sent == 1) {
		*rn = sw(r, 0, 0x6F00);
		return MDG_OK;
	}
	uint8_t ins = c[1];
	if (ins == 0xA4 && c[2] == 0x04) {
		f->kenhojo = !f->foreign && n == 15 && memcmp(c + 5, APDU_AID_KENHOJO, 10) == 0;
		*rn = sw(r, 0, f->kenhojo ? 0x9000 : 0x6A82);
	} else if (ins == 0xA4 && c[2] == 0x02) {
		f->ef = (uint16_t)(c[5] << 8 | c[6]);
		*rn = sw(r, 0, f->kenhojo ? 0x9000 : 0x6A82);
	} else if (ins == 0x20) {
		uint16_t key = c[3] == 0x80 ? f->ef : (uint16_t)(c[3] & 0x1F); /* current EF or SFI */
		int *tries = key == 0x0011 ? &f->tries_pin : &f->tries_b;
		const char *want = key == 0x0011 ? "1234" : "55021720352285";
		if (n == 4) {
			*rn = sw(r, 0, *tries ? 0x63C0 | (uint16_t)*tries : 0x6984);
		} else {
			f->verifies++;
			if (f->verify_6c) {
				*rn = sw(r, 0, 0x6C04);
				return MDG_OK;
			}
			if (*tries == 0) {
				*rn = sw(r, 0, 0x6984);
			} else if (c[4] == strlen(want) && memcmp(c + 5, want, c[4]) == 0) {
				*tries = key == 0x0011 ? 3 : 10;
				f->verified = true;
				*rn = sw(r, 0, 0x9000);
			} else {
				(*tries)--;
				*rn = sw(r, 0, 0x63C0 | (uint16_t)*tries);
			}
		}
	} else if (ins == 0xB0) {
		unsigned off = (unsigned)(c[2] << 8 | c[3]), le = c[4] ? c[4] : 256;
		if (c[2] & 0x80) { /* by short EF id: selects it, offset in P2 */
			f->ef = c[2] & 0x1F;
			off = c[3];
		}
		if (f->ef != 0x0002 || !f->verified) {
			*rn = sw(r, 0, 0x6982);
		} else if (off >= sizeof EF0002) {
			*rn = sw(r, 0, 0x6B00);
		} else if (f->wrong_le && le != 17) {
			f->wrong_le = false;
			*rn = sw(r, 0, 0x6C11);
		} else {
			size_t k = sizeof EF0002 - off < le ? sizeof EF0002 - off : le;
			if (f->chain_61 && k > 40) {
				memcpy(r, EF0002 + off, 40);
				f->chain_61 = false;
				f->ef = 0xFFFE; /* remember: the rest comes by GET RESPONSE */
				*rn = sw(r, 40, (uint16_t)(0x6100 | (k - 40)));
			} else {
				memcpy(r, EF0002 + off, k);
				*rn = sw(r, k, 0x9000);
			}
		}
	} else if (ins == 0xC0 && f->ef == 0xFFFE) {
		size_t k = c[4];
		memcpy(r, EF0002 + 40, k);
		f->ef = 0x0002;
		*rn = sw(r, k, 0x9000);
	} else {
		*rn = sw(r, 0, 0x6D00);
	}
	return MDG_OK;
}

static const struct apdu_transport_ops FAKE = { .transmit = fake_transmit };

static struct mynacard card(struct fake *f)
{
	return (struct mynacard){ .ops = &FAKE, .ctx = f };
}

static void pin_and_basic4_at_the_kiosk(void **state)
{
	struct fake f = { .tries_pin = 3, .tries_b = 10 };
	struct mynacard c = card(&f);
	struct mdg_err err = { 0 };
	enum pin_decision d;
	enum apdu_pin_state st;
	int tries;
	struct card_basic4 b;
	assert_int_equal(mynacard_select_kenhojo(&c, &err), MDG_OK);
	assert_int_equal(mynacard_verify(&c, MYNA_KEY_PIN, PIN_AT_KIOSK, "1234", 4, &d, &st, &tries, &err),
			 MDG_OK);
	assert_int_equal(d, PIN_SEND);
	assert_int_equal(mynacard_read_basic4(&c, &b, &err), MDG_OK);
	assert_string_equal(b.birth_date, "1980-02-17");
	assert_string_equal(b.name, "黒桐\xE3\x80\x80幹也");
	assert_int_equal(f.verifies, 1);
	assert_int_equal(c.apdus, 4); /* SELECT DF, counter, VERIFY, READ: all by short EF id */
}

static void wrong_pin_then_the_kiosk_stops(void **state)
{
	struct fake f = { .tries_pin = 3, .tries_b = 10 };
	struct mynacard c = card(&f);
	struct mdg_err err = { 0 };
	enum pin_decision d;
	enum apdu_pin_state st;
	int tries;
	assert_int_equal(mynacard_select_kenhojo(&c, &err), MDG_OK);
	assert_int_equal(mynacard_verify(&c, MYNA_KEY_PIN, PIN_AT_KIOSK, "9999", 4, &d, &st, &tries, &err),
			 MDG_ERR_INVALID);
	assert_int_equal(tries, 2); /* exactly one try spent */
	assert_non_null(strstr(err.msg, "2 tries left"));
	/* Another attempt at the kiosk: refused without a VERIFY. */
	assert_int_equal(mynacard_verify(&c, MYNA_KEY_PIN, PIN_AT_KIOSK, "1234", 4, &d, &st, &tries, &err),
			 MDG_ERR_STATE);
	assert_int_equal(d, PIN_REFUSE_NOT_FULL);
	assert_int_equal(f.verifies, 1);
	assert_int_equal(f.tries_pin, 2);
	/* At the counter it may go on; at one try left it says so first. */
	f.tries_pin = 1;
	assert_int_equal(mynacard_verify(&c, MYNA_KEY_PIN, PIN_AT_COUNTER, "1234", 4, &d, &st, &tries, &err),
			 MDG_OK);
	assert_int_equal(d, PIN_SEND_LAST_TRY);
	/* The 14-digit 照合番号B opens basic-4 too. */
	struct fake g = { .tries_pin = 0, .tries_b = 10 };
	struct mynacard c2 = card(&g);
	struct card_basic4 b;
	assert_int_equal(mynacard_select_kenhojo(&c2, &err), MDG_OK);
	assert_int_equal(mynacard_read_basic4(&c2, &b, &err), MDG_ERR_STATE); /* not verified */
	assert_int_equal(mynacard_verify(&c2, MYNA_KEY_PIN, PIN_AT_COUNTER, "1234", 4, &d, &st, &tries, &err),
			 MDG_ERR_STATE);
	assert_int_equal(d, PIN_REFUSE_BLOCKED);
	assert_int_equal(g.verifies, 0); /* a blocked card never gets a PIN */
	assert_int_equal(mynacard_verify(&c2, MYNA_KEY_CODE_B, PIN_AT_KIOSK, "55021720352285", 14, &d, &st,
					 &tries, &err), MDG_OK);
	assert_int_equal(mynacard_read_basic4(&c2, &b, &err), MDG_OK);
	assert_int_equal(b.sex, CARD_SEX_MALE);
}

static void removal_at_every_apdu(void **state)
{
	/* The full flow takes N APDUs; remove the card before each one in turn. */
	for (unsigned k = 1; k <= 6; k++) {
		struct fake f = { .tries_pin = 3, .tries_b = 10, .remove_at = k };
		struct mynacard c = card(&f);
		struct mdg_err err = { 0 };
		enum pin_decision d;
		enum apdu_pin_state st;
		int tries;
		struct card_basic4 b;
		memset(&b, 0x55, sizeof b);
		enum mdg_status rc = mynacard_select_kenhojo(&c, &err);
		if (!rc)
			rc = mynacard_verify(&c, MYNA_KEY_PIN, PIN_AT_KIOSK, "1234", 4, &d, &st, &tries, &err);
		if (!rc)
			rc = mynacard_read_basic4(&c, &b, &err);
		if (k <= 4) { /* the flow is 4 APDUs long */
			assert_int_equal(rc, MDG_ERR_IO);
			assert_non_null(strstr(err.msg, "removed"));
			/* never a half-filled record */
			assert_true(b.name[0] == 0x55 || b.name[0] == '\0');
		}
		assert_true(f.verifies <= 1); /* no VERIFY repeated after a removal */
		if (rc == MDG_ERR_IO)
			assert_int_equal(c.current_df, 0); /* the card layer forgets what was selected */
	}
}

static void verify_answered_6cxx_is_not_resent(void **state)
{
	/* 6Cxx means "wrong Le"; a VERIFY has none, and resending it (with a byte of the PIN
	 * replaced by xx) would spend a second try; fuzz/response traps on it too. */
	struct fake f = { .tries_pin = 3, .tries_b = 10, .verify_6c = true };
	struct mynacard c = card(&f);
	struct mdg_err err = { 0 };
	enum pin_decision d;
	enum apdu_pin_state st;
	int tries;
	assert_int_equal(mynacard_select_kenhojo(&c, &err), MDG_OK);
	assert_int_equal(mynacard_verify(&c, MYNA_KEY_PIN, PIN_AT_COUNTER, "1234", 4, &d, &st, &tries,
					 &err), MDG_ERR_IO);
	assert_int_equal(f.verifies, 1);
	assert_int_equal(f.sent, 3);
}

static void card_quirks(void **state)
{
	struct fake f = { .tries_pin = 3, .tries_b = 10, .first_6f00 = true, .chain_61 = true };
	struct mynacard c = card(&f);
	struct mdg_err err = { 0 };
	enum pin_decision d;
	enum apdu_pin_state st;
	int tries;
	struct card_basic4 b;
	assert_int_equal(mynacard_select_kenhojo(&c, &err), MDG_OK); /* 6F00 once, then 9000 */
	assert_int_equal(mynacard_verify(&c, MYNA_KEY_PIN, PIN_AT_KIOSK, "1234", 4, &d, &st, &tries, &err),
			 MDG_OK);
	assert_int_equal(mynacard_read_basic4(&c, &b, &err), MDG_OK); /* 61xx + GET RESPONSE */
	assert_string_equal(b.address, "東京都清瀬市観布子南１２－７－２０２");
	struct fake g = { .tries_pin = 3, .tries_b = 10, .wrong_le = true };
	struct mynacard c2 = card(&g);
	assert_int_equal(mynacard_select_kenhojo(&c2, &err), MDG_OK);
	assert_int_equal(mynacard_verify(&c2, MYNA_KEY_PIN, PIN_AT_KIOSK, "1234", 4, &d, &st, &tries, &err),
			 MDG_OK);
	assert_int_equal(mynacard_read_basic4(&c2, &b, &err), MDG_OK); /* 6C11: resent with Le 17 */
	/* another card (a transit IC card, say): told apart by SELECT, not by ATR */
	struct fake h = { .foreign = true };
	struct mynacard c3 = card(&h);
	assert_int_equal(mynacard_select_kenhojo(&c3, &err), MDG_ERR_NOT_FOUND);
	assert_string_equal(err.msg, "this card is not a My Number card");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pin_and_basic4_at_the_kiosk),
		cmocka_unit_test(wrong_pin_then_the_kiosk_stops),
		cmocka_unit_test(removal_at_every_apdu),
		cmocka_unit_test(card_quirks),
		cmocka_unit_test(verify_answered_6cxx_is_not_resent),
	};
	return cmocka_run_group_tests_name("mynacard", tests, NULL, NULL);
}
