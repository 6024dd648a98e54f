/* SPDX-License-Identifier: MIT */
/* audit: appending to and verifying the hash chain. The row encoding is length-prefixed so that
 * moving bytes between fields changes the hash. */
#include "store/audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/log.h"

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

static void to_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* A head record "SEQ HEXHASH" (and, for 'audit.cut', " LASTSEQ"). */
struct head {
	int64_t seq, last;
	char hex[2 * SECURE_HASH_BYTES + 1];
};

static bool head_parse(const char *s, struct head *h)
{
	long long seq = 0, last = 0;
	memset(h, 0, sizeof *h);
	int n = sscanf(s, "%lld %64[0-9a-f] %lld", &seq, h->hex, &last);
	h->seq = seq;
	h->last = last;
	return n >= 2 && strlen(h->hex) == 2 * SECURE_HASH_BYTES;
}

/* Inside the append's transaction, before the new row: when the chain's last row (last_seq,
 * last_hash) is behind the recorded head, keeps the evidence in 'audit.cut' (once). */
static enum mdg_status check_head(struct store *st, int64_t last_seq, const uint8_t *last_hash,
				  struct mdg_err *err)
{
	char buf[160], cut[160], hex[2 * SECURE_HASH_BYTES + 1];
	struct head h;
	enum mdg_status rc = store_meta_get(st, "audit.head", buf, sizeof buf, err);
	if (rc || !head_parse(buf, &h))
		return rc;
	to_hex(last_hash, SECURE_HASH_BYTES, hex);
	if (h.seq < last_seq || (h.seq == last_seq && strcmp(h.hex, hex) == 0))
		return MDG_OK;
	if ((rc = store_meta_get(st, "audit.cut", cut, sizeof cut, err)) || cut[0])
		return rc;
	snprintf(cut, sizeof cut, "%lld %s %lld", (long long)h.seq, h.hex, (long long)last_seq);
	mlog(MLOG_ERROR, "audit: the chain ends at row %lld but row %lld was appended: rows deleted at the end",
	     (long long)last_seq, (long long)h.seq);
	return store_meta_set(st, "audit.cut", cut, err);
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
	int64_t seq = 1, last_seq = 0;
	rc = store_prepare(st, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &s, err);
	if (rc)
		goto out;
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW && sqlite3_column_bytes(s, 1) == SECURE_HASH_BYTES) {
		last_seq = sqlite3_column_int64(s, 0);
		memcpy(prev, sqlite3_column_blob(s, 1), SECURE_HASH_BYTES);
	} else if (r != SQLITE_DONE && r != SQLITE_ROW) {
		rc = store_sqlerr(st, r, err, "audit");
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = check_head(st, last_seq, prev, err)))
		goto out;
	/* AUTOINCREMENT: the next seq is one past the highest ever used. */
	rc = store_query_int(st, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0) + 1",
			     &seq, err);
	if (rc)
		goto out;
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
	if (r != SQLITE_DONE) {
		rc = store_sqlerr(st, r, err, "audit");
		goto out;
	}
	char head[32 + 2 * SECURE_HASH_BYTES];
	int n = snprintf(head, sizeof head, "%lld ", (long long)seq);
	to_hex(hash, SECURE_HASH_BYTES, head + n);
	rc = store_meta_set(st, "audit.head", head, err);
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

const char *audit_problem_name(enum audit_problem p)
{
	switch (p) {
	case AUDIT_INTACT: return N_("intact");
	case AUDIT_EDITED: return N_("edited");
	case AUDIT_DELETED: return N_("deleted");
	case AUDIT_REORDERED: return N_("reordered");
	case AUDIT_TRUNCATED: return N_("truncated");
	}
	return "?";
}

static void fail_at(struct audit_verify *v, int64_t seq, enum audit_problem kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail_at(struct audit_verify *v, int64_t seq, enum audit_problem kind, const char *fmt, ...)
{
	if (!v->ok)
		return;
	v->ok = false;
	v->bad_seq = seq;
	v->kind = kind;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->problem, sizeof v->problem, fmt, ap);
	va_end(ap);
}

