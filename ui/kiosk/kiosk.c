/* SPDX-License-Identifier: MIT */
/* kiosk: the resident's screens and the state they share (see kiosk.h). */
#include "ui/kiosk/kiosk.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bizdate.h"
#include "core/i18n.h"
#include "core/pinpolicy.h"
#include "core/ticket.h"
#include "print/qr.h"
#include "secure/mem.h"
#include "ui/draw.h"
#include "ui/screen.h"
#include "ui/widgets.h"

#define MENU_MAX 10
#define SECRET_CAP 32

/* One entry of the procedure menu: a form, or a service without one (a ticket only). */
struct menu_item {
	const struct form *form;         /* NULL: a service without a form */
	const struct mdg_service *svc;
};

struct kiosk {
	struct ui_loop loop;
	const struct kiosk_setup *s;
	char lang[16];
	/* the menu */
	struct menu_item items[MENU_MAX];
	size_t n_items;
	struct ui_button buttons[MENU_MAX + 3];
	int focus;
	/* the resident's choices */
	int chosen;                      /* index into items, -1 none */
	int priority;                    /* enum ticket_priority */
	/* card */
	struct card_basic4 *card;        /* locked memory */
	bool card_read;
	int tries;                       /* input-support PIN tries left, -1 unknown */
	char *secret;                    /* PIN or 照合番号B being typed (locked memory) */
	struct ui_pinpad pad;
	bool code_b;
	char message[320];               /* a message shown on the card screens */
	/* form */
	struct form_values vals;
	bool have_vals;
	size_t field;                    /* the field being asked, in values order */
	char *answer;                    /* the text being typed for it (locked memory) */
	struct ui_field edit;
	char problem[256];
	/* ticket */
	struct kiosk_ticket ticket;
	long long ticket_shown_ms;
};

static struct kiosk *K(struct ui_loop *l)
{
	return l->owner;
}

static const struct ui_screen attract_screen, language_screen, menu_screen, bring_screen,
	priority_screen, card_screen, pin_screen, cardmsg_screen, check_screen, field_screen,
	ticket_screen;

/* ---- state --------------------------------------------------------------------------------- */

static const char *native_name(const char *lang)
{
	static const struct {
		const char *lang, *name;
	} names[] = {
		{ "ja", "日本語" }, { "ja@easy", "やさしい にほんご" }, { "en", "English" },
		{ "zh_CN", "中文" }, { "zh", "中文" }, { "ko", "한국어" }, { "vi", "Tiếng Việt" },
		{ "pt_BR", "Português" }, { "tl", "Tagalog" }, { "ne", "नेपाली" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].lang, lang) == 0)
			return names[i].name;
	return lang;
}

static void set_language(struct kiosk *k, const char *lang)
{
	snprintf(k->lang, sizeof k->lang, "%s", lang);
	i18n_set_language(lang);
}

static const char *first_language(const struct kiosk *k)
{
	if (k->s->first_language)
		return k->s->first_language;
	return k->s->cfg->default_language ? k->s->cfg->default_language : "ja";
}

/* Wipes everything the resident gave or the card told, and goes back to the start. */
static void wipe(struct kiosk *k)
{
	if (k->card)
		secure_wipe(k->card, sizeof *k->card);
	if (k->secret)
		secure_wipe(k->secret, SECRET_CAP);
	if (k->answer)
		secure_wipe(k->answer, 1024);
	if (k->have_vals)
		form_values_free(&k->vals);
	k->have_vals = false;
	k->card_read = false;
	k->tries = -1;
	k->pad.len = 0;
	k->code_b = false;
	k->chosen = -1;
	k->priority = PRIO_NONE;
	k->message[0] = k->problem[0] = '\0';
	memset(&k->ticket, 0, sizeof k->ticket);
	k->focus = -1;
	set_language(k, first_language(k));
}

static void go_home(struct kiosk *k)
{
	wipe(k);
	ui_reset(&k->loop, &attract_screen);
}

static const struct form *chosen_form(const struct kiosk *k)
{
	return k->chosen >= 0 ? k->items[k->chosen].form : NULL;
}

static const char *chosen_service(const struct kiosk *k)
{
	if (k->chosen < 0)
		return NULL;
	const struct menu_item *it = &k->items[k->chosen];
	return it->form ? it->form->service : it->svc->letter;
}

/* The common frame: a title bar, the body below it, a hint line at the bottom. */
static struct ui_rect frame(const char *title, const char *hint)
{
	int cols = draw_cols(), rows = draw_rows();
	draw_fill(0, 0, 3, cols, UA_BUTTON);
	draw_text_center(1, 0, cols, title, UA_BUTTON);
	if (hint)
		draw_text_center(rows - 1, 0, cols, hint, UA_MUTED);
	return (struct ui_rect){ 4, 2, rows - 6, cols - 4 };
}

/* ---- 1. attract ---------------------------------------------------------------------------- */

