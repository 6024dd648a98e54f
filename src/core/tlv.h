/* SPDX-License-Identifier: MIT */
/* tlv: a hardened BER-TLV reader for card data. Definite lengths only (short form, 81 xx,
 * 82 xx xx; 80 indefinite and 83+ are refused), tags of up to three bytes, and every length
 * checked against the bytes actually there: nothing is ever read past the buffer. */
#ifndef MDG_CORE_TLV_H
#define MDG_CORE_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tlv {
	uint32_t tag;            /* the tag bytes big-endian: 0xFF20, 0xDF22, 0x5A, ... */
	bool constructed;        /* bit 6 of the first tag byte */
	const uint8_t *value;    /* borrowed from the buffer given to tlv_read */
	size_t len;              /* value length */
	size_t header_len;       /* tag + length bytes */
};

enum tlv_result {
	TLV_OK,
	TLV_SHORT,       /* the buffer ends inside the header or the value (need more bytes) */
	TLV_BAD_TAG,     /* a tag of more than three bytes, or a zero first byte */
	TLV_BAD_LENGTH,  /* indefinite (80) or a length form of more than two bytes */
};

/* Reads one TLV at buf[0..n). TLV_OK fills *out; TLV_SHORT tells that the header and value do
 * not fit in n bytes (out->header_len and out->len are still set when the header was read, so
 * that a caller reading a file in chunks knows how much to fetch). */
enum tlv_result tlv_read(const uint8_t *buf, size_t n, struct tlv *out);

/* Iterates the children of a constructed value: *pos starts at 0; returns TLV_OK with *child,
 * or TLV_SHORT at the end (when *pos == len), or the error of a malformed child (a child
 * longer than its parent is TLV_SHORT with *pos < len). */
enum tlv_result tlv_next(const struct tlv *parent, size_t *pos, struct tlv *child);

/* Finds the first child with tag among parent's children. True when found and well-formed. */
bool tlv_child(const struct tlv *parent, uint32_t tag, struct tlv *out);

#endif
