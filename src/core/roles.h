/* SPDX-License-Identifier: MIT */
/* roles: who may do what, as one const matrix (role x action -> allowed). Screens and CLI
 * commands ask role_allows before acting; store/staff.h's staff_authorize adds the audit row of
 * a denial. Pure libc.
 *
 * The decisions behind the matrix (docs/operators.md repeats them for operators):
 * - kiosk: issues tickets and nothing else. Its card step reads the resident's own card with
 *   the resident's own PIN under the kiosk PIN policy (core/pinpolicy.h) as part of issuing a
 *   ticket; ACT_CARD_READ is the counter's read, with a clerk beside the resident.
 * - staff: the counter's work: queue, the resident's prefilled form, printing it, card read and
 *   card help, help sessions, the calling board, their own PIN.
 * - supervisor: staff's, plus reports and exports, the supervisor screen, voiding a ticket,
 *   the audit (verify, list), the staff list and unlocking a locked clerk.
 * - admin: everything, including staff management, keys and the database.
 * - host: an anonymous CLI run on the site host by root or systemd: scripting of the queue and
 *   tickets (including voiding the unprinted ones after a crash), aggregate reports, card help
 *   (no personal data), db, sync, purge, keys, config.
 *   Never: staff management (except the first admin: cmd_staff's bootstrap), exports, a
 *   resident's submission or card data, the audit; those need a named person (--as). */
#ifndef MDG_CORE_ROLES_H
#define MDG_CORE_ROLES_H

#include <stdbool.h>

enum role {
	ROLE_KIOSK,      /* a self-service kiosk terminal (no person logged in) */
	ROLE_STAFF,      /* counter staff */
	ROLE_SUPERVISOR,
	ROLE_ADMIN,
	ROLE_HOST,       /* anonymous CLI on the site host (root, systemd) */
	ROLE_COUNT
};

enum action {
	ACT_TICKET_ISSUE,      /* ticket.issue: issue (and print) a ticket */
	ACT_QUEUE_VIEW,        /* queue.view: waiting counts, the queue panel */
	ACT_QUEUE_CALL,        /* queue.call: call next / a number, recall, no-show, hold,
				* transfer, finish */
	ACT_SUBMISSION_VIEW,   /* submission.view: open a resident's prefilled form */
	ACT_FORM_PRINT,        /* form.print: print a resident's form for signature */
	ACT_CARD_READ,         /* card.read: read a card's personal data at the counter */
	ACT_CARD_HELP,         /* card.help: retry counters and expiry, no personal data */
	ACT_SESSION_RECORD,    /* session.record: start, stop and describe a help session */
	ACT_SESSION_EXPORT,    /* session.export: help sessions as CSV */
	ACT_REPORT_VIEW,       /* report.view: aggregate wait reports on screen */
	ACT_REPORT_EXPORT,     /* report.export: reports as files (CSV, open data) */
	ACT_BOARD_VIEW,        /* board.view: the calling board */
	ACT_SUPERVISOR_VIEW,   /* supervisor.view: the supervisor screen */
	ACT_STAFF_MANAGE,      /* staff.manage: add, role, disable, enable, another's PIN */
	ACT_STAFF_LIST,        /* staff.list: ids, names, roles, lock state (never hashes) */
	ACT_STAFF_UNLOCK,      /* staff.unlock: lift a lockout before it expires */
	ACT_STAFF_SELF_PASSWD, /* staff.self_passwd: change one's own PIN */
	ACT_AUDIT_VERIFY,      /* audit.verify: walk the hash chain */
	ACT_AUDIT_VIEW,        /* audit.view: list audit rows */
	ACT_DB_ADMIN,          /* db.admin: init, migrate, check, backup */
	ACT_SYNC,              /* sync.push: the nightly sync */
	ACT_PURGE,             /* purge.run: delete expired submissions */
	ACT_KEYS,              /* keys.manage: site key init and rotation */
	ACT_CONFIG_CHECK,      /* config.check: check the site config */
	ACT_VOID_TICKET,       /* ticket.void: void a ticket */
	ACT_COUNT
};

/* True when role may do a. False for values out of range. */
bool role_allows(enum role r, enum action a);

/* "kiosk", "staff", "supervisor", "admin", "host"; "?" out of range. */
const char *role_name(enum role r);

/* Parses a role_name; false (and *out unchanged) for anything else. */
bool role_parse(const char *s, enum role *out);

/* True for the roles a staff account can hold (staff, supervisor, admin). */
bool role_is_staff(enum role r);

/* The dotted id of an action ("queue.call"), as it appears in the audit; "?" out of range. */
const char *action_name(enum action a);

/* Parses an action_name; false (and *out unchanged) for anything else. */
bool action_parse(const char *s, enum action *out);

#endif
