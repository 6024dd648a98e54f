/* SPDX-License-Identifier: MIT */
/* Unit tests of the YAML loader (src/yaml) and the config schema (core/config.c): the shipped
 * example passes; every class of mistake is reported with its file:line:col, all at once. */
#include "testutil.h"

#include "core/config.h"
#include "yaml/yamldoc.h"

/* Loads text as /etc/mdg/site.yaml; returns the status and keeps the messages in *diags. */
static enum mdg_status load(const char *text, struct mdg_config **cfg, struct doc_diags *diags)
{
	struct doc doc = { 0 };
	*cfg = NULL;
	enum mdg_status rc = yaml_load_string("/etc/mdg/site.yaml", text, strlen(text), &doc, diags);
	if (rc == MDG_OK)
		rc = config_from_doc(&doc, cfg, diags);
	doc_free(&doc);
	return rc;
}

static bool has(const struct doc_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->msgs[i], needle))
			return true;
	return false;
}

static void dump(const struct doc_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  %s\n", d->msgs[i]);
}

#define EXPECT(d, s) do { if (!has(d, s)) { dump(d); fail_msg("no message with: %s", s); } } while (0)

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
	assert_int_equal(config_from_doc(&doc, &c, &d), MDG_OK);
	assert_int_equal(d.n, 0);
	assert_string_equal(c->site_id, "naha-honcho");
	assert_int_equal(c->n_services, 5);
	assert_int_equal(c->n_counters, 8);
	assert_string_equal(c->services[2].letter, "C");
	assert_string_equal(textmap_get(&c->services[0].name, "en"), "Certificates");
	assert_string_equal(textmap_get(&c->services[0].name, "ja"), "証明書");
	assert_int_equal(c->n_languages, 5);
	assert_string_equal(c->languages[1], "ja@easy");
	/* Counter 8 prefers E then D, as written; counter 1 derives [A] from the services. */
	const struct mdg_counter *c8 = config_counter(c, 8), *c1 = config_counter(c, 1);
	assert_int_equal(c8->n_services, 2);
	assert_string_equal(c8->services[0], "E");
	assert_int_equal(c1->n_services, 1);
	assert_string_equal(c1->services[0], "A");
	assert_int_equal(config_terminal(c, "counter-3")->counter, 3);
	assert_int_equal(config_terminal(c, "board-1")->role, MDG_ROLE_BOARD);
	config_free(&c);
	assert_null(c);
	doc_free(&doc);
}

static const char MINIMAL[] =
	"site: {id: s1, name: {ja: テスト}}\n"
	"services: [{letter: A, name: {ja: 証明書}, counters: [1]}]\n"
	"counters: [{number: 1}]\n";

static void defaults_and_relative_paths(void **state)
{
	struct doc_diags d = { 0 };
	struct mdg_config *c;
	assert_int_equal(load(MINIMAL, &c, &d), MDG_OK);
	assert_string_equal(c->timezone, "Asia/Tokyo");
	assert_string_equal(c->store_path, "/var/lib/madoguchi/site.db");
	assert_int_equal(c->busy_timeout_ms, 5000);
	assert_int_equal(c->priority_interleave, 3);
	assert_int_equal(c->overdue_percent, 150);
	assert_int_equal(c->noshow_after_recalls, 2);
	assert_int_equal(c->idle_kiosk_s, 90);
	assert_int_equal(c->n_languages, 1);
	assert_string_equal(c->default_language, "ja");
	assert_string_equal(c->log_level, "info");
	assert_int_equal(c->services[0].target_wait_min, 15);
	config_free(&c);
	char text[600];
	snprintf(text, sizeof text, "%sstore: {path: data/site.db, key_file: /abs/site.key}\n", MINIMAL);
	assert_int_equal(load(text, &c, &d), MDG_OK);
	assert_string_equal(c->store_path, "/etc/mdg/data/site.db");
	assert_string_equal(c->key_file, "/abs/site.key");
	config_free(&c);
	doc_diags_free(&d);
}

