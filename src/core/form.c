/* SPDX-License-Identifier: MIT */
/* form: the form file's schema table, its cross-checks, prefill and validation (core/form.h). */
#include "core/form.h"

#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bizdate.h"
#include "core/cardtext.h"
#include "core/era.h"
#include "core/i18n.h"
#include "core/text.h"

#define N_OF SCHEMA_N_OF
#define OFF(type, field) offsetof(struct type, field)

static const char *const shipped_languages[] = { "ja", "ja@easy", "en", "zh_CN", "ko" };

static const char *const type_choices[] = {
	[FT_TEXT] = "text", [FT_KANA] = "kana", [FT_DATE] = "date", [FT_CHOICE] = "choice",
	[FT_MULTI] = "multi", [FT_NUMBER] = "number", [FT_POSTAL] = "postal", [FT_PHONE] = "phone",
	[FT_CHECKBOX] = "checkbox", [FT_ADDRESS] = "address", NULL,
};

static const struct {
	const char *name;
	enum form_prefill kind;
} prefills[] = {
	{ "card.name", FP_CARD_NAME },       { "card.address", FP_CARD_ADDRESS },
	{ "card.birth_date", FP_CARD_BIRTH_DATE }, { "card.sex", FP_CARD_SEX },
	{ "card.cert_expiry", FP_CARD_CERT_EXPIRY }, { "card.expiry", FP_CARD_EXPIRY },
	{ "card.pin_tries", FP_CARD_PIN_TRIES }, { "today", FP_TODAY },
	{ "site.name", FP_SITE_NAME },
};

/* ---- validators ----------------------------------------------------------------------------- */

static bool id_chars(const char *s, const char *extra)
{
	size_t n = strlen(s);
	if (n < 1 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return false;
	return true;
}

static bool valid_form_id(const char *s)
{
	return id_chars(s, "-");
}

static bool valid_field_id(const char *s)
{
	return id_chars(s, "_");
}

static bool valid_letter(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] == '\0';
}

static bool valid_date_bound(const char *s)
{
	return strcmp(s, "today") == 0 || date_valid(s);
}

static bool valid_prefill(const char *s)
{
	if (strncmp(s, "field:", 6) == 0)
		return valid_field_id(s + 6);
	for (size_t i = 0; i < N_OF(prefills); i++)
		if (strcmp(s, prefills[i].name) == 0)
			return true;
	return false;
}

static bool valid_nonempty(const char *s)
{
	return *s != '\0';
}

/* ---- the schema ----------------------------------------------------------------------------- */

static const struct schema_field option_fields[] = {
	{ "value", SCH_STR, .required = true, .valid = valid_field_id,
	  .valid_doc = "1 to 32 of a-z, 0-9, _", .off = OFF(form_option, value),
	  .doc = "what is stored when this option is chosen; unique in the field" },
	{ "label", SCH_TEXT, .required = true, .need_ja = true, .off = OFF(form_option, label),
	  .doc = "what the resident sees" },
};
static const struct schema option_schema = { option_fields, N_OF(option_fields),
					     sizeof(struct form_option) };

#define PREFILL_DOC                                                                            \
	"card.name, card.address, card.birth_date, card.sex, card.cert_expiry, card.expiry, "  \
	"card.pin_tries, today, site.name or field:ID"

static const struct schema_field field_fields[] = {
	{ "id", SCH_STR, .required = true, .valid = valid_field_id,
	  .valid_doc = "1 to 32 of a-z, 0-9, _", .off = OFF(form_field, id),
	  .doc = "the field's id; unique in the form" },
	{ "type", SCH_ENUM, .required = true, .choices = type_choices, .off = OFF(form_field, type),
	  .doc = "what the field holds (docs/forms.md lists the formats)" },
	{ "label", SCH_TEXT, .required = true, .need_ja = true, .off = OFF(form_field, label),
	  .doc = "the field's name per language" },
	{ "help", SCH_TEXT, .off = OFF(form_field, help), .doc = "one short sentence of help" },
	{ "required", SCH_BOOL, .def = "false", .off = OFF(form_field, required),
	  .doc = "the form is not complete without a value" },
	{ "min_len", SCH_INT, .min = 0, .max = 2000, .off = OFF(form_field, min_len),
	  .doc = "text, kana, address, phone: fewest characters" },
	{ "max_len", SCH_INT, .min = 1, .max = 2000, .off = OFF(form_field, max_len),
	  .doc = "text, kana, address, phone: most characters (default 100; address 200)" },
	{ "min", SCH_INT, .min = -1000000, .max = 1000000, .off = OFF(form_field, min),
	  .doc = "number: smallest value (default 0); multi: fewest choices" },
	{ "max", SCH_INT, .min = -1000000, .max = 1000000, .off = OFF(form_field, max),
	  .doc = "number: largest value (default 999); multi: most choices" },
	{ "min_date", SCH_STR, .valid = valid_date_bound, .valid_doc = "YYYY-MM-DD or today",
	  .off = OFF(form_field, min_date), .doc = "date: earliest" },
	{ "max_date", SCH_STR, .valid = valid_date_bound, .valid_doc = "YYYY-MM-DD or today",
	  .off = OFF(form_field, max_date), .doc = "date: latest" },
	{ "pattern", SCH_STR, .valid = valid_nonempty, .valid_doc = "a POSIX extended regex",
	  .off = OFF(form_field, pattern),
	  .doc = "text, kana, address: the whole value must match" },
	{ "pattern_hint", SCH_TEXT, .off = OFF(form_field, pattern_hint),
	  .doc = "what the pattern wants, per language (required with pattern)" },
	{ "options", SCH_LIST, .min_items = 1, .max_items = 40, .sub = &option_schema,
	  .off = OFF(form_field, options), .count_off = OFF(form_field, n_options),
	  .doc = "choice, multi: the options, in order" },
	{ "default", SCH_STR, .off = OFF(form_field, def),
	  .doc = "the value when nothing else fills it; must be valid" },
	{ "prefill", SCH_STR, .valid = valid_prefill, .valid_doc = PREFILL_DOC,
	  .off = OFF(form_field, prefill), .doc = "where the first value comes from" },
	{ "my_number", SCH_BOOL, .def = "false", .off = OFF(form_field, my_number),
	  .doc = "text: this is the My Number, read at the counter at print time, never stored" },
};
static const struct schema field_schema = { field_fields, N_OF(field_fields),
					    sizeof(struct form_field) };

