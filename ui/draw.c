/* SPDX-License-Identifier: MIT */
/* draw: width-safe text, boxes, big characters and QR modules on curses' standard screen. */
#include "ui/draw.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/text.h"
#include "print/escpos.h"
#include "secure/mem.h"
#include "ui/term.h"

#define TEXT_MAX 4096

static attr_t attrs[UA_QR_DARK + 1];

void draw_theme(int theme, bool colours)
{
	static const attr_t mono[] = {
		[UA_NORMAL] = A_NORMAL, [UA_TITLE] = A_BOLD, [UA_BUTTON] = A_NORMAL,
		[UA_FOCUS] = A_REVERSE | A_BOLD, [UA_WARN] = A_BOLD | A_UNDERLINE, [UA_OK] = A_BOLD,
		[UA_MUTED] = A_NORMAL, [UA_INVERSE] = A_REVERSE, [UA_MARK] = A_REVERSE | A_BOLD,
		[UA_QR_LIGHT] = A_REVERSE, [UA_QR_DARK] = A_NORMAL,
	};
	memcpy(attrs, mono, sizeof attrs);
	if (!colours || start_color() != OK)
		return;
	bool dark = theme == TERM_THEME_DARK;
	/* pair: fg, bg, extra attributes */
	static const struct {
		enum ui_attr a;
		short fg_dark, bg_dark, fg_light, bg_light;
		attr_t extra;
	} pairs[] = {
		{ UA_NORMAL, COLOR_WHITE, COLOR_BLACK, COLOR_BLACK, COLOR_WHITE, A_NORMAL },
		{ UA_TITLE, COLOR_YELLOW, COLOR_BLACK, COLOR_BLUE, COLOR_WHITE, A_BOLD },
		{ UA_BUTTON, COLOR_WHITE, COLOR_BLUE, COLOR_WHITE, COLOR_BLUE, A_BOLD },
		{ UA_FOCUS, COLOR_BLACK, COLOR_YELLOW, COLOR_BLACK, COLOR_YELLOW, A_BOLD },
		{ UA_WARN, COLOR_BLACK, COLOR_YELLOW, COLOR_WHITE, COLOR_RED, A_BOLD },
		{ UA_OK, COLOR_BLACK, COLOR_GREEN, COLOR_WHITE, COLOR_GREEN, A_BOLD },
		{ UA_MUTED, COLOR_CYAN, COLOR_BLACK, COLOR_BLUE, COLOR_WHITE, A_NORMAL },
		{ UA_INVERSE, COLOR_BLACK, COLOR_WHITE, COLOR_WHITE, COLOR_BLACK, A_NORMAL },
		{ UA_MARK, COLOR_BLACK, COLOR_MAGENTA, COLOR_WHITE, COLOR_MAGENTA, A_BOLD },
		{ UA_QR_LIGHT, COLOR_BLACK, COLOR_WHITE, COLOR_BLACK, COLOR_WHITE, A_NORMAL },
		{ UA_QR_DARK, COLOR_WHITE, COLOR_BLACK, COLOR_WHITE, COLOR_BLACK, A_NORMAL },
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		short n = (short)(i + 1);
		init_pair(n, dark ? pairs[i].fg_dark : pairs[i].fg_light,
			  dark ? pairs[i].bg_dark : pairs[i].bg_light);
		attrs[pairs[i].a] = COLOR_PAIR(n) | pairs[i].extra;
	}
	bkgdset(' ' | attrs[UA_NORMAL]);
}

int draw_cols(void)
{
	return COLS;
}

int draw_rows(void)
{
	return LINES;
}

void draw_clear(void)
{
	erase();
}

/* Writes the whole characters of s (sanitised, already cut) at y, x. */
static void put_utf8(int y, int x, const char *s, enum ui_attr a)
{
	wchar_t w[TEXT_MAX];
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = mbsrtowcs(w, &s, TEXT_MAX - 1, &st);
	if (n == (size_t)-1)
		return; /* cannot happen after text_sanitize in a UTF-8 locale */
	w[n] = L'\0';
	attron(attrs[a]);
	mvaddnwstr(y, x, w, (int)n);
	attroff(attrs[a]);
}

int draw_text(int y, int x, int cols, const char *s, enum ui_attr a)
{
	if (y < 0 || y >= LINES || x >= COLS || cols <= 0 || !s)
		return 0;
	if (x < 0) {
		cols += x;
		x = 0;
	}
	if (x + cols > COLS)
		cols = COLS - x;
	char clean[TEXT_MAX], fit[TEXT_MAX];
	text_sanitize(s, clean, sizeof clean);
	int used = text_fit(clean, cols, false, fit, sizeof fit);
	put_utf8(y, x, fit, a);
	return used;
}

int draw_text_center(int y, int x, int cols, const char *s, enum ui_attr a)
{
	char clean[TEXT_MAX];
	text_sanitize(s ? s : "", clean, sizeof clean);
	int w = text_width(clean);
	int off = w < cols ? (cols - w) / 2 : 0;
	return draw_text(y, x + off, cols - off, clean, a);
}

