/* SPDX-License-Identifier: MIT */
/* cardtext: strict parsers for the input-support AP's files (reference: mynumber-card.md §2). */
#include "core/cardtext.h"

#include <stdio.h>
#include <string.h>

#include "core/era.h"
#include "core/i18n.h"
#include "core/text.h"
#include "core/tlv.h"

static const char *const parse_msgs[] = {
	[CARD_PARSE_OK] = "ok",
	[CARD_PARSE_BAD_TLV] = "malformed card data",
	[CARD_PARSE_WRONG_TAG] = "not the expected card file",
	[CARD_PARSE_MISSING] = "a field is missing on the card",
	[CARD_PARSE_DUPLICATE] = "a field appears twice on the card",
	[CARD_PARSE_BAD_TEXT] = "card text is not valid UTF-8 text",
	[CARD_PARSE_TOO_LONG] = "card text is longer than expected",
	[CARD_PARSE_BAD_DATE] = "the birth date on the card is not a date",
	[CARD_PARSE_BAD_SEX] = "unknown sex code on the card",
	[CARD_PARSE_BAD_OFFSETS] = "the card's offset table does not match its fields",
	[CARD_PARSE_BAD_NUMBER] = "the My Number on the card is not valid",
};

const char *card_parse_str(enum card_parse r)
{
	return (unsigned)r < sizeof parse_msgs / sizeof parse_msgs[0] ? parse_msgs[r] : "?";
}

const char *card_sex_name(enum card_sex s)
{
	/* Stable names for JSON; marked so that the CLI can show them translated. */
	switch (s) {
	case CARD_SEX_MALE: return N_("male");
	case CARD_SEX_FEMALE: return N_("female");
	case CARD_SEX_NOT_APPLICABLE: return N_("not_applicable");
	case CARD_SEX_UNKNOWN: break;
	}
	return N_("unknown");
}

size_t card_object_size(const uint8_t *head, size_t n)
{
	struct tlv t;
	enum tlv_result r = tlv_read(head, n, &t);
	if (r != TLV_OK && !(r == TLV_SHORT && t.header_len > 0))
		return 0;
	return t.header_len + t.len;
}

/* Only filler (FF or 00) may follow the object in the file. */
static bool only_filler(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xFF && p[i] != 0x00)
			return false;
	return true;
}

static enum card_parse copy_text(const struct tlv *t, char *out, size_t size)
{
	if (t->len == 0 || !text_utf8_valid((const char *)t->value, t->len))
		return CARD_PARSE_BAD_TEXT;
	if (t->len >= size)
		return CARD_PARSE_TOO_LONG;
	memcpy(out, t->value, t->len);
	out[t->len] = '\0';
	return CARD_PARSE_OK;
}