/* The seq of a row whose stored hash is hash (0: none). */
static int64_t row_with_hash(struct store *st, const void *hash)
{
	sqlite3_stmt *s;
	int64_t seq = 0;
	if (store_prepare(st, "SELECT seq FROM audit WHERE hash = ? LIMIT 1", &s, NULL))
		return 0;
	sqlite3_bind_blob(s, 1, hash, SECURE_HASH_BYTES, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		seq = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return seq;
}

/* A row whose link to the row before it (prev) is broken: says why, as precisely as the chain
 * allows. s is on the row. */
static void classify_break(struct store *st, sqlite3_stmt *s, int64_t seq, bool self_ok,
			   struct audit_verify *v)
{
	const void *prev_hash = sqlite3_column_blob(s, 6);
	int64_t k = row_with_hash(st, prev_hash);
	if (k > 0 && k != seq - 1) {
		fail_at(v, seq, AUDIT_REORDERED,
			"row %lld holds the contents of the row that followed row %lld: rows were reordered",
			(long long)seq, (long long)k);
		return;
	}
	if (self_ok && seq > 1) {
		fail_at(v, seq - 1, AUDIT_EDITED,
			"row %lld was rewritten: row %lld no longer follows it", (long long)(seq - 1),
			(long long)seq);
		return;
	}
	/* Hashed under a higher seq: rows before it were deleted and the rest renumbered. */
	uint8_t want[SECURE_HASH_BYTES];
	for (int64_t d = 1; d <= 64; d++) {
		row_hash(prev_hash, seq + d, sqlite3_column_int64(s, 1),
			 (const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 3),
			 (const char *)sqlite3_column_text(s, 4), (const char *)sqlite3_column_text(s, 5),
			 want);
		if (secure_equal(want, sqlite3_column_blob(s, 7), SECURE_HASH_BYTES)) {
			fail_at(v, seq, AUDIT_DELETED,
				"%lld row(s) before row %lld were deleted and the later rows renumbered",
				(long long)d, (long long)seq);
			return;
		}
	}
	fail_at(v, seq, AUDIT_EDITED, "row %lld was edited (it no longer follows row %lld)",
		(long long)seq, (long long)(seq - 1));
}

/* After the walk: the chain's end (last_seq, last_hash) against the head records. */
static enum mdg_status check_tail(struct store *st, int64_t last_seq, const uint8_t *last_hash,
				  struct audit_verify *v, struct mdg_err *err)
{
	char buf[160], hex[2 * SECURE_HASH_BYTES + 1];
	struct head h;
	enum mdg_status rc = store_meta_get(st, "audit.cut", buf, sizeof buf, err);
	if (rc)
		return rc;
	if (buf[0] && head_parse(buf, &h))
		fail_at(v, h.last + 1, AUDIT_TRUNCATED,
			"rows %lld to %lld were deleted at the end (found when the next row was appended)",
			(long long)(h.last + 1), (long long)h.seq);
	if ((rc = store_meta_get(st, "audit.head", buf, sizeof buf, err)))
		return rc;
	to_hex(last_hash, SECURE_HASH_BYTES, hex);
	if (buf[0] && head_parse(buf, &h)) {
		if (h.seq > last_seq)
			fail_at(v, last_seq + 1, AUDIT_TRUNCATED,
				"rows %lld to %lld are missing at the end (deleted)", (long long)(last_seq + 1),
				(long long)h.seq);
		else if (h.seq == last_seq && strcmp(h.hex, hex) != 0)
			fail_at(v, last_seq, AUDIT_EDITED, "row %lld, the last, was rewritten",
				(long long)last_seq);
		else if (h.seq < last_seq)
			fail_at(v, h.seq + 1, AUDIT_EDITED, "rows %lld to %lld were added outside madoguchi",
				(long long)(h.seq + 1), (long long)last_seq);
	}
	/* Stores from before the head record: SQLite's counter of the highest seq ever used. */
	int64_t used = 0;
	if (store_query_int(st, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0)",
			    &used, err) == MDG_OK && used > last_seq)
		fail_at(v, last_seq + 1, AUDIT_TRUNCATED, "rows %lld to %lld are missing at the end (deleted)",
			(long long)(last_seq + 1), (long long)used);
	return MDG_OK;
}

/* One row of the walk: s is on the row, prev is the hash of the row before (zeros for the
 * first). */
static void check_row(struct store *st, sqlite3_stmt *s, int64_t seq, const uint8_t *prev,
		      int64_t *expect_seq, struct audit_verify *v)
{
	if (seq != *expect_seq) {
		if (seq == *expect_seq + 1)
			fail_at(v, *expect_seq, AUDIT_DELETED, "row %lld is missing (deleted)",
				(long long)*expect_seq);
		else
			fail_at(v, *expect_seq, AUDIT_DELETED, "rows %lld to %lld are missing (deleted)",
				(long long)*expect_seq, (long long)(seq - 1));
		return;
	}
	*expect_seq = seq + 1;
	if (sqlite3_column_bytes(s, 6) != SECURE_HASH_BYTES ||
	    sqlite3_column_bytes(s, 7) != SECURE_HASH_BYTES) {
		fail_at(v, seq, AUDIT_EDITED, "row %lld: a hash has the wrong size (edited)", (long long)seq);
		return;
	}
	uint8_t want[SECURE_HASH_BYTES];
	row_hash(sqlite3_column_blob(s, 6), seq, sqlite3_column_int64(s, 1),
		 (const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 3),
		 (const char *)sqlite3_column_text(s, 4), (const char *)sqlite3_column_text(s, 5), want);
	bool self_ok = secure_equal(want, sqlite3_column_blob(s, 7), SECURE_HASH_BYTES);
	if (!secure_equal(sqlite3_column_blob(s, 6), prev, SECURE_HASH_BYTES))
		classify_break(st, s, seq, self_ok, v);
	else if (!self_ok)
		fail_at(v, seq, AUDIT_EDITED, "row %lld: its contents were edited", (long long)seq);
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
	uint8_t prev[SECURE_HASH_BYTES] = { 0 };
	int64_t expect_seq = 1, last_seq = 0;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(s, 0);
		v->rows++;
		last_seq = seq;
		if (v->ok) /* the first problem is named; the rest are only counted */
			check_row(st, s, seq, prev, &expect_seq, v);
		if (sqlite3_column_bytes(s, 7) == SECURE_HASH_BYTES)
			memcpy(prev, sqlite3_column_blob(s, 7), SECURE_HASH_BYTES);
	}
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "audit verify");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	return check_tail(st, last_seq, prev, v, err);
}

enum mdg_status audit_list(struct store *st, int64_t from_ms, int64_t to_ms,
			   int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
			   struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"SELECT seq, at_ms, actor, action, target, detail FROM audit"
		" WHERE at_ms >= ?1 AND (?2 = 0 OR at_ms < ?2) ORDER BY seq", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, from_ms);
	sqlite3_bind_int64(s, 2, to_ms);
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		struct audit_row row = {
			sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
			(const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 3),
			(const char *)sqlite3_column_text(s, 4), (const char *)sqlite3_column_text(s, 5),
		};
		if (fn(ctx, &row))
			break;
	}
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		rc = store_sqlerr(st, r, err, "audit list");
	sqlite3_finalize(s);
	return rc;
}
