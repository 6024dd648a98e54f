/* SPDX-License-Identifier: MIT */
/* pgcopy: rows of a sync batch in PostgreSQL's COPY text format (tab-separated, \N for NULL,
 * backslash escapes, bytea as \\x hex). Text that is not valid UTF-8 (or holds NUL bytes, which
 * PostgreSQL text cannot) gets U+FFFD in place of the bad bytes, so that one bad byte never
 * blocks a site's sync for good. No libpq here: the encoding is testable on its own. */
#ifndef MDG_SYNC_PGCOPY_H
#define MDG_SYNC_PGCOPY_H

#include <stddef.h>

#include "core/status.h"
#include "core/synctab.h"

/* A growing byte buffer. */
struct pgcopy_buf {
	char *p;        /* owned */
	size_t len, cap;
};

/* Appends row r of b as one COPY line (with its newline) to out. MDG_ERR_NOMEM. */
enum mdg_status pgcopy_row(struct pgcopy_buf *out, const struct syncbatch *b, size_t r);

/* Frees the buffer. NULL-safe. */
void pgcopy_buf_free(struct pgcopy_buf *out);

#endif
