/* SPDX-License-Identifier: MIT */
/* counter: the clerk's screens and the state they share (see counter.h). Keyboard first: every
 * action is one key, shown in the legend at the bottom; a scanner's burst on the queue screen
 * opens the scanned ticket's case. */
#include "ui/counter/counter.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bizdate.h"
#include "core/i18n.h"
#include "core/text.h"
#include "secure/mem.h"
#include "ui/draw.h"
#include "ui/screen.h"
#include "ui/widgets.h"

#define SECRET_CAP 32
#define ENTRY_CAP 1024
#define PICK_MAX 24
#define STATUS_REFRESH_MS 1000

/* What a one-line prompt is for. */
enum prompt_kind {
	P_CALL_NUMBER, P_OPEN_NUMBER, P_FIELD, P_CARD_PIN, P_CARD_CODE_B, P_PRINT_PIN, P_NOTE,
};

/* What a list of choices is for. */
enum pick_kind {
	K_TRANSFER, K_OUTCOME, K_FORM, K_FIELD,
	K_TOPICS, K_CHANNEL, K_AGE, K_SKILL_BEFORE, K_SKILL_AFTER, K_SESSION_OUTCOME,
};

/* The rows of the help-session screen. */
enum session_row {
	SR_TOPICS, SR_CHANNEL, SR_AGE, SR_SKILL_BEFORE, SR_SKILL_AFTER, SR_OUTCOME, SR_FOLLOW_UP,
	SR_NOTE, SR_COUNT
};

/* A message line of a screen and how it looks. */
struct line {
	char text[640];
	enum ui_attr attr;
};

struct counter {
	struct ui_loop loop;
	const struct counter_setup *s;
	char lang[16];
	struct counter_staff who;
	bool logged_in;
	/* login */
	char login_id[33];
	struct ui_field id_field;
	char *pin;                      /* login PIN, locked memory */
	struct ui_pinpad pin_pad;
	int login_focus;                /* 0 the id, 1 the PIN */
	char login_msg[640];
	/* the queue */
	struct queue_status q;
	bool have_q;
	long long q_ms;
	struct line msg;                /* the queue screen's last message */
	/* the one-line prompt */
	enum prompt_kind prompt;
	char prompt_title[256];
	char *entry;                    /* what is typed, locked memory (may be a PIN) */
	struct ui_field entry_field;
	struct ui_pinpad entry_pad;
	bool masked;
	char prompt_msg[256];
	/* the list of choices */
	enum pick_kind pick;
	char pick_title[256];
	const char *pick_labels[PICK_MAX];
	const char *pick_values[PICK_MAX];
	bool pick_on[PICK_MAX];
	size_t n_pick;
	size_t pick_focus;
	bool pick_multi;
	/* the case */
	struct counter_case cs;
	bool have_case;
	size_t row, row_top;
	struct line form_msg;
	struct card_basic4 *card;       /* locked memory, wiped right after use */
	/* the help session */
	struct help_session sess;
	bool in_session;
	size_t srow;
	struct line sess_msg;
	bool note_warned;               /* the note's warning was shown; 1 again saves it */
	/* the card check */
	struct mynacard_status cstat;
	bool have_cstat;
	char card_msg[320];
};

static struct counter *C(struct ui_loop *l)
{
	return l->owner;
}

static const struct ui_screen login_screen, main_screen, prompt_screen, pick_screen, form_screen,
	cardhelp_screen, session_screen;

/* ---- state --------------------------------------------------------------------------------- */

static void tell(struct line *l, enum ui_attr a, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void tell(struct line *l, enum ui_attr a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof l->text, fmt, ap);
	va_end(ap);
	l->attr = a;
}

static void close_case(struct counter *c)
{
	if (c->have_case)
		form_values_free(&c->cs.vals);
	memset(&c->cs, 0, sizeof c->cs);
	c->have_case = false;
	c->row = c->row_top = 0;
	c->form_msg.text[0] = '\0';
}

/* Wipes everything a resident or the staff gave, and forgets the staff. */
static void wipe(struct counter *c)
{
	close_case(c);
	secure_wipe(c->card, sizeof *c->card);
	secure_wipe(c->pin, SECRET_CAP);
	secure_wipe(c->entry, ENTRY_CAP);
	c->pin_pad.len = c->entry_pad.len = 0;
	memset(&c->cstat, 0, sizeof c->cstat);
	c->have_cstat = false;
	memset(&c->sess, 0, sizeof c->sess);
	c->in_session = false;
	c->sess_msg.text[0] = '\0';
	c->card_msg[0] = c->msg.text[0] = c->prompt_msg[0] = '\0';
	if (c->logged_in && c->s->ops->logout)
		c->s->ops->logout(c->s->ops->ctx);
	c->logged_in = false;
	memset(&c->who, 0, sizeof c->who);
}

static void go_login(struct counter *c)
{
	wipe(c);
	c->login_id[0] = '\0';
	c->login_focus = 0;
	ui_reset(&c->loop, &login_screen);
}

static void refresh(struct counter *c, bool force)
{
	long long now = ui_now_ms();
	if (!force && c->have_q && now - c->q_ms < STATUS_REFRESH_MS)
		return;
	struct queue_status q;
	struct mdg_err err = { 0 };
	if (c->s->ops->status(c->s->ops->ctx, &q, &err) == MDG_OK) {
		if (c->have_q)
			queue_status_free(&c->q);
		c->q = q;
		c->have_q = true;
	}
	c->q_ms = now;
}

static bool serves(const struct counter *c, const char *letter)
{
	const struct mdg_counter *k = config_counter(c->s->cfg, c->s->counter);
	for (size_t i = 0; k && i < k->n_services; i++)
		if (strcmp(k->services[i], letter) == 0)
			return true;
	return false;
}

/* The ticket this counter is serving (called here and not ended), or NULL. */
static const struct ticket *serving(const struct counter *c)
{
	for (size_t i = 0; c->have_q && i < c->q.n_open; i++)
		if (c->q.open[i].state == TICKET_CALLED && c->q.open[i].counter == c->s->counter)
			return &c->q.open[i];
	return NULL;
}

static void number_of(const struct ticket *t, char out[8])
{
	ticket_format_number(t->service, t->number, out);
}

static int minutes(int64_t ms)
{
	return ms > 0 ? (int)(ms / 60000) : 0;
}

static const char *service_name(const struct counter *c, const char *letter)
{
	const struct mdg_service *s = config_service(c->s->cfg, letter);
	return s ? textmap_get(&s->name, c->lang) : letter;
}

static const char *priority_label(enum ticket_priority p)
{
	switch (p) {
	case PRIO_ELDERLY: return _("elderly");
	case PRIO_DISABILITY: return _("disability");
	case PRIO_PREGNANT: return _("pregnancy");
	case PRIO_CHILD: return _("with a child");
	default: return "";
	}
}

/* Asks the application whether the staff may do a; says why not. */
static bool may(struct counter *c, enum counter_action a, const char *target)
{
	struct mdg_err err = { 0 };
	if (c->s->ops->allowed(c->s->ops->ctx, a, target, &err) == MDG_OK)
		return true;
	tell(&c->msg, UA_WARN, "%s", _("Your role does not allow this (recorded)."));
	return false;
}

/* Up and Down over a list of n rows, stopping at its ends. */
static void move_row(int key, size_t n, size_t *row)
{
	if (key == UK_UP && *row > 0)
		(*row)--;
	else if (key == UK_DOWN && *row + 1 < n)
		(*row)++;
}

/* The common frame: a bar with the counter, the title, the staff and the clock; a legend at
 * the bottom (wrapped into legend_rows rows). Returns the body. */
static struct ui_rect frame(struct counter *c, const char *title, const char *legend,
			    int legend_rows)
{
	int cols = draw_cols(), rows = draw_rows();
	draw_fill(0, 0, 1, cols, UA_BUTTON);
	char left[64], clock[8];
	snprintf(left, sizeof left, _("Counter %d"), c->s->counter);
	int x = 1 + draw_text(0, 1, cols - 8, left, UA_BUTTON);
	time_t now = (time_t)(bizclock_now_ms() / 1000);
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
	draw_text(0, cols - 6, 5, clock, UA_BUTTON);
	int right = cols - 7;
	if (c->logged_in) {
		char who[128];
		snprintf(who, sizeof who, "%s (%s)", c->who.name, _(c->who.role));
		int ww = text_width(who);
		if (ww > cols / 3)
			ww = cols / 3;
		right -= ww + 1;
		draw_text(0, right + 1, ww, who, UA_BUTTON);
	}
	if (title && right - x - 3 > 0)
		draw_text(0, x + 2, right - x - 3, title, UA_BUTTON);
	if (legend)
		draw_wrap(rows - legend_rows, 1, cols - 2, legend_rows, legend, UA_MUTED);
	return (struct ui_rect){ 2, 1, rows - 3 - legend_rows, cols - 2 };
}