static const struct schema_field section_fields[] = {
	{ "id", SCH_STR, .required = true, .valid = valid_field_id,
	  .valid_doc = "1 to 32 of a-z, 0-9, _", .off = OFF(form_section, id),
	  .doc = "the section's id; unique in the form" },
	{ "title", SCH_TEXT, .required = true, .need_ja = true, .off = OFF(form_section, title),
	  .doc = "the section's heading per language" },
	{ "help", SCH_TEXT, .off = OFF(form_section, help), .doc = "a sentence under the heading" },
	{ "fields", SCH_LIST, .required = true, .min_items = 1, .max_items = 60,
	  .sub = &field_schema, .off = OFF(form_section, fields),
	  .count_off = OFF(form_section, n_fields), .doc = "the fields, in order" },
};
static const struct schema section_schema = { section_fields, N_OF(section_fields),
					      sizeof(struct form_section) };

static const struct schema_field top_fields[] = {
	{ "id", SCH_STR, .required = true, .valid = valid_form_id,
	  .valid_doc = "1 to 32 of a-z, 0-9, -", .off = OFF(form, id),
	  .doc = "the form's id: its file's name without .yaml" },
	{ "version", SCH_INT, .required = true, .min = 1, .max = 9999, .off = OFF(form, version),
	  .doc = "raised whenever the fields change (stored with each submission)" },
	{ "service", SCH_STR, .required = true, .valid = valid_letter,
	  .valid_doc = "one capital letter A-Z", .off = OFF(form, service),
	  .doc = "the queue service the form belongs to" },
	{ "title", SCH_TEXT, .required = true, .need_ja = true, .off = OFF(form, title),
	  .doc = "the form's full title per language" },
	{ "short_title", SCH_TEXT, .required = true, .need_ja = true, .off = OFF(form, short_title),
	  .doc = "a short title for menu buttons per language" },
	{ "help", SCH_TEXT, .off = OFF(form, help), .doc = "what the form is for, per language" },
	{ "bring", SCH_TEXTLIST, .max_items = 20, .need_ja = true, .off = OFF(form, bring),
	  .count_off = OFF(form, n_bring), .doc = "documents to bring, each a text per language" },
	{ "needs_my_number", SCH_BOOL, .def = "false", .off = OFF(form, needs_my_number),
	  .doc = "the law asks for the My Number on this form (then one field has my_number)" },
	{ "legal_basis", SCH_STR, .valid = valid_nonempty, .valid_doc = "a text",
	  .off = OFF(form, legal_basis), .doc = "the law or by-law behind the form, for staff" },
	{ "sections", SCH_LIST, .required = true, .min_items = 1, .max_items = 20,
	  .sub = &section_schema, .off = OFF(form, sections), .count_off = OFF(form, n_sections),
	  .doc = "the sections, in order" },
};
static const struct schema top_schema = { top_fields, N_OF(top_fields), 0 };

void form_schema_print(FILE *out)
{
	schema_print(out, &top_schema, "");
}

const char *form_type_name(int type)
{
	return type >= 0 && type < (int)N_OF(type_choices) - 1 ? type_choices[type] : "?";
}

/* ---- cross-checks --------------------------------------------------------------------------- */

/* Node lookups for positions: the doc node of section si, field fi, key (or the entry). */
static const struct doc_node *sec_node(const struct doc_node *root, size_t si)
{
	const struct doc_node *l = doc_map_get(root, "sections");
	return l && l->kind == DOC_SEQ && si < l->n ? l->items[si] : root;
}

static const struct doc_node *field_node(const struct doc_node *root, size_t si, size_t fi,
					 const char *key)
{
	const struct doc_node *s = sec_node(root, si), *l = doc_map_get(s, "fields");
	if (!l || l->kind != DOC_SEQ || fi >= l->n)
		return s;
	const struct doc_node *k = key ? doc_map_get(l->items[fi], key) : NULL;
	return k ? k : l->items[fi];
}

/* True when every section and every field entry is a mapping, so that bound entry i is doc
 * entry i (the binder skips entries that are not mappings). */
static bool all_entries_maps(const struct doc_node *root)
{
	const struct doc_node *l = doc_map_get(root, "sections");
	for (size_t i = 0; l && l->kind == DOC_SEQ && i < l->n; i++) {
		if (l->items[i]->kind != DOC_MAP)
			return false;
		const struct doc_node *f = doc_map_get(l->items[i], "fields");
		for (size_t k = 0; f && f->kind == DOC_SEQ && k < f->n; k++)
			if (f->items[k]->kind != DOC_MAP)
				return false;
	}
	return true;
}

