/* SPDX-License-Identifier: MIT */
/* cmd_queue: madoguchi queue status|call|recall|noshow|hold|finish|cancel|transfer. */
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/i18n.h"
#include "core/text.h"
#include "store/queue.h"

static void print_ticket_result(const struct cli_call *call, const struct site *site,
				const struct ticket *t, const char *verb)
{
	char num[8];
	ticket_format_number(t->service, t->number, num);
	if (call->json) {
		out_json_ticket_result(t);
		return;
	}
	const char *lang = out_language(site->cfg);
	switch (t->state) {
	case TICKET_CALLED:
		printf(_("%s %s to counter %d (%s).\n"), verb, num, t->counter,
		       out_service_name(site->cfg, t->queue, lang));
		break;
	case TICKET_WAITING:
		printf(_("%s now waits in queue %s (%s), in its original place.\n"), num, t->queue,
		       out_service_name(site->cfg, t->queue, lang));
		break;
	default:
		printf(_("%s is now %s.\n"), num, _(ticket_state_name(t->state)));
		break;
	}
}

static int run_call(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	long counter = 0;
	if (cli_get_int(call, "counter", 1, 99, &counter, &err))
		return cli_fail(call, &err);
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	struct ticket t;
	enum mdg_status rc;
	if (cli_has(call, "ticket")) {
		struct queue_action a = { .op = TICKET_OP_CALL, .number = cli_get(call, "ticket"),
					  .counter = (int)counter, .staff = cli_get(call, "staff") };
		rc = queue_apply(site.st, site.cfg, &a, site_now(), &t, &err);
	} else {
		rc = queue_call_next(site.st, site.cfg, (int)counter, cli_get(call, "staff"), site_now(),
				     &t, &err);
	}
	if (rc) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	print_ticket_result(call, &site, &t, _("Called"));
	site_close(&site);
	return 0;
}

