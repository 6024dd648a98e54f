/* SPDX-License-Identifier: MIT */
/* helpsession: the help-session taxonomy, topic lists, validation and the note check. The
 * note check works on a copy of the note in which full-width ASCII forms, the ideographic
 * space and dashes are folded to ASCII, so that 〇９０ー１２３４ー５６７８ is seen as
 * 090-1234-5678. Pure libc. */
#include "core/helpsession.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/text.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* TRANSLATORS: help-session topics, as staff choose them at the counter. */
const struct help_item help_topics[HELP_TOPIC_COUNT] = {
	[HELP_TOPIC_CARD_APPLICATION] = { "card_application", N_("My Number card application") },
	[HELP_TOPIC_CARD_PICKUP] = { "card_pickup", N_("Card pickup") },
	[HELP_TOPIC_PIN_RESET] = { "pin_reset", N_("PIN reset") },
	[HELP_TOPIC_CERT_RENEWAL] = { "cert_renewal", N_("E-certificate renewal") },
	[HELP_TOPIC_MYNAPORTAL] = { "mynaportal", N_("Mynaportal") },
	[HELP_TOPIC_INSURANCE_LINK] = { "insurance_link", N_("Health insurance card link") },
	[HELP_TOPIC_KOKIN_ACCOUNT] = { "kokin_account", N_("Public benefit account") },
	[HELP_TOPIC_SMARTPHONE_BASICS] = { "smartphone_basics", N_("Smartphone basics") },
	[HELP_TOPIC_ONLINE_APPLICATION] = { "online_application", N_("Online application") },
	[HELP_TOPIC_SCAM_SECURITY] = { "scam_security", N_("Scams and security") },
	[HELP_TOPIC_OTHER] = { "other", N_("Other topic") },
};

const struct help_item help_channels[HELP_CHANNEL_COUNT] = {
	[HELP_CHANNEL_COUNTER] = { "counter", N_("At the counter") },
	[HELP_CHANNEL_KIOSK] = { "kiosk", N_("Kiosk assistance") },
	[HELP_CHANNEL_OUTREACH] = { "outreach", N_("Outreach class") },
};

const struct help_item help_age_bands[HELP_AGE_COUNT] = {
	[HELP_AGE_0_19] = { "0-19", N_("19 or younger") },
	[HELP_AGE_20_39] = { "20-39", N_("20 to 39") },
	[HELP_AGE_40_59] = { "40-59", N_("40 to 59") },
	[HELP_AGE_60_69] = { "60-69", N_("60 to 69") },
	[HELP_AGE_70_79] = { "70-79", N_("70 to 79") },
	[HELP_AGE_80_PLUS] = { "80+", N_("80 or older") },
	[HELP_AGE_UNKNOWN] = { "unknown", N_("Age not asked") },
};

const struct help_item help_outcomes[HELP_OUTCOME_COUNT] = {
	[HELP_OUTCOME_RESOLVED] = { "resolved", N_("Resolved") },
	[HELP_OUTCOME_PARTLY] = { "partly", N_("Partly resolved") },
	[HELP_OUTCOME_REFERRED] = { "referred", N_("Referred elsewhere") },
	[HELP_OUTCOME_NOT_RESOLVED] = { "not_resolved", N_("Not resolved") },
};

int help_item_find(const struct help_item *items, size_t n, const char *id)
{
	for (size_t i = 0; id && i < n; i++)
		if (strcmp(items[i].id, id) == 0)
			return (int)i;
	return -1;
}

void helpsession_init(struct help_session *s)
{
	memset(s, 0, sizeof *s);
	s->channel = HELP_CHANNEL_COUNTER;
	s->age_band = HELP_AGE_UNKNOWN;
	s->outcome = -1;
}

const char *help_item_ids(const struct help_item *items, size_t n, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", items[i].id);
	return buf;
}

