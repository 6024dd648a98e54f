/* SPDX-License-Identifier: MIT */
/* Screen tests of the counter: the real ui/counter code on a pty of 80x24, scripted keys and a
 * scanner's burst, every row compared with a golden file under tests/golden/counter/. The world
 * behind it is a scripted ops table with a small queue; the clock is pinned by MADOGUCHI_NOW.
 * Login (refused and accepted), the queue panel, calling, the scanned ticket's form, the card
 * read, the card check and a help session, in ja and en. */
#include "testutil.h"

#include <locale.h>

#include "core/i18n.h"
#include "secure/hash.h"
#include "ui/counter/counter.h"

#include "ptyscreen.h"

static struct mdg_config *cfg;
static struct form *form;

/* ---- the scripted world -------------------------------------------------------------------- */

#define T_NOW INT64_C(1795567260000) /* 2026-11-25 09:41 JST, as MADOGUCHI_NOW */
#define MIN INT64_C(60000)

static struct ticket tickets[4];
static size_t n_tickets;
static int logins, denials, saves, prints, sessions_finished;
static struct help_session last_session;
static char last_pin[16];

static void world_reset(void)
{
	memset(tickets, 0, sizeof tickets);
	static const struct { const char *svc; int num; int prio; int waited; } seed[] = {
		{ "A", 41, PRIO_NONE, 25 }, { "A", 42, PRIO_ELDERLY, 22 }, { "E", 7, PRIO_NONE, 9 },
		{ "A", 43, PRIO_NONE, 3 },
	};
	n_tickets = 4;
	for (size_t i = 0; i < n_tickets; i++) {
		struct ticket *t = &tickets[i];
		t->id = (int64_t)i + 1;
		snprintf(t->service, sizeof t->service, "%s", seed[i].svc);
		snprintf(t->queue, sizeof t->queue, "%s", seed[i].svc);
		snprintf(t->bizdate, sizeof t->bizdate, "2026-11-25");
		snprintf(t->lang, sizeof t->lang, "ja");
		t->number = seed[i].num;
		t->priority = seed[i].prio;
		t->state = TICKET_WAITING;
		t->issued_ms = t->queue_ms = T_NOW - seed[i].waited * MIN;
	}
	logins = denials = saves = prints = sessions_finished = 0;
	memset(&last_session, 0, sizeof last_session);
}

static enum mdg_status fake_login(void *ctx, const char *id, const char *pin, size_t len,
				  struct counter_staff *out, struct mdg_err *err)
{
	logins++;
	if (strcmp(id, "higa") != 0 || len != 6 || memcmp(pin, "135790", 6) != 0)
		return mdg_err_set(err, MDG_ERR_AUTH, "wrong staff id or PIN");
	snprintf(out->id, sizeof out->id, "higa");
	snprintf(out->name, sizeof out->name, "比嘉 太郎");
	snprintf(out->role, sizeof out->role, "staff");
	return MDG_OK;
}

static void fake_logout(void *ctx)
{
}

static enum mdg_status fake_allowed(void *ctx, enum counter_action a, const char *target,
				    struct mdg_err *err)
{
	return MDG_OK;
}

static enum mdg_status fake_status(void *ctx, struct queue_status *out, struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	snprintf(out->bizdate, sizeof out->bizdate, "2026-11-25");
	out->now_ms = T_NOW;
	out->n_services = cfg->n_services;
	out->services = calloc(out->n_services, sizeof *out->services);
	out->open = calloc(n_tickets, sizeof *out->open);
	for (size_t s = 0; s < cfg->n_services; s++) {
		struct queue_service_status *q = &out->services[s];
		snprintf(q->letter, sizeof q->letter, "%s", cfg->services[s].letter);
		for (size_t i = 0; i < n_tickets; i++) {
			const struct ticket *t = &tickets[i];
			if (strcmp(t->queue, q->letter) != 0 || t->state != TICKET_WAITING)
				continue;
			int64_t w = T_NOW - t->queue_ms;
			q->waiting++;
			if (w > q->longest_wait_ms)
				q->longest_wait_ms = w;
			if (t->priority) {
				q->priority_waiting++;
				if (w > q->longest_priority_wait_ms)
					q->longest_priority_wait_ms = w;
			}
		}
	}
	for (size_t i = 0; i < n_tickets; i++)
		if (ticket_state_open(tickets[i].state))
			out->open[out->n_open++] = tickets[i];
	return MDG_OK;
}

