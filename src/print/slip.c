/* SPDX-License-Identifier: MIT */
/* slip: the ticket layout, written once for both the ESC/POS stream and the preview. */
#include "print/slip.h"

#include <stdlib.h>
#include <string.h>

#include "print/barcode.h"
#include "print/qr.h"

#define FONT_DOTS 24      /* the printer's kanji font cell is 24 x 24 dots */
#define MAX_PARTS 24

struct builder {
	struct slip_out *out;
	struct raster parts[MAX_PARTS]; /* preview pieces, top to bottom */
	int n;
	int width;
	enum mdg_status rc;
	struct mdg_err *err;
};

static void add_part(struct builder *b, struct raster *r)
{
	if (b->n == MAX_PARTS) {
		raster_free(r);
		b->rc = mdg_err_set(b->err, MDG_ERR_INVALID, "ticket layout too long");
		return;
	}
	b->parts[b->n++] = *r;
}

static void gap(struct builder *b, int dots)
{
	struct raster r;
	if (b->rc)
		return;
	b->rc = raster_text(" ", "ja", b->width, dots / 2 > 1 ? dots / 2 : 1, false, false, RASTER_LEFT,
			    &r, b->err);
	if (!b->rc)
		add_part(b, &r);
}

/* One line of text at size mul (1..8 times the ROM font): CP932 when the ROM has every
 * character, else raster; the preview gets it either way. */
static void line(struct builder *b, const char *text, int mul, bool bold, const char *lang)
{
	if (b->rc || !text || !*text)
		return;
	struct raster r;
	b->rc = raster_text(text, lang, b->width, FONT_DOTS * mul, bold, mul >= 4, RASTER_CENTER, &r,
			    b->err);
	if (b->rc)
		return;
	unsigned char cp[512];
	size_t n;
	struct escpos_buf *e = &b->out->bytes;
	escpos_align(e, RASTER_CENTER);
	if (escpos_rom_text(text, cp, sizeof cp, &n)) {
		escpos_size(e, mul, mul);
		escpos_bold(e, bold);
		escpos_text(e, cp, n);
		escpos_size(e, 1, 1);
		escpos_bold(e, false);
		b->out->text_lines++;
	} else {
		escpos_raster(e, &r);
		b->out->raster_lines++;
	}
	add_part(b, &r);
}

enum mdg_status slip_render(const struct slip *s, struct slip_out *out, struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	struct builder b = { .out = out, .width = raster_paper_dots(s->paper_mm), .err = err };
	struct qr_matrix q = { 0 };
	struct barcode_row bar = { 0 };
	struct raster r;
	bool narrow = s->paper_mm == 58;
	escpos_begin(&out->bytes);
	line(&b, s->site_name, 1, false, s->lang);
	gap(&b, 12);
	line(&b, s->service_name, 2, true, s->lang);
	if (s->service_name_ja && strcmp(s->service_name_ja, s->service_name) != 0)
		line(&b, s->service_name_ja, 1, false, "ja");
	/* The number: ASCII, so always ROM text; 8x on 80 mm, 6x on 58 mm. */
	line(&b, s->number, narrow ? 6 : 8, true, "en");
	line(&b, s->wait_line, 1, false, s->lang);
	line(&b, s->time_line, 1, false, s->lang);
	gap(&b, 12);
	if (!b.rc)
		b.rc = qr_encode(s->code, 4, &q, err);
	if (!b.rc) {
		out->qr_version = q.version;
		b.rc = raster_qr(&q, narrow ? 5 : 6, b.width, &r, err);
		if (!b.rc) {
			escpos_align(&out->bytes, RASTER_CENTER);
			escpos_raster(&out->bytes, &r);
			add_part(&b, &r);
		}
	}
	if (!b.rc)
		b.rc = barcode_code128(s->barcode, &bar, err);
	if (!b.rc) {
		b.rc = raster_barcode(&bar, 2, 72, b.width, &r, err);
		if (!b.rc) {
			escpos_raster(&out->bytes, &r);
			add_part(&b, &r);
		}
	}
	line(&b, s->barcode, 1, false, "en");
	gap(&b, 12);
	line(&b, s->guidance, 1, true, s->lang);
	escpos_feed(&out->bytes, 4);
	escpos_cut(&out->bytes);
	if (!b.rc && out->bytes.failed)
		b.rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	if (!b.rc)
		b.rc = raster_stack(b.parts, b.n, &out->preview, err);
	for (int i = 0; i < b.n; i++)
		raster_free(&b.parts[i]);
	qr_free(&q);
	barcode_free(&bar);
	if (b.rc)
		slip_out_free(out);
	return b.rc;
}

void slip_out_free(struct slip_out *o)
{
	if (!o)
		return;
	escpos_free(&o->bytes);
	raster_free(&o->preview);
}