static void need_languages(struct schema_binder *b, const struct form_context *ctx,
			   const struct mdg_textmap *m, const struct doc_node *at, const char *what)
{
	if (m->n == 0)
		return; /* missing altogether: the schema reports it when required */
	const char *const *langs = ctx && ctx->languages ? ctx->languages : shipped_languages;
	size_t n = ctx && ctx->languages ? ctx->n_languages : N_OF(shipped_languages);
	for (size_t i = 0; i < n; i++)
		if (!textmap_exact(m, langs[i]))
			schema_bad(b, at, "%s has no %s text (every language the site offers needs one)",
				   what, langs[i]);
}

static const char *sex_needed[] = { "male", "female" };

static bool has_option(const struct form_field *f, const char *v)
{
	for (size_t i = 0; i < f->n_options; i++)
		if (f->options[i].value && strcmp(f->options[i].value, v) == 0)
			return true;
	return false;
}

/* Which field types a prefill source suits. */
static bool prefill_suits(enum form_prefill k, const struct form_field *f, int src_type)
{
	switch (k) {
	case FP_CARD_NAME:
	case FP_SITE_NAME: return f->type == FT_TEXT;
	case FP_CARD_ADDRESS: return f->type == FT_TEXT || f->type == FT_ADDRESS;
	case FP_CARD_BIRTH_DATE:
	case FP_CARD_CERT_EXPIRY:
	case FP_CARD_EXPIRY:
	case FP_TODAY: return f->type == FT_DATE;
	case FP_CARD_SEX: return f->type == FT_CHOICE && has_option(f, sex_needed[0]) &&
				 has_option(f, sex_needed[1]);
	case FP_CARD_PIN_TRIES: return f->type == FT_NUMBER;
	case FP_FIELD: return src_type == f->type || (src_type == FT_TEXT && f->type == FT_ADDRESS) ||
			      (src_type == FT_ADDRESS && f->type == FT_TEXT);
	case FP_NONE: return true;
	}
	return false;
}

static void check_field(struct schema_binder *b, const struct form_context *ctx, struct form *fm,
			const struct doc_node *root, size_t si, size_t fi)
{
	struct form_field *f = &fm->sections[si].fields[fi];
	const struct doc_node *e = field_node(root, si, fi, NULL);
	const char *id = f->id ? f->id : "?";
	char label[80];
	snprintf(label, sizeof label, "field '%s'", id);
	need_languages(b, ctx, &f->label, field_node(root, si, fi, "label"), label);
	need_languages(b, ctx, &f->help, field_node(root, si, fi, "help"), label);
	bool choice = f->type == FT_CHOICE || f->type == FT_MULTI;
	if (choice && f->n_options == 0 && !doc_map_get(e, "options"))
		schema_bad(b, e, "field '%s' is a %s: it needs options", id, form_type_name(f->type));
	if (!choice && doc_map_get(e, "options"))
		schema_bad(b, field_node(root, si, fi, "options"),
			   "field '%s' is a %s: options are only for choice and multi", id,
			   form_type_name(f->type));
	for (size_t k = 0; k < f->n_options; k++) {
		char what[120];
		snprintf(what, sizeof what, "option '%s' of field '%s'",
			 f->options[k].value ? f->options[k].value : "?", id);
		const struct doc_node *ol = doc_map_get(e, "options");
		const struct doc_node *on = ol && ol->kind == DOC_SEQ && k < ol->n ? ol->items[k] : e;
		need_languages(b, ctx, &f->options[k].label, on, what);
		for (size_t j = 0; f->options[k].value && j < k; j++)
			if (f->options[j].value && strcmp(f->options[j].value, f->options[k].value) == 0)
				schema_bad(b, on, "field '%s' has option '%s' twice", id, f->options[k].value);
	}
	/* Keys that only some types take. */
	static const struct {
		const char *key;
		unsigned types; /* bit per enum form_type */
	} only[] = {
		{ "min_len", 1u << FT_TEXT | 1u << FT_KANA | 1u << FT_ADDRESS | 1u << FT_PHONE },
		{ "max_len", 1u << FT_TEXT | 1u << FT_KANA | 1u << FT_ADDRESS | 1u << FT_PHONE },
		{ "min", 1u << FT_NUMBER | 1u << FT_MULTI },
		{ "max", 1u << FT_NUMBER | 1u << FT_MULTI },
		{ "min_date", 1u << FT_DATE },
		{ "max_date", 1u << FT_DATE },
		{ "pattern", 1u << FT_TEXT | 1u << FT_KANA | 1u << FT_ADDRESS },
		{ "my_number", 1u << FT_TEXT },
	};
	for (size_t k = 0; k < N_OF(only); k++)
		if (doc_map_get(e, only[k].key) && !(only[k].types & 1u << f->type))
			schema_bad(b, field_node(root, si, fi, only[k].key),
				   "field '%s' is a %s: '%s' does not apply to it", id,
				   form_type_name(f->type), only[k].key);
	/* Defaults of ranges per type, then their order. */
	if (f->type == FT_NUMBER) {
		if (!doc_map_get(e, "max"))
			f->max = 999;
	} else if (f->type == FT_MULTI) {
		if (!doc_map_get(e, "max"))
			f->max = (int)f->n_options;
	}
	if (!doc_map_get(e, "max_len"))
		f->max_len = f->type == FT_ADDRESS ? 200 : f->type == FT_PHONE ? 13 : 100;
	if (f->min > f->max)
		schema_bad(b, field_node(root, si, fi, "min"), "field '%s': min %d is above max %d", id,
			   f->min, f->max);
	if (f->min_len > f->max_len)
		schema_bad(b, field_node(root, si, fi, "min_len"),
			   "field '%s': min_len %d is above max_len %d", id, f->min_len, f->max_len);
	if (f->type == FT_MULTI && f->max > (int)f->n_options && f->n_options)
		schema_bad(b, field_node(root, si, fi, "max"),
			   "field '%s': max %d is more than its %zu options", id, f->max, f->n_options);
	if (f->min_date && f->max_date && strcmp(f->min_date, "today") != 0 &&
	    strcmp(f->max_date, "today") != 0 && strcmp(f->min_date, f->max_date) > 0)
		schema_bad(b, field_node(root, si, fi, "min_date"),
			   "field '%s': min_date %s is after max_date %s", id, f->min_date, f->max_date);
	if (f->pattern) {
		regex_t re;
		int rc = regcomp(&re, f->pattern, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char why[120];
			regerror(rc, &re, why, sizeof why);
			schema_bad(b, field_node(root, si, fi, "pattern"),
				   "field '%s': the pattern does not compile: %s", id, why);
		} else {
			regfree(&re);
		}
		if (f->pattern_hint.n == 0)
			schema_bad(b, field_node(root, si, fi, "pattern"),
				   "field '%s' has a pattern but no pattern_hint (what to tell the resident)",
				   id);
	}
	need_languages(b, ctx, &f->pattern_hint, field_node(root, si, fi, "pattern_hint"), label);
	if (f->my_number && !fm->needs_my_number)
		schema_bad(b, field_node(root, si, fi, "my_number"),
			   "field '%s' is the My Number, but the form does not say needs_my_number: true",
			   id);
	if (f->my_number && (f->prefill || f->def))
		schema_bad(b, field_node(root, si, fi, f->prefill ? "prefill" : "default"),
			   "field '%s' is the My Number: it is read at the counter, never prefilled", id);
}

