/* SPDX-License-Identifier: MIT */
/* escpos: a growing byte buffer and the few commands a ticket needs. */
#include "print/escpos.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

static void put(struct escpos_buf *b, const void *bytes, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *d = realloc(b->data, cap);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, bytes, n);
	b->len += n;
}

void escpos_begin(struct escpos_buf *b)
{
	static const unsigned char init[] = { 0x1B, 0x40, 0x1B, 0x52, 0x08, 0x1C, 0x43, 0x01 };
	put(b, init, sizeof init);
}

void escpos_align(struct escpos_buf *b, enum raster_align a)
{
	const unsigned char cmd[] = { 0x1B, 0x61, (unsigned char)a };
	put(b, cmd, sizeof cmd);
}

void escpos_size(struct escpos_buf *b, int w, int h)
{
	w = w < 1 ? 1 : w > 8 ? 8 : w;
	h = h < 1 ? 1 : h > 8 ? 8 : h;
	const unsigned char cmd[] = { 0x1D, 0x21, (unsigned char)(((w - 1) << 4) | (h - 1)) };
	put(b, cmd, sizeof cmd);
}

void escpos_bold(struct escpos_buf *b, bool on)
{
	const unsigned char cmd[] = { 0x1B, 0x45, on ? 1 : 0 };
	put(b, cmd, sizeof cmd);
}

void escpos_text(struct escpos_buf *b, const unsigned char *cp932, size_t n)
{
	static const unsigned char kanji_on[] = { 0x1C, 0x26 }, kanji_off[] = { 0x1C, 0x2E };
	put(b, kanji_on, sizeof kanji_on);
	put(b, cp932, n);
	put(b, "\n", 1);
	put(b, kanji_off, sizeof kanji_off);
}

void escpos_raster(struct escpos_buf *b, const struct raster *r)
{
	for (int y = 0; y < r->height; y += ESCPOS_BAND_ROWS) {
		int rows = r->height - y < ESCPOS_BAND_ROWS ? r->height - y : ESCPOS_BAND_ROWS;
		const unsigned char cmd[] = {
			0x1D, 0x76, 0x30, 0x00,
			(unsigned char)(r->stride & 0xFF), (unsigned char)(r->stride >> 8),
			(unsigned char)(rows & 0xFF), (unsigned char)(rows >> 8),
		};
		put(b, cmd, sizeof cmd);
		put(b, r->bits + (size_t)y * (size_t)r->stride, (size_t)rows * (size_t)r->stride);
	}
}

void escpos_feed(struct escpos_buf *b, int lines)
{
	const unsigned char cmd[] = { 0x1B, 0x64, (unsigned char)(lines < 0 ? 0 : lines > 255 ? 255 : lines) };
	put(b, cmd, sizeof cmd);
}

void escpos_cut(struct escpos_buf *b)
{
	static const unsigned char cmd[] = { 0x1D, 0x56, 0x42, 0x00 };
	put(b, cmd, sizeof cmd);
}

void escpos_free(struct escpos_buf *b)
{
	if (!b)
		return;
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* JIS X 0208 in Shift-JIS: lead bytes 0x81-0x84 (symbols, kana, Greek, Cyrillic, lines) and
 * 0x88-0x9F, 0xE0-0xEA (kanji levels 1 and 2). 0x87 (NEC specials such as ①), 0xED-0xEE and
 * 0xFA-0xFC (IBM extensions such as 髙 﨑) are CP932-only and not in the ROM. */
static bool rom_lead(unsigned char c)
{
	return (c >= 0x81 && c <= 0x84) || (c >= 0x88 && c <= 0x9F) || (c >= 0xE0 && c <= 0xEA);
}

bool escpos_rom_text(const char *utf8, unsigned char *out, size_t size, size_t *n)
{
	iconv_t cd = iconv_open("CP932", "UTF-8");
	if (cd == (iconv_t)-1)
		return false;
	char *in = (char *)utf8, *o = (char *)out;
	size_t inleft = strlen(utf8), outleft = size;
	size_t r = iconv(cd, &in, &inleft, &o, &outleft);
	iconv_close(cd);
	if (r == (size_t)-1 || inleft != 0)
		return false;
	*n = size - outleft;
	for (size_t i = 0; i < *n; i++) {
		unsigned char c = out[i];
		if (c < 0x20 || c == 0x7F)
			return false;          /* no control bytes in a text line */
		if (c < 0x80)
			continue;
		if (c >= 0xA1 && c <= 0xDF)
			return false;          /* half-width kana: needs another code page; rasterise */
		if (!rom_lead(c) || i + 1 >= *n)
			return false;
		i++;                           /* trail byte */
	}
	return true;
}
