/* SPDX-License-Identifier: MIT */
/* outbox: batches of syncable rows by seq, read with statements built from the descriptors
 * (identifiers come from core/synctab.c, never from input), and the local acked marks in meta. */
#include "store/outbox.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

/* "SELECT c1, c2, ... FROM t" into buf. */
static enum mdg_status select_list(const struct synctab *tab, char *buf, size_t size,
				   struct mdg_err *err)
{
	size_t n = (size_t)snprintf(buf, size, "SELECT ");
	for (size_t i = 0; i < tab->n_cols && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", tab->cols[i].name);
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, " FROM %s", tab->name);
	if (n >= size)
		return mdg_err_set(err, MDG_ERR_INVALID, "sync: table %s has too many columns", tab->name);
	return MDG_OK;
}

enum mdg_status outbox_fetch(struct store *st, const struct synctab *tab, int64_t after,
			     size_t max_rows, struct syncbatch *b, struct mdg_err *err)
{
	char sql[1024];
	syncbatch_reset(b, tab);
	enum mdg_status rc = select_list(tab, sql, sizeof sql - 64, err);
	if (rc)
		return rc;
	strcat(sql, " WHERE seq > ? ORDER BY seq LIMIT ?");
	sqlite3_stmt *s;
	rc = store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max_rows);
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		struct syncval *row = syncbatch_add_row(b);
		if (!row) {
			rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
			break;
		}
		for (size_t c = 0; c < tab->n_cols && !rc; c++) {
			int ct = sqlite3_column_type(s, (int)c);
			if (ct == SQLITE_NULL)
				continue;
			switch (tab->cols[c].type) {
			case SYNCTAB_INT:
				row[c].i = sqlite3_column_int64(s, (int)c);
				row[c].null = false;
				break;
			case SYNCTAB_TEXT: {
				const unsigned char *t = sqlite3_column_text(s, (int)c);
				if (syncbatch_put_bytes(b, &row[c], t, (size_t)sqlite3_column_bytes(s, (int)c)))
					rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
				break;
			}
			case SYNCTAB_BLOB: {
				const void *p = sqlite3_column_blob(s, (int)c);
				if (syncbatch_put_bytes(b, &row[c], p, (size_t)sqlite3_column_bytes(s, (int)c)))
					rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
				break;
			}
			}
		}
		if (rc)
			break;
		int64_t seq = row[tab->seq_col].i;
		if (b->n_rows == 1)
			b->first_seq = seq;
		b->last_seq = seq;
	}
	if (!rc && r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "sync read");
	sqlite3_finalize(s);
	if (rc)
		syncbatch_reset(b, tab);
	return rc;
}

enum mdg_status outbox_pending(struct store *st, const struct synctab *tab, int64_t after,
			       int64_t *rows, int64_t *max_seq, struct mdg_err *err)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT (SELECT count(*) FROM %s WHERE seq > ?), (SELECT coalesce(max(seq), 0) FROM %s)",
		 tab->name, tab->name);
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, after);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		*rows = sqlite3_column_int64(s, 0);
		*max_seq = sqlite3_column_int64(s, 1);
	} else {
		rc = store_sqlerr(st, r, err, "sync count");
	}
	sqlite3_finalize(s);
	return rc;
}

static void acked_key(const struct synctab *tab, char *buf, size_t size)
{
	snprintf(buf, size, "sync.acked.%s", tab->name);
}

enum mdg_status outbox_acked_get(struct store *st, const struct synctab *tab, int64_t *seq,
				 struct mdg_err *err)
{
	char key[96], val[32];
	acked_key(tab, key, sizeof key);
	enum mdg_status rc = store_meta_get(st, key, val, sizeof val, err);
	*seq = rc ? 0 : strtoll(val, NULL, 10);
	return rc;
}

enum mdg_status outbox_acked_set(struct store *st, const struct synctab *tab, int64_t seq,
				 struct mdg_err *err)
{
	char key[96], val[32];
	acked_key(tab, key, sizeof key);
	snprintf(val, sizeof val, "%" PRId64, seq);
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	rc = store_meta_set(st, key, val, err);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

enum mdg_status outbox_check_columns(struct store *st, const struct synctab *tab,
				     struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?", &s,
					   err);
	if (rc)
		return rc;
	for (size_t i = 0; i < tab->n_cols && !rc; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, tab->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, tab->cols[i].name, -1, SQLITE_STATIC);
		int r = sqlite3_step(s);
		if (r == SQLITE_DONE)
			rc = mdg_err_set(err, MDG_ERR_VERSION,
					 "the site store has no column %s.%s that the sync sends",
					 tab->name, tab->cols[i].name);
		else if (r != SQLITE_ROW)
			rc = store_sqlerr(st, r, err, "sync check");
	}
	sqlite3_finalize(s);
	return rc;
}
