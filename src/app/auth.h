/* SPDX-License-Identifier: MIT */
/* auth: who runs a CLI command, and whether they may. Every command that acts for a person
 * (staff management, audit, exports of reports and help sessions, anything that shows a
 * resident's data) calls auth_cli once, after site_open and before it acts. */
#ifndef MDG_APP_AUTH_H
#define MDG_APP_AUTH_H

#include "app/cli.h"
#include "app/site.h"
#include "core/roles.h"
#include "store/staff.h"

/* The option every such command declares in its table. */
#define AUTH_OPT_AS { "as", "STAFF_ID", "act as this staff member: their PIN is the first line on standard input" }

/* Decides who runs call and whether they may do action a on target (may be NULL):
 * - with --as ID: reads ID's PIN from stdin (one line; on a terminal asked without echo) into
 *   locked memory, logs in with staff_login under the site's staff policy (a wrong PIN counts
 *   toward the lockout), then checks the role with staff_authorize;
 * - without --as: the run is anonymous on the site host, ROLE_HOST, actor "cli"
 *   (core/roles.h says what the host may do).
 * MDG_OK fills who (for --as: the account; else id "cli", role ROLE_HOST). Errors:
 * MDG_ERR_AUTH (wrong id or PIN, locked, disabled), MDG_ERR_DENIED (the role may not; an
 * "access.denied" audit row is written; without --as the message suggests --as), store errors.
 * Any further secret (a new PIN) is read after this, from the next line. */
enum mdg_status auth_cli(const struct cli_call *call, struct site *site, enum action a,
			 const char *target, struct staff_info *who, struct mdg_err *err);

/* The site's lockout policy (config staff.lockout_failures / lockout_minutes). */
struct staff_policy auth_policy(const struct mdg_config *cfg);

#endif
