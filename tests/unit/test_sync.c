/* SPDX-License-Identifier: MIT */
/* Unit tests of the sync's pieces that need no server: the descriptors against a fresh store
 * (every column of a synced table is sent or deliberately left out), the batch container, the
 * store's outbox reader and acked marks, the COPY text encoder, and the password check. The
 * pushing side runs against a real PostgreSQL in tests/integration/sync_central.sh and
 * tests/fault/sync_*.sh. */
#include "testutil.h"

#include <sqlite3.h>

#include "core/synctab.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/store.h"
#include "sync/central.h"
#include "sync/pgcopy.h"

/* Columns of synced tables that never leave the site, and why. */
static const char *const left_out[] = {
	"tickets.token", /* the secret half of the ticket's QR code */
	"help_sessions.note", /* staff's free text: may hold personal data despite the warning */
};

static bool is_left_out(const char *table, const char *col)
{
	char name[128];
	snprintf(name, sizeof name, "%s.%s", table, col);
	for (size_t i = 0; i < sizeof left_out / sizeof left_out[0]; i++)
		if (strcmp(left_out[i], name) == 0)
			return true;
	return false;
}

static void descriptors_match_the_store(void **state)
{
	char *dir = test_tmpdir(), path[600];
	snprintf(path, sizeof path, "%s/site.db", dir);
	struct store *st = NULL;
	struct mdg_err err = { 0 };
	assert_int_equal(store_open(path, "test-site", 5000, STORE_CREATE, &st, &err), MDG_OK);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < synctab_count; i++) {
		const struct synctab *t = &synctab_all[i];
		assert_int_equal(outbox_check_columns(st, t, &err), MDG_OK);
		assert_string_equal(t->cols[t->seq_col].name, "seq");
		assert_true(t->kind == SYNCTAB_APPEND || synctab_col_index(t, t->key) >= 0);
		assert_ptr_equal(synctab_find(t->name), t);
		/* Every column of the store's table is sent, or listed in left_out. */
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s')", t->name);
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
		int n = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *col = (const char *)sqlite3_column_text(s, 0);
			n++;
			if (synctab_col_index(t, col) < 0 && !is_left_out(t->name, col))
				fail_msg("%s.%s is neither synced nor listed as left out", t->name, col);
		}
		sqlite3_finalize(s);
		assert_true(n > 0);
	}
	/* Never the tables with personal data. */
	assert_null(synctab_find("staff"));
	assert_null(synctab_find("submissions"));
	assert_null(synctab_find("meta"));
	sqlite3_close(db);
	store_close(&st);
	test_rmdir(dir);
}

/* A batch reused for a table with more columns than the last one keeps its values apart. */
static void batch_reuse_across_tables(void **state)
{
	struct syncbatch b = { 0 };
	const struct synctab *audit = synctab_find("audit"), *tickets = synctab_find("tickets");
	syncbatch_reset(&b, audit);
	for (int r = 0; r < 300; r++) {
		struct syncval *v = syncbatch_add_row(&b);
		assert_non_null(v);
		v[0].i = r;
		v[0].null = false;
	}
	syncbatch_reset(&b, tickets);
	for (int r = 0; r < 600; r++) {
		struct syncval *v = syncbatch_add_row(&b);
		assert_non_null(v);
		for (size_t c = 0; c < tickets->n_cols; c++)
			assert_true(v[c].null);
		v[tickets->n_cols - 1].i = r;
		assert_int_equal(syncbatch_put_bytes(&b, &v[3], "A", 1), MDG_OK);
	}
	assert_int_equal(b.n_rows, 600);
	assert_int_equal(syncbatch_row(&b, 599)[tickets->n_cols - 1].i, 599);
	assert_memory_equal(syncbatch_bytes(&b, &syncbatch_row(&b, 599)[3]), "A", 1);
	syncbatch_free(&b);
	syncbatch_free(NULL);
}

static void outbox_reads_in_batches(void **state)
{
	char *dir = test_tmpdir(), path[600];
	snprintf(path, sizeof path, "%s/site.db", dir);
	struct store *st = NULL;
	struct mdg_err err = { 0 };
	assert_int_equal(store_open(path, "test-site", 5000, STORE_CREATE, &st, &err), MDG_OK);
	for (int i = 0; i < 10; i++)
		assert_int_equal(audit_append(st, 1800000000000LL + i, "cli", "test", "t", i % 2 ? NULL : "d",
					      &err), MDG_OK);
	const struct synctab *t = synctab_find("audit");
	struct syncbatch b = { 0 };
	int64_t rows, max;
	assert_int_equal(outbox_pending(st, t, 4, &rows, &max, &err), MDG_OK);
	assert_int_equal(rows, 6);
	assert_int_equal(max, 10);
	assert_int_equal(outbox_fetch(st, t, 4, 4, &b, &err), MDG_OK);
	assert_int_equal(b.n_rows, 4);
	assert_int_equal(b.first_seq, 5);
	assert_int_equal(b.last_seq, 8);
	const struct syncval *v = syncbatch_row(&b, 0);
	assert_int_equal(v[0].i, 5);
	assert_int_equal(v[synctab_col_index(t, "hash")].len, 32);
	assert_int_equal(outbox_fetch(st, t, 8, 4, &b, &err), MDG_OK);
	assert_int_equal(b.n_rows, 2);
	assert_int_equal(outbox_fetch(st, t, 10, 4, &b, &err), MDG_OK);
	assert_int_equal(b.n_rows, 0);
	int64_t acked = -1;
	assert_int_equal(outbox_acked_get(st, t, &acked, &err), MDG_OK);
	assert_int_equal(acked, 0);
	assert_int_equal(outbox_acked_set(st, t, 8, &err), MDG_OK);
	assert_int_equal(outbox_acked_get(st, t, &acked, &err), MDG_OK);
	assert_int_equal(acked, 8);
	syncbatch_free(&b);
	store_close(&st);
	test_rmdir(dir);
}

