/* SPDX-License-Identifier: MIT */
/* submission: residents' prefilled forms in the site store. The field values are personal data:
 * they are kept only sealed (secure/keys.h: XChaCha20-Poly1305 under the site key, the row's id
 * in the associated data), only until store.retention_hours, and then deleted for real. The
 * My Number is never among them. Every change is one BEGIN IMMEDIATE with its audit row.
 *
 * What a purge guarantees. The rows are deleted with PRAGMA secure_delete=ON (checked, set when
 * off), so SQLite overwrites the deleted cells, and the pages that fall free, with zeros; the
 * connection keeps temporary files and statement journals in memory (temp_store=MEMORY), so no
 * temp file ever held a page of the table; and PRAGMA wal_checkpoint(TRUNCATE) copies the zeroed
 * pages into the database file and cuts the WAL to 0 bytes, so the old page images that the WAL
 * kept (from the insert and every later update) are gone from it. After a purge that returned
 * MDG_OK, the sealed bytes of the purged rows are in none of the files db, db-wal, db-shm.
 * Not guaranteed: blocks the file system freed (WAL truncation) or moved (copy-on-write file
 * systems, snapshots) may still hold them until reused: keep the store on a plain local file
 * system on an encrypted volume. Backups (store_backup) keep what they copied. A process that
 * had read a row keeps it in its page cache until it reads the page again. The sealing makes all
 * of these ciphertext only; rotating the key file twice makes them unreadable. */
#ifndef MDG_STORE_SUBMISSION_H
#define MDG_STORE_SUBMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/form.h"
#include "core/status.h"

struct store;
struct keyring;

enum submission_status { SUB_DRAFT, SUB_SUBMITTED, SUB_PRINTED };
enum submission_place { SUB_KIOSK, SUB_COUNTER };

/* "draft", "submitted", "printed" / "kiosk", "counter". */
const char *submission_status_name(int status);
const char *submission_place_name(int place);

/* A submission's metadata: what may be listed without opening the sealed values. */
struct submission {
	int64_t id;                  /* never reused, even after a purge */
	int64_t seq;                 /* outbox order: grows with every change */
	int64_t created_ms, updated_ms;
	int64_t printed_ms;          /* 0: never printed */
	int64_t purge_after_ms;      /* created + retention at the time of creation */
	char bizdate[11];
	char form_id[33];
	int form_version;
	int64_t ticket_id;           /* 0: not linked to a ticket yet */
	int place;                   /* enum submission_place */
	char terminal[33];           /* the terminal's id, "" when unknown */
	char lang[16];
	unsigned key_id;             /* the site key it is sealed under */
	int status;                  /* enum submission_status */
	size_t sealed_bytes;         /* size of the sealed values */
	char from_card[256];         /* ids of the fields whose value came from the card, comma-separated */
	int values_dropped;          /* submission_load: stored values the form no longer has */
};

/* What submission_create stores. Everything is borrowed. */
struct submission_new {
	const struct form *form;
	const struct form_values *vals; /* one per field of form (form_values_init) */
	const char *lang;            /* the resident's language: [a-zA-Z_@]{1,15} */
	int place;                   /* enum submission_place */
	const char *terminal;        /* terminal id, or NULL */
	int64_t ticket_id;           /* 0: link later (submission_link) */
	int status;                  /* SUB_DRAFT or SUB_SUBMITTED */
	int retention_hours;         /* store.retention_hours (>= 1) */
	const char *actor;           /* who, for the audit row: a terminal or staff id */
};

/* Seals the form's values (field id, value and card mark of every field that has a value; never
 * the My Number field) under the current site key with the new row's id as associated data, and
 * inserts the row and a "submission.create" audit row in one transaction. The plaintext exists
 * only in locked memory, wiped before return. Fills *out (may be NULL). Errors: MDG_ERR_INVALID
 * (a value for the My Number field, values that do not match the form, a bad language, place or
 * status, a value over 65535 bytes), MDG_ERR_NOT_FOUND (ticket_id is not a ticket),
 * MDG_ERR_NOMEM, and the store errors (MDG_ERR_FULL, MDG_ERR_BUSY, MDG_ERR_READONLY, ...), in
 * which case nothing was written. */
enum mdg_status submission_create(struct store *st, const struct keyring *k,
				  const struct submission_new *in, int64_t now_ms,
				  struct submission *out, struct mdg_err *err);

