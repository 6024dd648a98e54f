/* SPDX-License-Identifier: MIT */
/* Unit tests of print/formpdf.c: a form built from YAML text is rendered to A4 PDF and read
 * back with poppler's tools: pdftotext gives back every value (髙, 𠮷, the whole wrapped
 * address, era dates, option labels, the card mark, the My Number only when given), pdffonts
 * shows every font embedded, pdftoppm makes a page-1 preview (kept in the work folder) whose QR
 * code zbarimg reads back as the reference. A character the font lacks is counted and flagged;
 * a value longer than a page is split over pages without losing a line. */
#include "testutil.h"

#include <sys/stat.h>

#include "core/form.h"
#include "print/formpdf.h"

static const char *const LANGS[] = { "ja", "en" };
static const char *const SVCS[] = { "A" };
static const struct form_context CTX = { LANGS, 1, SVCS, 1 };

static const char FORM_YAML[] =
	"id: pdf-test\n"
	"version: 1\n"
	"service: A\n"
	"title: {ja: 試験交付申請書, en: Test Application Form}\n"
	"short_title: {ja: 試験, en: Test}\n"
	"needs_my_number: true\n"
	"sections:\n"
	"  - id: who\n"
	"    title: {ja: 申請する人, en: Applicant}\n"
	"    fields:\n"
	"      - {id: name, type: text, label: {ja: 氏名, en: Name}, prefill: card.name}\n"
	"      - {id: kana, type: kana, label: {ja: フリガナ, en: Name in katakana}}\n"
	"      - {id: address, type: address, label: {ja: 住所, en: Address}, prefill: card.address}\n"
	"      - {id: birth, type: date, label: {ja: 生年月日, en: Date of birth}, prefill: card.birth_date}\n"
	"      - id: sex\n"
	"        type: choice\n"
	"        label: {ja: 性別, en: Sex}\n"
	"        options:\n"
	"          - {value: male, label: {ja: 男性, en: Male}}\n"
	"          - {value: female, label: {ja: 女性, en: Female}}\n"
	"      - {id: phone, type: phone, label: {ja: 電話番号, en: Phone}}\n"
	"      - {id: mynum, type: text, label: {ja: 個人番号, en: My Number}, my_number: true}\n"
	"  - id: what\n"
	"    title: {ja: 請求の内容, en: Request}\n"
	"    fields:\n"
	"      - id: include\n"
	"        type: multi\n"
	"        label: {ja: 記載事項, en: Include}\n"
	"        options:\n"
	"          - {value: honseki, label: {ja: 本籍・筆頭者, en: Domicile}}\n"
	"          - {value: zokugara, label: {ja: 世帯主との続柄, en: Relationship}}\n"
	"          - {value: kako, label: {ja: 過去の住所, en: Past addresses}}\n"
	"      - {id: notes, type: text, label: {ja: 備考, en: Notes}}\n"
	"      - {id: consent, type: checkbox, label: {ja: 本人確認に同意する, en: I agree to the identity check}}\n";

/* 150 bytes: wraps over several lines of its box. */
static const char ADDRESS[] = "沖縄県那覇市泉崎一丁目一番一号 那覇市役所本庁舎 市民課窓口係気付 "
			      "サンプルマンション那覇泉崎 第二号棟 一二三四号室";
static const char NAME[] = "髙橋 𠮷男";
static const char NOTES[] = "外字\xee\x80\x80あり"; /* U+E000: no font has it */
static const char REFERENCE[] = "MDG-S-20261125-000042";

struct fixture {
	struct form *form;
	struct form_values vals;
	char dir[512];            /* the work folder: kept, so that the preview can be looked at */
};

static struct form *load_form(const char *yaml)
{
	return test_form_from("/forms/pdf-test.yaml", yaml, &CTX);
}

static void set(struct fixture *fx, const char *id, const char *value, bool from_card)
{
	int i = form_index(fx->form, id);
	assert_true(i >= 0);
	assert_int_equal(form_values_set(&fx->vals, (size_t)i, value, from_card), 0);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	fx->form = load_form(FORM_YAML);
	assert_int_equal(form_values_init(&fx->vals, fx->form), 0);
	assert_true(strlen(ADDRESS) >= 140);
	set(fx, "name", NAME, true);
	set(fx, "kana", "タカハシ　ヨシオ", false);
	set(fx, "address", ADDRESS, true);
	set(fx, "birth", "1985-04-01", true);
	set(fx, "sex", "female", false);
	set(fx, "include", "honseki,kako", false);
	set(fx, "notes", NOTES, false);
	set(fx, "consent", "yes", false);
	const char *bin = getenv("MDG_BINARY_DIR");
	snprintf(fx->dir, sizeof fx->dir, "%s/tests/formpdf", bin ? bin : "/tmp/mdg-formpdf");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	form_values_free(&fx->vals);
	form_free(&fx->form);
	free(fx);
	return 0;
}

