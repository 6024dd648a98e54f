/* SPDX-License-Identifier: MIT */
/* barcode: Code 128 of the ticket number (libzint): the bar pattern for the printer raster, and
 * an SVG file for previews. */
#ifndef MDG_PRINT_BARCODE_H
#define MDG_PRINT_BARCODE_H

#include "core/status.h"

struct barcode_row {
	int width;             /* modules, without quiet zones */
	unsigned char *bar;    /* width cells, 1 = bar (owned) */
};

/* Encodes text (printable ASCII) as Code 128. MDG_ERR_INVALID for text zint refuses. */
enum mdg_status barcode_code128(const char *text, struct barcode_row *out, struct mdg_err *err);

/* Writes a Code 128 of text as an SVG file (zint's vector output, with the text under it). */
enum mdg_status barcode_code128_svg(const char *text, const char *path, struct mdg_err *err);

void barcode_free(struct barcode_row *b);

#endif
