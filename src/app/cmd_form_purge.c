/* SPDX-License-Identifier: MIT */
/* cmd_form_purge: madoguchi form purge: deletes the form submissions past store.retention_hours
 * for real (store/submission.h says what that guarantees). Run hourly by a systemd timer
 * (kiosk-config/madoguchi-purge.timer). Needs no key: it opens nothing sealed. */
#include <stdio.h>

#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/i18n.h"
#include "core/json.h"
#include "store/submission.h"

static int run_purge(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	struct submission_purge_result r;
	int hours = site.cfg->retention_hours;
	enum mdg_status rc = submission_purge(site.st, hours, "cli", site_now(), &r, &err);
	site_close(&site);
	/* MDG_ERR_BUSY after the delete: the rows are gone but the WAL could not be cut yet. Say
	 * how many went, then fail so that the timer's run shows up as failed and is repeated. */
	bool deleted = r.committed;
	if (call->json && deleted) {
		struct json_writer j;
		json_begin(&j, stdout);
		json_obj_begin(&j, NULL);
		json_bool(&j, "ok", rc == MDG_OK);
		json_int(&j, "purged", r.purged);
		json_int(&j, "remaining", r.remaining);
		json_int(&j, "retention_hours", hours);
		json_bool(&j, "wal_truncated", r.wal_truncated);
		if (rc) {
			json_str(&j, "error", mdg_status_str(rc));
			json_str(&j, "message", err.msg);
			json_int(&j, "exit", mdg_status_exit(rc));
		}
		json_obj_end(&j);
		json_end(&j);
		if (rc)
			fprintf(stderr, "madoguchi: %s\n", err.msg);
		return mdg_status_exit(rc);
	}
	if (deleted)
		printf(_("Form submissions purged: %lld (older than %d hours); remaining: %lld.\n"),
		       (long long)r.purged, hours, (long long)r.remaining);
	return rc ? cli_fail(call, &err) : 0;
}

const struct cli_cmd cmd_form_purge_table[] = {
	{ .group = "form", .name = "purge", .run = run_purge,
	  .summary = "delete form submissions older than store.retention_hours, for real" },
	{ 0 },
};
