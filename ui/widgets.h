/* SPDX-License-Identifier: MIT */
/* widgets: the few controls the screens are made of, drawn with ui/draw and driven by
 * ui/input events: a grid of numbered buttons (tall touch targets; number keys, arrows and
 * Enter; a tap counts when it starts and ends on the same button), a PIN pad (digits never
 * shown), a one-line text field with UTF-8 editing, and a message dialog. No widget keeps a
 * pointer to a screen's data beyond the call, except the text and PIN buffers it edits. */
#ifndef MDG_UI_WIDGETS_H
#define MDG_UI_WIDGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/input.h"

struct ui_rect {
	int y, x, h, w;
};

bool ui_rect_hit(const struct ui_rect *r, int y, int x);

struct ui_button {
	const char *label;        /* borrowed, UTF-8 */
	const char *detail;       /* a second line, or NULL */
	int hotkey;               /* the digit shown and accepted ('1'..'9', '0'), or 0 for none */
	bool disabled;
	struct ui_rect r;         /* set by widget_buttons_layout */
};

/* Lays n buttons out in area: cols per row, rows of equal height (at least 3 rows each, a
 * blank row between rows); hotkeys are numbered from first_hotkey ('1') when 0 is given. */
void widget_buttons_layout(struct ui_button *b, size_t n, struct ui_rect area, int cols);

/* Draws the buttons; focus (-1: none) is shown reversed and bold-boxed. */
void widget_buttons_draw(const struct ui_button *b, size_t n, int focus);

/* Handles an event for a button set: a hotkey or a tap (begun and ended on the same button)
 * chooses at once; arrows and Tab move *focus; Enter chooses the focused one. Returns the index
 * chosen, or -1 (the event may still have moved the focus: *redraw tells). */
int widget_buttons_event(const struct ui_button *b, size_t n, int cols, const struct ui_event *ev,
			 int *focus, bool *redraw);

/* A PIN pad: digits 0-9, "訂正" (clear one) and "決定" (done) as touch keys; the number keys of
 * the keyboard work too. The digits go into buf (the caller's locked memory, cap bytes); only
 * as many ＊ as digits are drawn. */
struct ui_pinpad {
	char *buf;
	size_t len, cap, min_len;
	struct ui_button keys[12];
	const char *label_clear, *label_done; /* borrowed, translated */
};

enum pinpad_result { PINPAD_NONE, PINPAD_CHANGED, PINPAD_DONE };

void widget_pinpad_layout(struct ui_pinpad *p, struct ui_rect area);
void widget_pinpad_draw(const struct ui_pinpad *p, int y, int x, int w);
enum pinpad_result widget_pinpad_event(struct ui_pinpad *p, const struct ui_event *ev);

/* A one-line text field editing UTF-8 in buf (cap bytes): characters are inserted at the end,
 * Backspace removes the last whole character. max_chars limits its length. */
struct ui_field {
	char *buf;
	size_t cap;
	int max_chars;
};

/* Returns true when the event changed the text. */
bool widget_field_event(struct ui_field *f, const struct ui_event *ev);
void widget_field_draw(const struct ui_field *f, struct ui_rect r, bool focus);

/* A framed message in the middle of the screen: title, message (wrapped), and its buttons laid
 * out along the bottom of the frame (their rects are set for hit tests). */
void widget_dialog(const char *title, const char *message, struct ui_button *b, size_t n,
		   int focus);

#endif
