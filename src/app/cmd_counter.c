/* SPDX-License-Identifier: MIT */
/* cmd_counter: `madoguchi counter --terminal ID`: the clerk's screen (ui/counter) at one counter
 * with the real world behind it: staff logins with lockout (store/staff), the role matrix
 * (core/roles) with every denial audited, the queue engine, the residents' sealed submissions,
 * the counter's card reader (the counter PIN policy) and its A4 printer, help sessions. The card
 * is opened for one operation and unpowered at its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cardread.h"
#include "app/cli.h"
#include "app/forms.h"
#include "app/site.h"
#include "app/termapp.h"
#include "card/mynacard.h"
#include "card/pcsc.h"
#include "core/bizdate.h"
#include "core/log.h"
#include "core/roles.h"
#include "print/formpdf.h"
#include "print/sink.h"
#include "secure/keys.h"
#include "secure/mem.h"
#include "store/audit.h"
#include "store/helpsession.h"
#include "store/queue.h"
#include "store/staff.h"
#include "store/submission.h"
#include "ui/counter/counter.h"
#include "ui/term.h"

struct counter_app {
	struct termapp app;             /* site, terminal, forms, screen */
	struct staff_info who;         /* the logged-in staff; id "" when none */
};

static const enum action action_of[] = {
	[CA_QUEUE] = ACT_QUEUE_CALL, [CA_FORM] = ACT_SUBMISSION_VIEW, [CA_PRINT] = ACT_FORM_PRINT,
	[CA_CARD_READ] = ACT_CARD_READ, [CA_CARD_HELP] = ACT_CARD_HELP,
	[CA_SESSION] = ACT_SESSION_RECORD,
};

static enum mdg_status login(void *ctx, const char *id, const char *pin, size_t len,
			     struct counter_staff *out, struct mdg_err *err)
{
	struct counter_app *a = ctx;
	struct staff_policy p = { a->app.site.cfg->staff_lockout_failures,
				  a->app.site.cfg->staff_lockout_minutes };
	struct staff_info who;
	enum mdg_status rc = staff_login(a->app.site.st, &p, id, pin, len, site_now(), &who, err);
	if (rc)
		return rc;
	/* a counter is for people who may call residents */
	rc = staff_authorize(a->app.site.st, who.id, who.role, ACT_QUEUE_CALL, a->app.term->id, site_now(), err);
	if (rc)
		return rc;
	a->who = who;
	snprintf(out->id, sizeof out->id, "%s", who.id);
	snprintf(out->name, sizeof out->name, "%s", who.name);
	snprintf(out->role, sizeof out->role, "%s", role_name(who.role));
	mlog(MLOG_INFO, "counter %s: %s logged in", a->app.term->id, who.id);
	return MDG_OK;
}

static void logout(void *ctx)
{
	struct counter_app *a = ctx;
	if (!a->who.id[0])
		return;
	struct mdg_err err = { 0 };
	if (audit_append(a->app.site.st, site_now(), a->who.id, "staff.logout", a->app.term->id, NULL, &err))
		mlog(MLOG_WARN, "counter %s: logout audit: %s", a->app.term->id, err.msg);
	mlog(MLOG_INFO, "counter %s: %s logged out", a->app.term->id, a->who.id);
	memset(&a->who, 0, sizeof a->who);
}

static enum mdg_status allowed(void *ctx, enum counter_action ca, const char *target,
			       struct mdg_err *err)
{
	struct counter_app *a = ctx;
	if (!a->who.id[0])
		return mdg_err_set(err, MDG_ERR_DENIED, "nobody is logged in");
	return staff_authorize(a->app.site.st, a->who.id, a->who.role, action_of[ca], target, site_now(),
			       err);
}

static enum mdg_status status(void *ctx, struct queue_status *out, struct mdg_err *err)
{
	struct counter_app *a = ctx;
	return queue_status(a->app.site.st, a->app.site.cfg, site_now(), out, err);
}