static void attract_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	int cols = draw_cols(), rows = draw_rows();
	time_t now = (time_t)(bizclock_now_ms() / 1000);
	struct tm tm;
	localtime_r(&now, &tm);
	char clock[8], date[32];
	snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
	snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	draw_text_center(0, 0, cols, textmap_get(&k->s->cfg->site_name, k->lang), UA_TITLE);
	int bw = draw_big_width(clock);
	draw_big(2, (cols - bw) / 2, clock, UA_INVERSE);
	draw_text_center(8, 0, cols, date, UA_NORMAL);
	/* Waiting per service, in the kiosk's first language. */
	int y = 10;
	const struct mdg_config *c = k->s->cfg;
	for (size_t i = 0; i < c->n_services && y < rows - 4; i++, y++) {
		char line[200];
		int w = k->s->ops->waiting ? k->s->ops->waiting(k->s->ops->ctx, c->services[i].letter) : -1;
		char count[32] = "-";
		if (w >= 0)
			snprintf(count, sizeof count, "%d", w);
		snprintf(line, sizeof line, "%s  %s", c->services[i].letter,
			 textmap_get(&c->services[i].name, k->lang));
		int x = cols / 2 - 24 > 0 ? cols / 2 - 24 : 0;
		draw_text(y, x, 36, line, UA_NORMAL);
		draw_text(y, x + 38, 10, count, UA_TITLE);
	}
	/* "Touch to start" in every language offered, one line each as space allows. */
	int ly = rows - 1 - (int)c->n_languages;
	if (ly < y + 1)
		ly = y + 1;
	for (size_t i = 0; i < c->n_languages && ly < rows; i++, ly++) {
		i18n_set_language(c->languages[i]);
		draw_text_center(ly, 0, cols, _("Touch the screen or press any key to start"),
				 i == 0 ? UA_TITLE : UA_NORMAL);
	}
	i18n_set_language(k->lang);
}

static enum ui_next attract_event(struct ui_loop *l, const struct ui_event *ev)
{
	if (ev->type == UE_TIMEOUT)
		return UN_REDRAW; /* the clock */
	if (ev->type == UE_SCAN || ev->type == UE_SIGNAL || (ev->type == UE_KEY && ev->key == UK_CTRL))
		return UN_NONE; /* control keys (Ctrl-C, Ctrl-Z, ...) do nothing at a kiosk */
	ui_push(l, &language_screen);
	return UN_REDRAW;
}

static const struct ui_screen attract_screen = {
	.name = "attract", .draw = attract_draw, .event = attract_event, .tick_ms = 1000,
};

/* ---- 2. language --------------------------------------------------------------------------- */

static void language_enter(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	const struct mdg_config *c = k->s->cfg;
	size_t n = c->n_languages < MENU_MAX ? c->n_languages : MENU_MAX;
	for (size_t i = 0; i < n; i++)
		k->buttons[i] = (struct ui_button){ .label = native_name(c->languages[i]),
						    .hotkey = i < 9 ? (int)('1' + i) : '0' };
	k->focus = -1;
}

static void language_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	const struct mdg_config *c = k->s->cfg;
	size_t n = c->n_languages < MENU_MAX ? c->n_languages : MENU_MAX;
	/* The title in every language: whoever stands here finds theirs. */
	char title[400] = "";
	for (size_t i = 0; i < n && i < 3; i++) {
		i18n_set_language(c->languages[i]);
		size_t o = strlen(title);
		snprintf(title + o, sizeof title - o, "%s%s", i ? " / " : "", _("Choose your language"));
	}
	i18n_set_language(k->lang);
	struct ui_rect body = frame(title, NULL);
	widget_buttons_layout(k->buttons, n, body, n > 4 ? 2 : 1);
	widget_buttons_draw(k->buttons, n, k->focus);
}

static enum ui_next language_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	const struct mdg_config *c = k->s->cfg;
	size_t n = c->n_languages < MENU_MAX ? c->n_languages : MENU_MAX;
	bool redraw;
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		go_home(k);
		return UN_REDRAW;
	}
	int i = widget_buttons_event(k->buttons, n, n > 4 ? 2 : 1, ev, &k->focus, &redraw);
	if (i >= 0) {
		set_language(k, c->languages[i]);
		ui_replace(l, &menu_screen);
		return UN_REDRAW;
	}
	return redraw ? UN_REDRAW : UN_NONE;
}

static const struct ui_screen language_screen = {
	.name = "language", .enter = language_enter, .draw = language_draw, .event = language_event,
};

/* ---- 3. procedure menu --------------------------------------------------------------------- */

static void menu_build(struct kiosk *k)
{
	const struct mdg_config *c = k->s->cfg;
	k->n_items = 0;
	for (size_t s = 0; s < c->n_services; s++) {
		bool has_form = false;
		for (size_t f = 0; f < k->s->n_forms; f++) {
			const struct form *fm = k->s->forms[f];
			if (strcmp(fm->service, c->services[s].letter) != 0 || k->n_items >= MENU_MAX - 1)
				continue;
			k->items[k->n_items++] = (struct menu_item){ fm, &c->services[s] };
			has_form = true;
		}
		if (!has_form && k->n_items < MENU_MAX - 1)
			k->items[k->n_items++] = (struct menu_item){ NULL, &c->services[s] };
	}
}

/* Buttons: the items, then "priority / help" and "back". */
static size_t menu_buttons(struct kiosk *k)
{
	for (size_t i = 0; i < k->n_items; i++) {
		const struct menu_item *it = &k->items[i];
		k->buttons[i] = (struct ui_button){
			.label = it->form ? textmap_get(&it->form->short_title, k->lang) :
					    textmap_get(&it->svc->name, k->lang),
			.detail = it->form ? textmap_get(&it->svc->name, k->lang) :
					     textmap_get(&it->svc->detail, k->lang),
			.hotkey = i < 9 ? (int)('1' + i) : 0,
		};
	}
	size_t n = k->n_items;
	k->buttons[n++] = (struct ui_button){
		.label = k->priority ? _("Priority: chosen") : _("I need help / priority"),
		.detail = k->priority ? _(ticket_priority_name((enum ticket_priority)k->priority)) : NULL,
	};
	k->buttons[n++] = (struct ui_button){ .label = _("Back to the start") };
	return n;
}

static void menu_enter(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	menu_build(k);
	k->focus = -1;
}