enum mdg_status helptopics_parse(const char *list, uint32_t *mask, struct mdg_err *err)
{
	char ids[HELP_TOPICS_LEN + 32];
	*mask = 0;
	const char *p = list ? list : "";
	uint32_t m = 0;
	for (;;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, ",");
		size_t k = n;
		while (k && p[k - 1] == ' ')
			k--;
		if (k == 0)
			return mdg_err_set(err, MDG_ERR_INVALID,
					   "topics: an empty entry; give ids separated by commas (%s)",
					   help_item_ids(help_topics, HELP_TOPIC_COUNT, ids, sizeof ids));
		int found = -1;
		for (int i = 0; i < HELP_TOPIC_COUNT && found < 0; i++)
			if (strlen(help_topics[i].id) == k && memcmp(help_topics[i].id, p, k) == 0)
				found = i;
		if (found < 0)
			return mdg_err_set(err, MDG_ERR_INVALID, "topics: unknown topic '%.*s' (one of %s)",
					   (int)(k > 40 ? 40 : k), p,
					   help_item_ids(help_topics, HELP_TOPIC_COUNT, ids, sizeof ids));
		if (m & (1u << found))
			return mdg_err_set(err, MDG_ERR_INVALID, "topics: '%s' given twice",
					   help_topics[found].id);
		m |= 1u << found;
		p += n;
		if (!*p)
			break;
		p++; /* the comma */
	}
	*mask = m;
	return MDG_OK;
}

void helptopics_format(uint32_t mask, char sep, char out[HELP_TOPICS_LEN])
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < HELP_TOPIC_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		size_t n = strlen(help_topics[i].id);
		if (o + n + 2 > HELP_TOPICS_LEN)
			break; /* cannot happen: HELP_TOPICS_LEN holds them all */
		if (o)
			out[o++] = sep;
		memcpy(out + o, help_topics[i].id, n + 1);
		o += n;
	}
}

static bool staff_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > 32)
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

enum mdg_status helpsession_validate(const struct help_session *s, bool finished,
				     struct mdg_err *err)
{
	char ids[HELP_TOPICS_LEN + 32];
	if (s->channel < 0 || s->channel >= HELP_CHANNEL_COUNT)
		return mdg_err_set(err, MDG_ERR_INVALID, "channel: one of %s",
				   help_item_ids(help_channels, HELP_CHANNEL_COUNT, ids, sizeof ids));
	if (s->age_band < 0 || s->age_band >= HELP_AGE_COUNT)
		return mdg_err_set(err, MDG_ERR_INVALID, "age band: one of %s",
				   help_item_ids(help_age_bands, HELP_AGE_COUNT, ids, sizeof ids));
	if (s->outcome < -1 || s->outcome >= HELP_OUTCOME_COUNT)
		return mdg_err_set(err, MDG_ERR_INVALID, "outcome: one of %s",
				   help_item_ids(help_outcomes, HELP_OUTCOME_COUNT, ids, sizeof ids));
	if (s->topics >> HELP_TOPIC_COUNT)
		return mdg_err_set(err, MDG_ERR_INVALID, "topics: unknown topic bits 0x%x",
				   (unsigned)(s->topics >> HELP_TOPIC_COUNT));
	if ((s->skill_before && (s->skill_before < HELP_SKILL_MIN || s->skill_before > HELP_SKILL_MAX)) ||
	    (s->skill_after && (s->skill_after < HELP_SKILL_MIN || s->skill_after > HELP_SKILL_MAX)) ||
	    s->skill_before < 0 || s->skill_after < 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "skill: from %d to %d", HELP_SKILL_MIN,
				   HELP_SKILL_MAX);
	if (s->counter < 0 || s->counter > 99)
		return mdg_err_set(err, MDG_ERR_INVALID, "counter: from 1 to 99 (0 for none)");
	if (!staff_ok(s->staff))
		return mdg_err_set(err, MDG_ERR_INVALID, "staff: an id of up to 32 letters, digits or signs");
	if (s->ticket_id < 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "ticket: a ticket id, or 0 for none");
	size_t nn = strnlen(s->note, sizeof s->note);
	if (nn > HELP_NOTE_MAX)
		return mdg_err_set(err, MDG_ERR_INVALID, "note: at most %d bytes", HELP_NOTE_MAX);
	if (!text_utf8_valid(s->note, nn))
		return mdg_err_set(err, MDG_ERR_INVALID, "note: not valid UTF-8");
	if (s->started_ms <= 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "start: no start time");
	if (s->ended_ms && s->ended_ms < s->started_ms)
		return mdg_err_set(err, MDG_ERR_INVALID, "end: before the start");
	if (!finished)
		return MDG_OK;
	if (!s->ended_ms)
		return mdg_err_set(err, MDG_ERR_INVALID, "end: no end time");
	if (!s->topics)
		return mdg_err_set(err, MDG_ERR_INVALID, "topics: at least one (%s)",
				   help_item_ids(help_topics, HELP_TOPIC_COUNT, ids, sizeof ids));
	if (!s->skill_before || !s->skill_after)
		return mdg_err_set(err, MDG_ERR_INVALID, "skill: before and after, each from %d to %d",
				   HELP_SKILL_MIN, HELP_SKILL_MAX);
	if (s->outcome < 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "outcome: one of %s",
				   help_item_ids(help_outcomes, HELP_OUTCOME_COUNT, ids, sizeof ids));
	return MDG_OK;
}

