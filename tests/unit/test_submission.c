/* SPDX-License-Identifier: MIT */
/* Unit tests of store/submission.c on a real SQLite file: create and load (values, card marks,
 * audit), the My Number refused, sealed values moved or changed in the file, links to tickets,
 * printing, lists, key rotation, a newer form version, and purges: what goes, what stays, ids
 * and seqs never reused, the audit row, a reader that holds the WAL, and the sealed bytes gone
 * from the database and its WAL. */
#include "testutil.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "core/bizdate.h"
#include "secure/hash.h"
#include "secure/keys.h"
#include "store/audit.h"
#include "store/queue.h"
#include "store/store.h"
#include "store/submission.h"

static const char *const LANGS[] = { "ja", "en" };
static const struct form_context CTX = { LANGS, 2, NULL, 0 };

#define FORM_V(version, note)                                                                   \
	"id: purge-test\n"                                                                      \
	"version: " #version "\n"                                                               \
	"service: A\n"                                                                          \
	"title: {ja: 試験, en: Test}\n"                                                         \
	"short_title: {ja: 試験, en: Test}\n"                                                   \
	"needs_my_number: true\n"                                                               \
	"sections:\n"                                                                           \
	"  - id: who\n"                                                                         \
	"    title: {ja: 申請者, en: Applicant}\n"                                              \
	"    fields:\n"                                                                         \
	"      - {id: name, type: text, label: {ja: 氏名, en: Name}, prefill: card.name}\n"    \
	"      - {id: address, type: address, label: {ja: 住所, en: Address}, prefill: card.address}\n" \
	note                                                                                    \
	"      - {id: my_number, type: text, label: {ja: 個人番号, en: My Number}, my_number: true}\n"
#define NOTE "      - {id: note, type: text, label: {ja: 備考, en: Note}}\n"

enum { F_NAME, F_ADDRESS, F_NOTE, F_MY_NUMBER };
static const char NAME[] = "テスト\xe3\x80\x80髙𠮷ユニーク";
static const char ADDRESS[] = "沖縄県那覇市泉崎1-1-1";
static const char MARKER[] = "PURGE-MARKER-ascii";

struct fx {
	char *dir;
	char key[600], db[600];
	struct store *st;
	struct keyring *k;
	struct form *form;
	struct form_values vals;
};

static int64_t T(const char *iso)
{
	int64_t ms;
	if (!bizclock_parse(iso, &ms))
		fail_msg("bad time %s", iso);
	return ms;
}

static const int64_t HOUR = 3600000;
#define T0 T("2026-11-25T09:00:00+09:00")

