/* SPDX-License-Identifier: MIT */
/* Unit tests of the YAML loader (src/yaml) and the config schema (core/config.c): the shipped
 * example passes; every class of mistake is reported as "file:line:col: message", all at once
 * and in file order; defaults, relative paths, preference lists and text fallbacks. */
#include "testutil.h"

#include <fcntl.h>

#include "core/config.h"
#include "yaml/yamldoc.h"

#define FILE_NAME "/etc/mdg/site.yaml"

/* Loads text as FILE_NAME; returns the status and keeps the messages in *diags. */
static enum mdg_status load(const char *text, struct mdg_config **cfg, struct doc_diags *diags)
{
	struct doc doc = { 0 };
	*cfg = NULL;
	enum mdg_status rc = yaml_load_string(FILE_NAME, text, strlen(text), &doc, diags);
	if (rc == MDG_OK)
		rc = config_from_doc(&doc, cfg, diags);
	doc_free(&doc);
	return rc;
}

static void dump(const struct doc_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  %s\n", d->msgs[i]);
}

static bool has(const struct doc_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->msgs[i], needle))
			return true;
	return false;
}

/* A message equal to FILE_NAME ":" line (whole line compared). */
static bool has_line(const struct doc_diags *d, const char *line)
{
	for (size_t i = 0; i < d->n; i++)
		if (strncmp(d->msgs[i], FILE_NAME ":", sizeof FILE_NAME) == 0 &&
		    strcmp(d->msgs[i] + sizeof FILE_NAME, line) == 0)
			return true;
	return false;
}

#define EXPECT(d, s) \
	do { if (!has(d, s)) { dump(d); fail_msg("no message with: %s", s); } } while (0)
#define EXPECT_LINE(d, s) \
	do { if (!has_line(d, s)) { dump(d); fail_msg("no message: " FILE_NAME ":%s", s); } } while (0)
#define REFUSE(d, s) \
	do { if (has(d, s)) { dump(d); fail_msg("unexpected message: %s", s); } } while (0)

/* Loads text expecting MDG_ERR_CONFIG; the caller checks and frees d. */
static void load_bad(const char *text, struct doc_diags *d)
{
	struct mdg_config *c;
	enum mdg_status rc = load(text, &c, d);
	if (rc != MDG_ERR_CONFIG) {
		dump(d);
		fail_msg("want MDG_ERR_CONFIG, got %d", rc);
	}
	assert_null(c);
	assert_true(d->n > 0);
}

/* Loads text expecting MDG_OK and no message. */
static struct mdg_config *load_ok(const char *text)
{
	struct doc_diags d = { 0 };
	struct mdg_config *c;
	enum mdg_status rc = load(text, &c, &d);
	if (rc != MDG_OK || d.n) {
		dump(&d);
		fail_msg("want MDG_OK without messages, got %d", rc);
	}
	doc_diags_free(&d);
	return c;
}

static const char MINIMAL[] =
	"site: {id: s1, name: {ja: テスト}}\n"
	"services: [{letter: A, name: {ja: 証明書}, counters: [1]}]\n"
	"counters: [{number: 1}]\n";

