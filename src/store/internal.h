/* SPDX-License-Identifier: MIT */
/* internal: what the files of src/store share and nobody else sees: the connection, transaction
 * helpers, the error translation and the stored clock. */
#ifndef MDG_STORE_INTERNAL_H
#define MDG_STORE_INTERNAL_H

#include <sqlite3.h>
#include <time.h>

#include "core/bizdate.h"
#include "core/status.h"

struct store {
	sqlite3 *db;
	char *path;
	char site_id[33];
	int migrated_from, migrated_to;
	int busy_timeout_ms;     /* how long a write waits for the lock */
	unsigned busy_seed;      /* jitter for the busy handler */
	struct timespec busy_start; /* when the current wait began */
};

/* Translates a SQLite result code into a status with "what: sqlite message". */
enum mdg_status store_sqlerr(struct store *st, int rc, struct mdg_err *err, const char *what);

/* Prepares sql; on failure fills err. */
enum mdg_status store_prepare(struct store *st, const char *sql, sqlite3_stmt **out,
			      struct mdg_err *err);

/* Runs sql, which yields one row, and gives its first column as an integer (a count, a pragma's
 * value). A statement without a row is an error naming sql. */
enum mdg_status store_query_int(struct store *st, const char *sql, int64_t *out,
				struct mdg_err *err);

/* Runs a statement list without results. */
enum mdg_status store_exec(struct store *st, const char *sql, struct mdg_err *err);

/* BEGIN IMMEDIATE (waits busy_timeout, then MDG_ERR_BUSY) / COMMIT / ROLLBACK (never fails). */
enum mdg_status store_begin_write(struct store *st, struct mdg_err *err);
enum mdg_status store_commit(struct store *st, struct mdg_err *err);
void store_rollback(struct store *st);

/* Inside a write transaction: advances the stored clock (meta last_bizdate, last_ms) from now_ms
 * and returns the stamp to use for this transaction's rows. Logs a warning when the wall clock
 * went back. */
enum mdg_status store_stamp(struct store *st, int64_t now_ms, struct bizclock *out,
			    struct mdg_err *err);

/* Reads a meta value into buf ("" when absent). */
enum mdg_status store_meta_get(struct store *st, const char *key, char *buf, size_t size,
			       struct mdg_err *err);
enum mdg_status store_meta_set(struct store *st, const char *key, const char *value,
			       struct mdg_err *err);

/* Copies column i of the current row as text into buf ("" for NULL). */
void store_col_text(sqlite3_stmt *s, int i, char *buf, size_t size);

#endif
