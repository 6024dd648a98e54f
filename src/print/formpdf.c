/* SPDX-License-Identifier: MIT */
/* formpdf: the A4 form in two passes over the same code: the first only measures and breaks
 * pages (so that the second knows the page count for "n / N"), the second draws. Every piece of
 * text is a pango layout in Noto Sans CJK with font fallback turned off, so that a character the
 * font lacks becomes an unknown glyph we can count and mark, not a silent substitute. */
#include "print/formpdf.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/text.h"
#include "print/qr.h"
#include "secure/mem.h"

/* A4 in points, and the grid everything sits on. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define X0 42.0                          /* left margin */
#define X1 (PAGE_W - 42.0)               /* right margin */
#define CW (X1 - X0)                     /* content width */
#define TOP 40.0
#define RUN_H 22.0                       /* running header on pages after the first */
#define NOTE_Y (PAGE_H - 70.0)           /* the footnote of unprintable characters */
#define BODY_BOTTOM (NOTE_Y - 6.0)
#define PAGENO_Y (PAGE_H - 36.0)
#define LABEL_W 150.0                    /* the label column */
#define PAD 5.0
#define MIN_CELL 26.0                    /* room to write by hand */
#define MIN_ADDRESS 44.0
#define QR_SIDE 68.0                     /* with its quiet zone */
#define DIGIT_W 18.0                     /* a My Number digit box */
#define DIGIT_H 22.0
#define CHECK 10.0                       /* a checkbox's side */
#define SIG_GAP 16.0                     /* the signature block: gap, signature row, date row */
#define SIG_H1 46.0
#define SIG_H (SIG_GAP + SIG_H1 + MIN_CELL)

#define SZ_VALUE 11.0
#define SZ_LABEL 9.5
#define SZ_TR 7.0
#define SZ_MARK 6.5
#define SZ_HEAD 11.5
#define SZ_TITLE 17.0
#define SZ_TITLE_TR 10.5
#define SZ_SMALL 8.0

#define MARK_CARD "マイナンバーカードから"
#define NOTE_UNKNOWN "※ 印字できない文字があります（灰色の箇所）。窓口で確認してください。"

struct sbuf {
	char *s;
	size_t len, cap;
};

struct pdf {
	const struct form *f;
	const struct form_values *v;
	const struct formpdf_opts *o;
	const char *lang;            /* o->lang or "ja" */
	bool tr;                     /* print the resident's language under the Japanese */
	cairo_t *cr;
	PangoContext *pc;
	bool draw;                   /* false: the measuring pass */
	int page, pages;             /* current (1-based); total (known when drawing) */
	double y;                    /* the cursor on the current page */
	struct qr_matrix qr;
	bool has_qr;
	PangoLayout *mark;           /* 「マイナンバーカードから」 */
	double mark_w, mark_h;
	size_t last;                 /* index of the form's last field: it stays with the signature */
	int page_unknown;            /* unknown glyphs drawn on this page */
	struct sbuf note;            /* labels of this page's flagged fields */
	struct sbuf scratch;         /* sanitised text */
	struct formpdf_stats *st;
};

/* ---- small helpers ---------------------------------------------------------------------------- */

static void sbuf_wipe(struct sbuf *b)
{
	if (b->s) {
		secure_wipe(b->s, b->cap);
		free(b->s);
	}
	memset(b, 0, sizeof *b);
}

static void sbuf_need(struct sbuf *b, size_t n)
{
	if (n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < n)
		cap *= 2;
	char *s = malloc(cap);
	if (!s)
		abort(); /* STYLE: out of memory aborts; pango would have aborted first */
	if (b->s) {
		memcpy(s, b->s, b->len + 1);
		secure_wipe(b->s, b->cap);
		free(b->s);
	} else {
		s[0] = '\0';
	}
	b->s = s;
	b->cap = cap;
}

static void sbuf_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	sbuf_need(b, b->len + n + 1);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void sbuf_clear(struct sbuf *b)
{
	if (b->s)
		b->s[0] = '\0';
	b->len = 0;
}

static bool is_ja(const char *lang)
{
	return strcmp(lang, "ja") == 0 || strncmp(lang, "ja_", 3) == 0;
}

/* The Noto CJK face whose glyph shapes suit lang (the faces hold the same characters). */
static const char *family_for(const char *lang)
{
	if (strncmp(lang, "zh", 2) == 0)
		return strstr(lang, "TW") || strstr(lang, "HK") ? "Noto Sans CJK TC" : "Noto Sans CJK SC";
	if (strncmp(lang, "ko", 2) == 0)
		return "Noto Sans CJK KR";
	return "Noto Sans CJK JP";
}