static struct ticket *find(const char *number)
{
	for (size_t i = 0; i < n_tickets; i++) {
		char num[8];
		ticket_format_number(tickets[i].service, tickets[i].number, num);
		if (strcmp(num, number) == 0)
			return &tickets[i];
	}
	return NULL;
}

static enum mdg_status fake_act(void *ctx, const struct queue_action *a, struct ticket *out,
				struct mdg_err *err)
{
	struct ticket *t = NULL;
	if (a->op == TICKET_OP_CALL && !a->number) {
		/* the elderly resident first */
		for (size_t i = 0; i < n_tickets && !t; i++)
			if (tickets[i].state == TICKET_WAITING && tickets[i].priority)
				t = &tickets[i];
		for (size_t i = 0; i < n_tickets && !t; i++)
			if (tickets[i].state == TICKET_WAITING)
				t = &tickets[i];
		if (!t)
			return mdg_err_set(err, MDG_ERR_EMPTY, NULL);
	} else if (!(t = find(a->number))) {
		return mdg_err_set(err, MDG_ERR_NOT_FOUND, "no ticket %s today", a->number);
	}
	switch (a->op) {
	case TICKET_OP_CALL:
		t->state = TICKET_CALLED;
		t->counter = a->counter;
		t->called_ms = t->served_ms = T_NOW - 2 * MIN;
		break;
	case TICKET_OP_NO_SHOW:
		if (t->recalls < 1)
			return mdg_err_set(err, MDG_ERR_STATE, "a no-show needs 1 recall first");
		t->state = TICKET_NO_SHOW;
		break;
	case TICKET_OP_RECALL: t->recalls++; break;
	case TICKET_OP_HOLD: t->state = TICKET_HELD; break;
	case TICKET_OP_TRANSFER:
		snprintf(t->queue, sizeof t->queue, "%s", a->to_service);
		t->state = TICKET_WAITING;
		break;
	case TICKET_OP_FINISH:
		t->state = TICKET_FINISHED;
		snprintf(t->outcome, sizeof t->outcome, "%s", a->outcome ? a->outcome : "");
		break;
	default: break;
	}
	*out = *t;
	return MDG_OK;
}

static enum mdg_status fake_open(void *ctx, const char *text, bool scanned, struct counter_case *c,
				 struct mdg_err *err)
{
	memset(c, 0, sizeof *c);
	const char *number = text;
	if (scanned) {
		if (strncmp(text, "MDG1:", 5) != 0 || strstr(text, "FORGED"))
			return mdg_err_set(err, MDG_ERR_INVALID, "altered or forged");
		number = text + 5;
	}
	struct ticket *t = find(number);
	if (!t)
		return mdg_err_set(err, MDG_ERR_NOT_FOUND, "no ticket %s today", number);
	c->ticket = *t;
	if (t->number != 42)
		return MDG_OK; /* no kiosk form */
	c->form = form;
	c->submission = 7;
	c->from_kiosk = true;
	form_values_init(&c->vals, form);
	form_values_set(&c->vals, 0, "比嘉　花子", true);
	form_values_set(&c->vals, 1, "1948-03-15", true);
	form_values_set(&c->vals, 3, "1", false);
	return MDG_OK;
}

static enum mdg_status fake_save(void *ctx, struct counter_case *c, struct mdg_err *err)
{
	saves++;
	return MDG_OK;
}

static enum mdg_status fake_print(void *ctx, struct counter_case *c, const char *pin, size_t len,
				  struct mdg_err *err)
{
	prints++;
	return MDG_OK;
}

static int tries_left = 3;

static enum mdg_status fake_tries(void *ctx, int *tries, struct mdg_err *err)
{
	*tries = tries_left;
	return MDG_OK;
}

static enum mdg_status fake_read(void *ctx, bool code_b, const char *secret, size_t len,
				 struct card_basic4 *out, int *left, struct mdg_err *err)
{
	snprintf(last_pin, sizeof last_pin, "%.*s", (int)len, secret);
	if (!code_b && strcmp(last_pin, "1234") != 0) {
		*left = --tries_left;
		return mdg_err_set(err, MDG_ERR_INVALID, "wrong PIN");
	}
	snprintf(out->name, sizeof out->name, "比嘉　花子");
	snprintf(out->address, sizeof out->address, "沖縄県那覇市泉崎１丁目１番１号");
	snprintf(out->birth_date, sizeof out->birth_date, "1948-03-15");
	out->sex = CARD_SEX_FEMALE;
	return MDG_OK;
}

