/* SPDX-License-Identifier: MIT */
/* cmd_staff: madoguchi staff add|passwd|role|disable|enable|unlock|list. Every command but the
 * first admin's `staff add` acts as a logged-in person (--as, app/auth.h); PINs come on stdin
 * (the acting person's first, then the new one), never on the command line, and live in
 * locked memory. Hashes are never printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "app/cli.h"
#include "app/out.h"
#include "app/secret.h"
#include "app/site.h"
#include "core/bizdate.h"
#include "core/i18n.h"
#include "core/json.h"
#include "secure/mem.h"
#include "store/staff.h"

#define PIN_BUF 64

/* Opens the site and authorises the caller for a on the target account (args[0]). */
static enum mdg_status begin(const struct cli_call *call, enum action a, struct site *site,
			     struct staff_info *who, struct mdg_err *err)
{
	enum mdg_status rc = site_open(call, 0, site, err);
	if (!rc && (rc = auth_cli(call, site, a, call->args[0], who, err)))
		site_close(site);
	return rc;
}

/* Reads the new PIN (the next line of stdin) and runs set: staff_add or staff_set_pin. */
static enum mdg_status with_new_pin(char **pin, size_t *len, struct mdg_err *err)
{
	if (!(*pin = secure_alloc(PIN_BUF, err)))
		return err->code;
	return secret_read_new(_("New PIN (6 to 12 digits): "), _("The new PIN again: "), *pin, PIN_BUF,
			       len, err);
}

static void json_staff(struct json_writer *j, const char *key, const struct staff_info *s,
		       int64_t now)
{
	json_obj_begin(j, key);
	json_str(j, "id", s->id);
	json_str(j, "name", s->name);
	json_str(j, "role", role_name(s->role));
	json_bool(j, "disabled", s->disabled);
	json_bool(j, "locked", s->locked_until_ms > now);
	json_int(j, "locked_until_ms", s->locked_until_ms > now ? s->locked_until_ms : 0);
	json_int(j, "failures", s->failures);
	json_int(j, "created_ms", s->created_ms);
	json_int(j, "updated_ms", s->updated_ms);
	json_obj_end(j);
}

/* The answer of a command that changed one account: what was done, and the account as it is
 * now. */
static int done(const struct cli_call *call, struct site *site, const char *id, const char *what)
{
	struct mdg_err err = { 0 };
	struct staff_info s;
	if (staff_get(site->st, id, &s, &err)) {
		site_close(site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_staff(&j, "staff", &s, site_now());
		out_json_close(&j);
	} else {
		printf("%s %s (%s, %s)\n", what, s.id, s.name, _(role_name(s.role)));
	}
	site_close(site);
	return 0;
}

static int fail(const struct cli_call *call, struct site *site, const struct mdg_err *err)
{
	site_close(site);
	return cli_fail(call, err);
}

static int run_add(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct staff_info who;
	enum role role;
	const char *id = call->args[0], *name = cli_get(call, "name");
	if (!role_parse(cli_get(call, "role"), &role) || !role_is_staff(role)) {
		mdg_err_set(&err, MDG_ERR_USAGE, _("--role is staff, supervisor or admin"));
		return cli_fail(call, &err);
	}
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	bool first = false;
	enum mdg_status rc = MDG_OK;
	if (!cli_has(call, "as")) {
		/* The first admin needs nobody's PIN: there is nobody yet. After that, the host may
		 * not manage staff (auth_cli denies it and audits the attempt). */
		bool admin = false;
		rc = staff_has_admin(site.st, &admin, &err);
		first = !rc && !admin;
		if (!rc && first && role != ROLE_ADMIN)
			rc = mdg_err_set(&err, MDG_ERR_STATE,
					 _("there is no admin yet: the first account must be an admin (--role admin)"));
	}
	if (!rc && !first)
		rc = auth_cli(call, &site, ACT_STAFF_MANAGE, id, &who, &err);
	char *pin = NULL;
	size_t len = 0;
	if (!rc)
		rc = with_new_pin(&pin, &len, &err);
	if (!rc && first)
		rc = staff_add_first_admin(site.st, id, name, pin, len, site_now(), &err);
	else if (!rc)
		rc = staff_add(site.st, id, name, role, pin, len, site_now(), who.id, &err);
	secure_free(pin);
	if (rc)
		return fail(call, &site, &err);
	return done(call, &site, id, _("Added:"));
}

static int run_passwd(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct staff_info who;
	const char *id = call->args[0], *as = cli_get(call, "as");
	/* One's own PIN needs only one's own; anyone else's is staff management. */
	enum action a = as && strcmp(as, id) == 0 ? ACT_STAFF_SELF_PASSWD : ACT_STAFF_MANAGE;
	if (begin(call, a, &site, &who, &err))
		return cli_fail(call, &err);
	char *pin = NULL;
	size_t len = 0;
	enum mdg_status rc = with_new_pin(&pin, &len, &err);
	if (!rc)
		rc = staff_set_pin(site.st, id, pin, len, site_now(), who.id, &err);
	secure_free(pin);
	if (rc)
		return fail(call, &site, &err);
	return done(call, &site, id, _("New PIN set:"));
}

static int run_role(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct staff_info who;
	enum role role;
	if (!role_parse(call->args[1], &role) || !role_is_staff(role)) {
		mdg_err_set(&err, MDG_ERR_USAGE, _("the role is staff, supervisor or admin"));
		return cli_fail(call, &err);
	}
	if (begin(call, ACT_STAFF_MANAGE, &site, &who, &err))
		return cli_fail(call, &err);
	if (staff_set_role(site.st, call->args[0], role, site_now(), who.id, &err))
		return fail(call, &site, &err);
	return done(call, &site, call->args[0], _("Role changed:"));
}

static int set_disabled(const struct cli_call *call, bool disabled)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct staff_info who;
	if (begin(call, ACT_STAFF_MANAGE, &site, &who, &err))
		return cli_fail(call, &err);
	if (staff_set_disabled(site.st, call->args[0], disabled, site_now(), who.id, &err))
		return fail(call, &site, &err);
	return done(call, &site, call->args[0],
		    disabled ? _("Disabled:") : _("Enabled:"));
}