static void menu_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	size_t n = menu_buttons(k);
	struct ui_rect body = frame(_("What would you like to do?"),
				    _("Touch a button or press its number"));
	int cols = body.w >= 100 ? 3 : 2;
	struct ui_rect items = { body.y, body.x, body.h - 4, body.w };
	widget_buttons_layout(k->buttons, n - 2, items, cols);
	struct ui_rect bottom = { body.y + body.h - 3, body.x, 3, body.w };
	widget_buttons_layout(k->buttons + n - 2, 2, bottom, 2);
	widget_buttons_draw(k->buttons, n, k->focus);
}

static enum ui_next menu_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	size_t n = menu_buttons(k);
	bool redraw;
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		go_home(k);
		return UN_REDRAW;
	}
	int i = widget_buttons_event(k->buttons, n, 2, ev, &k->focus, &redraw);
	if (i < 0)
		return redraw ? UN_REDRAW : UN_NONE;
	if ((size_t)i == n - 1) {
		go_home(k);
	} else if ((size_t)i == n - 2) {
		ui_push(l, &priority_screen);
	} else {
		k->chosen = i;
		ui_push(l, &bring_screen);
	}
	return UN_REDRAW;
}

static const struct ui_screen menu_screen = {
	.name = "menu", .enter = menu_enter, .draw = menu_draw, .event = menu_event,
};

/* ---- priority ------------------------------------------------------------------------------ */

static size_t priority_buttons(struct kiosk *k)
{
	static const int prios[] = { PRIO_ELDERLY, PRIO_DISABILITY, PRIO_PREGNANT, PRIO_CHILD };
	for (size_t i = 0; i < 4; i++)
		k->buttons[i] = (struct ui_button){
			.label = _(ticket_priority_name((enum ticket_priority)prios[i])),
			.hotkey = (int)('1' + i),
		};
	k->buttons[4] = (struct ui_button){ .label = _("No priority"), .hotkey = '5' };
	return 5;
}

static void priority_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	size_t n = priority_buttons(k);
	struct ui_rect body = frame(_("Who needs priority or help?"), NULL);
	draw_wrap(body.y, body.x, body.w, 2,
		  _("Staff will call you a little earlier and help you at the counter."), UA_NORMAL);
	body.y += 3;
	body.h -= 3;
	widget_buttons_layout(k->buttons, n, body, 1);
	widget_buttons_draw(k->buttons, n, k->focus);
}

static enum ui_next priority_event(struct ui_loop *l, const struct ui_event *ev)
{
	static const int prios[] = { PRIO_ELDERLY, PRIO_DISABILITY, PRIO_PREGNANT, PRIO_CHILD,
				     PRIO_NONE };
	struct kiosk *k = K(l);
	size_t n = priority_buttons(k);
	bool redraw;
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		ui_pop(l);
		return UN_REDRAW;
	}
	int i = widget_buttons_event(k->buttons, n, 1, ev, &k->focus, &redraw);
	if (i >= 0) {
		k->priority = prios[i];
		ui_pop(l);
		return UN_REDRAW;
	}
	return redraw ? UN_REDRAW : UN_NONE;
}

static const struct ui_screen priority_screen = {
	.name = "priority", .draw = priority_draw, .event = priority_event,
};

/* ---- what to bring ------------------------------------------------------------------------- */

/* After the menu (and after the card): the next step for the chosen item. */
static void next_step(struct kiosk *k);

static void bring_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	const struct menu_item *it = &k->items[k->chosen];
	struct ui_rect body = frame(it->form ? textmap_get(&it->form->title, k->lang) :
					       textmap_get(&it->svc->name, k->lang), NULL);
	int y = body.y;
	if (it->form && it->form->help.n)
		y += draw_wrap(y, body.x, body.w, 3, textmap_get(&it->form->help, k->lang), UA_NORMAL) + 1;
	if (it->form && it->form->n_bring) {
		draw_text(y++, body.x, body.w, _("Please bring:"), UA_TITLE);
		for (size_t i = 0; i < it->form->n_bring && y < body.y + body.h - 5; i++) {
			char line[400];
			snprintf(line, sizeof line, "- %s", textmap_get(&it->form->bring[i], k->lang));
			y += draw_wrap(y, body.x + 2, body.w - 2, 2, line, UA_NORMAL);
		}
	}
	if (it->form && it->form->needs_my_number)
		draw_wrap(y + 1, body.x, body.w, 2,
			  _("This form needs the My Number: it is read from the card at the counter."),
			  UA_WARN);
	k->buttons[0] = (struct ui_button){ .label = _("Next"), .hotkey = '1' };
	k->buttons[1] = (struct ui_button){ .label = _("Back"), .hotkey = '2' };
	struct ui_rect bottom = { body.y + body.h - 3, body.x, 3, body.w };
	widget_buttons_layout(k->buttons, 2, bottom, 2);
	widget_buttons_draw(k->buttons, 2, k->focus);
}

static enum ui_next bring_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	bool redraw;
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		k->chosen = -1;
		ui_pop(l);
		return UN_REDRAW;
	}
	int i = widget_buttons_event(k->buttons, 2, 2, ev, &k->focus, &redraw);
	if (i == 0) {
		next_step(k);
		return UN_REDRAW;
	}
	if (i == 1) {
		k->chosen = -1;
		ui_pop(l);
		return UN_REDRAW;
	}
	return redraw ? UN_REDRAW : UN_NONE;
}

static const struct ui_screen bring_screen = {
	.name = "bring", .draw = bring_draw, .event = bring_event,
};

/* ---- 4. the card --------------------------------------------------------------------------- */

static void issue_ticket(struct kiosk *k);
static void first_question(struct kiosk *k);

