/* SPDX-License-Identifier: MIT */
/* synctab: what the nightly sync pushes to the central PostgreSQL, as data: one descriptor per
 * syncable table of the site store (name, kind, columns with their encoding and central type),
 * and the batch of rows that travels from the store's reader (store/outbox) to the pusher
 * (sync/central). Adding a table to the sync is one descriptor here plus the central migration
 * that creates it; no code changes. Pure libc. Submissions, staff and meta are never synced:
 * they hold personal data or site-local state. */
#ifndef MDG_CORE_SYNCTAB_H
#define MDG_CORE_SYNCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

enum synctab_kind {
	SYNCTAB_APPEND, /* rows never change once written: centrally keyed (site, seq), a resent
			 * row is dropped (INSERT ... ON CONFLICT DO NOTHING) */
	SYNCTAB_LATEST, /* rows change and take a new seq at every change: centrally keyed (site,
			 * key), a row replaces the central one only when its seq is higher */
};

enum synctab_type {
	SYNCTAB_INT,  /* SQLite INTEGER */
	SYNCTAB_TEXT, /* SQLite TEXT, UTF-8 */
	SYNCTAB_BLOB, /* SQLite BLOB (bytea centrally) */
};

struct synctab_col {
	const char *name;         /* the same in the store and centrally */
	enum synctab_type type;   /* how it is read and encoded */
	const char *pgtype;       /* its central type ("bigint", "date", ...): the staging table's */
};

struct synctab {
	const char *name;                /* table name, in the store and centrally */
	enum synctab_kind kind;
	const char *key;                 /* SYNCTAB_LATEST: the row's stable id column; else NULL */
	const struct synctab_col *cols;  /* in COPY order; "seq" is one of them */
	size_t n_cols;
	size_t seq_col;                  /* index of "seq" in cols */
};

/* The syncable tables, in push order (audit last, so that a run's own audit row goes with it). */
extern const struct synctab synctab_all[];
extern const size_t synctab_count;

/* The descriptor named name, or NULL. */
const struct synctab *synctab_find(const char *name);

/* Index of column name in t, or -1. */
int synctab_col_index(const struct synctab *t, const char *name);

/* One value of a batch: an integer, or bytes at the batch's arena (text or blob), or NULL. */
struct syncval {
	int64_t i;                       /* SYNCTAB_INT */
	size_t off, len;                 /* SYNCTAB_TEXT / SYNCTAB_BLOB: bytes at arena + off */
	bool null;
};

/* Rows of one table with ascending seq, read from the store and pushed as one central
 * transaction. Reused from batch to batch: its memory grows to the largest batch and stays. */
struct syncbatch {
	const struct synctab *tab;
	struct syncval *vals;            /* n_rows * tab->n_cols, row-major (owned) */
	size_t n_rows;
	size_t cap_vals;                 /* values allocated (any table's rows reuse them) */
	char *arena;                     /* text and blob bytes (owned) */
	size_t arena_len, arena_cap;
	int64_t first_seq, last_seq;     /* seq of the first and last row; 0 when empty */
};

/* Empties b for rows of tab, keeping its memory. */
void syncbatch_reset(struct syncbatch *b, const struct synctab *tab);

/* Appends a row of nulls and returns its values (valid until the next append), or NULL when
 * out of memory. */
struct syncval *syncbatch_add_row(struct syncbatch *b);

/* Copies n bytes into the arena for value v of the last row. MDG_ERR_NOMEM. */
enum mdg_status syncbatch_put_bytes(struct syncbatch *b, struct syncval *v, const void *p,
				    size_t n);

/* Values of row r; bytes of a value. Borrowed. */
const struct syncval *syncbatch_row(const struct syncbatch *b, size_t r);
const char *syncbatch_bytes(const struct syncbatch *b, const struct syncval *v);

/* Frees the memory. NULL-safe; b may be reused after syncbatch_reset. */
void syncbatch_free(struct syncbatch *b);

#endif