/* "zh_CN" -> "zh-cn", "ja@easy" -> "ja": what pango and fontconfig take. */
static PangoLanguage *pango_lang(const char *lang)
{
	char tag[16];
	size_t i = 0;
	for (; lang[i] && lang[i] != '@' && i < sizeof tag - 1; i++)
		tag[i] = lang[i] == '_' ? '-' : lang[i];
	tag[i] = '\0';
	return pango_language_from_string(i ? tag : "ja");
}

#define NOWRAP 0.0 /* a width for mk: one line, never wrapped */

/* A layout of text (sanitised first) in the face for lang, size points, wrapped to width points
 * (NOWRAP: one line). Fallback to other fonts is off: missing characters stay unknown glyphs. */
static PangoLayout *mk(struct pdf *p, const char *text, const char *lang, double size, bool bold,
		       double width)
{
	size_t n = strlen(text);
	sbuf_need(&p->scratch, 3 * n + 4);
	text_sanitize(text, p->scratch.s, p->scratch.cap);
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family_static(fd, family_for(lang));
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_fallback_new(FALSE));
	pango_attr_list_insert(attrs, pango_attr_language_new(pango_lang(lang)));
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text(l, p->scratch.s, -1);
	secure_wipe(p->scratch.s, strlen(p->scratch.s));
	return l;
}

static void unref(PangoLayout **l)
{
	if (*l)
		g_object_unref(*l);
	*l = NULL;
}