/* ---- the note check ---- */

#define NOTE_SCAN_MAX 4096 /* bytes of the folded note that are looked at */

/* Decodes the UTF-8 character at s (n bytes available) into *cp; returns its length (1 for a
 * bad byte, which decodes as U+FFFD). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		     (c & 0xf8) == 0xf0 ? 4 : 0;
	if (len == 0 || len > n) {
		*cp = 0xfffd;
		return 1;
	}
	uint32_t v = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return len;
}

/* The character that ends just before byte i of s (a valid UTF-8 buffer), or 0 at the start. */
static uint32_t utf8_prev(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	size_t k = i - 1;
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	uint32_t cp;
	utf8_next((const unsigned char *)s + k, i - k, &cp);
	return cp;
}

static size_t utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool digit_cp(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 0xff10 && cp <= 0xff19);
}

/* Folds note into out (size bytes): full-width ASCII forms to ASCII, the ideographic space to
 * a space, dashes and minus signs to '-', and the long-vowel mark ー between digits to '-'. */
static void fold(const char *note, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)note;
	size_t n = strlen(note), o = 0;
	uint32_t prev = 0;
	while (n && o + 4 < size) {
		uint32_t cp, next = 0;
		size_t len = utf8_next(p, n, &cp);
		if (len < n)
			utf8_next(p + len, n - len, &next);
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xfee0;
		else if (cp == 0x3000)
			cp = ' ';
		else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xfe63 ||
			 ((cp == 0x30fc || cp == 0xff70) && digit_cp(prev) && digit_cp(next)))
			cp = '-';
		o += utf8_put(cp, out + o);
		prev = cp;
		p += len;
		n -= len;
	}
	out[o] = '\0';
}

/* The flags of one run of digits: digits in all, its first two, after a '+'. */
static unsigned number_flags(int digits, const char first[2], bool plus)
{
	if (!plus && digits >= 10 && digits <= 11 && first[0] == '0')
		return HELPNOTE_PHONE;
	if (plus && first[0] == '8' && first[1] == '1' && digits >= 11 && digits <= 12)
		return HELPNOTE_PHONE;
	if (!plus && digits == 12)
		return HELPNOTE_NUMBER12;
	return 0;
}

/* Phone numbers and 12-digit numbers: runs of digits joined by at most two of " -()" at a
 * time (090-1234-5678, (098) 123-4567, 1234 5678 9012), counted by their digits, as a whole
 * and split at spaces (so that "2026-11-25 090-1234-5678" is a date and a phone number). */
