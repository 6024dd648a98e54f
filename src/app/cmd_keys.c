/* SPDX-License-Identifier: MIT */
/* cmd_keys: madoguchi keys init|rotate: the site key file named by store.key_file. */
#include <stdio.h>

#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/i18n.h"
#include "core/json.h"
#include "secure/keys.h"
#include "store/audit.h"

static int finish(const struct cli_call *call, struct site *site, const char *action, unsigned id)
{
	struct mdg_err err = { 0 };
	char detail[32];
	snprintf(detail, sizeof detail, "key %u", id);
	/* The key itself never reaches the audit: only its id. */
	if (audit_append(site->st, site_now(), "cli", action, site->cfg->key_file, detail, &err)) {
		site_close(site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "key_file", site->cfg->key_file);
		json_int(&j, "current_key", id);
		out_json_close(&j);
	} else {
		printf(_("Site key %u is now current in %s.\n"), id, site->cfg->key_file);
	}
	site_close(site);
	return 0;
}

static int run_init(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	if (keyring_init(site.cfg->key_file, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	return finish(call, &site, "keys.init", 1);
}

static int run_rotate(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	unsigned id;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	if (keyring_rotate(site.cfg->key_file, &id, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	return finish(call, &site, "keys.rotate", id);
}

const struct cli_cmd cmd_keys_table[] = {
	{ .group = "keys", .name = "init", .run = run_init,
	  .summary = "create the site key file (mode 0600); never overwrites an existing one" },
	{ .group = "keys", .name = "rotate", .run = run_rotate,
	  .summary = "make a fresh key current; codes signed with the previous key stay valid" },
	{ 0 },
};
