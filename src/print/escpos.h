/* SPDX-License-Identifier: MIT */
/* escpos: the ESC/POS byte stream for thermal ticket printers (Epson-compatible Japanese
 * models). Commands are written as byte arrays with lengths, never with string functions:
 * their parameters are often 0x00. Text goes as CP932 only when every character is in the
 * printer's kanji ROM (JIS X 0208); anything else is the caller's to rasterise. */
#ifndef MDG_PRINT_ESCPOS_H
#define MDG_PRINT_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>

#include "print/raster.h"

struct escpos_buf {
	unsigned char *data;   /* owned */
	size_t len, cap;
	bool failed;           /* an allocation failed: the stream is incomplete */
};

#define ESCPOS_BAND_ROWS 128 /* raster rows per GS v 0 command (printers' buffers are small) */

/* ESC @ (reset), ESC R 8 (Japan), FS C 1 (Shift-JIS kanji code). */
void escpos_begin(struct escpos_buf *b);
/* ESC a n */
void escpos_align(struct escpos_buf *b, enum raster_align a);
/* GS ! n: character width and height multipliers 1..8. */
void escpos_size(struct escpos_buf *b, int w, int h);
/* ESC E n */
void escpos_bold(struct escpos_buf *b, bool on);
/* FS & <bytes> LF FS .: one line of CP932 text. */
void escpos_text(struct escpos_buf *b, const unsigned char *cp932, size_t n);
/* GS v 0 in bands of ESCPOS_BAND_ROWS rows. */
void escpos_raster(struct escpos_buf *b, const struct raster *r);
/* ESC d n */
void escpos_feed(struct escpos_buf *b, int lines);
/* GS V 66 0: feed to the cutter and cut (partial cut). */
void escpos_cut(struct escpos_buf *b);
void escpos_free(struct escpos_buf *b);

/* Converts UTF-8 text to CP932 when every character is in JIS X 0208 (what a Japanese
 * printer's kanji ROM holds: no NEC/IBM extensions like 髙 﨑, nothing outside CP932 like 𠮷,
 * no Hangul); *n bytes written. False when the line must be rasterised instead. */
bool escpos_rom_text(const char *utf8, unsigned char *out, size_t size, size_t *n);

#endif
