/* SPDX-License-Identifier: MIT */
/* formpdf: a filled form (core/form.h) laid out as an A4 PDF for the resident's signature, with
 * cairo's PDF surface and pango in Noto Sans CJK (fonts embedded as subsets): a header with the
 * office, the Japanese title (and the resident's language under it), the date, the ticket number
 * and a vector QR code of the submission reference; each section as a table of boxed cells, label
 * on the left and value on the right, long values wrapped inside their box; a signature block;
 * "n / N" page numbers. Characters the font cannot draw are never swapped for another font: they
 * are drawn as grey boxes, counted, and listed in a footnote so that staff check them. Depends on
 * core and secure only; the caller picks the printer (print/sink.h takes the bytes). */
#ifndef MDG_PRINT_FORMPDF_H
#define MDG_PRINT_FORMPDF_H

#include <stddef.h>

#include "core/form.h"
#include "core/status.h"

/* What is printed besides the form and its values. Every string is borrowed for the call; every
 * member but lang may be NULL (left out). Text is UTF-8; invalid bytes print as U+FFFD. */
struct formpdf_opts {
	const char *lang;       /* the resident's language ("ja", "ja@easy", "en", "zh_CN", "ko"):
				 * titles and labels are printed in Japanese, and in this language
				 * underneath, smaller, when it is not Japanese; NULL: "ja" */
	const char *office;     /* the office's name, top left ("那覇市役所 市民課") */
	const char *ticket;     /* the ticket number ("A-042") */
	const char *reference;  /* the submission reference: printed under a QR code of it (at
				 * most QR version 10, i.e. 213 bytes) */
	const char *today;      /* YYYY-MM-DD: the date in the header, as form_format_date(.., "ja") */
	const char *my_number;  /* the My Number for the form's my_number field: 12 ASCII digits,
				 * already unmasked by the caller (keep it in secure memory and wipe
				 * it after the call); NULL: the field prints empty digit boxes marked
				 * 「窓口で記入」. A stored value of that field is never printed. */
};

/* The first FORMPDF_FLAG_MAX flagged fields are listed in formpdf_stats. */
#define FORMPDF_FLAG_MAX 32

/* What the rendering found; filled on success (zeroed first, may be NULL). */
struct formpdf_stats {
	int pages;                        /* pages in the PDF */
	int unknown_glyphs;               /* characters the font cannot draw (grey boxes), all text
					   * of the document counted */
	size_t n_flagged;                 /* fields (label or value) with such characters */
	size_t flagged[FORMPDF_FLAG_MAX]; /* their indices in values order, the first
					   * FORMPDF_FLAG_MAX of them in form order */
	size_t bytes;                     /* size of the PDF */
};

/* A PDF in memory (formpdf_render_mem). */
struct formpdf_buf {
	unsigned char *data;    /* owned; wipe and free with formpdf_buf_free */
	size_t len, cap;
};

/* Lays out form f with values v (v->n must equal form_field_count(f)) and writes the PDF to
 * out_path (created or truncated, mode 0600: it holds personal data; removed again on failure).
 * Values are shown by type: dates as form_format_date(.., "ja") (Gregorian and era), choice and
 * multi as their options' Japanese labels, checkboxes as a drawn ticked box and 「はい」/「いいえ」
 * (two empty boxes when unanswered), empty values as empty boxes for handwriting; values with
 * from_card carry the mark 「マイナンバーカードから」. A cell moves to the next page whole when it
 * does not fit; a cell taller than a page is split between lines of its value.
 * Returns MDG_OK; MDG_ERR_INVALID (values that do not belong to f, a my_number that is not 12
 * digits, a reference too long for a QR code); MDG_ERR_STATE when o->my_number is set: the My
 * Number is never written to disk (DESIGN.md §4), so a PDF that carries it is made with
 * formpdf_render_mem and sent to a printer; MDG_ERR_CONFIG (Noto Sans CJK is not installed:
 * Debian package fonts-noto-cjk); MDG_ERR_IO (the file cannot be written); MDG_ERR_NOMEM. */
enum mdg_status formpdf_render(const struct form *f, const struct form_values *v,
			       const struct formpdf_opts *o, const char *out_path,
			       struct formpdf_stats *stats, struct mdg_err *err);

/* The same into memory: *out (cleared first) holds the PDF on MDG_OK, nothing on failure, and
 * goes to sink_send(spec, out->data, out->len, ...) as it is (sink_send makes a cups: job raw,
 * so the queue's printer must take PDF itself). o->my_number is allowed here; the
 * buffer is wiped when it grows and by formpdf_buf_free. Errors as formpdf_render, without the
 * MDG_ERR_STATE and MDG_ERR_IO cases. */
enum mdg_status formpdf_render_mem(const struct form *f, const struct form_values *v,
				   const struct formpdf_opts *o, struct formpdf_buf *out,
				   struct formpdf_stats *stats, struct mdg_err *err);

/* Wipes and frees the PDF and clears *b. NULL-safe. */
void formpdf_buf_free(struct formpdf_buf *b);

#endif
