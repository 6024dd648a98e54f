/* SPDX-License-Identifier: MIT */
/* Unit tests of core/helpsession.c (the taxonomy, topic lists, validation, the note check with
 * positive and negative cases per flag) and store/helpsession.c on a real SQLite file (start,
 * finish with a new seq, finishing twice refused, records afterwards, lists by date, audit rows
 * with ids only, and a process that dies between start and finish leaving an unfinished row). */
#include "testutil.h"

#include <sqlite3.h>
#include <sys/wait.h>

#include "core/bizdate.h"
#include "core/helpsession.h"
#include "secure/hash.h"
#include "store/audit.h"
#include "store/helpsession.h"
#include "store/queue.h"
#include "store/store.h"

static int64_t T(const char *iso)
{
	int64_t ms;
	if (!bizclock_parse(iso, &ms))
		fail_msg("bad time %s", iso);
	return ms;
}

/* ---- the taxonomy ---- */

static void taxonomy_ids_are_unique_and_labelled(void **state)
{
	const struct { const struct help_item *items; int n; } lists[] = {
		{ help_topics, HELP_TOPIC_COUNT }, { help_channels, HELP_CHANNEL_COUNT },
		{ help_age_bands, HELP_AGE_COUNT }, { help_outcomes, HELP_OUTCOME_COUNT },
	};
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
		for (int i = 0; i < lists[l].n; i++) {
			assert_non_null(lists[l].items[i].id);
			assert_non_null(lists[l].items[i].label);
			assert_true(strlen(lists[l].items[i].label) > 0);
			assert_int_equal(help_item_find(lists[l].items, (size_t)lists[l].n,
							lists[l].items[i].id), i);
		}
	assert_int_equal(HELP_TOPIC_COUNT, 11);
	assert_int_equal(help_item_find(help_topics, HELP_TOPIC_COUNT, "pin_reset"), HELP_TOPIC_PIN_RESET);
	assert_int_equal(help_item_find(help_topics, HELP_TOPIC_COUNT, "PIN_RESET"), -1);
	assert_int_equal(help_item_find(help_topics, HELP_TOPIC_COUNT, NULL), -1);
	/* The store's CHECK constraint names exactly these channels. */
	assert_string_equal(help_channels[HELP_CHANNEL_COUNTER].id, "counter");
	assert_string_equal(help_channels[HELP_CHANNEL_KIOSK].id, "kiosk");
	assert_string_equal(help_channels[HELP_CHANNEL_OUTREACH].id, "outreach");
}

static void topic_lists_parse_and_format(void **state)
{
	struct mdg_err err = { 0 };
	uint32_t m = 99;
	char out[HELP_TOPICS_LEN];
	assert_int_equal(helptopics_parse("pin_reset,mynaportal", &m, &err), MDG_OK);
	assert_int_equal(m, 1u << HELP_TOPIC_PIN_RESET | 1u << HELP_TOPIC_MYNAPORTAL);
	helptopics_format(m, ',', out);
	assert_string_equal(out, "pin_reset,mynaportal");
	/* taxonomy order, whatever the order given; spaces around ids are fine */
	assert_int_equal(helptopics_parse(" other , card_application", &m, &err), MDG_OK);
	helptopics_format(m, ';', out);
	assert_string_equal(out, "card_application;other");
	/* every topic fits */
	helptopics_format((1u << HELP_TOPIC_COUNT) - 1, ',', out);
	assert_int_equal(helptopics_parse(out, &m, &err), MDG_OK);
	assert_int_equal(m, (1u << HELP_TOPIC_COUNT) - 1);
	helptopics_format(0, ',', out);
	assert_string_equal(out, "");

	const char *bad[] = { "", "pin_reset,", ",pin_reset", "pin_reset,,other", "pin",
			      "pin_reset,pin_reset", "Pin_Reset", NULL };
	for (int i = 0; bad[i]; i++) {
		m = 7;
		assert_int_equal(helptopics_parse(bad[i], &m, &err), MDG_ERR_INVALID);
		assert_int_equal(m, 0);
	}
	assert_int_equal(helptopics_parse("pin", &m, &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "unknown topic 'pin'"));
	assert_non_null(strstr(err.msg, "scam_security"));
	assert_int_equal(helptopics_parse("other,other", &m, &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "'other' given twice"));
	assert_int_equal(helptopics_parse(NULL, &m, &err), MDG_ERR_INVALID);
}