/* Prefills the form from the card (when read) and the site, and opens the first question. */
static void start_form(struct kiosk *k)
{
	const struct form *f = chosen_form(k);
	if (!k->have_vals) {
		if (form_values_init(&k->vals, f) != 0)
			abort(); /* out of memory: systemd restarts the kiosk */
		k->have_vals = true;
	}
	char today[BIZDATE_LEN];
	bizdate_of_ms(bizclock_now_ms(), today);
	struct form_sources src = { .card_pin_tries = k->tries, .today = today,
				    .site_name = textmap_get(&k->s->cfg->site_name, "ja") };
	if (k->card_read) {
		form_sources_card(&src, k->card);
	}
	if (form_prefill(f, &src, &k->vals) != 0)
		abort();
	k->field = 0;
	k->problem[0] = '\0';
	if (k->card_read)
		ui_replace(&k->loop, &check_screen);
	else
		first_question(k);
}

static void next_step(struct kiosk *k)
{
	const struct form *f = chosen_form(k);
	if (!f) {
		issue_ticket(k);
		return;
	}
	if (form_reads_card(f, true) && !k->card_read && k->tries != -2) {
		ui_replace(&k->loop, &card_screen);
		return;
	}
	start_form(k);
}

static void card_enter(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	k->focus = -1;
}

static void card_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	struct ui_rect body = frame(_("Please place your My Number card on the reader"), NULL);
	int y = body.y + 1;
	if (k->message[0])
		y += draw_wrap(y, body.x, body.w, 4, k->message, UA_WARN) + 1;
	y += draw_wrap(y, body.x, body.w, 4,
		       _("Your name, address and birth date are read from the card, so you do not"
			 " need to write them. Leave the card on the reader until you are told."),
		       UA_NORMAL);
	k->buttons[0] = (struct ui_button){ .label = _("Skip: staff will help me"), .hotkey = '1' };
	k->buttons[1] = (struct ui_button){ .label = _("Back"), .hotkey = '2' };
	struct ui_rect bottom = { body.y + body.h - 3, body.x, 3, body.w };
	widget_buttons_layout(k->buttons, 2, bottom, 2);
	widget_buttons_draw(k->buttons, 2, k->focus);
}

/* Shows message on the card-message screen with "try again" / "skip". */
static void card_message(struct kiosk *k, const char *msg)
{
	snprintf(k->message, sizeof k->message, "%s", msg);
	ui_replace(&k->loop, &cardmsg_screen);
}

static void skip_card(struct kiosk *k)
{
	k->tries = -2; /* the resident chose to go on without the card */
	k->message[0] = '\0';
	start_form(k);
}

static enum ui_next card_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	const struct kiosk_ops *o = k->s->ops;
	bool redraw;
	if (ev->type == UE_TIMEOUT) {
		enum kiosk_card_state st = o->card_poll ? o->card_poll(o->ctx) : KC_READER_ERROR;
		if (st == KC_READER_ERROR) {
			card_message(k, _("The card reader is not working right now. Staff will help"
					  " you at the counter."));
			return UN_REDRAW;
		}
		if (st != KC_PRESENT)
			return UN_NONE;
		struct mdg_err err = { 0 };
		int tries = -1;
		enum mdg_status rc = o->card_tries(o->ctx, &tries, &err);
		if (rc == MDG_ERR_NOT_FOUND) {
			card_message(k, _("This card is not a My Number card. Please place your My Number"
					  " card, or skip."));
		} else if (rc) {
			card_message(k, _("The card could not be read. Please place it again, flat and"
					  " still."));
		} else {
			k->tries = tries;
			k->pad.len = 0;
			k->secret[0] = '\0';
			enum pin_decision d = pin_policy(PIN_AT_KIOSK,
							 tries > 0 ? APDU_PIN_TRIES : APDU_PIN_BLOCKED,
							 tries, 3);
			k->code_b = d != PIN_SEND;
			if (k->code_b)
				card_message(k, tries == 0 ?
					     _("The PIN of this card is locked. You can use the 14-digit number"
					       " printed on the card instead, or skip and staff will help.") :
					     _("To keep your card safe, the kiosk asks for the PIN only when no"
					       " wrong PIN was entered before. You can use the 14-digit number"
					       " printed on the card instead, or skip and staff will help."));
			else
				ui_replace(l, &pin_screen);
		}
		return UN_REDRAW;
	}
	int i = widget_buttons_event(k->buttons, 2, 2, ev, &k->focus, &redraw);
	if (i == 0) {
		skip_card(k);
		return UN_REDRAW;
	}
	if (i == 1 || (ev->type == UE_KEY && ev->key == UK_ESC)) {
		ui_replace(l, &bring_screen);
		return UN_REDRAW;
	}
	return redraw ? UN_REDRAW : UN_NONE;
}

static const struct ui_screen card_screen = {
	.name = "card", .enter = card_enter, .draw = card_draw, .event = card_event, .tick_ms = 300,
};

/* A card problem: the message, then "use the 14-digit number" (when allowed), "try again",
 * "skip". */
static size_t cardmsg_buttons(struct kiosk *k)
{
	size_t n = 0;
	if (k->code_b)
		k->buttons[n++] = (struct ui_button){ .label = _("Enter the 14-digit number"),
						      .hotkey = '1' };
	k->buttons[n] = (struct ui_button){ .label = _("Place the card again"),
					    .hotkey = (int)('1' + n) };
	n++;
	k->buttons[n] = (struct ui_button){ .label = _("Skip: staff will help me"),
					    .hotkey = (int)('1' + n) };
	n++;
	return n;
}

