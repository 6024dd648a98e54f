/* SPDX-License-Identifier: MIT */
/* Unit tests of core/form.c: a good definition binds; each class of mistake is reported at its
 * position; prefill from the card, the site, defaults and other fields; validation and the
 * normal forms of values; era dates around the changes of era; katakana. */
#include "testutil.h"

#include <locale.h>

#include "core/form.h"
#include "core/i18n.h"

#define FILE_NAME "/forms/test-form.yaml"

/* Every text in the two languages of CTX. */
static const char *const LANGS[] = { "ja", "en" };
static const char *const SVCS[] = { "A", "B" };
static const struct form_context CTX = { LANGS, 2, SVCS, 2 };

static const char GOOD[] =
	"id: test-form\n"
	"version: 1\n"
	"service: A\n"
	"title: {ja: 試験申請書, en: Test application}\n"
	"short_title: {ja: 試験, en: Test}\n"
	"bring:\n"
	"  - {ja: 本人確認書類, en: Proof of identity}\n"
	"sections:\n"
	"  - id: who\n"
	"    title: {ja: 申請者, en: Applicant}\n"
	"    fields:\n"
	"      - {id: name, type: text, label: {ja: 氏名, en: Name}, required: true, prefill: card.name, max_len: 20}\n"
	"      - {id: kana, type: kana, label: {ja: フリガナ, en: Kana}}\n"
	"      - {id: birth, type: date, label: {ja: 生年月日, en: Birth date}, prefill: card.birth_date, max_date: today}\n"
	"      - id: sex\n"
	"        type: choice\n"
	"        label: {ja: 性別, en: Sex}\n"
	"        prefill: card.sex\n"
	"        options:\n"
	"          - {value: male, label: {ja: 男, en: Male}}\n"
	"          - {value: female, label: {ja: 女, en: Female}}\n"
	"      - {id: address, type: address, label: {ja: 住所, en: Address}, prefill: card.address}\n"
	"      - {id: postal, type: postal, label: {ja: 郵便番号, en: Postal code}}\n"
	"      - {id: phone, type: phone, label: {ja: 電話番号, en: Phone}}\n"
	"  - id: what\n"
	"    title: {ja: 請求内容, en: Request}\n"
	"    fields:\n"
	"      - {id: copies, type: number, label: {ja: 通数, en: Copies}, min: 1, max: 10, default: \"1\", required: true}\n"
	"      - id: include\n"
	"        type: multi\n"
	"        label: {ja: 記載事項, en: Include}\n"
	"        max: 2\n"
	"        options:\n"
	"          - {value: honseki, label: {ja: 本籍, en: Registered domicile}}\n"
	"          - {value: zokugara, label: {ja: 続柄, en: Relationship}}\n"
	"          - {value: setainushi, label: {ja: 世帯主, en: Householder}}\n"
	"      - {id: target_name, type: text, label: {ja: 対象者氏名, en: Whose}, prefill: \"field:name\"}\n"
	"      - {id: day, type: date, label: {ja: 申請日, en: Date}, prefill: today}\n"
	"      - {id: code, type: text, label: {ja: 番号, en: Number}, pattern: \"[0-9]{4}\", pattern_hint: {ja: 数字4桁, en: four digits}}\n"
	"      - {id: agree, type: checkbox, label: {ja: 同意する, en: I agree}, required: true}\n";

static enum mdg_status load(const char *text, struct form **f, struct doc_diags *diags)
{
	struct doc doc = { 0 };
	*f = NULL;
	enum mdg_status rc = yaml_load_string(FILE_NAME, text, strlen(text), &doc, diags);
	if (rc == MDG_OK)
		rc = form_from_doc(&doc, &CTX, f, diags);
	doc_free(&doc);
	return rc;
}

static bool has(const struct doc_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->msgs[i], needle))
			return true;
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  %s\n", d->msgs[i]);
	fprintf(stderr, "  (wanted: %s)\n", needle);
	return false;
}

