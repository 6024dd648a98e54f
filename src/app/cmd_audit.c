/* SPDX-License-Identifier: MIT */
/* cmd_audit: madoguchi audit verify|list, for supervisors and admins (--as, app/auth.h).
 * verify walks the hash chain and names the first bad row and what happened to it (exit 1);
 * list prints rows by time. store/audit.h says what the chain can and cannot prove. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/auth.h"
#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/bizdate.h"
#include "core/i18n.h"
#include "core/json.h"
#include "store/audit.h"

static int run_verify(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct staff_info who;
	struct audit_verify v;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	if (auth_cli(call, &site, ACT_AUDIT_VERIFY, NULL, &who, &err) ||
	    audit_verify(site.st, &v, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	site_close(&site);
	if (call->json) {
		struct json_writer j;
		json_begin(&j, stdout);
		json_obj_begin(&j, NULL);
		json_bool(&j, "ok", v.ok);
		json_bool(&j, "intact", v.ok);
		json_int(&j, "rows", v.rows);
		if (!v.ok) {
			json_int(&j, "bad_seq", v.bad_seq);
			json_str(&j, "problem", audit_problem_name(v.kind));
			json_str(&j, "message", v.problem);
		}
		json_obj_end(&j);
		json_end(&j);
	} else if (v.ok) {
		printf(_("Audit chain intact: %lld rows.\n"), (long long)v.rows);
	} else {
		fprintf(stderr, _("madoguchi: the audit chain is broken at row %lld (%s): %s\n"),
			(long long)v.bad_seq, _(audit_problem_name(v.kind)), v.problem);
	}
	return v.ok ? 0 : 1;
}

/* Local midnight of a business date, in UTC ms; false for a bad date. */
static bool date_ms(const char *date, int64_t *ms)
{
	int y, m, d;
	if (!bizdate_valid(date) || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1 };
	*ms = (int64_t)mktime(&tm) * 1000;
	return true;
}

struct list_ctx {
	const struct cli_call *call;
	struct json_writer *j;
};

static int print_row(void *ctx, const struct audit_row *r)
{
	struct list_ctx *c = ctx;
	if (c->j) {
		json_obj_begin(c->j, NULL);
		json_int(c->j, "seq", r->seq);
		json_int(c->j, "at_ms", r->at_ms);
		json_str(c->j, "actor", r->actor);
		json_str(c->j, "action", r->action);
		json_str(c->j, "target", r->target);
		json_str(c->j, "detail", r->detail);
		json_obj_end(c->j);
		return 0;
	}
	char date[BIZDATE_LEN], clock[8];
	bizdate_of_ms(r->at_ms, date);
	bizclock_hhmm(r->at_ms, clock);
	printf("%6lld %s %s ", (long long)r->seq, date, clock);
	out_cell(stdout, r->actor, 12, " ");
	out_cell(stdout, r->action, 20, " ");
	out_cell(stdout, r->target, 16, " ");
	printf("%s\n", r->detail);
	return 0;
}

static int run_list(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct staff_info who;
	int64_t from = 0, to = 0;
	const char *f = cli_get(call, "from"), *t = cli_get(call, "to");
	if ((f && !date_ms(f, &from)) || (t && !date_ms(t, &to))) {
		mdg_err_set(&err, MDG_ERR_USAGE, _("--from and --to take a date YYYY-MM-DD"));
		return cli_fail(call, &err);
	}
	if (t) { /* --to is the last day, included */
		char next[BIZDATE_LEN];
		if (!bizdate_add_days(t, 1, next) || !date_ms(next, &to))
			to = 0;
	}
	if (site_open(call, 0, &site, &err)) /* not read-only: the login is audited */
		return cli_fail(call, &err);
	if (auth_cli(call, &site, ACT_AUDIT_VIEW, NULL, &who, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	struct json_writer j;
	struct list_ctx c = { call, call->json ? &j : NULL };
	if (c.j) {
		out_json_open(&j);
		json_arr_begin(&j, "rows");
	}
	enum mdg_status rc = audit_list(site.st, from, to, print_row, &c, &err);
	if (c.j) {
		json_arr_end(&j);
		out_json_close(&j);
	}
	site_close(&site);
	return rc ? cli_fail(call, &err) : 0;
}

const struct cli_cmd cmd_audit_table[] = {
	{ .group = "audit", .name = "verify", .run = run_verify,
	  .summary = "walk the audit hash chain; exit 1 naming the first edited, deleted or reordered row",
	  .opts = { AUTH_OPT_AS } },
	{ .group = "audit", .name = "list", .run = run_list,
	  .summary = "audit rows (who did what to which record), oldest first",
	  .opts = { { "from", "YYYY-MM-DD", "first day (default: the first row)" },
		    { "to", "YYYY-MM-DD", "last day (default: the last row)" },
		    AUTH_OPT_AS } },
	{ 0 },
};