/* The next line of s for cols columns: its byte length in *len, where the rest starts in
 * *next (after a space it broke at). */
static void next_line(const char *s, int cols, size_t *len, const char **next)
{
	char fit[TEXT_MAX];
	text_fit(s, cols, false, fit, sizeof fit);
	size_t n = strlen(fit), nl = strcspn(fit, "\n");
	if (nl < n) { /* an explicit line break */
		*len = nl;
		*next = s + nl + 1;
		return;
	}
	if (s[n] == '\0' || n == 0) {
		*len = n ? n : strlen(s) ? 1 : 0;
		*next = s + *len;
		return;
	}
	/* Break at the last space when there is one in the line, else between characters. */
	const char *sp = NULL;
	for (size_t i = 0; i < n; i++)
		if (fit[i] == ' ')
			sp = s + i;
	if (s[n] == ' ') {
		*len = n;
		*next = s + n + 1;
	} else if (sp && sp > s) {
		*len = (size_t)(sp - s);
		*next = sp + 1;
	} else {
		*len = n;
		*next = s + n;
	}
}

int draw_wrap_rows(const char *s, int cols)
{
	char clean[TEXT_MAX];
	text_sanitize(s ? s : "", clean, sizeof clean);
	int rows = 0;
	for (const char *p = clean; *p && cols > 0; rows++) {
		size_t len;
		const char *next;
		next_line(p, cols, &len, &next);
		p = next;
	}
	return rows;
}

int draw_wrap(int y, int x, int cols, int rows, const char *s, enum ui_attr a)
{
	char clean[TEXT_MAX], line[TEXT_MAX];
	text_sanitize(s ? s : "", clean, sizeof clean);
	int r = 0;
	for (const char *p = clean; *p && cols > 0; r++) {
		size_t len;
		const char *next;
		next_line(p, cols, &len, &next);
		if (r >= rows)
			return rows + 1;
		memcpy(line, p, len);
		line[len] = '\0';
		draw_text(y + r, x, cols, line, a);
		p = next;
	}
	return r;
}

void draw_box(int y, int x, int h, int w, enum ui_attr a)
{
	if (h < 2 || w < 2)
		return;
	attr_t at = a == UA_FOCUS ? attrs[UA_TITLE] | A_BOLD : attrs[a == UA_BUTTON ? UA_NORMAL : a];
	attron(at);
	mvhline_set(y, x + 1, WACS_HLINE, w - 2);
	mvhline_set(y + h - 1, x + 1, WACS_HLINE, w - 2);
	mvvline_set(y + 1, x, WACS_VLINE, h - 2);
	mvvline_set(y + 1, x + w - 1, WACS_VLINE, h - 2);
	mvadd_wch(y, x, WACS_ULCORNER);
	mvadd_wch(y, x + w - 1, WACS_URCORNER);
	mvadd_wch(y + h - 1, x, WACS_LLCORNER);
	mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
	attroff(at);
}

void draw_fill(int y, int x, int h, int w, enum ui_attr a)
{
	attron(attrs[a]);
	for (int r = 0; r < h; r++)
		if (y + r >= 0 && y + r < LINES && w > 0)
			mvhline(y + r, x < 0 ? 0 : x, ' ', x + w > COLS ? COLS - (x < 0 ? 0 : x) : w);
	attroff(attrs[a]);
}

