/* SPDX-License-Identifier: MIT */
/* Screen tests of the kiosk: the real ui/ code on a pty of 80x24 (newterm), scripted keys
 * written to the pty, every row read back from curses and compared with a golden file under
 * tests/golden/kiosk/ (UPDATE_GOLDEN=1 writes them instead: regenerate only on purpose, and
 * read the diff). The world behind the kiosk is a scripted ops table; the clock is pinned by
 * MADOGUCHI_NOW. Every step of the flow in ja and en, and the menu in all five languages. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>

#include "core/i18n.h"
#include "secure/hash.h"
#include "ui/draw.h"
#include "ui/input.h"
#include "ui/kiosk/kiosk.h"
#include "ui/term.h"

#include "ptyscreen.h"

static struct mdg_config *cfg;
static struct form *form;

/* ---- the scripted world -------------------------------------------------------------------- */

static int fake_waiting(void *ctx, const char *letter)
{
	return letter[0] - 'A' + 1;
}

static int issued;

static enum mdg_status fake_issue(void *ctx, const char *service, int priority, const char *lang,
				  struct kiosk_ticket *out, struct mdg_err *err)
{
	snprintf(out->number, sizeof out->number, "%s-%03d", service, ++issued);
	out->ahead = 3;
	out->eta_min = 12;
	snprintf(out->code, sizeof out->code, "MDG1:TEST:20261125:%s%03d:0:1:AAAA", service, issued);
	return MDG_OK;
}

static enum mdg_status fake_print(void *ctx, const struct kiosk_ticket *t, const char *lang,
				  struct mdg_err *err)
{
	return MDG_OK;
}

static const char *card_name = "比嘉　花子";
static enum kiosk_card_state card_state = KC_PRESENT;
static int card_tries_left = 3;

static enum kiosk_card_state fake_poll(void *ctx)
{
	return card_state;
}

static enum mdg_status fake_tries(void *ctx, int *tries, struct mdg_err *err)
{
	*tries = card_tries_left;
	return MDG_OK;
}

static enum mdg_status fake_read(void *ctx, bool code_b, const char *secret, size_t len,
				 struct card_basic4 *out, int *left, struct mdg_err *err)
{
	if (!code_b && strcmp(secret, "1234") != 0) {
		*left = --card_tries_left;
		return mdg_err_set(err, MDG_ERR_INVALID, "wrong PIN");
	}
	snprintf(out->name, sizeof out->name, "%s", card_name);
	snprintf(out->address, sizeof out->address, "沖縄県那覇市泉崎１丁目１番１号");
	snprintf(out->birth_date, sizeof out->birth_date, "1948-03-15");
	out->sex = CARD_SEX_FEMALE;
	return MDG_OK;
}

static const struct kiosk_ops ops = {
	.waiting = fake_waiting, .issue = fake_issue, .print = fake_print, .card_poll = fake_poll,
	.card_tries = fake_tries, .card_read = fake_read,
};

/* ---- the pty ------------------------------------------------------------------------------- */

static bool step(void *k, int ms)
{
	return kiosk_step(k, ms);
}

static void settle(struct kiosk *k)
{
	settle_with(step, k);
}

static void golden(const char *name)
{
	golden_in("kiosk", name);
}

static struct kiosk *start(const char *lang)
{
	static struct kiosk_setup setup_;
	struct kiosk_setup *s = &setup_; /* the kiosk borrows it until kiosk_close */
	static const struct form *forms[1];
	forms[0] = form;
	*s = (struct kiosk_setup){ .cfg = cfg, .forms = forms, .n_forms = 1, .ops = &ops,
				   .first_language = lang };
	struct kiosk *k;
	struct mdg_err err = { 0 };
	assert_int_equal(kiosk_open(term, s, &k, &err), MDG_OK);
	issued = 0;
	card_state = KC_PRESENT;
	card_tries_left = 3;
	settle(k);
	return k;
}

static void stop(struct kiosk *k)
{
	kiosk_close(&k);
}

static const char FORM_YAML[] =
	"id: seal\nversion: 1\nservice: A\n"
	"title: {ja: 印鑑登録証明書交付申請書, ja@easy: いんかん しょうめい, en: Seal certificate, zh_CN: 印章登记证明, ko: 인감증명서}\n"
	"short_title: {ja: 印鑑証明, ja@easy: いんかん, en: Seal, zh_CN: 印章证明, ko: 인감증명}\n"
	"bring:\n  - {ja: 印鑑登録証, ja@easy: いんかん カード, en: Seal registration card, zh_CN: 印章登记证, ko: 인감등록증}\n"
	"sections:\n  - id: who\n    title: {ja: 申請者, ja@easy: もうしこむ ひと, en: Applicant, zh_CN: 申请人, ko: 신청인}\n"
	"    fields:\n"
	"      - {id: name, type: text, label: {ja: 氏名, ja@easy: なまえ, en: Name, zh_CN: 姓名, ko: 성명}, required: true, prefill: card.name}\n"
	"      - {id: birth, type: date, label: {ja: 生年月日, ja@easy: うまれた ひ, en: Birth date, zh_CN: 出生日期, ko: 생년월일}, prefill: card.birth_date}\n"
	"      - {id: copies, type: number, label: {ja: 通数, ja@easy: なんまい, en: Copies, zh_CN: 份数, ko: 통수}, min: 1, max: 10, default: \"1\", required: true}\n"
	"      - id: purpose\n        type: choice\n        required: true\n"
	"        label: {ja: 使いみち, ja@easy: つかいみち, en: Purpose, zh_CN: 用途, ko: 용도}\n"
	"        options:\n"
	"          - {value: bank, label: {ja: 銀行, ja@easy: ぎんこう, en: Bank, zh_CN: 银行, ko: 은행}}\n"
	"          - {value: car, label: {ja: 自動車, ja@easy: くるま, en: Car, zh_CN: 汽车, ko: 자동차}}\n";

