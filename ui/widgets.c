/* SPDX-License-Identifier: MIT */
/* widgets: button grids, the PIN pad, a text field and dialogs on ui/draw. */
#include "ui/widgets.h"

#include <string.h>

#include "core/text.h"
#include "ui/draw.h"

bool ui_rect_hit(const struct ui_rect *r, int y, int x)
{
	return y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

void widget_buttons_layout(struct ui_button *b, size_t n, struct ui_rect area, int cols)
{
	if (n == 0 || cols < 1)
		return;
	int rows = (int)((n + (size_t)cols - 1) / (size_t)cols);
	int gap_x = 2, gap_y = 1;
	int w = (area.w - gap_x * (cols - 1)) / cols;
	int h = (area.h - gap_y * (rows - 1)) / rows;
	if (h > 5)
		h = 5; /* tall enough to touch; the rest of the area stays calm */
	if (h < 3)
		h = 3;
	for (size_t i = 0; i < n; i++) {
		int r = (int)i / cols, c = (int)i % cols;
		b[i].r = (struct ui_rect){ area.y + r * (h + gap_y), area.x + c * (w + gap_x), h, w };
	}
}

void widget_buttons_draw(const struct ui_button *b, size_t n, int focus)
{
	for (size_t i = 0; i < n; i++) {
		const struct ui_rect *r = &b[i].r;
		enum ui_attr face = (int)i == focus ? UA_FOCUS : b[i].disabled ? UA_MUTED : UA_BUTTON;
		draw_fill(r->y, r->x, r->h, r->w, face);
		draw_box(r->y, r->x, r->h, r->w, (int)i == focus ? UA_FOCUS : UA_BUTTON);
		int inner = r->w - 4, ty = r->y + (r->h - (b[i].detail ? 2 : 1)) / 2;
		int x = r->x + 2;
		if (b[i].hotkey) {
			char k[4] = { (char)b[i].hotkey, ' ', ' ', '\0' };
			x += draw_text(ty, x, inner, k, face);
			inner -= 3;
		}
		draw_text(ty, x, inner, b[i].label, face);
		if (b[i].detail && r->h >= 4)
			draw_text(ty + 1, x, inner, b[i].detail, face);
	}
}

int widget_buttons_event(const struct ui_button *b, size_t n, int cols, const struct ui_event *ev,
			 int *focus, bool *redraw)
{
	*redraw = false;
	if (n == 0)
		return -1;
	switch (ev->type) {
	case UE_CHAR:
		for (size_t i = 0; i < n; i++)
			if (b[i].hotkey && (uint32_t)b[i].hotkey == ev->ch && !b[i].disabled)
				return (int)i;
		return -1;
	case UE_TAP:
		for (size_t i = 0; i < n; i++)
			if (!b[i].disabled && ui_rect_hit(&b[i].r, ev->y, ev->x) &&
			    ui_rect_hit(&b[i].r, ev->y0, ev->x0))
				return (int)i;
		return -1;
	case UE_KEY: {
		int f = *focus < 0 ? 0 : *focus;
		switch (ev->key) {
		case UK_ENTER:
			if (*focus >= 0 && (size_t)*focus < n && !b[*focus].disabled)
				return *focus;
			return -1;
		case UK_RIGHT: case UK_TAB: f = (f + 1) % (int)n; break;
		case UK_LEFT: case UK_BTAB: f = (f + (int)n - 1) % (int)n; break;
		case UK_DOWN: f = f + cols < (int)n ? f + cols : f; break;
		case UK_UP: f = f - cols >= 0 ? f - cols : f; break;
		default: return -1;
		}
		if (*focus < 0)
			f = 0;
		*redraw = f != *focus;
		*focus = f;
		return -1;
	}
	default:
		return -1;
	}
}

void widget_pinpad_layout(struct ui_pinpad *p, struct ui_rect area)
{
	static const char *const digits[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9" };
	for (int i = 0; i < 9; i++)
		p->keys[i] = (struct ui_button){ .label = digits[i] };
	p->keys[9] = (struct ui_button){ .label = p->label_clear };
	p->keys[10] = (struct ui_button){ .label = "0" };
	p->keys[11] = (struct ui_button){ .label = p->label_done };
	widget_buttons_layout(p->keys, 12, area, 3);
}

void widget_pinpad_draw(const struct ui_pinpad *p, int y, int x, int w)
{
	char shown[64] = "";
	size_t o = 0;
	for (size_t i = 0; i < p->len && o + 4 < sizeof shown; i++) {
		memcpy(shown + o, "＊", 3); /* full width: never ambiguous */
		o += 3;
	}
	shown[o] = '\0';
	draw_fill(y, x, 1, w, UA_NORMAL);
	draw_text_center(y, x, w, shown, UA_TITLE);
	widget_buttons_draw(p->keys, 12, -1);
}

enum pinpad_result widget_pinpad_event(struct ui_pinpad *p, const struct ui_event *ev)
{
	int digit = -1;
	bool clear = false, done = false;
	if (ev->type == UE_CHAR && ev->ch >= '0' && ev->ch <= '9') {
		digit = (int)(ev->ch - '0');
	} else if (ev->type == UE_KEY && ev->key == UK_BACKSPACE) {
		clear = true;
	} else if (ev->type == UE_KEY && ev->key == UK_ENTER) {
		done = true;
	} else if (ev->type == UE_TAP) {
		for (int i = 0; i < 12; i++)
			if (ui_rect_hit(&p->keys[i].r, ev->y, ev->x) &&
			    ui_rect_hit(&p->keys[i].r, ev->y0, ev->x0)) {
				if (i < 9)
					digit = i + 1;
				else if (i == 10)
					digit = 0;
				else if (i == 9)
					clear = true;
				else
					done = true;
			}
	}
	if (digit >= 0) {
		if (p->len + 1 >= p->cap)
			return PINPAD_NONE;
		p->buf[p->len++] = (char)('0' + digit);
		p->buf[p->len] = '\0';
		return PINPAD_CHANGED;
	}
	if (clear && p->len > 0) {
		p->buf[--p->len] = '\0';
		return PINPAD_CHANGED;
	}
	if (done && p->len >= p->min_len)
		return PINPAD_DONE;
	return PINPAD_NONE;
}

/* Bytes of the last UTF-8 character of s[0..n). */
static size_t last_char_len(const char *s, size_t n)
{
	size_t k = n;
	while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	return k > 0 ? n - (k - 1) : n;
}

bool widget_field_event(struct ui_field *f, const struct ui_event *ev)
{
	size_t n = strlen(f->buf);
	if (ev->type == UE_KEY && ev->key == UK_BACKSPACE) {
		if (n == 0)
			return false;
		f->buf[n - last_char_len(f->buf, n)] = '\0';
		return true;
	}
	if (ev->type != UE_CHAR)
		return false;
	char enc[5];
	uint32_t c = ev->ch;
	size_t k;
	if (c < 0x80) {
		enc[0] = (char)c;
		k = 1;
	} else if (c < 0x800) {
		enc[0] = (char)(0xC0 | c >> 6);
		enc[1] = (char)(0x80 | (c & 0x3F));
		k = 2;
	} else if (c < 0x10000) {
		enc[0] = (char)(0xE0 | c >> 12);
		enc[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		enc[2] = (char)(0x80 | (c & 0x3F));
		k = 3;
	} else {
		enc[0] = (char)(0xF0 | c >> 18);
		enc[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		enc[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		enc[3] = (char)(0x80 | (c & 0x3F));
		k = 4;
	}
	enc[k] = '\0';
	if (!text_utf8_valid(enc, k) || n + k + 1 > f->cap)
		return false;
	int chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)f->buf[i] & 0xC0) != 0x80;
	if (f->max_chars && chars >= f->max_chars)
		return false;
	memcpy(f->buf + n, enc, k + 1);
	return true;
}

void widget_field_draw(const struct ui_field *f, struct ui_rect r, bool focus)
{
	draw_box(r.y, r.x, r.h, r.w, focus ? UA_FOCUS : UA_NORMAL);
	draw_fill(r.y + 1, r.x + 1, r.h - 2, r.w - 2, UA_NORMAL);
	/* the end of the text when it is longer than the box */
	const char *s = f->buf;
	int room = r.w - 4;
	while (*s && text_width(s) > room) {
		s++;
		while (((unsigned char)*s & 0xC0) == 0x80)
			s++;
	}
	int used = draw_text(r.y + r.h / 2, r.x + 2, room, s, UA_NORMAL);
	if (focus)
		draw_text(r.y + r.h / 2, r.x + 2 + used, 1, "_", UA_TITLE);
}

void widget_dialog(const char *title, const char *message, struct ui_button *b, size_t n,
		   int focus)
{
	int cols = draw_cols(), rows = draw_rows();
	int w = cols - 8 > 70 ? 70 : cols - 8;
	int text_rows = draw_wrap_rows(message, w - 6);
	int h = text_rows + (n ? 9 : 5);
	if (h > rows - 2)
		h = rows - 2;
	int y = (rows - h) / 2, x = (cols - w) / 2;
	draw_fill(y, x, h, w, UA_NORMAL);
	draw_box(y, x, h, w, UA_FOCUS);
	draw_text_center(y + 1, x + 2, w - 4, title, UA_TITLE);
	draw_wrap(y + 3, x + 3, w - 6, h - (n ? 8 : 4), message, UA_NORMAL);
	if (n) {
		struct ui_rect area = { y + h - 5, x + 3, 4, w - 6 };
		widget_buttons_layout(b, n, area, (int)n);
		widget_buttons_draw(b, n, focus);
	}
}
