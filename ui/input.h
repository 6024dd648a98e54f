/* SPDX-License-Identifier: MIT */
/* input: what the person at the terminal does, as events: keys (also IME text, which arrives
 * as UTF-8 characters), touch taps (a press and a release; the screen decides whether both were
 * over the same widget, as touch panels report long presses rather than clicks), a barcode
 * scanner's burst (printable characters faster than a person types, ending in Enter: one SCAN
 * event with the text), terminal resizes, and the soft signals term.h keeps for the screen. */
#ifndef MDG_UI_INPUT_H
#define MDG_UI_INPUT_H

#include <stdbool.h>
#include <stdint.h>

enum ui_ev {
	UE_TIMEOUT,   /* nothing within the time asked for */
	UE_CHAR,      /* ch: a printable character (Unicode) */
	UE_KEY,       /* key: enum ui_key */
	UE_TAP,       /* y, x where the touch ended; y0, x0 where it began */
	UE_SCAN,      /* text: what a scanner typed (without the Enter) */
	UE_RESIZE,    /* the terminal changed size (already applied) */
	UE_SIGNAL,    /* sig: SIGTERM, SIGHUP, ... (see term_take_signal) */
};

enum ui_key {
	UK_ENTER = 1, UK_ESC, UK_BACKSPACE, UK_DELETE, UK_TAB, UK_BTAB,
	UK_UP, UK_DOWN, UK_LEFT, UK_RIGHT, UK_HOME, UK_END, UK_PGUP, UK_PGDN,
	UK_F1, UK_F2, UK_F3, UK_F4, UK_F5, UK_F6, UK_F7, UK_F8, UK_F9, UK_F10, UK_F11, UK_F12,
	UK_CTRL,      /* a control character: ch holds its letter ('c' for Ctrl-C) */
	UK_OTHER,     /* a key nothing uses */
};

#define UI_SCAN_MAX 256

struct ui_event {
	enum ui_ev type;
	int key;                  /* UE_KEY */
	uint32_t ch;              /* UE_CHAR; UE_KEY with UK_CTRL */
	int y, x, y0, x0;         /* UE_TAP */
	int sig;                  /* UE_SIGNAL */
	char text[UI_SCAN_MAX];   /* UE_SCAN, NUL-terminated */
};

/* Timing of the scanner heuristic: characters closer than gap_ms, at least min_len of them,
 * then Enter. Scanners type a character every 1 to 10 ms; people, 80 ms and more. */
#define UI_SCAN_GAP_MS 35
#define UI_SCAN_MIN_LEN 6

/* Turns the scanner heuristic on or off (default on). Off, every character is delivered at
 * once: screens that never take a scan (the kiosk) answer keys without the gap's delay. */
void input_set_scan(bool on);

/* Waits up to timeout_ms (-1: forever) for the next event and fills ev. */
void input_next(int timeout_ms, struct ui_event *ev);

/* True when characters held back by the scanner heuristic are still to be delivered (the next
 * input_next returns at once). */
bool input_pending(void);

/* Forgets characters held back by the scanner heuristic and the start of a touch. */
void input_reset(void);

#endif