/* recall, noshow, hold, finish, cancel and transfer differ only in their operation. */
static int run_action(const struct cli_call *call, enum ticket_op op)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	struct queue_action a = {
		.op = op, .number = cli_get(call, "ticket"), .staff = cli_get(call, "staff"),
		.to_service = cli_get(call, "service"), .outcome = cli_get(call, "outcome"),
		.reason = cli_get(call, "reason"),
	};
	struct ticket t;
	if (queue_apply(site.st, site.cfg, &a, site_now(), &t, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	print_ticket_result(call, &site, &t, _("Recalled"));
	site_close(&site);
	return 0;
}

static int run_recall(const struct cli_call *c) { return run_action(c, TICKET_OP_RECALL); }
static int run_noshow(const struct cli_call *c) { return run_action(c, TICKET_OP_NO_SHOW); }
static int run_hold(const struct cli_call *c) { return run_action(c, TICKET_OP_HOLD); }
static int run_finish(const struct cli_call *c) { return run_action(c, TICKET_OP_FINISH); }
static int run_cancel(const struct cli_call *c) { return run_action(c, TICKET_OP_CANCEL); }
static int run_transfer(const struct cli_call *c) { return run_action(c, TICKET_OP_TRANSFER); }

static void status_json(const struct queue_status *q)
{
	struct json_writer j;
	out_json_open(&j);
	json_str(&j, "business_date", q->bizdate);
	json_int(&j, "now_ms", q->now_ms);
	json_arr_begin(&j, "services");
	for (size_t i = 0; i < q->n_services; i++) {
		const struct queue_service_status *s = &q->services[i];
		json_obj_begin(&j, NULL);
		json_str(&j, "service", s->letter);
		json_int(&j, "waiting", s->waiting);
		json_int(&j, "priority_waiting", s->priority_waiting);
		json_int(&j, "held", s->held);
		json_int(&j, "called", s->called);
		json_int(&j, "issued_today", s->issued_today);
		json_int(&j, "longest_wait_ms", s->longest_wait_ms);
		json_int(&j, "longest_priority_wait_ms", s->longest_priority_wait_ms);
		json_int(&j, "next_eta_min", s->next.eta_min);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_arr_begin(&j, "open");
	for (size_t i = 0; i < q->n_open; i++)
		out_json_ticket(&j, NULL, &q->open[i]);
	json_arr_end(&j);
	out_json_close(&j);
}

static void status_text(const struct site *site, const struct queue_status *q)
{
	const char *lang = out_language(site->cfg);
	char now[8];
	out_clock(q->now_ms, now);
	printf(_("Queue on %s at %s\n\n"), q->bizdate, now);
	out_cell(stdout, _("Service"), 22, " ");
	out_cell(stdout, _("Waiting"), 8, " ");
	out_cell(stdout, _("Priority"), 8, " ");
	out_cell(stdout, _("Longest"), 8, " ");
	out_cell(stdout, _("Next ETA"), 8, " ");
	out_cell(stdout, _("Issued"), 6, "\n");
	for (size_t i = 0; i < q->n_services; i++) {
		const struct queue_service_status *s = &q->services[i];
		char name[96], w[16], p[16], l[16], e[16], n[16];
		snprintf(name, sizeof name, "%s %s", s->letter, out_service_name(site->cfg, s->letter, lang));
		snprintf(w, sizeof w, "%d", s->waiting);
		snprintf(p, sizeof p, "%d", s->priority_waiting);
		snprintf(l, sizeof l, _("%ld min"), out_minutes(s->longest_wait_ms));
		snprintf(e, sizeof e, _("%d min"), s->next.eta_min);
		snprintf(n, sizeof n, "%d", s->issued_today);
		out_cell(stdout, name, 22, " ");
		out_cell(stdout, w, 8, " ");
		out_cell(stdout, p, 8, " ");
		out_cell(stdout, l, 8, " ");
		out_cell(stdout, e, 8, " ");
		out_cell(stdout, n, 6, "\n");
	}
	bool header = false;
	for (size_t i = 0; i < q->n_open; i++) {
		const struct ticket *t = &q->open[i];
		if (t->state == TICKET_WAITING)
			continue;
		if (!header) {
			printf("\n%s\n", _("At counters and on hold:"));
			header = true;
		}
		char num[8], at[8];
		ticket_format_number(t->service, t->number, num);
		out_clock(t->served_ms, at);
		if (t->state == TICKET_CALLED)
			printf(_("  %s  counter %d since %s\n"), num, t->counter, at);
		else
			printf(_("  %s  on hold (queue %s)\n"), num, t->queue);
	}
	header = false;
	for (size_t i = 0; i < q->n_open; i++) {
		const struct ticket *t = &q->open[i];
		if (t->state != TICKET_WAITING)
			continue;
		if (!header) {
			printf("\n%s\n", _("Waiting:"));
			header = true;
		}
		char num[8], at[8];
		ticket_format_number(t->service, t->number, num);
		out_clock(t->queue_ms, at);
		printf("  %s  %s  %s%s%s\n", num, at, t->queue,
		       t->priority != PRIO_NONE ? "  * " : "",
		       t->priority != PRIO_NONE ? _(ticket_priority_name(t->priority)) : "");
	}
}

static int run_status(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	struct queue_status q;
	if (queue_status(site.st, site.cfg, site_now(), &q, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	if (call->json)
		status_json(&q);
	else
		status_text(&site, &q);
	queue_status_free(&q);
	site_close(&site);
	return 0;
}

#define TICKET_OPT { "ticket", "NUMBER", "the ticket, e.g. A-042", .required = true }
#define STAFF_OPT { "staff", "ID", "who acts (staff id)" }

const struct cli_cmd cmd_queue_table[] = {
	{ .group = "queue", .name = "status", .run = run_status,
	  .summary = "today's queue: waiting per service, longest wait, counters, held tickets" },
	{ .group = "queue", .name = "call", .run = run_call,
	  .summary = "call the next ticket for a counter (by the policy), or a given ticket",
	  .opts = { { "counter", "N", "the calling counter", .required = true },
		    { "ticket", "NUMBER", "call this ticket instead of the next (e.g. a held one)" },
		    STAFF_OPT } },
	{ .group = "queue", .name = "recall", .run = run_recall,
	  .summary = "call a called ticket again", .opts = { TICKET_OPT, STAFF_OPT } },
	{ .group = "queue", .name = "noshow", .run = run_noshow,
	  .summary = "mark a called ticket as not come (after the configured recalls)",
	  .opts = { TICKET_OPT, STAFF_OPT } },
	{ .group = "queue", .name = "hold", .run = run_hold,
	  .summary = "park a ticket; it is called again only by its number",
	  .opts = { TICKET_OPT, STAFF_OPT } },
	{ .group = "queue", .name = "finish", .run = run_finish,
	  .summary = "finish serving a called ticket",
	  .opts = { TICKET_OPT, STAFF_OPT, { "outcome", "CODE", "outcome code (e.g. done, referred)" } } },
	{ .group = "queue", .name = "cancel", .run = run_cancel,
	  .summary = "the resident left (walked out); ends the ticket",
	  .opts = { TICKET_OPT, STAFF_OPT, { "reason", "TEXT", "why" } } },
	{ .group = "queue", .name = "transfer", .run = run_transfer,
	  .summary = "move a ticket to another service's queue, keeping its original place",
	  .opts = { TICKET_OPT, { "service", "LETTER", "the target service", .required = true },
		    STAFF_OPT } },
	{ 0 },
};
