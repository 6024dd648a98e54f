/* SPDX-License-Identifier: MIT */
/* bench_forms: how long one A4 PDF of a filled form takes (print/formpdf: layout in two passes,
 * font subsetting, deflate), for every YAML file in forms/, in Japanese and for an English-speaking
 * resident (labels in both scripts), median and p90 over N runs into memory (target median
 * < 200 ms); the PDF's bytes and pages. The first render of the process (fontconfig's start-up)
 * is reported apart. Values are typical ones: the card's basic-4 with 髙 and 𠮷, a 150-byte
 * address, the first options, every checkbox ticked, and the My Number given. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/forms.h"
#include "core/form.h"
#include "core/stats.h"
#include "print/formpdf.h"
#include "yaml/yamldoc.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char ADDRESS[] = "沖縄県那覇市泉崎一丁目一番一号 那覇市役所本庁舎 市民課窓口係気付 "
			      "サンプルマンション那覇泉崎 第二号棟 一二三四号室";

static int fill(const struct form *f, struct form_values *v)
{
	const struct form_sources src = {
		.card_name = "髙橋 𠮷男", .card_address = ADDRESS, .card_birth_date = "1985-04-01",
		.card_sex = "female", .card_cert_expiry = "2029-04-01", .card_expiry = "2030-04-01",
		.card_pin_tries = 3, .today = "2026-11-25", .site_name = "那覇市役所 本庁舎 市民課",
	};
	if (form_values_init(v, f) || form_prefill(f, &src, v))
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		const struct form_field *fld = form_field_at(f, i);
		if (v->v[i] || fld->my_number)
			continue;
		char multi[80] = "";
		const char *val = NULL;
		switch (fld->type) {
		case FT_TEXT: val = "山田 花子"; break;
		case FT_KANA: val = "ヤマダ　ハナコ"; break;
		case FT_DATE: val = "2026-11-20"; break;
		case FT_CHOICE: val = fld->n_options ? fld->options[0].value : NULL; break;
		case FT_MULTI:
			if (fld->n_options)
				snprintf(multi, sizeof multi, "%s%s%s", fld->options[0].value,
					 fld->n_options > 1 ? "," : "",
					 fld->n_options > 1 ? fld->options[1].value : "");
			val = multi;
			break;
		case FT_NUMBER: val = "1"; break;
		case FT_POSTAL: val = "900-8585"; break;
		case FT_PHONE: val = "098-867-0111"; break;
		case FT_CHECKBOX: val = "yes"; break;
		case FT_ADDRESS: val = ADDRESS; break;
		}
		if (val && form_values_set(v, i, val, false))
			return -1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One form in one language: median and p90 of n renders, bytes, pages. */
static int bench(const struct form *f, const struct form_values *v, const char *lang, int n,
		 double *first, double *p50, double *p90, size_t *bytes, int *pages)
{
	double *t = malloc((size_t)n * sizeof *t);
	if (!t)
		return -1;
	struct formpdf_opts o = { .lang = lang, .office = "那覇市役所 本庁舎 市民課", .ticket = "A-042",
				  .reference = "MDG-S-20261125-000042", .today = "2026-11-25",
				  .my_number = f->needs_my_number ? "123456789018" : NULL };
	for (int i = 0; i < n; i++) {
		struct formpdf_buf buf;
		struct formpdf_stats st;
		struct mdg_err err = { 0 };
		double a = now_ms();
		if (formpdf_render_mem(f, v, &o, &buf, &st, &err)) {
			fprintf(stderr, "bench_forms: %s: %s\n", f->id, err.msg);
			free(t);
			return -1;
		}
		t[i] = now_ms() - a;
		if (*first < 0)
			*first = t[i];
		*bytes = st.bytes;
		*pages = st.pages;
		formpdf_buf_free(&buf);
	}
	stats_sort(t, (size_t)n);
	*p50 = stats_percentile_sorted(t, (size_t)n, 50);
	*p90 = stats_percentile_sorted(t, (size_t)n, 90);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "forms";
	int n = argc > 2 ? atoi(argv[2]) : 20;
	if (n < 1)
		n = 1;
	char pattern[1024];
	snprintf(pattern, sizeof pattern, "%s/*.yaml", dir);
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		fprintf(stderr, "bench_forms: no forms in %s\n", dir);
		return 1;
	}
	qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, cmp_str);
	printf("bench/forms: A4 PDF into memory, %d renders per form and language (target median < 200 ms)\n", n);
	double first = -1, worst = 0;
	int status = 0;
	for (size_t k = 0; k < g.gl_pathc; k++) {
		struct doc doc = { 0 };
		struct doc_diags diags = { 0 };
		struct form *f = NULL;
		struct form_values v = { 0 };
		if (yaml_load_file(g.gl_pathv[k], &doc, &diags) || form_from_doc(&doc, NULL, &f, &diags) ||
		    fill(f, &v)) {
			doc_diags_print(&diags, stderr);
			fprintf(stderr, "bench_forms: %s left out\n", g.gl_pathv[k]);
			status = 1;
		} else {
			for (int l = 0; l < 2; l++) {
				const char *lang = l ? "en" : "ja";
				double p50, p90;
				size_t bytes = 0;
				int pages = 0;
				if (bench(f, &v, lang, n, &first, &p50, &p90, &bytes, &pages)) {
					status = 1;
					break;
				}
				if (p50 > worst)
					worst = p50;
				printf("%-14s %-2s  median %6.1f ms  p90 %6.1f ms  %8zu bytes  %d page%s  %zu fields\n",
				       f->id, lang, p50, p90, bytes, pages, pages == 1 ? " " : "s",
				       form_field_count(f));
			}
		}
		form_values_free(&v);
		form_free(&f);
		doc_diags_free(&diags);
		doc_free(&doc);
	}
	globfree(&g);
	/* Start-up: every form of the folder read and checked, as the kiosk does (forms_load). */
	double lt[21];
	size_t loaded = 0;
	for (int i = 0; i < 21; i++) {
		struct form_set set;
		struct mdg_err err = { 0 };
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (forms_load(dir, NULL, &set, &err) != MDG_OK) {
			fprintf(stderr, "bench_forms: %s\n", err.msg);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		lt[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		loaded = set.n;
		forms_free(&set);
	}
	stats_sort(lt, 21);
	printf("start-up: load and check all %zu forms: median %.2f ms (min %.2f, max %.2f) over 21\n",
	       loaded, stats_percentile_sorted(lt, 21, 50), lt[0], lt[20]);
	printf("first render of the process (font start-up) %.1f ms; slowest median %.1f ms (target < 200 ms: %s)\n",
	       first, worst, worst < 200 ? "met" : "NOT met");
	return status;
}