enum card_parse card_parse_basic4(const uint8_t *file, size_t n, struct card_basic4 *out)
{
	struct tlv top, f;
	memset(out, 0, sizeof *out);
	if (tlv_read(file, n, &top) != TLV_OK)
		return CARD_PARSE_BAD_TLV;
	if (top.tag != 0xFF20)
		return CARD_PARSE_WRONG_TAG;
	if (!only_filler(file + top.header_len + top.len, n - top.header_len - top.len))
		return CARD_PARSE_BAD_TLV;
	const struct tlv *fields[6] = { 0 }; /* DF21..DF25 by index tag - 0xDF20 */
	struct tlv store[6];
	size_t offsets[5], pos = 0;
	enum tlv_result r;
	while ((r = tlv_next(&top, &pos, &f)) == TLV_OK) {
		if (f.tag < 0xDF21 || f.tag > 0xDF25)
			continue; /* unknown fields are skipped, not trusted */
		size_t k = f.tag - 0xDF20;
		if (fields[k])
			return CARD_PARSE_DUPLICATE;
		store[k] = f;
		fields[k] = &store[k];
		/* where this field's TLV starts, from the start of the file */
		offsets[k - 1] = (size_t)(f.value - f.header_len - file);
	}
	if (pos != top.len)
		return CARD_PARSE_BAD_TLV; /* a child longer than its parent, or garbage inside */
	for (size_t k = 1; k <= 5; k++)
		if (!fields[k])
			return CARD_PARSE_MISSING;
	/* DF21: four big-endian offsets of DF22..DF25 from the start of the file. */
	if (fields[1]->len != 8)
		return CARD_PARSE_BAD_OFFSETS;
	for (size_t k = 0; k < 4; k++) {
		size_t off = (size_t)fields[1]->value[2 * k] << 8 | fields[1]->value[2 * k + 1];
		if (off != offsets[k + 1])
			return CARD_PARSE_BAD_OFFSETS;
	}
	enum card_parse p = copy_text(fields[2], out->name, sizeof out->name);
	if (!p)
		p = copy_text(fields[3], out->address, sizeof out->address);
	if (p)
		goto fail;
	const struct tlv *b = fields[4];
	char date[11];
	if (b->len != 8) {
		p = CARD_PARSE_BAD_DATE;
		goto fail;
	}
	for (size_t i = 0; i < 8; i++)
		if (b->value[i] < '0' || b->value[i] > '9') {
			p = CARD_PARSE_BAD_DATE;
			goto fail;
		}
	snprintf(date, sizeof date, "%.4s-%.2s-%.2s", (const char *)b->value, (const char *)b->value + 4,
		 (const char *)b->value + 6);
	struct era_date e;
	if (!era_of(date, &e)) {
		p = CARD_PARSE_BAD_DATE;
		goto fail;
	}
	memcpy(out->birth_date, date, sizeof date);
	const struct tlv *s = fields[5];
	if (s->len != 1) {
		p = CARD_PARSE_BAD_SEX;
		goto fail;
	}
	switch (s->value[0]) {
	case '1': out->sex = CARD_SEX_MALE; break;
	case '2': out->sex = CARD_SEX_FEMALE; break;
	case '0': out->sex = CARD_SEX_UNKNOWN; break;
	case '9': out->sex = CARD_SEX_NOT_APPLICABLE; break;
	default: p = CARD_PARSE_BAD_SEX; goto fail;
	}
	return CARD_PARSE_OK;
fail:
	memset(out, 0, sizeof *out); /* no partial personal data survives a failure */
	return p;
}

bool card_my_number_valid(const char *d)
{
	if (!d || strlen(d) != 12)
		return false;
	for (int i = 0; i < 12; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	/* P(n) is the n-th digit from the right before the check digit; Q(n) = n + 1 for n <= 6,
	 * n - 5 for n >= 7; check = 11 - (sum mod 11), or 0 when the remainder is 0 or 1. */
	int sum = 0;
	for (int n = 1; n <= 11; n++) {
		int p = d[11 - n] - '0';
		int q = n <= 6 ? n + 1 : n - 5;
		sum += p * q;
	}
	int rem = sum % 11;
	int check = rem <= 1 ? 0 : 11 - rem;
	return d[11] - '0' == check;
}

enum card_parse card_parse_my_number(const uint8_t *file, size_t n, char out[13])
{
	struct tlv t;
	memset(out, 0, 13);
	if (tlv_read(file, n, &t) != TLV_OK)
		return CARD_PARSE_BAD_TLV;
	if (t.tag != 0xFF10)
		return CARD_PARSE_WRONG_TAG;
	if (!only_filler(file + t.header_len + t.len, n - t.header_len - t.len))
		return CARD_PARSE_BAD_TLV;
	if (t.len != 12)
		return CARD_PARSE_BAD_NUMBER;
	memcpy(out, t.value, 12);
	if (!card_my_number_valid(out)) {
		memset(out, 0, 13);
		return CARD_PARSE_BAD_NUMBER;
	}
	return CARD_PARSE_OK;
}

bool card_code_b(const char *birth_date, int expiry_year, const char *code, char out[15])
{
	struct era_date e;
	if (!era_of(birth_date, &e) || e.year > 99 || expiry_year < 2015 || expiry_year > 2999 ||
	    !code || strlen(code) != 4)
		return false;
	for (int i = 0; i < 4; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	/* Every field was checked above, so the 14 digits fit exactly. */
	return snprintf(out, 15, "%02u%.2s%.2s%04u%.4s", (unsigned)e.year % 100u, birth_date + 5,
			birth_date + 8, (unsigned)expiry_year % 10000u, code) == 14;
}