/* The prefill source of every field, now that all ids are known. */
static void check_prefill(struct schema_binder *b, struct form *fm, const struct doc_node *root,
			  size_t si, size_t fi)
{
	struct form_field *f = &fm->sections[si].fields[fi];
	if (!f->prefill)
		return;
	const struct doc_node *at = field_node(root, si, fi, "prefill");
	const char *id = f->id ? f->id : "?";
	int src_type = -1;
	if (strncmp(f->prefill, "field:", 6) == 0) {
		f->prefill_kind = FP_FIELD;
		f->prefill_field = f->prefill + 6;
		const struct form_section *ss;
		const struct form_field *src = form_field_by_id(fm, f->prefill_field, &ss);
		bool earlier = false;
		for (size_t s = 0; src && s <= si; s++)
			for (size_t k = 0; k < fm->sections[s].n_fields && (s < si || k < fi); k++)
				earlier |= &fm->sections[s].fields[k] == src;
		if (!src) {
			schema_bad(b, at, "field '%s' is prefilled from field '%s', which does not exist", id,
				   f->prefill_field);
			return;
		}
		if (!earlier) {
			schema_bad(b, at, "field '%s' is prefilled from field '%s', which comes after it",
				   id, f->prefill_field);
			return;
		}
		src_type = src->type;
	} else {
		for (size_t k = 0; k < N_OF(prefills); k++)
			if (strcmp(f->prefill, prefills[k].name) == 0)
				f->prefill_kind = prefills[k].kind;
	}
	if (!prefill_suits(f->prefill_kind, f, src_type)) {
		if (f->prefill_kind == FP_CARD_SEX && f->type == FT_CHOICE)
			schema_bad(b, at, "field '%s': card.sex needs options male and female", id);
		else
			schema_bad(b, at, "field '%s' is a %s: %s cannot fill it", id,
				   form_type_name(f->type), f->prefill);
	}
}