/* Runs cmd and returns everything it printed (caller frees); fails the test on a non-zero exit. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	assert_non_null(s);
	size_t n;
	while ((n = fread(s + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 1024) {
			cap *= 2;
			s = realloc(s, cap);
			assert_non_null(s);
		}
	}
	s[len] = '\0';
	int st = pclose(p);
	if (st != 0)
		fprintf(stderr, "command failed (%d): %s\n", st, cmd);
	assert_int_equal(st, 0);
	return s;
}

/* s without ASCII white space and U+3000: pdftotext breaks lines where a box wraps. */
static char *squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	assert_non_null(out);
	while (*s) {
		if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t' || *s == '\f') {
			s++;
		} else if (!strncmp(s, "\xe3\x80\x80", 3)) {
			s += 3;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* Removes every occurrence of what (squeezed) from text. */
static void strip(char *text, const char *what)
{
	char *w = squeeze(what), *at;
	size_t n = strlen(w);
	while ((at = strstr(text, w)))
		memmove(at, at + n, strlen(at + n) + 1);
	free(w);
}

static char *pdf_text(const char *pdf)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "pdftotext -raw -enc UTF-8 '%s' -", pdf);
	char *raw = run(cmd), *s = squeeze(raw);
	free(raw);
	return s;
}

static void assert_has(const char *text, const char *want)
{
	char *w = squeeze(want);
	if (!strstr(text, w))
		fail_msg("'%s' not in the PDF's text:\n%s", w, text);
	free(w);
}

/* Every font pdffonts lists is embedded ("emb" column: yes); returns how many there are. The
 * columns are found from the line of dashes under the header. */
static int assert_fonts_embedded(const char *pdf)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "pdffonts '%s'", pdf);
	char *out = run(cmd);
	char *save = NULL, *dashes = NULL;
	int fonts = 0;
	size_t emb = 0;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!dashes) {
			if (l[0] == '-') { /* name, type, encoding, emb, ...: emb starts after 3 runs */
				dashes = l;
				const char *d = l;
				for (int col = 0; col < 3; col++)
					d = strchr(d, ' ') + strspn(strchr(d, ' '), " ");
				emb = (size_t)(d - l);
			}
			continue;
		}
		fonts++;
		if (strlen(l) < emb + 3 || strncmp(l + emb, "yes", 3) != 0)
			fail_msg("font not embedded: %s", l);
	}
	assert_non_null(dashes);
	free(out);
	return fonts;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void render_resident_copy(void **state)
{
	struct fixture *fx = *state;
	char pdf[700];
	snprintf(pdf, sizeof pdf, "%s/resident.pdf", fx->dir);
	struct formpdf_opts o = { .lang = "en", .office = "那覇市役所 本庁舎 市民課", .ticket = "A-042",
				  .reference = REFERENCE, .today = "2026-11-25" };
	struct formpdf_stats st;
	struct mdg_err err = { 0 };
	enum mdg_status rc = formpdf_render(fx->form, &fx->vals, &o, pdf, &st, &err);
	if (rc)
		fail_msg("%s", err.msg);
	assert_int_equal(st.pages, 1);
	assert_true(st.bytes > 1000);
	assert_int_equal((long)st.bytes, file_size(pdf));
	/* U+E000 only: 髙 and 𠮷 are in Noto Sans CJK JP. */
	assert_int_equal(st.unknown_glyphs, 1);
	assert_int_equal(st.n_flagged, 1);
	assert_int_equal(st.flagged[0], (size_t)form_index(fx->form, "notes"));

	char *text = pdf_text(pdf);
	assert_has(text, "那覇市役所 本庁舎 市民課");
	assert_has(text, "試験交付申請書");
	assert_has(text, "Test Application Form");
	assert_has(text, "2026年11月25日（令和8年）");
	assert_has(text, "A-042");
	assert_has(text, REFERENCE);
	assert_has(text, "氏名");
	assert_has(text, "Name");
	assert_has(text, "髙橋");
	assert_has(text, "𠮷男");
	assert_has(text, ADDRESS);
	assert_has(text, "1985年4月1日（昭和60年）");
	assert_has(text, "女性");
	assert_null(strstr(text, "男性"));
	assert_has(text, "本籍・筆頭者、過去の住所");
	assert_null(strstr(text, "世帯主との続柄"));
	assert_has(text, "はい");
	assert_null(strstr(text, "いいえ"));
	assert_has(text, "タカハシ　ヨシオ");
	assert_has(text, "マイナンバーカードから");
	assert_has(text, "窓口で記入");
	assert_has(text, "印字できない文字があります");
	assert_has(text, "対象：備考");
	assert_has(text, "外字");
	assert_has(text, "申請者署名");
	assert_has(text, "1 / 1");
	free(text);
	assert_true(assert_fonts_embedded(pdf) >= 1);

	/* Page 1 at 50 dpi for a look, and at 150 dpi for the scanner. */
	char cmd[4096], png[720];
	snprintf(png, sizeof png, "%s/resident-p1", fx->dir);
	snprintf(cmd, sizeof cmd, "pdftoppm -png -r 50 -f 1 -l 1 -singlefile '%s' '%s'", pdf, png);
	free(run(cmd));
	strcat(png, ".png");
	long size = file_size(png);
	fprintf(stderr, "formpdf: page 1 preview: %s (%ld bytes)\n", png, size);
	assert_true(size > 8000); /* an A4 page at 50 dpi with boxes and text, not a blank one */
	snprintf(cmd, sizeof cmd, "pdftoppm -png -r 150 -f 1 -l 1 -singlefile '%s' '%s/qr' && "
		 "zbarimg -q --raw '%s/qr.png' 2>/dev/null", pdf, fx->dir, fx->dir);
	char *qr = run(cmd);
	assert_string_equal(qr, "MDG-S-20261125-000042\n");
	free(qr);
}