/* ---- login --------------------------------------------------------------------------------- */

static void login_enter(struct ui_loop *l)
{
	struct counter *c = C(l);
	c->id_field = (struct ui_field){ .buf = c->login_id, .cap = sizeof c->login_id, .max_chars = 32 };
	c->pin_pad = (struct ui_pinpad){ .buf = c->pin, .cap = 13, .min_len = 6 };
	secure_wipe(c->pin, SECRET_CAP);
}

static void login_draw(struct ui_loop *l)
{
	struct counter *c = C(l);
	struct ui_rect b = frame(c, _("Staff login"),
				 _("Tab: next box   Enter: log in   The PIN is never shown"), 1);
	int w = b.w > 50 ? 50 : b.w;
	int x = b.x + (b.w - w) / 2;
	int y = b.y + 2;
	draw_text(y++, x, w, _("Staff ID"), UA_TITLE);
	widget_field_draw(&c->id_field, (struct ui_rect){ y, x, 3, w }, c->login_focus == 0);
	y += 4;
	draw_text(y++, x, w, _("PIN (6 to 12 digits)"), UA_TITLE);
	draw_box(y, x, 3, w, c->login_focus == 1 ? UA_FOCUS : UA_NORMAL);
	char stars[64] = "";
	for (size_t i = 0; i < c->pin_pad.len && i < 20; i++)
		strcat(stars, "* ");
	draw_text(y + 1, x + 2, w - 4, stars, UA_TITLE);
	y += 4;
	if (c->login_msg[0])
		draw_wrap(y, x, w, 3, c->login_msg, UA_WARN);
}

static enum ui_next login_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct counter *c = C(l);
	if (ev->type == UE_KEY && (ev->key == UK_TAB || ev->key == UK_BTAB || ev->key == UK_DOWN ||
				   ev->key == UK_UP)) {
		c->login_focus = !c->login_focus;
		return UN_REDRAW;
	}
	if (c->login_focus == 0) {
		if (ev->type == UE_KEY && ev->key == UK_ENTER) {
			if (c->login_id[0])
				c->login_focus = 1;
			return UN_REDRAW;
		}
		if (ev->type == UE_SCAN) {
			/* a staff card's barcode: its id, then the PIN by hand */
			snprintf(c->login_id, sizeof c->login_id, "%.32s", ev->text);
			c->login_focus = 1;
			return UN_REDRAW;
		}
		return widget_field_event(&c->id_field, ev) ? UN_REDRAW : UN_NONE;
	}
	enum pinpad_result r = widget_pinpad_event(&c->pin_pad, ev);
	if (r == PINPAD_CHANGED)
		return UN_REDRAW;
	if (r != PINPAD_DONE)
		return UN_NONE;
	struct mdg_err err = { 0 };
	enum mdg_status rc = c->s->ops->login(c->s->ops->ctx, c->login_id, c->pin, c->pin_pad.len,
					      &c->who, &err);
	secure_wipe(c->pin, SECRET_CAP);
	c->pin_pad.len = 0;
	if (rc == MDG_OK) {
		c->logged_in = true;
		c->login_msg[0] = '\0';
		tell(&c->msg, UA_OK, _("Logged in as %s."), c->who.name);
		refresh(c, true);
		ui_reset(l, &main_screen);
		return UN_REDRAW;
	}
	if (rc == MDG_ERR_DENIED)
		snprintf(c->login_msg, sizeof c->login_msg, "%s",
			 _("This staff ID may not use a counter."));
	else if (rc == MDG_ERR_AUTH && err.msg[0] && strstr(err.msg, "locked"))
		snprintf(c->login_msg, sizeof c->login_msg, "%s (%s)",
			 _("Too many wrong PINs: this staff ID is locked for a while."), err.msg);
	else if (rc == MDG_ERR_AUTH)
		snprintf(c->login_msg, sizeof c->login_msg, "%s",
			 _("The staff ID or the PIN is not right."));
	else
		snprintf(c->login_msg, sizeof c->login_msg, _("Login failed: %s"), err.msg);
	c->login_id[0] = '\0';
	c->login_focus = 0;
	return UN_REDRAW;
}

static const struct ui_screen login_screen = {
	.name = "login", .enter = login_enter, .draw = login_draw, .event = login_event,
	.tick_ms = 30000, .scans = true,
};

/* ---- the queue ----------------------------------------------------------------------------- */

static void main_draw(struct ui_loop *l)
{
	struct counter *c = C(l);
	struct ui_rect b = frame(c, NULL,
				 _("1 call next   2 call a number   3 recall   4 no-show   5 hold   "
				   "6 transfer   7 finish   8 open the form (or scan the ticket)   "
				   "9 card check   0 help session   Esc log out"), 3);
	int y = b.y;
	draw_text(y++, b.x, b.w, _("Waiting"), UA_TITLE);
	const struct mdg_config *cfg = c->s->cfg;
	for (size_t i = 0; c->have_q && i < c->q.n_services && y < b.y + 8; i++) {
		const struct queue_service_status *s = &c->q.services[i];
		if (!serves(c, s->letter))
			continue;
		const struct mdg_service *svc = config_service(cfg, s->letter);
		char line[400], prio[200] = "";
		snprintf(line, sizeof line, _("%s %s: %d waiting, longest %d min"), s->letter,
			 service_name(c, s->letter), s->waiting, minutes(s->longest_wait_ms));
		bool late = false;
		if (s->priority_waiting > 0) {
			late = svc && minutes(s->longest_priority_wait_ms) >= svc->target_wait_min;
			snprintf(prio, sizeof prio, _("priority %d (%d min)%s"), s->priority_waiting,
				 minutes(s->longest_priority_wait_ms),
				 late ? _(": waiting too long") : "");
		}
		int used = draw_text(y, b.x + 1, b.w - 1, line, UA_NORMAL);
		if (prio[0])
			draw_text(y, b.x + 3 + used, b.w - used - 3, prio, late ? UA_WARN : UA_NORMAL);
		y++;
	}
	/* the next few, in each queue's order */
	char next[400] = "";
	int shown = 0;
	for (size_t i = 0; c->have_q && i < c->q.n_open && shown < 5; i++) {
		const struct ticket *t = &c->q.open[i];
		if (t->state != TICKET_WAITING || !serves(c, t->queue))
			continue;
		char num[8], one[80];
		number_of(t, num);
		if (t->priority != PRIO_NONE)
			snprintf(one, sizeof one, "%s%s (%s)", shown ? ", " : "", num, priority_label(t->priority));
		else
			snprintf(one, sizeof one, "%s%s", shown ? ", " : "", num);
		strncat(next, one, sizeof next - strlen(next) - 1);
		shown++;
	}
	if (shown) {
		char line[480];
		snprintf(line, sizeof line, _("Next: %s"), next);
		draw_text(y++, b.x + 1, b.w - 1, line, UA_MUTED);
	}
	y++;
	draw_text(y++, b.x, b.w, _("Serving"), UA_TITLE);
	const struct ticket *t = serving(c);
	if (t) {
		char num[8], line[400];
		number_of(t, num);
		int64_t now = c->q.now_ms;
		int x = b.x + 1;
		int bw = draw_big_width(num);
		if (bw + 40 <= b.w && y + 5 < b.y + b.h - 1) {
			draw_big(y, x, num, UA_INVERSE);
			x += bw + 2;
		} else {
			x += draw_text(y, x, 10, num, UA_TITLE) + 2;
		}
		int ty = y;
		snprintf(line, sizeof line, "%s", service_name(c, t->queue));
		draw_text(ty++, x, b.w - x, line, UA_TITLE);
		snprintf(line, sizeof line, _("waited %d min, at the counter %d min"),
			 minutes(t->served_ms - t->queue_ms), minutes(now - t->served_ms));
		draw_text(ty++, x, b.w - x, line, UA_NORMAL);
		if (t->recalls) {
			snprintf(line, sizeof line, _("recalled %d times"), t->recalls);
			draw_text(ty++, x, b.w - x, line, UA_NORMAL);
		}
		if (t->priority != PRIO_NONE) {
			snprintf(line, sizeof line, _("priority: %s"), priority_label(t->priority));
			draw_text(ty++, x, b.w - x, line, UA_WARN);
		}
		if (c->have_case && c->cs.ticket.id == t->id && c->cs.form) {
			snprintf(line, sizeof line, _("form: %s"),
				 textmap_get(&c->cs.form->short_title, c->lang));
			draw_text(ty++, x, b.w - x, line, UA_NORMAL);
		}
		y += 6;
	} else {
		draw_text(y++, b.x + 1, b.w - 1, _("Nobody. Press 1 to call the next resident."),
			  UA_NORMAL);
	}
	/* held here */
	char held[300] = "";
	for (size_t i = 0; c->have_q && i < c->q.n_open; i++) {
		const struct ticket *h = &c->q.open[i];
		if (h->state != TICKET_HELD || h->counter != c->s->counter)
			continue;
		char num[8];
		number_of(h, num);
		if (held[0])
			strncat(held, ", ", sizeof held - strlen(held) - 1);
		strncat(held, num, sizeof held - strlen(held) - 1);
	}
	if (held[0] && y < b.y + b.h - 1) {
		char line[400];
		snprintf(line, sizeof line, _("On hold here: %s (2 calls one back)"), held);
		draw_text(y++, b.x + 1, b.w - 1, line, UA_NORMAL);
	}
	if (c->in_session && y < b.y + b.h - 1) {
		char line[200];
		snprintf(line, sizeof line, _("A help session is running (%d min): 0 to continue it."),
			 minutes(bizclock_now_ms() - c->sess.started_ms));
		draw_text(y++, b.x + 1, b.w - 1, line, UA_WARN);
	}
	if (c->msg.text[0])
		draw_wrap(b.y + b.h - 1, b.x, b.w, 2, c->msg.text, c->msg.attr);
}