static void check_form(struct schema_binder *b, const struct form_context *ctx, struct form *fm,
		       const struct doc *doc)
{
	const struct doc_node *root = doc->root;
	/* The id is the file's name. */
	if (fm->id && doc->file) {
		const char *base = strrchr(doc->file, '/');
		base = base ? base + 1 : doc->file;
		size_t n = strlen(fm->id);
		if (strncmp(base, fm->id, n) != 0 || strcmp(base + n, ".yaml") != 0)
			schema_bad(b, doc_map_get(root, "id"), "the form's id '%s' must be its file's name (%s.yaml)",
				   fm->id, fm->id);
	}
	if (fm->service && ctx && ctx->services) {
		bool found = false;
		for (size_t i = 0; i < ctx->n_services; i++)
			found |= strcmp(ctx->services[i], fm->service) == 0;
		if (!found)
			schema_bad(b, doc_map_get(root, "service"),
				   "service %s is not a service of the site", fm->service);
	}
	need_languages(b, ctx, &fm->title, doc_map_get(root, "title"), "title");
	need_languages(b, ctx, &fm->short_title, doc_map_get(root, "short_title"), "short_title");
	need_languages(b, ctx, &fm->help, doc_map_get(root, "help"), "help");
	const struct doc_node *bl = doc_map_get(root, "bring");
	for (size_t i = 0; i < fm->n_bring; i++) {
		char what[40];
		snprintf(what, sizeof what, "bring[%zu]", i);
		need_languages(b, ctx, &fm->bring[i], bl && bl->kind == DOC_SEQ && i < bl->n ? bl->items[i] : root,
			       what);
	}
	if (!all_entries_maps(root))
		return; /* positions would not line up; the schema reported the entries */
	size_t n_my = 0;
	for (size_t si = 0; si < fm->n_sections; si++) {
		struct form_section *s = &fm->sections[si];
		char what[80];
		snprintf(what, sizeof what, "section '%s'", s->id ? s->id : "?");
		need_languages(b, ctx, &s->title, doc_map_get(sec_node(root, si), "title"), what);
		need_languages(b, ctx, &s->help, doc_map_get(sec_node(root, si), "help"), what);
		for (size_t sj = 0; s->id && sj < si; sj++)
			if (fm->sections[sj].id && strcmp(fm->sections[sj].id, s->id) == 0)
				schema_bad(b, doc_map_get(sec_node(root, si), "id"), "section '%s' is listed twice",
					   s->id);
		for (size_t fi = 0; fi < s->n_fields; fi++) {
			struct form_field *f = &s->fields[fi];
			check_field(b, ctx, fm, root, si, fi);
			n_my += f->my_number;
			/* Unique ids across the whole form. */
			bool dup = false;
			for (size_t sj = 0; f->id && sj <= si && !dup; sj++)
				for (size_t k = 0; k < fm->sections[sj].n_fields && (sj < si || k < fi); k++)
					if (fm->sections[sj].fields[k].id &&
					    strcmp(fm->sections[sj].fields[k].id, f->id) == 0) {
						schema_bad(b, field_node(root, si, fi, "id"),
							   "field '%s' is listed twice in the form", f->id);
						dup = true;
						break;
					}
		}
	}
	for (size_t si = 0; si < fm->n_sections; si++)
		for (size_t fi = 0; fi < fm->sections[si].n_fields; fi++)
			check_prefill(b, fm, root, si, fi);
	if (fm->needs_my_number && n_my != 1)
		schema_bad(b, doc_map_get(root, "needs_my_number"),
			   "the form needs the My Number: exactly one field must say my_number: true (%zu do)",
			   n_my);
}

static int check_value(const struct form_field *x, struct form_values *vals, size_t i,
		       const char *lang, const char *today, struct form_problem *out, size_t cap,
		       int *n);

/* A default must pass its own field's checks (the date bounds against an early "today", as a
 * default date is usually a bound itself). */
static void check_defaults(struct schema_binder *b, struct form *fm, const struct doc_node *root)
{
	for (size_t si = 0; si < fm->n_sections; si++)
		for (size_t fi = 0; fi < fm->sections[si].n_fields; fi++) {
			const struct form_field *x = &fm->sections[si].fields[fi];
			if (!x->def)
				continue;
			char *v = strdup(x->def);
			bool card = false;
			struct form_values one = { .v = &v, .from_card = &card, .n = 1 };
			struct form_problem p;
			int n = 0;
			if (!v || check_value(x, &one, 0, "en", "2000-01-01", &p, 1, &n) != 0)
				b->nomem = true;
			else if (n)
				schema_bad(b, field_node(root, si, fi, "default"),
					   "field '%s': the default '%s' is not a valid value", x->id, x->def);
			free(v);
		}
}

void form_free(struct form **pp)
{
	if (!pp || !*pp)
		return;
	schema_free(&top_schema, *pp);
	free((*pp)->file);
	free(*pp);
	*pp = NULL;
}

enum mdg_status form_from_doc(const struct doc *doc, const struct form_context *ctx,
			      struct form **out, struct doc_diags *errs)
{
	*out = NULL;
	struct schema_binder b;
	struct form *fm = calloc(1, sizeof *fm);
	if (!fm)
		return MDG_ERR_NOMEM;
	schema_begin(&b, doc, errs);
	if (doc->file && !(fm->file = strdup(doc->file)))
		b.nomem = true;
	schema_defaults(&b, &top_schema, fm);
	const struct doc_node *root = doc->root;
	if (!root || (root->kind == DOC_SCALAR && root->null)) {
		schema_bad(&b, NULL, "the file is empty: a form needs id, version, service, title and sections");
	} else if (root->kind != DOC_MAP) {
		schema_bad(&b, root, "the file must be a mapping of keys (id:, title:, sections:, ...), not %s",
			   doc_kind_name(root->kind));
	} else {
		schema_bind(&b, &top_schema, root, fm, "");
		if (!b.nomem)
			check_form(&b, ctx, fm, doc);
		if (!b.nomem && !schema_problems(&b))
			check_defaults(&b, fm, root);
	}
	enum mdg_status rc = schema_end(&b);
	if (rc != MDG_OK) {
		form_free(&fm);
		return rc;
	}
	*out = fm;
	return MDG_OK;
}

const struct form_field *form_field_by_id(const struct form *f, const char *id,
					  const struct form_section **section_out)
{
	for (size_t s = 0; f && id && s < f->n_sections; s++)
		for (size_t k = 0; k < f->sections[s].n_fields; k++)
			if (f->sections[s].fields[k].id && strcmp(f->sections[s].fields[k].id, id) == 0) {
				if (section_out)
					*section_out = &f->sections[s];
				return &f->sections[s].fields[k];
			}
	return NULL;
}

