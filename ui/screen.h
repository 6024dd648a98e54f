/* SPDX-License-Identifier: MIT */
/* screen: screens as const tables of handlers on a stack, and the loop that runs them: it
 * draws the top screen when something changed, hands it every input event, shows a "please
 * enlarge the window" screen below the minimum size, relays out on resize, and calls the
 * owner's idle and signal hooks (the kiosk wipes everything on both). */
#ifndef MDG_UI_SCREEN_H
#define MDG_UI_SCREEN_H

#include <stdbool.h>

#include "ui/input.h"
#include "ui/term.h"

struct ui_loop;

/* What a handler asks the loop to do next. */
enum ui_next {
	UN_NONE,      /* nothing changed */
	UN_REDRAW,    /* draw the top screen again */
	UN_QUIT,      /* leave the loop */
};

struct ui_screen {
	const char *name;
	void (*enter)(struct ui_loop *l);                 /* optional: became the top screen */
	void (*draw)(struct ui_loop *l);                  /* the whole screen, from the state */
	enum ui_next (*event)(struct ui_loop *l, const struct ui_event *ev);
	void (*leave)(struct ui_loop *l);                 /* optional: popped or replaced */
	int tick_ms;                                      /* >0: a UE_TIMEOUT event this often
							   * (clocks, card polling) */
	bool scans;                                       /* takes barcode scans (UE_SCAN); else
							   * keys are delivered without delay */
};

#define UI_STACK_MAX 8

struct ui_loop {
	struct term *term;
	const struct ui_screen *stack[UI_STACK_MAX];
	int depth;
	void *owner;                   /* the application's state (borrowed) */
	int idle_ms;                   /* >0: idle() after this long without input */
	/* Called when idle_ms pass without input, and on a soft signal (sig); both may change the
	 * stack. Returning UN_QUIT ends the loop. */
	enum ui_next (*idle)(struct ui_loop *l);
	enum ui_next (*signal)(struct ui_loop *l, int sig);
	const char *too_small;         /* the "please enlarge" text (translated), borrowed */
	bool dirty;
	long long last_input_ms;
	long long frames;              /* draws done (for benchmarks) */
};

/* Replaces the whole stack with s. */
void ui_reset(struct ui_loop *l, const struct ui_screen *s);

/* Pushes s on top (ignored when the stack is full) / pops the top (never the last one). */
void ui_push(struct ui_loop *l, const struct ui_screen *s);
void ui_pop(struct ui_loop *l);

/* Replaces the top screen with s. */
void ui_replace(struct ui_loop *l, const struct ui_screen *s);

/* The top screen, or NULL. */
const struct ui_screen *ui_top(const struct ui_loop *l);

/* Draws the top screen now (or the "please enlarge" screen) and flushes. */
void ui_draw(struct ui_loop *l);

/* For a screen drawn over another (a prompt, a list of choices): draws the screen below the top
 * one first, as if it were on top (it sees itself as ui_top). */
void ui_draw_below(struct ui_loop *l);

/* Runs until a handler returns UN_QUIT. */
void ui_run(struct ui_loop *l);

/* One step of the loop (for tests and benchmarks): waits up to timeout_ms for one event,
 * handles it, draws when needed. Returns false when the loop should end. */
bool ui_step(struct ui_loop *l, int timeout_ms);

/* A monotonic clock in milliseconds. */
long long ui_now_ms(void);

#endif