static void shipped_site_file_passes(void **state)
{
	const char *src = getenv("MDG_SOURCE_DIR");
	assert_non_null(src);
	char path[512];
	snprintf(path, sizeof path, "%s/kiosk-config/site.yaml", src);
	struct doc doc = { 0 };
	struct doc_diags d = { 0 };
	struct mdg_config *c = NULL;
	assert_int_equal(yaml_load_file(path, &doc, &d), MDG_OK);
	enum mdg_status rc = config_from_doc(&doc, &c, &d);
	dump(&d);
	assert_int_equal(rc, MDG_OK);
	assert_int_equal(d.n, 0);
	assert_string_equal(c->path, path);
	assert_string_equal(c->site_id, "naha-honcho");
	assert_string_equal(textmap_get(&c->site_name, "ja"), "那覇市役所 本庁舎 市民課");
	assert_string_equal(c->timezone, "Asia/Tokyo");
	assert_string_equal(c->store_path, "/var/lib/madoguchi/site.db");
	assert_string_equal(c->key_file, "/var/lib/madoguchi/site.key");
	assert_int_equal(c->n_languages, 5);
	const char *langs[] = { "ja", "ja@easy", "en", "zh_CN", "ko" };
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(c->languages[i], langs[i]);
	assert_string_equal(c->default_language, "ja");
	assert_int_equal(c->n_services, 5);
	assert_int_equal(c->n_counters, 8);
	assert_int_equal(c->n_terminals, 12);
	/* Every service has a name in every offered language (no fallback needed). */
	for (size_t i = 0; i < c->n_services; i++) {
		assert_int_equal(c->services[i].letter[0], 'A' + (int)i);
		for (size_t l = 0; l < 5; l++) {
			bool found = false;
			for (size_t k = 0; k < c->services[i].name.n; k++)
				found |= strcmp(c->services[i].name.v[k].lang, langs[l]) == 0;
			assert_true(found);
		}
	}
	assert_string_equal(textmap_get(&c->services[0].name, "en"), "Certificates");
	assert_string_equal(textmap_get(&c->services[0].name, "ja"), "証明書");
	assert_string_equal(textmap_get(&c->services[0].detail, "ja"), "住民票・印鑑証明・戸籍");
	/* Counter 8 prefers E then D, as written; counter 1 derives [A]; counter 5 as written. */
	const struct mdg_counter *c8 = config_counter(c, 8), *c1 = config_counter(c, 1);
	assert_int_equal(c8->n_services, 2);
	assert_string_equal(c8->services[0], "E");
	assert_string_equal(c8->services[1], "D");
	assert_int_equal(c1->n_services, 1);
	assert_string_equal(c1->services[0], "A");
	assert_string_equal(config_counter(c, 5)->services[1], "D");
	const struct mdg_terminal *k1 = config_terminal(c, "kiosk-1");
	const struct mdg_terminal *k2 = config_terminal(c, "kiosk-2");
	assert_string_equal(k1->reader, "Virtual PCD 00 00");
	assert_string_equal(k2->reader, "Virtual PCD 00 01");
	assert_string_equal(k2->printer, "tcp:192.0.2.31:9100");
	assert_string_equal(k2->language, "ja@easy");
	assert_int_equal(k1->paper_mm, 80);
	for (int n = 1; n <= 8; n++) {
		char id[16];
		snprintf(id, sizeof id, "counter-%d", n);
		assert_non_null(config_terminal(c, id));
		assert_int_equal(config_terminal(c, id)->role, MDG_ROLE_COUNTER);
		assert_int_equal(config_terminal(c, id)->counter, n);
	}
	assert_int_equal(config_terminal(c, "board-1")->role, MDG_ROLE_BOARD);
	assert_int_equal(config_terminal(c, "supervisor-1")->role, MDG_ROLE_SUPERVISOR);
	assert_null(c->log_file);
	config_free(&c);
	assert_null(c);
	config_free(&c); /* NULL-safe */
	config_free(NULL);
	doc_free(&doc);
	doc_diags_free(&d);
}

static void defaults_applied(void **state)
{
	struct mdg_config *c = load_ok(MINIMAL);
	assert_string_equal(c->timezone, "Asia/Tokyo");
	assert_string_equal(c->store_path, "/var/lib/madoguchi/site.db");
	assert_string_equal(c->key_file, "/var/lib/madoguchi/site.key");
	assert_int_equal(c->busy_timeout_ms, 5000);
	assert_int_equal(c->retention_hours, 72);
	assert_int_equal(c->idle_kiosk_s, 90);
	assert_int_equal(c->idle_counter_s, 900);
	assert_int_equal(c->idle_supervisor_s, 600);
	assert_int_equal(c->priority_interleave, 3);
	assert_int_equal(c->overdue_percent, 150);
	assert_int_equal(c->noshow_after_recalls, 2);
	assert_int_equal(c->eta_window, 20);
	assert_int_equal(c->n_languages, 1);
	assert_string_equal(c->languages[0], "ja");
	assert_string_equal(c->default_language, "ja");
	assert_null(c->log_file);
	assert_string_equal(c->log_level, "info");
	assert_int_equal(c->services[0].target_wait_min, 15);
	assert_int_equal(c->services[0].default_service_min, 8);
	assert_int_equal(c->services[0].detail.n, 0);
	assert_int_equal(c->n_terminals, 0);
	config_free(&c);

	/* Terminal defaults; a key left empty (every line below it commented out) is a default. */
	char text[800];
	snprintf(text, sizeof text, "%s"
		 "terminals: [{id: k1, role: kiosk}, {id: b1, role: board, reader: ~, printer: }]\n"
		 "log:\n"
		 "store:\n"
		 "  busy_timeout_ms:\n"
		 "idle_timeout_s: {kiosk: 30}\n", MINIMAL);
	c = load_ok(text);
	const struct mdg_terminal *t = config_terminal(c, "k1");
	assert_int_equal(t->role, MDG_ROLE_KIOSK);
	assert_int_equal(t->counter, 0);
	assert_int_equal(t->paper_mm, 80);
	assert_null(t->reader);
	assert_null(t->printer);
	assert_null(t->language);
	assert_null(config_terminal(c, "b1")->reader);
	assert_string_equal(c->log_level, "info");
	assert_int_equal(c->busy_timeout_ms, 5000);
	assert_int_equal(c->idle_kiosk_s, 30);
	assert_int_equal(c->idle_counter_s, 900); /* a sibling of a given key keeps its default */
	config_free(&c);
}