static struct form *load_form(const char *yaml)
{
	return test_form_from("/forms/purge-test.yaml", yaml, &CTX);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct mdg_err err = { 0 };
	f->dir = test_tmpdir();
	f->st = test_store_new(f->dir, 300, f->db, sizeof f->db);
	snprintf(f->key, sizeof f->key, "%s/site.key", f->dir);
	assert_int_equal(keyring_init(f->key, &err), MDG_OK);
	assert_int_equal(keyring_load(f->key, &f->k, &err), MDG_OK);
	f->form = load_form(FORM_V(1, NOTE));
	assert_int_equal(form_values_init(&f->vals, f->form), 0);
	form_values_set(&f->vals, F_NAME, NAME, true);
	form_values_set(&f->vals, F_ADDRESS, ADDRESS, true);
	form_values_set(&f->vals, F_NOTE, MARKER, false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	form_values_free(&f->vals);
	form_free(&f->form);
	keyring_free(&f->k);
	store_close(&f->st);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

static struct submission create(struct fx *f, int64_t now, int64_t ticket)
{
	struct submission s;
	struct mdg_err err = { 0 };
	struct submission_new in = {
		.form = f->form, .vals = &f->vals, .lang = "ja", .place = SUB_KIOSK,
		.terminal = "kiosk-1", .ticket_id = ticket, .status = SUB_SUBMITTED,
		.retention_hours = 72, .actor = "kiosk-1",
	};
	if (submission_create(f->st, f->k, &in, now, &s, &err))
		fail_msg("create: %s", err.msg);
	return s;
}

/* A second connection, as another terminal or an attacker with the file would have. */
static sqlite3 *raw(struct fx *f)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The sealed bytes of row id (up to 512). */
static size_t raw_sealed(sqlite3 *db, int64_t id, uint8_t *buf)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sealed FROM submissions WHERE id = ?", -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	size_t n = (size_t)sqlite3_column_bytes(s, 0);
	assert_true(n <= 512);
	memcpy(buf, sqlite3_column_blob(s, 0), n);
	sqlite3_finalize(s);
	return n;
}

static int64_t audit_count(struct fx *f, const char *action)
{
	sqlite3 *db = raw(f);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE action = '%s'", action);
	int64_t n = raw_int(db, sql);
	sqlite3_close(db);
	return n;
}

/* How many 16-byte pieces of needle (at every 8th offset) occur in file path. */
static int pieces_in_file(const char *path, const uint8_t *needle, size_t n)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 0;
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
	size_t got = fread(data, 1, (size_t)size, fp);
	fclose(fp);
	int hits = 0;
	for (size_t o = 0; o + 16 <= n; o += 8)
		for (size_t i = 0; i + 16 <= got; i++)
			if (memcmp(data + i, needle + o, 16) == 0) {
				hits++;
				break;
			}
	free(data);
	return hits;
}

static int pieces_in_store(struct fx *f, const uint8_t *needle, size_t n)
{
	char p[700];
	int hits = pieces_in_file(f->db, needle, n);
	snprintf(p, sizeof p, "%s-wal", f->db);
	hits += pieces_in_file(p, needle, n);
	snprintf(p, sizeof p, "%s-shm", f->db);
	return hits + pieces_in_file(p, needle, n);
}

static void create_and_load(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct submission s = create(f, T0, 0);
	assert_int_equal(s.id, 1);
	assert_int_equal(s.seq, 1);
	assert_string_equal(s.bizdate, "2026-11-25");
	assert_string_equal(s.form_id, "purge-test");
	assert_int_equal(s.form_version, 1);
	assert_int_equal(s.ticket_id, 0);
	assert_int_equal(s.place, SUB_KIOSK);
	assert_string_equal(s.terminal, "kiosk-1");
	assert_string_equal(s.lang, "ja");
	assert_int_equal(s.key_id, 1);
	assert_int_equal(s.status, SUB_SUBMITTED);
	assert_string_equal(s.from_card, "name,address");
	assert_int_equal(s.created_ms, T0);
	assert_int_equal(s.purge_after_ms, T0 + 72 * HOUR);
	/* 1 + (1+4+1+2+31) + (1+7+1+2+29) + (1+4+1+2+18) = 106 bytes: two blocks and the tag. */
	assert_int_equal(s.sealed_bytes, 144);
	/* Nothing in the clear, even in the WAL right after the commit. */
	assert_int_equal(pieces_in_store(f, (const uint8_t *)MARKER, strlen(MARKER)), 0);
	assert_int_equal(pieces_in_store(f, (const uint8_t *)ADDRESS, strlen(ADDRESS)), 0);

	struct form_values v;
	struct submission m;
	assert_int_equal(submission_load(f->st, f->k, 1, f->form, "staff-7", T0 + 60000, &m, &v, &err),
			 MDG_OK);
	assert_int_equal(v.n, 4);
	assert_string_equal(v.v[F_NAME], NAME);
	assert_true(v.from_card[F_NAME]);
	assert_string_equal(v.v[F_ADDRESS], ADDRESS);
	assert_true(v.from_card[F_ADDRESS]);
	assert_string_equal(v.v[F_NOTE], MARKER);
	assert_false(v.from_card[F_NOTE]);
	assert_null(v.v[F_MY_NUMBER]);
	assert_int_equal(m.id, 1);
	assert_int_equal(m.values_dropped, 0);
	form_values_free(&v);
	assert_int_equal(audit_count(f, "submission.create"), 1);
	assert_int_equal(audit_count(f, "submission.view"), 1);
	/* Empty values are not stored (1 + 39 bytes: one block); a draft is allowed. */
	form_values_set(&f->vals, F_NOTE, NULL, false);
	form_values_set(&f->vals, F_ADDRESS, "", false);
	struct submission_new in = { .form = f->form, .vals = &f->vals, .lang = "ja@easy",
				     .place = SUB_COUNTER, .status = SUB_DRAFT, .retention_hours = 1,
				     .actor = "staff-7" };
	assert_int_equal(submission_create(f->st, f->k, &in, T0 + HOUR, &s, &err), MDG_OK);
	assert_int_equal(s.status, SUB_DRAFT);
	assert_int_equal(s.place, SUB_COUNTER);
	assert_string_equal(s.terminal, "");
	assert_int_equal(s.sealed_bytes, 80);
	assert_int_equal(s.purge_after_ms, T0 + 2 * HOUR);
	assert_int_equal(submission_load(f->st, f->k, 2, f->form, "staff-7", T0 + HOUR, NULL, &v, &err),
			 MDG_OK);
	assert_null(v.v[F_NOTE]);
	assert_null(v.v[F_ADDRESS]);
	assert_string_equal(v.v[F_NAME], NAME);
	form_values_free(&v);
	assert_int_equal(submission_load(f->st, f->k, 3, f->form, "staff-7", T0 + HOUR, NULL, &v, &err),
			 MDG_ERR_NOT_FOUND);
	assert_null(v.v);
	struct audit_verify av;
	assert_int_equal(audit_verify(f->st, &av, &err), MDG_OK);
	assert_true(av.ok);
}