/* GOOD with the first occurrence of from replaced by to. */
static char *edit(const char *from, const char *to)
{
	const char *at = strstr(GOOD, from);
	assert_non_null(at);
	size_t n = strlen(GOOD) - strlen(from) + strlen(to) + 1;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%.*s%s%s", (int)(at - GOOD), GOOD, to, at + strlen(from));
	return s;
}

/* Loads GOOD edited, expects MDG_ERR_CONFIG and a message containing want. */
static void expect_problem(const char *from, const char *to, const char *want)
{
	char *text = edit(from, to);
	struct form *f;
	struct doc_diags d = { 0 };
	assert_int_equal(load(text, &f, &d), MDG_ERR_CONFIG);
	assert_null(f);
	assert_true(has(&d, want));
	doc_diags_free(&d);
	free(text);
}

static void good_form_binds(void **state)
{
	struct form *f;
	struct doc_diags d = { 0 };
	enum mdg_status rc = load(GOOD, &f, &d);
	if (rc)
		has(&d, "(none)");
	assert_int_equal(rc, MDG_OK);
	assert_string_equal(f->id, "test-form");
	assert_int_equal(f->n_sections, 2);
	assert_int_equal(f->n_bring, 1);
	assert_string_equal(textmap_get(&f->bring[0], "en"), "Proof of identity");
	const struct form_field *x = form_field_by_id(f, "include", NULL);
	assert_non_null(x);
	assert_int_equal(x->type, FT_MULTI);
	assert_int_equal(x->max, 2);
	x = form_field_by_id(f, "target_name", NULL);
	assert_int_equal(x->prefill_kind, FP_FIELD);
	assert_string_equal(x->prefill_field, "name");
	assert_int_equal(form_field_by_id(f, "address", NULL)->max_len, 200); /* type default */
	assert_int_equal(form_index(f, "copies"), 7);
	form_free(&f);
	assert_null(f);
	doc_diags_free(&d);
}

static void mistakes_are_reported_where_they_are(void **state)
{
	/* unknown type, at the value */
	expect_problem("type: kana,", "type: katakana,",
		       FILE_NAME ":13:26: 'sections[0].fields[1].type' must be one of text, kana");
	/* unknown prefill source */
	expect_problem("prefill: card.address}", "prefill: card.adress}",
		       "'sections[0].fields[4].prefill' must be card.name, card.address");
	/* a label without a configured language */
	expect_problem("label: {ja: フリガナ, en: Kana}", "label: {ja: フリガナ}",
		       FILE_NAME ":13:39: field 'kana' has no en text");
	/* a choice without options */
	expect_problem("        options:\n          - {value: male, label: {ja: 男, en: Male}}\n"
		       "          - {value: female, label: {ja: 女, en: Female}}\n",
		       "", "field 'sex' is a choice: it needs options");
	expect_problem("      - id: include\n        type: multi\n",
		       "      - id: include\n        type: text\n",
		       "field 'include' is a text: options are only for choice and multi");
	/* a prefill that does not suit the type, and one from a later field */
	expect_problem("prefill: card.birth_date,", "prefill: card.name,",
		       "field 'birth' is a date: card.name cannot fill it");
	expect_problem("prefill: \"field:name\"", "prefill: \"field:agree\"",
		       "field 'target_name' is prefilled from field 'agree', which comes after it");
	expect_problem("prefill: \"field:name\"", "prefill: \"field:nobody\"",
		       "which does not exist");
	/* ids, services, patterns, defaults, ranges */
	expect_problem("id: test-form", "id: other-form", "the form's id 'other-form' must be its file's name");
	expect_problem("service: A", "service: Z", "service Z is not a service of the site");
	expect_problem("pattern: \"[0-9]{4}\"", "pattern: \"[0-9\"", "the pattern does not compile");
	expect_problem("default: \"1\"", "default: \"11\"", "field 'copies': the default '11' is not a valid value");
	expect_problem("min: 1, max: 10", "min: 10, max: 1", "min 10 is above max 1");
	expect_problem("{id: kana, type: kana,", "{id: name, type: kana,", "field 'name' is listed twice in the form");
	expect_problem("{id: postal, type: postal,", "{id: postal, type: postal, max_len: 5,",
		       "field 'postal' is a postal: 'max_len' does not apply to it");
	expect_problem("      - {id: code, type: text,", "      - {id: code, type: text, my_number: true,",
		       "field 'code' is the My Number, but the form does not say needs_my_number: true");
	expect_problem("version: 1\n", "version: 1\nneeds_my_number: true\n",
		       "exactly one field must say my_number: true (0 do)");
	expect_problem("max_len: 20}", "max_len: 20, colour: red}", "unknown key 'colour'");
	expect_problem("required: true, prefill: card.name", "required: yes, prefill: card.name",
		       "must be true or false, not 'yes'");
}

