/* SPDX-License-Identifier: MIT */
/* Unit tests of core/tlv.c, core/cardtext.c and core/era.c against the byte-exact test-card
 * record of the reference (mynumber-card.md §2.1) and every malformation the parser must
 * refuse. */
#include "testutil.h"

#include "core/cardtext.h"
#include "core/era.h"
#include "core/tlv.h"

/* Builds FF20 { DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex } with the right
 * length forms, then appends filler. Returns the file length. */
static size_t build(uint8_t *f, const char *name, const char *addr, const char *birth, const char *sex,
		    size_t filler)
{
	uint8_t body[2048];
	size_t b = 0;
	const char *vals[4] = { name, addr, birth, sex };
	size_t starts[4];
	/* reserve DF21 (11 bytes) first; offsets need the outer header length, fixed below */
	b = 11;
	for (int k = 0; k < 4; k++) {
		size_t len = strlen(vals[k]);
		starts[k] = b;
		body[b++] = 0xDF;
		body[b++] = (uint8_t)(0x22 + k);
		if (len < 0x80) {
			body[b++] = (uint8_t)len;
		} else if (len < 0x100) {
			body[b++] = 0x81;
			body[b++] = (uint8_t)len;
		} else {
			body[b++] = 0x82;
			body[b++] = (uint8_t)(len >> 8);
			body[b++] = (uint8_t)len;
		}
		memcpy(body + b, vals[k], len);
		b += len;
	}
	size_t hdr = b < 0x80 ? 3 : b < 0x100 ? 4 : 5;
	body[0] = 0xDF;
	body[1] = 0x21;
	body[2] = 8;
	for (int k = 0; k < 4; k++) {
		size_t off = hdr + starts[k];
		body[3 + 2 * k] = (uint8_t)(off >> 8);
		body[4 + 2 * k] = (uint8_t)off;
	}
	size_t o = 0;
	f[o++] = 0xFF;
	f[o++] = 0x20;
	if (b < 0x80) {
		f[o++] = (uint8_t)b;
	} else if (b < 0x100) {
		f[o++] = 0x81;
		f[o++] = (uint8_t)b;
	} else {
		f[o++] = 0x82;
		f[o++] = (uint8_t)(b >> 8);
		f[o++] = (uint8_t)b;
	}
	memcpy(f + o, body, b);
	o += b;
	memset(f + o, 0xFF, filler);
	return o + filler;
}

static const uint8_t REFERENCE[] = {
	0xFF, 0x20, 0x65, 0xDF, 0x21, 0x08, 0x00, 0x0E, 0x00, 0x20, 0x00, 0x59, 0x00, 0x64,
	0xDF, 0x22, 0x0F, 0xE9, 0xBB, 0x92, 0xE6, 0xA1, 0x90, 0xE3, 0x80, 0x80, 0xE5, 0xB9, 0xB9,
	0xE4, 0xB9, 0x9F,
	0xDF, 0x23, 0x36,
	0xE6, 0x9D, 0xB1, 0xE4, 0xBA, 0xAC, 0xE9, 0x83, 0xBD, 0xE6, 0xB8, 0x85, 0xE7, 0x80, 0xAC,
	0xE5, 0xB8, 0x82, 0xE8, 0xA6, 0xB3, 0xE5, 0xB8, 0x83, 0xE5, 0xAD, 0x90, 0xE5, 0x8D, 0x97,
	0xEF, 0xBC, 0x91, 0xEF, 0xBC, 0x92, 0xEF, 0xBC, 0x8D, 0xEF, 0xBC, 0x97, 0xEF, 0xBC, 0x8D,
	0xEF, 0xBC, 0x92, 0xEF, 0xBC, 0x90, 0xEF, 0xBC, 0x92,
	0xDF, 0x24, 0x08, '1', '9', '8', '0', '0', '2', '1', '7',
	0xDF, 0x25, 0x01, '1',
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, /* filler to the file size */
};

