/* SPDX-License-Identifier: MIT */
/* draw: everything screens put on the terminal, width-safe: text is sanitised and measured by
 * core/text (never split a wide character, never count bytes as columns), boxes use the
 * terminal's line drawing (WACS), big digits and QR modules are reverse-video spaces (no
 * East-Asian-ambiguous glyph anywhere). Screens call these, never curses. Coordinates are
 * 0-based rows and columns; anything outside the screen is clipped. */
#ifndef MDG_UI_DRAW_H
#define MDG_UI_DRAW_H

#include <stdbool.h>

#include "print/qr.h"

/* What a piece of text is, not its colour: the theme decides how it looks, and nothing is
 * told by colour alone (a focused button is also boxed in bold, a warning also says so). */
enum ui_attr {
	UA_NORMAL,
	UA_TITLE,     /* headings: bold */
	UA_BUTTON,    /* a button's face */
	UA_FOCUS,     /* the focused or pressed button: reverse */
	UA_WARN,      /* warnings: bold, and a warning colour where there are colours */
	UA_OK,        /* confirmations */
	UA_MUTED,     /* secondary text (still readable: no dim grey on black) */
	UA_INVERSE,   /* big digits and dark QR modules */
	UA_MARK,      /* a marked character (one the terminal cannot show): reverse + bold */
	UA_QR_LIGHT,  /* QR light modules: white in every theme (scanners want dark on light) */
	UA_QR_DARK,   /* QR dark modules: black in every theme */
};

/* Sets up the colour pairs of a theme (term_open calls it). theme: enum term_theme. */
void draw_theme(int theme, bool colours);

/* Clears the whole screen (into the background of the theme). */
void draw_clear(void);

/* Writes s (UTF-8; sanitised here) at y, x, cut to cols columns; returns the columns used. */
int draw_text(int y, int x, int cols, const char *s, enum ui_attr a);

/* True when every character of s is in JIS X 0208: what the forms, the printers and most
 * terminal fonts show. Others (𠮷, 髙, 﨑, ...) are marked for staff to check. */
bool draw_plain_jis(const char *s);

/* draw_text with each character outside JIS X 0208 in UA_MARK, the rest in a; returns the
 * columns used. */
int draw_text_marked(int y, int x, int w, const char *s, enum ui_attr a);

/* The same, centred in cols columns starting at x. */
int draw_text_center(int y, int x, int cols, const char *s, enum ui_attr a);

/* Writes s wrapped into a box of cols x rows (breaking at spaces where it can, else between
 * characters, never inside one); returns the rows used (rows+1 when it did not fit). */
int draw_wrap(int y, int x, int cols, int rows, const char *s, enum ui_attr a);

/* The rows s needs when wrapped to cols columns. */
int draw_wrap_rows(const char *s, int cols);

/* A box with line-drawing borders (bold for UA_FOCUS), h rows by w columns. */
void draw_box(int y, int x, int h, int w, enum ui_attr a);

/* Fills h x w cells with spaces in attribute a. */
void draw_fill(int y, int x, int h, int w, enum ui_attr a);

/* Big characters (digits, A-Z, '-', ':', ' '), 5 rows tall, each pixel two columns wide; returns
 * the width drawn. draw_big_width says how wide it would be. Other characters are skipped. */
int draw_big(int y, int x, const char *s, enum ui_attr a);
int draw_big_width(const char *s);

/* The QR matrix with a quiet zone of quiet modules, each module two columns by one row (dark
 * modules reverse video). Returns false (drawing nothing) when it does not fit in h x w. */
bool draw_qr(int y, int x, int h, int w, const struct qr_matrix *q, int quiet);

/* Sends the drawing to the terminal. */
void draw_flush(void);

/* Reads row y back as UTF-8 (for screen tests): at most size bytes, trailing spaces kept. With
 * shapes, the blank cells of big characters and of dark QR modules read as '#', so that a test
 * sees them. */
void draw_read_row(int y, char *out, int size, bool shapes);

/* The screen's size. */
int draw_cols(void);
int draw_rows(void);

#endif
