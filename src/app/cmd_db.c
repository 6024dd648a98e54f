/* SPDX-License-Identifier: MIT */
/* cmd_db: madoguchi db init|migrate|check|backup. */
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/i18n.h"
#include "core/json.h"
#include "store/audit.h"

static int run_init(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, SITE_CREATE, &site, &err))
		return cli_fail(call, &err);
	int from, to;
	store_migration_result(site.st, &from, &to);
	if (from == 0 && audit_append(site.st, site_now(), "cli", "db.init", site.cfg->store_path, NULL,
				      &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "store", site.cfg->store_path);
		json_bool(&j, "created", from == 0);
		json_int(&j, "schema", to);
		out_json_close(&j);
	} else if (from == 0) {
		printf(_("Created the site store %s (schema version %d).\n"), site.cfg->store_path, to);
	} else {
		printf(_("The site store %s exists (schema version %d); nothing to do.\n"),
		       site.cfg->store_path, to);
	}
	site_close(&site);
	return 0;
}

static int run_migrate(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	int from, to;
	store_migration_result(site.st, &from, &to);
	if (from != to)
		audit_append(site.st, site_now(), "cli", "db.migrate", site.cfg->store_path, NULL, &err);
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_int(&j, "from", from);
		json_int(&j, "to", to);
		out_json_close(&j);
	} else if (from != to) {
		printf(_("Migrated %s from schema version %d to %d.\n"), site.cfg->store_path, from, to);
	} else {
		printf(_("%s is at schema version %d; nothing to do.\n"), site.cfg->store_path, to);
	}
	site_close(&site);
	return 0;
}

static int run_check(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct store_check_report r;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	if (store_check(site.st, &r, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		json_begin(&j, stdout);
		json_obj_begin(&j, NULL);
		json_bool(&j, "ok", r.problems == 0);
		json_int(&j, "problems", r.problems);
		json_arr_begin(&j, "first");
		for (int i = 0; i < r.problems && i < 8; i++)
			json_str(&j, NULL, r.first[i]);
		json_arr_end(&j);
		json_int(&j, "tickets", r.tickets);
		json_int(&j, "events", r.events);
		json_int(&j, "audit_rows", r.audit_rows);
		out_json_close(&j);
	} else if (r.problems == 0) {
		printf(_("%s: ok (%lld tickets, %lld events, %lld audit rows)\n"), site.cfg->store_path,
		       (long long)r.tickets, (long long)r.events, (long long)r.audit_rows);
	} else {
		for (int i = 0; i < r.problems && i < 8; i++)
			fprintf(stderr, "%s: %s\n", site.cfg->store_path, r.first[i]);
		fprintf(stderr, _("%s: %d problems found\n"), site.cfg->store_path, r.problems);
	}
	site_close(&site);
	return r.problems ? 1 : 0;
}

static int run_backup(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	const char *dest = call->args[0];
	if (store_backup(site.st, dest, &err) ||
	    audit_append(site.st, site_now(), "cli", "db.backup", dest, NULL, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "backup", dest);
		out_json_close(&j);
	} else {
		printf(_("Backed up %s to %s.\n"), site.cfg->store_path, dest);
	}
	site_close(&site);
	return 0;
}

const struct cli_cmd cmd_db_table[] = {
	{ .group = "db", .name = "init", .run = run_init,
	  .summary = "create the site store named by the config (safe to repeat)" },
	{ .group = "db", .name = "migrate", .run = run_migrate,
	  .summary = "apply pending schema migrations" },
	{ .group = "db", .name = "check", .run = run_check,
	  .summary = "check the store's integrity and the numbering invariants (exit 1 on problems)" },
	{ .group = "db", .name = "backup", .run = run_backup, .args = "DEST", .min_args = 1,
	  .max_args = 1, .summary = "copy the live store to DEST with the SQLite backup API" },
	{ 0 },
};