static void open_prompt(struct counter *c, enum prompt_kind k, const char *title,
			const char *initial, bool masked);
static void open_session(struct counter *c, const struct ticket *t);
static void open_pick(struct counter *c, enum pick_kind k, const char *title);
static void open_case(struct counter *c, const char *text, bool scanned);

/* Runs one queue action on number (NULL with TICKET_OP_CALL: the next one). */
static void act(struct counter *c, enum ticket_op op, const char *number, const char *arg)
{
	if (!may(c, CA_QUEUE, number))
		return;
	struct queue_action a = { .op = op, .number = number, .counter = c->s->counter,
				  .staff = c->who.id };
	if (op == TICKET_OP_TRANSFER)
		a.to_service = arg;
	if (op == TICKET_OP_FINISH)
		a.outcome = arg;
	/* the open case goes to the store before its ticket leaves the counter */
	if (op != TICKET_OP_CALL && op != TICKET_OP_RECALL && c->have_case && c->cs.dirty &&
	    number && c->cs.ticket.id) {
		char num[8];
		number_of(&c->cs.ticket, num);
		struct mdg_err err = { 0 };
		if (strcmp(num, number) == 0 && c->s->ops->save(c->s->ops->ctx, &c->cs, &err) != MDG_OK) {
			tell(&c->msg, UA_WARN, _("The form could not be saved, so %s stays here: %s"), number,
			    err.msg);
			return;
		}
		c->cs.dirty = false;
	}
	struct ticket t;
	struct mdg_err err = { 0 };
	enum mdg_status rc = c->s->ops->act(c->s->ops->ctx, &a, &t, &err);
	refresh(c, true);
	if (rc == MDG_ERR_EMPTY) {
		tell(&c->msg, UA_NORMAL, "%s", _("Nobody is waiting for this counter."));
		return;
	}
	if (rc) {
		tell(&c->msg, UA_WARN, _("Not done: %s"), err.msg);
		return;
	}
	char num[8];
	number_of(&t, num);
	switch (op) {
	case TICKET_OP_CALL: tell(&c->msg, UA_OK, _("Called %s."), num); break;
	case TICKET_OP_RECALL: tell(&c->msg, UA_OK, _("Called %s again."), num); break;
	case TICKET_OP_NO_SHOW: tell(&c->msg, UA_OK, _("%s did not come (no-show)."), num); break;
	case TICKET_OP_HOLD: tell(&c->msg, UA_OK, _("%s is on hold."), num); break;
	case TICKET_OP_TRANSFER: tell(&c->msg, UA_OK, _("%s moved to %s (keeps its place)."), num, arg); break;
	case TICKET_OP_FINISH: tell(&c->msg, UA_OK, _("%s finished."), num); break;
	default: break;
	}
	if (op != TICKET_OP_CALL && op != TICKET_OP_RECALL && c->have_case && c->cs.ticket.id == t.id)
		close_case(c);
}

static enum ui_next main_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct counter *c = C(l);
	if (ev->type == UE_TIMEOUT) {
		refresh(c, false);
		return UN_REDRAW;
	}
	if (ev->type == UE_SCAN) {
		open_case(c, ev->text, true);
		return UN_REDRAW;
	}
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		go_login(c);
		return UN_REDRAW;
	}
	if (ev->type != UE_CHAR)
		return UN_NONE;
	const struct ticket *t = serving(c);
	char num[8] = "";
	if (t)
		number_of(t, num);
	c->msg.text[0] = '\0';
	switch (ev->ch) {
	case '1':
		if (t)
			tell(&c->msg, UA_WARN, _("%s is still at this counter: finish (7), hold (5) or no-show (4)"
					  " first."), num);
		else
			act(c, TICKET_OP_CALL, NULL, NULL);
		return UN_REDRAW;
	case '2':
		if (t)
			tell(&c->msg, UA_WARN, _("%s is still at this counter: finish (7), hold (5) or no-show (4)"
					  " first."), num);
		else
			open_prompt(c, P_CALL_NUMBER, _("Call which number? (A-042)"), "", false);
		return UN_REDRAW;
	case '8':
		open_prompt(c, P_OPEN_NUMBER, _("Scan the ticket's code, or type its number"), num, false);
		return UN_REDRAW;
	case '9':
		if (may(c, CA_CARD_HELP, NULL))
			ui_push(l, &cardhelp_screen);
		return UN_REDRAW;
	case '0':
		open_session(c, t);
		return UN_REDRAW;
	case '3': case '4': case '5': case '6': case '7':
		break;
	default:
		return UN_NONE;
	}
	if (!t) {
		tell(&c->msg, UA_WARN, "%s", _("Nobody is being served here."));
		return UN_REDRAW;
	}
	switch (ev->ch) {
	case '3': act(c, TICKET_OP_RECALL, num, NULL); break;
	case '4': act(c, TICKET_OP_NO_SHOW, num, NULL); break;
	case '5': act(c, TICKET_OP_HOLD, num, NULL); break;
	case '6': open_pick(c, K_TRANSFER, _("Transfer to which service?")); break;
	case '7': open_pick(c, K_OUTCOME, _("How did it end?")); break;
	}
	return UN_REDRAW;
}

static const struct ui_screen main_screen = {
	.name = "queue", .draw = main_draw, .event = main_event, .tick_ms = STATUS_REFRESH_MS,
	.scans = true,
};

/* ---- the one-line prompt ------------------------------------------------------------------- */

static void open_prompt(struct counter *c, enum prompt_kind k, const char *title,
			const char *initial, bool masked)
{
	c->prompt = k;
	snprintf(c->prompt_title, sizeof c->prompt_title, "%s", title);
	secure_wipe(c->entry, ENTRY_CAP);
	c->masked = masked;
	c->prompt_msg[0] = '\0';
	if (masked) {
		c->entry_pad = (struct ui_pinpad){ .buf = c->entry, .cap = k == P_CARD_CODE_B ? 15 : 5,
						   .min_len = k == P_CARD_CODE_B ? 14 : 4 };
	} else {
		snprintf(c->entry, ENTRY_CAP, "%s", initial ? initial : "");
		int max = 64;
		if (k == P_NOTE)
			max = 200;
		if (k == P_FIELD) {
			const struct form_field *x = form_field_at(c->cs.form, c->row);
			max = x->max_len > 0 ? x->max_len : 200;
		}
		c->entry_field = (struct ui_field){ .buf = c->entry, .cap = ENTRY_CAP, .max_chars = max };
	}
	ui_push(&c->loop, &prompt_screen);
}

