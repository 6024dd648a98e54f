/* SPDX-License-Identifier: MIT */
/* audit: who did what to which record, as a hash chain: each row stores
 * H(previous hash || seq || time || actor || action || target || detail), so that an edited,
 * deleted or reordered row is detected by audit_verify. Never put a PIN, a My Number or other
 * personal data into actor, target or detail: ids only. */
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

struct audit_verify {
	bool ok;
	int64_t rows;
	int64_t bad_seq;        /* first row found wrong, 0 when ok */
	char problem[160];      /* what was wrong, "" when ok */
};

/* Walks the chain from the first row. MDG_OK when it could walk (see v->ok for the verdict). */
enum mdg_status audit_verify(struct store *st, struct audit_verify *v, struct mdg_err *err);

#endif