static unsigned check_numbers(const char *s)
{
	unsigned flags = 0;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		bool plus = s[i] == '+' && is_digit(s[i + 1]);
		bool paren = s[i] == '(' && is_digit(s[i + 1]);
		if (!is_digit(s[i]) && !plus && !paren) {
			i++;
			continue;
		}
		size_t j = i + (plus || paren);
		int digits = 0, piece = 0;
		char first[2] = { 0, 0 }, pfirst[2] = { 0, 0 };
		bool pplus = plus;
		for (;;) {
			while (j < n && is_digit(s[j])) {
				if (digits < 2)
					first[digits] = s[j];
				if (piece < 2)
					pfirst[piece] = s[j];
				digits++, piece++;
				j++;
			}
			size_t k = j, seps = 0;
			bool space = false;
			while (k < n && seps < 2 && strchr(" -()", s[k]))
				space |= s[k] == ' ', k++, seps++;
			if (seps == 0 || k >= n || !is_digit(s[k]))
				break;
			if (space) {
				flags |= number_flags(piece, pfirst, pplus);
				piece = 0, pplus = false;
				pfirst[0] = pfirst[1] = 0;
			}
			j = k;
		}
		flags |= number_flags(digits, first, plus);
		if (piece != digits)
			flags |= number_flags(piece, pfirst, pplus);
		i = j;
	}
	return flags;
}

static bool email_local(int c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("._%+-", c));
}

static bool email_domain(int c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.';
}

/* name@host.tld */
static bool check_email(const char *s)
{
	for (const char *at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
		if (at == s || !email_local((unsigned char)at[-1]))
			continue;
		const char *d = at + 1, *e = d;
		while (email_domain((unsigned char)*e))
			e++;
		while (e > d && e[-1] == '.')
			e--;
		const char *dot = NULL;
		for (const char *q = d; q < e; q++)
			if (*q == '.')
				dot = q;
		if (dot && dot > d && dot[-1] != '.' && e - dot >= 3 && is_alpha(dot[1]))
			return true;
	}
	return false;
}

/* "Mr. Higa", "Ms Chinen", "Mrs.Tamaki" */
static bool check_title(const char *s)
{
	static const char *const titles[] = { "Mrs", "Mr", "Ms", "Miss", "Mx", "Dr" };
	for (const char *p = s; *p; p++) {
		if (p > s && is_alpha((unsigned char)p[-1]))
			continue;
		for (size_t t = 0; t < N_OF(titles); t++) {
			size_t n = strlen(titles[t]);
			if (strncmp(p, titles[t], n) != 0)
				continue;
			const char *q = p + n;
			bool dot = *q == '.';
			q += dot;
			size_t spaces = 0;
			while (*q == ' ')
				q++, spaces++;
			if ((dot || spaces) && *q >= 'A' && *q <= 'Z' && q[1] >= 'a' && q[1] <= 'z')
				return true;
		}
	}
	return false;
}

static bool japanese_letter(uint32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x309f) ||  /* hiragana */
	       (cp >= 0x30a0 && cp <= 0x30ff) ||  /* katakana */
	       (cp >= 0x31f0 && cp <= 0x31ff) ||  /* katakana extensions */
	       (cp >= 0xff66 && cp <= 0xff9f) ||  /* half-width katakana */
	       (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	       (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2ffff) ||
	       cp == 0x3005;                      /* 々 */
}

/* A Latin word with a lower-case letter ends at byte i: "Higaさん" (not "PINさん"). */
static bool latin_name_before(const char *s, size_t i)
{
	size_t k = i;
	bool lower = false;
	while (k > 0 && is_alpha((unsigned char)s[k - 1])) {
		lower |= s[k - 1] >= 'a';
		k--;
	}
	return k < i && lower && s[k] >= 'A' && s[k] <= 'Z';
}

static bool ends_with(const char *s, size_t i, const char *word)
{
	size_t n = strlen(word);
	return n <= i && memcmp(s + i - n, word, n) == 0;
}