static void every_error_at_once_with_positions(void **state)
{
	const char *text =
		"site: {id: Naha!, name: {ja: テスト}}\n"                 /* 1: bad id */
		"store: {busy_timeout_ms: 99999, colour: red}\n"          /* 2: range, unknown key */
		"languages: [ja, klingon1]\n"                              /* 3: bad language */
		"queue: {priority_interleave: three}\n"                    /* 4: not a number */
		"services:\n"
		"  - {letter: A, name: {ja: 証明書}, counters: [1]}\n"     /* 6 */
		"  - {letter: a, name: {en: Moving}, target_wait_mins: 5}\n" /* 7: letter, typo, no counters */
		"counters: [{number: 1}]\n"
		"terminals:\n"
		"  - {id: k1, role: kisok}\n";                             /* 10: not a choice */
	struct doc_diags d = { 0 };
	struct mdg_config *c;
	assert_int_equal(load(text, &c, &d), MDG_ERR_CONFIG);
	assert_null(c);
	EXPECT(&d, "/etc/mdg/site.yaml:1:12: 'site.id' must be 1 to 32 of a-z, 0-9, -, not 'Naha!'");
	EXPECT(&d, "/etc/mdg/site.yaml:2:26: 'store.busy_timeout_ms' must be a whole number from 100 to 60000, not '99999'");
	EXPECT(&d, "/etc/mdg/site.yaml:2:33: unknown key 'colour' in store");
	EXPECT(&d, "/etc/mdg/site.yaml:3:17: 'languages[1]' must be a language code");
	EXPECT(&d, "/etc/mdg/site.yaml:4:30: 'queue.priority_interleave' must be a whole number");
	EXPECT(&d, "/etc/mdg/site.yaml:7:14: 'services[1].letter' must be one capital letter A-Z, not 'a'");
	EXPECT(&d, "unknown key 'target_wait_mins' in services[1] (did you mean 'target_wait_min'?)");
	EXPECT(&d, "/etc/mdg/site.yaml:7:5: missing required key 'counters' in services[1]");
	EXPECT(&d, "/etc/mdg/site.yaml:10:20: 'terminals[0].role' must be one of kiosk, counter, board, supervisor, not 'kisok'");
	assert_int_equal(d.n, 9);
	doc_diags_free(&d);
}

