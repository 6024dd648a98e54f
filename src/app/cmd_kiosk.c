/* SPDX-License-Identifier: MIT */
/* cmd_kiosk: `madoguchi kiosk --terminal ID`: the resident's self-service screens (ui/kiosk)
 * on this terminal, with the real world behind them: the site store (tickets, waiting counts),
 * the terminal's ticket printer, its card reader through pcscd, and the forms folder. The card
 * handle lives only between a card being found and its data being read; it is closed (the card
 * unpowered) on every path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/forms.h"
#include "app/site.h"
#include "app/termapp.h"
#include "app/ticketprint.h"
#include "card/mynacard.h"
#include "card/pcsc.h"
#include "core/log.h"
#include "secure/keys.h"
#include "secure/mem.h"
#include "store/submission.h"
#include "store/queue.h"
#include "ui/kiosk/kiosk.h"
#include "ui/term.h"

struct kiosk_app {
	struct termapp app;             /* site, terminal, forms, screen */
	struct ticket last;            /* the ticket just issued, for printing */
	struct queue_status status;    /* cached waiting counts */
	long long status_ms;
	bool have_status;
	struct pcsc *card;             /* open while a card session lasts */
};

static int waiting(void *ctx, const char *letter)
{
	struct kiosk_app *a = ctx;
	int64_t now = site_now();
	if (!a->have_status || now - a->status_ms > 2000) {
		struct mdg_err err = { 0 };
		if (a->have_status)
			queue_status_free(&a->status);
		a->have_status = queue_status(a->app.site.st, a->app.site.cfg, now, &a->status, &err) == MDG_OK;
		a->status_ms = now;
		if (!a->have_status)
			mlog(MLOG_WARN, "kiosk: queue status: %s", err.msg);
	}
	for (size_t i = 0; a->have_status && i < a->status.n_services; i++)
		if (strcmp(a->status.services[i].letter, letter) == 0)
			return a->status.services[i].waiting;
	return -1;
}

static enum mdg_status issue(void *ctx, const char *service, int priority, const char *lang,
			     struct kiosk_ticket *out, struct mdg_err *err)
{
	struct kiosk_app *a = ctx;
	struct queue_eta eta;
	enum mdg_status rc = queue_issue(a->app.site.st, a->app.site.cfg, service,
					 (enum ticket_priority)priority, lang, site_now(), &a->last,
					 &eta, err);
	if (rc)
		return rc;
	ticket_format_number(a->last.service, a->last.number, out->number);
	out->ahead = eta.ahead;
	out->eta_min = eta.eta_min;
	struct mdg_err cerr = { 0 };
	if (ticketprint_code(a->app.site.cfg, &a->last, out->code, &cerr) != MDG_OK) {
		out->code[0] = '\0';
		mlog(MLOG_WARN, "kiosk: ticket code of %s: %s", out->number, cerr.msg);
	}
	a->have_status = false; /* the counts changed */
	mlog(MLOG_INFO, "kiosk %s issued %s", a->app.term->id, out->number);
	return MDG_OK;
}

static enum mdg_status print(void *ctx, const struct kiosk_ticket *t, const char *lang,
			     struct mdg_err *err)
{
	struct kiosk_app *a = ctx;
	struct ticketprint_opts o = { .sink = a->app.term->printer, .paper_mm = a->app.term->paper_mm,
				      .lang = lang };
	struct ticketprint_result r;
	enum mdg_status rc = ticketprint(&a->app.site, &a->last, &o, &r, err);
	if (rc)
		mlog(MLOG_WARN, "kiosk %s: printing %s failed: %s", a->app.term->id, t->number, err->msg);
	return rc;
}

/* The resident's answers, sealed under the site key and linked to the ticket just issued. */
static enum mdg_status submit(void *ctx, const struct form *f, const struct form_values *v,
			      const char *ticket, const char *lang, struct mdg_err *err)
{
	struct kiosk_app *a = ctx;
	struct keyring *ring = NULL;
	enum mdg_status rc = keyring_load(a->app.site.cfg->key_file, &ring, err);
	if (rc)
		return rc;
	struct submission_new in = {
		.form = f, .vals = v, .lang = lang, .place = SUB_KIOSK, .terminal = a->app.term->id,
		.ticket_id = a->last.id, .status = SUB_SUBMITTED,
		.retention_hours = a->app.site.cfg->retention_hours, .actor = a->app.term->id,
	};
	struct submission out;
	rc = submission_create(a->app.site.st, ring, &in, site_now(), &out, err);
	keyring_free(&ring);
	if (rc)
		mlog(MLOG_WARN, "kiosk %s: the answers for %s were not saved: %s", a->app.term->id, ticket,
		     err->msg);
	else
		mlog(MLOG_INFO, "kiosk %s: submission %lld for %s", a->app.term->id, (long long)out.id, ticket);
	return rc;
}

