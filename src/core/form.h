/* SPDX-License-Identifier: MIT */
/* form: a procedure's application form as data (one YAML file per form in forms/, bound by core/schema like the
 * site config): titles and help per language, the queue service, the documents to bring,
 * whether the law needs the My Number, and typed fields in sections with labels, help,
 * validation and a prefill source. This module binds and checks definitions, fills a form's
 * values from the card and the site (prefill), and validates values with messages in the
 * resident's language (gettext). Pure libc: no YAML, no I/O. The file format is documented in
 * docs/forms.md and printed by form_schema_print. */
#ifndef MDG_CORE_FORM_H
#define MDG_CORE_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/doc.h"
#include "core/schema.h"
#include "core/status.h"

enum form_type {
	FT_TEXT,     /* free text, one line (max_len characters) */
	FT_KANA,     /* full-width katakana (ア-ヶ, ー, ヴ, U+3000 between words): フリガナ */
	FT_DATE,     /* YYYY-MM-DD, shown in the Gregorian calendar and the Japanese era */
	FT_CHOICE,   /* one of options[].value */
	FT_MULTI,    /* several of options[].value, comma-separated in the value */
	FT_NUMBER,   /* a whole number in [min, max] */
	FT_POSTAL,   /* a Japanese postal code: 7 digits, stored as NNN-NNNN */
	FT_PHONE,    /* a Japanese phone number: 10 or 11 digits, hyphens allowed */
	FT_CHECKBOX, /* "yes" or "no" */
	FT_ADDRESS,  /* free text that may be long and wraps (up to max_len characters) */
};

/* Where a field's first value comes from. */
enum form_prefill {
	FP_NONE,
	FP_CARD_NAME, FP_CARD_ADDRESS, FP_CARD_BIRTH_DATE, FP_CARD_SEX, /* basic-4 of the card */
	FP_TODAY,      /* the business date */
	FP_SITE_NAME,  /* the office's name in the form's language */
	FP_FIELD,      /* the value of another field (prefill "field:ID", an earlier field) */
	FP_CARD_CERT_EXPIRY, FP_CARD_EXPIRY, FP_CARD_PIN_TRIES, /* read without a PIN (card status) */
};

struct form_option {
	char *value;                 /* [a-z0-9_]{1,32}, unique in the field (owned) */
	struct mdg_textmap label;
};

struct form_field {
	char *id;                    /* [a-z0-9_]{1,32}, unique in the form (owned) */
	int type;                    /* enum form_type */
	struct mdg_textmap label, help;
	bool required;
	int min_len, max_len;        /* characters; max_len 0: the type's default */
	int min, max;                /* FT_NUMBER range; FT_MULTI: how many may be chosen */
	char *min_date, *max_date;   /* FT_DATE: YYYY-MM-DD or "today" (owned, may be NULL) */
	char *pattern;               /* POSIX extended regex the whole value must match, or NULL */
	struct mdg_textmap pattern_hint; /* what the pattern wants, per language */
	char *prefill;               /* as written ("card.name", "field:applicant_name", ...) */
	int prefill_kind;            /* enum form_prefill, from prefill */
	const char *prefill_field;   /* FP_FIELD: the source field's id (points into prefill) */
	char *def;                   /* default value, or NULL */
	struct form_option *options; /* FT_CHOICE, FT_MULTI */
	size_t n_options;
	bool my_number;              /* this field is the My Number: filled at the counter at print
				      * time from a card read, never stored */
};

struct form_section {
	char *id;
	struct mdg_textmap title, help;
	struct form_field *fields;
	size_t n_fields;
};

struct form {
	char *file;                  /* the file it was read from (owned) */
	char *id;                    /* [a-z0-9-]{1,32}: equals the file name without .yaml */
	int version;
	char *service;               /* the queue service letter (A-Z) */
	struct mdg_textmap title, short_title, help;
	struct mdg_textmap *bring;   /* documents to bring, each a text per language */
	size_t n_bring;
	bool needs_my_number;        /* the law asks for the My Number on this form */
	char *legal_basis;           /* e.g. "住民基本台帳法第12条" (optional, shown to staff) */
	struct form_section *sections;
	size_t n_sections;
};

/* What a form check knows besides the file: the languages every label must have (NULL: the
 * five shipped ones) and the site's service letters (NULL: not checked). */
struct form_context {
	const char *const *languages;
	size_t n_languages;
	const char *const *services;
	size_t n_services;
};

/* Binds the document to a new form and checks it: unknown keys, types, ranges, a label and
 * title for every language of ctx, options for choice fields and only for them, unique ids,
 * prefill sources that exist and suit the field's type, "field:" sources that are earlier
 * fields, patterns that compile, defaults that pass the field's own validation, min <= max,
 * the id equal to the file's name, a needs_my_number form with a my_number field and the other
 * way round. MDG_OK and *out (form_free), MDG_ERR_CONFIG with every problem in errs as
 * file:line:col (caller-owned; doc_diags_free), or MDG_ERR_NOMEM. */