/* Staff complete a kiosk submission at the counter: the new values are sealed again (new
 * nonce, still nothing in the clear), the old ones are gone, and the change is audited. */
static void update_at_the_counter(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct submission s = create(f, T0, 0);
	sqlite3 *db = raw(f);
	uint8_t before[512], after[512];
	size_t nb = raw_sealed(db, s.id, before);
	struct form_values v;
	assert_int_equal(submission_load(f->st, f->k, s.id, f->form, "staff-7", T0, NULL, &v, &err),
			 MDG_OK);
	form_values_set(&v, F_NOTE, "COUNTER-ADDED-ascii", false);
	form_values_set(&v, F_ADDRESS, "沖縄県那覇市泉崎2-2-2", false);
	assert_int_equal(submission_update(f->st, f->k, s.id, f->form, &v, "staff-7", T0 + 60000, &err),
			 MDG_OK);
	form_values_free(&v);
	size_t na = raw_sealed(db, s.id, after);
	assert_false(na == nb && memcmp(before, after, na) == 0);
	assert_int_equal(pieces_in_store(f, (const uint8_t *)"COUNTER-ADDED", 13), 0);
	struct submission m;
	assert_int_equal(submission_load(f->st, f->k, s.id, f->form, "staff-7", T0, &m, &v, &err),
			 MDG_OK);
	assert_string_equal(v.v[F_NOTE], "COUNTER-ADDED-ascii");
	assert_string_equal(v.v[F_ADDRESS], "沖縄県那覇市泉崎2-2-2");
	assert_false(v.from_card[F_ADDRESS]);
	assert_true(v.from_card[F_NAME]);
	assert_string_equal(m.from_card, "name");
	assert_true(m.seq > s.seq);
	/* The My Number is refused here too, and nothing changes. */
	form_values_set(&v, F_MY_NUMBER, "123456789018", false);
	assert_int_equal(submission_update(f->st, f->k, s.id, f->form, &v, "staff-7", T0, &err),
			 MDG_ERR_INVALID);
	form_values_free(&v);
	assert_int_equal(submission_update(f->st, f->k, 99, f->form, &f->vals, "staff-7", T0, &err),
			 MDG_ERR_NOT_FOUND);
	assert_int_equal(audit_count(f, "submission.update"), 1);
	sqlite3_close(db);
}