static void cardmsg_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	size_t n = cardmsg_buttons(k);
	struct ui_rect body = frame(_("My Number card"), NULL);
	draw_wrap(body.y + 1, body.x, body.w, body.h - 14, k->message, UA_WARN);
	struct ui_rect bottom = { body.y + body.h - 11, body.x, 11, body.w };
	widget_buttons_layout(k->buttons, n, bottom, 1);
	widget_buttons_draw(k->buttons, n, k->focus);
}

static enum ui_next cardmsg_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	size_t n = cardmsg_buttons(k);
	bool redraw;
	int i = widget_buttons_event(k->buttons, n, 1, ev, &k->focus, &redraw);
	if (i < 0)
		return redraw ? UN_REDRAW : UN_NONE;
	if (k->code_b && i == 0) {
		k->pad.len = 0;
		k->secret[0] = '\0';
		ui_replace(l, &pin_screen);
	} else if ((size_t)i == n - 1) {
		skip_card(k);
	} else {
		k->message[0] = '\0';
		ui_replace(l, &card_screen);
	}
	return UN_REDRAW;
}

static const struct ui_screen cardmsg_screen = {
	.name = "card-message", .draw = cardmsg_draw, .event = cardmsg_event,
};

static void pin_enter(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	k->pad.buf = k->secret;
	k->pad.cap = k->code_b ? 15 : 5;
	k->pad.min_len = k->code_b ? 14 : 4;
	k->pad.len = 0;
	k->secret[0] = '\0';
}

static void pin_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	k->pad.label_clear = _("Correct");
	k->pad.label_done = _("OK");
	struct ui_rect body = frame(k->code_b ? _("Enter the 14-digit number on your card") :
					       _("Enter your 4-digit PIN"), NULL);
	int y = body.y;
	if (k->code_b)
		y += draw_wrap(y, body.x, body.w, 4,
			       _("It is printed on the front of the card: your birth date (6 digits,"
				 " Japanese era), the year the card expires (4 digits) and the"
				 " security code (4 digits)."), UA_NORMAL);
	else
		y += draw_wrap(y, body.x, body.w, 2,
			       _("The numbers are not shown. Press OK when you have entered 4 digits."),
			       UA_NORMAL);
	int padw = body.w < 60 ? body.w : 60;
	struct ui_rect pad = { y + 2, body.x + (body.w - padw) / 2, body.y + body.h - y - 2, padw };
	widget_pinpad_layout(&k->pad, pad);
	widget_pinpad_draw(&k->pad, y, body.x, body.w);
}

static enum ui_next pin_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	const struct kiosk_ops *o = k->s->ops;
	if (ev->type == UE_KEY && ev->key == UK_ESC) {
		secure_wipe(k->secret, SECRET_CAP);
		k->pad.len = 0;
		ui_replace(l, &card_screen);
		return UN_REDRAW;
	}
	enum pinpad_result r = widget_pinpad_event(&k->pad, ev);
	if (r == PINPAD_CHANGED)
		return UN_REDRAW;
	if (r != PINPAD_DONE)
		return UN_NONE;
	struct mdg_err err = { 0 };
	int left = -1;
	enum mdg_status rc = o->card_read(o->ctx, k->code_b, k->secret, k->pad.len, k->card, &left,
					  &err);
	secure_wipe(k->secret, SECRET_CAP);
	k->pad.len = 0;
	char msg[320];
	switch (rc) {
	case MDG_OK:
		k->card_read = true;
		k->message[0] = '\0';
		start_form(k);
		return UN_REDRAW;
	case MDG_ERR_INVALID:
		k->tries = k->code_b ? k->tries : left;
		snprintf(msg, sizeof msg,
			 k->code_b ? _("The number was not right (%d tries left). Please check it, or"
				       " skip and staff will help.") :
				     _("The PIN was not right (%d tries left). To keep your card safe,"
				       " please use the 14-digit number or ask staff."),
			 left);
		k->code_b = true; /* never a second PIN at the kiosk */
		card_message(k, msg);
		return UN_REDRAW;
	case MDG_ERR_STATE:
		k->code_b = true;
		card_message(k, _("The kiosk cannot use the PIN of this card. You can use the 14-digit"
				  " number, or skip and staff will help."));
		return UN_REDRAW;
	default:
		card_message(k, _("The card was removed or could not be read. Nothing was sent to it"
				  " twice. Please place it again."));
		return UN_REDRAW;
	}
}

static const struct ui_screen pin_screen = {
	.name = "pin", .enter = pin_enter, .draw = pin_draw, .event = pin_event,
};

/* ---- 5. the prefilled form ----------------------------------------------------------------- */

/* True when field i is asked at the kiosk: not from the card, not the My Number. */
static bool asked(const struct kiosk *k, size_t i)
{
	const struct form_field *x = form_field_at(chosen_form(k), i);
	return !x->my_number && !(k->have_vals && k->vals.from_card[i]);
}