/* Links submission id to ticket ticket_id (once: linking again to the same ticket does nothing)
 * with a "submission.link" audit row. MDG_ERR_INVALID (no actor, ticket_id < 1),
 * MDG_ERR_NOT_FOUND (no such submission or ticket), MDG_ERR_STATE (linked to another ticket
 * already), store errors. */
enum mdg_status submission_link(struct store *st, int64_t id, int64_t ticket_id,
				const char *actor, int64_t now_ms, struct mdg_err *err);

/* Opens submission id for form f: fills *meta (may be NULL) and vals, which this initialises
 * for f (the caller frees it with form_values_free, which wipes the values; they live in
 * ordinary memory, as everywhere struct form_values is used). Values are matched by field id,
 * so a newer version of the same form gets the fields it still has (meta->values_dropped
 * counts the others); a value for a field that is now the My Number field is never returned.
 * The decrypted plaintext stays in locked memory, wiped before return. A "submission.view"
 * audit row by actor is written in the same transaction: no unrecorded view. Errors:
 * MDG_ERR_NOT_FOUND (no such submission — purged, perhaps — or its key was rotated out),
 * MDG_ERR_INVALID (the submission is of another form), MDG_ERR_CRYPTO (the sealed values do not
 * authenticate: changed or moved), MDG_ERR_CORRUPT (they authenticate but do not parse),
 * MDG_ERR_NOMEM, store errors. On any error vals is left empty (freed). */
enum mdg_status submission_load(struct store *st, const struct keyring *k, int64_t id,
				const struct form *f, const char *actor, int64_t now_ms,
				struct submission *meta, struct form_values *vals,
				struct mdg_err *err);

/* Replaces the values of submission id (a form f of the same id; vals as for
 * submission_create) after staff completed them at the counter: sealed again under the current
 * key with a fresh nonce, a draft becomes submitted, and a "submission.update" audit row by actor
 * is written in the same transaction. Errors: MDG_ERR_INVALID (the My Number among the values,
 * another form, no actor), MDG_ERR_NOT_FOUND (no such submission: purged), MDG_ERR_NOMEM, store
 * errors (nothing changed then). */
enum mdg_status submission_update(struct store *st, const struct keyring *k, int64_t id,
				  const struct form *f, const struct form_values *vals,
				  const char *actor, int64_t now_ms, struct mdg_err *err);

/* Records that submission id was printed (status printed, printed_ms) with a "submission.print"
 * audit row (detail "reprint" after the first time). MDG_ERR_NOT_FOUND, store errors. */
enum mdg_status submission_mark_printed(struct store *st, int64_t id, const char *actor,
					int64_t now_ms, struct mdg_err *err);

/* Which submissions submission_list returns; zero members do not filter. */
struct submission_filter {
	const char *bizdate;         /* YYYY-MM-DD */
	const char *form_id;
	int64_t ticket_id;
	size_t limit;                /* 0: all */
};

/* The metadata of the submissions matching f (NULL: all), newest first, without opening any
 * sealed values and without an audit row. *out is caller-owned (free), NULL when *n is 0. */
enum mdg_status submission_list(struct store *st, const struct submission_filter *f,
				struct submission **out, size_t *n, struct mdg_err *err);

struct submission_purge_result {
	bool committed;              /* the delete (of purged rows, maybe 0) was committed */
	int64_t purged;              /* rows deleted */
	int64_t remaining;           /* rows left */
	bool wal_truncated;          /* the WAL was checkpointed completely and is 0 bytes */
	int64_t cutoff_ms;           /* rows created at or before this were due */
};

/* Deletes every submission created retention_hours or more ago, or whose purge_after_ms has
 * come (the stored, never-backwards clock decides), with a "submission.purge" audit row
 * ("purge N") in the same transaction when N > 0, then checkpoints with TRUNCATE — also when
 * nothing was due, so that a purge that was blocked before completes now. See the top of this
 * file for what is guaranteed. Fills *out. Errors: MDG_ERR_INVALID (retention_hours < 1), the
 * store errors of the delete (nothing deleted, out->committed false), and MDG_ERR_BUSY with
 * out->committed true when the rows were deleted but another connection's read kept the
 * checkpoint from finishing (out->purged is right; the old pages may still be in the WAL: run
 * again). */
enum mdg_status submission_purge(struct store *st, int retention_hours, const char *actor,
				 int64_t now_ms, struct submission_purge_result *out,
				 struct mdg_err *err);

#endif
