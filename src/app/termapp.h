/* SPDX-License-Identifier: MIT */
/* termapp: what a screen command (kiosk, counter) needs around its screens: the site, its
 * terminal of the right role from --terminal or $MADOGUCHI_TERMINAL, the hardened process, the
 * forms, the terminal itself, and the log lines held in memory while curses owns the screen
 * (written out when it is gone). One place builds these and one place tears them down. */
#ifndef MDG_APP_TERMAPP_H
#define MDG_APP_TERMAPP_H

#include <stdbool.h>

#include "app/cli.h"
#include "app/forms.h"
#include "app/site.h"
#include "ui/term.h"

struct termapp {
	struct site site;
	const struct mdg_terminal *term;   /* this terminal in the site file (borrowed from site) */
	struct form_set forms;
	struct term *t;
	bool hold_log;                     /* log lines wait in memory until termapp_close */
};

/* Opens everything for a terminal of role (what names it in messages: "kiosk", "counter"),
 * with the terminal options o (descriptors, theme, minimum size). On failure everything is
 * released (held log lines are written to stderr) and the error returned. */
enum mdg_status termapp_open(const struct cli_call *call, enum mdg_terminal_role role,
			     const char *what, const struct term_opts *o, struct termapp *a,
			     struct mdg_err *err);

/* Restores the terminal, writes the held log lines, frees the forms and closes the site.
 * NULL-safe and idempotent. */
void termapp_close(struct termapp *a);

#endif