static void every_problem_at_once(void **state)
{
	char *a = edit("type: kana,", "type: katakana,");
	const char *b_from = "prefill: card.address}";
	char *at = strstr(a, b_from);
	assert_non_null(at);
	memcpy(at, "prefill: card.adress} ", strlen(b_from)); /* same length + a space */
	struct form *f;
	struct doc_diags d = { 0 };
	assert_int_equal(load(a, &f, &d), MDG_ERR_CONFIG);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "  %s\n", d.msgs[i]);
	assert_int_equal(d.n, 2);
	assert_non_null(strstr(d.msgs[0], ":13:"));
	assert_non_null(strstr(d.msgs[1], ":22:"));
	doc_diags_free(&d);
	free(a);
}

static struct form *good(void)
{
	struct form *f;
	struct doc_diags d = { 0 };
	assert_int_equal(load(GOOD, &f, &d), MDG_OK);
	doc_diags_free(&d);
	return f;
}

static const char *val(const struct form *f, const struct form_values *v, const char *id)
{
	int i = form_index(f, id);
	assert_true(i >= 0);
	return v->v[i];
}

static bool card(const struct form *f, const struct form_values *v, const char *id)
{
	return v->from_card[form_index(f, id)];
}

static void prefill_fills_empty_values(void **state)
{
	struct form *f = good();
	struct form_values v;
	assert_int_equal(form_values_init(&v, f), 0);
	/* a value already given is kept */
	assert_int_equal(form_values_set(&v, (size_t)form_index(f, "address"), "手書きの住所", false), 0);
	struct form_sources src = { .card_name = "𠮷田　髙子", .card_address = "沖縄県那覇市泉崎１－１－１",
				    .card_birth_date = "1948-03-15", .card_sex = "female",
				    .card_pin_tries = -1, .today = "2026-11-25", .site_name = "那覇市役所" };
	assert_int_equal(form_prefill(f, &src, &v), 0);
	assert_string_equal(val(f, &v, "name"), "𠮷田　髙子");
	assert_true(card(f, &v, "name"));
	assert_string_equal(val(f, &v, "birth"), "1948-03-15");
	assert_string_equal(val(f, &v, "sex"), "female");
	assert_string_equal(val(f, &v, "address"), "手書きの住所");
	assert_false(card(f, &v, "address"));
	assert_string_equal(val(f, &v, "target_name"), "𠮷田　髙子");
	assert_true(card(f, &v, "target_name")); /* copied from a card value */
	assert_string_equal(val(f, &v, "day"), "2026-11-25");
	assert_false(card(f, &v, "day"));
	assert_string_equal(val(f, &v, "copies"), "1"); /* the default */
	assert_null(val(f, &v, "kana"));
	/* a sex the options lack ("not_applicable") fills nothing */
	form_values_free(&v);
	assert_int_equal(form_values_init(&v, f), 0);
	src.card_sex = "not_applicable";
	src.card_name = NULL;
	assert_int_equal(form_prefill(f, &src, &v), 0);
	assert_null(val(f, &v, "sex"));
	assert_null(val(f, &v, "name"));
	assert_null(val(f, &v, "target_name"));
	form_values_free(&v);
	form_free(&f);
}

static void set(const struct form *f, struct form_values *v, const char *id, const char *s)
{
	assert_int_equal(form_values_set(v, (size_t)form_index(f, id), s, false), 0);
}

