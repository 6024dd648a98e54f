/* SPDX-License-Identifier: MIT */
/* staff: accounts, logins with lockout, and authorisation with audit. The pattern of every
 * write: check the input and hash any PIN first (slow, no lock held), then one BEGIN IMMEDIATE
 * that reads the row again, writes it and its audit row, and commits. */
#include "store/staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bizdate.h"
#include "core/log.h"
#include "core/staffcred.h"
#include "secure/pwhash.h"
#include "store/audit.h"
#include "store/internal.h"

#define COLS "id, name, role, disabled, failures, locked_until_ms, created_ms, updated_ms, pin_hash"

static void row_info(sqlite3_stmt *s, struct staff_info *o, char hash[PWHASH_STR_BYTES])
{
	memset(o, 0, sizeof *o);
	store_col_text(s, 0, o->id, sizeof o->id);
	store_col_text(s, 1, o->name, sizeof o->name);
	char role[16];
	store_col_text(s, 2, role, sizeof role);
	if (!role_parse(role, &o->role) || !role_is_staff(o->role))
		o->role = ROLE_STAFF; /* the table's CHECK allows nothing else */
	o->disabled = sqlite3_column_int(s, 3) != 0;
	o->failures = sqlite3_column_int(s, 4);
	o->locked_until_ms = sqlite3_column_int64(s, 5);
	o->created_ms = sqlite3_column_int64(s, 6);
	o->updated_ms = sqlite3_column_int64(s, 7);
	if (hash)
		store_col_text(s, 8, hash, PWHASH_STR_BYTES);
}

/* The row of id into o (and its hash when hash is not NULL). MDG_ERR_NOT_FOUND. */
static enum mdg_status read_row(struct store *st, const char *id, struct staff_info *o,
				char hash[PWHASH_STR_BYTES], struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT " COLS " FROM staff WHERE id = ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		row_info(s, o, hash);
	else if (r == SQLITE_DONE)
		rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "no staff '%s'", id);
	else
		rc = store_sqlerr(st, r, err, "staff");
	sqlite3_finalize(s);
	return rc;
}

/* Runs a write statement whose parameters are id (?1), then up to three integers (?2..?4)
 * and a text (?5, may be NULL). */
static enum mdg_status write_row(struct store *st, const char *sql, const char *id, int64_t a,
				 int64_t b, int64_t c, const char *text, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int n = sqlite3_bind_parameter_count(s);
	if (n >= 2)
		sqlite3_bind_int64(s, 2, a);
	if (n >= 3)
		sqlite3_bind_int64(s, 3, b);
	if (n >= 4)
		sqlite3_bind_int64(s, 4, c);
	if (n >= 5)
		sqlite3_bind_text(s, 5, text, -1, SQLITE_STATIC);
	int r = sqlite3_step(s);
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "staff");
	sqlite3_finalize(s);
	return rc;
}