static void relative_paths_follow_the_file(void **state)
{
	char text[800];
	snprintf(text, sizeof text, "%sstore: {path: data/site.db, key_file: /abs/site.key}\n"
		 "log: {file: ../log/mdg.log}\n", MINIMAL);
	struct mdg_config *c = load_ok(text);
	assert_string_equal(c->store_path, "/etc/mdg/data/site.db");
	assert_string_equal(c->key_file, "/abs/site.key");
	assert_string_equal(c->log_file, "/etc/mdg/../log/mdg.log");
	config_free(&c);

	/* A file in / and a bare file name (the current folder). */
	const struct { const char *name, *want; } cases[] = {
		{ "/site.yaml", "/data/site.db" },
		{ "site.yaml", "data/site.db" },
		{ "conf/site.yaml", "conf/data/site.db" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct doc doc = { 0 };
		struct doc_diags d = { 0 };
		assert_int_equal(yaml_load_string(cases[i].name, text, strlen(text), &doc, &d), MDG_OK);
		assert_int_equal(config_from_doc(&doc, &c, &d), MDG_OK);
		assert_string_equal(c->store_path, cases[i].want);
		config_free(&c);
		doc_free(&doc);
		doc_diags_free(&d);
	}
}

static void every_error_at_once_in_file_order(void **state)
{
	const char *text =
		"site: {id: Naha!, name: {ja: テスト}}\n"                   /* 1: pattern */
		"store: {busy_timeout_ms: 99999, colour: red}\n"            /* 2: range, unknown key */
		"languages: [ja, klingon1]\n"                                /* 3: bad language */
		"queue: {priority_interleave: three}\n"                      /* 4: not a number */
		"services:\n"
		"  - {letter: A, name: {ja: 証明書}, counters: [1]}\n"       /* 6 */
		"  - {letter: a, name: {en: Moving}, target_wait_mins: 5}\n" /* 7: several */
		"counters: [{number: 1}]\n"
		"terminals:\n"
		"  - {id: k1, role: kisok, paper_mm: 70}\n"                  /* 10: choice, value */
		"log: [debug]\n";                                            /* 11: kind */
	struct doc_diags d = { 0 };
	load_bad(text, &d);
	EXPECT_LINE(&d, "1:12: 'site.id' must be 1 to 32 of a-z, 0-9, -, not 'Naha!'");
	EXPECT_LINE(&d, "2:26: 'store.busy_timeout_ms' must be a whole number from 100 to 60000, not '99999'");
	EXPECT_LINE(&d, "2:33: unknown key 'colour' in store");
	EXPECT_LINE(&d, "3:17: 'languages[1]' must be a language code like ja, ja@easy, zh_CN, not 'klingon1'");
	EXPECT_LINE(&d, "4:30: 'queue.priority_interleave' must be a whole number from 1 to 20, not 'three'");
	EXPECT_LINE(&d, "7:5: missing required key 'counters' in services[1]");
	EXPECT_LINE(&d, "7:14: 'services[1].letter' must be one capital letter A-Z, not 'a'");
	EXPECT_LINE(&d, "7:23: 'services[1].name' needs a ja entry (Japanese is the fallback of every language)");
	EXPECT_LINE(&d, "7:37: unknown key 'target_wait_mins' in services[1] (did you mean 'target_wait_min'?)");
	EXPECT_LINE(&d, "10:20: 'terminals[0].role' must be one of kiosk, counter, board, supervisor, not 'kisok'");
	EXPECT_LINE(&d, "10:37: 'terminals[0].paper_mm' must be 58 or 80, not '70'");
	EXPECT_LINE(&d, "11:6: 'log' must be a mapping, not a list");
	assert_int_equal(d.n, 12);
	/* In file order: an operator fixes the file from the top. */
	int prev = 0;
	for (size_t i = 0; i < d.n; i++) {
		int line = atoi(d.msgs[i] + sizeof FILE_NAME);
		assert_true(line >= prev);
		prev = line;
	}
	doc_diags_free(&d);
}

static void missing_sections_and_wrong_kinds(void **state)
{
	struct doc_diags d = { 0 };
	load_bad("site: {id: s1, name: {ja: x}}\nservices: {A: 1}\n", &d);
	EXPECT_LINE(&d, "2:11: 'services' must be a list, not a mapping");
	EXPECT_LINE(&d, "1:1: missing required key 'counters'");
	assert_int_equal(d.n, 2);
	doc_diags_free(&d);

	load_bad("site:\nservices: []\ncounters: [3]\n", &d);
	EXPECT_LINE(&d, "1:1: 'site' needs a value");
	EXPECT_LINE(&d, "2:11: 'services' must not be empty");
	EXPECT_LINE(&d, "3:12: 'counters[0]' must be a mapping, not a scalar");
	doc_diags_free(&d);

	load_bad("", &d);
	EXPECT_LINE(&d, " the file is empty: a site file needs at least site, services and counters");
	doc_diags_free(&d);
	load_bad("# only a comment\n", &d);
	EXPECT(&d, "the file is empty");
	doc_diags_free(&d);
	load_bad("- just\n- a list\n", &d);
	EXPECT_LINE(&d, "1:1: the file must be a mapping of keys (site:, services:, ...), not a list");
	doc_diags_free(&d);

	/* Required keys inside list entries and maps; a text that is not a mapping. */
	load_bad("site: {name: Naha}\nservices: [{name: {ja: a}}]\ncounters: [{}]\n", &d);
	EXPECT_LINE(&d, "1:7: missing required key 'id' in site");
	EXPECT_LINE(&d, "1:14: 'site.name' must be a mapping, not a scalar");
	EXPECT_LINE(&d, "2:12: missing required key 'letter' in services[0]");
	EXPECT_LINE(&d, "2:12: missing required key 'counters' in services[0]");
	EXPECT_LINE(&d, "3:12: missing required key 'number' in counters[0]");
	doc_diags_free(&d);
}

static void values(void **state)
{
	struct doc_diags d = { 0 };
	const char *head = "site: {id: s1, name: {ja: x}}\n"
			   "services: [{letter: A, name: {ja: a}, counters: [1]}]\n"
			   "counters: [{number: 1}]\n";
	char text[1000];
	/* Whole numbers only: no hex, floats, exponents, signs or spaces; quoted digits pass. */
	const char *bad_ints[] = { "0x10", "1e3", "5.0", "+5", "' 5'", "99999999999999999999", "'-'",
				   "true", "[5]" };
	for (size_t i = 0; i < sizeof bad_ints / sizeof bad_ints[0]; i++) {
		snprintf(text, sizeof text, "%squeue: {eta_window: %s}\n", head, bad_ints[i]);
		load_bad(text, &d);
		if (bad_ints[i][0] == '[')
			EXPECT(&d, "'queue.eta_window' must be a scalar, not a list");
		else
			EXPECT(&d, "'queue.eta_window' must be a whole number from 1 to 500");
		assert_int_equal(d.n, 1);
		doc_diags_free(&d);
	}
	snprintf(text, sizeof text, "%squeue: {eta_window: \"7\", noshow_after_recalls: 0}\n", head);
	struct mdg_config *c = load_ok(text);
	assert_int_equal(c->eta_window, 7);
	assert_int_equal(c->noshow_after_recalls, 0);
	config_free(&c);
	/* Range ends are inclusive. */
	snprintf(text, sizeof text, "%sstore: {busy_timeout_ms: 100, retention_hours: 720}\n", head);
	c = load_ok(text);
	assert_int_equal(c->busy_timeout_ms, 100);
	assert_int_equal(c->retention_hours, 720);
	config_free(&c);
	snprintf(text, sizeof text, "%sstore: {busy_timeout_ms: 60001, retention_hours: 0}\n", head);
	load_bad(text, &d);
	EXPECT(&d, "'store.busy_timeout_ms' must be a whole number from 100 to 60000, not '60001'");
	EXPECT(&d, "'store.retention_hours' must be a whole number from 1 to 720, not '0'");
	doc_diags_free(&d);

	/* Patterns: site id, letters, language codes, time zone, log level. */
	const struct { const char *yaml, *msg; } cases[] = {
		{ "site: {id: naha-honcho-but-far-too-long-for-an-id, name: {ja: x}}",
		  "'site.id' must be 1 to 32 of a-z, 0-9, -" },
		{ "site: {id: '', name: {ja: x}}", "'site.id' must be 1 to 32 of a-z, 0-9, -, not ''" },
		{ "site: {id: s1, name: {ja: x}, timezone: ''}", "'site.timezone' must be an IANA zone name" },
		{ "site: {id: s1, name: {ja: x}, timezone: ../../etc/passwd}",
		  "'site.timezone' must be an IANA zone name" },
		{ "site: {id: s1, name: {ja: x, JA: y}}",
		  "'site.name' has 'JA', which is not a language code" },
		{ "site: {id: s1, name: {ja: ''}}", "'site.name.ja' must be a text" },
		{ "site: {id: s1, name: {ja: x}}\nlanguages: [ja, en, ja]", "'languages' lists ja twice" },
		{ "site: {id: s1, name: {ja: x}}\nlanguages: []",
		  "'languages' must not be empty (leave it out to use the default)" },
		{ "site: {id: s1, name: {ja: x}}\nlog: {level: verbose}",
		  "'log.level' must be one of debug, info, warn, error, not 'verbose'" },
		{ "site: {id: s1, name: {ja: x}}\nlog: {file: ''}", "'log.file' must be a file path" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "%s\n%s", cases[i].yaml, strchr(head, '\n') + 1);
		load_bad(text, &d);
		EXPECT(&d, cases[i].msg);
		doc_diags_free(&d);
	}
}

static void printer_sinks(void **state)
{
	const char *good[] = { "file:/var/spool/madoguchi/k1.escpos", "device:/dev/usb/lp0",
			       "tcp:192.0.2.31:9100", "tcp:printer-1.local:1", "tcp:::1:65535",
			       "cups:Ticket_Printer-1.raw" };
	const char *bad_sinks[] = { "lpt:1", "file:relative.escpos", "file:", "device:", "tcp:host",
				    "tcp::9100", "tcp:host:0", "tcp:host:65536", "tcp:host:+80",
				    "tcp:host: 80", "tcp:ho st:80", "tcp:host:9100x", "cups:", "cups:a/b",
				    "cups:my queue", "/dev/usb/lp0" };
	char text[600];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(text, sizeof text, "%sterminals: [{id: k1, role: kiosk, printer: '%s'}]\n",
			 MINIMAL, good[i]);
		struct mdg_config *c = load_ok(text);
		assert_string_equal(c->terminals[0].printer, good[i]);
		config_free(&c);
	}
	for (size_t i = 0; i < sizeof bad_sinks / sizeof bad_sinks[0]; i++) {
		struct doc_diags d = { 0 };
		char want[200];
		snprintf(text, sizeof text, "%sterminals: [{id: k1, role: kiosk, printer: '%s'}]\n",
			 MINIMAL, bad_sinks[i]);
		snprintf(want, sizeof want, "4:45: 'terminals[0].printer' must be file:/PATH, device:/PATH,"
			 " tcp:HOST:PORT or cups:QUEUE, not '%s'", bad_sinks[i]);
		load_bad(text, &d);
		EXPECT_LINE(&d, want);
		assert_int_equal(d.n, 1);
		doc_diags_free(&d);
	}
}