static enum mdg_status act(void *ctx, const struct queue_action *qa, struct ticket *out,
			   struct mdg_err *err)
{
	struct counter_app *a = ctx;
	enum mdg_status rc;
	if (qa->op == TICKET_OP_CALL && !qa->number)
		rc = queue_call_next(a->app.site.st, a->app.site.cfg, qa->counter, qa->staff, site_now(), out, err);
	else
		rc = queue_apply(a->app.site.st, a->app.site.cfg, qa, site_now(), out, err);
	if (!rc) {
		char num[8];
		ticket_format_number(out->service, out->number, num);
		mlog(MLOG_INFO, "counter %s: %s %s", a->app.term->id, ticket_op_name(qa->op), num);
	}
	return rc;
}

/* The newest submission linked to ticket id, 0 when none. */
static enum mdg_status submission_of(struct counter_app *a, int64_t ticket_id,
				     struct submission *out, bool *found, struct mdg_err *err)
{
	struct submission_filter f = { .ticket_id = ticket_id, .limit = 1 };
	struct submission *v = NULL;
	size_t n = 0;
	enum mdg_status rc = submission_list(a->app.site.st, &f, &v, &n, err);
	*found = !rc && n > 0;
	if (*found)
		*out = v[0];
	free(v);
	return rc;
}

static enum mdg_status open_case(void *ctx, const char *text, bool scanned, struct counter_case *c,
				 struct mdg_err *err)
{
	struct counter_app *a = ctx;
	memset(c, 0, sizeof *c);
	/* the site key, in locked memory for this one operation: the code's MAC and the values */
	struct keyring *ring = NULL;
	enum mdg_status rc = keyring_load(a->app.site.cfg->key_file, &ring, err);
	if (rc)
		return rc;
	if (scanned || strncmp(text, "MDG1", 4) == 0) {
		enum ticketcode_verdict v = TC_MALFORMED;
		if ((rc = queue_verify_code(a->app.site.st, a->app.site.cfg->site_id, keyring_ticket_mac,
					    ring, text, site_now(), &v, &c->ticket, err)))
			goto out;
		if (v != TC_VALID) {
			mlog(MLOG_WARN, "counter %s: a scanned code was refused: %s", a->app.term->id,
			     ticketcode_verdict_name(v));
			rc = mdg_err_set(err, MDG_ERR_INVALID, "%s", ticketcode_verdict_str(v));
			goto out;
		}
	} else if ((rc = queue_find(a->app.site.st, text, NULL, site_now(), &c->ticket, err))) {
		goto out;
	}
	char num[8], target[48];
	ticket_format_number(c->ticket.service, c->ticket.number, num);
	snprintf(target, sizeof target, "ticket:%s", num);
	struct submission meta;
	bool found;
	if ((rc = staff_authorize(a->app.site.st, a->who.id, a->who.role, ACT_SUBMISSION_VIEW, target,
				  site_now(), err)) ||
	    (rc = submission_of(a, c->ticket.id, &meta, &found, err)) || !found)
		goto out; /* without a submission, the clerk chooses a form */
	const struct form *f = forms_find(&a->app.forms, meta.form_id);
	if (!f) {
		rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "the form %s of %s is not installed here",
				 meta.form_id, num);
		goto out;
	}
	if ((rc = submission_load(a->app.site.st, ring, meta.id, f, a->who.id, site_now(), &meta,
				  &c->vals, err)))
		goto out;
	c->form = f;
	c->submission = meta.id;
	c->from_kiosk = meta.place == SUB_KIOSK;
	mlog(MLOG_INFO, "counter %s: %s opened submission %lld of %s", a->app.term->id, a->who.id,
	     (long long)meta.id, num);
out:
	keyring_free(&ring);
	return rc;
}