static void check_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	const struct form *f = chosen_form(k);
	struct ui_rect body = frame(_("Please check what your card says"), NULL);
	int y = body.y;
	bool marked = false;
	size_t n = form_field_count(f);
	for (size_t i = 0; i < n && y < body.y + body.h - 5; i++) {
		if (!k->vals.from_card[i] || !k->vals.v[i])
			continue;
		const struct form_field *x = form_field_at(f, i);
		/* only the first field holding each card value */
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= k->vals.from_card[j] && k->vals.v[j] &&
				strcmp(k->vals.v[j], k->vals.v[i]) == 0;
		if (seen)
			continue;
		char shown[300];
		const char *v = k->vals.v[i];
		if (x->type == FT_DATE && form_format_date(v, k->lang, shown, sizeof shown))
			v = shown;
		else if (x->type == FT_CHOICE)
			for (size_t o = 0; o < x->n_options; o++)
				if (strcmp(x->options[o].value, v) == 0)
					v = textmap_get(&x->options[o].label, k->lang);
		draw_text(y, body.x, 20, textmap_get(&x->label, k->lang), UA_MUTED);
		if (draw_plain_jis(v)) {
			y += draw_wrap(y, body.x + 22, body.w - 22, 3, v, UA_TITLE);
		} else {
			draw_text_marked(y++, body.x + 22, body.w - 22, v, UA_TITLE);
			marked = true;
		}
	}
	if (marked)
		y += draw_wrap(y + 1, body.x, body.w, 2,
			       _("Marked characters may look different on paper: staff will check them"
				 " with you."), UA_NORMAL);
	k->buttons[0] = (struct ui_button){ .label = _("Correct: go on"), .hotkey = '1' };
	k->buttons[1] = (struct ui_button){ .label = _("Something is wrong: staff will fix it"),
					    .hotkey = '2' };
	struct ui_rect bottom = { body.y + body.h - 3, body.x, 3, body.w };
	widget_buttons_layout(k->buttons, 2, bottom, 2);
	widget_buttons_draw(k->buttons, 2, k->focus);
}

static void first_question(struct kiosk *k);

static enum ui_next check_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	bool redraw;
	int i = widget_buttons_event(k->buttons, 2, 2, ev, &k->focus, &redraw);
	if (i == 0 || i == 1) {
		first_question(k);
		return UN_REDRAW;
	}
	return redraw ? UN_REDRAW : UN_NONE;
}

static const struct ui_screen check_screen = {
	.name = "check", .draw = check_draw, .event = check_event,
};

static void load_answer(struct kiosk *k)
{
	const char *v = k->vals.v[k->field];
	snprintf(k->answer, 1024, "%s", v ? v : "");
	k->edit = (struct ui_field){ .buf = k->answer, .cap = 1024,
				     .max_chars = form_field_at(chosen_form(k), k->field)->max_len };
	k->focus = -1;
}

static void first_question(struct kiosk *k)
{
	size_t n = form_field_count(chosen_form(k));
	k->field = 0;
	while (k->field < n && !asked(k, k->field))
		k->field++;
	if (k->field >= n) {
		issue_ticket(k);
		return;
	}
	load_answer(k);
	ui_replace(&k->loop, &field_screen);
}

/* Validates the whole form; on a problem, opens that field with its message. */
static void finish_form(struct kiosk *k)
{
	char today[BIZDATE_LEN];
	bizdate_of_ms(bizclock_now_ms(), today);
	struct form_problem p[4];
	int n = form_validate(chosen_form(k), &k->vals, k->lang, today, p, 4);
	for (int i = 0; i < n && i < 4; i++) {
		if (!asked(k, p[i].index))
			continue; /* a card field or the My Number: the counter sees to it */
		k->field = p[i].index;
		load_answer(k);
		snprintf(k->problem, sizeof k->problem, "%s", p[i].msg);
		ui_replace(&k->loop, &field_screen);
		return;
	}
	issue_ticket(k);
}

/* Stores the typed or chosen answer of the current field. */
static void keep_answer(struct kiosk *k, const char *v)
{
	if (form_values_set(&k->vals, k->field, v, false) != 0)
		abort();
}

static void next_question(struct kiosk *k, int dir)
{
	size_t n = form_field_count(chosen_form(k));
	size_t f = k->field;
	k->problem[0] = '\0';
	for (;;) {
		if (dir > 0 && f + 1 >= n) {
			finish_form(k);
			return;
		}
		if (dir < 0 && f == 0) {
			return;
		}
		f = dir > 0 ? f + 1 : f - 1;
		if (asked(k, f))
			break;
	}
	k->field = f;
	load_answer(k);
}

/* Buttons of the current question: the options (choice, multi, checkbox) then Next, Back. */
static size_t field_buttons(struct kiosk *k, size_t *n_opts)
{
	const struct form_field *x = form_field_at(chosen_form(k), k->field);
	size_t n = 0;
	static const char *const yes_no[] = { "yes", "no" };
	if (x->type == FT_CHOICE || x->type == FT_MULTI) {
		for (size_t o = 0; o < x->n_options && n < MENU_MAX; o++) {
			bool on = false;
			const char *v = k->vals.v[k->field];
			if (v) {
				size_t len = strlen(x->options[o].value);
				for (const char *p = v; *p;) {
					size_t m = strcspn(p, ",");
					on |= m == len && strncmp(p, x->options[o].value, len) == 0;
					p += m + (p[m] == ',');
				}
			}
			k->buttons[n] = (struct ui_button){ .label = textmap_get(&x->options[o].label, k->lang),
							    .detail = on ? _("(chosen)") : NULL,
							    .hotkey = n < 9 ? (int)('1' + n) : 0 };
			n++;
		}
	} else if (x->type == FT_CHECKBOX) {
		for (size_t o = 0; o < 2; o++) {
			const char *v = k->vals.v[k->field];
			k->buttons[n] = (struct ui_button){
				.label = o == 0 ? _("Yes") : _("No"),
				.detail = v && strcmp(v, yes_no[o]) == 0 ? _("(chosen)") : NULL,
				.hotkey = (int)('1' + o) };
			n++;
		}
	}
	*n_opts = n;
	k->buttons[n++] = (struct ui_button){ .label = _("Next") };
	k->buttons[n++] = (struct ui_button){ .label = _("Back") };
	return n;
}

static bool typed(const struct form_field *x)
{
	return x->type != FT_CHOICE && x->type != FT_MULTI && x->type != FT_CHECKBOX;
}