static void reference_record(void **state)
{
	struct card_basic4 b;
	assert_int_equal(card_object_size(REFERENCE, 7), 104);
	assert_int_equal(card_parse_basic4(REFERENCE, sizeof REFERENCE, &b), CARD_PARSE_OK);
	assert_string_equal(b.name, "黒桐\xE3\x80\x80幹也"); /* U+3000 kept */
	assert_string_equal(b.address, "東京都清瀬市観布子南１２－７－２０２");
	assert_string_equal(b.birth_date, "1980-02-17");
	assert_int_equal(b.sex, CARD_SEX_MALE);
	assert_string_equal(card_sex_name(b.sex), "male");
}

static void long_forms_and_rare_characters(void **state)
{
	uint8_t f[2048];
	struct card_basic4 b;
	char addr[600] = "";
	for (int i = 0; i < 20; i++)
		strcat(addr, "沖縄県那覇市泉崎");  /* 20 x 24 bytes: the 82 xx xx form */
	size_t n = build(f, "\xF0\xA0\xAE\xB7野　髙﨑", addr, "20011231", "2", 40);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_OK);
	assert_string_equal(b.name, "\xF0\xA0\xAE\xB7野　髙﨑");
	assert_string_equal(b.address, addr);
	assert_int_equal(b.sex, CARD_SEX_FEMALE);
	n = build(f, "ＪＯＨＮ　ＳＭＩＴＨ", "那覇市", "19450815", "9", 0);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_OK);
	assert_int_equal(b.sex, CARD_SEX_NOT_APPLICABLE);
}

static void malformed_records(void **state)
{
	uint8_t f[2048];
	struct card_basic4 b;
	size_t n;
	/* wrong outer tag */
	n = build(f, "a", "b", "19800217", "1", 0);
	f[1] = 0x21;
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_WRONG_TAG);
	/* invalid UTF-8, a control character, empty name */
	n = build(f, "a\xC0\xAF", "b", "19800217", "1", 0);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_TEXT);
	n = build(f, "a\x1b[31m", "b", "19800217", "1", 0);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_TEXT);
	n = build(f, "", "b", "19800217", "1", 0);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_TEXT);
	/* bad date, bad sex */
	n = build(f, "a", "b", "19801317", "1", 0);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_DATE);
	n = build(f, "a", "b", "1980021", "1", 0);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_DATE);
	n = build(f, "a", "b", "19800217", "3", 0);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_SEX);
	/* garbage after the object, a truncated file, a child longer than its parent */
	n = build(f, "a", "b", "19800217", "1", 4);
	f[n - 2] = 0x41;
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_TLV);
	n = build(f, "name", "b", "19800217", "1", 0);
	assert_int_equal(card_parse_basic4(f, n - 1, &b), CARD_PARSE_BAD_TLV);
	f[2] -= 1; /* the outer length now cuts DF25 */
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_TLV);
	/* offsets that do not point at the fields */
	n = build(f, "a", "b", "19800217", "1", 0);
	f[3 + 3 + 1] += 1;
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_BAD_OFFSETS);
	/* a missing field: DF25 renamed DF26 (skipped as unknown) */
	n = build(f, "a", "b", "19800217", "1", 0);
	f[n - 3 + 1 - 1] = 0x26;
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_MISSING);
	assert_string_equal(b.name, ""); /* nothing half-parsed is left */
	/* indefinite and three-byte lengths */
	const uint8_t indef[] = { 0xFF, 0x20, 0x80, 0x00, 0x00 };
	assert_int_equal(card_parse_basic4(indef, sizeof indef, &b), CARD_PARSE_BAD_TLV);
	const uint8_t long3[] = { 0xFF, 0x20, 0x83, 0x00, 0x00, 0x01, 0x00 };
	assert_int_equal(card_parse_basic4(long3, sizeof long3, &b), CARD_PARSE_BAD_TLV);
	assert_int_equal(card_parse_basic4(NULL, 0, &b), CARD_PARSE_BAD_TLV);
	/* a too long name for the struct */
	char big[300];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	n = build(f, big, "b", "19800217", "1", 0);
	assert_int_equal(card_parse_basic4(f, n, &b), CARD_PARSE_TOO_LONG);
}

