/* SPDX-License-Identifier: MIT */
/* audit: appending to and verifying the hash chain. The row encoding is length-prefixed so that
 * moving bytes between fields changes the hash. */
#include "store/audit.h"

#include <stdio.h>
#include <string.h>

#include "secure/hash.h"
#include "store/internal.h"

static void put_u64(struct secure_hash_state *h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	secure_hash_update(h, b, sizeof b);
}

static void put_str(struct secure_hash_state *h, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put_u64(h, n);
	secure_hash_update(h, s ? s : "", n);
}

static void row_hash(const uint8_t prev[SECURE_HASH_BYTES], int64_t seq, int64_t at_ms,
		     const char *actor, const char *action, const char *target, const char *detail,
		     uint8_t out[SECURE_HASH_BYTES])
{
	struct secure_hash_state h;
	secure_hash_begin(&h);
	secure_hash_update(&h, prev, SECURE_HASH_BYTES);
	put_u64(&h, (uint64_t)seq);
	put_u64(&h, (uint64_t)at_ms);
	put_str(&h, actor);
	put_str(&h, action);
	put_str(&h, target);
	put_str(&h, detail);
	secure_hash_final(&h, out);
}

enum mdg_status audit_append(struct store *st, int64_t now_ms, const char *actor,
			     const char *action, const char *target, const char *detail,
			     struct mdg_err *err)
{
	if (!actor || !*actor || !action || !*action)
		return mdg_err_set(err, MDG_ERR_INVALID, "audit needs an actor and an action");
	bool own = sqlite3_get_autocommit(st->db);
	enum mdg_status rc = MDG_OK;
	sqlite3_stmt *s = NULL;
	if (own && (rc = store_begin_write(st, err)))
		return rc;
	struct bizclock clock;
	rc = store_stamp(st, now_ms, &clock, err);
	if (rc)
		goto out;
	uint8_t prev[SECURE_HASH_BYTES] = { 0 }, hash[SECURE_HASH_BYTES];
	int64_t seq = 1;
	rc = store_prepare(st, "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1", &s, err);
	if (rc)
		goto out;
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW && sqlite3_column_bytes(s, 0) == SECURE_HASH_BYTES)
		memcpy(prev, sqlite3_column_blob(s, 0), SECURE_HASH_BYTES);
	else if (r != SQLITE_DONE && r != SQLITE_ROW) {
		rc = store_sqlerr(st, r, err, "audit");
		goto out;
	}
	sqlite3_finalize(s);
	/* AUTOINCREMENT: the next seq is one past the highest ever used. */
	rc = store_prepare(st, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0) + 1",
			   &s, err);
	if (rc)
		goto out;
	if (sqlite3_step(s) == SQLITE_ROW)
		seq = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	row_hash(prev, seq, clock.ms, actor, action, target, detail, hash);
	rc = store_prepare(st, "INSERT INTO audit(seq, at_ms, actor, action, target, detail, prev_hash, hash)"
			       " VALUES(?, ?, ?, ?, ?, ?, ?, ?)", &s, err);
	if (rc)
		goto out;
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, clock.ms);
	sqlite3_bind_text(s, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, target ? target : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, detail ? detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 7, prev, SECURE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(s, 8, hash, SECURE_HASH_BYTES, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "audit");
out:
	sqlite3_finalize(s);
	if (own) {
		if (!rc)
			rc = store_commit(st, err);
		else
			store_rollback(st);
	}
	return rc;
}

static void fail_at(struct audit_verify *v, int64_t seq, const char *what)
{
	if (!v->ok)
		return;
	v->ok = false;
	v->bad_seq = seq;
	snprintf(v->problem, sizeof v->problem, "row %lld: %s", (long long)seq, what);
}

enum mdg_status audit_verify(struct store *st, struct audit_verify *v, struct mdg_err *err)
{
	memset(v, 0, sizeof *v);
	v->ok = true;
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"SELECT seq, at_ms, actor, action, target, detail, prev_hash, hash FROM audit ORDER BY seq",
		&s, err);
	if (rc)
		return rc;
	uint8_t prev[SECURE_HASH_BYTES] = { 0 }, want[SECURE_HASH_BYTES];
	int64_t expect_seq = 1;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(s, 0);
		v->rows++;
		if (seq != expect_seq)
			fail_at(v, expect_seq, seq > expect_seq ? "missing (deleted)" : "out of order");
		expect_seq = seq + 1;
		if (sqlite3_column_bytes(s, 6) != SECURE_HASH_BYTES ||
		    sqlite3_column_bytes(s, 7) != SECURE_HASH_BYTES) {
			fail_at(v, seq, "hash has the wrong size");
			continue;
		}
		if (!secure_equal(sqlite3_column_blob(s, 6), prev, SECURE_HASH_BYTES))
			fail_at(v, seq, "does not follow the row before it (deleted or reordered)");
		row_hash(sqlite3_column_blob(s, 6), seq, sqlite3_column_int64(s, 1),
			 (const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 3),
			 (const char *)sqlite3_column_text(s, 4), (const char *)sqlite3_column_text(s, 5),
			 want);
		if (!secure_equal(want, sqlite3_column_blob(s, 7), SECURE_HASH_BYTES))
			fail_at(v, seq, "contents were edited");
		memcpy(prev, sqlite3_column_blob(s, 7), SECURE_HASH_BYTES);
	}
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "audit verify");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	/* A deleted tail leaves no gap between rows: compare with the highest seq ever used. */
	if (store_prepare(st, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'", &s, err) == MDG_OK) {
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 0) >= expect_seq)
			fail_at(v, expect_seq, "missing at the end (deleted)");
		sqlite3_finalize(s);
	}
	return MDG_OK;
}