static const struct synctab_col enc_cols[] = {
	{ "seq", SYNCTAB_INT, "bigint" },
	{ "n", SYNCTAB_INT, "bigint" },
	{ "t", SYNCTAB_TEXT, "text" },
	{ "b", SYNCTAB_BLOB, "bytea" },
};
static const struct synctab enc_tab = { "enc", SYNCTAB_APPEND, NULL, enc_cols, 4, 0 };

static const char *encode_one(struct syncbatch *b, int64_t n, bool n_null, const char *t, size_t tn,
			      const void *blob, size_t bn, struct pgcopy_buf *out)
{
	syncbatch_reset(b, &enc_tab);
	struct syncval *v = syncbatch_add_row(b);
	v[0] = (struct syncval){ .i = 1 };
	if (!n_null)
		v[1] = (struct syncval){ .i = n };
	if (t)
		assert_int_equal(syncbatch_put_bytes(b, &v[2], t, tn), MDG_OK);
	if (blob)
		assert_int_equal(syncbatch_put_bytes(b, &v[3], blob, bn), MDG_OK);
	out->len = 0;
	assert_int_equal(pgcopy_row(out, b, 0), MDG_OK);
	assert_true(out->len < out->cap);
	out->p[out->len] = '\0';
	return out->p;
}

static void copy_text_encoding(void **state)
{
	struct syncbatch b = { 0 };
	struct pgcopy_buf o = { 0 };
	const unsigned char h[3] = { 0x00, 0xab, 0xff };
	assert_string_equal(encode_one(&b, -42, false, "a\tb\nc\rd\\e", 9, h, 3, &o),
			    "1\t-42\ta\\tb\\nc\\rd\\\\e\t\\\\x00abff\n");
	assert_string_equal(encode_one(&b, 0, true, NULL, 0, NULL, 0, &o), "1\t\\N\t\\N\t\\N\n");
	assert_string_equal(encode_one(&b, INT64_MIN, false, "", 0, "", 0, &o),
			    "1\t-9223372036854775808\t\t\\\\x\n");
	/* UTF-8 passes unchanged; invalid bytes and NUL become U+FFFD, one per bad byte. */
	assert_string_equal(encode_one(&b, 7, false, "紙詰まり 髙𠮷", strlen("紙詰まり 髙𠮷"), NULL, 0, &o),
			    "1\t7\t紙詰まり 髙𠮷\t\\N\n");
	assert_string_equal(encode_one(&b, 7, false, "a\xff" "b\0c\xe3\x81", 7, NULL, 0, &o),
			    "1\t7\ta\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\t\\N\n");
	/* Overlong forms and surrogates are not UTF-8 either. */
	assert_string_equal(encode_one(&b, 7, false, "\xc0\xaf\xed\xa0\x80", 5, NULL, 0, &o),
			    "1\t7\t\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\t\\N\n");
	pgcopy_buf_free(&o);
	syncbatch_free(&b);
}

static void passwords_are_refused(void **state)
{
	assert_true(central_target_has_password("host=db password=x"));
	assert_true(central_target_has_password("postgresql://u:secret@db/x"));
	assert_false(central_target_has_password("service=madoguchi-central"));
	assert_false(central_target_has_password("postgresql://u@db/x"));
	assert_false(central_target_has_password("madoguchi-central"));
	assert_false(central_target_has_password(NULL));
	struct central *c = NULL;
	struct mdg_err err = { 0 };
	struct central_opts o = { .target = "host=/nonexistent password=x" };
	assert_int_equal(central_connect(&o, &c, &err), MDG_ERR_CONFIG);
	assert_null(c);
	o.target = "not a service";
	assert_int_equal(central_connect(&o, &c, &err), MDG_ERR_CONFIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(descriptors_match_the_store),
		cmocka_unit_test(batch_reuse_across_tables),
		cmocka_unit_test(outbox_reads_in_batches),
		cmocka_unit_test(copy_text_encoding),
		cmocka_unit_test(passwords_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