static void refused_inputs_write_nothing(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct submission s;
	struct submission_new in = { .form = f->form, .vals = &f->vals, .lang = "ja", .place = SUB_KIOSK,
				     .status = SUB_SUBMITTED, .retention_hours = 72, .actor = "kiosk-1" };
	form_values_set(&f->vals, F_MY_NUMBER, "123456789012", true);
	assert_int_equal(submission_create(f->st, f->k, &in, T0, &s, &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "My Number"));
	form_values_set(&f->vals, F_MY_NUMBER, NULL, false);
	in.lang = "ja; DROP";
	assert_int_equal(submission_create(f->st, f->k, &in, T0, &s, &err), MDG_ERR_INVALID);
	in.lang = "ja";
	in.status = SUB_PRINTED;
	assert_int_equal(submission_create(f->st, f->k, &in, T0, &s, &err), MDG_ERR_INVALID);
	in.status = SUB_SUBMITTED;
	in.retention_hours = 0;
	assert_int_equal(submission_create(f->st, f->k, &in, T0, &s, &err), MDG_ERR_INVALID);
	in.retention_hours = 72;
	in.ticket_id = 999;
	assert_int_equal(submission_create(f->st, f->k, &in, T0, &s, &err), MDG_ERR_NOT_FOUND);
	in.ticket_id = 0;
	struct form_values few = { f->vals.v, f->vals.from_card, 2 };
	in.vals = &few;
	assert_int_equal(submission_create(f->st, f->k, &in, T0, &s, &err), MDG_ERR_INVALID);
	in.vals = &f->vals;
	in.actor = NULL;
	assert_int_equal(submission_create(f->st, f->k, &in, T0, &s, &err), MDG_ERR_INVALID);
	struct submission *list;
	size_t n;
	assert_int_equal(submission_list(f->st, NULL, &list, &n, &err), MDG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(audit_count(f, "submission.create"), 0);
	/* The first row saved after all that still gets id 1: nothing was consumed. */
	assert_int_equal(create(f, T0, 0).id, 1);
}

static void moved_or_changed_values_fail(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct form_values v;
	create(f, T0, 0);
	form_values_set(&f->vals, F_NOTE, "another resident", false);
	create(f, T0, 0);
	sqlite3 *db = raw(f);
	/* Row 2's sealed values and nonce copied into row 1. */
	raw_exec(db, "UPDATE submissions SET sealed = (SELECT sealed FROM submissions WHERE id = 2),"
		     " nonce = (SELECT nonce FROM submissions WHERE id = 2) WHERE id = 1");
	assert_int_equal(submission_load(f->st, f->k, 1, f->form, "staff-7", T0, NULL, &v, &err),
			 MDG_ERR_CRYPTO);
	assert_null(v.v);
	assert_int_equal(audit_count(f, "submission.view"), 0); /* a failed open is no view */
	/* One bit of row 2 changed. */
	uint8_t buf[512];
	size_t n = raw_sealed(db, 2, buf);
	buf[40] ^= 0x10;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE submissions SET sealed = ? WHERE id = 2", -1, &st,
					    NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, buf, (int)n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(submission_load(f->st, f->k, 2, f->form, "staff-7", T0, NULL, &v, &err),
			 MDG_ERR_CRYPTO);
	/* Another key id: the ring has no key 5. */
	raw_exec(db, "UPDATE submissions SET key_id = 5 WHERE id = 1");
	assert_int_equal(submission_load(f->st, f->k, 1, f->form, "staff-7", T0, NULL, &v, &err),
			 MDG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "key 5"));
	/* The row id itself changed (the sealed text stays, the row moves). */
	create(f, T0, 0);
	raw_exec(db, "UPDATE submissions SET id = 10 WHERE id = 3");
	assert_int_equal(submission_load(f->st, f->k, 10, f->form, "staff-7", T0, NULL, &v, &err),
			 MDG_ERR_CRYPTO);
	sqlite3_close(db);
}