static int setup(void **state)
{
	const char *dir = getenv("MADOGUCHI_LOCALEDIR");
	if (!setlocale(LC_ALL, "C.UTF-8") || !dir || i18n_bind(dir) != 0)
		return -1;
	setenv("MADOGUCHI_NOW", "2026-11-25T09:41:00+09:00", 1);
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	struct mdg_err err = { 0 };
	if (secure_init(&err) != MDG_OK)
		return -1;
	static const char site[] =
		"site: {id: test-site, name: {ja: テスト市役所 市民課, en: Test City Hall}}\n"
		"languages: [ja, ja@easy, en, zh_CN, ko]\n"
		"services:\n"
		"  - {letter: A, name: {ja: 証明書, ja@easy: しょうめいしょ, en: Certificates, zh_CN: 证明书, ko: 증명서}, counters: [1]}\n"
		"  - {letter: E, name: {ja: デジタル相談, ja@easy: スマホの そうだん, en: Digital help, zh_CN: 数字化咨询, ko: 디지털 상담}, counters: [1]}\n"
		"counters: [{number: 1}]\n";
	struct doc d = { 0 };
	struct doc_diags g = { 0 };
	if (yaml_load_string("site.yaml", site, strlen(site), &d, &g) || config_from_doc(&d, &cfg, &g))
		return -1;
	doc_free(&d);
	if (yaml_load_string("/f/seal.yaml", FORM_YAML, strlen(FORM_YAML), &d, &g) ||
	    form_from_doc(&d, NULL, &form, &g)) {
		doc_diags_print(&g, stderr);
		return -1;
	}
	doc_free(&d);
	doc_diags_free(&g);
	return pty_open(24, 80);
}

static int teardown(void **state)
{
	term_close(&term);
	config_free(&cfg);
	form_free(&form);
	return 0;
}

/* The whole flow with the PIN, one golden per step. */
static void flow(const char *lang, const char *tag)
{
	char name[64];
	struct kiosk *k = start(lang);
#define SHOT(step)                                                                     \
	do {                                                                           \
		snprintf(name, sizeof name, "%s-%s", tag, step);                       \
		golden(name);                                                          \
	} while (0)
	SHOT("1-attract");
	type(" ");
	settle(k);
	SHOT("2-language");
	type(strcmp(lang, "en") == 0 ? "3" : "1");
	settle(k);
	SHOT("3-menu");
	type("1");
	settle(k);
	SHOT("4-bring");
	type("1");
	settle(k);
	settle(k); /* the card poll */
	SHOT("5-pin");
	type("1234");
	settle(k);
	SHOT("5-pin-entered");
	type("\r");
	settle(k);
	SHOT("6-check");
	type("1");
	settle(k);
	SHOT("7-copies");
	type("\r");
	settle(k);
	SHOT("8-purpose");
	type("1");
	settle(k);
	SHOT("9-ticket");
	assert_string_equal(kiosk_screen_name(k), "ticket");
	stop(k);
#undef SHOT
}

static void flow_ja(void **state)
{
	flow("ja", "ja");
}

static void flow_en(void **state)
{
	flow("en", "en");
}

static void menu_in_five_languages(void **state)
{
	static const char *const langs[] = { "ja", "ja@easy", "en", "zh_CN", "ko" };
	for (int i = 0; i < 5; i++) {
		struct kiosk *k = start("ja");
		type(" ");
		settle(k);
		char key[2] = { (char)('1' + i), '\0' };
		type(key);
		settle(k);
		char name[64];
		snprintf(name, sizeof name, "menu-%s", langs[i]);
		golden(name);
		stop(k);
	}
}

static void one_try_left_offers_code_b(void **state)
{
	struct kiosk *k = start("en");
	card_tries_left = 1;
	type(" ");
	settle(k);
	type("3");
	settle(k);
	type("1");
	settle(k);
	type("1");
	settle(k);
	settle(k);
	assert_string_equal(kiosk_screen_name(k), "card-message");
	golden("en-card-one-try-left");
	type("1");
	settle(k);
	golden("en-code-b");
	stop(k);
}

/* A name with 𠮷 and 髙 (outside JIS X 0208): shown, marked, and the resident told. */
static void rare_characters_are_marked(void **state)
{
	struct kiosk *k = start("en");
	card_name = "𠮷田　髙子";
	type(" ");
	settle(k);
	type("3");
	settle(k);
	type("1");
	settle(k);
	type("1");
	settle(k);
	settle(k);
	type("1234\r");
	settle(k);
	assert_string_equal(kiosk_screen_name(k), "check");
	golden("en-check-rare-characters");
	card_name = "比嘉　花子";
	stop(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rare_characters_are_marked),
		cmocka_unit_test(flow_ja),
		cmocka_unit_test(flow_en),
		cmocka_unit_test(menu_in_five_languages),
		cmocka_unit_test(one_try_left_offers_code_b),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
