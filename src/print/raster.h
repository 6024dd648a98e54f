/* SPDX-License-Identifier: MIT */
/* raster: 1-bit images as thermal printers take them (MSB = leftmost dot, 1 = black), made from
 * text (cairo + pango with Noto CJK, any script the fonts have), QR matrices and barcodes, and
 * written out as PNG previews. Paper: 80 mm = 576 dots, 58 mm = 384 dots (203 dpi). */
#ifndef MDG_PRINT_RASTER_H
#define MDG_PRINT_RASTER_H

#include <stdbool.h>

#include "core/status.h"
#include "print/barcode.h"
#include "print/qr.h"

struct raster {
	int width, height;     /* dots */
	int stride;            /* bytes per row: (width + 7) / 8 */
	unsigned char *bits;   /* height * stride (owned) */
};

enum raster_align { RASTER_LEFT, RASTER_CENTER, RASTER_RIGHT };

/* Dots across the paper for a width in mm (58 or 80). */
int raster_paper_dots(int paper_mm);

/* Renders UTF-8 text (sanitised by the caller) wrapped to width dots, font size in dots, in the
 * language's glyph shapes (lang like "ja", "zh_CN", "ko"). With one_line the text is never
 * wrapped: the font shrinks until it fits (ticket numbers). MDG_ERR_NOMEM, MDG_ERR_IO. */
enum mdg_status raster_text(const char *text, const char *lang, int width, int font_px, bool bold,
			    bool one_line, enum raster_align align, struct raster *out,
			    struct mdg_err *err);

/* The QR matrix with a 4-module quiet zone, module dots per module, centred in width. */
enum mdg_status raster_qr(const struct qr_matrix *q, int module, int width, struct raster *out,
			  struct mdg_err *err);

/* The bars, module dots per module and height dots tall, quiet zones, centred in width. */
enum mdg_status raster_barcode(const struct barcode_row *b, int module, int height, int width,
			       struct raster *out, struct mdg_err *err);

/* Stacks rasters vertically (all of the same width) into one. */
enum mdg_status raster_stack(const struct raster *parts, int n, struct raster *out,
			     struct mdg_err *err);

/* Writes r as a PNG (black on white). */
enum mdg_status raster_write_png(const struct raster *r, const char *path, struct mdg_err *err);

void raster_free(struct raster *r);

#endif
