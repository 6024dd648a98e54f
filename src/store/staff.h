/* SPDX-License-Identifier: MIT */
/* staff: staff accounts (id, name, role, Argon2id PIN hash), logins with a lockout, and the
 * authorisation of an action by role (core/roles.h). Every change, login, failed login, lockout,
 * unlock and denial is an audit row in the same transaction, naming ids only: never a PIN or a
 * hash. PINs come as (pointer, length) from the caller's locked memory and are never copied.
 * Hashing and verifying (about 50 ms each) run outside any write transaction, so that the other
 * terminals' writes do not wait for them. */
#ifndef MDG_STORE_STAFF_H
#define MDG_STORE_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/roles.h"
#include "core/status.h"

struct store;

struct staff_info {
	char id[33];             /* core/staffcred.h staff_id_valid */
	char name[65];           /* display name, UTF-8 */
	enum role role;          /* ROLE_STAFF, ROLE_SUPERVISOR or ROLE_ADMIN */
	bool disabled;
	int failures;            /* wrong PINs since the last success or lockout */
	int64_t locked_until_ms; /* UTC ms; 0 or past: not locked */
	int64_t created_ms, updated_ms;
};

struct staff_policy {
	int lockout_failures;    /* this many wrong PINs in a row lock the account (>= 1) */
	int lockout_minutes;     /* for this long (>= 1) */
};

/* Adds a staff account. actor is the staff id (or "cli") doing it, for the audit ("staff.add").
 * Errors: MDG_ERR_INVALID (bad id, name or role; the PIN fails core/staffcred.h's rule: the
 * message says why), MDG_ERR_STATE (the id exists), store errors (MDG_ERR_BUSY, ...). */
enum mdg_status staff_add(struct store *st, const char *id, const char *name, enum role role,
			  const char *pin, size_t pin_len, int64_t now_ms, const char *actor,
			  struct mdg_err *err);

/* staff_add for the first admin (the CLI's bootstrap, actor "cli"): in the same transaction it
 * checks that no enabled admin exists, else MDG_ERR_DENIED and nothing is added. role must be
 * ROLE_ADMIN (MDG_ERR_INVALID otherwise). */
enum mdg_status staff_add_first_admin(struct store *st, const char *id, const char *name,
				      const char *pin, size_t pin_len, int64_t now_ms,
				      struct mdg_err *err);

/* True in *out when at least one enabled admin exists. */
enum mdg_status staff_has_admin(struct store *st, bool *out, struct mdg_err *err);

/* Sets a new PIN (the rule applies: MDG_ERR_INVALID), clears failures and any lockout
 * ("staff.passwd"). MDG_ERR_NOT_FOUND for an unknown id. */
enum mdg_status staff_set_pin(struct store *st, const char *id, const char *pin, size_t pin_len,
			      int64_t now_ms, const char *actor, struct mdg_err *err);

/* Changes the role ("staff.role", detail "old->new"). MDG_ERR_NOT_FOUND, MDG_ERR_INVALID (not a
 * staff role), MDG_ERR_STATE when it would leave no enabled admin. */
enum mdg_status staff_set_role(struct store *st, const char *id, enum role role, int64_t now_ms,
			       const char *actor, struct mdg_err *err);

/* Disables or enables an account ("staff.disable" / "staff.enable"). MDG_ERR_NOT_FOUND,
 * MDG_ERR_STATE when disabling the last enabled admin. Nothing is written (and MDG_OK returned)
 * when the account is already so. */
enum mdg_status staff_set_disabled(struct store *st, const char *id, bool disabled, int64_t now_ms,
				   const char *actor, struct mdg_err *err);

/* Lifts a lockout and clears the failures ("staff.unlock"). MDG_ERR_NOT_FOUND. */
enum mdg_status staff_unlock(struct store *st, const char *id, int64_t now_ms, const char *actor,
			     struct mdg_err *err);

/* Every account, ordered by id. *out is caller-owned (free); *n may be 0 (then *out is NULL). */
enum mdg_status staff_list(struct store *st, struct staff_info **out, size_t *n,
			   struct mdg_err *err);

/* One account. MDG_ERR_NOT_FOUND. */
enum mdg_status staff_get(struct store *st, const char *id, struct staff_info *out,
			  struct mdg_err *err);

/* Logs id in with pin under policy p. MDG_OK fills out. MDG_ERR_AUTH, with one message for an
 * unknown id and a wrong PIN ("wrong staff id or PIN"); for a disabled account (told as such
 * only when the PIN was right); for a locked account, even with the right PIN (the message says
 * until when, HH:MM local time). A wrong PIN counts a failure; the p->lockout_failures-th locks
 * the account for p->lockout_minutes and clears the count; a success clears both. Audit rows:
 * "staff.login", "staff.login_failed" (detail: wrong PIN, unknown id, disabled or locked; an
 * unknown id is not recorded, since it may be a PIN typed into the wrong field), "staff.locked",
 * and "staff.unlock" when an expired lock is lifted. An unknown id spends the time of a verify.
 * A hash made with older parameters is renewed on success. Store errors as usual. */
enum mdg_status staff_login(struct store *st, const struct staff_policy *p, const char *id,
			    const char *pin, size_t pin_len, int64_t now_ms, struct staff_info *out,
			    struct mdg_err *err);

/* MDG_OK when role_allows(role, a); else MDG_ERR_DENIED ("ROLE ACTOR may not ACTION") with an
 * "access.denied" audit row (actor, target, detail: the action's name). target may be NULL. A
 * failing audit write still denies (and is logged). */
enum mdg_status staff_authorize(struct store *st, const char *actor, enum role role, enum action a,
				const char *target, int64_t now_ms, struct mdg_err *err);

#endif