/* Validates v and returns the number of problems; the first message in *first. */
static int check(const struct form *f, struct form_values *v, char first[256])
{
	struct form_problem p[16];
	int n = form_validate(f, v, "en", "2026-11-25", p, 16);
	snprintf(first, 256, "%s", n > 0 ? p[0].msg : "");
	return n;
}

static void validation_and_normal_forms(void **state)
{
	i18n_set_language("en");
	struct form *f = good();
	struct form_values v;
	char msg[256];
	assert_int_equal(form_values_init(&v, f), 0);
	/* empty: the three required ones (name, copies, agree) */
	assert_int_equal(check(f, &v, msg), 3);
	assert_string_equal(msg, "Please fill in \"Name\".");
	set(f, &v, "name", "比嘉　花子");
	set(f, &v, "copies", "３");          /* full-width digits become 3 */
	set(f, &v, "agree", "yes");
	assert_int_equal(check(f, &v, msg), 0);
	assert_string_equal(val(f, &v, "copies"), "3");
	set(f, &v, "postal", "９００８５８５");
	set(f, &v, "phone", "098-867-0111");
	assert_int_equal(check(f, &v, msg), 0);
	assert_string_equal(val(f, &v, "postal"), "900-8585");
	set(f, &v, "postal", "900-858");
	assert_int_equal(check(f, &v, msg), 1);
	assert_non_null(strstr(msg, "postal code of 7 digits"));
	set(f, &v, "postal", "900-8585");
	set(f, &v, "phone", "1234");
	assert_int_equal(check(f, &v, msg), 1);
	set(f, &v, "phone", "０９０－１２３４－５６７８");
	assert_int_equal(check(f, &v, msg), 0);
	assert_string_equal(val(f, &v, "phone"), "090-1234-5678");
	/* lengths count characters, not bytes */
	set(f, &v, "name", "𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷");
	assert_int_equal(check(f, &v, msg), 0);
	set(f, &v, "name", "𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷");
	assert_int_equal(check(f, &v, msg), 1);
	assert_string_equal(msg, "\"Name\" can have at most 20 characters.");
	set(f, &v, "name", "比嘉");
	/* katakana only */
	set(f, &v, "kana", "ヒガ　ハナコ");
	assert_int_equal(check(f, &v, msg), 0);
	set(f, &v, "kana", "ひが　はなこ");
	assert_int_equal(check(f, &v, msg), 1);
	assert_non_null(strstr(msg, "katakana"));
	set(f, &v, "kana", NULL);
	/* dates: real ones, not after today */
	set(f, &v, "birth", "2026-02-30");
	assert_int_equal(check(f, &v, msg), 1);
	set(f, &v, "birth", "2026-11-26");
	assert_int_equal(check(f, &v, msg), 1);
	assert_string_equal(msg, "\"Birth date\" must be on or before 2026-11-25.");
	set(f, &v, "birth", "1899-12-31");
	assert_int_equal(check(f, &v, msg), 0);
	/* choices */
	set(f, &v, "sex", "other");
	assert_int_equal(check(f, &v, msg), 1);
	set(f, &v, "sex", "male");
	set(f, &v, "include", "honseki,zokugara");
	assert_int_equal(check(f, &v, msg), 0);
	set(f, &v, "include", "honseki,zokugara,setainushi");
	assert_int_equal(check(f, &v, msg), 1);
	assert_string_equal(msg, "Please choose at most 2 for \"Include\".");
	set(f, &v, "include", "honseki,honseki");
	assert_int_equal(check(f, &v, msg), 1);
	set(f, &v, "include", "honseki,");
	assert_int_equal(check(f, &v, msg), 1);
	set(f, &v, "include", NULL);
	/* a number out of range, a pattern, a required checkbox */
	set(f, &v, "copies", "11");
	assert_int_equal(check(f, &v, msg), 1);
	assert_string_equal(msg, "\"Copies\" must be from 1 to 10.");
	set(f, &v, "copies", "2");
	set(f, &v, "code", "12a4");
	assert_int_equal(check(f, &v, msg), 1);
	assert_string_equal(msg, "\"Number\": four digits");
	set(f, &v, "code", "1234");
	set(f, &v, "agree", "no");
	assert_int_equal(check(f, &v, msg), 1);
	set(f, &v, "agree", "yes");
	/* invalid UTF-8 is refused, not measured */
	set(f, &v, "name", "\xff\xfe");
	assert_int_equal(check(f, &v, msg), 1);
	form_values_free(&v);
	form_free(&f);
	i18n_set_language(NULL);
}

