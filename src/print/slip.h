/* SPDX-License-Identifier: MIT */
/* slip: one queue ticket laid out for a thermal printer: site name, service name (resident's
 * language, and Japanese), the number in very large digits, people ahead and the estimated
 * wait, the issue time, the QR code (the signed MDG1 code), a Code 128 of the number and a
 * line of guidance. Lines the printer's kanji ROM can print go as CP932 text; the others
 * (髙 𠮷, Hangul, Chinese simplified forms, easy-Japanese with rare glyphs) as raster. The
 * preview is the same layout as one raster: exact for the raster parts, the ROM's text drawn
 * with Noto CJK. */
#ifndef MDG_PRINT_SLIP_H
#define MDG_PRINT_SLIP_H

#include "print/escpos.h"
#include "print/raster.h"

struct slip {
	const char *lang;             /* resident's language: glyph shapes for raster text */
	const char *site_name;
	const char *service_name;     /* in the resident's language */
	const char *service_name_ja;  /* printed as well when it differs; may be NULL */
	const char *number;           /* "A-042" */
	const char *wait_line;        /* "3 people ahead of you, about 12 min." */
	const char *time_line;        /* "2026-11-25 09:30" */
	const char *guidance;         /* "番号が呼ばれたら表示の窓口へお越しください" */
	const char *code;             /* MDG1 payload for the QR */
	const char *barcode;          /* Code 128 text (printable ASCII) */
	int paper_mm;                 /* 58 or 80 */
};

struct slip_out {
	struct escpos_buf bytes;      /* what the printer gets */
	struct raster preview;        /* the whole ticket as one image */
	int qr_version;
	int text_lines, raster_lines; /* how the text lines went */
};

/* Lays the ticket out. MDG_ERR_INVALID (a code too long for QR version 4, a barcode text zint
 * refuses), MDG_ERR_NOMEM. out: slip_out_free. */
enum mdg_status slip_render(const struct slip *s, struct slip_out *out, struct mdg_err *err);

void slip_out_free(struct slip_out *o);

#endif