static void cross_checks(void **state)
{
	const char *text =
		"site: {id: s1, name: {ja: x}}\n"
		"languages: [ja, en]\n"
		"default_language: ko\n"
		"services:\n"
		"  - {letter: A, name: {ja: a}, counters: [1, 7]}\n"
		"  - {letter: A, name: {ja: b}, counters: [2]}\n"
		"counters:\n"
		"  - {number: 1, services: [B]}\n"
		"  - {number: 2}\n"
		"  - {number: 2}\n"
		"  - {number: 3}\n"
		"terminals:\n"
		"  - {id: c1, role: counter}\n"
		"  - {id: c1, role: kiosk, counter: 1, language: zh_CN}\n"
		"  - {id: c2, role: counter, counter: 9, reader: R1}\n"
		"  - {id: c3, role: counter, counter: 2, reader: R1}\n"
		"queue: {eta_window: 0}\n"; /* a first-pass error elsewhere does not hide them */
	struct doc_diags d = { 0 };
	load_bad(text, &d);
	EXPECT_LINE(&d, "3:19: default_language 'ko' is not among the languages");
	EXPECT_LINE(&d, "5:42: service A names counter 7, which is not in counters");
	EXPECT_LINE(&d, "6:14: service A is listed twice");
	EXPECT_LINE(&d, "8:27: counter 1 prefers service B, which is not in services");
	EXPECT_LINE(&d, "10:14: counter 2 is listed twice");
	EXPECT_LINE(&d, "11:14: counter 3 serves nothing: no service lists it in its counters");
	EXPECT_LINE(&d, "13:5: terminal 'c1' is a counter terminal: it needs 'counter' (its number)");
	EXPECT_LINE(&d, "14:10: terminal 'c1' is listed twice");
	EXPECT_LINE(&d, "14:36: 'counter' is only for counter terminals ('c1' is a kiosk terminal)");
	EXPECT_LINE(&d, "14:49: terminal 'c1' starts in 'zh_CN', which is not among the languages");
	EXPECT_LINE(&d, "15:38: terminal 'c2' names counter 9, which is not in counters");
	EXPECT_LINE(&d, "16:49: terminal 'c3' uses the reader of terminal 'c2': a reader serves one terminal");
	EXPECT_LINE(&d, "17:21: 'queue.eta_window' must be a whole number from 1 to 500, not '0'");
	assert_int_equal(d.n, 13);
	doc_diags_free(&d);

	/* A preference for a service that exists but does not list the counter; duplicates. */
	load_bad("site: {id: s1, name: {ja: x}}\n"
		 "services: [{letter: A, name: {ja: a}, counters: [1, 1]},"
		 " {letter: B, name: {ja: b}, counters: [2]}]\n"
		 "counters: [{number: 1, services: [A, B, A]}, {number: 2}]\n", &d);
	EXPECT(&d, "'services[0].counters' lists 1 twice");
	EXPECT(&d, "counter 1 prefers service B, but service B does not list counter 1");
	EXPECT(&d, "'counters[0].services' lists A twice");
	assert_int_equal(d.n, 3);
	doc_diags_free(&d);

	/* The default language is ja: a list without ja needs default_language. */
	load_bad("site: {id: s1, name: {ja: x}}\nlanguages: [en]\n"
		 "services: [{letter: A, name: {ja: a}, counters: [1]}]\ncounters: [{number: 1}]\n", &d);
	EXPECT_LINE(&d, "1:1: default_language 'ja' is not among the languages (ja by default)");
	doc_diags_free(&d);
}

