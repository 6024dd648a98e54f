/* SPDX-License-Identifier: MIT */
/* raster: cairo/pango drawing on an A8 surface, thresholded at half grey into 1-bit rows. */
#include "print/raster.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

int raster_paper_dots(int paper_mm)
{
	return paper_mm == 58 ? 384 : 576;
}

static enum mdg_status alloc(struct raster *r, int width, int height, struct mdg_err *err)
{
	memset(r, 0, sizeof *r);
	if (width <= 0 || height <= 0 || width > 4096 || height > 65535)
		return mdg_err_set(err, MDG_ERR_INVALID, "raster of %dx%d dots", width, height);
	r->width = width;
	r->height = height;
	r->stride = (width + 7) / 8;
	r->bits = calloc((size_t)r->stride * (size_t)height, 1);
	if (!r->bits)
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	return MDG_OK;
}

static void set_dot(struct raster *r, int x, int y)
{
	if (x >= 0 && y >= 0 && x < r->width && y < r->height)
		r->bits[(size_t)y * (size_t)r->stride + (size_t)(x >> 3)] |= (unsigned char)(0x80 >> (x & 7));
}

void raster_free(struct raster *r)
{
	if (!r)
		return;
	free(r->bits);
	memset(r, 0, sizeof *r);
}

enum mdg_status raster_text(const char *text, const char *lang, int width, int font_px, bool bold,
			    bool one_line, enum raster_align align, struct raster *out,
			    struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	/* Measure on a scratch surface, then draw on one of the right height. */
	cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_A8, width, 1);
	cairo_t *cr = cairo_create(probe);
	PangoLayout *layout = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string("Noto Sans CJK JP");
	pango_font_description_set_absolute_size(fd, font_px * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(layout, fd);
	pango_font_description_free(fd);
	PangoLanguage *pl = pango_language_from_string(lang && *lang ? lang : "ja");
	pango_context_set_language(pango_layout_get_context(layout), pl);
	pango_layout_context_changed(layout);
	pango_layout_set_width(layout, width * PANGO_SCALE);
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(layout, align == RASTER_CENTER ? PANGO_ALIGN_CENTER :
					   align == RASTER_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_text(layout, text, -1);
	int w, h;
	if (one_line) {
		pango_layout_set_width(layout, -1);
		pango_layout_get_pixel_size(layout, &w, &h);
		if (w > width) {
			PangoFontDescription *small = pango_font_description_copy(
				pango_layout_get_font_description(layout));
			pango_font_description_set_absolute_size(small, (double)font_px * width / w *
									 0.98 * PANGO_SCALE);
			pango_layout_set_font_description(layout, small);
			pango_font_description_free(small);
		}
		pango_layout_set_width(layout, width * PANGO_SCALE); /* for the alignment */
		pango_layout_set_wrap(layout, PANGO_WRAP_CHAR);
	}
	pango_layout_get_pixel_size(layout, &w, &h);
	enum mdg_status rc = MDG_OK;
	cairo_surface_t *surf = NULL;
	cairo_t *cr2 = NULL;
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		rc = mdg_err_set(err, MDG_ERR_NOMEM, "cairo: %s", cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	if (h < 1)
		h = 1;
	surf = cairo_image_surface_create(CAIRO_FORMAT_A8, width, h);
	cr2 = cairo_create(surf);
	pango_cairo_update_layout(cr2, layout);
	cairo_set_source_rgba(cr2, 0, 0, 0, 1);
	cairo_move_to(cr2, 0, 0);
	pango_cairo_show_layout(cr2, layout);
	cairo_surface_flush(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		rc = mdg_err_set(err, MDG_ERR_NOMEM, "cairo surface failed");
		goto out;
	}
	rc = alloc(out, width, h, err);
	if (rc)
		goto out;
	const unsigned char *a8 = cairo_image_surface_get_data(surf);
	int a8_stride = cairo_image_surface_get_stride(surf);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < width; x++)
			if (a8[y * a8_stride + x] >= 128)
				set_dot(out, x, y);
out:
	if (cr2)
		cairo_destroy(cr2);
	if (surf)
		cairo_surface_destroy(surf);
	g_object_unref(layout);
	cairo_destroy(cr);
	cairo_surface_destroy(probe);
	return rc;
}

enum mdg_status raster_qr(const struct qr_matrix *q, int module, int width, struct raster *out,
			  struct mdg_err *err)
{
	int side = (q->width + 8) * module;
	if (side > width)
		return mdg_err_set(err, MDG_ERR_INVALID, "QR code of %d dots does not fit %d", side, width);
	enum mdg_status rc = alloc(out, width, side, err);
	if (rc)
		return rc;
	int x0 = (width - side) / 2 + 4 * module, y0 = 4 * module;
	for (int my = 0; my < q->width; my++)
		for (int mx = 0; mx < q->width; mx++)
			if (q->dark[my * q->width + mx])
				for (int dy = 0; dy < module; dy++)
					for (int dx = 0; dx < module; dx++)
						set_dot(out, x0 + mx * module + dx, y0 + my * module + dy);
	return MDG_OK;
}

enum mdg_status raster_barcode(const struct barcode_row *b, int module, int height, int width,
			       struct raster *out, struct mdg_err *err)
{
	int total = (b->width + 20) * module; /* 10-module quiet zones */
	if (total > width)
		return mdg_err_set(err, MDG_ERR_INVALID, "barcode of %d dots does not fit %d", total, width);
	enum mdg_status rc = alloc(out, width, height, err);
	if (rc)
		return rc;
	int x0 = (width - total) / 2 + 10 * module;
	for (int m = 0; m < b->width; m++)
		if (b->bar[m])
			for (int dx = 0; dx < module; dx++)
				for (int y = 0; y < height; y++)
					set_dot(out, x0 + m * module + dx, y);
	return MDG_OK;
}

enum mdg_status raster_stack(const struct raster *parts, int n, struct raster *out,
			     struct mdg_err *err)
{
	int h = 0;
	for (int i = 0; i < n; i++) {
		if (parts[i].width != parts[0].width)
			return mdg_err_set(err, MDG_ERR_INVALID, "rasters of different widths");
		h += parts[i].height;
	}
	enum mdg_status rc = alloc(out, n ? parts[0].width : 0, h, err);
	if (rc)
		return rc;
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		size_t bytes = (size_t)parts[i].stride * (size_t)parts[i].height;
		memcpy(out->bits + o, parts[i].bits, bytes);
		o += bytes;
	}
	return MDG_OK;
}

enum mdg_status raster_write_png(const struct raster *r, const char *path, struct mdg_err *err)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, r->width, r->height);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return mdg_err_set(err, MDG_ERR_NOMEM, "cairo surface failed");
	}
	cairo_surface_flush(s);
	unsigned char *px = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	for (int y = 0; y < r->height; y++) {
		uint32_t *row = (uint32_t *)(void *)(px + y * stride);
		for (int x = 0; x < r->width; x++) {
			int black = (r->bits[(size_t)y * (size_t)r->stride + (size_t)(x >> 3)] >> (7 - (x & 7))) & 1;
			row[x] = black ? 0x000000 : 0xFFFFFF;
		}
	}
	cairo_surface_mark_dirty(s);
	cairo_status_t st = cairo_surface_write_to_png(s, path);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS)
		return mdg_err_set(err, MDG_ERR_IO, "cannot write %s: %s", path, cairo_status_to_string(st));
	return MDG_OK;
}
