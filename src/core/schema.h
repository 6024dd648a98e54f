/* SPDX-License-Identifier: MIT */
/* schema: declarative tables of keys (name, type, required, default, range or choices, a pattern
 * check, documentation) and the binder that walks a doc tree (core/doc.h) against such a table
 * into a C struct, collecting every problem as "file:line:col: message" in file order. The site
 * config (core/config) and the form definitions (core/form) are both described this way, so
 * that every data file gets the same rules and messages: unknown keys are errors (with "did you
 * mean"), empty values take the default, numbers are whole decimals within range, texts per
 * language are mappings from a language code. Pure libc. */
#ifndef MDG_CORE_SCHEMA_H
#define MDG_CORE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/doc.h"
#include "core/status.h"

/* One translation of a text: lang is a catalog code ("ja", "ja@easy", "en", "zh_CN", "ko"). */
struct mdg_text {
	char *lang; /* owned */
	char *text; /* owned, UTF-8 */
};

/* A text in several languages. */
struct mdg_textmap {
	struct mdg_text *v; /* owned array */
	size_t n;
};

/* The text for lang with the fallback chain lang -> its base ("ja@easy" -> "ja", "zh_CN" -> "zh")
 * -> "ja" -> the first entry; "" when the map is empty. Borrowed. */
const char *textmap_get(const struct mdg_textmap *m, const char *lang);

/* The exact entry for lang (no fallback), or NULL. Borrowed. */
const char *textmap_exact(const struct mdg_textmap *m, const char *lang);

enum schema_type {
	SCH_STR,      /* char *; optional choices or a validator */
	SCH_INT,      /* int in [min, max], optionally one of ivals */
	SCH_BOOL,     /* bool: true or false */
	SCH_ENUM,     /* int: index into choices */
	SCH_TEXT,     /* struct mdg_textmap: language -> text */
	SCH_STRLIST,  /* char ** + size_t count */
	SCH_INTLIST,  /* int * + size_t count, each in [min, max] */
	SCH_TEXTLIST, /* struct mdg_textmap * + size_t count: a list of texts per language */
	SCH_MAP,      /* nested keys filling the same struct */
	SCH_LIST,     /* list of mappings: array of sub->size elements + size_t count */
};

struct schema;

struct schema_field {
	const char *key;
	enum schema_type type;
	bool required;                   /* the key must be present (and not empty) */
	const char *def;                 /* default, written as in the file; NULL: none */
	long min, max;                   /* SCH_INT, SCH_INTLIST items: allowed range */
	const int *ivals;                /* SCH_INT: the only allowed values, 0-terminated */
	const char *const *choices;      /* SCH_ENUM / SCH_STR: allowed values, NULL-terminated */
	bool (*valid)(const char *s);    /* SCH_STR, SCH_STRLIST items: a pattern check */
	const char *valid_doc;           /* what valid() wants, for messages and docs */
	size_t min_items, max_items;     /* lists: entry count bounds (max_items 0: unbounded) */
	bool unique;                     /* SCH_STRLIST, SCH_INTLIST: no value twice */
	bool need_ja;                    /* SCH_TEXT, SCH_TEXTLIST: a "ja" entry is required */
	bool is_path;                    /* SCH_STR: resolved against the file's folder */
	size_t off;                      /* where the value goes in the struct being filled */
	size_t count_off;                /* lists: where the count goes */
	const struct schema *sub;        /* SCH_MAP / SCH_LIST: the nested fields */
	const char *doc;
};

struct schema {
	const struct schema_field *fields;
	size_t n;
	size_t size;                     /* SCH_LIST: size of one element */
};

#define SCHEMA_PATH_MAX 200 /* "services[12].name" and the like; longer ones are cut */

struct schema_problem;

/* One binding run over one file. Fields are the binder's own; callers use the functions. */
struct schema_binder {
	const char *file;
	char *dir;                       /* folder of file, for relative paths (owned) */
	struct doc_diags *errs;
	struct schema_problem *probs;    /* found problems, handed to errs sorted by position */
	size_t n_probs, cap_probs;
	/* Fields with a problem: a cross-check that reads values of such a field (say counter
	 * numbers) is skipped, as it would report the same mistake again in other words. */
	const struct schema_field *dirty[64];
	size_t n_dirty;
	const struct schema_field *cur;  /* the field being bound (innermost), or NULL */
	bool nomem;
};

/* Starts a run for doc (its file name is used in messages and for relative paths); problems
 * go to errs (caller-owned) when the run ends. */
void schema_begin(struct schema_binder *b, const struct doc *doc, struct doc_diags *errs);

/* Sets the defaults of every field of s (and of nested mappings) in base. */
void schema_defaults(struct schema_binder *b, const struct schema *s, void *base);

/* Binds the mapping map to base by s; path ("" at the top) prefixes key names in messages. */
void schema_bind(struct schema_binder *b, const struct schema *s, const struct doc_node *map,
		 void *base, const char *path);

/* Records a problem at node at (NULL: no position). Marks the field being bound dirty. */
void schema_bad(struct schema_binder *b, const struct doc_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Problems recorded so far. */
size_t schema_problems(const struct schema_binder *b);

/* True when field f (looked up with schema_field) had a problem in this run. */
bool schema_dirty(const struct schema_binder *b, const struct schema_field *f);

/* The field of s named key, or NULL. */
const struct schema_field *schema_field(const struct schema *s, const char *key);

/* strdup that records running out of memory in b (then NULL). */
char *schema_strdup(struct schema_binder *b, const char *s);

/* Ends the run: moves the problems to errs in file order and frees the run's memory.
 * MDG_OK, MDG_ERR_CONFIG when there were problems, MDG_ERR_NOMEM when memory ran out. */
enum mdg_status schema_end(struct schema_binder *b);

/* Frees everything s bound into base (not base itself). */
void schema_free(const struct schema *s, void *base);

/* Writes s as documentation: one block per key (path, type, required or default, range,
 * choices, entries) and its doc line. prefix is the path of s ("" at the top). */
void schema_print(FILE *out, const struct schema *s, const char *prefix);

#define SCHEMA_N_OF(a) (sizeof(a) / sizeof((a)[0]))

#endif