static void prompt_draw(struct ui_loop *l)
{
	struct counter *c = C(l);
	ui_draw_below(l);
	int cols = draw_cols(), rows = draw_rows();
	int h = 10, y = rows - h - 3;
	if (y < 2)
		y = 2;
	draw_fill(y, 1, h, cols - 2, UA_NORMAL);
	draw_box(y, 1, h, cols - 2, UA_FOCUS);
	draw_wrap(y + 1, 3, cols - 6, 2, c->prompt_title, UA_TITLE);
	y++;
	if (c->masked) {
		char stars[64] = "";
		for (size_t i = 0; i < c->entry_pad.len && i < 20; i++)
			strcat(stars, "* ");
		draw_box(y + 2, 3, 3, cols - 6, UA_FOCUS);
		draw_text(y + 3, 5, cols - 10, stars, UA_TITLE);
	} else {
		widget_field_draw(&c->entry_field, (struct ui_rect){ y + 2, 3, 3, cols - 6 }, true);
	}
	if (c->prompt_msg[0])
		draw_wrap(y + 5, 3, cols - 6, 2, c->prompt_msg, UA_WARN);
	draw_text(y + h - 3, 3, cols - 6, _("Enter: done   Esc: cancel"), UA_MUTED);
}

static void prompt_done(struct counter *c);
static void note_warning(struct counter *c);

static enum ui_next prompt_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct counter *c = C(l);
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		secure_wipe(c->entry, ENTRY_CAP);
		c->entry_pad.len = 0;
		ui_pop(l);
		return UN_REDRAW;
	}
	if (ev->type == UE_SCAN && (c->prompt == P_OPEN_NUMBER || c->prompt == P_CALL_NUMBER)) {
		ui_pop(l);
		if (c->prompt == P_OPEN_NUMBER)
			open_case(c, ev->text, true);
		else
			tell(&c->msg, UA_WARN, "%s", _("Type the number to call; scanned codes open the form (8)."));
		return UN_REDRAW;
	}
	if (c->masked) {
		enum pinpad_result r = widget_pinpad_event(&c->entry_pad, ev);
		if (r == PINPAD_CHANGED)
			return UN_REDRAW;
		if (r != PINPAD_DONE)
			return UN_NONE;
	} else {
		if (widget_field_event(&c->entry_field, ev))
			return UN_REDRAW;
		if (ev->type == UE_SCAN)
			snprintf(c->entry + strlen(c->entry), ENTRY_CAP - strlen(c->entry), "%s", ev->text);
		else if (!(ev->type == UE_KEY && ev->key == UK_ENTER))
			return UN_NONE;
	}
	prompt_done(c);
	return UN_REDRAW;
}

static const struct ui_screen prompt_screen = {
	.name = "prompt", .draw = prompt_draw, .event = prompt_event, .scans = true,
};

/* ---- the list of choices ------------------------------------------------------------------- */

static void pick_items(struct counter *c, const struct help_item *items, size_t n)
{
	for (size_t i = 0; i < n && c->n_pick < PICK_MAX; i++) {
		c->pick_labels[c->n_pick] = _(items[i].label);
		c->pick_values[c->n_pick++] = items[i].id;
	}
}

static void open_pick(struct counter *c, enum pick_kind k, const char *title)
{
	c->pick = k;
	snprintf(c->pick_title, sizeof c->pick_title, "%s", title);
	c->n_pick = 0;
	c->pick_focus = 0;
	c->pick_multi = false;
	memset(c->pick_on, 0, sizeof c->pick_on);
	const struct mdg_config *cfg = c->s->cfg;
	const struct ticket *t = serving(c);
	switch (k) {
	case K_TRANSFER:
		for (size_t i = 0; i < cfg->n_services && c->n_pick < PICK_MAX; i++) {
			if (t && strcmp(cfg->services[i].letter, t->queue) == 0)
				continue;
			c->pick_labels[c->n_pick] = textmap_get(&cfg->services[i].name, c->lang);
			c->pick_values[c->n_pick++] = cfg->services[i].letter;
		}
		break;
	case K_OUTCOME: {
		static const char *const codes[] = { "done", "referred", "missing_documents",
						     "withdrawn", "other" };
		const char *labels[] = { _("done"), _("referred to another section"),
					 _("documents missing: will come again"), _("withdrawn"),
					 _("other") };
		for (size_t i = 0; i < 5; i++) {
			c->pick_labels[c->n_pick] = labels[i];
			c->pick_values[c->n_pick++] = codes[i];
		}
		break;
	}
	case K_FORM:
		/* the ticket's own service first */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < c->s->n_forms && c->n_pick < PICK_MAX; i++) {
				const struct form *f = c->s->forms[i];
				bool own = strcmp(f->service, c->cs.ticket.queue) == 0;
				if (own != (pass == 0))
					continue;
				c->pick_labels[c->n_pick] = textmap_get(&f->title, c->lang);
				c->pick_values[c->n_pick++] = f->id;
			}
		break;
	case K_TOPICS:
		c->pick_multi = true;
		for (size_t i = 0; i < HELP_TOPIC_COUNT; i++) {
			c->pick_labels[c->n_pick] = _(help_topics[i].label);
			c->pick_values[c->n_pick] = help_topics[i].id;
			c->pick_on[c->n_pick++] = c->sess.topics & (1u << i);
		}
		break;
	case K_CHANNEL:
		pick_items(c, help_channels, HELP_CHANNEL_COUNT);
		break;
	case K_AGE:
		pick_items(c, help_age_bands, HELP_AGE_COUNT);
		break;
	case K_SESSION_OUTCOME:
		pick_items(c, help_outcomes, HELP_OUTCOME_COUNT);
		break;
	case K_SKILL_BEFORE:
	case K_SKILL_AFTER: {
		static const char *const skills[] = { "1", "2", "3", "4", "5" };
		const char *labels[] = {
			_("1: cannot use it without help"), _("2: can with a lot of help"),
			_("3: can with some help"), _("4: can alone, slowly"), _("5: can alone, and help others"),
		};
		for (size_t i = 0; i < 5; i++) {
			c->pick_labels[c->n_pick] = labels[i];
			c->pick_values[c->n_pick++] = skills[i];
		}
		break;
	}
	case K_FIELD: {
		const struct form_field *x = form_field_at(c->cs.form, c->row);
		const char *v = c->cs.vals.v[c->row];
		c->pick_multi = x->type == FT_MULTI;
		for (size_t o = 0; o < x->n_options && c->n_pick < PICK_MAX; o++) {
			c->pick_labels[c->n_pick] = textmap_get(&x->options[o].label, c->lang);
			c->pick_values[c->n_pick] = x->options[o].value;
			size_t len = strlen(x->options[o].value);
			for (const char *p = v ? v : ""; *p;) {
				size_t m = strcspn(p, ",");
				if (m == len && strncmp(p, x->options[o].value, len) == 0)
					c->pick_on[c->n_pick] = true;
				p += m + (p[m] == ',');
			}
			c->n_pick++;
		}
		break;
	}
	}
	ui_push(&c->loop, &pick_screen);
}

static void pick_draw(struct ui_loop *l)
{
	struct counter *c = C(l);
	ui_draw_below(l);
	int cols = draw_cols(), rows = draw_rows();
	int h = (int)c->n_pick + 5;
	if (h > rows - 2)
		h = rows - 2;
	int y = (rows - h) / 2, w = cols - 8 > 64 ? 64 : cols - 8, x = (cols - w) / 2;
	draw_fill(y, x, h, w, UA_NORMAL);
	draw_box(y, x, h, w, UA_FOCUS);
	draw_text(y + 1, x + 2, w - 4, c->pick_title, UA_TITLE);
	int focus = (int)c->pick_focus;
	int first = focus >= h - 5 ? focus - (h - 5) + 1 : 0;
	for (int i = first, row = y + 2; i < (int)c->n_pick && row < y + h - 2; i++, row++) {
		char line[300], key[4] = "  ";
		if (i < 9)
			key[0] = (char)('1' + i);
		else if (i == 9)
			key[0] = '0';
		snprintf(line, sizeof line, "%s %s%s", key, c->pick_multi ? (c->pick_on[i] ? "[x] " : "[ ] ") : "",
			 c->pick_labels[i]);
		draw_text(row, x + 2, w - 4, line, i == focus ? UA_FOCUS : UA_NORMAL);
	}
	draw_text(y + h - 2, x + 2, w - 4,
		  c->pick_multi ? _("Number or Space: choose/unchoose   Enter: done   Esc: cancel") :
				  _("Number or Enter: choose   Esc: cancel"), UA_MUTED);
}

static void pick_done(struct counter *c, int i);

