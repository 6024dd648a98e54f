/* SPDX-License-Identifier: MIT */
/* ptyscreen: what every screen test needs: a pty of 80x24 with the real ui/term on it, keys
 * typed at a person's pace (or a scanner's burst), stepping the screen until it is quiet, and
 * the screen read back and compared with a golden file under tests/golden/<dir>/
 * (UPDATE_GOLDEN=1 writes them instead: regenerate only on purpose, and read the diff).
 * Included by one test file each (its functions are static). */
#ifndef MDG_TESTS_PTYSCREEN_H
#define MDG_TESTS_PTYSCREEN_H

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui/draw.h"
#include "ui/input.h"
#include "ui/screen.h"
#include "ui/term.h"

static int master = -1;
static struct term *term;

/* Opens the pty and the terminal on it; 0 or -1. */
static inline int pty_open(int rows, int cols)
{
	int slave;
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	if (openpty(&master, &slave, NULL, NULL, &ws) != 0)
		return -1;
	fcntl(master, F_SETFL, O_NONBLOCK);
	struct mdg_err err = { 0 };
	struct term_opts o = { .in_fd = slave, .out_fd = slave, .term_name = "xterm-256color",
			       .kiosk = true, .min_cols = 80, .min_rows = 24 };
	if (term_open(&o, &term, &err) != MDG_OK) {
		fprintf(stderr, "term_open: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* Reads what curses wrote to the terminal, so that its writes never block. */
static inline void drain(void)
{
	char buf[65536];
	while (read(master, buf, sizeof buf) > 0)
		;
}

/* Types bytes one at a time, slower than a scanner: a person. */
static inline void type(const char *bytes)
{
	for (const char *p = bytes; *p; p++) {
		if (write(master, p, 1) != 1)
			abort();
		nanosleep(&(struct timespec){ 0, 60 * 1000000L }, NULL);
	}
}

/* Types bytes at a person's pace while the screen runs (step as in settle_with): for screens
 * that take scans, which would see keys read late, all at once, as a scanner's burst. */
static inline void type_live(bool (*step)(void *, int), void *obj, const char *bytes)
{
	for (const char *p = bytes; *p; p++) {
		/* an arrow key's sequence goes at once, as a terminal sends it */
		size_t n = p[0] == '\033' && (p[1] == '[' || p[1] == 'O') && p[2] ? 3 : 1;
		if (write(master, p, n) != (ssize_t)n)
			abort();
		p += n - 1;
		long long until = ui_now_ms() + 60;
		while (ui_now_ms() < until) {
			drain();
			step(obj, (int)(until - ui_now_ms()));
		}
	}
}

/* Writes bytes at once: a barcode scanner's burst (end it with "\r"). */
static inline void scan(const char *bytes)
{
	size_t n = strlen(bytes);
	if (write(master, bytes, n) != (ssize_t)n)
		abort();
}

/* Steps a screen (step(obj, timeout) is kiosk_step, counter_step, ...) until nothing happens
 * for a moment. */
static inline void settle_with(bool (*step)(void *, int), void *obj)
{
	for (int i = 0; i < 40; i++) {
		drain();
		struct pollfd p = { .fd = term_in_fd(term), .events = POLLIN };
		if (poll(&p, 1, 0) <= 0 && !input_pending() && i > 2)
			break;
		step(obj, 80);
	}
	drain();
}

/* The screen as text: every row, trailing spaces cut. */
static inline void snapshot(char *out, size_t size)
{
	size_t o = 0;
	for (int y = 0; y < draw_rows(); y++) {
		char row[1024];
		draw_read_row(y, row, sizeof row, true);
		size_t n = strlen(row);
		while (n && row[n - 1] == ' ')
			n--;
		if (o + n + 2 > size)
			break;
		memcpy(out + o, row, n);
		o += n;
		out[o++] = '\n';
	}
	out[o] = '\0';
}

/* Compares the screen with tests/golden/<dir>/<name>.txt (or writes it with UPDATE_GOLDEN=1). */
static inline void golden_in(const char *dir, const char *name)
{
	char got[32768], path[512];
	snapshot(got, sizeof got);
	snprintf(path, sizeof path, "%s/tests/golden/%s/%s.txt", getenv("MDG_SOURCE_DIR"), dir, name);
	const char *update = getenv("UPDATE_GOLDEN");
	if (update && *update == '1') {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "no golden %s (run with UPDATE_GOLDEN=1 to create it); screen:\n%s", path, got);
		fail();
	}
	char want[32768];
	size_t n = fread(want, 1, sizeof want - 1, f);
	fclose(f);
	want[n] = '\0';
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "screen %s differs from %s\n--- got\n%s--- want\n%s", name, path, got, want);
		fail();
	}
}

/* True when the screen shows s somewhere. */
static inline bool screen_has(const char *s)
{
	char got[32768];
	snapshot(got, sizeof got);
	return strstr(got, s) != NULL;
}

#endif