/* 5x5 glyphs: '#' is a pixel. */
static const struct {
	char c;
	const char *rows[5];
} glyphs[] = {
	{ '0', { "#####", "#   #", "#   #", "#   #", "#####" } },
	{ '1', { "  #  ", " ##  ", "  #  ", "  #  ", " ### " } },
	{ '2', { "#####", "    #", "#####", "#    ", "#####" } },
	{ '3', { "#####", "    #", " ####", "    #", "#####" } },
	{ '4', { "#   #", "#   #", "#####", "    #", "    #" } },
	{ '5', { "#####", "#    ", "#####", "    #", "#####" } },
	{ '6', { "#####", "#    ", "#####", "#   #", "#####" } },
	{ '7', { "#####", "    #", "   # ", "  #  ", "  #  " } },
	{ '8', { "#####", "#   #", "#####", "#   #", "#####" } },
	{ '9', { "#####", "#   #", "#####", "    #", "#####" } },
	{ '-', { "     ", "     ", " ### ", "     ", "     " } },
	{ ':', { "     ", "  #  ", "     ", "  #  ", "     " } },
	{ ' ', { "     ", "     ", "     ", "     ", "     " } },
	{ 'A', { " ### ", "#   #", "#####", "#   #", "#   #" } },
	{ 'B', { "#### ", "#   #", "#### ", "#   #", "#### " } },
	{ 'C', { " ####", "#    ", "#    ", "#    ", " ####" } },
	{ 'D', { "#### ", "#   #", "#   #", "#   #", "#### " } },
	{ 'E', { "#####", "#    ", "#### ", "#    ", "#####" } },
	{ 'F', { "#####", "#    ", "#### ", "#    ", "#    " } },
	{ 'G', { " ####", "#    ", "#  ##", "#   #", " ####" } },
	{ 'H', { "#   #", "#   #", "#####", "#   #", "#   #" } },
	{ 'I', { " ### ", "  #  ", "  #  ", "  #  ", " ### " } },
	{ 'J', { "  ###", "   # ", "   # ", "#  # ", " ##  " } },
	{ 'K', { "#   #", "#  # ", "###  ", "#  # ", "#   #" } },
	{ 'L', { "#    ", "#    ", "#    ", "#    ", "#####" } },
	{ 'M', { "#   #", "## ##", "# # #", "#   #", "#   #" } },
	{ 'N', { "#   #", "##  #", "# # #", "#  ##", "#   #" } },
	{ 'O', { " ### ", "#   #", "#   #", "#   #", " ### " } },
	{ 'P', { "#### ", "#   #", "#### ", "#    ", "#    " } },
	{ 'Q', { " ### ", "#   #", "# # #", "#  # ", " ## #" } },
	{ 'R', { "#### ", "#   #", "#### ", "#  # ", "#   #" } },
	{ 'S', { " ####", "#    ", " ### ", "    #", "#### " } },
	{ 'T', { "#####", "  #  ", "  #  ", "  #  ", "  #  " } },
	{ 'U', { "#   #", "#   #", "#   #", "#   #", " ### " } },
	{ 'V', { "#   #", "#   #", "#   #", " # # ", "  #  " } },
	{ 'W', { "#   #", "#   #", "# # #", "## ##", "#   #" } },
	{ 'X', { "#   #", " # # ", "  #  ", " # # ", "#   #" } },
	{ 'Y', { "#   #", " # # ", "  #  ", "  #  ", "  #  " } },
	{ 'Z', { "#####", "   # ", "  #  ", " #   ", "#####" } },
};

static int glyph(char c)
{
	for (size_t i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++)
		if (glyphs[i].c == c)
			return (int)i;
	return -1;
}

/* Each glyph: 5 pixels of two columns, and two columns of space after it. */
int draw_big_width(const char *s)
{
	int w = 0;
	for (; s && *s; s++)
		if (glyph(*s) >= 0)
			w += 12;
	return w > 0 ? w - 2 : 0;
}

int draw_big(int y, int x, const char *s, enum ui_attr a)
{
	int cx = x;
	for (; s && *s; s++) {
		int g = glyph(*s);
		if (g < 0)
			continue;
		for (int r = 0; r < 5; r++)
			for (int c = 0; c < 5; c++)
				if (glyphs[g].rows[r][c] == '#')
					draw_fill(y + r, cx + 2 * c, 1, 2, a);
		cx += 12;
	}
	return cx > x ? cx - x - 2 : 0;
}

bool draw_qr(int y, int x, int h, int w, const struct qr_matrix *q, int quiet)
{
	int side = q->width + 2 * quiet;
	if (side > h || 2 * side > w)
		return false;
	draw_fill(y, x, side, 2 * side, UA_QR_LIGHT); /* the quiet zone and the light modules */
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->dark[r * q->width + c])
				draw_fill(y + quiet + r, x + 2 * (quiet + c), 1, 2, UA_QR_DARK);
	return true;
}

void draw_flush(void)
{
	refresh();
}

void draw_read_row(int y, char *out, int size, bool shapes)
{
	int o = 0;
	out[0] = '\0';
	for (int x = 0; x < COLS; x++) {
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t at;
		short pair;
		if (mvin_wch(y, x, &cc) == ERR || getcchar(&cc, wc, &at, &pair, NULL) == ERR)
			break;
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		wchar_t ch = wc[0] ? wc[0] : L' ';
		attr_t mask = A_COLOR | A_REVERSE;
		if (shapes && ch == L' ' &&
		    (((at | COLOR_PAIR(pair)) & mask) == (attrs[UA_INVERSE] & mask) ||
		     ((at | COLOR_PAIR(pair)) & mask) == (attrs[UA_QR_DARK] & mask)))
			ch = L'#';
		size_t n = wcrtomb(mb, ch, &st);
		if (n == (size_t)-1 || o + (int)n + 1 > size)
			break;
		memcpy(out + o, mb, n);
		o += (int)n;
		if (wcwidth(wc[0]) == 2)
			x++; /* the second cell of a wide character */
	}
	out[o] = '\0';
}

bool draw_plain_jis(const char *s)
{
	unsigned char buf[2048];
	size_t n;
	bool ok = escpos_rom_text(s, buf, sizeof buf, &n);
	secure_wipe(buf, sizeof buf);
	return ok;
}

int draw_text_marked(int y, int x, int w, const char *s, enum ui_attr a)
{
	int used = 0;
	for (const char *p = s; *p && used < w;) {
		int len = 1;
		while (len < 4 && ((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		char one[8];
		memcpy(one, p, (size_t)len);
		one[len] = '\0';
		used += draw_text(y, x + used, w - used, one, draw_plain_jis(one) ? a : UA_MARK);
		p += len;
	}
	return used;
}
