/* SPDX-License-Identifier: MIT */
/* tlv: BER-TLV as ISO 7816-4 / X.690 define it, with only the length forms cards use. */
#include "core/tlv.h"

#include <string.h>

enum tlv_result tlv_read(const uint8_t *buf, size_t n, struct tlv *out)
{
	memset(out, 0, sizeof *out);
	if (n < 1)
		return TLV_SHORT;
	size_t i = 0;
	uint32_t tag = buf[i++];
	if (tag == 0x00)
		return TLV_BAD_TAG; /* filler after a file's last object, never a tag */
	out->constructed = (tag & 0x20) != 0;
	if ((tag & 0x1F) == 0x1F) {
		/* Subsequent tag bytes: bit 8 set means another follows; at most two more. */
		int more = 0;
		do {
			if (i >= n)
				return TLV_SHORT;
			if (++more > 2)
				return TLV_BAD_TAG;
			tag = (tag << 8) | buf[i];
		} while (buf[i++] & 0x80);
	}
	if (i >= n)
		return TLV_SHORT;
	size_t len;
	uint8_t l0 = buf[i++];
	if (l0 < 0x80) {
		len = l0;
	} else if (l0 == 0x81) {
		if (i + 1 > n)
			return TLV_SHORT;
		len = buf[i++];
	} else if (l0 == 0x82) {
		if (i + 2 > n)
			return TLV_SHORT;
		len = (size_t)buf[i] << 8 | buf[i + 1];
		i += 2;
	} else {
		return TLV_BAD_LENGTH;
	}
	out->tag = tag;
	out->header_len = i;
	out->len = len;
	if (len > n - i)
		return TLV_SHORT;
	out->value = buf + i;
	return TLV_OK;
}

enum tlv_result tlv_next(const struct tlv *parent, size_t *pos, struct tlv *child)
{
	if (*pos >= parent->len)
		return TLV_SHORT;
	enum tlv_result r = tlv_read(parent->value + *pos, parent->len - *pos, child);
	if (r == TLV_OK)
		*pos += child->header_len + child->len;
	return r;
}

bool tlv_child(const struct tlv *parent, uint32_t tag, struct tlv *out)
{
	size_t pos = 0;
	struct tlv c;
	while (tlv_next(parent, &pos, &c) == TLV_OK) {
		if (c.tag == tag) {
			*out = c;
			return true;
		}
	}
	return false;
}
