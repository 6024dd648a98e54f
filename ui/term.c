/* SPDX-License-Identifier: MIT */
/* term: curses set-up and teardown, and the terminal's restoration on every exit path. */
#include "ui/term.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/text.h"
#include "ui/draw.h"

struct term {
	SCREEN *scr;
	FILE *in, *out;
	int in_fd, out_fd;
	struct term_opts o;
	int cols, rows;
};

/* The one terminal of the process, for the exit and signal paths. */
static struct term *current;
static struct termios saved_tio;
static int saved_fd = -1;
static volatile sig_atomic_t pending_signal;

/* Mouse reporting off, cursor on, alternate screen left, attributes reset: written with
 * write(2) so that a fatal signal handler can use it. */
static const char RESET_SEQ[] = "\033[?1006l\033[?1002l\033[?1000l\033[?25h\033[0m\033[?1049l";

static void raw_restore(void)
{
	if (saved_fd < 0)
		return;
	ssize_t w = write(saved_fd, RESET_SEQ, sizeof RESET_SEQ - 1);
	(void)w;
	tcsetattr(saved_fd, TCSAFLUSH, &saved_tio);
}

static void on_fatal(int sig)
{
	raw_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_soft(int sig)
{
	pending_signal = sig;
}

static void at_exit(void)
{
	term_close(&current);
}

int term_take_signal(void)
{
	int s = pending_signal;
	pending_signal = 0;
	return s;
}

static void install_handlers(bool kiosk)
{
	static bool registered;
	if (!registered) {
		atexit(at_exit);
		registered = true;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_soft;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!kiosk) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
	}
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	/* A kiosk is not stopped from its own keyboard; job control stays off. */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGTTIN, &sa, NULL);
	sigaction(SIGTTOU, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
}

enum mdg_status term_open(const struct term_opts *o, struct term **out, struct mdg_err *err)
{
	*out = NULL;
	if (current)
		return mdg_err_set(err, MDG_ERR_STATE, "a terminal is already open");
	if (!text_locale_is_utf8())
		return mdg_err_set(err, MDG_ERR_INVALID,
				   "the screens need a UTF-8 locale (set LANG=C.UTF-8 or ja_JP.UTF-8)");
	int in_fd = o->in_fd >= 0 ? o->in_fd : STDIN_FILENO;
	int out_fd = o->out_fd >= 0 ? o->out_fd : STDOUT_FILENO;
	if (!isatty(in_fd) || !isatty(out_fd))
		return mdg_err_set(err, MDG_ERR_INVALID, "the screens need a terminal");
	struct term *t = calloc(1, sizeof *t);
	if (!t)
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	t->o = *o;
	t->in_fd = in_fd;
	t->out_fd = out_fd;
	int a = dup(in_fd), b = dup(out_fd);
	t->in = a >= 0 ? fdopen(a, "r") : NULL;
	t->out = b >= 0 ? fdopen(b, "w") : NULL;
	if (!t->in || !t->out) {
		enum mdg_status rc = mdg_err_set(err, MDG_ERR_IO, "terminal: %s", strerror(errno));
		if (t->in)
			fclose(t->in);
		else if (a >= 0)
			close(a);
		if (t->out)
			fclose(t->out);
		else if (b >= 0)
			close(b);
		free(t);
		return rc;
	}
	if (tcgetattr(out_fd, &saved_tio) == 0)
		saved_fd = out_fd;
	const char *name = o->term_name ? o->term_name : getenv("TERM");
	t->scr = newterm(name, t->out, t->in);
	if (!t->scr) {
		fclose(t->in);
		fclose(t->out);
		free(t);
		saved_fd = -1;
		return mdg_err_set(err, MDG_ERR_IO, "terminal type '%s' is unknown to terminfo",
				   name ? name : "(unset)");
	}
	set_term(t->scr);
	current = t;
	if (o->kiosk)
		raw();
	else
		cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED, NULL);
	mouseinterval(0);
	draw_theme(o->theme, has_colors());
	install_handlers(o->kiosk);
	t->cols = COLS;
	t->rows = LINES;
	*out = t;
	return MDG_OK;
}

void term_close(struct term **pp)
{
	if (!pp || !*pp)
		return;
	struct term *t = *pp;
	set_term(t->scr);
	mousemask(0, NULL);
	erase();
	refresh();
	endwin();
	delscreen(t->scr);
	raw_restore();
	saved_fd = -1;
	fclose(t->in);
	fclose(t->out);
	if (current == t)
		current = NULL;
	free(t);
	*pp = NULL;
}

int term_cols(const struct term *t)
{
	return t->cols;
}

int term_rows(const struct term *t)
{
	return t->rows;
}

bool term_too_small(const struct term *t)
{
	return t->cols < t->o.min_cols || t->rows < t->o.min_rows;
}

int term_in_fd(const struct term *t)
{
	return t->in_fd;
}

void term_resized(struct term *t)
{
	t->cols = COLS;
	t->rows = LINES;
}