static enum mdg_status save(void *ctx, struct counter_case *c, struct mdg_err *err)
{
	struct counter_app *a = ctx;
	if (!c->form)
		return MDG_OK;
	struct keyring *ring = NULL;
	enum mdg_status rc = keyring_load(a->app.site.cfg->key_file, &ring, err);
	if (rc)
		return rc;
	if (c->submission) {
		rc = submission_update(a->app.site.st, ring, c->submission, c->form, &c->vals, a->who.id,
				       site_now(), err);
	} else {
		struct submission_new in = {
			.form = c->form, .vals = &c->vals, .lang = c->ticket.lang[0] ? c->ticket.lang : "ja",
			.place = SUB_COUNTER, .terminal = a->app.term->id, .ticket_id = c->ticket.id,
			.status = SUB_SUBMITTED, .retention_hours = a->app.site.cfg->retention_hours,
			.actor = a->who.id,
		};
		struct submission out;
		rc = submission_create(a->app.site.st, ring, &in, site_now(), &out, err);
		if (!rc)
			c->submission = out.id;
	}
	keyring_free(&ring);
	if (rc)
		mlog(MLOG_WARN, "counter %s: saving a form failed: %s", a->app.term->id, err->msg);
	return rc;
}

static enum mdg_status print(void *ctx, struct counter_case *c, const char *pin, size_t len,
			     struct mdg_err *err)
{
	struct counter_app *a = ctx;
	if (!a->app.term->printer)
		return mdg_err_set(err, MDG_ERR_CONFIG, "terminal %s has no printer in the site file",
				   a->app.term->id);
	char num[8], today[BIZDATE_LEN], ref[32];
	ticket_format_number(c->ticket.service, c->ticket.number, num);
	bizdate_of_ms(site_now(), today);
	snprintf(ref, sizeof ref, "S%lld", (long long)c->submission);
	char *number = NULL;
	enum mdg_status rc = MDG_OK;
	if (c->form->needs_my_number) {
		if (!(number = secure_alloc(13, err)))
			return err->code;
		rc = cardread_my_number(a->app.term->reader, 2000, pin, len, number, err);
	}
	struct formpdf_opts o = {
		.lang = c->ticket.lang[0] ? c->ticket.lang : "ja",
		.office = textmap_get(&a->app.site.cfg->site_name, "ja"),
		.ticket = c->ticket.id ? num : NULL, .reference = c->submission ? ref : NULL,
		.today = today, .my_number = number,
	};
	struct formpdf_buf buf = { 0 };
	struct formpdf_stats st = { 0 };
	if (!rc)
		rc = formpdf_render_mem(c->form, &c->vals, &o, &buf, &st, err);
	secure_free(number); /* wiped: printed, never stored */
	if (!rc)
		rc = sink_send(a->app.term->printer, buf.data, buf.len, 10000, c->form->id, err);
	formpdf_buf_free(&buf);
	if (!rc && c->submission)
		rc = submission_mark_printed(a->app.site.st, c->submission, a->who.id, site_now(), err);
	if (rc)
		mlog(MLOG_WARN, "counter %s: printing %s failed: %s", a->app.term->id, num, err->msg);
	else
		mlog(MLOG_INFO, "counter %s: printed the form of %s (%d pages)", a->app.term->id, num, st.pages);
	return rc;
}

/* Opens the counter's reader for one operation (it is closed, the card unpowered, after it). */
static enum mdg_status card_begin(struct counter_app *a, struct pcsc **p, struct mynacard *c,
				  struct mdg_err *err)
{
	enum mdg_status rc = pcsc_open(a->app.term->reader, 0, p, err);
	if (rc)
		return rc == MDG_ERR_NOT_FOUND ? mdg_err_set(err, MDG_ERR_IO, "%s", err->msg) : rc;
	*c = (struct mynacard){ .ops = &pcsc_transport, .ctx = *p };
	return MDG_OK;
}

static enum mdg_status card_tries(void *ctx, int *tries, struct mdg_err *err)
{
	struct counter_app *a = ctx;
	struct pcsc *p = NULL;
	struct mynacard c;
	enum apdu_pin_state st;
	enum mdg_status rc = card_begin(a, &p, &c, err);
	if (!rc)
		rc = mynacard_select_kenhojo(&c, err);
	if (!rc)
		rc = mynacard_key_state(&c, MYNA_KEY_PIN, &st, tries, err);
	if (!rc && st == APDU_PIN_BLOCKED)
		*tries = 0;
	pcsc_close(&p);
	return rc;
}