static enum ui_next pick_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct counter *c = C(l);
	if (ev->type == UE_KEY) {
		switch (ev->key) {
		case UK_ESC:
			ui_pop(l);
			return UN_REDRAW;
		case UK_UP:
		case UK_DOWN:
			move_row(ev->key, c->n_pick, &c->pick_focus);
			return UN_REDRAW;
		case UK_ENTER:
			if (c->pick_multi) {
				pick_done(c, -1);
				return UN_REDRAW;
			}
			pick_done(c, (int)c->pick_focus);
			return UN_REDRAW;
		default:
			return UN_NONE;
		}
	}
	if (ev->type != UE_CHAR)
		return UN_NONE;
	int i = -1;
	if (ev->ch >= '1' && ev->ch <= '9')
		i = (int)(ev->ch - '1');
	else if (ev->ch == '0')
		i = 9;
	else if (ev->ch == ' ' && c->pick_multi)
		i = (int)c->pick_focus;
	if (i < 0 || i >= (int)c->n_pick)
		return UN_NONE;
	if (c->pick_multi) {
		c->pick_on[i] = !c->pick_on[i];
		c->pick_focus = (size_t)i;
		return UN_REDRAW;
	}
	pick_done(c, i);
	return UN_REDRAW;
}

static const struct ui_screen pick_screen = {
	.name = "pick", .draw = pick_draw, .event = pick_event,
};

/* ---- the case: the resident's form --------------------------------------------------------- */

static void set_value(struct counter *c, size_t i, const char *v)
{
	if (form_values_set(&c->cs.vals, i, v, false) != 0)
		abort(); /* out of memory: the terminal restarts */
	c->cs.dirty = true;
}

static void start_form(struct counter *c, const struct form *f)
{
	c->cs.form = f;
	if (form_values_init(&c->cs.vals, f) != 0)
		abort();
	char today[BIZDATE_LEN];
	bizdate_of_ms(bizclock_now_ms(), today);
	struct form_sources src = { .card_pin_tries = -1, .today = today,
				    .site_name = textmap_get(&c->s->cfg->site_name, "ja") };
	if (form_prefill(f, &src, &c->cs.vals) != 0)
		abort();
	c->cs.dirty = true;
	c->row = c->row_top = 0;
}

static void open_case(struct counter *c, const char *text, bool scanned)
{
	if (!may(c, CA_FORM, NULL))
		return;
	if (c->have_case && c->cs.dirty) {
		struct mdg_err err = { 0 };
		if (c->s->ops->save(c->s->ops->ctx, &c->cs, &err) != MDG_OK) {
			tell(&c->msg, UA_WARN, _("The open form could not be saved: %s"), err.msg);
			return;
		}
	}
	close_case(c);
	struct mdg_err err = { 0 };
	enum mdg_status rc = c->s->ops->open(c->s->ops->ctx, text, scanned, &c->cs, &err);
	if (rc) {
		memset(&c->cs, 0, sizeof c->cs);
		if (scanned)
			tell(&c->msg, UA_WARN, _("This ticket code is refused: %s"), err.msg);
		else
			tell(&c->msg, UA_WARN, _("No such ticket today: %s"), err.msg);
		if (ui_top(&c->loop) != &main_screen)
			ui_reset(&c->loop, &main_screen);
		return;
	}
	c->have_case = true;
	c->row = c->row_top = 0;
	c->form_msg.text[0] = '\0';
	ui_reset(&c->loop, &main_screen);
	ui_push(&c->loop, &form_screen);
	if (!c->cs.form) {
		char title[256];
		char num[8];
		number_of(&c->cs.ticket, num);
		snprintf(title, sizeof title, _("%s has no form yet: which one?"), num);
		open_pick(c, K_FORM, title);
	}
}

static bool editable(const struct form_field *x)
{
	return !x->my_number;
}

static void form_draw(struct ui_loop *l)
{
	struct counter *c = C(l);
	char title[300], num[8];
	number_of(&c->cs.ticket, num);
	const struct form *f = c->cs.form;
	snprintf(title, sizeof title, "%s  %s%s", num, f ? textmap_get(&f->title, c->lang) : "",
		 c->cs.from_kiosk ? _(" (filled at the kiosk)") : "");
	struct ui_rect b = frame(c, title,
				 _("Up/Down: field   Enter: change   1 read the card (PIN)   "
				   "2 read the card (number B)   3 print   4 save   Esc: back (saves)"), 2);
	if (!f)
		return;
	size_t n = form_field_count(f);
	int list_rows = b.h - 3;
	if (c->row < c->row_top)
		c->row_top = c->row;
	if (c->row >= c->row_top + (size_t)list_rows)
		c->row_top = c->row - (size_t)list_rows + 1;
	int lw = b.w / 3 > 26 ? 26 : b.w / 3;
	bool marked = false;
	for (size_t i = c->row_top, y = (size_t)b.y; i < n && (int)y < b.y + list_rows; i++, y++) {
		const struct form_field *x = form_field_at(f, i);
		enum ui_attr la = i == c->row ? UA_FOCUS : UA_MUTED;
		char label[200];
		snprintf(label, sizeof label, "%s%s", textmap_get(&x->label, c->lang),
			 x->required ? " *" : "");
		draw_fill((int)y, b.x, 1, lw, la);
		draw_text((int)y, b.x, lw, label, la);
		int vx = b.x + lw + 2, vw = b.w - lw - 2;
		if (x->my_number) {
			draw_text((int)y, vx, vw, _("(read from the card when printing; never stored)"),
				  UA_MUTED);
			continue;
		}
		const char *v = c->cs.vals.v[i];
		char shown[400];
		if (!v || !*v) {
			draw_text((int)y, vx, vw, "-", UA_MUTED);
			continue;
		}
		if (x->type == FT_DATE && form_format_date(v, c->lang, shown, sizeof shown))
			v = shown;
		else if (x->type == FT_CHOICE || x->type == FT_MULTI) {
			shown[0] = '\0';
			for (size_t o = 0; o < x->n_options; o++) {
				size_t len = strlen(x->options[o].value);
				for (const char *p = c->cs.vals.v[i]; *p;) {
					size_t m = strcspn(p, ",");
					if (m == len && strncmp(p, x->options[o].value, len) == 0)
						snprintf(shown + strlen(shown), sizeof shown - strlen(shown), "%s%s",
							 shown[0] ? ", " : "",
							 textmap_get(&x->options[o].label, c->lang));
					p += m + (p[m] == ',');
				}
			}
			v = shown;
		} else if (x->type == FT_CHECKBOX) {
			v = strcmp(v, "yes") == 0 ? _("Yes") : _("No");
		}
		/* only what a person or the card wrote is checked against JIS X 0208; dates and
		 * labels are shown in the staff's language */
		bool typed = x->type == FT_TEXT || x->type == FT_ADDRESS || x->type == FT_KANA;
		int used = typed ? draw_text_marked((int)y, vx, vw - 10, v, UA_TITLE) :
				   draw_text((int)y, vx, vw - 10, v, UA_TITLE);
		marked |= typed && !draw_plain_jis(v);
		if (c->cs.vals.from_card[i])
			draw_text((int)y, vx + used + 1, 9, _("[card]"), UA_OK);
	}
	int y = b.y + list_rows;
	if (marked)
		draw_text(y, b.x, b.w, _("Marked characters are not in JIS X 0208: check them on paper."),
			  UA_WARN);
	if (c->form_msg.text[0])
		draw_wrap(y + 1, b.x, b.w, 2, c->form_msg.text, c->form_msg.attr);
}

static bool save_case(struct counter *c)
{
	struct mdg_err err = { 0 };
	if (!c->cs.form || !c->cs.dirty)
		return true;
	if (c->s->ops->save(c->s->ops->ctx, &c->cs, &err) != MDG_OK) {
		tell(&c->form_msg, UA_WARN, _("Not saved: %s. The values stay on this screen."), err.msg);
		return false;
	}
	c->cs.dirty = false;
	tell(&c->form_msg, UA_OK, "%s", _("Saved."));
	return true;
}

/* Validates the form (the My Number is read at print time, not checked here); on a problem,
 * moves to that field and says it. True when it may be printed. */
static bool check_case(struct counter *c)
{
	char today[BIZDATE_LEN];
	bizdate_of_ms(bizclock_now_ms(), today);
	struct form_problem p[8];
	int n = form_validate(c->cs.form, &c->cs.vals, c->lang, today, p, 8);
	for (int i = 0; i < n && i < 8; i++) {
		if (form_field_at(c->cs.form, p[i].index)->my_number)
			continue;
		c->row = p[i].index;
		tell(&c->form_msg, UA_WARN, "%s", p[i].msg);
		return false;
	}
	return true;
}

static void print_case(struct counter *c, const char *pin, size_t len)
{
	struct mdg_err err = { 0 };
	if (!save_case(c))
		return;
	if (c->s->ops->print(c->s->ops->ctx, &c->cs, pin, len, &err) != MDG_OK)
		tell(&c->form_msg, UA_WARN, _("Not printed: %s"), err.msg);
	else
		tell(&c->form_msg, UA_OK, "%s", _("Printed. Please ask the resident to check and sign it."));
}