static void field_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	const struct form *f = chosen_form(k);
	const struct form_field *x = form_field_at(f, k->field);
	size_t n_opts, n = field_buttons(k, &n_opts);
	struct ui_rect body = frame(textmap_get(&f->title, k->lang), NULL);
	int y = body.y;
	draw_text(y++, body.x, body.w, textmap_get(&x->label, k->lang), UA_TITLE);
	if (x->help.n)
		y += draw_wrap(y, body.x, body.w, 2, textmap_get(&x->help, k->lang), UA_NORMAL);
	if (k->problem[0])
		y += draw_wrap(y, body.x, body.w, 2, k->problem, UA_WARN);
	y++;
	if (typed(x)) {
		const char *hint = x->type == FT_DATE ? _("Type the date as 8 digits: year, month, day"
							  " (19480315)") :
				   x->type == FT_NUMBER ? _("Type the number") :
				   x->type == FT_KANA ? _("Type in katakana") : NULL;
		if (hint)
			draw_text(y++, body.x, body.w, hint, UA_MUTED);
		widget_field_draw(&k->edit, (struct ui_rect){ y, body.x, 3, body.w }, true);
		y += 4;
	} else {
		struct ui_rect opts = { y, body.x, body.y + body.h - 4 - y, body.w };
		widget_buttons_layout(k->buttons, n_opts, opts, n_opts > 4 ? 2 : 1);
	}
	struct ui_rect bottom = { body.y + body.h - 3, body.x, 3, body.w };
	widget_buttons_layout(k->buttons + n_opts, 2, bottom, 2);
	widget_buttons_draw(k->buttons, n, k->focus);
}

static enum ui_next field_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	const struct form_field *x = form_field_at(chosen_form(k), k->field);
	size_t n_opts, n = field_buttons(k, &n_opts);
	if (typed(x) && widget_field_event(&k->edit, ev))
		return UN_REDRAW;
	if (typed(x) && ev->type == UE_SCAN) {
		/* a scanner (or a very fast typist) is a keyboard: its text, then Enter */
		snprintf(k->answer, 1024, "%s%s", k->edit.buf, ev->text);
	}
	struct ui_event e = *ev;
	if (typed(x) && ev->type == UE_CHAR)
		return UN_NONE; /* a character the field refused: not a hotkey */
	bool redraw;
	int i = widget_buttons_event(k->buttons, n, 2, &e, &k->focus, &redraw);
	bool next = (size_t)i == n_opts || (typed(x) && ((ev->type == UE_KEY && ev->key == UK_ENTER) ||
							 ev->type == UE_SCAN));
	bool back = (size_t)i == n_opts + 1 || (ev->type == UE_KEY && ev->key == UK_ESC);
	if (i >= 0 && (size_t)i < n_opts) {
		const char *v = x->type == FT_CHECKBOX ? (i == 0 ? "yes" : "no") : x->options[i].value;
		if (x->type == FT_MULTI) {
			/* toggle v in the comma list */
			char list[1024] = "";
			const char *cur = k->vals.v[k->field] ? k->vals.v[k->field] : "";
			bool removed = false;
			size_t vl = strlen(v);
			for (const char *p = cur; *p;) {
				size_t m = strcspn(p, ",");
				if (m == vl && strncmp(p, v, vl) == 0)
					removed = true;
				else
					snprintf(list + strlen(list), sizeof list - strlen(list), "%s%.*s",
						 list[0] ? "," : "", (int)m, p);
				p += m + (p[m] == ',');
			}
			if (!removed)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
					 list[0] ? "," : "", v);
			keep_answer(k, list);
			return UN_REDRAW;
		}
		keep_answer(k, v);
		next_question(k, 1);
		return UN_REDRAW;
	}
	if (next) {
		if (typed(x)) {
			char norm[1024];
			form_input_normalise(x, k->answer, norm, sizeof norm);
			keep_answer(k, norm);
			secure_wipe(norm, sizeof norm);
		}
		next_question(k, 1);
		return UN_REDRAW;
	}
	if (back) {
		if (typed(x))
			keep_answer(k, k->answer);
		next_question(k, -1);
		return UN_REDRAW;
	}
	return redraw ? UN_REDRAW : UN_NONE;
}

static const struct ui_screen field_screen = {
	.name = "field", .draw = field_draw, .event = field_event,
};

/* ---- 6. the ticket ------------------------------------------------------------------------- */

static void issue_ticket(struct kiosk *k)
{
	const struct kiosk_ops *o = k->s->ops;
	struct mdg_err err = { 0 };
	memset(&k->ticket, 0, sizeof k->ticket);
	enum mdg_status rc = o->issue(o->ctx, chosen_service(k), k->priority, k->lang, &k->ticket,
				      &err);
	if (rc) {
		snprintf(k->message, sizeof k->message, "%s",
			 _("A ticket could not be issued. Please ask the staff."));
		k->ticket.number[0] = '\0';
	} else {
		const struct form *f = chosen_form(k);
		if (f && o->submit && k->have_vals &&
		    o->submit(o->ctx, f, &k->vals, k->ticket.number, k->lang, &err) != MDG_OK)
			snprintf(k->message, sizeof k->message, "%s",
				 _("Your answers could not be saved: please tell the staff at the"
				   " counter."));
		if (o->print) {
			struct mdg_err perr = { 0 };
			k->ticket.printed = o->print(o->ctx, &k->ticket, k->lang, &perr) == MDG_OK;
			if (!k->ticket.printed)
				snprintf(k->ticket.print_error, sizeof k->ticket.print_error, "%s", perr.msg);
		}
	}
	/* The answers are stored (or not): the kiosk forgets them now. */
	if (k->have_vals)
		form_values_free(&k->vals);
	k->have_vals = false;
	if (k->card)
		secure_wipe(k->card, sizeof *k->card);
	k->card_read = false;
	k->ticket_shown_ms = ui_now_ms();
	ui_reset(&k->loop, &ticket_screen);
}

