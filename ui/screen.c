/* SPDX-License-Identifier: MIT */
/* screen: the screen stack and the event loop. */
#include "ui/screen.h"

#include <time.h>

#include "ui/draw.h"

long long ui_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const struct ui_screen *ui_top(const struct ui_loop *l)
{
	return l->depth > 0 ? l->stack[l->depth - 1] : NULL;
}

static void leave_top(struct ui_loop *l)
{
	const struct ui_screen *s = ui_top(l);
	if (s && s->leave)
		s->leave(l);
}

static void enter_top(struct ui_loop *l)
{
	const struct ui_screen *s = ui_top(l);
	input_reset();
	if (s && s->enter)
		s->enter(l);
	l->dirty = true;
}

void ui_reset(struct ui_loop *l, const struct ui_screen *s)
{
	while (l->depth > 0) {
		leave_top(l);
		l->depth--;
	}
	l->stack[l->depth++] = s;
	enter_top(l);
}

void ui_push(struct ui_loop *l, const struct ui_screen *s)
{
	if (l->depth >= UI_STACK_MAX)
		return;
	l->stack[l->depth++] = s;
	enter_top(l);
}

void ui_pop(struct ui_loop *l)
{
	if (l->depth <= 1)
		return;
	leave_top(l);
	l->depth--;
	enter_top(l);
}

void ui_replace(struct ui_loop *l, const struct ui_screen *s)
{
	if (l->depth == 0) {
		ui_reset(l, s);
		return;
	}
	leave_top(l);
	l->stack[l->depth - 1] = s;
	enter_top(l);
}

void ui_draw(struct ui_loop *l)
{
	draw_clear();
	const struct ui_screen *s = ui_top(l);
	if (term_too_small(l->term)) {
		int rows = draw_rows(), cols = draw_cols();
		draw_wrap(rows / 2 - 1, 1, cols - 2, 3, l->too_small ? l->too_small : "", UA_WARN);
	} else if (s && s->draw) {
		s->draw(l);
	}
	draw_flush();
	l->dirty = false;
	l->frames++;
}

void ui_draw_below(struct ui_loop *l)
{
	if (l->depth >= 2 && l->stack[l->depth - 2]->draw) {
		l->depth--;
		l->stack[l->depth - 1]->draw(l);
		l->depth++;
	}
}

bool ui_step(struct ui_loop *l, int timeout_ms)
{
	if (l->dirty)
		ui_draw(l);
	const struct ui_screen *s = ui_top(l);
	long long now = ui_now_ms();
	int wait = timeout_ms;
	if (s && s->tick_ms > 0 && (wait < 0 || wait > s->tick_ms))
		wait = s->tick_ms;
	if (l->idle_ms > 0) {
		long long left = l->last_input_ms + l->idle_ms - now;
		if (left < 0)
			left = 0;
		if (wait < 0 || wait > left)
			wait = (int)left;
	}
	struct ui_event ev;
	input_set_scan(s && s->scans);
	input_next(wait, &ev);
	enum ui_next next = UN_NONE;
	switch (ev.type) {
	case UE_SIGNAL:
		next = l->signal ? l->signal(l, ev.sig) : UN_QUIT;
		break;
	case UE_RESIZE:
		term_resized(l->term);
		next = UN_REDRAW;
		break;
	case UE_TIMEOUT:
		if (l->idle_ms > 0 && ui_now_ms() - l->last_input_ms >= l->idle_ms) {
			l->last_input_ms = ui_now_ms();
			next = l->idle ? l->idle(l) : UN_NONE;
			break;
		}
		if (s && s->event && !term_too_small(l->term))
			next = s->event(l, &ev);
		break;
	default:
		l->last_input_ms = ui_now_ms();
		if (s && s->event && !term_too_small(l->term))
			next = s->event(l, &ev);
		break;
	}
	if (next == UN_REDRAW)
		l->dirty = true;
	if (next == UN_QUIT)
		return false;
	if (l->dirty)
		ui_draw(l);
	return true;
}

void ui_run(struct ui_loop *l)
{
	l->last_input_ms = ui_now_ms();
	l->dirty = true;
	while (ui_step(l, -1))
		;
}