/* Fills the card fields from the basic-4 just read (replacing what was there). */
static void take_card(struct counter *c)
{
	const struct form *f = c->cs.form;
	size_t n = form_field_count(f);
	for (size_t i = 0; i < n; i++) {
		int k = form_field_at(f, i)->prefill_kind;
		if (k == FP_CARD_NAME || k == FP_CARD_ADDRESS || k == FP_CARD_BIRTH_DATE ||
		    k == FP_CARD_SEX)
			form_values_set(&c->cs.vals, i, NULL, false);
	}
	char today[BIZDATE_LEN];
	bizdate_of_ms(bizclock_now_ms(), today);
	struct form_sources src = { .card_pin_tries = -1, .today = today,
				    .site_name = textmap_get(&c->s->cfg->site_name, "ja") };
	form_sources_card(&src, c->card);
	if (form_prefill(f, &src, &c->cs.vals) != 0)
		abort();
	secure_wipe(c->card, sizeof *c->card);
	c->cs.card_read = true;
	c->cs.dirty = true;
}

/* Starts a card read: checks the tries first (no try spent), then asks for the secret. */
static void begin_card(struct counter *c, bool code_b)
{
	if (!may(c, CA_CARD_READ, NULL))
		return;
	if (code_b) {
		open_prompt(c, P_CARD_CODE_B,
			    _("照合番号B from the card face: birth date YYMMDD, expiry year YYYY, security"
			      " code (14 digits)"), NULL, true);
		return;
	}
	int tries = -1;
	struct mdg_err err = { 0 };
	if (c->s->ops->card_tries(c->s->ops->ctx, &tries, &err) != MDG_OK) {
		tell(&c->form_msg, UA_WARN, "%s", _("No card on the reader (or it is not a My Number card)."));
		return;
	}
	if (tries == 0) {
		tell(&c->form_msg, UA_WARN, "%s",
			 _("This card's PIN is locked. Use 照合番号B (2), and guide the resident to the PIN"
			   " reset procedure."));
		return;
	}
	char title[300];
	if (tries == 1)
		snprintf(title, sizeof title, "%s",
			 _("ONE try left: a wrong PIN locks the card. PIN (4 digits), or Esc and use"
			   " 照合番号B"));
	else
		snprintf(title, sizeof title, _("The resident types the PIN (4 digits, %d tries left)"),
			 tries);
	open_prompt(c, P_CARD_PIN, title, NULL, true);
}

static void read_card(struct counter *c, bool code_b)
{
	struct mdg_err err = { 0 };
	int left = -1;
	enum mdg_status rc = c->s->ops->card_read(c->s->ops->ctx, code_b, c->entry, c->entry_pad.len,
						  c->card, &left, &err);
	secure_wipe(c->entry, ENTRY_CAP);
	c->entry_pad.len = 0;
	switch (rc) {
	case MDG_OK:
		take_card(c);
		tell(&c->form_msg, UA_OK, "%s", _("The card was read: check the values with the resident."));
		break;
	case MDG_ERR_INVALID:
		if (code_b)
			tell(&c->form_msg, UA_WARN, "%s", _("照合番号B was not right. Check the card face and try again."));
		else
			tell(&c->form_msg, UA_WARN, _("The PIN was not right: %d tries left. Nothing was retried."),
				 left);
		break;
	case MDG_ERR_STATE:
		tell(&c->form_msg, UA_WARN, "%s", _("The PIN cannot be used on this card now: use 照合番号B."));
		break;
	default:
		tell(&c->form_msg, UA_WARN, "%s",
			 _("The card was removed or could not be read. Nothing was sent twice."));
		break;
	}
	secure_wipe(c->card, sizeof *c->card);
}

static enum ui_next form_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct counter *c = C(l);
	if (ev->type == UE_SCAN) {
		open_case(c, ev->text, true);
		return UN_REDRAW;
	}
	const struct form *f = c->cs.form;
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		if (save_case(c)) {
			ui_pop(l);
			if (f)
				tell(&c->msg, UA_OK, "%s", _("The form is saved."));
		}
		return UN_REDRAW;
	}
	if (!f)
		return UN_NONE;
	size_t n = form_field_count(f);
	if (ev->type == UE_KEY) {
		switch (ev->key) {
		case UK_UP:
		case UK_DOWN:
			move_row(ev->key, n, &c->row);
			return UN_REDRAW;
		case UK_ENTER: {
			const struct form_field *x = form_field_at(f, c->row);
			c->form_msg.text[0] = '\0';
			if (!editable(x)) {
				tell(&c->form_msg, UA_NORMAL, "%s", _("The My Number is read from the card when printing."));
			} else if (x->type == FT_CHECKBOX) {
				const char *v = c->cs.vals.v[c->row];
				set_value(c, c->row, v && strcmp(v, "yes") == 0 ? "no" : "yes");
			} else if (x->type == FT_CHOICE || x->type == FT_MULTI) {
				open_pick(c, K_FIELD, textmap_get(&x->label, c->lang));
			} else {
				open_prompt(c, P_FIELD, textmap_get(&x->label, c->lang), c->cs.vals.v[c->row],
					    false);
			}
			return UN_REDRAW;
		}
		default:
			return UN_NONE;
		}
	}
	if (ev->type != UE_CHAR)
		return UN_NONE;
	switch (ev->ch) {
	case '1':
		begin_card(c, false);
		return UN_REDRAW;
	case '2':
		begin_card(c, true);
		return UN_REDRAW;
	case '3':
		if (!may(c, CA_PRINT, NULL) || !check_case(c))
			return UN_REDRAW;
		if (f->needs_my_number)
			open_prompt(c, P_PRINT_PIN,
				    _("This form needs the My Number: the resident types the card's PIN (4"
				      " digits)"), NULL, true);
		else
			print_case(c, NULL, 0);
		return UN_REDRAW;
	case '4':
		save_case(c);
		return UN_REDRAW;
	default:
		return UN_NONE;
	}
}

static const struct ui_screen form_screen = {
	.name = "form", .draw = form_draw, .event = form_event, .scans = true,
};

/* ---- what a prompt or a choice does -------------------------------------------------------- */

static void prompt_done(struct counter *c)
{
	enum prompt_kind k = c->prompt;
	ui_pop(&c->loop);
	switch (k) {
	case P_CALL_NUMBER: {
		char letter[2];
		int number;
		if (!ticket_parse_number(c->entry, letter, &number)) {
			tell(&c->msg, UA_WARN, _("'%s' is not a ticket number (like A-042)."), c->entry);
			break;
		}
		char num[8];
		ticket_format_number(letter, number, num);
		act(c, TICKET_OP_CALL, num, NULL);
		break;
	}
	case P_OPEN_NUMBER:
		if (c->entry[0])
			open_case(c, c->entry, false);
		break;
	case P_FIELD: {
		const struct form_field *x = form_field_at(c->cs.form, c->row);
		char norm[ENTRY_CAP];
		form_input_normalise(x, c->entry, norm, sizeof norm);
		set_value(c, c->row, norm);
		secure_wipe(norm, sizeof norm);
		/* check this one field now, so the clerk sees a problem at once */
		char today[BIZDATE_LEN];
		bizdate_of_ms(bizclock_now_ms(), today);
		struct form_problem p[16];
		int n = form_validate(c->cs.form, &c->cs.vals, c->lang, today, p, 16);
		c->form_msg.text[0] = '\0';
		for (int i = 0; i < n && i < 16; i++)
			if (p[i].index == c->row)
				tell(&c->form_msg, UA_WARN, "%s", p[i].msg);
		break;
	}
	case P_CARD_PIN:
		read_card(c, false);
		break;
	case P_CARD_CODE_B:
		read_card(c, true);
		break;
	case P_PRINT_PIN:
		print_case(c, c->entry, c->entry_pad.len);
		break;
	case P_NOTE:
		snprintf(c->sess.note, sizeof c->sess.note, "%s", c->entry);
		c->note_warned = false;
		note_warning(c);
		break;
	}
	secure_wipe(c->entry, ENTRY_CAP);
	c->entry_pad.len = 0;
}