static void messages_in_the_residents_language(void **state)
{
	struct form *f = good();
	struct form_values v;
	assert_int_equal(form_values_init(&v, f), 0);
	i18n_set_language("ja");
	struct form_problem p[4];
	int n = form_validate(f, &v, "ja", "2026-11-25", p, 4);
	assert_int_equal(n, 3);
	assert_non_null(strstr(p[0].msg, "氏名")); /* the label in Japanese, the sentence too */
	assert_null(strstr(p[0].msg, "Please"));
	i18n_set_language(NULL);
	form_values_free(&v);
	form_free(&f);
}

static void era_dates(void **state)
{
	char s[64];
	assert_true(form_format_date("1989-01-07", "ja", s, sizeof s));
	assert_string_equal(s, "1989年1月7日（昭和64年）");
	assert_true(form_format_date("1989-01-08", "ja", s, sizeof s));
	assert_string_equal(s, "1989年1月8日（平成元年）");
	assert_true(form_format_date("2019-04-30", "ja", s, sizeof s));
	assert_string_equal(s, "2019年4月30日（平成31年）");
	assert_true(form_format_date("2019-05-01", "ja@easy", s, sizeof s));
	assert_string_equal(s, "2019年5月1日（令和元年）");
	assert_true(form_format_date("2026-11-25", "en", s, sizeof s));
	assert_string_equal(s, "25 November 2026 (Reiwa 8)");
	assert_true(form_format_date("1926-12-25", "ko", s, sizeof s));
	assert_string_equal(s, "1926년 12월 25일（昭和元年）");
	assert_true(form_format_date("1926-12-24", "zh_CN", s, sizeof s));
	assert_string_equal(s, "1926年12月24日（大正15年）");
	assert_true(form_format_date("1868-10-22", "ja", s, sizeof s)); /* before Meiji: no era */
	assert_string_equal(s, "1868年10月22日");
	assert_false(form_format_date("2019-02-29", "ja", s, sizeof s));
	assert_false(form_format_date("2019-5-1", "ja", s, sizeof s));
}

static void katakana(void **state)
{
	assert_true(form_is_katakana("ヒガ"));
	assert_true(form_is_katakana("スミス　ジョン・アレクサンダー"));
	assert_true(form_is_katakana("ヴァン　ゴッホ"));
	assert_false(form_is_katakana("ﾋｶﾞ"));          /* half-width */
	assert_false(form_is_katakana("ひが"));
	assert_false(form_is_katakana("ヒガ "));         /* ASCII space */
	assert_false(form_is_katakana("　ヒガ"));        /* a space only between words */
	assert_false(form_is_katakana("ヒガ　"));
	assert_false(form_is_katakana("ヒガ　　ハナコ"));
	assert_false(form_is_katakana(""));
}

int main(void)
{
	const char *dir = getenv("MADOGUCHI_LOCALEDIR");
	if (!setlocale(LC_ALL, "C.UTF-8") || !dir || i18n_bind(dir) != 0) {
		fprintf(stderr, "test_form: needs MADOGUCHI_LOCALEDIR (run it through ctest)\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_form_binds),
		cmocka_unit_test(mistakes_are_reported_where_they_are),
		cmocka_unit_test(every_problem_at_once),
		cmocka_unit_test(prefill_fills_empty_values),
		cmocka_unit_test(validation_and_normal_forms),
		cmocka_unit_test(messages_in_the_residents_language),
		cmocka_unit_test(era_dates),
		cmocka_unit_test(katakana),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
