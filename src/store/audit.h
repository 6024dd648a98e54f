/* SPDX-License-Identifier: MIT */
/* audit: who did what to which record, as a hash chain: each row stores
 * H(previous hash || seq || time || actor || action || target || detail), so that an edited,
 * deleted or reordered row is detected by audit_verify. Never put a PIN, a My Number or other
 * personal data into actor, target or detail: ids only.
 *
 * The tail: deleting the last rows leaves a chain that is intact on its own. Two records catch
 * that: the meta row 'audit.head' ("SEQ HEXHASH" of the last row appended, written in the same
 * transaction as the row) and SQLite's AUTOINCREMENT counter for the table. An append that
 * finds the chain's last row behind 'audit.head' keeps the evidence in 'audit.cut' before it
 * moves the head on. What no chain without a secret can catch: someone with write access to
 * the file who rewrites every row after an edit, or deletes the tail and also moves both
 * records back. The nightly sync copies the rows to the central server, whose copy is the
 * reference for rows already sent. */
#ifndef MDG_STORE_AUDIT_H
#define MDG_STORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

struct store;

/* Appends one row. Joins the caller's write transaction when one is open, else runs in its own
 * BEGIN IMMEDIATE. actor/action must be non-empty; target/detail may be NULL. */
enum mdg_status audit_append(struct store *st, int64_t now_ms, const char *actor,
			     const char *action, const char *target, const char *detail,
			     struct mdg_err *err);

/* What is wrong with the first bad row. */
enum audit_problem {
	AUDIT_INTACT,
	AUDIT_EDITED,     /* the row's contents (or its hashes) were changed */
	AUDIT_DELETED,    /* rows are missing: a gap in seq, or a row that follows a missing one */
	AUDIT_REORDERED,  /* the row holds another row's contents (rows moved or swapped) */
	AUDIT_TRUNCATED,  /* rows are missing at the end */
};

struct audit_verify {
	bool ok;
	int64_t rows;
	int64_t bad_seq;        /* first row found wrong (the first missing one for a deletion),
				 * 0 when ok */
	enum audit_problem kind;
	char problem[160];      /* what was wrong, "" when ok */
};

/* "intact", "edited", "deleted", "reordered", "truncated". */
const char *audit_problem_name(enum audit_problem p);

/* Walks the chain from the first row, then compares its end with the head records. MDG_OK when
 * it could walk (see v->ok for the verdict). */
enum mdg_status audit_verify(struct store *st, struct audit_verify *v, struct mdg_err *err);

/* One row as audit_list hands it over; the strings are borrowed until the callback returns. */
struct audit_row {
	int64_t seq, at_ms;
	const char *actor, *action, *target, *detail;
};

/* Calls fn for every row with from_ms <= at_ms < to_ms (0: no bound), in seq order. A
 * non-zero return from fn stops the walk (MDG_OK still). */
enum mdg_status audit_list(struct store *st, int64_t from_ms, int64_t to_ms,
			   int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
			   struct mdg_err *err);

#endif