static void no_echo_of_a_mistake(void **state)
{
	/* A counter whose number is wrong is reported once, not again as a missing counter of the
	 * services and terminals that name it; a bad letter is not reported as a missing service. */
	const char *text =
		"site: {id: s1, name: {ja: x}}\n"
		"services: [{letter: A, name: {ja: a}, counters: [1, 2]}, {letter: bb, name: {ja: b},"
		" counters: [2]}]\n"
		"counters: [{number: 1, services: [A]}, {number: two, services: [A]}]\n"
		"terminals: [{id: c2, role: counter, counter: 2}, {id: k, role: kiosks, counter: 1}]\n";
	struct doc_diags d = { 0 };
	load_bad(text, &d);
	EXPECT(&d, "'services[1].letter' must be one capital letter A-Z, not 'bb'");
	EXPECT(&d, "'counters[1].number' must be a whole number from 1 to 99, not 'two'");
	EXPECT(&d, "'terminals[1].role' must be one of kiosk, counter, board, supervisor, not 'kiosks'");
	REFUSE(&d, "which is not in counters");
	REFUSE(&d, "only for counter terminals");
	assert_int_equal(d.n, 3);
	doc_diags_free(&d);
}

static void counter_preferences(void **state)
{
	struct mdg_config *c = load_ok(
		"site: {id: s1, name: {ja: x}}\n"
		"services:\n"
		"  - {letter: C, name: {ja: c}, counters: [2, 1]}\n"
		"  - {letter: A, name: {ja: a}, counters: [1]}\n"
		"  - {letter: B, name: {ja: b}, counters: [1, 2]}\n"
		"counters: [{number: 1}, {number: 2, services: [B, C]}]\n");
	const struct mdg_counter *c1 = config_counter(c, 1), *c2 = config_counter(c, 2);
	assert_int_equal(c1->n_services, 3); /* derived: service order of the file */
	assert_string_equal(c1->services[0], "C");
	assert_string_equal(c1->services[1], "A");
	assert_string_equal(c1->services[2], "B");
	assert_int_equal(c2->n_services, 2); /* given */
	assert_string_equal(c2->services[0], "B");
	assert_string_equal(c2->services[1], "C");
	assert_non_null(config_service(c, "A"));
	assert_null(config_service(c, "D"));
	assert_null(config_service(c, NULL));
	assert_null(config_counter(c, 3));
	assert_null(config_terminal(c, "k1"));
	config_free(&c);
}