struct honorific {
	const char *word;
	const char *const *not_after;  /* words that make it no name: 皆さん, 同様, お客様 */
	const char *const *not_before; /* words it starts: 様子, 氏名, ちゃんと */
};

/* People who are not named: the family, the resident, staff, everyone. */
#define NOT_NAMES "皆", "みな", "みんな", "客", "息子", "お子", "娘", "奥", "旦那", "主人", \
	"母", "父", "ばあ", "じい", "孫", "兄", "姉", "弟", "妹", "家族", "本人", "利用者", \
	"来庁者", "相談者", "申請者", "職員", "担当", "担当者", "住民", "市民", "患者", "相手", \
	"先方", "業者", "店員", "医者", "赤"

static const char *const san_after[] = { NOT_NAMES, "たく", "おく", "おこ", NULL };
static const char *const sama_after[] = { NOT_NAMES, "同", "多", "仕", "模", "異", "神", "王",
	"疲れ", "苦労", "世話", "馳走", "陰", "かげ", "の", "同じ", "お待ち", NULL };
static const char *const sama_before[] = { "子", "々", "式", "相", "変わり", NULL };
static const char *const shi_after[] = { NOT_NAMES, "彼", "同", "某", "両", "諸", "源", "平",
	NULL };
static const char *const shi_before[] = { "名", "族", NULL };
static const char *const dono_after[] = { NOT_NAMES, "御", "宮", "神", "本", "湯", NULL };
static const char *const dono_before[] = { "堂", "下", NULL };
static const char *const chan_before[] = { "と", "こ", "ぽん", NULL };
static const char *const family_only[] = { NOT_NAMES, NULL };

static const struct honorific honorifics[] = {
	{ "さん", san_after, NULL },
	{ "様", sama_after, sama_before },
	{ "さま", family_only, NULL },
	{ "氏", shi_after, shi_before },
	{ "殿", dono_after, dono_before },
	{ "くん", family_only, NULL },
	{ "君", family_only, NULL },
	{ "ちゃん", family_only, chan_before },
};

static bool any_word(const char *const *words, bool (*match)(const char *, size_t, const char *),
		     const char *s, size_t i)
{
	for (size_t k = 0; words && words[k]; k++)
		if (match(s, i, words[k]))
			return true;
	return false;
}

static bool starts_at(const char *s, size_t i, const char *word)
{
	return strncmp(s + i, word, strlen(word)) == 0;
}

/* A name before an honorific: 比嘉さん, ヒガさん, 山田様, 花子ちゃん, Higaさん. */
static bool check_honorifics(const char *s)
{
	for (size_t h = 0; h < N_OF(honorifics); h++) {
		const struct honorific *x = &honorifics[h];
		size_t wn = strlen(x->word);
		for (const char *p = strstr(s, x->word); p; p = strstr(p + wn, x->word)) {
			size_t i = (size_t)(p - s);
			uint32_t before = utf8_prev(s, i);
			if (!japanese_letter(before) && !latin_name_before(s, i))
				continue;
			if (any_word(x->not_after, ends_with, s, i) ||
			    any_word(x->not_before, starts_at, s, i + wn))
				continue;
			return true;
		}
	}
	return false;
}

unsigned helpnote_check(const char *note)
{
	if (!note || !*note)
		return 0;
	char s[NOTE_SCAN_MAX];
	fold(note, s, sizeof s);
	unsigned flags = check_numbers(s);
	if (check_email(s))
		flags |= HELPNOTE_EMAIL;
	if (check_title(s) || check_honorifics(s))
		flags |= HELPNOTE_NAME;
	return flags;
}

const char *helpnote_flag_label(unsigned flag)
{
	switch (flag) {
	case HELPNOTE_PHONE: return N_("a phone number");
	case HELPNOTE_NUMBER12: return N_("a 12-digit number (a My Number?)");
	case HELPNOTE_EMAIL: return N_("an e-mail address");
	case HELPNOTE_NAME: return N_("a name");
	default: return NULL;
	}
}