static void link_print_and_list(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct mdg_config *cfg = test_config_from(TEST_SITE_YAML, f->dir);
	struct ticket t1, t2;
	/* The queue uses the same store file (its own connection would do as well). */
	assert_int_equal(queue_issue(f->st, cfg, "A", PRIO_NONE, "ja", T0, &t1, NULL, &err), MDG_OK);
	assert_int_equal(queue_issue(f->st, cfg, "A", PRIO_NONE, "ja", T0, &t2, NULL, &err), MDG_OK);
	struct submission a = create(f, T0, 0), b = create(f, T0 + 1000, t2.id);
	assert_int_equal(b.ticket_id, t2.id);
	assert_int_equal(submission_link(f->st, a.id, t1.id, "kiosk-1", T0 + 2000, &err), MDG_OK);
	assert_int_equal(submission_link(f->st, a.id, t1.id, "kiosk-1", T0 + 2000, &err), MDG_OK);
	assert_int_equal(audit_count(f, "submission.link"), 1); /* the repeat changed nothing */
	assert_int_equal(submission_link(f->st, a.id, t2.id, "kiosk-1", T0 + 2000, &err), MDG_ERR_STATE);
	assert_int_equal(submission_link(f->st, a.id, 0, "kiosk-1", T0 + 2000, &err), MDG_ERR_INVALID);
	assert_int_equal(submission_link(f->st, b.id + 1, t1.id, "kiosk-1", T0, &err), MDG_ERR_NOT_FOUND);
	struct submission c = create(f, T0 + 3000, 0);
	assert_int_equal(submission_link(f->st, c.id, 4242, "kiosk-1", T0, &err), MDG_ERR_NOT_FOUND);

	assert_int_equal(submission_mark_printed(f->st, a.id, "staff-7", T0 + 4000, &err), MDG_OK);
	assert_int_equal(submission_mark_printed(f->st, a.id, "staff-7", T0 + 5000, &err), MDG_OK);
	assert_int_equal(submission_mark_printed(f->st, 99, "staff-7", T0, &err), MDG_ERR_NOT_FOUND);
	sqlite3 *db = raw(f);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM audit WHERE action = 'submission.print'"
				     " AND detail = 'reprint'"), 1);
	sqlite3_close(db);

	struct submission *l;
	size_t n;
	struct submission_filter by_ticket = { .ticket_id = t1.id };
	assert_int_equal(submission_list(f->st, &by_ticket, &l, &n, &err), MDG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, a.id);
	assert_int_equal(l[0].status, SUB_PRINTED);
	assert_int_equal(l[0].printed_ms, T0 + 5000);
	/* Every change gave the row a new seq, above every other. */
	assert_true(l[0].seq > c.seq);
	free(l);
	assert_int_equal(submission_list(f->st, NULL, &l, &n, &err), MDG_OK);
	assert_int_equal(n, 3);
	assert_int_equal(l[0].id, c.id); /* newest first */
	assert_int_equal(l[2].id, a.id);
	free(l);
	struct submission_filter other = { .bizdate = "2026-11-24" }, lim = { .limit = 2 },
				 form = { .form_id = "purge-test" };
	assert_int_equal(submission_list(f->st, &other, &l, &n, &err), MDG_OK);
	assert_int_equal(n, 0);
	assert_null(l);
	assert_int_equal(submission_list(f->st, &lim, &l, &n, &err), MDG_OK);
	assert_int_equal(n, 2);
	free(l);
	assert_int_equal(submission_list(f->st, &form, &l, &n, &err), MDG_OK);
	assert_int_equal(n, 3);
	free(l);
	config_free(&cfg);
}