static void missing_sections_and_wrong_kinds(void **state)
{
	struct doc_diags d = { 0 };
	struct mdg_config *c;
	assert_int_equal(load("site: {id: s1, name: {ja: x}}\nservices: {A: 1}\n", &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "'services' must be a list, not a mapping");
	EXPECT(&d, "missing required key 'counters'");
	doc_diags_free(&d);
	assert_int_equal(load("", &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "the file is empty");
	doc_diags_free(&d);
	assert_int_equal(load("- just\n- a list\n", &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "'the file' must be a mapping, not a list");
	doc_diags_free(&d);
}

static void cross_checks(void **state)
{
	const char *text =
		"site: {id: s1, name: {ja: x}}\n"
		"languages: [ja, en]\n"
		"default_language: ko\n"
		"services:\n"
		"  - {letter: A, name: {ja: a}, counters: [1, 7]}\n"
		"  - {letter: A, name: {en: b}, counters: [2]}\n"
		"counters:\n"
		"  - {number: 1, services: [B]}\n"
		"  - {number: 2}\n"
		"  - {number: 2}\n"
		"terminals:\n"
		"  - {id: c1, role: counter}\n"
		"  - {id: c1, role: kiosk, counter: 1, printer: 'lpt:1', paper_mm: 60}\n";
	struct doc_diags d = { 0 };
	struct mdg_config *c;
	assert_int_equal(load(text, &c, &d), MDG_ERR_CONFIG);
	/* The printer is caught by the first pass; the cross-checks run once that passes. */
	EXPECT(&d, "'terminals[1].printer' must be file:/PATH, device:/PATH, tcp:HOST:PORT or cups:QUEUE, not 'lpt:1'");
	doc_diags_free(&d);
	char fixed[1200];
	snprintf(fixed, sizeof fixed, "%.*s", (int)(strstr(text, "  - {id: c1, role: kiosk") - text), text);
	strcat(fixed, "  - {id: c1, role: kiosk, counter: 1, paper_mm: 70}\n");
	assert_int_equal(load(fixed, &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "default_language 'ko' is not among the languages");
	EXPECT(&d, "service A names counter 7, which is not in counters");
	EXPECT(&d, ":6:14: service A is listed twice");
	EXPECT(&d, "service A needs a ja name");
	EXPECT(&d, "counter 2 is listed twice");
	EXPECT(&d, "counter 1 prefers service B, which is not in services");
	EXPECT(&d, "counter terminal 'c1' needs 'counter'");
	EXPECT(&d, "terminal 'c1' is listed twice");
	EXPECT(&d, "'counter' is only for counter terminals ('c1' is a kiosk)");
	EXPECT(&d, "'paper_mm' is 58 or 80, not 70");
	doc_diags_free(&d);
}

static void yaml_syntax_errors(void **state)
{
	struct doc_diags d = { 0 };
	struct mdg_config *c;
	assert_int_equal(load("site: {id: s1\nservices: [\n", &c, &d), MDG_ERR_CONFIG);
	assert_true(d.n >= 1);
	assert_non_null(strstr(d.msgs[0], "/etc/mdg/site.yaml:"));
	doc_diags_free(&d);
	assert_int_equal(load("site: 1\nsite: 2\n", &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "/etc/mdg/site.yaml:2:1: duplicate key 'site' (first at line 1)");
	doc_diags_free(&d);
	assert_int_equal(load("a: 1\n---\nb: 2\n", &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "only one YAML document per file");
	doc_diags_free(&d);
	assert_int_equal(load("a: \xff\xfe\n", &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "not UTF-8");
	doc_diags_free(&d);
	assert_int_equal(load("a: *nowhere\n", &c, &d), MDG_ERR_CONFIG);
	doc_diags_free(&d);
	/* An alias bomb: 10^9 nodes if expanded; refused once past the node budget. */
	char bomb[2000] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
	for (int i = 1; i < 9; i++) {
		char line[200];
		snprintf(line, sizeof line, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
			 i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
		strcat(bomb, line);
	}
	assert_int_equal(load(bomb, &c, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "the document is too large");
	doc_diags_free(&d);
	struct doc doc;
	assert_int_equal(yaml_load_file("/nonexistent/site.yaml", &doc, &d), MDG_ERR_CONFIG);
	EXPECT(&d, "/nonexistent/site.yaml: cannot read: No such file or directory");
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
	struct doc_diags d = { 0 };
	struct mdg_config *c;
	assert_int_equal(load(text, &c, &d), MDG_OK);
	assert_string_equal(textmap_get(&c->services[1].name, "en"), "Same");
	assert_int_equal(c->services[1].n_counters, 2);
	config_free(&c);
}

static void text_fallback(void **state)
{
	char en[] = "en", ja[] = "ja", zh[] = "zh", t_en[] = "Certificates", t_ja[] = "証明書",
	     t_zh[] = "证明书";
	struct mdg_text v[] = { { en, t_en }, { ja, t_ja }, { zh, t_zh } };
	struct mdg_textmap m = { v, 3 };
	assert_string_equal(textmap_get(&m, "ja@easy"), "証明書");  /* base language */
	assert_string_equal(textmap_get(&m, "zh_CN"), "证明书");    /* base language */
	assert_string_equal(textmap_get(&m, "ko"), "証明書");       /* then ja */
	assert_string_equal(textmap_get(&m, NULL), "証明書");
	struct mdg_textmap en_only = { v, 1 };
	assert_string_equal(textmap_get(&en_only, "ko"), "Certificates"); /* then the first */
	struct mdg_textmap empty = { NULL, 0 };
	assert_string_equal(textmap_get(&empty, "ja"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_site_file_passes),
		cmocka_unit_test(defaults_and_relative_paths),
		cmocka_unit_test(every_error_at_once_with_positions),
		cmocka_unit_test(missing_sections_and_wrong_kinds),
		cmocka_unit_test(cross_checks),
		cmocka_unit_test(yaml_syntax_errors),
		cmocka_unit_test(anchors_and_aliases_are_copied),
		cmocka_unit_test(text_fallback),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
