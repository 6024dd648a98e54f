/* SPDX-License-Identifier: MIT */
/* cardtext: the data formats of the My Number card's input-support AP (券面事項入力補助AP), parsed
 * strictly from the bytes the card returned: basic-4 (EF 0002, FF20 with the DF21 offset table,
 * DF22 name, DF23 address, DF24 birth date, DF25 sex) and the My Number (EF 0001, FF10). The
 * output structs hold personal data: callers place them in locked memory (src/secure) and wipe
 * them; this module never copies them anywhere else. */
#ifndef MDG_CORE_CARDTEXT_H
#define MDG_CORE_CARDTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CARD_NAME_MAX 256     /* bytes of UTF-8, NUL included */
#define CARD_ADDRESS_MAX 512

enum card_sex { CARD_SEX_UNKNOWN, CARD_SEX_MALE, CARD_SEX_FEMALE, CARD_SEX_NOT_APPLICABLE };

struct card_basic4 {
	char name[CARD_NAME_MAX];       /* UTF-8, U+3000 between family and given name kept */
	char address[CARD_ADDRESS_MAX]; /* UTF-8, full-width digits as on the card */
	char birth_date[11];            /* YYYY-MM-DD (Gregorian) */
	enum card_sex sex;
};

enum card_parse {
	CARD_PARSE_OK,
	CARD_PARSE_BAD_TLV,      /* malformed BER, a child longer than its parent, trailing garbage */
	CARD_PARSE_WRONG_TAG,    /* not FF20 / FF10 */
	CARD_PARSE_MISSING,      /* a required field is absent */
	CARD_PARSE_DUPLICATE,    /* a field appears twice */
	CARD_PARSE_BAD_TEXT,     /* not UTF-8, a NUL or control character, empty */
	CARD_PARSE_TOO_LONG,     /* longer than the struct holds */
	CARD_PARSE_BAD_DATE,
	CARD_PARSE_BAD_SEX,
	CARD_PARSE_BAD_OFFSETS,  /* DF21 does not point at the fields */
	CARD_PARSE_BAD_NUMBER,   /* not 12 digits, or the check digit is wrong */
};

/* A short English description of a parse result. */
const char *card_parse_str(enum card_parse r);

/* How many bytes of a file hold its object, from its first bytes (at least 7 read): the TLV
 * header plus value. 0 when the header is malformed or needs more bytes than given. */
size_t card_object_size(const uint8_t *head, size_t n);

/* Parses EF 0002 as read (the object, possibly followed by FF/00 filler). */
enum card_parse card_parse_basic4(const uint8_t *file, size_t n, struct card_basic4 *out);

/* Parses EF 0001 into 12 ASCII digits (out holds 13 bytes), checking the check digit. */
enum card_parse card_parse_my_number(const uint8_t *file, size_t n, char out[13]);

/* True when 12 digits carry a correct My Number check digit (the last one). */
bool card_my_number_valid(const char *digits);

/* 照合番号B: era YYMMDD of the birth date, the card's expiry year, the 4-digit security code,
 * 14 digits into out[15]. False for a bad date, year or code. */
bool card_code_b(const char *birth_date, int expiry_year, const char *security_code, char out[15]);

const char *card_sex_name(enum card_sex s); /* "male", "female", "unknown", "not_applicable" */

#endif