/* ---- values --------------------------------------------------------------------------------- */

size_t form_field_count(const struct form *f)
{
	size_t n = 0;
	for (size_t s = 0; s < f->n_sections; s++)
		n += f->sections[s].n_fields;
	return n;
}

const struct form_field *form_field_at(const struct form *f, size_t i)
{
	for (size_t s = 0; s < f->n_sections; s++) {
		if (i < f->sections[s].n_fields)
			return &f->sections[s].fields[i];
		i -= f->sections[s].n_fields;
	}
	return NULL;
}

bool form_reads_card(const struct form *f, bool basic4_only)
{
	size_t n = form_field_count(f);
	for (size_t i = 0; i < n; i++) {
		int p = form_field_at(f, i)->prefill_kind;
		bool basic4 = p == FP_CARD_NAME || p == FP_CARD_ADDRESS || p == FP_CARD_BIRTH_DATE ||
			      p == FP_CARD_SEX;
		bool status = p == FP_CARD_CERT_EXPIRY || p == FP_CARD_EXPIRY || p == FP_CARD_PIN_TRIES;
		if (basic4 || (status && !basic4_only))
			return true;
	}
	return false;
}

int form_index(const struct form *f, const char *id)
{
	size_t n = form_field_count(f);
	for (size_t i = 0; id && i < n; i++) {
		const struct form_field *x = form_field_at(f, i);
		if (x->id && strcmp(x->id, id) == 0)
			return (int)i;
	}
	return -1;
}

int form_values_init(struct form_values *vals, const struct form *f)
{
	size_t n = form_field_count(f);
	vals->n = n;
	vals->v = calloc(n ? n : 1, sizeof *vals->v);
	vals->from_card = calloc(n ? n : 1, sizeof *vals->from_card);
	if (!vals->v || !vals->from_card) {
		free(vals->v);
		free(vals->from_card);
		memset(vals, 0, sizeof *vals);
		return -1;
	}
	return 0;
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	volatile char *p = s;
	while (*p)
		*p++ = 0;
	free(s);
}

void form_values_free(struct form_values *vals)
{
	if (!vals)
		return;
	for (size_t i = 0; vals->v && i < vals->n; i++)
		wipe_free(vals->v[i]);
	free(vals->v);
	free(vals->from_card);
	memset(vals, 0, sizeof *vals);
}

int form_values_set(struct form_values *vals, size_t i, const char *value, bool from_card)
{
	if (i >= vals->n)
		return -1;
	char *c = NULL;
	if (value && *value && !(c = strdup(value)))
		return -1;
	wipe_free(vals->v[i]);
	vals->v[i] = c;
	vals->from_card[i] = c && from_card;
	return 0;
}

int form_prefill(const struct form *f, const struct form_sources *src, struct form_values *vals)
{
	size_t n = form_field_count(f);
	for (size_t i = 0; i < n && i < vals->n; i++) {
		const struct form_field *x = form_field_at(f, i);
		if (vals->v[i])
			continue;
		const char *v = NULL;
		bool card = false;
		char num[16];
		switch (x->prefill_kind) {
		case FP_CARD_NAME: v = src->card_name; card = true; break;
		case FP_CARD_ADDRESS: v = src->card_address; card = true; break;
		case FP_CARD_BIRTH_DATE: v = src->card_birth_date; card = true; break;
		case FP_CARD_SEX:
			v = src->card_sex && has_option(x, src->card_sex) ? src->card_sex : NULL;
			card = true;
			break;
		case FP_CARD_CERT_EXPIRY: v = src->card_cert_expiry; card = true; break;
		case FP_CARD_EXPIRY: v = src->card_expiry; card = true; break;
		case FP_CARD_PIN_TRIES:
			if (src->card_pin_tries >= 0) {
				snprintf(num, sizeof num, "%d", src->card_pin_tries);
				v = num;
				card = true;
			}
			break;
		case FP_TODAY: v = src->today; break;
		case FP_SITE_NAME: v = src->site_name; break;
		case FP_FIELD: {
			int k = form_index(f, x->prefill_field);
			if (k >= 0 && (size_t)k < i && vals->v[k]) {
				v = vals->v[k];
				card = vals->from_card[k];
			}
			break;
		}
		case FP_NONE: break;
		}
		if (v && *v) {
			if (form_values_set(vals, i, v, card) != 0)
				return -1;
		} else if (x->def && form_values_set(vals, i, x->def, false) != 0) {
			return -1;
		}
	}
	return 0;
}

/* ---- validation ----------------------------------------------------------------------------- */

/* Decodes one UTF-8 character at *p (valid input assumed: values are sanitised first). */
static uint32_t next_cp(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	uint32_t c;
	int len;
	if (s[0] < 0x80) {
		c = s[0];
		len = 1;
	} else if ((s[0] & 0xE0) == 0xC0 && s[1]) {
		c = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		len = 2;
	} else if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2]) {
		c = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		len = 3;
	} else if ((s[0] & 0xF8) == 0xF0 && s[1] && s[2] && s[3]) {
		c = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
		    (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		len = 4;
	} else {
		c = 0xFFFD;
		len = 1;
	}
	*p += len;
	return c;
}

static size_t n_chars(const char *s)
{
	size_t n = 0;
	while (*s) {
		next_cp(&s);
		n++;
	}
	return n;
}

