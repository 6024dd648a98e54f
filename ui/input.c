/* SPDX-License-Identifier: MIT */
/* input: curses' get_wch turned into events, with the scanner-burst and touch-tap logic. */
#include "ui/input.h"

#include <curses.h>
#include <string.h>
#include <time.h>

#include "ui/term.h"

/* Characters held back while deciding whether they are a scan; replayed one by one when not. */
static struct {
	uint32_t held[UI_SCAN_MAX];
	int n_held, next_held;
	struct ui_event after;       /* the event that ended a burst, delivered after the held */
	int have_after;
	int press_y, press_x, pressed;
} in;

static bool scan_off;

void input_set_scan(bool on)
{
	scan_off = !on;
}

bool input_pending(void)
{
	return in.next_held < in.n_held || in.have_after;
}

void input_reset(void)
{
	memset(&in, 0, sizeof in);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int map_key(int k)
{
	switch (k) {
	case KEY_ENTER: return UK_ENTER;
	case KEY_BACKSPACE: return UK_BACKSPACE;
	case KEY_DC: return UK_DELETE;
	case KEY_BTAB: return UK_BTAB;
	case KEY_UP: return UK_UP;
	case KEY_DOWN: return UK_DOWN;
	case KEY_LEFT: return UK_LEFT;
	case KEY_RIGHT: return UK_RIGHT;
	case KEY_HOME: return UK_HOME;
	case KEY_END: return UK_END;
	case KEY_PPAGE: return UK_PGUP;
	case KEY_NPAGE: return UK_PGDN;
	default:
		if (k >= KEY_F(1) && k <= KEY_F(12))
			return UK_F1 + (k - KEY_F(1));
		return UK_OTHER;
	}
}

/* One raw event from curses (no scanner logic). */
static void raw_next(int timeout_ms, struct ui_event *ev)
{
	memset(ev, 0, sizeof *ev);
	for (;;) {
		int sig = term_take_signal();
		if (sig) {
			ev->type = UE_SIGNAL;
			ev->sig = sig;
			return;
		}
		timeout(timeout_ms);
		wint_t wc;
		int rc = get_wch(&wc);
		if (rc == ERR) {
			sig = term_take_signal();
			if (sig) {
				ev->type = UE_SIGNAL;
				ev->sig = sig;
			} else {
				ev->type = UE_TIMEOUT;
			}
			return;
		}
		if (rc == KEY_CODE_YES) {
			if (wc == KEY_RESIZE) {
				ev->type = UE_RESIZE;
				return;
			}
			if (wc == KEY_MOUSE) {
				MEVENT me;
				if (getmouse(&me) != OK)
					continue;
				if (me.bstate & BUTTON1_PRESSED) {
					in.pressed = 1;
					in.press_y = me.y;
					in.press_x = me.x;
				}
				if (me.bstate & (BUTTON1_RELEASED | BUTTON1_CLICKED)) {
					ev->type = UE_TAP;
					ev->y = me.y;
					ev->x = me.x;
					ev->y0 = in.pressed ? in.press_y : me.y;
					ev->x0 = in.pressed ? in.press_x : me.x;
					in.pressed = 0;
					return;
				}
				continue; /* a press alone is not an event yet */
			}
			ev->type = UE_KEY;
			ev->key = map_key((int)wc);
			return;
		}
		/* a character */
		if (wc == '\r' || wc == '\n') {
			ev->type = UE_KEY;
			ev->key = UK_ENTER;
		} else if (wc == 27) {
			ev->type = UE_KEY;
			ev->key = UK_ESC;
		} else if (wc == 127 || wc == 8) {
			ev->type = UE_KEY;
			ev->key = UK_BACKSPACE;
		} else if (wc == '\t') {
			ev->type = UE_KEY;
			ev->key = UK_TAB;
		} else if (wc < 32) {
			ev->type = UE_KEY;
			ev->key = UK_CTRL;
			ev->ch = (uint32_t)('a' + wc - 1);
		} else if (wc >= 0x7F && wc < 0xA0) {
			continue; /* C1 controls */
		} else {
			ev->type = UE_CHAR;
			ev->ch = (uint32_t)wc;
		}
		return;
	}
}

static bool scannable(const struct ui_event *ev)
{
	return ev->type == UE_CHAR && ev->ch > 32 && ev->ch < 127;
}

void input_next(int timeout_ms, struct ui_event *ev)
{
	/* Replay what a burst that was not a scan held back. */
	if (in.next_held < in.n_held) {
		memset(ev, 0, sizeof *ev);
		ev->type = UE_CHAR;
		ev->ch = in.held[in.next_held++];
		return;
	}
	in.n_held = in.next_held = 0;
	if (in.have_after) {
		*ev = in.after;
		in.have_after = 0;
		return;
	}
	raw_next(timeout_ms, ev);
	if (scan_off || !scannable(ev))
		return;
	/* A printable ASCII character: collect what follows within the scanner's gap. */
	in.held[in.n_held++] = ev->ch;
	long long last = now_ms();
	for (;;) {
		struct ui_event nx;
		raw_next(UI_SCAN_GAP_MS, &nx);
		long long t = now_ms();
		if (nx.type == UE_TIMEOUT || t - last > UI_SCAN_GAP_MS) {
			if (nx.type != UE_TIMEOUT) {
				in.after = nx;
				in.have_after = 1;
			}
			break;
		}
		last = t;
		if (scannable(&nx) && in.n_held < UI_SCAN_MAX - 1) {
			in.held[in.n_held++] = nx.ch;
			continue;
		}
		if (nx.type == UE_KEY && nx.key == UK_ENTER && in.n_held >= UI_SCAN_MIN_LEN) {
			memset(ev, 0, sizeof *ev);
			ev->type = UE_SCAN;
			for (int i = 0; i < in.n_held; i++)
				ev->text[i] = (char)in.held[i];
			ev->text[in.n_held] = '\0';
			in.n_held = 0;
			return;
		}
		in.after = nx;
		in.have_after = 1;
		break;
	}
	/* Not a scan: the held characters come out one by one, then what ended the burst. */
	*ev = (struct ui_event){ .type = UE_CHAR, .ch = in.held[0] };
	in.next_held = 1;
}