static void tlv_edges(void **state)
{
	struct tlv t;
	const uint8_t tag3[] = { 0x5F, 0x81, 0x01, 0x01, 0xAA };
	assert_int_equal(tlv_read(tag3, sizeof tag3, &t), TLV_OK);
	assert_int_equal(t.tag, 0x5F8101);
	const uint8_t tag4[] = { 0x5F, 0x81, 0x81, 0x01, 0x01, 0xAA };
	assert_int_equal(tlv_read(tag4, sizeof tag4, &t), TLV_BAD_TAG);
	const uint8_t shortv[] = { 0x04, 0x05, 0x01 };
	assert_int_equal(tlv_read(shortv, sizeof shortv, &t), TLV_SHORT);
	assert_int_equal(t.header_len, 2);
	assert_int_equal(t.len, 5);
	const uint8_t l81[] = { 0x04, 0x81 };
	assert_int_equal(tlv_read(l81, sizeof l81, &t), TLV_SHORT);
	const uint8_t zero[] = { 0x00, 0x00 };
	assert_int_equal(tlv_read(zero, sizeof zero, &t), TLV_BAD_TAG);
	assert_int_equal(card_object_size(shortv, sizeof shortv), 7);
}

static void my_number(void **state)
{
	uint8_t f[17] = { 0xFF, 0x10, 0x0C, '5', '3', '7', '6', '8', '6', '6', '7', '7', '1', '8', '8', 0xFF, 0xFF };
	char num[13];
	assert_true(card_my_number_valid("537686677188"));
	assert_int_equal(card_parse_my_number(f, sizeof f, num), CARD_PARSE_OK);
	assert_string_equal(num, "537686677188");
	f[14] = '9'; /* wrong check digit */
	assert_int_equal(card_parse_my_number(f, sizeof f, num), CARD_PARSE_BAD_NUMBER);
	assert_string_equal(num, "");
	assert_false(card_my_number_valid("12345678901"));
	assert_false(card_my_number_valid("12345678901a"));
	/* every digit change of a valid number is caught */
	char d[13] = "537686677188";
	for (int i = 0; i < 11; i++) {
		char c = d[i];
		d[i] = (char)((c - '0' + 1) % 10 + '0');
		assert_false(card_my_number_valid(d));
		d[i] = c;
	}
}

static void eras_and_code_b(void **state)
{
	char y[32], b[15];
	struct era_date e;
	assert_true(era_format_year("2019-05-01", y, sizeof y));
	assert_string_equal(y, "令和元年");
	assert_true(era_format_year("2019-04-30", y, sizeof y));
	assert_string_equal(y, "平成31年");
	assert_true(era_format_year("1989-01-07", y, sizeof y));
	assert_string_equal(y, "昭和64年");
	assert_true(era_format_year("1989-01-08", y, sizeof y));
	assert_string_equal(y, "平成元年");
	assert_true(era_format_year("1926-12-25", y, sizeof y));
	assert_string_equal(y, "昭和元年");
	assert_true(era_format_year("1912-07-29", y, sizeof y));
	assert_string_equal(y, "明治45年");
	assert_true(era_of("2026-11-25", &e));
	assert_int_equal(e.year, 8);
	assert_false(era_of("1868-10-22", &e));
	assert_false(era_of("1981-02-29", &e));
	assert_true(era_of("1980-02-29", &e));
	assert_true(card_code_b("1980-02-17", 2035, "2285", b));
	assert_string_equal(b, "55021720352285");   /* the reference's example */
	assert_false(card_code_b("1980-02-17", 2035, "22a5", b));
	assert_false(card_code_b("1980-02-17", 35, "2285", b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_record),
		cmocka_unit_test(long_forms_and_rare_characters),
		cmocka_unit_test(malformed_records),
		cmocka_unit_test(tlv_edges),
		cmocka_unit_test(my_number),
		cmocka_unit_test(eras_and_code_b),
	};
	return cmocka_run_group_tests_name("cardtext", tests, NULL, NULL);
}