static void yaml_syntax_errors(void **state)
{
	const struct { const char *text; size_t len; const char *line; } cases[] = {
		{ "a: \"\\xzz\"\n", 0, "1:5: double-quoted scalar has invalid hex escape" },
		{ "site: 1\nsite: 2\n", 0, "2:1: duplicate key 'site' (first at line 1)" },
		{ "a: 1\n---\nb: 2\n", 0, "2:1: only one YAML document per file (found a second one)" },
		{ "a: 1\nb: x\xff\n", 0, "2:5: the file is not UTF-8 text (byte 0xFF)" },
		{ "a: 1\nb: 証\xe6\x98\n", 0, "2:5: the file is not UTF-8 text (byte 0xE6)" },
		{ "a: \xc0\xaf\n", 0, "1:4: the file is not UTF-8 text (byte 0xC0)" },     /* overlong '/' */
		{ "a: \xed\xa0\x80\n", 0, "1:4: the file is not UTF-8 text (byte 0xED)" }, /* surrogate */
		{ "a: 1\0\n", 6, "1:5: the file is not UTF-8 text (a NUL byte; saved as UTF-16?)" },
		{ "a: *nowhere\n", 0, "1:4: unknown alias '*nowhere' (no '&nowhere' before it)" },
		{ "a: &x [1, *x]\n", 0, "1:11: the alias '*x' is inside the node it names (a loop)" },
		{ "b: &b {x: 1}\na: {<<: *b}\n", 0,
		  "2:5: merge keys ('<<') are not supported: write the keys out, or make the whole value an alias" },
		{ "a: !secret 1\n", 0, "1:12: the YAML tag '!secret' is not supported here" },
		{ "? [a]\n: 1\n", 0, "1:3: a key must be a plain value, not a list" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct doc doc = { 0 };
		struct doc_diags d = { 0 };
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		enum mdg_status rc = yaml_load_string(FILE_NAME, cases[i].text, len, &doc, &d);
		if (rc != MDG_ERR_CONFIG || !has_line(&d, cases[i].line)) {
			dump(&d);
			fail_msg("case %zu: rc %d, want %s", i, rc, cases[i].line);
		}
		assert_null(doc.root);
		assert_null(doc.file);
		doc_diags_free(&d);
	}
	/* A syntax error has the position of libfyaml's report (1-based), not one past it. */
	struct doc_diags d = { 0 };
	struct mdg_config *c;
	assert_int_equal(load("site: {id: s1\nservices: [\n", &c, &d), MDG_ERR_CONFIG);
	assert_true(d.n >= 1);
	assert_non_null(strstr(d.msgs[0], FILE_NAME ":"));
	doc_diags_free(&d);
	assert_int_equal(load("a: [1,\n", &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, FILE_NAME ":2:1: ");
	doc_diags_free(&d);

	/* !!str keeps a scalar a string; !!null empties it. */
	struct doc doc = { 0 };
	const char *tagged = "a: !!str null\nb: !!null x\nc: !!int 5\n";
	assert_int_equal(yaml_load_string(FILE_NAME, tagged, strlen(tagged), &doc, &d), MDG_OK);
	assert_false(doc_map_get(doc.root, "a")->null);
	assert_true(doc_map_get(doc.root, "b")->null);
	assert_string_equal(doc_map_get(doc.root, "c")->scalar, "5");
	doc_free(&doc);

	/* Block, folded, quoted and multi-line scalars arrive whole (libfyaml's token reader
	 * garbles block scalars; the loader must not use it). */
	const char *styles = "a: |\n  line 1\n  line 2\nb: >\n  folded\n  text\n\n  para\n"
			     "c: \"q \\u00e9\\n x\n  y\"\nd: plain\n  multi\ne: 'it''s'\n";
	assert_int_equal(yaml_load_string(FILE_NAME, styles, strlen(styles), &doc, &d), MDG_OK);
	assert_string_equal(doc_map_get(doc.root, "a")->scalar, "line 1\nline 2\n");
	assert_string_equal(doc_map_get(doc.root, "b")->scalar, "folded text\npara\n");
	assert_string_equal(doc_map_get(doc.root, "c")->scalar, "q \xc3\xa9\n x y");
	assert_string_equal(doc_map_get(doc.root, "d")->scalar, "plain multi");
	assert_string_equal(doc_map_get(doc.root, "e")->scalar, "it's");
	assert_true(doc_map_get(doc.root, "a")->quoted); /* not plain: never null or a number */
	assert_false(doc_map_get(doc.root, "d")->quoted);
	doc_free(&doc);

	/* An alias bomb: 10^9 nodes if expanded; refused once past the node budget. */
	char bomb[2000] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
	for (int i = 1; i < 9; i++) {
		char line[200];
		snprintf(line, sizeof line,
			 "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
			 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
		strcat(bomb, line);
	}
	assert_int_equal(load(bomb, &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "the document is too large");
	assert_int_equal(d.n, 1);
	doc_diags_free(&d);
}

/* libfyaml must not print: its diagnostics become ours and stderr stays clean. */
static void nothing_on_stderr(void **state)
{
	char path[] = "/tmp/mdg-stderr-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fd, 2) >= 0);
	const char *broken[] = { "a: [1,\n", "a: \"\\q\"\n", "a: 1\n  b: 2\n", "{a: 1\n",
				 "a: 'open\n", "%YAML 9.9\n---\na: 1\n", "a: &x 1\nb: *y\n",
				 "\t- x\n" };
	size_t errors = 0;
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		struct doc doc = { 0 };
		struct doc_diags d = { 0 };
		if (yaml_load_string(FILE_NAME, broken[i], strlen(broken[i]), &doc, &d) == MDG_ERR_CONFIG)
			errors++;
		for (size_t k = 0; k < d.n; k++) /* each a positioned message */
			if (strncmp(d.msgs[k], FILE_NAME ":", sizeof FILE_NAME) != 0)
				errors = 1000;
		doc_free(&doc);
		doc_diags_free(&d);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	off_t size = lseek(fd, 0, SEEK_END);
	close(fd);
	unlink(path);
	assert_int_equal(errors, sizeof broken / sizeof broken[0]);
	assert_int_equal(size, 0);
}

static void unreadable_files(void **state)
{
	struct doc doc;
	struct doc_diags d = { 0 };
	assert_int_equal(yaml_load_file("/nonexistent/site.yaml", &doc, &d), MDG_ERR_CONFIG);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0], "/nonexistent/site.yaml: cannot read: No such file or directory");
	assert_null(doc.root);
	doc_diags_free(&d);
	assert_int_equal(yaml_load_file("/", &doc, &d), MDG_ERR_CONFIG);
	assert_string_equal(d.msgs[0], "/: cannot read: Is a directory");
	doc_diags_free(&d);
}

static void anchors_and_aliases_are_copied(void **state)
{
	const char *text =
		"site: {id: s1, name: &n {ja: 同じ名前, en: Same}}\n"
		"services:\n"
		"  - {letter: A, name: *n, counters: &all [1, 2]}\n"
		"  - {letter: B, name: *n, counters: *all}\n"
		"counters: [{number: 1}, {number: 2}]\n";
	struct doc doc = { 0 };
	struct doc_diags d = { 0 };
	assert_int_equal(yaml_load_string(FILE_NAME, text, strlen(text), &doc, &d), MDG_OK);
	/* The copy sits where the alias is written. */
	const struct doc_node *services = doc_map_get(doc.root, "services");
	const struct doc_node *s1 = doc_map_get(services->items[1], "counters");
	assert_int_equal(s1->kind, DOC_SEQ);
	assert_int_equal(s1->line, 4);
	assert_int_equal(s1->col, 37);
	struct mdg_config *c;
	assert_int_equal(config_from_doc(&doc, &c, &d), MDG_OK);
	assert_string_equal(textmap_get(&c->services[1].name, "en"), "Same");
	assert_int_equal(c->services[1].n_counters, 2);
	config_free(&c);
	doc_free(&doc);
}

static void text_fallback(void **state)
{
	char en[] = "en", ja[] = "ja", zh[] = "zh", easy[] = "ja@easy", t_en[] = "Certificates",
	     t_ja[] = "証明書", t_zh[] = "证明书", t_easy[] = "しょうめいしょ";
	struct mdg_text v[] = { { en, t_en }, { ja, t_ja }, { zh, t_zh }, { easy, t_easy } };
	struct mdg_textmap m = { v, 3 };
	assert_string_equal(textmap_get(&m, "en"), "Certificates");    /* exact */
	assert_string_equal(textmap_get(&m, "ja@easy"), "証明書");      /* base language */
	assert_string_equal(textmap_get(&m, "zh_CN"), "证明书");        /* base language */
	assert_string_equal(textmap_get(&m, "zh_TW@x"), "证明书");      /* base language */
	assert_string_equal(textmap_get(&m, "ko"), "証明書");           /* then ja */
	assert_string_equal(textmap_get(&m, "e"), "証明書");            /* no prefix matching */
	assert_string_equal(textmap_get(&m, NULL), "証明書");
	assert_string_equal(textmap_get(&m, ""), "証明書");
	struct mdg_textmap with_easy = { v, 4 };
	assert_string_equal(textmap_get(&with_easy, "ja@easy"), "しょうめいしょ");
	struct mdg_textmap en_only = { v, 1 };
	assert_string_equal(textmap_get(&en_only, "ko"), "Certificates"); /* then the first */
	struct mdg_textmap empty = { NULL, 0 };
	assert_string_equal(textmap_get(&empty, "ja"), "");
	assert_string_equal(textmap_get(NULL, "ja"), "");
}

static void schema_documents_every_key(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	assert_non_null(f);
	config_schema_print(f);
	fclose(f);
	const char *want[] = {
		"site\n", "site.id\n", "site.timezone\n    text; optional; default Asia/Tokyo",
		"store.busy_timeout_ms\n    number; optional; default 5000; 100 to 60000\n",
		"store.path\n", "store.key_file\n", "store.retention_hours\n", "languages\n",
		"default_language\n", "idle_timeout_s.kiosk\n", "idle_timeout_s.counter\n",
		"idle_timeout_s.supervisor\n", "queue.priority_interleave\n", "queue.overdue_percent\n",
		"queue.noshow_after_recalls\n", "queue.eta_window\n", "services[]\n",
		"services[].letter\n", "services[].name\n    text per language; required; ja required\n",
		"services[].detail\n", "services[].target_wait_min\n    number; optional; default 15; 1 to 480\n",
		"services[].default_service_min\n", "services[].counters\n", "counters[]\n",
		"counters[].number\n", "counters[].name\n", "counters[].services\n", "terminals[]\n",
		"terminals[].id\n", "terminals[].role\n    choice; required; one of kiosk, counter, board, supervisor\n",
		"terminals[].counter\n", "terminals[].reader\n", "terminals[].printer\n",
		"terminals[].paper_mm\n    number; optional; default 80; 58 or 80\n",
		"terminals[].language\n", "log.file\n", "log.level\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(buf, want[i]))
			fail_msg("schema lacks '%s'", want[i]);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_site_file_passes),
		cmocka_unit_test(defaults_applied),
		cmocka_unit_test(relative_paths_follow_the_file),
		cmocka_unit_test(every_error_at_once_in_file_order),
		cmocka_unit_test(missing_sections_and_wrong_kinds),
		cmocka_unit_test(values),
		cmocka_unit_test(printer_sinks),
		cmocka_unit_test(cross_checks),
		cmocka_unit_test(no_echo_of_a_mistake),
		cmocka_unit_test(counter_preferences),
		cmocka_unit_test(yaml_syntax_errors),
		cmocka_unit_test(nothing_on_stderr),
		cmocka_unit_test(unreadable_files),
		cmocka_unit_test(anchors_and_aliases_are_copied),
		cmocka_unit_test(text_fallback),
		cmocka_unit_test(schema_documents_every_key),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
