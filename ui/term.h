/* SPDX-License-Identifier: MIT */
/* term: the terminal a screen runs on: refuses to start without a UTF-8 locale, opens curses
 * with newterm on the real terminal or on given descriptors (a pty in tests), raw mode (in
 * kiosk mode Ctrl-C, Ctrl-Z and Ctrl-\ are keys, not signals), no echo, no cursor, the keypad,
 * SGR mouse reports (press and release, for touch taps), colours with a high-contrast theme,
 * and restores the terminal on every exit path: term_close, exit(), and the fatal signals.
 * One terminal per process. The only other curses users are ui/draw.c and ui/input.c. */
#ifndef MDG_UI_TERM_H
#define MDG_UI_TERM_H

#include <stdbool.h>

#include "core/status.h"

struct term;

enum term_theme {
	TERM_THEME_DARK,      /* white and yellow on black: the default for kiosks */
	TERM_THEME_LIGHT,     /* black on white */
};

struct term_opts {
	int in_fd, out_fd;        /* the terminal's descriptors; -1 for both: stdin and stdout */
	const char *term_name;    /* terminfo name; NULL: $TERM */
	bool kiosk;               /* raw mode: interrupt, suspend and quit keys are plain keys */
	enum term_theme theme;
	int min_cols, min_rows;   /* below this size screens show "please enlarge" */
};

/* Opens the terminal. MDG_ERR_INVALID when the locale is not UTF-8 (with what to set) or the
 * descriptors are not a terminal; MDG_ERR_IO when curses cannot start (unknown $TERM).
 * *out: term_close. */
enum mdg_status term_open(const struct term_opts *o, struct term **out, struct mdg_err *err);

/* Restores the terminal (cursor, echo, modes, mouse reporting off, screen cleared) and frees
 * curses' screen. NULL-safe; clears the pointer. Also done at exit and on fatal signals. */
void term_close(struct term **pp);

/* The size now (updated on resize). */
int term_cols(const struct term *t);
int term_rows(const struct term *t);

/* True when the terminal is smaller than the minimum the options asked for. */
bool term_too_small(const struct term *t);

/* SIGTERM, SIGHUP, SIGINT and SIGQUIT (the last two only outside kiosk mode, where they are
 * signals at all) do not end the process: they are remembered, and the input loop hands them to
 * the screen as an event, so that card data are wiped before the exit. Returns the signal
 * number and forgets it, or 0. */
int term_take_signal(void);

/* The read end's descriptor (input polls it). */
int term_in_fd(const struct term *t);

/* Re-reads the size after a resize event (curses has already resized its windows). */
void term_resized(struct term *t);

#endif