/* Commits when rc is MDG_OK, else rolls back; returns the outcome. */
static enum mdg_status finish(struct store *st, enum mdg_status rc, struct mdg_err *err)
{
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

/* Enabled admins other than id (id may be "" to count them all). */
static enum mdg_status other_admins(struct store *st, const char *id, int64_t *n, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"SELECT count(*) FROM staff WHERE role = 'admin' AND disabled = 0 AND id <> ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		rc = store_sqlerr(st, r, err, "staff");
	sqlite3_finalize(s);
	return rc;
}

/* MDG_ERR_STATE when o, about to lose its admin rights, is the last enabled admin. */
static enum mdg_status keep_an_admin(struct store *st, const struct staff_info *o, struct mdg_err *err)
{
	int64_t others = 0;
	if (o->role != ROLE_ADMIN || o->disabled)
		return MDG_OK;
	enum mdg_status rc = other_admins(st, o->id, &others, err);
	if (!rc && others == 0)
		rc = mdg_err_set(err, MDG_ERR_STATE, "'%s' is the last enabled admin: add another first", o->id);
	return rc;
}

static enum mdg_status check_pin(const char *pin, size_t len, struct mdg_err *err)
{
	enum staffpin_verdict v = staffpin_check(pin, len);
	if (v != STAFFPIN_OK)
		return mdg_err_set(err, MDG_ERR_INVALID, "%s", staffpin_verdict_str(v));
	return MDG_OK;
}

static enum mdg_status add(struct store *st, const char *id, const char *name, enum role role,
			   const char *pin, size_t pin_len, int64_t now_ms, const char *actor,
			   bool first_admin, struct mdg_err *err)
{
	if (!staff_id_valid(id))
		return mdg_err_set(err, MDG_ERR_INVALID,
				   "a staff id is 1 to 32 of a-z, 0-9, '.', '_', '-' (starting with a letter or digit)");
	if (!staff_name_valid(name))
		return mdg_err_set(err, MDG_ERR_INVALID, "a staff name is 1 to 64 bytes of text");
	if (!role_is_staff(role) || (first_admin && role != ROLE_ADMIN))
		return mdg_err_set(err, MDG_ERR_INVALID, first_admin ? "the first account must be an admin"
								     : "a staff role is staff, supervisor or admin");
	enum mdg_status rc = check_pin(pin, pin_len, err);
	char hash[PWHASH_STR_BYTES];
	if (rc || (rc = pwhash_hash(pin, pin_len, hash, err)))
		return rc;
	if ((rc = store_begin_write(st, err)))
		return rc;
	struct staff_info old;
	int64_t admins = 0;
	if (first_admin && !(rc = other_admins(st, "", &admins, err)) && admins > 0)
		rc = mdg_err_set(err, MDG_ERR_DENIED, "an admin exists: add staff with --as ADMIN_ID");
	if (!rc) {
		rc = read_row(st, id, &old, NULL, err);
		if (rc == MDG_OK)
			rc = mdg_err_set(err, MDG_ERR_STATE, "staff '%s' exists", id);
		else if (rc == MDG_ERR_NOT_FOUND)
			rc = MDG_OK;
	}
	if (!rc) {
		sqlite3_stmt *s;
		rc = store_prepare(st, "INSERT INTO staff(id, seq, name, role, pin_hash, created_ms, updated_ms)"
				       " VALUES(?, (SELECT coalesce(max(seq), 0) + 1 FROM staff), ?, ?, ?, ?, ?)",
				   &s, err);
		if (!rc) {
			sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, role_name(role), -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 4, hash, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 5, now_ms);
			sqlite3_bind_int64(s, 6, now_ms);
			int r = sqlite3_step(s);
			if (r != SQLITE_DONE)
				rc = store_sqlerr(st, r, err, "staff add");
			sqlite3_finalize(s);
		}
	}
	char detail[48];
	snprintf(detail, sizeof detail, "role %s%s", role_name(role), first_admin ? ", first admin" : "");
	if (!rc)
		rc = audit_append(st, now_ms, actor, "staff.add", id, detail, err);
	return finish(st, rc, err);
}

enum mdg_status staff_add(struct store *st, const char *id, const char *name, enum role role,
			  const char *pin, size_t pin_len, int64_t now_ms, const char *actor,
			  struct mdg_err *err)
{
	return add(st, id, name, role, pin, pin_len, now_ms, actor, false, err);
}

enum mdg_status staff_add_first_admin(struct store *st, const char *id, const char *name,
				      const char *pin, size_t pin_len, int64_t now_ms,
				      struct mdg_err *err)
{
	return add(st, id, name, ROLE_ADMIN, pin, pin_len, now_ms, "cli", true, err);
}

enum mdg_status staff_has_admin(struct store *st, bool *out, struct mdg_err *err)
{
	int64_t n = 0;
	enum mdg_status rc = other_admins(st, "", &n, err);
	*out = n > 0;
	return rc;
}

enum mdg_status staff_set_pin(struct store *st, const char *id, const char *pin, size_t pin_len,
			      int64_t now_ms, const char *actor, struct mdg_err *err)
{
	char hash[PWHASH_STR_BYTES];
	struct staff_info o;
	enum mdg_status rc = check_pin(pin, pin_len, err);
	if (rc || (rc = pwhash_hash(pin, pin_len, hash, err)) || (rc = store_begin_write(st, err)))
		return rc;
	rc = read_row(st, id, &o, NULL, err);
	if (!rc)
		rc = write_row(st, "UPDATE staff SET pin_hash = ?5, failures = 0, locked_until_ms = 0,"
				   " updated_ms = ?2 WHERE id = ?1", id, now_ms, 0, 0, hash, err);
	if (!rc)
		rc = audit_append(st, now_ms, actor, "staff.passwd", id,
				  strcmp(actor, id) == 0 ? "own PIN" : "PIN set", err);
	return finish(st, rc, err);
}

enum mdg_status staff_set_role(struct store *st, const char *id, enum role role, int64_t now_ms,
			       const char *actor, struct mdg_err *err)
{
	if (!role_is_staff(role))
		return mdg_err_set(err, MDG_ERR_INVALID, "a staff role is staff, supervisor or admin");
	struct staff_info o;
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	rc = read_row(st, id, &o, NULL, err);
	if (!rc && o.role == role) /* nothing to do, nothing to audit */
		return finish(st, rc, err);
	if (!rc && role != ROLE_ADMIN)
		rc = keep_an_admin(st, &o, err);
	char detail[48];
	snprintf(detail, sizeof detail, "%s->%s", role_name(o.role), role_name(role));
	if (!rc)
		rc = write_row(st, "UPDATE staff SET role = ?5, updated_ms = ?2 WHERE id = ?1", id, now_ms,
			       0, 0, role_name(role), err);
	if (!rc)
		rc = audit_append(st, now_ms, actor, "staff.role", id, detail, err);
	return finish(st, rc, err);
}