static int run_disable(const struct cli_call *call)
{
	return set_disabled(call, true);
}

static int run_enable(const struct cli_call *call)
{
	return set_disabled(call, false);
}

static int run_unlock(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct staff_info who;
	if (begin(call, ACT_STAFF_UNLOCK, &site, &who, &err))
		return cli_fail(call, &err);
	if (staff_unlock(site.st, call->args[0], site_now(), who.id, &err))
		return fail(call, &site, &err);
	return done(call, &site, call->args[0], _("Unlocked:"));
}

static int run_list(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct staff_info who, *all = NULL;
	size_t n = 0;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	if (auth_cli(call, &site, ACT_STAFF_LIST, NULL, &who, &err) ||
	    staff_list(site.st, &all, &n, &err))
		return fail(call, &site, &err);
	int64_t now = site_now();
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_arr_begin(&j, "staff");
		for (size_t i = 0; i < n; i++)
			json_staff(&j, NULL, &all[i], now);
		json_arr_end(&j);
		out_json_close(&j);
	} else {
		out_cell(stdout, _("Id"), 16, " ");
		out_cell(stdout, _("Name"), 24, " ");
		out_cell(stdout, _("Role"), 12, " ");
		out_cell(stdout, _("State"), 24, "\n");
		for (size_t i = 0; i < n; i++) {
			char state[64], until[8];
			bizclock_hhmm(all[i].locked_until_ms, until);
			if (all[i].disabled)
				snprintf(state, sizeof state, "%s", _("disabled"));
			else if (all[i].locked_until_ms > now)
				snprintf(state, sizeof state, _("locked until %s"), until);
			else
				snprintf(state, sizeof state, "%s", _("active"));
			out_cell(stdout, all[i].id, 16, " ");
			out_cell(stdout, all[i].name, 24, " ");
			out_cell(stdout, _(role_name(all[i].role)), 12, " ");
			out_cell(stdout, state, 24, "\n");
		}
	}
	free(all);
	site_close(&site);
	return 0;
}

const struct cli_cmd cmd_staff_table[] = {
	{ .group = "staff", .name = "add", .args = "ID", .min_args = 1, .max_args = 1, .run = run_add,
	  .summary = "add a staff account (new PIN on stdin); without --as only the first, an admin",
	  .opts = { { "name", "NAME", "display name", .required = true },
		    { "role", "ROLE", "staff, supervisor or admin", .required = true },
		    AUTH_OPT_AS } },
	{ .group = "staff", .name = "passwd", .args = "ID", .min_args = 1, .max_args = 1,
	  .run = run_passwd,
	  .summary = "set a staff PIN (new PIN on stdin after the --as PIN); anyone may change their own",
	  .opts = { AUTH_OPT_AS } },
	{ .group = "staff", .name = "role", .args = "ID ROLE", .min_args = 2, .max_args = 2,
	  .run = run_role, .summary = "change a staff account's role (admin)", .opts = { AUTH_OPT_AS } },
	{ .group = "staff", .name = "disable", .args = "ID", .min_args = 1, .max_args = 1,
	  .run = run_disable, .summary = "disable a staff account (admin)", .opts = { AUTH_OPT_AS } },
	{ .group = "staff", .name = "enable", .args = "ID", .min_args = 1, .max_args = 1,
	  .run = run_enable, .summary = "enable a disabled staff account (admin)", .opts = { AUTH_OPT_AS } },
	{ .group = "staff", .name = "unlock", .args = "ID", .min_args = 1, .max_args = 1,
	  .run = run_unlock, .summary = "lift a PIN lockout before it runs out (supervisor, admin)",
	  .opts = { AUTH_OPT_AS } },
	{ .group = "staff", .name = "list", .run = run_list,
	  .summary = "staff accounts: id, name, role, disabled or locked (supervisor, admin)",
	  .opts = { AUTH_OPT_AS } },
	{ 0 },
};
