/* SPDX-License-Identifier: MIT */
/* store: the site store, a SQLite file in WAL mode shared by every terminal process of a site.
 * This header is the whole lifecycle: open (creating and migrating), version, check, backup.
 * Queue operations are in store/queue.h, the audit chain in store/audit.h. No sqlite3 type or
 * code leaves this folder; errors come back as enum mdg_status. */
#ifndef MDG_STORE_STORE_H
#define MDG_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

struct store;

enum store_flags {
	STORE_CREATE = 1u << 0,   /* create the file when missing (db init) */
	STORE_READONLY = 1u << 1, /* open read-only; no migration */
};

/* Opens the store at path for site_id, with the per-connection settings every connection needs
 * (busy_timeout, foreign_keys, synchronous=FULL, secure_delete) and WAL at creation, then applies
 * pending migrations in one BEGIN IMMEDIATE. Errors: MDG_ERR_NOT_FOUND (no file and no
 * STORE_CREATE), MDG_ERR_CONFIG (the file belongs to another site), MDG_ERR_VERSION (newer
 * schema than this program), MDG_ERR_BUSY, MDG_ERR_READONLY, MDG_ERR_FULL, MDG_ERR_CORRUPT,
 * MDG_ERR_IO, MDG_ERR_NOMEM. *out is caller-owned (store_close). */
enum mdg_status store_open(const char *path, const char *site_id, int busy_timeout_ms,
			   unsigned flags, struct store **out, struct mdg_err *err);

/* Closes the store and clears the pointer. NULL-safe. */
void store_close(struct store **pp);

/* The schema version this program writes. */
int store_schema_latest(void);

/* The file's schema version (PRAGMA user_version). */
enum mdg_status store_schema_version(struct store *st, int *version, struct mdg_err *err);

/* What store_open's migration did: the version before and after (equal when nothing to do). */
void store_migration_result(const struct store *st, int *from, int *to);

/* Result of store_check: the number of problems found, and the first ones as text. */
struct store_check_report {
	int problems;
	char first[8][200];
	int64_t tickets, events, audit_rows;
};

/* Checks the file (PRAGMA integrity_check and foreign_key_check) and the invariants: ticket
 * numbers per (date, service) run 1..last without gap or duplicate and match the day counter;
 * every ticket has its "issued" event; the business date stored is not behind any ticket; the
 * audit chain is intact. MDG_OK when it could check (even with problems: see report). */
enum mdg_status store_check(struct store *st, struct store_check_report *report,
			    struct mdg_err *err);

/* Copies the whole database to dest with the SQLite online backup API (readers and writers may
 * go on meanwhile). dest must not exist. MDG_ERR_INVALID when it does. */
enum mdg_status store_backup(struct store *st, const char *dest, struct mdg_err *err);

/* The current business date and stored time as the next write would see them (read-only). */
enum mdg_status store_today(struct store *st, int64_t now_ms, char date[11], struct mdg_err *err);

#endif
