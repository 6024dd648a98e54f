/* SPDX-License-Identifier: MIT */
/* auth: --as STAFF_ID with a PIN on stdin, or the anonymous host role. */
#include "app/auth.h"

#include <stdio.h>
#include <string.h>

#include "app/secret.h"
#include "core/i18n.h"
#include "secure/mem.h"

#define PIN_BUF 64 /* longer than any PIN: a longer line is cut, and cannot match */

struct staff_policy auth_policy(const struct mdg_config *cfg)
{
	return (struct staff_policy){ cfg->staff_lockout_failures, cfg->staff_lockout_minutes };
}

enum mdg_status auth_cli(const struct cli_call *call, struct site *site, enum action a,
			 const char *target, struct staff_info *who, struct mdg_err *err)
{
	const char *as = cli_get(call, "as");
	int64_t now = site_now();
	memset(who, 0, sizeof *who);
	if (!as) {
		snprintf(who->id, sizeof who->id, "cli");
		who->role = ROLE_HOST;
		enum mdg_status rc = staff_authorize(site->st, "cli", ROLE_HOST, a, target, now, err);
		if (rc == MDG_ERR_DENIED)
			mdg_err_set(err, rc, _("%s needs a staff member: give --as STAFF_ID (their PIN on"
					       " standard input)"), action_name(a));
		return rc;
	}
	char *pin = secure_alloc(PIN_BUF, err);
	if (!pin)
		return err->code;
	char prompt[96];
	snprintf(prompt, sizeof prompt, _("PIN of %s: "), as);
	size_t len = secret_read_line(prompt, pin, PIN_BUF);
	struct staff_policy p = auth_policy(site->cfg);
	enum mdg_status rc = staff_login(site->st, &p, as, pin, len, now, who, err);
	secure_free(pin);
	if (!rc)
		rc = staff_authorize(site->st, who->id, who->role, a, target, now, err);
	return rc;
}
