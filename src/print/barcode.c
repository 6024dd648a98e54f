/* SPDX-License-Identifier: MIT */
/* barcode: libzint wrapper. zint 2.11 has no in-memory SVG, so previews go to a file. */
#include "print/barcode.h"

#include <stdlib.h>
#include <string.h>
#include <zint.h>

static struct zint_symbol *encode(const char *text, struct mdg_err *err)
{
	struct zint_symbol *s = ZBarcode_Create();
	if (!s) {
		mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		return NULL;
	}
	s->symbology = BARCODE_CODE128;
	s->input_mode = DATA_MODE;
	int rc = ZBarcode_Encode(s, (const unsigned char *)text, (int)strlen(text));
	if (rc >= ZINT_ERROR) {
		mdg_err_set(err, MDG_ERR_INVALID, "cannot encode '%s' as Code 128: %s", text, s->errtxt);
		ZBarcode_Delete(s);
		return NULL;
	}
	return s;
}

enum mdg_status barcode_code128(const char *text, struct barcode_row *out, struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	struct zint_symbol *s = encode(text, err);
	if (!s)
		return err ? err->code : MDG_ERR_INVALID;
	out->bar = malloc((size_t)s->width);
	if (!out->bar) {
		ZBarcode_Delete(s);
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	}
	out->width = s->width;
	for (int col = 0; col < s->width; col++)
		out->bar[col] = (s->encoded_data[0][col >> 3] >> (col & 7)) & 1;
	ZBarcode_Delete(s);
	return MDG_OK;
}

enum mdg_status barcode_code128_svg(const char *text, const char *path, struct mdg_err *err)
{
	struct zint_symbol *s = encode(text, err);
	if (!s)
		return err ? err->code : MDG_ERR_INVALID;
	if (strlen(path) >= sizeof s->outfile) {
		ZBarcode_Delete(s);
		return mdg_err_set(err, MDG_ERR_INVALID, "path too long: %s", path);
	}
	strcpy(s->outfile, path);
	s->scale = 2;
	int rc = ZBarcode_Print(s, 0);
	enum mdg_status st = MDG_OK;
	if (rc >= ZINT_ERROR)
		st = mdg_err_set(err, MDG_ERR_IO, "cannot write %s: %s", path, s->errtxt);
	ZBarcode_Delete(s);
	return st;
}

void barcode_free(struct barcode_row *b)
{
	if (!b)
		return;
	free(b->bar);
	b->bar = NULL;
	b->width = 0;
}
