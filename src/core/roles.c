/* SPDX-License-Identifier: MIT */
/* roles: the role x action matrix and the names of roles and actions. */
#include "core/roles.h"

#include <string.h>

#include "core/i18n.h"

#define K (1u << ROLE_KIOSK)
#define S (1u << ROLE_STAFF)
#define V (1u << ROLE_SUPERVISOR)
#define A (1u << ROLE_ADMIN)
#define H (1u << ROLE_HOST)

/* One row per action: its dotted id and the roles allowed. */
static const struct {
	const char *name;
	unsigned roles;
} actions[ACT_COUNT] = {
	[ACT_TICKET_ISSUE]      = { "ticket.issue",      K | S | V | A | H },
	[ACT_QUEUE_VIEW]        = { "queue.view",        S | V | A | H },
	[ACT_QUEUE_CALL]        = { "queue.call",        S | V | A | H },
	[ACT_SUBMISSION_VIEW]   = { "submission.view",   S | V | A },
	[ACT_FORM_PRINT]        = { "form.print",        S | V | A },
	[ACT_CARD_READ]         = { "card.read",         S | V | A },
	[ACT_CARD_HELP]         = { "card.help",         S | V | A | H },
	[ACT_SESSION_RECORD]    = { "session.record",    S | V | A },
	[ACT_SESSION_EXPORT]    = { "session.export",    V | A },
	[ACT_REPORT_VIEW]       = { "report.view",       V | A | H },
	[ACT_REPORT_EXPORT]     = { "report.export",     V | A },
	[ACT_BOARD_VIEW]        = { "board.view",        S | V | A | H },
	[ACT_SUPERVISOR_VIEW]   = { "supervisor.view",   V | A },
	[ACT_STAFF_MANAGE]      = { "staff.manage",      A },
	[ACT_STAFF_LIST]        = { "staff.list",        V | A },
	[ACT_STAFF_UNLOCK]      = { "staff.unlock",      V | A },
	[ACT_STAFF_SELF_PASSWD] = { "staff.self_passwd", S | V | A },
	[ACT_AUDIT_VERIFY]      = { "audit.verify",      V | A },
	[ACT_AUDIT_VIEW]        = { "audit.view",        V | A },
	[ACT_DB_ADMIN]          = { "db.admin",          A | H },
	[ACT_SYNC]              = { "sync.push",         A | H },
	[ACT_PURGE]             = { "purge.run",         A | H },
	[ACT_KEYS]              = { "keys.manage",       A | H },
	[ACT_CONFIG_CHECK]      = { "config.check",      A | H },
	[ACT_VOID_TICKET]       = { "ticket.void",       V | A | H },
};

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_KIOSK] = N_("kiosk"), [ROLE_STAFF] = N_("staff"), [ROLE_SUPERVISOR] = N_("supervisor"),
	[ROLE_ADMIN] = N_("admin"), [ROLE_HOST] = N_("host"),
};

bool role_allows(enum role r, enum action a)
{
	if ((unsigned)r >= ROLE_COUNT || (unsigned)a >= ACT_COUNT)
		return false;
	return (actions[a].roles >> r) & 1u;
}

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

bool role_parse(const char *s, enum role *out)
{
	for (int r = 0; s && r < ROLE_COUNT; r++)
		if (strcmp(s, role_names[r]) == 0) {
			*out = (enum role)r;
			return true;
		}
	return false;
}

bool role_is_staff(enum role r)
{
	return r == ROLE_STAFF || r == ROLE_SUPERVISOR || r == ROLE_ADMIN;
}

const char *action_name(enum action a)
{
	return (unsigned)a < ACT_COUNT && actions[a].name ? actions[a].name : "?";
}

bool action_parse(const char *s, enum action *out)
{
	for (int a = 0; s && a < ACT_COUNT; a++)
		if (actions[a].name && strcmp(s, actions[a].name) == 0) {
			*out = (enum action)a;
			return true;
		}
	return false;
}
