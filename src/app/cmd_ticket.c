/* SPDX-License-Identifier: MIT */
/* cmd_ticket: madoguchi ticket issue|show|void. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/i18n.h"
#include "app/ticketprint.h"
#include "secure/keys.h"
#include "store/queue.h"

/* The terminal named by --terminal or $MADOGUCHI_TERMINAL, or NULL (with err set when a name
 * was given but is not in the config). */
static const struct mdg_terminal *pick_terminal(const struct cli_call *call, const struct site *site,
						struct mdg_err *err)
{
	const char *id = cli_get(call, "terminal");
	if (!id)
		id = getenv("MADOGUCHI_TERMINAL");
	if (!id || !*id)
		return NULL;
	const struct mdg_terminal *t = config_terminal(site->cfg, id);
	if (!t)
		mdg_err_set(err, MDG_ERR_NOT_FOUND, "unknown terminal '%s'", id);
	return t;
}

static int run_issue(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	const char *prio_name = cli_get(call, "priority");
	int prio = ticket_priority_parse(prio_name);
	if (prio < 0) {
		mdg_err_set(&err, MDG_ERR_USAGE,
			    "--priority is one of elderly, disability, pregnant, child (not '%s')", prio_name);
		return cli_fail(call, &err);
	}
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	const char *lang = cli_get(call, "lang");
	if (lang) {
		bool offered = false;
		for (size_t i = 0; i < site.cfg->n_languages; i++)
			offered |= strcmp(site.cfg->languages[i], lang) == 0;
		if (!offered) {
			mdg_err_set(&err, MDG_ERR_INVALID, "language '%s' is not offered at this site", lang);
			site_close(&site);
			return cli_fail(call, &err);
		}
	}
	struct ticket t;
	struct queue_eta eta;
	const struct mdg_terminal *term = pick_terminal(call, &site, &err);
	if (err.code || queue_issue(site.st, site.cfg, cli_get(call, "service"),
				    (enum ticket_priority)prio, lang, site_now(), &t, &eta, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	/* The number is committed; now the paper. A failed print keeps the number. */
	struct ticketprint_result pr = { 0 };
	struct mdg_err perr = { 0 };
	if (term && term->printer) {
		struct ticketprint_opts o = { .sink = term->printer, .paper_mm = term->paper_mm };
		ticketprint(&site, &t, &o, &pr, &perr);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		out_json_ticket(&j, "ticket", &t);
		json_int(&j, "ahead", eta.ahead);
		json_int(&j, "eta_min", eta.eta_min);
		json_int(&j, "counters", eta.counters);
		json_real(&j, "median_service_min", eta.median_service_min);
		if (term && term->printer) {
			json_bool(&j, "printed", pr.printed);
			json_str(&j, "print_error", perr.code ? perr.msg : NULL);
		}
		out_json_close(&j);
	} else {
		/* The slip speaks the resident's language. */
		i18n_set_language(t.lang);
		char num[8], at[8];
		ticket_format_number(t.service, t.number, num);
		out_clock(t.issued_ms, at);
		printf(_("Ticket %s  %s\n"), num, out_service_name(site.cfg, t.service, t.lang));
		printf(ngettext("%d person ahead of you, about %d min.\n",
				"%d people ahead of you, about %d min.\n", eta.ahead),
		       eta.ahead, eta.eta_min);
		printf(_("Issued at %s. Please wait until your number is called.\n"), at);
	}
	site_close(&site);
	if (perr.code) {
		fprintf(stderr, "madoguchi: %s\n", perr.msg);
		return mdg_status_exit(perr.code);
	}
	return 0;
}

static void print_result(const struct cli_call *call, const char *num,
			 const struct ticketprint_result *r, const char *sink)
{
	if (call->json)
		return;
	if (r->printed)
		printf(_("Printed %s on %s (%zu bytes).\n"), num, sink, r->bytes);
}

static int run_print(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct ticket t;
	long paper = 0;
	if (cli_get_int(call, "paper", 58, 80, &paper, &err))
		return cli_fail(call, &err);
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	const struct mdg_terminal *term = pick_terminal(call, &site, &err);
	if (err.code || queue_find(site.st, call->args[0], cli_get(call, "date"), site_now(), &t, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	struct ticketprint_opts o = {
		.sink = cli_get(call, "to") ? cli_get(call, "to") : term ? term->printer : NULL,
		.png = cli_get(call, "png"), .svg = cli_get(call, "svg"), .lang = cli_get(call, "lang"),
		.paper_mm = paper ? (int)paper : term ? term->paper_mm : 80,
	};
	if (!o.sink && !o.png && !o.svg) {
		mdg_err_set(&err, MDG_ERR_USAGE, "nowhere to print: give --to SINK, --terminal ID,"
			    " --png FILE or --svg FILE");
		site_close(&site);
		return cli_fail(call, &err);
	}
	struct ticketprint_result r;
	char num[8];
	ticket_format_number(t.service, t.number, num);
	if (ticketprint(&site, &t, &o, &r, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_bool(&j, "printed", r.printed);
		json_int(&j, "bytes", (int64_t)r.bytes);
		json_int(&j, "qr_version", r.qr_version);
		json_int(&j, "text_lines", r.text_lines);
		json_int(&j, "raster_lines", r.raster_lines);
		out_json_ticket(&j, "ticket", &t);
		out_json_close(&j);
	}
	print_result(call, num, &r, o.sink);
	site_close(&site);
	return 0;
}

static int run_unprinted(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct ticket *t = NULL;
	size_t n = 0;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	if (queue_unprinted(site.st, site_now(), &t, &n, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_arr_begin(&j, "tickets");
		for (size_t i = 0; i < n; i++)
			out_json_ticket(&j, NULL, &t[i]);
		json_arr_end(&j);
		out_json_close(&j);
	} else if (n == 0) {
		printf("%s\n", _("Every ticket of today was printed."));
	} else {
		printf("%s\n", _("Issued but not printed (reprint with 'ticket print', or void):"));
		for (size_t i = 0; i < n; i++) {
			char num[8], at[8];
			ticket_format_number(t[i].service, t[i].number, num);
			out_clock(t[i].issued_ms, at);
			printf("  %s  %s  %s\n", num, at, _(ticket_state_name(t[i].state)));
		}
	}
	free(t);
	site_close(&site);
	return 0;
}

static int run_show(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	const char *date = cli_get(call, "date");
	if (date && !bizdate_valid(date)) {
		mdg_err_set(&err, MDG_ERR_USAGE, "--date wants YYYY-MM-DD, not '%s'", date);
		return cli_fail(call, &err);
	}
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	struct ticket t;
	if (queue_find(site.st, call->args[0], date, site_now(), &t, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		out_json_ticket_result(&t);
	} else {
		char num[8], issued[8], called[8], ended[8];
		ticket_format_number(t.service, t.number, num);
		out_clock(t.issued_ms, issued);
		out_clock(t.called_ms, called);
		out_clock(t.ended_ms, ended);
		const char *lang = out_language(site.cfg);
		printf("%s  %s  %s  %s\n", num, t.bizdate, out_service_name(site.cfg, t.queue, lang),
		       _(ticket_state_name(t.state)));
		printf(_("issued %s, first called %s, ended %s"), issued, called, ended);
		if (t.counter)
			printf(_(", counter %d"), t.counter);
		if (t.priority != PRIO_NONE)
			printf(_(", priority: %s"), _(ticket_priority_name(t.priority)));
		printf("\n");
	}
	site_close(&site);
	return 0;
}

static int run_void(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	struct queue_action a = {
		.op = TICKET_OP_VOID, .number = cli_get(call, "ticket"), .staff = cli_get(call, "staff"),
		.reason = cli_get(call, "reason"),
	};
	struct ticket t;
	if (queue_apply(site.st, site.cfg, &a, site_now(), &t, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	char num[8];
	ticket_format_number(t.service, t.number, num);
	if (call->json) {
		out_json_ticket_result(&t);
	} else {
		printf(_("Ticket %s voided.\n"), num);
	}
	site_close(&site);
	return 0;
}

static int run_code(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct keyring *ring = NULL;
	struct ticket t;
	struct ticketcode c;
	char payload[TICKETCODE_MAX];
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	if (keyring_load(site.cfg->key_file, &ring, &err) ||
	    queue_find(site.st, call->args[0], cli_get(call, "date"), site_now(), &t, &err))
		goto fail;
	ticketcode_of_ticket(&t, site.cfg->site_id, keyring_current_id(ring), &c);
	if (ticketcode_format(&c, keyring_ticket_mac, ring, payload, &err))
		goto fail;
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "payload", payload);
		json_int(&j, "key", c.key_id);
		out_json_close(&j);
	} else {
		printf("%s\n", payload);
	}
	keyring_free(&ring);
	site_close(&site);
	return 0;
fail:
	keyring_free(&ring);
	site_close(&site);
	return cli_fail(call, &err);
}

static int run_verify(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct keyring *ring = NULL;
	struct ticket t;
	enum ticketcode_verdict v;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	if (keyring_load(site.cfg->key_file, &ring, &err) ||
	    queue_verify_code(site.st, site.cfg->site_id, keyring_ticket_mac, ring, call->args[0],
			      site_now(), &v, &t, &err)) {
		keyring_free(&ring);
		site_close(&site);
		return cli_fail(call, &err);
	}
	keyring_free(&ring);
	if (call->json) {
		struct json_writer j;
		json_begin(&j, stdout);
		json_obj_begin(&j, NULL);
		json_bool(&j, "ok", v == TC_VALID);
		json_str(&j, "verdict", ticketcode_verdict_name(v));
		json_str(&j, "reason", ticketcode_verdict_str(v));
		if (v == TC_VALID)
			out_json_ticket(&j, "ticket", &t);
		out_json_close(&j);
	} else if (v == TC_VALID) {
		char num[8];
		ticket_format_number(t.service, t.number, num);
		printf(_("Valid: ticket %s of %s (%s).\n"), num, t.bizdate, _(ticket_state_name(t.state)));
	} else {
		fprintf(stderr, "madoguchi: %s\n", ticketcode_verdict_str(v));
	}
	site_close(&site);
	return v == TC_VALID ? 0 : 2;
}

const struct cli_cmd cmd_ticket_table[] = {
	{ .group = "ticket", .name = "issue", .run = run_issue,
	  .summary = "issue a queue ticket: prints the number, people ahead and the estimated wait",
	  .opts = {
		{ "service", "LETTER", "the service, e.g. A", .required = true },
		{ "priority", "REASON", "elderly | disability | pregnant | child" },
		{ "lang", "LANG", "the resident's language (one the site offers)" },
		{ "terminal", "ID", "print on this terminal's printer (default: $MADOGUCHI_TERMINAL)" },
	  } },
	{ .group = "ticket", .name = "print", .run = run_print, .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .summary = "print (or reprint) a ticket: ESC/POS to a sink, previews as PNG/SVG",
	  .opts = {
		{ "to", "SINK", "file:/PATH, device:/PATH, tcp:HOST:PORT or cups:QUEUE" },
		{ "terminal", "ID", "use this terminal's printer and paper (default: $MADOGUCHI_TERMINAL)" },
		{ "png", "FILE", "write the ticket as the printer's raster, as PNG" },
		{ "svg", "FILE", "write the Code 128 of the number as SVG" },
		{ "lang", "LANG", "language of the slip (default: the ticket's)" },
		{ "paper", "MM", "58 or 80 (default: the terminal's, else 80)" },
		{ "date", "YYYY-MM-DD", "business date (default: today)" },
	  } },
	{ .group = "ticket", .name = "show", .run = run_show, .args = "NUMBER", .min_args = 1,
	  .max_args = 1, .summary = "show one ticket (today's, or of --date)",
	  .opts = { { "date", "YYYY-MM-DD", "business date (default: today)" } } },
	{ .group = "ticket", .name = "code", .run = run_code, .args = "NUMBER", .min_args = 1,
	  .max_args = 1, .summary = "print the signed MDG1 code of a ticket (what its QR code holds)",
	  .opts = { { "date", "YYYY-MM-DD", "business date (default: today)" } } },
	{ .group = "ticket", .name = "verify", .run = run_verify, .args = "PAYLOAD", .min_args = 1,
	  .max_args = 1,
	  .summary = "check a scanned ticket code: valid, or why not (exit 2: refused)" },
	{ .group = "ticket", .name = "unprinted", .run = run_unprinted,
	  .summary = "today's tickets issued but never printed: reprint or void each (after a crash)" },
	{ .group = "ticket", .name = "void", .run = run_void,
	  .summary = "void a waiting ticket that never reached the resident (audited)",
	  .opts = {
		{ "ticket", "NUMBER", "the ticket, e.g. A-042", .required = true },
		{ "reason", "TEXT", "why (e.g. printer jam)" },
		{ "staff", "ID", "who voids it" },
	  } },
	{ 0 },
};
