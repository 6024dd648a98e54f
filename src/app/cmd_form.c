/* SPDX-License-Identifier: MIT */
/* cmd_form: `madoguchi form list|show|check` over the forms folder (see app/forms.h and
 * docs/forms.md). The site file, when it exists, gives the languages every label needs and the
 * service letters; without one the shipped five languages are required and services are not
 * checked. Exit codes: 0 ok, 2 a bad form or an unknown id, 1 an unreadable folder. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/cardread.h"
#include "app/cli.h"
#include "app/forms.h"
#include "app/out.h"
#include "app/secret.h"
#include "app/site.h"
#include "core/bizdate.h"
#include "core/i18n.h"
#include "core/json.h"
#include "print/formpdf.h"
#include "print/sink.h"
#include "secure/hash.h"
#include "secure/mem.h"
#include "yaml/yamldoc.h"

#define CTX_MAX 32

/* The site's config when its file exists (a broken one is an error), else NULL. */
static enum mdg_status site_config(const struct cli_call *call, struct mdg_config **cfg,
				   struct mdg_err *err)
{
	*cfg = NULL;
	if (access(call->config_path, F_OK) != 0)
		return MDG_OK;
	return site_load_config(call->config_path, cfg, err);
}

struct loaded {
	struct mdg_config *cfg;
	const char *langs[CTX_MAX], *svcs[CTX_MAX];
	struct form_context ctx;
	struct form_set set;
};

static enum mdg_status load_all(const struct cli_call *call, struct loaded *l, struct mdg_err *err)
{
	memset(l, 0, sizeof *l);
	enum mdg_status rc = site_config(call, &l->cfg, err);
	if (rc)
		return rc;
	forms_context(l->cfg, l->langs, l->svcs, CTX_MAX, &l->ctx);
	rc = forms_load(forms_dir(call), &l->ctx, &l->set, err);
	if (rc)
		config_free(&l->cfg);
	return rc;
}

static void loaded_free(struct loaded *l)
{
	forms_free(&l->set);
	config_free(&l->cfg);
}

/* The form named by the call's first argument, or NULL with MDG_ERR_NOT_FOUND in err. */
static const struct form *find_form(const struct cli_call *call, const struct loaded *l,
				    struct mdg_err *err)
{
	const struct form *f = forms_find(&l->set, call->args[0]);
	if (!f)
		mdg_err_set(err, MDG_ERR_NOT_FOUND, _("no form '%s' in %s (madoguchi form list)"),
			    call->args[0], l->set.dir);
	return f;
}

static const char *lang_of(const struct cli_call *call, const struct loaded *l)
{
	const char *lang = cli_get(call, "lang");
	return lang && *lang ? lang : out_language(l->cfg);
}

static const char *nth_id(const struct form *f, size_t i)
{
	const struct form_field *x = form_field_at(f, i);
	return x ? x->id : "?";
}

/* Forms left out are named on stderr so that nobody wonders where one went. */
static void report_skipped(const struct loaded *l)
{
	if (!l->set.n_skipped)
		return;
	doc_diags_print(&l->set.problems, stderr);
	fprintf(stderr, _("madoguchi: %zu form(s) left out because of the problems above\n"),
		l->set.n_skipped);
}

static int run_list(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct loaded l;
	if (load_all(call, &l, &err))
		return cli_fail(call, &err);
	const char *lang = lang_of(call, &l);
	report_skipped(&l);
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "folder", l.set.dir);
		json_int(&j, "skipped", (int64_t)l.set.n_skipped);
		json_arr_begin(&j, "forms");
		for (size_t i = 0; i < l.set.n; i++) {
			const struct form *f = l.set.v[i];
			json_obj_begin(&j, NULL);
			json_str(&j, "id", f->id);
			json_int(&j, "version", f->version);
			json_str(&j, "service", f->service);
			json_str(&j, "title", textmap_get(&f->title, lang));
			json_str(&j, "short_title", textmap_get(&f->short_title, lang));
			json_int(&j, "fields", (int64_t)form_field_count(f));
			json_bool(&j, "uses_card", form_reads_card(f, false));
			json_bool(&j, "needs_my_number", f->needs_my_number);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		out_json_close(&j);
	} else {
		for (size_t i = 0; i < l.set.n; i++) {
			const struct form *f = l.set.v[i];
			out_cell(stdout, f->id, 14, " ");
			out_cell(stdout, f->service, 2, " ");
			printf("%s\n", textmap_get(&f->title, lang));
		}
	}
	loaded_free(&l);
	return 0;
}