static void pick_done(struct counter *c, int i)
{
	enum pick_kind k = c->pick;
	ui_pop(&c->loop);
	const struct ticket *t = serving(c);
	char num[8] = "";
	if (t)
		number_of(t, num);
	switch (k) {
	case K_TRANSFER:
		if (t && i >= 0)
			act(c, TICKET_OP_TRANSFER, num, c->pick_values[i]);
		break;
	case K_OUTCOME:
		if (t && i >= 0)
			act(c, TICKET_OP_FINISH, num, c->pick_values[i]);
		break;
	case K_FORM:
		for (size_t j = 0; i >= 0 && j < c->s->n_forms; j++)
			if (strcmp(c->s->forms[j]->id, c->pick_values[i]) == 0)
				start_form(c, c->s->forms[j]);
		break;
	case K_TOPICS:
		c->sess.topics = 0;
		for (size_t j = 0; j < c->n_pick; j++)
			if (c->pick_on[j])
				c->sess.topics |= 1u << j;
		break;
	case K_CHANNEL:
		if (i >= 0)
			c->sess.channel = i;
		break;
	case K_AGE:
		if (i >= 0)
			c->sess.age_band = i;
		break;
	case K_SESSION_OUTCOME:
		if (i >= 0)
			c->sess.outcome = i;
		break;
	case K_SKILL_BEFORE:
		if (i >= 0)
			c->sess.skill_before = i + 1;
		break;
	case K_SKILL_AFTER:
		if (i >= 0)
			c->sess.skill_after = i + 1;
		break;
	case K_FIELD:
		if (c->pick_multi) {
			char list[1024] = "";
			for (size_t j = 0; j < c->n_pick; j++)
				if (c->pick_on[j])
					snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
						 list[0] ? "," : "", c->pick_values[j]);
			set_value(c, c->row, list);
		} else if (i >= 0) {
			set_value(c, c->row, c->pick_values[i]);
		}
		break;
	}
}

/* ---- the help session (No.2 / No.6) ------------------------------------------------------- */

/* Starts a session (linked to the ticket in service, if any), or continues the running one. */
static void open_session(struct counter *c, const struct ticket *t)
{
	if (!may(c, CA_SESSION, NULL))
		return;
	if (!c->in_session) {
		helpsession_init(&c->sess);
		c->sess.channel = HELP_CHANNEL_COUNTER;
		c->sess.ticket_id = t ? t->id : 0;
		struct mdg_err err = { 0 };
		if (c->s->ops->session_start(c->s->ops->ctx, &c->sess, &err) != MDG_OK) {
			tell(&c->msg, UA_WARN, _("The help session could not be started: %s"), err.msg);
			return;
		}
		if (!c->sess.started_ms)
			c->sess.started_ms = bizclock_now_ms();
		c->in_session = true;
		c->srow = 0;
		c->note_warned = false;
		c->sess_msg.text[0] = '\0';
	}
	ui_push(&c->loop, &session_screen);
}

static void note_warning(struct counter *c)
{
	unsigned flags = helpnote_check(c->sess.note);
	if (!flags) {
		c->sess_msg.text[0] = '\0';
		return;
	}
	char what[200] = "";
	for (unsigned f = 1; f < (1u << HELPNOTE_FLAGS); f <<= 1)
		if (flags & f)
			snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s", what[0] ? ", " : "",
				 _(helpnote_flag_label(f)));
	tell(&c->sess_msg, UA_WARN, _("The note looks like it holds personal data (%s). Notes must not:"
			       " change it (Enter), or press 1 again to save it as it is."), what);
	c->note_warned = true;
}

static void session_value(const struct counter *c, size_t row, char *out, size_t size)
{
	const struct help_session *s = &c->sess;
	out[0] = '\0';
	switch (row) {
	case SR_TOPICS:
		for (size_t i = 0; i < HELP_TOPIC_COUNT; i++)
			if (s->topics & (1u << i))
				snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? ", " : "",
					 _(help_topics[i].label));
		break;
	case SR_CHANNEL:
		snprintf(out, size, "%s", _(help_channels[s->channel].label));
		break;
	case SR_AGE:
		snprintf(out, size, "%s", _(help_age_bands[s->age_band].label));
		break;
	case SR_SKILL_BEFORE:
	case SR_SKILL_AFTER: {
		int v = row == SR_SKILL_BEFORE ? s->skill_before : s->skill_after;
		if (v)
			snprintf(out, size, "%d / 5", v);
		break;
	}
	case SR_OUTCOME:
		if (s->outcome >= 0)
			snprintf(out, size, "%s", _(help_outcomes[s->outcome].label));
		break;
	case SR_FOLLOW_UP:
		snprintf(out, size, "%s", s->follow_up ? _("Yes") : _("No"));
		break;
	case SR_NOTE:
		snprintf(out, size, "%s", s->note);
		break;
	}
}

static void session_draw(struct ui_loop *l)
{
	struct counter *c = C(l);
	struct ui_rect b = frame(c, _("Help session"),
				 _("Up/Down: item   Enter: change   1 finish and save   Esc: back (the"
				   " session keeps running)   No names, numbers or addresses here"), 2);
	int y = b.y;
	char line[300];
	long long secs = (bizclock_now_ms() - c->sess.started_ms) / 1000;
	if (secs < 0)
		secs = 0;
	snprintf(line, sizeof line, _("Running for %lld:%02lld"), secs / 60, secs % 60);
	draw_text(y, b.x, b.w, line, UA_TITLE);
	if (c->sess.ticket_id && c->have_q) {
		for (size_t i = 0; i < c->q.n_open; i++)
			if (c->q.open[i].id == c->sess.ticket_id) {
				char num[8], with[64];
				number_of(&c->q.open[i], num);
				snprintf(with, sizeof with, _("ticket %s"), num);
				draw_text(y, b.x + 30, b.w - 30, with, UA_NORMAL);
			}
	}
	y += 2;
	const char *labels[SR_COUNT] = {
		_("Topics"), _("Where"), _("Age band"), _("Skill before (1-5)"), _("Skill after (1-5)"),
		_("Outcome"), _("Follow-up needed"), _("Note (no personal data)"),
	};
	int lw = 24;
	for (size_t r = 0; r < SR_COUNT && y < b.y + b.h - 2; r++, y++) {
		enum ui_attr la = r == c->srow ? UA_FOCUS : UA_MUTED;
		draw_fill(y, b.x, 1, lw, la);
		draw_text(y, b.x, lw, labels[r], la);
		char v[600];
		session_value(c, r, v, sizeof v);
		draw_text(y, b.x + lw + 2, b.w - lw - 2, v[0] ? v : "-", v[0] ? UA_TITLE : UA_MUTED);
	}
	if (c->sess_msg.text[0])
		draw_wrap(b.y + b.h - 2, b.x, b.w, 2, c->sess_msg.text, c->sess_msg.attr);
}

static void session_finish(struct counter *c)
{
	struct mdg_err err = { 0 };
	if (helpnote_check(c->sess.note) && !c->note_warned) {
		note_warning(c);
		return;
	}
	struct help_session s = c->sess;
	s.ended_ms = bizclock_now_ms();
	if (helpsession_validate(&s, true, &err) != MDG_OK) {
		tell(&c->sess_msg, UA_WARN, _("Not finished yet: %s"), err.msg);
		return;
	}
	if (c->s->ops->session_finish(c->s->ops->ctx, &c->sess, &err) != MDG_OK) {
		tell(&c->sess_msg, UA_WARN, _("Not saved: %s. It stays open here."), err.msg);
		return;
	}
	int mins = minutes(s.ended_ms - s.started_ms);
	memset(&c->sess, 0, sizeof c->sess);
	c->in_session = false;
	ui_pop(&c->loop);
	tell(&c->msg, UA_OK, _("The help session was saved (%d min)."), mins);
}

static enum ui_next session_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct counter *c = C(l);
	if (ev->type == UE_TIMEOUT)
		return UN_REDRAW; /* the clock */
	if (ev->type == UE_KEY) {
		switch (ev->key) {
		case UK_ESC:
			ui_pop(l);
			return UN_REDRAW;
		case UK_UP:
		case UK_DOWN:
			move_row(ev->key, SR_COUNT, &c->srow);
			return UN_REDRAW;
		case UK_ENTER:
			switch (c->srow) {
			case SR_TOPICS: open_pick(c, K_TOPICS, _("Topics (choose all that apply)")); break;
			case SR_CHANNEL: open_pick(c, K_CHANNEL, _("Where")); break;
			case SR_AGE: open_pick(c, K_AGE, _("Age band")); break;
			case SR_SKILL_BEFORE: open_pick(c, K_SKILL_BEFORE, _("Skill before")); break;
			case SR_SKILL_AFTER: open_pick(c, K_SKILL_AFTER, _("Skill after")); break;
			case SR_OUTCOME: open_pick(c, K_SESSION_OUTCOME, _("Outcome")); break;
			case SR_FOLLOW_UP: c->sess.follow_up = !c->sess.follow_up; break;
			case SR_NOTE:
				open_prompt(c, P_NOTE, _("Note (no names, phone numbers or card numbers)"),
					    c->sess.note, false);
				break;
			}
			return UN_REDRAW;
		default:
			return UN_NONE;
		}
	}
	if (ev->type == UE_CHAR && ev->ch == '1') {
		session_finish(c);
		return UN_REDRAW;
	}
	return UN_NONE;
}