static enum mdg_status card_read(void *ctx, bool code_b, const char *secret, size_t len,
				 struct card_basic4 *out, int *tries_left, struct mdg_err *err)
{
	struct counter_app *a = ctx;
	struct pcsc *p = NULL;
	struct mynacard c;
	enum pin_decision d;
	enum apdu_pin_state st;
	enum mdg_status rc = card_begin(a, &p, &c, err);
	if (!rc)
		rc = mynacard_select_kenhojo(&c, err);
	if (!rc)
		rc = mynacard_verify(&c, code_b ? MYNA_KEY_CODE_B : MYNA_KEY_PIN, PIN_AT_COUNTER, secret,
				     len, &d, &st, tries_left, err);
	if (!rc)
		rc = mynacard_read_basic4(&c, out, err);
	pcsc_close(&p);
	mlog(MLOG_INFO, "counter %s: %s read a card (%s): %s", a->app.term->id, a->who.id,
	     code_b ? "number B" : "PIN", rc ? mdg_status_str(rc) : "ok");
	return rc;
}

static enum mdg_status card_status(void *ctx, struct mynacard_status *out, struct mdg_err *err)
{
	struct counter_app *a = ctx;
	struct pcsc *p = NULL;
	struct mynacard c;
	enum mdg_status rc = card_begin(a, &p, &c, err);
	if (!rc)
		rc = mynacard_status(&c, out, err);
	pcsc_close(&p);
	return rc;
}

static enum mdg_status session_start(void *ctx, struct help_session *s, struct mdg_err *err)
{
	struct counter_app *a = ctx;
	s->counter = a->app.term->counter;
	snprintf(s->staff, sizeof s->staff, "%s", a->who.id);
	return helpsession_start(a->app.site.st, s, site_now(), a->who.id, &s->id, err);
}

static enum mdg_status session_finish(void *ctx, struct help_session *s, struct mdg_err *err)
{
	struct counter_app *a = ctx;
	return helpsession_finish(a->app.site.st, s->id, s, site_now(), a->who.id, err);
}

static int run_counter(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct counter_app a = { 0 };
	struct term_opts to = { .in_fd = -1, .out_fd = -1, .kiosk = !cli_has(call, "no-raw"),
				.theme = cli_has(call, "dark") ? TERM_THEME_DARK : TERM_THEME_LIGHT,
				.min_cols = 80, .min_rows = 24 };
	if (termapp_open(call, MDG_ROLE_COUNTER, "counter", &to, &a.app, &err))
		return cli_fail(call, &err);
	struct counter_ops ops = {
		.ctx = &a, .login = login, .logout = logout, .allowed = allowed, .status = status,
		.act = act, .open = open_case, .save = save, .print = print, .card_tries = card_tries,
		.card_read = card_read, .card_status = card_status, .session_start = session_start,
		.session_finish = session_finish,
	};
	struct counter_setup cs = {
		.cfg = a.app.site.cfg, .counter = a.app.term->counter,
		.forms = (const struct form *const *)a.app.forms.v, .n_forms = a.app.forms.n,
		.ops = &ops, .language = a.app.term->language,
	};
	char id[40];
	snprintf(id, sizeof id, "%s", a.app.term->id);
	mlog(MLOG_INFO, "counter %s (counter %d) started", id, a.app.term->counter);
	int code = counter_run(a.app.t, &cs);
	termapp_close(&a.app);
	mlog(MLOG_INFO, "counter %s stopped", id);
	return code;
}

const struct cli_cmd cmd_counter_table[] = {
	{ .group = "counter", .run = run_counter,
	  .summary = "the clerk's screen at a counter: login, the queue, the resident's form, the card"
		     " check, help sessions",
	  .opts = { { "terminal", "ID", "the counter terminal of the site file (or $MADOGUCHI_TERMINAL)" },
		    { "forms", "DIR", "the forms folder (default: $MADOGUCHI_FORMS, then the installed one)" },
		    { "dark", NULL, "white on black instead of black on white" },
		    { "no-raw", NULL, "let Ctrl-C and Ctrl-Z work (for trying it out)" } } },
	{ 0 },
};
