/* SPDX-License-Identifier: MIT */
/* apdu: byte layouts from ISO 7816-4 and JICSAP as the reference quotes them. */
#include "core/apdu.h"

#include <stdio.h>
#include <string.h>

const uint8_t APDU_AID_KENHOJO[10] = { 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08 };
const uint8_t APDU_AID_JPKI[10] = { 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };
const uint8_t APDU_AID_COMMON[10] = { 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00 };

static void hdr(struct apdu *a, uint8_t ins, uint8_t p1, uint8_t p2)
{
	a->b[0] = 0x00;
	a->b[1] = ins;
	a->b[2] = p1;
	a->b[3] = p2;
	a->n = 4;
}

void apdu_select_df(struct apdu *a, const uint8_t *aid, size_t aid_len)
{
	if (aid_len > 16)
		aid_len = 16;
	hdr(a, 0xA4, 0x04, 0x0C);
	a->b[a->n++] = (uint8_t)aid_len;
	memcpy(a->b + a->n, aid, aid_len);
	a->n += aid_len;
}

void apdu_select_ef(struct apdu *a, uint16_t fid)
{
	hdr(a, 0xA4, 0x02, 0x0C);
	a->b[a->n++] = 2;
	a->b[a->n++] = (uint8_t)(fid >> 8);
	a->b[a->n++] = (uint8_t)fid;
}

void apdu_verify_status(struct apdu *a, unsigned sfi)
{
	hdr(a, 0x20, 0x00, (uint8_t)(0x80 | (sfi & 0x1F)));
}

bool apdu_verify(struct apdu *a, unsigned sfi, const char *secret, size_t len)
{
	if (len == 0 || len > 16 || sfi > 30)
		return false;
	hdr(a, 0x20, 0x00, (uint8_t)(0x80 | sfi));
	a->b[a->n++] = (uint8_t)len;
	memcpy(a->b + a->n, secret, len);
	a->n += len;
	return true;
}

bool apdu_read_binary(struct apdu *a, unsigned offset, unsigned le)
{
	if (offset > 0x7FFF || le < 1 || le > 256)
		return false;
	hdr(a, 0xB0, (uint8_t)(offset >> 8), (uint8_t)offset);
	a->b[a->n++] = (uint8_t)(le == 256 ? 0 : le);
	return true;
}

bool apdu_read_binary_sfi(struct apdu *a, unsigned sfi, unsigned offset, unsigned le)
{
	if (sfi < 1 || sfi > 30 || offset > 255 || le < 1 || le > 256)
		return false;
	hdr(a, 0xB0, (uint8_t)(0x80 | sfi), (uint8_t)offset);
	a->b[a->n++] = (uint8_t)(le == 256 ? 0 : le);
	return true;
}

bool apdu_read_binary_sfi_ext(struct apdu *a, unsigned sfi, unsigned offset, unsigned le)
{
	if (sfi < 1 || sfi > 30 || offset > 255 || le < 1 || le > 65536)
		return false;
	hdr(a, 0xB0, (uint8_t)(0x80 | sfi), (uint8_t)offset);
	a->b[a->n++] = 0x00;
	a->b[a->n++] = (uint8_t)(le >> 8); /* 65536: 00 00 */
	a->b[a->n++] = (uint8_t)le;
	return true;
}

void apdu_get_response(struct apdu *a, uint8_t le)
{
	hdr(a, 0xC0, 0x00, 0x00);
	a->b[a->n++] = le;
}

void apdu_read_record(struct apdu *a, uint8_t n)
{
	hdr(a, 0xB2, n, 0x04);
	a->b[a->n++] = 0x00;
}

uint16_t apdu_sw(const uint8_t *resp, size_t n)
{
	if (!resp || n < 2)
		return 0;
	return (uint16_t)(resp[n - 2] << 8 | resp[n - 1]);
}

enum apdu_pin_state apdu_pin_state(uint16_t sw, int *tries)
{
	if (sw == 0x9000)
		return APDU_PIN_VERIFIED;
	if (sw == 0x6984 || sw == 0x63C0)
		return APDU_PIN_BLOCKED;
	if (sw == 0x6300)
		return APDU_PIN_UNLIMITED;
	if ((sw & 0xFFF0) == 0x63C0) {
		*tries = sw & 0x0F;
		return APDU_PIN_TRIES;
	}
	return APDU_PIN_OTHER;
}

bool apdu_sw_data_ok(uint16_t sw)
{
	return sw == 0x9000 || sw == 0x6282;
}

const char *apdu_sw_str(uint16_t sw, char out[64])
{
	static const struct {
		uint16_t sw;
		const char *text;
	} known[] = {
		{ 0x9000, "normal" }, { 0x6281, "output data failure" },
		{ 0x6282, "end of file before Le bytes" }, { 0x6283, "DF locked" },
		{ 0x6300, "verification failed" }, { 0x6581, "memory write failed" },
		{ 0x6700, "wrong length" }, { 0x6881, "logical channel unsupported" },
		{ 0x6882, "secure messaging unsupported" },
		{ 0x6981, "command conflicts with file structure" },
		{ 0x6982, "security status not satisfied" }, { 0x6984, "referenced key blocked" },
		{ 0x6985, "conditions of use not satisfied" }, { 0x6986, "no current EF" },
		{ 0x6A80, "wrong data" }, { 0x6A81, "function not supported" },
		{ 0x6A82, "file not found" }, { 0x6A83, "record not found" },
		{ 0x6A86, "wrong P1-P2" }, { 0x6A87, "Lc inconsistent with P1-P2" },
		{ 0x6A88, "referenced data not found" }, { 0x6B00, "offset outside the EF" },
		{ 0x6D00, "instruction not supported" }, { 0x6E00, "class not supported" },
		{ 0x6F00, "no precise diagnosis" },
	};
	if (sw == 0) {
		snprintf(out, 64, "no status (response shorter than 2 bytes)");
		return out;
	}
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (known[i].sw == sw) {
			snprintf(out, 64, "%04X %s", sw, known[i].text);
			return out;
		}
	if ((sw & 0xFF00) == 0x6100)
		snprintf(out, 64, "%04X %u more bytes available", sw, sw & 0xFF);
	else if ((sw & 0xFF00) == 0x6C00)
		snprintf(out, 64, "%04X wrong Le, %u expected", sw, sw & 0xFF);
	else if ((sw & 0xFFF0) == 0x63C0)
		snprintf(out, 64, "%04X verification failed, %u tries left", sw, sw & 0x0F);
	else
		snprintf(out, 64, "%04X", sw);
	return out;
}