static const struct ui_screen session_screen = {
	.name = "session", .draw = session_draw, .event = session_event, .tick_ms = 1000,
};

/* ---- the card check (No.2 help) ------------------------------------------------------------ */

static void cardhelp_load(struct counter *c)
{
	struct mdg_err err = { 0 };
	memset(&c->cstat, 0, sizeof c->cstat);
	c->have_cstat = c->s->ops->card_status(c->s->ops->ctx, &c->cstat, &err) == MDG_OK;
	if (!c->have_cstat)
		snprintf(c->card_msg, sizeof c->card_msg, "%s",
			 err.code == MDG_ERR_NOT_FOUND ? _("This is not a My Number card.") :
							  _("Place the card on the reader, then press 1."));
	else
		c->card_msg[0] = '\0';
}

static void cardhelp_enter(struct ui_loop *l)
{
	cardhelp_load(C(l));
}

/* One PIN's tries, wrapped into up to two rows; returns the rows used. */
static int tries_line(int y, int x, int w, const char *what, int tries, int max)
{
	char line[300];
	if (tries <= 0)
		snprintf(line, sizeof line, _("%s: LOCKED (needs the PIN reset procedure)"), what);
	else
		snprintf(line, sizeof line, _("%s: %d of %d tries left"), what, tries, max);
	int rows = draw_wrap(y, x, w, 2, line, tries <= 0 ? UA_WARN : tries < max ? UA_TITLE : UA_NORMAL);
	return rows > 2 ? 2 : rows;
}

static void cardhelp_draw(struct ui_loop *l)
{
	struct counter *c = C(l);
	struct ui_rect b = frame(c, _("Card check"),
				 _("1 read again   Esc: back   (no PIN is used and no try is spent;"
				   " nothing is stored)"), 2);
	int y = b.y;
	if (!c->have_cstat) {
		draw_wrap(y + 1, b.x, b.w, 3, c->card_msg, UA_WARN);
		return;
	}
	y += tries_line(y, b.x, b.w, _("PIN for forms (4 digits)"), c->cstat.tries_pin, 3);
	y += tries_line(y, b.x, b.w, _("PIN for the user certificate (4 digits)"),
			 c->cstat.tries_jpki_auth, 3);
	y += tries_line(y, b.x, b.w, _("Password for the signature certificate (6-16 characters)"),
			 c->cstat.tries_jpki_sign, 5);
	y++;
	char line[400], date[128];
	char today[BIZDATE_LEN];
	bizdate_of_ms(bizclock_now_ms(), today);
	if (c->cstat.auth_cert_not_after[0]) {
		int days = 0;
		date_days_between(today, c->cstat.auth_cert_not_after, &days);
		if (!form_format_date(c->cstat.auth_cert_not_after, c->lang, date, sizeof date))
			snprintf(date, sizeof date, "%s", c->cstat.auth_cert_not_after);
		snprintf(line, sizeof line, _("Electronic certificate valid until %s (%d days)"), date, days);
		draw_text(y++, b.x, b.w, line, days < 0 ? UA_WARN : UA_TITLE);
		const char *advice = days < 0 ? _("Expired: the resident can have it issued again here.") :
				     days <= 90 ? _("Renewable now (from three months before expiry).") :
						  _("Renewable from three months before expiry.");
		draw_text(y++, b.x + 2, b.w - 2, advice, days <= 90 ? UA_WARN : UA_NORMAL);
	} else {
		draw_text(y++, b.x, b.w, _("Electronic certificate: could not be read"), UA_WARN);
	}
	if (c->cstat.card_expiry[0]) {
		int days = 0;
		date_days_between(today, c->cstat.card_expiry, &days);
		if (!form_format_date(c->cstat.card_expiry, c->lang, date, sizeof date))
			snprintf(date, sizeof date, "%s", c->cstat.card_expiry);
		snprintf(line, sizeof line, _("Card valid until %s (%d days)"), date, days);
		draw_text(y++, b.x, b.w, line, days < 90 ? UA_WARN : UA_TITLE);
	}
	y++;
	bool phone = strcmp(c->cstat.token, "JPKIAPICCTOKEN2") != 0 && c->cstat.token[0];
	snprintf(line, sizeof line, _("Kind: %s (%s)"), phone ? _("smartphone") : _("card"),
		 c->cstat.token);
	draw_text(y++, b.x, b.w, line, UA_NORMAL);
}

static enum ui_next cardhelp_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct counter *c = C(l);
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		memset(&c->cstat, 0, sizeof c->cstat);
		c->have_cstat = false;
		ui_pop(l);
		return UN_REDRAW;
	}
	if (ev->type == UE_CHAR && ev->ch == '1') {
		cardhelp_load(c);
		return UN_REDRAW;
	}
	return UN_NONE;
}

static const struct ui_screen cardhelp_screen = {
	.name = "cardhelp", .enter = cardhelp_enter, .draw = cardhelp_draw, .event = cardhelp_event,
};

/* ---- the loop's hooks ---------------------------------------------------------------------- */

static enum ui_next on_idle(struct ui_loop *l)
{
	struct counter *c = C(l);
	if (ui_top(l) == &login_screen)
		return UN_NONE;
	/* what was typed is kept, so nothing is lost; then the staff is logged out */
	if (c->have_case && c->cs.dirty) {
		struct mdg_err err = { 0 };
		if (c->s->ops->save(c->s->ops->ctx, &c->cs, &err) != MDG_OK)
			snprintf(c->login_msg, sizeof c->login_msg, "%s", err.msg);
	}
	go_login(c);
	snprintf(c->login_msg, sizeof c->login_msg, "%s", _("Logged out after a time without use."));
	return UN_REDRAW;
}

static enum ui_next on_signal(struct ui_loop *l, int sig)
{
	(void)sig;
	struct counter *c = C(l);
	if (c->have_case && c->cs.dirty) {
		struct mdg_err err = { 0 };
		c->s->ops->save(c->s->ops->ctx, &c->cs, &err);
	}
	wipe(c);
	return UN_QUIT;
}

enum mdg_status counter_open(struct term *t, const struct counter_setup *setup,
			     struct counter **out, struct mdg_err *err)
{
	*out = NULL;
	struct counter *c = calloc(1, sizeof *c);
	if (!c)
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	c->s = setup;
	c->card = secure_alloc(sizeof *c->card, err);
	c->pin = c->card ? secure_alloc(SECRET_CAP, err) : NULL;
	c->entry = c->pin ? secure_alloc(ENTRY_CAP, err) : NULL;
	if (!c->entry) {
		counter_close(&c);
		return err->code;
	}
	const char *lang = setup->language ? setup->language :
			   setup->cfg->default_language ? setup->cfg->default_language : "ja";
	snprintf(c->lang, sizeof c->lang, "%s", lang);
	i18n_set_language(c->lang);
	c->loop = (struct ui_loop){ .term = t, .owner = c, .idle = on_idle, .signal = on_signal };
	c->loop.idle_ms = setup->cfg->idle_counter_s * 1000;
	c->loop.too_small = _("Please make this window larger (at least 80 x 24).");
	ui_reset(&c->loop, &login_screen);
	c->loop.last_input_ms = ui_now_ms();
	*out = c;
	return MDG_OK;
}

bool counter_step(struct counter *c, int timeout_ms)
{
	return ui_step(&c->loop, timeout_ms);
}

const char *counter_screen_name(const struct counter *c)
{
	const struct ui_screen *s = ui_top(&c->loop);
	return s ? s->name : "";
}

void counter_close(struct counter **pp)
{
	if (!pp || !*pp)
		return;
	struct counter *c = *pp;
	if (c->card)
		wipe(c);
	if (c->have_q)
		queue_status_free(&c->q);
	secure_free(c->card);
	secure_free(c->pin);
	secure_free(c->entry);
	free(c);
	*pp = NULL;
	i18n_set_language(NULL);
}

int counter_run(struct term *t, const struct counter_setup *setup)
{
	struct counter *c;
	struct mdg_err err = { 0 };
	if (counter_open(t, setup, &c, &err) != MDG_OK)
		return mdg_status_exit(err.code);
	ui_run(&c->loop);
	counter_close(&c);
	return 0;
}