static void rotation_and_form_versions(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct form_values v;
	struct submission m;
	struct submission old = create(f, T0, 0);
	unsigned id;
	assert_int_equal(keyring_rotate(f->key, &id, &err), MDG_OK);
	struct keyring *k2 = NULL;
	assert_int_equal(keyring_load(f->key, &k2, &err), MDG_OK);
	assert_int_equal(submission_load(f->st, k2, old.id, f->form, "staff-7", T0, &m, &v, &err), MDG_OK);
	assert_int_equal(m.key_id, 1);
	assert_string_equal(v.v[F_NOTE], MARKER);
	form_values_free(&v);
	keyring_free(&f->k);
	f->k = k2;
	struct submission now = create(f, T0, 0);
	assert_int_equal(now.key_id, 2);
	assert_int_equal(keyring_rotate(f->key, &id, &err), MDG_OK);
	keyring_free(&f->k);
	assert_int_equal(keyring_load(f->key, &f->k, &err), MDG_OK);
	assert_int_equal(submission_load(f->st, f->k, old.id, f->form, "staff-7", T0, &m, &v, &err),
			 MDG_ERR_NOT_FOUND);
	assert_int_equal(submission_load(f->st, f->k, now.id, f->form, "staff-7", T0, &m, &v, &err),
			 MDG_OK);
	form_values_free(&v);

	/* Version 2 of the form has no note: the other values come back, the note is counted. */
	struct form *v2 = load_form(FORM_V(2, ""));
	assert_int_equal(submission_load(f->st, f->k, now.id, v2, "staff-7", T0, &m, &v, &err), MDG_OK);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.v[0], NAME);
	assert_int_equal(m.values_dropped, 1);
	assert_int_equal(m.form_version, 1);
	form_values_free(&v);
	form_free(&v2);
	/* Another form: refused. */
	struct form *other = load_form(FORM_V(1, NOTE));
	free(other->id);
	other->id = strdup("other-form");
	assert_int_equal(submission_load(f->st, f->k, now.id, other, "staff-7", T0, &m, &v, &err),
			 MDG_ERR_INVALID);
	form_free(&other);
}