static enum mdg_status fake_card_status(void *ctx, struct mynacard_status *out, struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	out->tries_pin = 3;
	out->tries_jpki_auth = 1;
	out->tries_jpki_sign = 0;
	snprintf(out->token, sizeof out->token, "JPKIAPICCTOKEN2");
	snprintf(out->card_expiry, sizeof out->card_expiry, "2031-03-15");
	snprintf(out->auth_cert_not_after, sizeof out->auth_cert_not_after, "2027-01-31");
	return MDG_OK;
}

static enum mdg_status fake_session_start(void *ctx, struct help_session *s, struct mdg_err *err)
{
	s->id = 5;
	s->started_ms = T_NOW - 4 * MIN - 30000;
	return MDG_OK;
}

static enum mdg_status fake_session_finish(void *ctx, struct help_session *s, struct mdg_err *err)
{
	sessions_finished++;
	last_session = *s;
	return MDG_OK;
}

static const struct counter_ops ops = {
	.login = fake_login, .logout = fake_logout, .allowed = fake_allowed, .status = fake_status,
	.act = fake_act, .open = fake_open, .save = fake_save, .print = fake_print,
	.card_tries = fake_tries, .card_read = fake_read, .card_status = fake_card_status,
	.session_start = fake_session_start, .session_finish = fake_session_finish,
};

/* ---- the pty ------------------------------------------------------------------------------- */

static bool step(void *c, int ms)
{
	return counter_step(c, ms);
}

static void settle(struct counter *c)
{
	settle_with(step, c);
}

static void golden(const char *name)
{
	golden_in("counter", name);
}

static struct counter *live; /* the counter that keys() types into */

static void keys(const char *bytes)
{
	type_live(step, live, bytes);
}

static struct counter *start(const char *lang)
{
	static struct counter_setup setup_;
	static const struct form *forms[1];
	forms[0] = form;
	setup_ = (struct counter_setup){ .cfg = cfg, .counter = 3, .forms = forms, .n_forms = 1,
					 .ops = &ops, .language = lang };
	struct counter *c;
	struct mdg_err err = { 0 };
	assert_int_equal(counter_open(term, &setup_, &c, &err), MDG_OK);
	world_reset();
	tries_left = 3;
	live = c;
	settle(c);
	return c;
}

static const char FORM_YAML[] =
	"id: seal\nversion: 1\nservice: A\n"
	"title: {ja: 印鑑登録証明書交付申請書, en: Seal certificate}\n"
	"short_title: {ja: 印鑑証明, en: Seal}\n"
	"sections:\n  - id: who\n    title: {ja: 申請者, en: Applicant}\n"
	"    fields:\n"
	"      - {id: name, type: text, label: {ja: 氏名, en: Name}, required: true, prefill: card.name}\n"
	"      - {id: birth, type: date, label: {ja: 生年月日, en: Birth date}, prefill: card.birth_date}\n"
	"      - {id: address, type: address, label: {ja: 住所, en: Address}, required: true, prefill: card.address}\n"
	"      - {id: copies, type: number, label: {ja: 通数, en: Copies}, min: 1, max: 10, required: true}\n"
	"      - id: purpose\n        type: choice\n        required: true\n"
	"        label: {ja: 使いみち, en: Purpose}\n"
	"        options:\n"
	"          - {value: bank, label: {ja: 銀行, en: Bank}}\n"
	"          - {value: car, label: {ja: 自動車, en: Car}}\n";