static void card_end(struct kiosk_app *a)
{
	pcsc_close(&a->card); /* unpowers the card: no verified PIN outlives the session */
}

static enum kiosk_card_state card_poll(void *ctx)
{
	struct kiosk_app *a = ctx;
	if (a->card)
		return KC_PRESENT;
	struct mdg_err err = { 0 };
	enum mdg_status rc = pcsc_open(a->app.term->reader, 0, &a->card, &err);
	if (rc == MDG_OK)
		return KC_PRESENT;
	if (strstr(err.msg, "no card"))
		return KC_NONE;
	mlog(MLOG_WARN, "kiosk %s: %s", a->app.term->id, err.msg);
	return KC_READER_ERROR;
}

static enum mdg_status card_tries(void *ctx, int *tries, struct mdg_err *err)
{
	struct kiosk_app *a = ctx;
	if (!a->card && card_poll(ctx) != KC_PRESENT)
		return mdg_err_set(err, MDG_ERR_IO, "no card");
	struct mynacard c = { .ops = &pcsc_transport, .ctx = a->card };
	enum apdu_pin_state st;
	enum mdg_status rc = mynacard_select_kenhojo(&c, err);
	if (!rc)
		rc = mynacard_key_state(&c, MYNA_KEY_PIN, &st, tries, err);
	if (!rc && st == APDU_PIN_BLOCKED)
		*tries = 0;
	if (rc)
		card_end(a);
	return rc;
}

static enum mdg_status card_read(void *ctx, bool code_b, const char *secret, size_t len,
				 struct card_basic4 *out, int *tries_left, struct mdg_err *err)
{
	struct kiosk_app *a = ctx;
	if (!a->card)
		return mdg_err_set(err, MDG_ERR_IO, "the card was removed");
	struct mynacard c = { .ops = &pcsc_transport, .ctx = a->card };
	enum pin_decision d;
	enum apdu_pin_state st;
	enum mdg_status rc = mynacard_select_kenhojo(&c, err);
	if (!rc)
		rc = mynacard_verify(&c, code_b ? MYNA_KEY_CODE_B : MYNA_KEY_PIN, PIN_AT_KIOSK, secret,
				     len, &d, &st, tries_left, err);
	if (!rc)
		rc = mynacard_read_basic4(&c, out, err);
	card_end(a);
	if (rc && rc != MDG_ERR_INVALID && rc != MDG_ERR_STATE)
		mlog(MLOG_INFO, "kiosk %s: card read ended: %s", a->app.term->id, err->msg);
	return rc;
}

static int run_kiosk(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct kiosk_app a = { 0 };
	struct term_opts to = { .in_fd = -1, .out_fd = -1, .kiosk = !cli_has(call, "no-raw"),
				.theme = cli_has(call, "light") ? TERM_THEME_LIGHT : TERM_THEME_DARK,
				.min_cols = 80, .min_rows = 24 };
	if (termapp_open(call, MDG_ROLE_KIOSK, "kiosk", &to, &a.app, &err))
		return cli_fail(call, &err);
	struct kiosk_ops ops = {
		.ctx = &a, .waiting = waiting, .issue = issue,
		.print = a.app.term->printer ? print : NULL,
		.card_poll = card_poll, .card_tries = card_tries, .card_read = card_read,
		.submit = submit,
	};
	struct kiosk_setup ks = {
		.cfg = a.app.site.cfg, .forms = (const struct form *const *)a.app.forms.v,
		.n_forms = a.app.forms.n, .ops = &ops, .first_language = a.app.term->language,
	};
	char id[40];
	snprintf(id, sizeof id, "%s", a.app.term->id);
	mlog(MLOG_INFO, "kiosk %s started with %zu forms", id, a.app.forms.n);
	int code = kiosk_run(a.app.t, &ks);
	card_end(&a);
	if (a.have_status)
		queue_status_free(&a.status);
	termapp_close(&a.app);
	mlog(MLOG_INFO, "kiosk %s stopped", id);
	return code;
}

const struct cli_cmd cmd_kiosk_table[] = {
	{ .group = "kiosk", .run = run_kiosk,
	  .summary = "the residents' self-service screens on this terminal (Ctrl-C does not stop it:"
		     " SIGTERM does)",
	  .opts = { { "terminal", "ID", "the kiosk terminal of the site file (or $MADOGUCHI_TERMINAL)" },
		    { "forms", "DIR", "the forms folder (default: $MADOGUCHI_FORMS, then the installed one)" },
		    { "light", NULL, "black on white instead of white on black" },
		    { "no-raw", NULL, "let Ctrl-C and Ctrl-Z work (for trying it out, not for a kiosk)" } } },
	{ 0 },
};