static double lw(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

static double lh(PangoLayout *l)
{
	int w, h;
	if (!l)
		return 0;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static int unknown_of(PangoLayout *l)
{
	return l ? pango_layout_get_unknown_glyphs_count(l) : 0;
}

/* Draws lines [from, to) of l, the layout's top left at (x, y), each glyph the font lacks on a
 * grey box first. Only those lines go into the PDF: a split cell's text is never there twice. */
static void show_lines(struct pdf *p, PangoLayout *l, double x, double y, int from, int to)
{
	if (!p->draw || !l)
		return;
	cairo_t *cr = p->cr;
	bool unknown = unknown_of(l) > 0;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	for (int i = 0; i < to; i++) {
		if (i >= from) {
			PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
			PangoRectangle lr;
			int top, bottom;
			pango_layout_iter_get_line_extents(it, NULL, &lr);
			pango_layout_iter_get_line_yrange(it, &top, &bottom);
			if (unknown) {
				int gx = lr.x;
				cairo_set_source_rgb(cr, 0.62, 0.62, 0.62);
				for (GSList *r = line->runs; r; r = r->next) {
					PangoGlyphString *gs = ((PangoGlyphItem *)r->data)->glyphs;
					for (int k = 0; k < gs->num_glyphs; k++) {
						PangoGlyphInfo *g = &gs->glyphs[k];
						if (g->glyph & PANGO_GLYPH_UNKNOWN_FLAG)
							cairo_rectangle(cr, x + (double)gx / PANGO_SCALE,
									y + (double)top / PANGO_SCALE,
									(double)g->geometry.width / PANGO_SCALE,
									(double)(bottom - top) / PANGO_SCALE);
						gx += g->geometry.width;
					}
				}
				cairo_fill(cr);
			}
			cairo_set_source_rgb(cr, 0, 0, 0);
			cairo_move_to(cr, x + (double)lr.x / PANGO_SCALE,
				      y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
			pango_cairo_show_layout_line(cr, line);
		}
		if (!pango_layout_iter_next_line(it))
			break;
	}
	pango_layout_iter_free(it);
}

static void show(struct pdf *p, PangoLayout *l, double x, double y)
{
	if (l)
		show_lines(p, l, x, y, 0, pango_layout_get_line_count(l));
}

/* Counts a layout's unknown glyphs on this page and in the stats (drawing pass only). */
static int tally(struct pdf *p, PangoLayout *l)
{
	int n = unknown_of(l);
	if (p->draw && n) {
		p->page_unknown += n;
		p->st->unknown_glyphs += n;
	}
	return n;
}

static void rect(struct pdf *p, double x, double y, double w, double h, double fill_grey)
{
	if (!p->draw)
		return;
	cairo_t *cr = p->cr;
	cairo_rectangle(cr, x, y, w, h);
	if (fill_grey < 1.0) {
		cairo_set_source_rgb(cr, fill_grey, fill_grey, fill_grey);
		cairo_fill_preserve(cr);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
}

static void hline(struct pdf *p, double x0, double x1, double y, double width)
{
	if (!p->draw)
		return;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, x0, y);
	cairo_line_to(p->cr, x1, y);
	cairo_stroke(p->cr);
}

/* A square box at (x, y), ticked with a drawn check mark when on. */
static void checkbox(struct pdf *p, double x, double y, bool on)
{
	if (!p->draw)
		return;
	cairo_t *cr = p->cr;
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.8);
	cairo_rectangle(cr, x, y, CHECK, CHECK);
	cairo_stroke(cr);
	if (on) {
		cairo_set_line_width(cr, 1.6);
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_move_to(cr, x + 2.0, y + CHECK * 0.52);
		cairo_line_to(cr, x + CHECK * 0.42, y + CHECK - 2.0);
		cairo_line_to(cr, x + CHECK - 1.5, y + 1.6);
		cairo_stroke(cr);
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
	}
}

/* The card mark: its text in a small rounded rectangle, top right at (xr, y). */
static void card_mark(struct pdf *p, double xr, double y)
{
	if (!p->draw)
		return;
	cairo_t *cr = p->cr;
	double w = p->mark_w, h = p->mark_h, x = xr - w, r = 2.5;
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -G_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, G_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, G_PI / 2, G_PI);
	cairo_arc(cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
	cairo_close_path(cr);
	cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.5);
	cairo_stroke(cr);
	show(p, p->mark, x + 3.0, y + 1.0);
}

/* ---- pages -------------------------------------------------------------------------------------- */

static void page_begin(struct pdf *p)
{
	p->page++;
	p->y = TOP;
	p->page_unknown = 0;
	sbuf_clear(&p->note);
	if (p->page == 1)
		return;
	/* Pages that come apart from the first still say what they belong to. */
	PangoLayout *t = mk(p, textmap_get(&p->f->title, "ja"), "ja", SZ_SMALL, false, CW - 120);
	pango_layout_set_ellipsize(t, PANGO_ELLIPSIZE_END);
	tally(p, t);
	show(p, t, X0, p->y);
	if (p->o->ticket && *p->o->ticket) {
		char buf[128];
		snprintf(buf, sizeof buf, "受付番号 %s", p->o->ticket);
		PangoLayout *n = mk(p, buf, "ja", SZ_SMALL, false, NOWRAP);
		tally(p, n);
		show(p, n, X1 - lw(n), p->y);
		unref(&n);
	}
	unref(&t);
	hline(p, X0, X1, p->y + 13.0, 0.5);
	p->y += RUN_H;
}

static void page_end(struct pdf *p)
{
	if (!p->draw)
		return;
	if (p->page_unknown > 0) {
		struct sbuf s = { 0 };
		sbuf_add(&s, NOTE_UNKNOWN);
		if (p->note.len) {
			sbuf_add(&s, "対象：");
			sbuf_add(&s, p->note.s);
		}
		PangoLayout *n = mk(p, s.s, "ja", SZ_SMALL, false, CW);
		pango_layout_set_height(n, -2);
		pango_layout_set_ellipsize(n, PANGO_ELLIPSIZE_END);
		show(p, n, X0, NOTE_Y);
		unref(&n);
		sbuf_wipe(&s);
	}
	char buf[32];
	snprintf(buf, sizeof buf, "%d / %d", p->page, p->pages);
	PangoLayout *n = mk(p, buf, "ja", 9.0, false, NOWRAP);
	show(p, n, X0 + (CW - lw(n)) / 2, PAGENO_Y);
	unref(&n);
	cairo_show_page(p->cr);
}

static void page_break(struct pdf *p)
{
	page_end(p);
	page_begin(p);
}

/* Room below the cursor, and on a fresh page after the first. */
static double room(const struct pdf *p)
{
	return BODY_BOTTOM - p->y;
}

static double fresh_room(void)
{
	return BODY_BOTTOM - TOP - RUN_H;
}

/* ---- the header ---------------------------------------------------------------------------------- */

static void header(struct pdf *p)
{
	const struct formpdf_opts *o = p->o;
	double left_w = p->has_qr ? CW - QR_SIDE - 14.0 : CW, y = TOP, qy = TOP;
	if (o->office && *o->office) {
		PangoLayout *l = mk(p, o->office, "ja", SZ_LABEL, false, left_w);
		tally(p, l);
		show(p, l, X0, y);
		y += lh(l) + 3.0;
		unref(&l);
	}
	PangoLayout *t = mk(p, textmap_get(&p->f->title, "ja"), "ja", SZ_TITLE, true, left_w);
	tally(p, t);
	show(p, t, X0, y);
	y += lh(t) + 1.0;
	unref(&t);
	const char *tr = p->tr ? textmap_exact(&p->f->title, p->lang) : NULL;
	if (tr && *tr) {
		PangoLayout *l = mk(p, tr, p->lang, SZ_TITLE_TR, false, left_w);
		tally(p, l);
		show(p, l, X0, y);
		y += lh(l) + 1.0;
		unref(&l);
	}
	struct sbuf line = { 0 };
	char date[96];
	if (o->today && form_format_date(o->today, "ja", date, sizeof date)) {
		sbuf_add(&line, "受付日 ");
		sbuf_add(&line, date);
	}
	if (o->ticket && *o->ticket) {
		sbuf_add(&line, line.len ? "　　受付番号 " : "受付番号 ");
		sbuf_add(&line, o->ticket);
	}
	if (line.len) {
		y += 4.0;
		PangoLayout *l = mk(p, line.s, "ja", 10.5, false, left_w);
		tally(p, l);
		show(p, l, X0, y);
		y += lh(l);
		unref(&l);
	}
	sbuf_wipe(&line);
	if (p->has_qr) {
		double qx = X1 - QR_SIDE, mod = QR_SIDE / (p->qr.width + 8);
		if (p->draw) {
			/* Dark modules as rectangles, one per horizontal run: no hairline seams. */
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			for (int r = 0; r < p->qr.width; r++)
				for (int c = 0; c < p->qr.width;) {
					if (!p->qr.dark[r * p->qr.width + c]) {
						c++;
						continue;
					}
					int c0 = c;
					while (c < p->qr.width && p->qr.dark[r * p->qr.width + c])
						c++;
					cairo_rectangle(p->cr, qx + (4 + c0) * mod, qy + (4 + r) * mod,
							(c - c0) * mod, mod);
				}
			cairo_fill(p->cr);
		}
		qy += QR_SIDE;
		PangoLayout *l = mk(p, o->reference, "ja", SZ_MARK, false, QR_SIDE + 40.0);
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
		tally(p, l);
		show(p, l, X1 - QR_SIDE - 40.0, qy);
		qy += lh(l);
		unref(&l);
	}
	p->y = (y > qy ? y : qy) + 6.0;
	hline(p, X0, X1, p->y, 1.2);
	p->y += 10.0;
}

/* ---- cells ------------------------------------------------------------------------------------- */

enum cell_kind { CELL_TEXT, CELL_CHECK, CELL_MYNUM };

struct cell {
	const struct form_field *fld;
	size_t idx;                 /* in values order */
	enum cell_kind kind;
	PangoLayout *label, *label_tr;
	PangoLayout *value;         /* CELL_TEXT: NULL when empty */
	PangoLayout *yes, *no;      /* CELL_CHECK: the answer's text, or both when unanswered */
	int check;                  /* CELL_CHECK: 1 yes, 0 no, -1 unanswered */
	PangoLayout *digits[12];    /* CELL_MYNUM: one per digit, or none */
	PangoLayout *hand;          /* CELL_MYNUM: 「窓口で記入」 when there is no number */
	bool from_card;
	int unknown;                /* glyphs the font lacks in this cell */
	double label_h, value_h, h;
};

static double value_x(void)
{
	return X0 + LABEL_W + PAD;
}

static double value_w(const struct cell *c, const struct pdf *p)
{
	return X1 - PAD - value_x() - (c->from_card ? p->mark_w + 6.0 : 0.0);
}

/* What a value reads as on paper (Japanese), appended to out. */
static void value_text(const struct form_field *fld, const char *val, struct sbuf *out)
{
	char date[96];
	switch (fld->type) {
	case FT_DATE:
		sbuf_add(out, form_format_date(val, "ja", date, sizeof date) ? date : val);
		return;
	case FT_CHOICE:
	case FT_MULTI: {
		const char *s = val;
		bool first = true;
		while (*s) {
			size_t n = fld->type == FT_MULTI ? strcspn(s, ",") : strlen(s);
			if (n == 0) {
				s++;
				continue;
			}
			const char *label = NULL;
			for (size_t k = 0; k < fld->n_options; k++)
				if (strlen(fld->options[k].value) == n &&
				    memcmp(fld->options[k].value, s, n) == 0)
					label = textmap_get(&fld->options[k].label, "ja");
			if (!first)
				sbuf_add(out, "、");
			first = false;
			if (label) {
				sbuf_add(out, label);
			} else { /* not one of the options: printed as it is, for staff to see */
				sbuf_need(out, out->len + n + 1);
				memcpy(out->s + out->len, s, n);
				out->len += n;
				out->s[out->len] = '\0';
			}
			s += n;
			if (*s == ',')
				s++;
		}
		return;
	}
	default:
		sbuf_add(out, val);
	}
}

static bool twelve_digits(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9')
			return false;
	return n == 12;
}

static void cell_free(struct cell *c)
{
	unref(&c->label);
	unref(&c->label_tr);
	unref(&c->value);
	unref(&c->yes);
	unref(&c->no);
	unref(&c->hand);
	for (int i = 0; i < 12; i++)
		unref(&c->digits[i]);
}

static void cell_build(struct pdf *p, const struct form_field *fld, size_t idx, struct cell *c)
{
	memset(c, 0, sizeof *c);
	c->fld = fld;
	c->idx = idx;
	const char *val = fld->my_number ? NULL : p->v->v[idx];
	if (val && !*val)
		val = NULL;
	c->from_card = val && p->v->from_card[idx];
	double lwid = LABEL_W - 2 * PAD;
	c->label = mk(p, textmap_get(&fld->label, "ja"), "ja", SZ_LABEL, true, lwid);
	c->label_h = lh(c->label);
	const char *tr = p->tr ? textmap_exact(&fld->label, p->lang) : NULL;
	if (tr && *tr) {
		c->label_tr = mk(p, tr, p->lang, SZ_TR, false, lwid);
		c->label_h += 1.5 + lh(c->label_tr);
	}
	double inner;
	if (fld->my_number) {
		c->kind = CELL_MYNUM;
		const char *num = p->o->my_number;
		if (num) {
			for (int i = 0; i < 12; i++) {
				char d[2] = { num[i], '\0' };
				c->digits[i] = mk(p, d, "ja", 13.0, false, NOWRAP);
			}
		} else {
			c->hand = mk(p, "窓口で記入", "ja", SZ_SMALL, false, NOWRAP);
		}
		inner = DIGIT_H;
	} else if (fld->type == FT_CHECKBOX && (!val || !strcmp(val, "yes") || !strcmp(val, "no"))) {
		c->kind = CELL_CHECK;
		c->check = !val ? -1 : !strcmp(val, "yes");
		if (c->check != 0)
			c->yes = mk(p, "はい", "ja", SZ_VALUE, false, NOWRAP);
		if (c->check != 1)
			c->no = mk(p, "いいえ", "ja", SZ_VALUE, false, NOWRAP);
		inner = lh(c->yes ? c->yes : c->no);
	} else {
		c->kind = CELL_TEXT;
		if (val) {
			struct sbuf s = { 0 };
			value_text(fld, val, &s);
			c->value = mk(p, s.s, "ja", SZ_VALUE, false, value_w(c, p));
			sbuf_wipe(&s);
		}
		c->value_h = lh(c->value);
		inner = c->value_h;
		if (c->from_card && inner < p->mark_h)
			inner = p->mark_h;
	}
	if (inner < c->label_h)
		inner = c->label_h;
	c->h = inner + 2 * PAD;
	double min = fld->type == FT_ADDRESS && !val ? MIN_ADDRESS : MIN_CELL;
	if (c->h < min)
		c->h = min;
	for (int i = 0; i < 12; i++)
		c->unknown += unknown_of(c->digits[i]);
	c->unknown += unknown_of(c->label) + unknown_of(c->label_tr) + unknown_of(c->value);
}

/* Counts the cell's unknown glyphs into the page and the stats, once (its first piece). */
static void cell_tally(struct pdf *p, const struct cell *c)
{
	if (!p->draw || !c->unknown)
		return;
	p->page_unknown += c->unknown;
	p->st->unknown_glyphs += c->unknown;
	if (p->st->n_flagged < FORMPDF_FLAG_MAX)
		p->st->flagged[p->st->n_flagged] = c->idx;
	p->st->n_flagged++;
	if (p->note.len)
		sbuf_add(&p->note, "、");
	sbuf_add(&p->note, textmap_get(&c->fld->label, "ja"));
}

/* Draws a piece of a cell h tall at the cursor: lines [from, to) of the value, whose top is off
 * points above the piece's (a split cell), its labels on the first piece only. */
static void cell_piece(struct pdf *p, const struct cell *c, double h, double off, int from,
		       int to, bool first)
{
	double y = p->y;
	rect(p, X0, y, LABEL_W, h, 0.92);
	rect(p, X0 + LABEL_W, y, CW - LABEL_W, h, 1.0);
	if (first) {
		cell_tally(p, c);
		show(p, c->label, X0 + PAD, y + PAD);
		show(p, c->label_tr, X0 + PAD, y + PAD + lh(c->label) + 1.5);
		if (c->from_card)
			card_mark(p, X1 - PAD, y + PAD);
	} else {
		PangoLayout *l = mk(p, "（続き）", "ja", SZ_TR, false, NOWRAP);
		show(p, l, X0 + PAD, y + PAD);
		unref(&l);
	}
	double vx = value_x(), vy = y + PAD;
	switch (c->kind) {
	case CELL_TEXT:
		show_lines(p, c->value, vx, vy - off, from, to);
		break;
	case CELL_CHECK: {
		double x = vx, ty = y + (h - lh(c->yes ? c->yes : c->no)) / 2;
		if (c->yes) {
			checkbox(p, x, y + (h - CHECK) / 2, c->check == 1);
			show(p, c->yes, x + CHECK + 4.0, ty);
			x += CHECK + 4.0 + lw(c->yes) + 18.0;
		}
		if (c->no) {
			checkbox(p, x, y + (h - CHECK) / 2, c->check == 0);
			show(p, c->no, x + CHECK + 4.0, ty);
		}
		break;
	}
	case CELL_MYNUM: {
		double dy = y + (h - DIGIT_H) / 2;
		for (int i = 0; i < 12; i++) {
			double dx = vx + i * DIGIT_W;
			rect(p, dx, dy, DIGIT_W, DIGIT_H, 1.0);
			if (c->digits[i])
				show(p, c->digits[i], dx + (DIGIT_W - lw(c->digits[i])) / 2,
				     dy + (DIGIT_H - lh(c->digits[i])) / 2);
		}
		if (c->hand)
			show(p, c->hand, vx + 12 * DIGIT_W + 8.0, dy + (DIGIT_H - lh(c->hand)) / 2);
		break;
	}
	}
	p->y += h;
}

/* How much must fit below the cursor with cell c: the last field keeps the signature with it, so
 * that a signature never stands alone on a page. */
static double need(const struct pdf *p, const struct cell *c)
{
	return c->idx == p->last && c->h + SIG_H <= fresh_room() ? c->h + SIG_H : c->h;
}

/* Places a cell: here when it fits, whole on the next page when it fits there, else split
 * between lines of its value over as many pages as it takes. */
static void cell_place(struct pdf *p, const struct cell *c)
{
	if (need(p, c) <= room(p)) {
		cell_piece(p, c, c->h, 0, 0, INT_MAX, true);
		return;
	}
	if (c->h <= fresh_room() || c->kind != CELL_TEXT || !c->value) {
		page_break(p);
		cell_piece(p, c, c->h, 0, 0, INT_MAX, true);
		return;
	}
	/* Line bottoms of the value, in points from its top. */
	int n = pango_layout_get_line_count(c->value), k = 0;
	double *bottom = malloc((size_t)n * sizeof *bottom);
	if (!bottom)
		abort();
	PangoLayoutIter *it = pango_layout_get_iter(c->value);
	do {
		int y0, y1;
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		bottom[k++] = (double)y1 / PANGO_SCALE;
	} while (k < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	n = k;
	double off = 0;
	bool first = true;
	for (int line = 0; line < n;) {
		double avail = room(p) - 2 * PAD;
		int end = line;
		while (end < n && bottom[end] - off <= avail)
			end++;
		if (end == line) { /* not even one line here */
			if (p->y > TOP + RUN_H) {
				page_break(p);
				continue;
			}
			end = line + 1; /* a line taller than a page: clipped, never a loop */
		}
		double h = bottom[end - 1] - off + 2 * PAD;
		if (first && h < c->label_h + 2 * PAD)
			h = c->label_h + 2 * PAD;
		cell_piece(p, c, h, off, line, end, first);
		first = false;
		off = bottom[end - 1];
		line = end;
		if (line < n)
			page_break(p);
	}
	free(bottom);
}

/* ---- sections and the signature ------------------------------------------------------------------ */

static void section(struct pdf *p, const struct form_section *s, size_t *idx)
{
	PangoLayout *t = mk(p, textmap_get(&s->title, "ja"), "ja", SZ_HEAD, true, CW);
	const char *tr = p->tr ? textmap_exact(&s->title, p->lang) : NULL;
	PangoLayout *t2 = tr && *tr ? mk(p, tr, p->lang, SZ_TR + 1.0, false, CW) : NULL;
	double gap = p->y > TOP + RUN_H ? 10.0 : 0.0;
	double hh = gap + lh(t) + (t2 ? lh(t2) + 1.0 : 0.0) + 4.0;
	struct cell c;
	cell_build(p, &s->fields[0], *idx, &c);
	/* A heading stays with its first cell (or a first piece of it). */
	double first = c.h <= fresh_room() ? need(p, &c) : 60.0;
	if (hh + first > room(p) && p->y > TOP + RUN_H) {
		page_break(p);
		hh -= gap;
		gap = 0;
	}
	p->y += gap;
	tally(p, t);
	tally(p, t2);
	show(p, t, X0, p->y);
	p->y += lh(t);
	if (t2) {
		show(p, t2, X0, p->y + 1.0);
		p->y += lh(t2) + 1.0;
	}
	p->y += 4.0;
	unref(&t);
	unref(&t2);
	cell_place(p, &c);
	cell_free(&c);
	for (size_t i = 1; i < s->n_fields; i++) {
		cell_build(p, &s->fields[i], *idx + i, &c);
		cell_place(p, &c);
		cell_free(&c);
	}
	*idx += s->n_fields;
}

static void signature(struct pdf *p)
{
	PangoLayout *sig = mk(p, "申請者署名", "ja", SZ_LABEL, true, LABEL_W - 2 * PAD);
	PangoLayout *day = mk(p, "記入日", "ja", SZ_LABEL, true, LABEL_W - 2 * PAD);
	PangoLayout *ymd = mk(p, "年　　　　月　　　　日", "ja", SZ_VALUE, false, NOWRAP);
	double h1 = SIG_H1, h2 = MIN_CELL;
	if (SIG_H > room(p))
		page_break(p);
	else
		p->y += SIG_GAP;
	double y = p->y;
	rect(p, X0, y, LABEL_W, h1, 0.92);
	rect(p, X0 + LABEL_W, y, CW - LABEL_W, h1, 1.0);
	show(p, sig, X0 + PAD, y + PAD);
	hline(p, value_x() + 6.0, X1 - 12.0, y + h1 - 10.0, 0.5);
	y += h1;
	rect(p, X0, y, LABEL_W, h2, 0.92);
	rect(p, X0 + LABEL_W, y, CW - LABEL_W, h2, 1.0);
	show(p, day, X0 + PAD, y + PAD);
	show(p, ymd, value_x() + 60.0, y + (h2 - lh(ymd)) / 2);
	p->y = y + h2;
	unref(&sig);
	unref(&day);
	unref(&ymd);
}

/* One pass over the whole document. */
static void pass(struct pdf *p, bool draw)
{
	p->draw = draw;
	p->page = 0;
	page_begin(p);
	header(p);
	size_t idx = 0;
	p->last = form_field_count(p->f) - 1;
	for (size_t s = 0; s < p->f->n_sections; s++)
		if (p->f->sections[s].n_fields)
			section(p, &p->f->sections[s], &idx);
	signature(p);
	page_end(p);
}

/* ---- output ----------------------------------------------------------------------------------- */

struct sink {
	int fd;                  /* -1: memory */
	struct formpdf_buf *buf;
	int error;               /* errno of a failed write */
	size_t bytes;
};

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
	struct sink *s = closure;
	if (s->fd >= 0) {
		while (len) {
			ssize_t n = write(s->fd, data, len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				s->error = n < 0 ? errno : EIO;
				return CAIRO_STATUS_WRITE_ERROR;
			}
			data += n;
			len -= (unsigned int)n;
			s->bytes += (size_t)n;
		}
		return CAIRO_STATUS_SUCCESS;
	}
	struct formpdf_buf *b = s->buf;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		while (cap < b->len + len)
			cap *= 2;
		unsigned char *d = malloc(cap);
		if (!d) {
			s->error = ENOMEM;
			return CAIRO_STATUS_NO_MEMORY;
		}
		if (b->data) { /* the old copy may hold a My Number: wiped, not just freed */
			memcpy(d, b->data, b->len);
			secure_wipe(b->data, b->cap);
			free(b->data);
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	s->bytes += len;
	return CAIRO_STATUS_SUCCESS;
}

static bool font_installed(PangoContext *pc)
{
	PangoFontDescription *d = pango_font_description_from_string("Noto Sans CJK JP 10");
	PangoFont *font = pango_context_load_font(pc, d);
	pango_font_description_free(d);
	if (!font)
		return false;
	PangoFontDescription *got = pango_font_describe(font);
	const char *fam = pango_font_description_get_family(got);
	bool ok = fam && strncmp(fam, "Noto Sans CJK", 13) == 0;
	pango_font_description_free(got);
	g_object_unref(font);
	return ok;
}

static enum mdg_status render(const struct form *f, const struct form_values *v,
			      const struct formpdf_opts *o, struct sink *out,
			      struct formpdf_stats *stats, struct mdg_err *err)
{
	struct formpdf_stats local;
	struct pdf p = { .f = f, .v = v, .o = o, .st = stats ? stats : &local };
	memset(p.st, 0, sizeof *p.st);
	if (!f || !v || !o || v->n != form_field_count(f))
		return mdg_err_set(err, MDG_ERR_INVALID, "form values do not belong to form %s",
				   f && f->id ? f->id : "?");
	if (o->my_number && !twelve_digits(o->my_number))
		return mdg_err_set(err, MDG_ERR_INVALID, "the My Number must be 12 digits");
	p.lang = o->lang && *o->lang ? o->lang : "ja";
	p.tr = !is_ja(p.lang);
	enum mdg_status rc = MDG_OK;
	if (o->reference && *o->reference) {
		rc = qr_encode(o->reference, 10, &p.qr, err);
		if (rc)
			return rc;
		p.has_qr = true;
	}
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_cb, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, textmap_get(&f->title, "ja"));
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "madoguchi");
	p.cr = cairo_create(surf);
	p.pc = pango_cairo_create_context(p.cr);
	if (!font_installed(p.pc)) {
		rc = mdg_err_set(err, MDG_ERR_CONFIG,
				 "the font Noto Sans CJK JP is not installed (Debian: fonts-noto-cjk)");
		goto out;
	}
	p.mark = mk(&p, MARK_CARD, "ja", SZ_MARK, false, NOWRAP);
	p.mark_w = lw(p.mark) + 6.0;
	p.mark_h = lh(p.mark) + 2.0;
	pass(&p, false);
	p.pages = p.page;
	memset(p.st, 0, sizeof *p.st);
	pass(&p, true);
	assert(p.page == p.pages); /* both passes break pages alike */
	p.st->pages = p.page;
	cairo_surface_finish(surf);
	cairo_status_t cs = cairo_surface_status(surf);
	if (cs == CAIRO_STATUS_SUCCESS)
		cs = cairo_status(p.cr);
	if (cs != CAIRO_STATUS_SUCCESS) {
		if (out->error && out->error != ENOMEM)
			rc = mdg_err_set(err, MDG_ERR_IO, "cannot write the PDF: %s", strerror(out->error));
		else if (cs == CAIRO_STATUS_NO_MEMORY || out->error == ENOMEM)
			rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		else
			rc = mdg_err_set(err, MDG_ERR_IO, "cairo: %s", cairo_status_to_string(cs));
		goto out;
	}
	p.st->bytes = out->bytes;
out:
	unref(&p.mark);
	g_object_unref(p.pc);
	cairo_destroy(p.cr);
	cairo_surface_destroy(surf);
	qr_free(&p.qr);
	sbuf_wipe(&p.note);
	sbuf_wipe(&p.scratch);
	if (rc)
		memset(p.st, 0, sizeof *p.st);
	return rc;
}