static struct help_session finished_session(void)
{
	struct help_session s;
	helpsession_init(&s);
	s.started_ms = T("2026-11-25T10:00:00+09:00");
	s.ended_ms = s.started_ms + 45 * 60000;
	s.topics = 1u << HELP_TOPIC_PIN_RESET;
	s.channel = HELP_CHANNEL_OUTREACH;
	s.age_band = HELP_AGE_70_79;
	s.skill_before = 2;
	s.skill_after = 4;
	s.outcome = HELP_OUTCOME_RESOLVED;
	return s;
}

static void validation_names_the_field(void **state)
{
	struct mdg_err err = { 0 };
	struct help_session s = finished_session(), x;
	assert_int_equal(helpsession_validate(&s, true, &err), MDG_OK);
	/* a running session needs little */
	helpsession_init(&x);
	x.started_ms = 1;
	assert_int_equal(helpsession_validate(&x, false, &err), MDG_OK);
	assert_int_equal(helpsession_validate(&x, true, &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "end"));

#define BAD(field, value, finished, word)                                                  \
	do {                                                                                \
		x = s;                                                                      \
		x.field = value;                                                            \
		assert_int_equal(helpsession_validate(&x, finished, &err), MDG_ERR_INVALID); \
		if (!strstr(err.msg, word))                                                 \
			fail_msg("%s: '%s' lacks '%s'", #field, err.msg, word);             \
	} while (0)
	BAD(channel, 3, false, "channel");
	BAD(channel, -1, false, "channel");
	BAD(age_band, HELP_AGE_COUNT, false, "age band");
	BAD(outcome, HELP_OUTCOME_COUNT, false, "outcome");
	BAD(outcome, -1, true, "outcome");
	BAD(skill_before, 6, false, "skill");
	BAD(skill_after, -1, false, "skill");
	BAD(skill_after, 0, true, "skill");
	BAD(topics, 1u << HELP_TOPIC_COUNT, false, "topics");
	BAD(topics, 0, true, "topics");
	BAD(counter, 100, false, "counter");
	BAD(ended_ms, s.started_ms - 1, false, "before the start");
	BAD(started_ms, 0, false, "start");
	BAD(ticket_id, -3, false, "ticket");
#undef BAD
	x = s;
	snprintf(x.staff, sizeof x.staff, "s 07");
	assert_int_equal(helpsession_validate(&x, true, &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "staff"));
	x = s;
	memcpy(x.note, "ok \xff", 5);
	assert_int_equal(helpsession_validate(&x, true, &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "UTF-8"));
	/* a session of no length is a session */
	x = s;
	x.ended_ms = x.started_ms;
	assert_int_equal(helpsession_validate(&x, true, &err), MDG_OK);
}

/* ---- the note check ---- */

struct note_case {
	const char *note;
	unsigned flags;
};

static void check_notes(const struct note_case *c)
{
	for (; c->note; c++) {
		unsigned got = helpnote_check(c->note);
		if (got != c->flags)
			fail_msg("helpnote_check(\"%s\") = %#x, want %#x", c->note, got, c->flags);
	}
}

static void note_phone_numbers(void **state)
{
	static const struct note_case cases[] = {
		{ "電話 090-1234-5678", HELPNOTE_PHONE },
		{ "098-123-4567に折り返し", HELPNOTE_PHONE },
		{ "(098)123-4567", HELPNOTE_PHONE },
		{ "（０９８）８６７ー０１１１", HELPNOTE_PHONE },
		{ "携帯０９０－１２３４－５６７８", HELPNOTE_PHONE },
		{ "０９０ー１２３４ー５６７８", HELPNOTE_PHONE },
		{ "09012345678", HELPNOTE_PHONE },
		{ "TEL0988670111", HELPNOTE_PHONE },
		{ "+81 90-1234-5678", HELPNOTE_PHONE },
		{ "2026-11-25 090-1234-5678", HELPNOTE_PHONE },
		{ "0120-123-456", HELPNOTE_PHONE },
		/* not phone numbers */
		{ "PINを2回間違えた", 0 },
		{ "2026-11-25", 0 },
		{ "２０２６年１１月２５日 10:30", 0 },
		{ "123-4567", 0 },
		{ "1234567890", 0 },             /* ten digits, no leading 0 */
		{ "窓口3番で15分", 0 },
		{ "スマートフォン 2台", 0 },
		{ "", 0 },
		{ NULL, 0 },
	};
	check_notes(cases);
	assert_int_equal(helpnote_check(NULL), 0);
}

static void note_twelve_digits(void **state)
{
	static const struct note_case cases[] = {
		{ "1234 5678 9012", HELPNOTE_NUMBER12 },
		{ "123456789012", HELPNOTE_NUMBER12 },
		{ "番号1234-5678-9012を控えた", HELPNOTE_NUMBER12 },
		{ "１２３４　５６７８　９０１２", HELPNOTE_NUMBER12 },
		{ "１２３４５６７８９０１２", HELPNOTE_NUMBER12 },
		/* not twelve digits */
		{ "12345678901", 0 },
		{ "1234567890123", 0 },
		{ "1234 5678", 0 },
		{ "照合番号Bは生年月日など14桁", 0 },
		{ "2026-11-25", 0 },
		{ NULL, 0 },
	};
	check_notes(cases);
}

static void note_email_addresses(void **state)
{
	static const struct note_case cases[] = {
		{ "mail taro.higa@example.jp", HELPNOTE_EMAIL },
		{ "ｈｉｇａ＠ｅｘａｍｐｌｅ．ｃｏｍ", HELPNOTE_EMAIL },
		{ "a+b@mail.city.naha.lg.jp.", HELPNOTE_EMAIL },
		/* not addresses */
		{ "メール@アプリの設定", 0 },
		{ "@マーク入力を練習", 0 },
		{ "user@localhost", 0 },
		{ "10:00@2階", 0 },
		{ NULL, 0 },
	};
	check_notes(cases);
}

static void note_names(void **state)
{
	static const struct note_case cases[] = {
		{ "比嘉さん", HELPNOTE_NAME },
		{ "ヒガさんと一緒に", HELPNOTE_NAME },
		{ "山田様より依頼", HELPNOTE_NAME },
		{ "知念氏", HELPNOTE_NAME },
		{ "玉城殿", HELPNOTE_NAME },
		{ "けんたくん", HELPNOTE_NAME },
		{ "花子ちゃんの分も", HELPNOTE_NAME },
		{ "健一さん", HELPNOTE_NAME },
		{ "Mr. Higa asked", HELPNOTE_NAME },
		{ "Ms Chinen", HELPNOTE_NAME },
		{ "Mrs.Tamaki", HELPNOTE_NAME },
		{ "Higaさん", HELPNOTE_NAME },
		/* not names */
		{ "皆さんに説明", 0 },
		{ "お客様の端末", 0 },
		{ "娘さんと来庁", 0 },
		{ "息子さんのスマホ", 0 },
		{ "お母さんの代理", 0 },
		{ "たくさん質問があった", 0 },
		{ "ちゃんと設定できた", 0 },
		{ "氏名の入力を手伝った", 0 },
		{ "様子を見て再訪", 0 },
		{ "同様の相談", 0 },
		{ "お疲れ様でした", 0 },
		{ "本人確認書類", 0 },
		{ "PINさん", 0 },
		{ "Mr.", 0 },
		{ "Msg sent", 0 },
		{ "summer Class", 0 },
		{ NULL, 0 },
	};
	check_notes(cases);
}

static void note_flags_combine_and_have_labels(void **state)
{
	assert_int_equal(helpnote_check("比嘉さん 090-1234-5678 higa@example.jp"),
			 HELPNOTE_NAME | HELPNOTE_PHONE | HELPNOTE_EMAIL);
	for (unsigned f = 1; f < (1u << HELPNOTE_FLAGS); f <<= 1)
		assert_non_null(helpnote_flag_label(f));
	assert_null(helpnote_flag_label(0));
	assert_null(helpnote_flag_label(HELPNOTE_NAME | HELPNOTE_PHONE));
	/* a long note is looked at without overflowing */
	char big[20000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(helpnote_check(big), 0);
	memcpy(big, "090-1234-5678", 13);
	assert_int_equal(helpnote_check(big), HELPNOTE_PHONE);
}

/* ---- the store ---- */

struct fx {
	char *dir;
	char db[600];
	struct store *st;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	f->st = test_store_new(f->dir, 5000, f->db, sizeof f->db);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(&f->st);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

/* The rows of a query as "a|b|c" lines, read with a connection of its own. */
static char *query(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	static char out[4096];
	size_t o = 0;
	out[0] = '\0';
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(s); i++) {
			const unsigned char *t = sqlite3_column_text(s, i);
			o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? "|" : "",
					      t ? (const char *)t : "NULL");
		}
		o += (size_t)snprintf(out + o, sizeof out - o, "\n");
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

static void start_then_finish(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	int64_t t0 = T("2026-11-25T10:00:00+09:00"), id = 0;
	struct help_session d;
	helpsession_init(&d);
	d.counter = 3;
	snprintf(d.staff, sizeof d.staff, "s07");
	d.topics = 1u << HELP_TOPIC_PIN_RESET;
	d.skill_before = 2;
	assert_int_equal(helpsession_start(f->st, &d, t0, "s07", &id, &err), MDG_OK);
	assert_true(id > 0);

	struct help_session h;
	assert_int_equal(helpsession_get(f->st, id, &h, &err), MDG_OK);
	assert_int_equal(h.started_ms, t0);
	assert_int_equal(h.ended_ms, 0);
	assert_string_equal(h.bizdate, "2026-11-25");
	assert_int_equal(h.counter, 3);
	assert_string_equal(h.staff, "s07");
	assert_int_equal(h.outcome, -1);
	assert_int_equal(h.skill_after, 0);
	int64_t seq1 = h.seq;

	/* another session in between takes the next seq */
	int64_t other = 0;
	assert_int_equal(helpsession_start(f->st, &d, t0 + 60000, "s08", &other, &err), MDG_OK);

	struct help_session fin = h;
	fin.topics |= 1u << HELP_TOPIC_MYNAPORTAL;
	fin.skill_after = 4;
	fin.outcome = HELP_OUTCOME_PARTLY;
	fin.follow_up = true;
	fin.age_band = HELP_AGE_80_PLUS;
	snprintf(fin.note, sizeof fin.note, "暗証番号の再設定は次回");
	/* not finished: a missing field is refused and nothing changes */
	fin.outcome = -1;
	assert_int_equal(helpsession_finish(f->st, id, &fin, t0 + 1800000, "s07", &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "outcome"));
	fin.outcome = HELP_OUTCOME_PARTLY;
	assert_int_equal(helpsession_finish(f->st, id, &fin, t0 + 1800000, "s07", &err), MDG_OK);
	assert_int_equal(helpsession_get(f->st, id, &h, &err), MDG_OK);
	assert_int_equal(h.ended_ms, t0 + 1800000);
	assert_true(h.seq > seq1);
	assert_int_equal(h.topics, 1u << HELP_TOPIC_PIN_RESET | 1u << HELP_TOPIC_MYNAPORTAL);
	assert_int_equal(h.outcome, HELP_OUTCOME_PARTLY);
	assert_int_equal(h.age_band, HELP_AGE_80_PLUS);
	assert_true(h.follow_up);
	assert_string_equal(h.note, "暗証番号の再設定は次回");
	assert_int_equal(h.counter, 3); /* kept from the start */
	assert_string_equal(query(f, "SELECT topics, outcome, age_band FROM help_sessions WHERE id = 1"),
			    "pin_reset,mynaportal|partly|80+\n");

	/* finishing twice is refused and changes nothing */
	int64_t seq2 = h.seq;
	fin.outcome = HELP_OUTCOME_RESOLVED;
	assert_int_equal(helpsession_finish(f->st, id, &fin, t0 + 3600000, "s07", &err), MDG_ERR_STATE);
	assert_int_equal(helpsession_get(f->st, id, &h, &err), MDG_OK);
	assert_int_equal(h.seq, seq2);
	assert_int_equal(h.outcome, HELP_OUTCOME_PARTLY);
	assert_int_equal(helpsession_finish(f->st, 999, &fin, t0, "s07", &err), MDG_ERR_NOT_FOUND);
	assert_int_equal(helpsession_finish(f->st, other, &fin, t0, "", &err), MDG_ERR_INVALID);

	/* audit rows: ids only, nothing of the note */
	assert_string_equal(query(f, "SELECT actor, action, target, detail FROM audit"
				     " WHERE action LIKE 'session.%' ORDER BY seq"),
			    "s07|session.start|help_session:1|\n"
			    "s08|session.start|help_session:2|\n"
			    "s07|session.finish|help_session:1|\n");
	struct audit_verify v;
	assert_int_equal(audit_verify(f->st, &v, &err), MDG_OK);
	assert_true(v.ok);
	struct store_check_report r;
	assert_int_equal(store_check(f->st, &r, &err), MDG_OK);
	assert_int_equal(r.problems, 0);
}

static void start_refuses_bad_drafts(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	int64_t t0 = T("2026-11-25T10:00:00+09:00");
	struct help_session d;
	helpsession_init(&d);
	d.skill_before = 9;
	assert_int_equal(helpsession_start(f->st, &d, t0, "s07", NULL, &err), MDG_ERR_INVALID);
	helpsession_init(&d);
	assert_int_equal(helpsession_start(f->st, &d, t0, NULL, NULL, &err), MDG_ERR_INVALID);
	d.ticket_id = 42;
	assert_int_equal(helpsession_start(f->st, &d, t0, "s07", NULL, &err), MDG_ERR_NOT_FOUND);
	assert_string_equal(query(f, "SELECT count(*) FROM help_sessions"), "0\n");
}

static void linked_ticket_is_listed_by_number(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	int64_t t0 = T("2026-11-25T10:00:00+09:00");
	struct mdg_config *cfg = test_config_from(TEST_SITE_YAML, f->dir);
	struct ticket t;
	assert_int_equal(queue_issue(f->st, cfg, "C", PRIO_NONE, "ja", t0, &t, NULL, &err), MDG_OK);
	config_free(&cfg);
	struct help_session d;
	helpsession_init(&d);
	d.ticket_id = t.id;
	int64_t id;
	assert_int_equal(helpsession_start(f->st, &d, t0 + 1000, "s07", &id, &err), MDG_OK);
	struct help_session h;
	assert_int_equal(helpsession_get(f->st, id, &h, &err), MDG_OK);
	assert_int_equal(h.ticket_id, t.id);
	assert_string_equal(h.ticket_number, "C-001");
}

static void record_afterwards_and_list_by_date(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	int64_t now = T("2026-11-26T17:00:00+09:00"), id = 0;
	struct help_session s = finished_session(); /* 2026-11-25 10:00-10:45 */
	assert_int_equal(helpsession_record(f->st, &s, now, "cli", &id, &err), MDG_OK);
	s.started_ms = T("2026-11-26T09:00:00+09:00");
	s.ended_ms = T("2026-11-26T09:30:00+09:00");
	s.outcome = HELP_OUTCOME_REFERRED;
	assert_int_equal(helpsession_record(f->st, &s, now, "cli", &id, &err), MDG_OK);
	/* a session ending after now, an unfinished one, and an end before the start are refused */
	s.ended_ms = T("2026-11-26T18:00:00+09:00");
	assert_int_equal(helpsession_record(f->st, &s, now, "cli", NULL, &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "future"));
	s.ended_ms = 0;
	assert_int_equal(helpsession_record(f->st, &s, now, "cli", NULL, &err), MDG_ERR_INVALID);
	s.ended_ms = s.started_ms - 60000;
	assert_int_equal(helpsession_record(f->st, &s, now, "cli", NULL, &err), MDG_ERR_INVALID);

	struct help_session *v = NULL;
	size_t n = 0;
	assert_int_equal(helpsession_list(f->st, "2026-11-25", "2026-11-25", &v, &n, &err), MDG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].bizdate, "2026-11-25");
	assert_int_equal(v[0].outcome, HELP_OUTCOME_RESOLVED);
	assert_int_equal(v[0].ended_ms - v[0].started_ms, 45 * 60000);
	free(v);
	assert_int_equal(helpsession_list(f->st, "2026-11-01", "2026-11-30", &v, &n, &err), MDG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].outcome, HELP_OUTCOME_REFERRED);
	assert_int_equal(v[1].channel, HELP_CHANNEL_OUTREACH);
	free(v);
	assert_int_equal(helpsession_list(f->st, "2026-12-01", "2026-12-31", &v, &n, &err), MDG_OK);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(helpsession_list(f->st, "2026-11-30", "2026-11-01", &v, &n, &err),
			 MDG_ERR_INVALID);
	assert_int_equal(helpsession_list(f->st, "2026-11-31", "2026-12-01", &v, &n, &err),
			 MDG_ERR_INVALID);
	assert_string_equal(query(f, "SELECT count(*) FROM audit WHERE action = 'session.record'"), "2\n");
}