enum mdg_status staff_set_disabled(struct store *st, const char *id, bool disabled, int64_t now_ms,
				   const char *actor, struct mdg_err *err)
{
	struct staff_info o;
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	rc = read_row(st, id, &o, NULL, err);
	if (!rc && o.disabled == disabled)
		return finish(st, rc, err);
	if (!rc && disabled)
		rc = keep_an_admin(st, &o, err);
	if (!rc)
		rc = write_row(st, "UPDATE staff SET disabled = ?3, updated_ms = ?2 WHERE id = ?1", id,
			       now_ms, disabled, 0, NULL, err);
	if (!rc)
		rc = audit_append(st, now_ms, actor, disabled ? "staff.disable" : "staff.enable", id, NULL, err);
	return finish(st, rc, err);
}

enum mdg_status staff_unlock(struct store *st, const char *id, int64_t now_ms, const char *actor,
			     struct mdg_err *err)
{
	struct staff_info o;
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	rc = read_row(st, id, &o, NULL, err);
	if (!rc)
		rc = write_row(st, "UPDATE staff SET failures = 0, locked_until_ms = 0, updated_ms = ?2"
				   " WHERE id = ?1", id, now_ms, 0, 0, NULL, err);
	if (!rc)
		rc = audit_append(st, now_ms, actor, "staff.unlock", id,
				  o.locked_until_ms > now_ms ? "lock lifted" : "failures cleared", err);
	return finish(st, rc, err);
}