enum mdg_status formpdf_render(const struct form *f, const struct form_values *v,
			       const struct formpdf_opts *o, const char *out_path,
			       struct formpdf_stats *stats, struct mdg_err *err)
{
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (o && o->my_number)
		return mdg_err_set(err, MDG_ERR_STATE,
				   "a PDF with the My Number is never written to a file; print it from memory");
	if (!out_path || !*out_path)
		return mdg_err_set(err, MDG_ERR_INVALID, "no output file for the PDF");
	struct sink s = { .fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) };
	if (s.fd < 0)
		return mdg_err_set(err, MDG_ERR_IO, "cannot create %s: %s", out_path, strerror(errno));
	enum mdg_status rc = render(f, v, o, &s, stats, err);
	if (close(s.fd) != 0 && !rc)
		rc = mdg_err_set(err, MDG_ERR_IO, "cannot write %s: %s", out_path, strerror(errno));
	if (rc) {
		unlink(out_path);
		if (stats)
			memset(stats, 0, sizeof *stats);
	}
	return rc;
}

enum mdg_status formpdf_render_mem(const struct form *f, const struct form_values *v,
				   const struct formpdf_opts *o, struct formpdf_buf *out,
				   struct formpdf_stats *stats, struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	struct sink s = { .fd = -1, .buf = out };
	enum mdg_status rc = render(f, v, o, &s, stats, err);
	if (rc)
		formpdf_buf_free(out);
	return rc;
}

void formpdf_buf_free(struct formpdf_buf *b)
{
	if (!b)
		return;
	if (b->data) {
		secure_wipe(b->data, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof *b);
}