/* The My Number prints from memory only, in its twelve boxes. */
static void my_number_from_memory(void **state)
{
	struct fixture *fx = *state;
	char path[700];
	snprintf(path, sizeof path, "%s/mynumber.pdf", fx->dir);
	unlink(path);
	struct formpdf_opts o = { .lang = "ja", .ticket = "A-043", .today = "2026-11-25",
				  .my_number = "123456789018" };
	struct mdg_err err = { 0 };
	struct formpdf_stats st = { .pages = 9 };
	assert_int_equal(formpdf_render(fx->form, &fx->vals, &o, path, &st, &err), MDG_ERR_STATE);
	assert_int_equal(file_size(path), -1);
	assert_int_equal(st.pages, 0);

	struct formpdf_buf buf;
	enum mdg_status rc = formpdf_render_mem(fx->form, &fx->vals, &o, &buf, &st, &err);
	if (rc)
		fail_msg("%s", err.msg);
	assert_int_equal(st.bytes, buf.len);
	assert_memory_equal(buf.data, "%PDF-", 5);
	/* The test's own fake number goes to its work folder to be read back. */
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf.data, 1, buf.len, f), buf.len);
	assert_int_equal(fclose(f), 0);
	formpdf_buf_free(&buf);
	assert_null(buf.data);
	char *text = pdf_text(path);
	assert_has(text, "123456789018");
	assert_null(strstr(text, "窓口で記入"));
	assert_null(strstr(text, "Name")); /* ja: no English under the labels */
	free(text);
	unlink(path);

	o.my_number = "12345";
	assert_int_equal(formpdf_render_mem(fx->form, &fx->vals, &o, &buf, NULL, &err), MDG_ERR_INVALID);
	assert_null(buf.data);
}