void form_input_normalise(const struct form_field *x, const char *in, char *out, size_t size)
{
	if (x->type != FT_DATE) {
		snprintf(out, size, "%s", in);
		return;
	}
	char d[9];
	size_t n = 0;
	for (const char *p = in; *p && n < 8; p++)
		if (*p >= '0' && *p <= '9')
			d[n++] = *p;
	d[n] = '\0';
	if (n == 8)
		snprintf(out, size, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
	else
		snprintf(out, size, "%s", in);
}

void form_sources_card(struct form_sources *src, const struct card_basic4 *b)
{
	src->card_name = b->name;
	src->card_address = b->address;
	src->card_birth_date = b->birth_date;
	src->card_sex = card_sex_name(b->sex);
}

bool form_is_katakana(const char *s)
{
	if (!s || !*s)
		return false;
	bool space_ok = false;
	while (*s) {
		uint32_t c = next_cp(&s);
		if (c == 0x3000) {
			if (!space_ok || *s == '\0')
				return false; /* only between words */
			space_ok = false;
		} else if ((c >= 0x30A1 && c <= 0x30F6) || c == 0x30FC || c == 0x30FB || c == 0x30F4 ||
			   c == 0x30FD || c == 0x30FE) {
			space_ok = true;
		} else {
			return false;
		}
	}
	return true;
}

/* Copies s keeping ASCII digits (full-width digits become ASCII) and, when keep_hyphen, hyphens
 * of any width (U+002D, U+FF0D, U+2010, U+2212, U+30FC); false on any other character. */
static bool digits_of(const char *s, bool keep_hyphen, char *out, size_t size, size_t *ndigits)
{
	size_t o = 0;
	*ndigits = 0;
	while (*s) {
		uint32_t c = next_cp(&s);
		char ch;
		if (c >= '0' && c <= '9')
			ch = (char)c;
		else if (c >= 0xFF10 && c <= 0xFF19)
			ch = (char)('0' + (c - 0xFF10));
		else if (keep_hyphen && (c == '-' || c == 0xFF0D || c == 0x2010 || c == 0x2212 || c == 0x30FC))
			ch = '-';
		else if (c == ' ' || c == 0x3000)
			continue;
		else
			return false;
		if (o + 1 >= size)
			return false;
		*ndigits += ch != '-';
		out[o++] = ch;
	}
	out[o] = '\0';
	return true;
}

static bool resolve_date(const char *bound, const char *today, char out[11])
{
	if (!bound)
		return false;
	snprintf(out, 11, "%s", strcmp(bound, "today") == 0 ? today : bound);
	return date_valid(out);
}

static void problem(struct form_problem *out, size_t cap, int *n, size_t index, const char *fmt,
		    ...) __attribute__((format(printf, 5, 6)));
static void problem(struct form_problem *out, size_t cap, int *n, size_t index, const char *fmt,
		    ...)
{
	if ((size_t)*n < cap) {
		out[*n].index = index;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(out[*n].msg, sizeof out[*n].msg, fmt, ap);
		va_end(ap);
	}
	(*n)++;
}

/* Checks one value; may replace vals->v[i] with its normal form. -1: out of memory. */
static int check_value(const struct form_field *x, struct form_values *vals, size_t i,
		       const char *lang, const char *today, struct form_problem *out, size_t cap,
		       int *n)
{
	const char *label = textmap_get(&x->label, lang);
	char *v = vals->v[i];
	if (!v) {
		if (x->required && !x->my_number)
			problem(out, cap, n, i, _("Please fill in \"%s\"."), label);
		return 0;
	}
	if (!text_utf8_valid(v, strlen(v))) {
		problem(out, cap, n, i, _("\"%s\" contains characters that cannot be read."), label);
		return 0;
	}
	size_t len = n_chars(v);
	char buf[64], lo[11], hi[11];
	size_t nd;
	switch (x->type) {
	case FT_TEXT:
	case FT_ADDRESS:
	case FT_KANA:
		if (x->type == FT_KANA && !form_is_katakana(v))
			problem(out, cap, n, i, _("Please write \"%s\" in katakana (full-width)."), label);
		else if (len < (size_t)x->min_len)
			problem(out, cap, n, i, _("\"%s\" needs at least %d characters."), label, x->min_len);
		else if (len > (size_t)x->max_len)
			problem(out, cap, n, i, _("\"%s\" can have at most %d characters."), label,
				x->max_len);
		break;
	case FT_DATE:
		if (!date_valid(v))
			problem(out, cap, n, i, _("\"%s\" is not a valid date."), label);
		else if (resolve_date(x->min_date, today, lo) && strcmp(v, lo) < 0)
			problem(out, cap, n, i, _("\"%s\" must be on or after %s."), label, lo);
		else if (resolve_date(x->max_date, today, hi) && strcmp(v, hi) > 0)
			problem(out, cap, n, i, _("\"%s\" must be on or before %s."), label, hi);
		break;
	case FT_CHOICE:
		if (!has_option(x, v))
			problem(out, cap, n, i, _("Please choose one of the answers for \"%s\"."), label);
		break;
	case FT_MULTI: {
		int count = 0;
		bool ok = v[strlen(v) - 1] != ','; /* "a,b," lists an empty choice */
		for (const char *p = v; *p && ok;) {
			size_t k = strcspn(p, ",");
			if (k == 0 || k >= sizeof buf) {
				ok = false;
				break;
			}
			memcpy(buf, p, k);
			buf[k] = '\0';
			ok = has_option(x, buf);
			for (const char *q = v; ok && q < p;) { /* chosen twice */
				size_t m = strcspn(q, ",");
				ok = !(m == k && memcmp(q, buf, k) == 0);
				q += m + (q[m] == ',');
			}
			count++;
			p += k + (p[k] == ',');
		}
		if (!ok)
			problem(out, cap, n, i, _("Please choose from the answers for \"%s\"."), label);
		else if (count < x->min)
			problem(out, cap, n, i, _("Please choose at least %d for \"%s\"."), x->min, label);
		else if (count > x->max)
			problem(out, cap, n, i, _("Please choose at most %d for \"%s\"."), x->max, label);
		break;
	}
	case FT_NUMBER: {
		if (!digits_of(v, false, buf, sizeof buf, &nd) || nd == 0 || nd > 9) {
			problem(out, cap, n, i, _("Please enter a number for \"%s\"."), label);
			break;
		}
		long num = atol(buf);
		if (num < x->min || num > x->max) {
			problem(out, cap, n, i, _("\"%s\" must be from %d to %d."), label, x->min, x->max);
			break;
		}
		snprintf(buf, sizeof buf, "%ld", num);
		if (strcmp(buf, v) != 0 && form_values_set(vals, i, buf, vals->from_card[i]) != 0)
			return -1;
		break;
	}
	case FT_POSTAL:
		if (!digits_of(v, true, buf, sizeof buf, &nd) || nd != 7 ||
		    !(strlen(buf) == 7 || (strlen(buf) == 8 && buf[3] == '-'))) {
			problem(out, cap, n, i, _("\"%s\" must be a postal code of 7 digits, like 900-8585."),
				label);
			break;
		} else {
			char norm[9];
			const char *d = buf[3] == '-' ? buf + 4 : buf + 3;
			snprintf(norm, sizeof norm, "%.3s-%.4s", buf, d);
			if (strcmp(norm, v) != 0 && form_values_set(vals, i, norm, vals->from_card[i]) != 0)
				return -1;
		}
		break;
	case FT_PHONE:
		if (!digits_of(v, true, buf, sizeof buf, &nd) || nd < 10 || nd > 11 || buf[0] != '0' ||
		    strstr(buf, "--") || buf[strlen(buf) - 1] == '-') {
			problem(out, cap, n, i,
				_("\"%s\" must be a phone number of 10 or 11 digits, like 098-867-0111."),
				label);
		} else if (strcmp(buf, v) != 0 && form_values_set(vals, i, buf, vals->from_card[i]) != 0) {
			return -1;
		}
		break;
	case FT_CHECKBOX:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			problem(out, cap, n, i, _("Please answer yes or no for \"%s\"."), label);
		else if (x->required && strcmp(v, "no") == 0)
			problem(out, cap, n, i, _("Please check \"%s\" to continue."), label);
		break;
	}
	if (x->pattern && vals->v[i]) {
		regex_t re;
		if (regcomp(&re, x->pattern, REG_EXTENDED | REG_NOSUB) == 0) {
			char *anch = malloc(strlen(x->pattern) + 5);
			regex_t whole;
			if (!anch) {
				regfree(&re);
				return -1;
			}
			/* the whole value must match: anchor the pattern */
			sprintf(anch, "^(%s)$", x->pattern);
			if (regcomp(&whole, anch, REG_EXTENDED | REG_NOSUB) == 0) {
				if (regexec(&whole, vals->v[i], 0, NULL, 0) != 0)
					problem(out, cap, n, i, _("\"%s\": %s"), label,
						textmap_get(&x->pattern_hint, lang));
				regfree(&whole);
			}
			free(anch);
			regfree(&re);
		}
	}
	return 0;
}

int form_validate(const struct form *f, struct form_values *vals, const char *lang,
		  const char *today, struct form_problem *out, size_t cap)
{
	int n = 0;
	size_t nf = form_field_count(f);
	for (size_t i = 0; i < nf && i < vals->n; i++)
		if (check_value(form_field_at(f, i), vals, i, lang, today, out, cap, &n) != 0)
			return -1;
	return n;
}

bool form_format_date(const char *date, const char *lang, char *out, size_t size)
{
	struct era_date e;
	if (!date_valid(date) || size == 0)
		return false;
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	bool era = era_of(date, &e);
	char ey[48] = "";
	if (era && e.year == 1)
		snprintf(ey, sizeof ey, "（%s元年）", e.name);
	else if (era)
		snprintf(ey, sizeof ey, "（%s%d年）", e.name, e.year);
	if (lang && (strncmp(lang, "ja", 2) == 0 || strncmp(lang, "zh", 2) == 0)) {
		snprintf(out, size, "%d年%d月%d日%s", y, m, d, ey);
	} else if (lang && strncmp(lang, "ko", 2) == 0) {
		snprintf(out, size, "%d년 %d월 %d일%s", y, m, d, ey);
	} else {
		static const char *const months[] = { "January", "February", "March", "April",
						       "May", "June", "July", "August", "September",
						       "October", "November", "December" };
		if (era)
			snprintf(out, size, "%d %s %d (%s %d)", d, months[m - 1], y, e.romaji, e.year);
		else
			snprintf(out, size, "%d %s %d", d, months[m - 1], y);
	}
	return true;
}