enum mdg_status staff_list(struct store *st, struct staff_info **out, size_t *n, struct mdg_err *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT " COLS " FROM staff ORDER BY id", &s, err);
	if (rc)
		return rc;
	size_t cap = 0;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			struct staff_info *p = realloc(*out, cap * sizeof *p);
			if (!p) {
				rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
				break;
			}
			*out = p;
		}
		row_info(s, &(*out)[(*n)++], NULL);
	}
	if (!rc && r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "staff list");
	sqlite3_finalize(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

enum mdg_status staff_get(struct store *st, const char *id, struct staff_info *out,
			  struct mdg_err *err)
{
	return read_row(st, id, out, NULL, err);
}

/* ---- login --------------------------------------------------------------------------------- */

enum login_verdict { LOGIN_OK, LOGIN_WRONG, LOGIN_LOCKED, LOGIN_DISABLED };

/* Inside the write transaction: applies the outcome of a verify (good) to the row as it is now
 * (o, just read again) and writes the audit rows. *verdict says what the caller is told. */
static enum mdg_status record_login(struct store *st, const struct staff_policy *p,
				    struct staff_info *o, bool good, const char *rehash,
				    int64_t now_ms, enum login_verdict *verdict, struct mdg_err *err)
{
	const char *id = o->id;
	enum mdg_status rc = MDG_OK;
	if (o->disabled) {
		*verdict = LOGIN_DISABLED;
		return audit_append(st, now_ms, id, "staff.login_failed", id, "disabled", err);
	}
	if (o->locked_until_ms > now_ms) {
		*verdict = LOGIN_LOCKED;
		return audit_append(st, now_ms, id, "staff.login_failed", id, "locked", err);
	}
	if (o->locked_until_ms != 0) { /* the lock ran out: lift it, on the record */
		o->locked_until_ms = 0;
		rc = write_row(st, "UPDATE staff SET locked_until_ms = 0 WHERE id = ?1", id, 0, 0, 0,
			       NULL, err);
		if (!rc)
			rc = audit_append(st, now_ms, id, "staff.unlock", id, "lock expired", err);
		if (rc)
			return rc;
	}
	if (good) {
		*verdict = LOGIN_OK;
		o->failures = 0;
		rc = write_row(st, rehash ? "UPDATE staff SET failures = 0, pin_hash = ?5 WHERE id = ?1"
					  : "UPDATE staff SET failures = 0 WHERE id = ?1",
			       id, 0, 0, 0, rehash, err);
		return rc ? rc : audit_append(st, now_ms, id, "staff.login", id, NULL, err);
	}
	*verdict = LOGIN_WRONG;
	int failures = o->failures + 1;
	char detail[64];
	snprintf(detail, sizeof detail, "wrong PIN (%d of %d)", failures, p->lockout_failures);
	rc = audit_append(st, now_ms, id, "staff.login_failed", id, detail, err);
	if (!rc && failures >= p->lockout_failures) {
		o->failures = 0;
		o->locked_until_ms = now_ms + (int64_t)p->lockout_minutes * 60000;
		*verdict = LOGIN_LOCKED;
		rc = write_row(st, "UPDATE staff SET failures = 0, locked_until_ms = ?2 WHERE id = ?1", id,
			       o->locked_until_ms, 0, 0, NULL, err);
		snprintf(detail, sizeof detail, "%d wrong PINs; %d minutes", failures, p->lockout_minutes);
		if (!rc)
			rc = audit_append(st, now_ms, id, "staff.locked", id, detail, err);
	} else if (!rc) {
		o->failures = failures;
		rc = write_row(st, "UPDATE staff SET failures = ?2 WHERE id = ?1", id, failures, 0, 0, NULL,
			       err);
	}
	return rc;
}

enum mdg_status staff_login(struct store *st, const struct staff_policy *p, const char *id,
			    const char *pin, size_t pin_len, int64_t now_ms, struct staff_info *out,
			    struct mdg_err *err)
{
	struct staff_info o;
	char hash[PWHASH_STR_BYTES], again[PWHASH_STR_BYTES], fresh[PWHASH_STR_BYTES];
	enum login_verdict verdict = LOGIN_WRONG;
	enum mdg_status rc;
	bool good = false;
	/* Twice at most: when a PIN change lands between the verify and the transaction, the verify
	 * is repeated against the new hash. */
	for (int attempt = 0; attempt < 2; attempt++) {
		rc = staff_id_valid(id) ? read_row(st, id, &o, hash, err) : MDG_ERR_NOT_FOUND;
		if (rc == MDG_ERR_NOT_FOUND) {
			pwhash_verify_dummy(pin, pin_len);
			/* The text typed as an id is not recorded: it may be a PIN in the wrong field. */
			rc = audit_append(st, now_ms, "unknown", "staff.login_failed", NULL, "unknown id", err);
			if (rc)
				return rc;
			mlog(MLOG_INFO, "staff login refused: unknown id");
			return mdg_err_set(err, MDG_ERR_AUTH, "wrong staff id or PIN");
		}
		if (rc)
			return rc;
		/* The slow part, outside the write transaction. */
		good = pwhash_verify(hash, pin, pin_len);
		const char *rehash = NULL;
		if (good && !o.disabled && o.locked_until_ms <= now_ms && pwhash_needs_rehash(hash) &&
		    pwhash_hash(pin, pin_len, fresh, NULL) == MDG_OK)
			rehash = fresh;
		if ((rc = store_begin_write(st, err)))
			return rc;
		rc = read_row(st, id, &o, again, err);
		if (!rc && strcmp(again, hash) != 0) { /* the PIN changed meanwhile: verify again */
			store_rollback(st);
			continue;
		}
		if (!rc)
			rc = record_login(st, p, &o, good, rehash, now_ms, &verdict, err);
		if ((rc = finish(st, rc, err)))
			return rc;
		break;
	}
	char until[8];
	switch (verdict) {
	case LOGIN_OK:
		mlog(MLOG_INFO, "staff %s logged in", o.id);
		*out = o;
		return MDG_OK;
	case LOGIN_LOCKED:
		bizclock_hhmm(o.locked_until_ms, until);
		mlog(MLOG_WARN, "staff login refused: %s is locked until %s", o.id, until);
		return mdg_err_set(err, MDG_ERR_AUTH,
				   "staff %s is locked until %s after too many wrong PINs", o.id, until);
	case LOGIN_DISABLED:
		/* Said only to someone who knows the PIN; anyone else learns nothing about the id. */
		mlog(MLOG_WARN, "staff login refused: %s is disabled", o.id);
		if (good)
			return mdg_err_set(err, MDG_ERR_AUTH, "staff %s is disabled; ask an admin", o.id);
		return mdg_err_set(err, MDG_ERR_AUTH, "wrong staff id or PIN");
	case LOGIN_WRONG:
		break;
	}
	mlog(MLOG_INFO, "staff login refused: wrong PIN for %s", o.id);
	return mdg_err_set(err, MDG_ERR_AUTH, "wrong staff id or PIN");
}

enum mdg_status staff_authorize(struct store *st, const char *actor, enum role role, enum action a,
				const char *target, int64_t now_ms, struct mdg_err *err)
{
	if (role_allows(role, a))
		return MDG_OK;
	struct mdg_err aerr = { 0 };
	if (audit_append(st, now_ms, actor && *actor ? actor : "unknown", "access.denied", target,
			 action_name(a), &aerr))
		mlog(MLOG_ERROR, "access.denied for %s could not be audited: %s", actor, aerr.msg);
	mlog(MLOG_WARN, "access denied: %s %s may not %s", role_name(role), actor, action_name(a));
	return mdg_err_set(err, MDG_ERR_DENIED, "%s %s may not %s", role_name(role), actor, action_name(a));
}