/* Sixty fields and a 2000-character value: several pages, each numbered, no line lost. */
static void long_form_breaks_pages(void **state)
{
	(void)state;
	size_t cap = 64 * 1024;
	char *yaml = malloc(cap);
	assert_non_null(yaml);
	int n = snprintf(yaml, cap, "id: pdf-test\nversion: 1\nservice: A\n"
			 "title: {ja: 長い申請書, en: Long form}\nshort_title: {ja: 長い, en: Long}\n"
			 "sections:\n  - id: big\n    title: {ja: 長い記入欄, en: Long}\n    fields:\n"
			 "      - {id: essay, type: address, max_len: 2000, label: {ja: 説明, en: Essay}}\n");
	for (int s = 0; s < 3; s++) {
		n += snprintf(yaml + n, cap - (size_t)n, "  - id: s%d\n    title: {ja: 項目群%d, en: Group %d}\n"
			      "    fields:\n", s, s, s);
		for (int i = 0; i < 20; i++)
			n += snprintf(yaml + n, cap - (size_t)n,
				      "      - {id: f%d_%d, type: text, label: {ja: 項目%d_%d, en: Item %d %d}}\n",
				      s, i, s, i, s, i);
	}
	struct form *form = load_form(yaml);
	free(yaml);
	struct form_values v;
	assert_int_equal(form_values_init(&v, form), 0);
	/* 2000 characters, each line's worth numbered so that a lost line shows. */
	char *essay = malloc(8000), *e = essay;
	assert_non_null(essay);
	for (int i = 0; e - essay < 7000; i++)
		e += sprintf(e, "第%04d段落の文章です。", i);
	*e = '\0';
	assert_int_equal(form_values_set(&v, 0, essay, false), 0);
	for (size_t i = 1; i < v.n; i += 2)
		assert_int_equal(form_values_set(&v, i, "記入済み", false), 0);

	char dir[512], pdf[600];
	const char *bin = getenv("MDG_BINARY_DIR");
	snprintf(dir, sizeof dir, "%s/tests/formpdf", bin ? bin : "/tmp/mdg-formpdf");
	snprintf(pdf, sizeof pdf, "%s/long.pdf", dir);
	struct formpdf_opts o = { .lang = "en", .ticket = "B-007", .reference = "R-1", .today = "2026-11-25" };
	struct formpdf_stats st;
	struct mdg_err err = { 0 };
	if (formpdf_render(form, &v, &o, pdf, &st, &err))
		fail_msg("%s", err.msg);
	assert_true(st.pages >= 3);
	assert_int_equal(st.unknown_glyphs, 0);
	char *text = pdf_text(pdf);
	assert_has(text, "（続き）");
	assert_has(text, "項目2_19");
	char want[32];
	for (int p = 1; p <= st.pages; p++) {
		snprintf(want, sizeof want, "%d / %d", p, st.pages);
		assert_has(text, want);
		/* What a page break puts into the essay's text: the page number, the next page's
		 * running header and the 「（続き）」 of its label column. */
		strip(text, want);
	}
	strip(text, "長い申請書 受付番号 B-007");
	strip(text, "（続き）");
	assert_has(text, essay);
	/* Each line once: a piece of a split cell carries only its own lines. */
	char *again = strstr(text, "第0150段落");
	assert_non_null(again);
	assert_null(strstr(again + 1, "第0150段落"));
	snprintf(want, sizeof want, "%d / %d", st.pages + 1, st.pages);
	char *w = squeeze(want);
	assert_null(strstr(text, w));
	free(w);
	free(text);
	assert_true(assert_fonts_embedded(pdf) >= 1);
	free(essay);
	form_values_free(&v);
	form_free(&form);
}

static void bad_input_leaves_no_file(void **state)
{
	struct fixture *fx = *state;
	char pdf[700];
	snprintf(pdf, sizeof pdf, "%s/bad.pdf", fx->dir);
	char big[600];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	struct formpdf_opts o = { .reference = big };
	struct mdg_err err = { 0 };
	struct formpdf_stats st = { .pages = 7 };
	assert_int_equal(formpdf_render(fx->form, &fx->vals, &o, pdf, &st, &err), MDG_ERR_INVALID);
	assert_int_equal(file_size(pdf), -1);
	assert_int_equal(st.pages, 0);

	struct form_values fewer = fx->vals;
	fewer.n--;
	o.reference = NULL;
	assert_int_equal(formpdf_render(fx->form, &fewer, &o, pdf, NULL, &err), MDG_ERR_INVALID);
	assert_int_equal(file_size(pdf), -1);

	snprintf(pdf, sizeof pdf, "%s/no-such-dir/x.pdf", fx->dir);
	assert_int_equal(formpdf_render(fx->form, &fx->vals, &o, pdf, NULL, &err), MDG_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(render_resident_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(my_number_from_memory, setup, teardown),
		cmocka_unit_test(long_form_breaks_pages),
		cmocka_unit_test_setup_teardown(bad_input_leaves_no_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