static void ticket_draw(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	int cols = draw_cols(), rows = draw_rows();
	if (!k->ticket.number[0]) {
		frame(_("Sorry"), NULL);
		draw_wrap(6, 4, cols - 8, 6, k->message, UA_WARN);
		return;
	}
	frame(_("Your number"), _("Touch the screen to finish"));
	int w = draw_big_width(k->ticket.number);
	int y = 4;
	if (w <= cols) {
		draw_big(y, (cols - w) / 2, k->ticket.number, UA_INVERSE);
		y += 6;
	} else {
		draw_text_center(y++, 0, cols, k->ticket.number, UA_TITLE);
	}
	char line[200];
	if (k->ticket.eta_min >= 0)
		snprintf(line, sizeof line, ngettext("%d person ahead of you, about %d min.\n",
						     "%d people ahead of you, about %d min.\n",
						     (unsigned long)k->ticket.ahead),
			 k->ticket.ahead, k->ticket.eta_min);
	else
		snprintf(line, sizeof line, "%s", "");
	line[strcspn(line, "\n")] = '\0';
	draw_text_center(y++, 0, cols, line, UA_TITLE);
	y += draw_wrap(y, 2, cols - 4, 2, _("When your number is called, please come to the counter shown."),
		       UA_NORMAL);
	if (k->message[0])
		y += draw_wrap(y, 2, cols - 4, 2, k->message, UA_WARN);
	if (!k->ticket.printed)
		y += draw_wrap(y, 2, cols - 4, 2,
			       _("The ticket could not be printed. Please remember your number, or ask"
				 " the staff."),
			       UA_WARN);
	/* The QR when the screen is tall enough (a phone can take the code along). */
	struct qr_matrix q;
	struct mdg_err err = { 0 };
	if (k->ticket.code[0] && qr_encode(k->ticket.code, 10, &q, &err) == MDG_OK) {
		draw_qr(y + 1, (cols - 2 * (q.width + 4)) / 2, rows - y - 2, cols, &q, 2);
		qr_free(&q);
	}
}

static enum ui_next ticket_event(struct ui_loop *l, const struct ui_event *ev)
{
	struct kiosk *k = K(l);
	int secs = k->s->ticket_seconds > 0 ? k->s->ticket_seconds : 20;
	if (ev->type == UE_TIMEOUT) {
		if (ui_now_ms() - k->ticket_shown_ms < (long long)secs * 1000)
			return UN_NONE;
	} else if (ui_now_ms() - k->ticket_shown_ms < 700) {
		return UN_NONE; /* the tap that issued it is not the one that ends it */
	}
	go_home(k);
	return UN_REDRAW;
}

static const struct ui_screen ticket_screen = {
	.name = "ticket", .draw = ticket_draw, .event = ticket_event, .tick_ms = 1000,
};

/* ---- the loop's hooks ---------------------------------------------------------------------- */

static enum ui_next on_idle(struct ui_loop *l)
{
	struct kiosk *k = K(l);
	if (ui_top(l) == &attract_screen)
		return UN_NONE;
	go_home(k);
	return UN_REDRAW;
}

static enum ui_next on_signal(struct ui_loop *l, int sig)
{
	(void)sig;
	wipe(K(l));
	return UN_QUIT;
}

enum mdg_status kiosk_open(struct term *t, const struct kiosk_setup *setup, struct kiosk **out,
			   struct mdg_err *err)
{
	*out = NULL;
	struct kiosk *k = calloc(1, sizeof *k);
	if (!k)
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	k->s = setup;
	k->card = secure_alloc(sizeof *k->card, err);
	k->secret = k->card ? secure_alloc(SECRET_CAP, err) : NULL;
	k->answer = k->secret ? secure_alloc(1024, err) : NULL;
	if (!k->answer) {
		kiosk_close(&k);
		return err->code;
	}
	k->loop = (struct ui_loop){ .term = t, .owner = k, .idle = on_idle, .signal = on_signal };
	k->loop.idle_ms = setup->cfg->idle_kiosk_s * 1000;
	k->tries = -1;
	k->chosen = -1;
	set_language(k, first_language(k));
	k->loop.too_small = _("Please make this window larger (at least 80 x 24).");
	ui_reset(&k->loop, &attract_screen);
	k->loop.last_input_ms = ui_now_ms();
	*out = k;
	return MDG_OK;
}

bool kiosk_step(struct kiosk *k, int timeout_ms)
{
	return ui_step(&k->loop, timeout_ms);
}

const char *kiosk_screen_name(const struct kiosk *k)
{
	const struct ui_screen *s = ui_top(&k->loop);
	return s ? s->name : "";
}

void kiosk_close(struct kiosk **pp)
{
	if (!pp || !*pp)
		return;
	struct kiosk *k = *pp;
	if (k->have_vals)
		form_values_free(&k->vals);
	secure_free(k->card);
	secure_free(k->secret);
	secure_free(k->answer);
	free(k);
	*pp = NULL;
	i18n_set_language(NULL);
}

int kiosk_run(struct term *t, const struct kiosk_setup *setup)
{
	struct kiosk *k;
	struct mdg_err err = { 0 };
	if (kiosk_open(t, setup, &k, &err) != MDG_OK)
		return mdg_status_exit(err.code);
	ui_run(&k->loop);
	kiosk_close(&k);
	return 0;
}