/* A terminal that dies between start and finish leaves the session in the store, listed as
 * unfinished; it can be finished later. */
static void crash_between_start_and_finish(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	int64_t t0 = T("2026-11-25T10:00:00+09:00");
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *st = NULL;
		struct mdg_err e = { 0 };
		struct help_session d;
		helpsession_init(&d);
		d.topics = 1u << HELP_TOPIC_SMARTPHONE_BASICS;
		if (store_open(f->db, "test-site", 5000, 0, &st, &e) ||
		    helpsession_start(st, &d, t0, "s07", NULL, &e))
			_exit(1);
		_exit(0); /* no close, no finish: as if killed */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	struct help_session *v = NULL;
	size_t n = 0;
	assert_int_equal(helpsession_list(f->st, "2026-11-25", "2026-11-25", &v, &n, &err), MDG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].ended_ms, 0);
	assert_int_equal(v[0].started_ms, t0);
	assert_int_equal(v[0].topics, 1u << HELP_TOPIC_SMARTPHONE_BASICS);
	struct help_session fin = finished_session();
	assert_int_equal(helpsession_finish(f->st, v[0].id, &fin, t0 + 600000, "s07", &err), MDG_OK);
	free(v);
}

int main(void)
{
#define T_(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(taxonomy_ids_are_unique_and_labelled),
		cmocka_unit_test(topic_lists_parse_and_format),
		cmocka_unit_test(validation_names_the_field),
		cmocka_unit_test(note_phone_numbers),
		cmocka_unit_test(note_twelve_digits),
		cmocka_unit_test(note_email_addresses),
		cmocka_unit_test(note_names),
		cmocka_unit_test(note_flags_combine_and_have_labels),
		T_(start_then_finish),
		T_(start_refuses_bad_drafts),
		T_(linked_ticket_is_listed_by_number),
		T_(record_afterwards_and_list_by_date),
		T_(crash_between_start_and_finish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