static void purge_deletes_for_real(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct submission_purge_result r;
	struct submission a = create(f, T0, 0);
	struct submission b = create(f, T0 + HOUR, 0);
	struct submission c = create(f, T0 + 71 * HOUR, 0);
	/* Changes leave more copies of the page in the WAL. */
	assert_int_equal(submission_mark_printed(f->st, a.id, "staff-7", T0 + 2 * HOUR, &err), MDG_OK);
	sqlite3 *db = raw(f);
	uint8_t sa[512], sc[512];
	size_t na = raw_sealed(db, a.id, sa), nc = raw_sealed(db, c.id, sc);
	sqlite3_close(db);
	/* The check below can see them: before the purge they are in the files. */
	assert_true(pieces_in_store(f, sa, na) > 0);
	assert_true(pieces_in_store(f, sc, nc) > 0);

	assert_int_equal(submission_purge(f->st, 72, "cli", T0 + 72 * HOUR, &r, &err), MDG_OK);
	assert_true(r.committed);
	assert_int_equal(r.purged, 1);
	assert_int_equal(r.remaining, 2);
	assert_true(r.wal_truncated);
	assert_int_equal(r.cutoff_ms, T0);
	assert_int_equal(pieces_in_store(f, sa, na), 0);
	assert_int_equal(pieces_in_store(f, sc, nc), (int)(nc / 8 - 1)); /* kept rows stay whole */
	struct stat sb;
	char wal[700];
	snprintf(wal, sizeof wal, "%s-wal", f->db);
	assert_true(stat(wal, &sb) != 0 || sb.st_size == 0);
	struct form_values v;
	assert_int_equal(submission_load(f->st, f->k, a.id, f->form, "staff-7", T0 + 72 * HOUR, NULL, &v,
					 &err), MDG_ERR_NOT_FOUND);
	assert_int_equal(submission_load(f->st, f->k, b.id, f->form, "staff-7", T0 + 72 * HOUR, NULL, &v,
					 &err), MDG_OK);
	assert_string_equal(v.v[F_NOTE], MARKER);
	form_values_free(&v);
	db = raw(f);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM audit WHERE action = 'submission.purge'"
				     " AND detail = 'purge 1' AND actor = 'cli'"), 1);
	sqlite3_close(db);

	/* Nothing due: no row, no audit row. */
	assert_int_equal(submission_purge(f->st, 72, "cli", T0 + 72 * HOUR + 1000, &r, &err), MDG_OK);
	assert_int_equal(r.purged, 0);
	assert_int_equal(audit_count(f, "submission.purge"), 1);
	/* Retention shortened to 1 hour in the config: the rows made under 72 go now. */
	assert_int_equal(submission_purge(f->st, 1, "cli", T0 + 72 * HOUR + 2000, &r, &err), MDG_OK);
	assert_int_equal(r.purged, 2);
	assert_int_equal(r.remaining, 0);
	assert_int_equal(submission_purge(f->st, 0, "cli", T0, &r, &err), MDG_ERR_INVALID);
	/* Ids and seqs go on after the highest ever given, although those rows are gone. */
	struct submission d = create(f, T0 + 73 * HOUR, 0);
	assert_int_equal(d.id, c.id + 1);
	assert_true(d.seq > c.seq + 1); /* a's print took a seq too */
	/* A row is also purged when its own purge_after has come, whatever the retention now. */
	struct submission_new in = { .form = f->form, .vals = &f->vals, .lang = "ja", .place = SUB_KIOSK,
				     .status = SUB_SUBMITTED, .retention_hours = 2, .actor = "kiosk-1" };
	struct submission e;
	assert_int_equal(submission_create(f->st, f->k, &in, T0 + 73 * HOUR, &e, &err), MDG_OK);
	assert_int_equal(submission_purge(f->st, 720, "cli", T0 + 75 * HOUR, &r, &err), MDG_OK);
	assert_int_equal(r.purged, 1);
	assert_int_equal(r.remaining, 1);
	struct store_check_report rep;
	assert_int_equal(store_check(f->st, &rep, &err), MDG_OK);
	assert_int_equal(rep.problems, 0);
}

static void purge_waits_for_a_reader(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct submission_purge_result r;
	struct submission a = create(f, T0, 0);
	create(f, T0 + 80 * HOUR, 0);
	sqlite3 *db = raw(f);
	uint8_t sa[512];
	size_t na = raw_sealed(db, a.id, sa);
	/* Another terminal in the middle of a read. */
	raw_exec(db, "BEGIN");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM submissions"), 2);
	assert_int_equal(submission_purge(f->st, 72, "cli", T0 + 80 * HOUR, &r, &err), MDG_ERR_BUSY);
	assert_true(r.committed);
	assert_int_equal(r.purged, 1);
	assert_false(r.wal_truncated);
	assert_non_null(strstr(err.msg, "run the purge again"));
	raw_exec(db, "COMMIT");
	sqlite3_close(db);
	/* The next run has nothing to delete, but finishes the job. */
	assert_int_equal(submission_purge(f->st, 72, "cli", T0 + 80 * HOUR, &r, &err), MDG_OK);
	assert_int_equal(r.purged, 0);
	assert_true(r.wal_truncated);
	assert_int_equal(pieces_in_store(f, sa, na), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_inputs_write_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(update_at_the_counter, setup, teardown),
		cmocka_unit_test_setup_teardown(moved_or_changed_values_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(link_print_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(rotation_and_form_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(purge_deletes_for_real, setup, teardown),
		cmocka_unit_test_setup_teardown(purge_waits_for_a_reader, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