enum mdg_status form_from_doc(const struct doc *doc, const struct form_context *ctx,
			      struct form **out, struct doc_diags *errs);

/* Frees a form and clears the pointer. NULL-safe. */
void form_free(struct form **pp);

/* Writes the schema of a form file as documentation (see docs/forms.md). */
void form_schema_print(FILE *out);

/* The names of types and prefill sources as written in files ("text", "card.name", ...). */
const char *form_type_name(int type);

/* How many fields the form has (all sections), and the i-th of them in values order (NULL past
 * the end). Borrowed. */
size_t form_field_count(const struct form *f);
const struct form_field *form_field_at(const struct form *f, size_t i);

/* True when a field of f is prefilled from the card: any card source, or with basic4_only those
 * that need a PIN or 照合番号B (name, address, birth date, sex). */
bool form_reads_card(const struct form *f, bool basic4_only);

/* The field with id (borrowed), or NULL; *section_out (optional) gets its section. */
const struct form_field *form_field_by_id(const struct form *f, const char *id,
					  const struct form_section **section_out);

/* ---- values ------------------------------------------------------------------------------- */

/* One value per field of a form, in form order (values[i] belongs to the i-th field counting
 * through all sections). A value is UTF-8 text (see enum form_type for the formats), NULL when
 * empty. from_card marks values that came from the card and were not changed since. */
struct form_values {
	char **v;                    /* owned strings (wipe before free: personal data) */
	bool *from_card;
	size_t n;
};

/* The card and site data a prefill may use; any member may be NULL (not read). */
struct form_sources {
	const char *card_name, *card_address, *card_birth_date; /* basic-4; date YYYY-MM-DD */
	const char *card_sex;        /* male | female | unknown | not_applicable */
	const char *card_cert_expiry, *card_expiry; /* YYYY-MM-DD */
	int card_pin_tries;          /* -1: not read */
	const char *today;           /* YYYY-MM-DD, the business date */
	const char *site_name;
};

/* Allocates empty values for f. 0, or -1 when out of memory. */
int form_values_init(struct form_values *vals, const struct form *f);

/* Wipes and frees every value; the struct can be initialised again. NULL-safe. */
void form_values_free(struct form_values *vals);

/* Sets value i (copied; NULL or "" clears it) and its from_card mark. 0, or -1 (no memory). */
int form_values_set(struct form_values *vals, size_t i, const char *value, bool from_card);

/* The index of field id in vals' order, or -1. */
int form_index(const struct form *f, const char *id);

/* Fills every empty value: its prefill source when that has data, else its default. A card
 * value keeps from_card. Never overwrites a value already given. 0, or -1 (no memory). */
int form_prefill(const struct form *f, const struct form_sources *src, struct form_values *vals);

/* ---- validation --------------------------------------------------------------------------- */

struct form_problem {
	size_t index;                /* the field's index in values order */
	char msg[256];               /* in the current gettext language, naming the field's label */
};

/* Checks every value against its field (required, type format, lengths, ranges, options,
 * pattern, date bounds with today), and returns how many problems there were, writing at most
 * cap of them. Values may be normalised in place (postal 1234567 -> 123-4567; half-width digits
 * in numbers; full-width digits and hyphens in postal/phone codes) before being checked.
 * lang picks the field labels' language (gettext messages follow i18n_set_language). today is
 * YYYY-MM-DD. Returns -1 when out of memory. */
int form_validate(const struct form *f, struct form_values *vals, const char *lang,
		  const char *today, struct form_problem *out, size_t cap);

/* A date value for display in lang: "2025年4月1日（令和7年）" for ja and zh, "2025년 4월 1일（令和7年）"
 * for ko, "1 April 2025 (Reiwa 7)" otherwise; the era year is 元年 in its first year, and left
 * out before 1868-10-23. False when the date is not valid. */
bool form_format_date(const char *date, const char *lang, char *out, size_t size);

/* What a person typed for field x, as the value: a date typed as 8 digits (19480315, or with
 * separators) becomes YYYY-MM-DD; anything else is copied. out gets size bytes. */
void form_input_normalise(const struct form_field *x, const char *in, char *out, size_t size);

/* Points the card members of src at the basic-4 in b (borrowed: b must outlive src's use). */
struct card_basic4;
void form_sources_card(struct form_sources *src, const struct card_basic4 *b);

/* True when s is only full-width katakana, the prolonged sound mark, the middle dot and
 * ideographic spaces between words (what a フリガナ box accepts). */
bool form_is_katakana(const char *s);

#endif