static const char *const LANGS[] = { "ja", "en" };

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
		"languages: [ja, en]\n"
		"services:\n"
		"  - {letter: A, name: {ja: 証明書, en: Certificates}, counters: [3], target_wait_min: 20}\n"
		"  - {letter: E, name: {ja: デジタル相談, en: Digital help}, counters: [3]}\n"
		"counters: [{number: 3}]\n";
	struct doc d = { 0 };
	struct doc_diags g = { 0 };
	if (yaml_load_string("site.yaml", site, strlen(site), &d, &g) || config_from_doc(&d, &cfg, &g)) {
		doc_diags_print(&g, stderr);
		return -1;
	}
	doc_free(&d);
	struct form_context ctx = { LANGS, 2, NULL, 0 };
	if (yaml_load_string("/f/seal.yaml", FORM_YAML, strlen(FORM_YAML), &d, &g) ||
	    form_from_doc(&d, &ctx, &form, &g)) {
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

static void log_in(struct counter *c)
{
	keys("higa\r");
	keys("135790\r");
	settle(c);
	assert_string_equal(counter_screen_name(c), "queue");
}

/* The whole day's work in one flow, one golden per step. */
static void flow(const char *lang)
{
	char name[64];
	struct counter *c = start(lang);
#define SHOT(step)                                                                     \
	do {                                                                           \
		snprintf(name, sizeof name, "%s-%s", lang, step);                      \
		golden(name);                                                          \
	} while (0)
	SHOT("1-login");
	keys("higa\r");
	keys("999999\r");
	settle(c);
	SHOT("2-login-refused");
	assert_string_equal(counter_screen_name(c), "login");
	log_in(c);
	SHOT("3-queue");
	keys("1");
	settle(c);
	SHOT("4-serving");
	assert_int_equal(tickets[1].state, TICKET_CALLED); /* A-042, elderly, before A-041 */
	scan("MDG1:A-042\r");
	settle(c);
	SHOT("5-form");
	assert_string_equal(counter_screen_name(c), "form");
	/* the clerk reads the card with the resident's PIN: the address comes in */
	keys("1");
	settle(c);
	SHOT("6-card-pin");
	keys("1234\r");
	settle(c);
	assert_string_equal(last_pin, "1234");
	SHOT("7-form-card-read");
	/* purpose: a choice */
	keys("\033OB\033OB\033OB\033OB");
	keys("\r");
	settle(c);
	SHOT("8-purpose");
	keys("1");
	settle(c);
	keys("3");
	settle(c);
	assert_int_equal(prints, 1);
	SHOT("9-printed");
	keys("\033");
	settle(c);
	keys("9");
	settle(c);
	SHOT("10-card-check");
	keys("\033");
	settle(c);
	keys("0");
	settle(c);
	SHOT("11-session");
	keys("\r1\r");     /* topics: card application */
	keys("\033OB\033OB\r6"); /* age band: 80+ */
	keys("\033OB\r2");  /* skill before 2 */
	keys("\033OB\r4");  /* skill after 4 */
	keys("\033OB\r1");  /* outcome: resolved */
	settle(c);
	SHOT("12-session-filled");
	keys("1");
	settle(c);
	assert_int_equal(sessions_finished, 1);
	assert_int_equal(last_session.topics, 1u << HELP_TOPIC_CARD_APPLICATION);
	assert_int_equal(last_session.skill_before, 2);
	assert_int_equal(last_session.skill_after, 4);
	assert_int_equal(last_session.age_band, HELP_AGE_80_PLUS);
	assert_int_equal(last_session.outcome, HELP_OUTCOME_RESOLVED);
	assert_int_equal(last_session.ticket_id, 2);
	keys("7");
	settle(c);
	keys("1");
	settle(c);
	assert_int_equal(tickets[1].state, TICKET_FINISHED);
	assert_string_equal(tickets[1].outcome, "done");
	SHOT("13-finished");
	counter_close(&c);
#undef SHOT
}

static void flow_ja(void **state)
{
	flow("ja");
}

static void flow_en(void **state)
{
	flow("en");
}

/* A forged code is refused with its reason; nothing opens. One PIN try left is warned. */
static void refusals(void **state)
{
	struct counter *c = start("en");
	log_in(c);
	scan("MDG1:FORGED-A-042\r");
	settle(c);
	assert_string_equal(counter_screen_name(c), "queue");
	assert_true(screen_has("forged"));
	/* calling while serving is refused */
	keys("1");
	settle(c);
	keys("1");
	settle(c);
	assert_true(screen_has("is still at this counter"));
	/* no-show before a recall: the engine's refusal is shown */
	keys("4");
	settle(c);
	assert_true(screen_has("Not done"));
	assert_int_equal(tickets[1].state, TICKET_CALLED);
	scan("MDG1:A-042\r");
	settle(c);
	tries_left = 1;
	keys("1");
	settle(c);
	golden("en-one-try-left");
	keys("\033");
	settle(c);
	/* a note with a phone number is warned before it is saved */
	keys("\033");
	settle(c);
	keys("0");
	settle(c);
	keys("\033OB\033OB\033OB\033OB\033OB\033OB\033OB\r");
	keys("call 090-1234-5678\r");
	settle(c);
	assert_true(screen_has("personal data"));
	/* Esc logs out from the queue; the session stays for the store as unfinished */
	keys("\033");
	settle(c);
	keys("\033");
	settle(c);
	assert_string_equal(counter_screen_name(c), "login");
	counter_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flow_ja),
		cmocka_unit_test(flow_en),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