static void show_text(const char *indent, const char *s)
{
	if (s && *s)
		printf("%s%s\n", indent, s);
}

static int run_show(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct loaded l;
	if (load_all(call, &l, &err))
		return cli_fail(call, &err);
	const char *lang = lang_of(call, &l);
	const struct form *f = find_form(call, &l, &err);
	if (!f) {
		loaded_free(&l);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_obj_begin(&j, "form");
		json_str(&j, "id", f->id);
		json_int(&j, "version", f->version);
		json_str(&j, "service", f->service);
		json_str(&j, "title", textmap_get(&f->title, lang));
		json_str(&j, "help", textmap_get(&f->help, lang));
		json_bool(&j, "needs_my_number", f->needs_my_number);
		json_arr_begin(&j, "bring");
		for (size_t i = 0; i < f->n_bring; i++)
			json_str(&j, NULL, textmap_get(&f->bring[i], lang));
		json_arr_end(&j);
		json_arr_begin(&j, "sections");
		for (size_t s = 0; s < f->n_sections; s++) {
			const struct form_section *sec = &f->sections[s];
			json_obj_begin(&j, NULL);
			json_str(&j, "id", sec->id);
			json_str(&j, "title", textmap_get(&sec->title, lang));
			json_arr_begin(&j, "fields");
			for (size_t k = 0; k < sec->n_fields; k++) {
				const struct form_field *x = &sec->fields[k];
				json_obj_begin(&j, NULL);
				json_str(&j, "id", x->id);
				json_str(&j, "type", form_type_name(x->type));
				json_str(&j, "label", textmap_get(&x->label, lang));
				json_bool(&j, "required", x->required);
				json_str(&j, "prefill", x->prefill);
				if (x->n_options) {
					json_arr_begin(&j, "options");
					for (size_t o = 0; o < x->n_options; o++)
						json_str(&j, NULL, x->options[o].value);
					json_arr_end(&j);
				}
				json_obj_end(&j);
			}
			json_arr_end(&j);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
		out_json_close(&j);
	} else {
		printf("%s (%s, v%d)\n", textmap_get(&f->title, lang), f->id, f->version);
		show_text("  ", textmap_get(&f->help, lang));
		if (f->n_bring)
			printf("  %s\n", _("Please bring:"));
		for (size_t i = 0; i < f->n_bring; i++)
			printf("   - %s\n", textmap_get(&f->bring[i], lang));
		for (size_t s = 0; s < f->n_sections; s++) {
			const struct form_section *sec = &f->sections[s];
			printf("\n[%s]\n", textmap_get(&sec->title, lang));
			for (size_t k = 0; k < sec->n_fields; k++) {
				const struct form_field *x = &sec->fields[k];
				printf("  %s%s  (%s%s%s)\n", textmap_get(&x->label, lang),
				       x->required ? " *" : "", form_type_name(x->type),
				       x->prefill ? ", " : "", x->prefill ? x->prefill : "");
				for (size_t o = 0; o < x->n_options; o++)
					printf("     %zu. %s\n", o + 1, textmap_get(&x->options[o].label, lang));
			}
		}
		if (f->needs_my_number)
			printf("\n%s\n", _("This form needs the My Number: it is read from the card at the counter."));
	}
	loaded_free(&l);
	return 0;
}

static int run_check(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct mdg_config *cfg = NULL;
	if (site_config(call, &cfg, &err))
		return cli_fail(call, &err);
	const char *langs[CTX_MAX], *svcs[CTX_MAX];
	struct form_context ctx;
	forms_context(cfg, langs, svcs, CTX_MAX, &ctx);
	struct doc_diags diags = { 0 };
	size_t good = 0, total = 0;
	enum mdg_status worst = MDG_OK;
	if (call->n_args == 0) {
		struct form_set set;
		enum mdg_status rc = forms_load(forms_dir(call), &ctx, &set, &err);
		if (rc) {
			config_free(&cfg);
			return cli_fail(call, &err);
		}
		good = set.n;
		total = set.n + set.n_skipped;
		if (set.n_skipped)
			worst = MDG_ERR_CONFIG;
		if (doc_diags_move(&diags, &set.problems) != 0)
			worst = MDG_ERR_NOMEM;
		forms_free(&set);
	}
	for (size_t i = 0; i < call->n_args; i++) {
		struct form *f = NULL;
		enum mdg_status rc = forms_load_file(call->args[i], &ctx, &f, &diags);
		total++;
		good += rc == MDG_OK;
		if (rc && worst != MDG_ERR_NOMEM)
			worst = rc;
		form_free(&f);
	}
	if (call->json) {
		struct json_writer j;
		json_begin(&j, stdout);
		json_obj_begin(&j, NULL);
		json_bool(&j, "ok", worst == MDG_OK);
		json_int(&j, "forms", (int64_t)total);
		json_int(&j, "good", (int64_t)good);
		json_arr_begin(&j, "errors");
		for (size_t i = 0; i < diags.n; i++)
			json_str(&j, NULL, diags.msgs[i]);
		json_arr_end(&j);
		out_json_close(&j);
	} else if (worst == MDG_OK) {
		printf(_("%zu forms: ok\n"), total);
	} else {
		doc_diags_print(&diags, stderr);
		fprintf(stderr, _("%zu of %zu forms have problems (%zu problems)\n"), total - good, total,
			diags.n);
	}
	doc_diags_free(&diags);
	config_free(&cfg);
	return mdg_status_exit(worst);
}

#define PROBS_MAX 32

/* A form of the folder filled from a call's files and checked: what fill and render share. */
struct filled {
	struct loaded l;
	const char *lang;              /* the resident's language: labels and messages */
	char today[BIZDATE_LEN];
	const struct form *f;
	struct form_values v;
	struct form_problem probs[PROBS_MAX];
	int n;                         /* validation problems (more than PROBS_MAX possible) */
};

/* Loads the folder, finds the call's form, fills it from --data and --card-profile-json and
 * validates it in the resident's language (x->n problems). The files' own problems (syntax,
 * unknown fields) are printed and are MDG_ERR_INVALID. Free x with filled_free in every case. */
static enum mdg_status fill(const struct cli_call *call, struct filled *x, struct mdg_err *err)
{
	memset(x, 0, sizeof *x);
	enum mdg_status rc = load_all(call, &x->l, err);
	if (rc)
		return rc;
	x->lang = lang_of(call, &x->l);
	bizdate_of_ms(site_now(), x->today);
	const struct form *f = x->f = find_form(call, &x->l, err);
	if (!f)
		return err->code;
	struct doc data = { 0 }, card = { 0 };
	struct doc_diags diags = { 0 };
	const char *data_path = cli_get(call, "data"), *card_path = cli_get(call, "card-profile-json");
	rc = form_values_init(&x->v, f) ? MDG_ERR_NOMEM : MDG_OK;
	if (!rc && data_path)
		rc = yaml_load_file(data_path, &data, &diags);
	if (!rc && card_path)
		rc = yaml_load_file(card_path, &card, &diags);
	const char *site_name = x->l.cfg ? textmap_get(&x->l.cfg->site_name, "ja") : NULL;
	if (!rc)
		rc = forms_fill(f, &data, &card, x->today, site_name, &x->v, &diags);
	if (!rc) {
		i18n_set_language(x->lang);
		x->n = form_validate(f, &x->v, x->lang, x->today, x->probs, PROBS_MAX);
		if (x->n < 0)
			rc = MDG_ERR_NOMEM;
	}
	doc_diags_print(&diags, stderr);
	if (rc == MDG_ERR_CONFIG || rc == MDG_ERR_INVALID)
		rc = mdg_err_set(err, MDG_ERR_INVALID, "%zu problem%s in the data files", diags.n,
				 diags.n == 1 ? "" : "s");
	else if (rc)
		mdg_err_set(err, rc, NULL);
	doc_diags_free(&diags);
	doc_free(&data);
	doc_free(&card);
	return rc;
}

static void filled_free(struct filled *x)
{
	form_values_free(&x->v);
	loaded_free(&x->l);
	i18n_set_language(NULL);
}

/* The validation problems (already in the resident's language), one per line. */
static void print_problems(const struct form_problem *p, int n, size_t cap)
{
	for (int i = 0; i < n && (size_t)i < cap; i++)
		fprintf(stderr, "%s\n", p[i].msg);
	if ((size_t)n > cap)
		fprintf(stderr, "...\n");
}

static int run_fill(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct filled x;
	if (fill(call, &x, &err)) {
		filled_free(&x);
		return cli_fail(call, &err);
	}
	const struct form *f = x.f;
	const struct form_values *v = &x.v;
	int n = x.n;
	if (call->json) {
		struct json_writer j;
		json_begin(&j, stdout);
		json_obj_begin(&j, NULL);
		json_bool(&j, "ok", n == 0);
		json_str(&j, "form", f->id);
		json_obj_begin(&j, "values");
		for (size_t i = 0; i < v->n; i++)
			if (v->v[i])
				json_str(&j, nth_id(f, i), v->v[i]);
		json_obj_end(&j);
		json_arr_begin(&j, "from_card");
		for (size_t i = 0; i < v->n; i++)
			if (v->from_card[i])
				json_str(&j, NULL, nth_id(f, i));
		json_arr_end(&j);
		json_arr_begin(&j, "problems");
		for (int i = 0; i < n && i < PROBS_MAX; i++) {
			json_obj_begin(&j, NULL);
			json_str(&j, "field", nth_id(f, x.probs[i].index));
			json_str(&j, "message", x.probs[i].msg);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		out_json_close(&j);
	} else {
		for (size_t i = 0; i < v->n; i++) {
			if (!v->v[i])
				continue;
			printf("%s%s: %s\n", textmap_get(&form_field_at(f, i)->label, x.lang),
			       v->from_card[i] ? " *" : "", v->v[i]);
		}
		print_problems(x.probs, n, PROBS_MAX);
	}
	filled_free(&x);
	return n ? mdg_status_exit(MDG_ERR_INVALID) : 0;
}

static int run_render(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct filled x;
	enum mdg_status rc = fill(call, &x, &err);
	if (!rc && x.n) {
		/* a form for signature is printed only when every answer is valid */
		print_problems(x.probs, x.n, PROBS_MAX);
		rc = mdg_err_set(&err, MDG_ERR_INVALID, "%d problem%s in the answers", x.n,
				 x.n == 1 ? "" : "s");
	}
	const struct form *f = x.f;
	struct formpdf_opts o = {
		.lang = x.lang,
		.office = x.l.cfg ? textmap_get(&x.l.cfg->site_name, "ja") : NULL,
		.ticket = cli_get(call, "ticket"),
		.reference = cli_get(call, "reference"),
		.today = x.today,
	};
	struct formpdf_stats st = { 0 };
	const char *pdf = cli_get(call, "pdf"), *sink = cli_get(call, "print");
	if (!rc && !pdf && !sink)
		rc = mdg_err_set(&err, MDG_ERR_USAGE, "give --pdf FILE, --print SINK, or both");
	/* The My Number: read from the card now, printed, never stored or written to disk. */
	char *pin = NULL, *number = NULL;
	if (!rc && cli_has(call, "with-card-number")) {
		if (!f->needs_my_number)
			rc = mdg_err_set(&err, MDG_ERR_USAGE, "form %s does not need the My Number", f->id);
		else if (pdf || !sink)
			rc = mdg_err_set(&err, MDG_ERR_USAGE, "a form with the My Number goes only to a printer"
					 " (--print SINK), never to a file (--pdf)");
		if (!rc)
			rc = secure_init(&err);
		if (!rc)
			rc = secure_harden_process(&err);
		if (!rc && (!(pin = secure_alloc(32, &err)) || !(number = secure_alloc(13, &err))))
			rc = err.code;
		if (!rc) {
			size_t len = secret_read_line(NULL, pin, 32);
			rc = cardread_my_number(cli_get(call, "reader"), 10000, pin, len, number, &err);
			secure_wipe(pin, 32);
		}
		o.my_number = number;
	}
	if (!rc && pdf)
		rc = formpdf_render(f, &x.v, &o, pdf, &st, &err);
	if (!rc && sink) {
		/* To the printer from memory: no copy of the filled form lands on this disk. */
		struct formpdf_buf buf = { 0 };
		rc = formpdf_render_mem(f, &x.v, &o, &buf, &st, &err);
		if (!rc)
			rc = sink_send(sink, buf.data, buf.len, 10000, f->id, &err);
		formpdf_buf_free(&buf);
	}
	secure_free(pin);
	secure_free(number); /* wiped */
	if (rc) {
		filled_free(&x);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "form", f->id);
		json_str(&j, "pdf", pdf);
		json_str(&j, "printed_to", sink);
		json_int(&j, "pages", st.pages);
		json_int(&j, "bytes", (int64_t)st.bytes);
		json_int(&j, "unknown_glyphs", st.unknown_glyphs);
		out_json_close(&j);
	} else {
		printf("%s: %d page(s), %zu bytes\n", pdf ? pdf : sink, st.pages, (size_t)st.bytes);
		if (st.unknown_glyphs)
			fprintf(stderr, "madoguchi: %d character(s) the font cannot draw are marked on the PDF\n",
				st.unknown_glyphs);
	}
	filled_free(&x);
	return 0;
}

static int run_schema(const struct cli_call *call)
{
	form_schema_print(stdout);
	return 0;
}

#define FORMS_OPT { "forms", "DIR", "the forms folder (default: $MADOGUCHI_FORMS, then the installed one)" }
#define LANG_OPT { "lang", "LANG", "the language of titles and labels (ja, ja@easy, en, zh_CN, ko)" }

const struct cli_cmd cmd_form_table[] = {
	{ .group = "form", .name = "list", .run = run_list,
	  .summary = "the forms offered: id, service and title",
	  .opts = { FORMS_OPT, LANG_OPT } },
	{ .group = "form", .name = "show", .run = run_show, .args = "ID", .min_args = 1,
	  .max_args = 1, .summary = "one form: what to bring, its sections and fields",
	  .opts = { FORMS_OPT, LANG_OPT } },
	{ .group = "form", .name = "check", .run = run_check, .args = "[FILE...]",
	  .max_args = CLI_MAX_ARGS,
	  .summary = "check form files (default: every form of the forms folder); every problem at once",
	  .opts = { FORMS_OPT } },
	{ .group = "form", .name = "fill", .run = run_fill, .args = "ID", .min_args = 1, .max_args = 1,
	  .summary = "fill a form from a data file and the card, and check it (messages in --lang)",
	  .opts = { FORMS_OPT, LANG_OPT,
		    { "data", "FILE", "the values: JSON or YAML, field id -> value" },
		    { "card-profile-json", "FILE", "what `card read --json` / `card status --json` printed" } } },
	{ .group = "form", .name = "render", .run = run_render, .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .summary = "fill a form from the answers and the card, check it, and write the A4 PDF to sign",
	  .opts = { FORMS_OPT, LANG_OPT,
		    { "data", "FILE", "the values: JSON or YAML, field id -> value" },
		    { "card-profile-json", "FILE", "what `card read --json` / `card status --json` printed" },
		    { "pdf", "FILE", "the PDF to write (mode 0600)" },
		    { "print", "SINK", "send the PDF to file:/PATH, tcp:HOST:PORT or cups:QUEUE (a queue that takes PDF)" },
		    { "ticket", "NUMBER", "the ticket number printed in the header (A-042)" },
		    { "reference", "TEXT", "the submission reference printed as a QR code" },
		    { "with-card-number", NULL, "read the My Number from the card (PIN on stdin) and print it (--print only)" },
		    { "reader", "NAME", "the PC/SC reader for --with-card-number" } } },
	{ .group = "form", .name = "schema", .run = run_schema,
	  .summary = "document every key of a form file" },
	{ 0 },
};
