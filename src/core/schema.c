/* SPDX-License-Identifier: MIT */
/* schema: the table-driven binder of doc trees (see core/schema.h). */
#include "core/schema.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

/* ---- problems ------------------------------------------------------------------------------ */

struct schema_problem {
	int line, col;
	size_t seq;                  /* order found: keeps the sort stable */
	char *msg;                   /* owned */
};

static void mark_dirty(struct schema_binder *b, const struct schema_field *f)
{
	for (size_t i = 0; f && i < b->n_dirty; i++)
		if (b->dirty[i] == f)
			return;
	if (f && b->n_dirty < SCHEMA_N_OF(b->dirty))
		b->dirty[b->n_dirty++] = f;
}

void schema_bad(struct schema_binder *b, const struct doc_node *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mark_dirty(b, b->cur);
	if (b->n_probs == b->cap_probs) {
		size_t cap = b->cap_probs ? b->cap_probs * 2 : 16;
		struct schema_problem *p = realloc(b->probs, cap * sizeof *p);
		if (!p) {
			b->nomem = true;
			return;
		}
		b->probs = p;
		b->cap_probs = cap;
	}
	struct schema_problem *p = &b->probs[b->n_probs];
	p->line = at ? at->line : 0;
	p->col = at ? at->col : 0;
	p->seq = b->n_probs;
	p->msg = strdup(msg);
	if (!p->msg) {
		b->nomem = true;
		return;
	}
	b->n_probs++;
}

static int by_position(const void *pa, const void *pb)
{
	const struct schema_problem *a = pa, *b = pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Moves the problems to errs in file order (an operator fixes a file top to bottom). */
static void flush_problems(struct schema_binder *b)
{
	if (b->n_probs)
		qsort(b->probs, b->n_probs, sizeof *b->probs, by_position);
	for (size_t i = 0; i < b->n_probs; i++) {
		struct schema_problem *p = &b->probs[i];
		if (!b->nomem && doc_diag_add(b->errs, b->file, p->line, p->col, "%s", p->msg) != 0)
			b->nomem = true;
		free(p->msg);
	}
	free(b->probs);
	b->probs = NULL;
	b->n_probs = b->cap_probs = 0;
}

char *schema_strdup(struct schema_binder *b, const char *s)
{
	char *d = strdup(s);
	if (!d)
		b->nomem = true;
	return d;
}

/* ---- binding ------------------------------------------------------------------------------- */

/* Levenshtein distance, capped; for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	size_t row[41];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = cur;
		}
	}
	return row[lb];
}

static const char *choices_text(const char *const *c, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (; *c && o < size; c++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "", *c);
	return buf;
}

static const char *ivals_text(const int *v, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (; *v && o < size; v++)
		o += (size_t)snprintf(buf + o, size - o, "%s%d", o ? (v[1] ? ", " : " or ") : "", *v);
	return buf;
}

static bool want_kind(struct schema_binder *b, const struct doc_node *n, enum doc_kind kind,
		      const char *path)
{
	if (n->kind == kind)
		return true;
	schema_bad(b, n, "'%s' must be %s, not %s", path, doc_kind_name(kind), doc_kind_name(n->kind));
	return false;
}

/* A whole number: an optional '-' and decimal digits, nothing else (no "0x10", no " 5"). */
static bool parse_int(struct schema_binder *b, const struct schema_field *f,
		const struct doc_node *n, const char *path, long *out)
{
	if (!want_kind(b, n, DOC_SCALAR, path))
		return false;
	const char *s = n->scalar, *p = s + (s[0] == '-');
	bool digits = *p != '\0' && !n->null;
	long v = 0;
	for (; digits && *p; p++) {
		if (*p < '0' || *p > '9')
			digits = false;
		else if (v < 1000000000L)
			v = v * 10 + (*p - '0');
	}
	if (s[0] == '-')
		v = -v;
	if (f->ivals) {
		bool ok = false;
		for (const int *i = f->ivals; digits && *i; i++)
			ok |= *i == v;
		if (!ok) {
			char buf[100];
			schema_bad(b, n, "'%s' must be %s, not '%s'", path, ivals_text(f->ivals, buf, sizeof buf), s);
			return false;
		}
	} else if (!digits || v < f->min || v > f->max) {
		schema_bad(b, n, "'%s' must be a whole number from %ld to %ld, not '%s'", path, f->min,
			   f->max, s);
		return false;
	}
	*out = v;
	return true;
}

static bool check_string(struct schema_binder *b, const struct schema_field *f,
		const struct doc_node *n, const char *path)
{
	if (!want_kind(b, n, DOC_SCALAR, path))
		return false;
	if (n->null) {
		schema_bad(b, n, "'%s' needs a value", path);
		return false;
	}
	if (f->choices) {
		for (const char *const *c = f->choices; *c; c++)
			if (strcmp(*c, n->scalar) == 0)
				return true;
		char buf[200];
		schema_bad(b, n, "'%s' must be one of %s, not '%s'", path,
		    choices_text(f->choices, buf, sizeof buf), n->scalar);
		return false;
	}
	if (f->valid && !f->valid(n->scalar)) {
		schema_bad(b, n, "'%s' must be %s, not '%s'", path, f->valid_doc, n->scalar);
		return false;
	}
	return true;
}

static char *resolve_path(struct schema_binder *b, const char *s)
{
	if (s[0] == '/' || !b->dir)
		return schema_strdup(b, s);
	size_t n = strlen(b->dir) + strlen(s) + 2;
	char *p = malloc(n);
	if (!p) {
		b->nomem = true;
		return NULL;
	}
	snprintf(p, n, "%s%s%s", b->dir, strcmp(b->dir, "/") == 0 ? "" : "/", s);
	return p;
}

static void bind_schema(struct schema_binder *b, const struct schema *s, const struct doc_node *map,
			void *base, const char *path);

static void set_default(struct schema_binder *b, const struct schema_field *f, void *base)
{
	char *at = (char *)base + f->off;
	switch (f->type) {
	case SCH_STR:
		if (f->def)
			*(char **)at = f->is_path ? resolve_path(b, f->def) : schema_strdup(b, f->def);
		break;
	case SCH_INT:
		if (f->def)
			*(int *)at = atoi(f->def);
		break;
	case SCH_STRLIST:
		if (f->def) {
			char **v = calloc(1, sizeof *v);
			if (!v || !(v[0] = schema_strdup(b, f->def))) {
				free(v);
				b->nomem = true;
				return;
			}
			*(char ***)at = v;
			*(size_t *)((char *)base + f->count_off) = 1;
		}
		break;
	case SCH_MAP:
		for (size_t i = 0; i < f->sub->n; i++)
			set_default(b, &f->sub->fields[i], base);
		break;
	default:
		break;
	}
}

static bool has_text(const struct mdg_textmap *m, const char *lang)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].lang, lang) == 0)
			return true;
	return false;
}

static void bind_text(struct schema_binder *b, const struct schema_field *f,
		const struct doc_node *n, struct mdg_textmap *out, const char *path)
{
	if (!want_kind(b, n, DOC_MAP, path))
		return;
	out->v = calloc(n->n ? n->n : 1, sizeof *out->v);
	if (!out->v) {
		b->nomem = true;
		return;
	}
	bool lang_problem = false;
	for (size_t i = 0; i < n->n; i++) {
		const struct doc_node *k = n->keys[i], *v = n->items[i];
		if (k->kind != DOC_SCALAR || !i18n_lang_valid(k->scalar)) {
			schema_bad(b, k, "'%s' has '%s', which is not a language code (like ja, en, zh_CN, ja@easy)",
			    path, k->kind == DOC_SCALAR ? k->scalar : doc_kind_name(k->kind));
			lang_problem = true;
			continue;
		}
		if (v->kind != DOC_SCALAR || v->null || !v->scalar[0]) {
			schema_bad(b, v, "'%s.%s' must be a text", path, k->scalar);
			continue;
		}
		struct mdg_text *t = &out->v[out->n];
		t->lang = schema_strdup(b, k->scalar);
		t->text = schema_strdup(b, v->scalar);
		if (!t->lang || !t->text) {
			free(t->lang);
			free(t->text);
			t->lang = t->text = NULL;
			return;
		}
		out->n++;
	}
	if (f->need_ja && !has_text(out, "ja") && !(lang_problem && out->n == 0))
		schema_bad(b, n, "'%s' needs a ja entry (Japanese is the fallback of every language)", path);
}

/* Reports values that appear twice in a list (by their later occurrence). */
static void check_unique(struct schema_binder *b, const struct schema_field *f,
		const struct doc_node *seq, const char *path)
{
	for (size_t i = 0; i < seq->n; i++) {
		const struct doc_node *x = seq->items[i];
		if (x->kind != DOC_SCALAR || x->null)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct doc_node *y = seq->items[j];
			if (y->kind != DOC_SCALAR || y->null)
				continue;
			if (strcmp(x->scalar, y->scalar) == 0) {
				schema_bad(b, x, "'%s' lists %s twice", path, x->scalar);
				break;
			}
		}
	}
}

static void bind_list(struct schema_binder *b, const struct schema_field *f,
		const struct doc_node *n, void *base, const char *path)
{
	char *at = (char *)base + f->off;
	size_t *count = (size_t *)((char *)base + f->count_off);
	if (!want_kind(b, n, DOC_SEQ, path))
		return;
	if (n->n == 0 && f->min_items)
		schema_bad(b, n, "'%s' must not be empty%s", path,
		    f->required ? "" : " (leave it out to use the default)");
	/* Too many entries or a repeated value leave every bound value sound: not dirty. */
	const struct schema_field *cur = b->cur;
	b->cur = NULL;
	if (n->n > 0 && (n->n < f->min_items || (f->max_items && n->n > f->max_items))) {
		if (f->max_items)
			schema_bad(b, n, "'%s' must have from %zu to %zu entries, not %zu", path, f->min_items,
			    f->max_items, n->n);
		else
			schema_bad(b, n, "'%s' must have at least %zu entries, not %zu", path, f->min_items, n->n);
	}
	if (f->unique)
		check_unique(b, f, n, path);
	b->cur = cur;
	size_t elem = f->type == SCH_LIST       ? f->sub->size :
		      f->type == SCH_STRLIST    ? sizeof(char *) :
		      f->type == SCH_TEXTLIST   ? sizeof(struct mdg_textmap) :
						  sizeof(int);
	void *arr = calloc(n->n ? n->n : 1, elem);
	if (!arr) {
		b->nomem = true;
		return;
	}
	/* A given list replaces the default. */
	if (f->type == SCH_STRLIST && *(char ***)at) {
		for (size_t i = 0; i < *count; i++)
			free((*(char ***)at)[i]);
		free(*(char ***)at);
	}
	*(void **)at = arr;
	*count = 0;
	for (size_t i = 0; i < n->n; i++) {
		char ipath[SCHEMA_PATH_MAX];
		if (snprintf(ipath, sizeof ipath, "%s[%zu]", path, i) >= (int)sizeof ipath)
			ipath[sizeof ipath - 1] = '\0'; /* a path that long is only shortened in messages */
		const struct doc_node *item = n->items[i];
		if (f->type == SCH_LIST) {
			if (!want_kind(b, item, DOC_MAP, ipath))
				continue;
			void *el = (char *)arr + *count * elem;
			(*count)++; /* counted first: config_free frees what binding leaves in it */
			for (size_t k = 0; k < f->sub->n; k++)
				set_default(b, &f->sub->fields[k], el);
			bind_schema(b, f->sub, item, el, ipath);
		} else if (f->type == SCH_TEXTLIST) {
			bind_text(b, f, item, (struct mdg_textmap *)arr + *count, ipath);
			(*count)++; /* even when partly bound: schema_free frees what it holds */
		} else if (f->type == SCH_STRLIST) {
			char *s;
			if (check_string(b, f, item, ipath) && (s = schema_strdup(b, item->scalar)))
				((char **)arr)[(*count)++] = s;
		} else {
			long v;
			if (parse_int(b, f, item, ipath, &v))
				((int *)arr)[(*count)++] = (int)v;
		}
	}
}

static void bind_field(struct schema_binder *b, const struct schema_field *f,
		const struct doc_node *n, void *base, const char *path)
{
	char *at = (char *)base + f->off;
	long v;
	switch (f->type) {
	case SCH_STR:
		if (check_string(b, f, n, path)) {
			free(*(char **)at);
			*(char **)at = f->is_path ? resolve_path(b, n->scalar) : schema_strdup(b, n->scalar);
		}
		break;
	case SCH_INT:
		if (parse_int(b, f, n, path, &v))
			*(int *)at = (int)v;
		break;
	case SCH_ENUM:
		if (check_string(b, f, n, path))
			for (int i = 0; f->choices[i]; i++)
				if (strcmp(f->choices[i], n->scalar) == 0)
					*(int *)at = i;
		break;
	case SCH_BOOL:
		if (want_kind(b, n, DOC_SCALAR, path)) {
			if (strcmp(n->scalar, "true") == 0)
				*(bool *)at = true;
			else if (strcmp(n->scalar, "false") == 0)
				*(bool *)at = false;
			else
				schema_bad(b, n, "'%s' must be true or false, not '%s'", path, n->scalar);
		}
		break;
	case SCH_TEXT:
		bind_text(b, f, n, (struct mdg_textmap *)at, path);
		break;
	case SCH_TEXTLIST:
	case SCH_STRLIST:
	case SCH_INTLIST:
	case SCH_LIST:
		bind_list(b, f, n, base, path);
		break;
	case SCH_MAP:
		if (want_kind(b, n, DOC_MAP, path))
			bind_schema(b, f->sub, n, base, path);
		break;
	}
}

/* The closest key of s to an unknown one when it is plausibly a typo of it, or NULL. */
static const char *suggest(const struct schema *s, const char *key)
{
	const char *best = NULL;
	size_t len = strlen(key), bd = len / 3 + 1 > 3 ? len / 3 + 1 : 3;
	for (size_t j = 0; j < s->n; j++) {
		size_t d = distance(key, s->fields[j].key);
		if (d < bd) {
			bd = d;
			best = s->fields[j].key;
		}
	}
	return best;
}

static void bind_schema(struct schema_binder *b, const struct schema *s, const struct doc_node *map,
			void *base, const char *path)
{
	const struct schema_field *outer = b->cur;
	const char *in = path[0] ? " in " : "";
	for (size_t i = 0; i < map->n; i++) {
		const struct doc_node *k = map->keys[i], *v = map->items[i];
		const struct schema_field *f = NULL;
		b->cur = NULL; /* an unknown key spoils no value */
		if (k->kind != DOC_SCALAR || !k->scalar) {
			schema_bad(b, k, "a key must be a plain value, not %s", doc_kind_name(k->kind));
			continue;
		}
		for (size_t j = 0; j < s->n && !f; j++)
			if (strcmp(s->fields[j].key, k->scalar) == 0)
				f = &s->fields[j];
		if (!f) {
			const char *best = suggest(s, k->scalar);
			if (best)
				schema_bad(b, k, "unknown key '%s'%s%s (did you mean '%s'?)", k->scalar, in, path, best);
			else
				schema_bad(b, k, "unknown key '%s'%s%s", k->scalar, in, path);
			continue;
		}
		char sub[SCHEMA_PATH_MAX];
		if (snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->key) >=
		    (int)sizeof sub)
			sub[sizeof sub - 1] = '\0';
		b->cur = f;
		/* An empty value ("log:" with every line below commented out) means "not given". */
		if (v->kind == DOC_SCALAR && v->null && f->required)
			schema_bad(b, v, "'%s' needs a value", sub);
		else if (!(v->kind == DOC_SCALAR && v->null))
			bind_field(b, f, v, base, sub);
	}
	for (size_t j = 0; j < s->n; j++) {
		if (!s->fields[j].required || doc_map_get(map, s->fields[j].key))
			continue;
		b->cur = &s->fields[j];
		schema_bad(b, map, "missing required key '%s'%s%s", s->fields[j].key, in, path);
	}
	b->cur = outer;
}

static void free_text(struct mdg_textmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].lang);
		free(m->v[i].text);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void schema_free(const struct schema *s, void *base)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct schema_field *f = &s->fields[i];
		char *at = (char *)base + f->off;
		size_t *count = (size_t *)((char *)base + f->count_off);
		switch (f->type) {
		case SCH_STR:
			free(*(char **)at);
			break;
		case SCH_TEXT:
			free_text((struct mdg_textmap *)at);
			break;
		case SCH_STRLIST:
			for (size_t k = 0; *(char ***)at && k < *count; k++)
				free((*(char ***)at)[k]);
			free(*(char ***)at);
			break;
		case SCH_INTLIST:
			free(*(int **)at);
			break;
		case SCH_TEXTLIST:
			for (size_t k = 0; *(struct mdg_textmap **)at && k < *count; k++)
				free_text(*(struct mdg_textmap **)at + k);
			free(*(void **)at);
			break;
		case SCH_LIST:
			for (size_t k = 0; *(void **)at && k < *count; k++)
				schema_free(f->sub, *(char **)at + k * f->sub->size);
			free(*(void **)at);
			break;
		case SCH_MAP:
			schema_free(f->sub, base);
			break;
		default:
			break;
		}
	}
}

/* ---- a run -------------------------------------------------------------------------------- */

/* The folder of file for relative paths: NULL (cwd) for a bare name. */
static char *folder_of(struct schema_binder *b, const char *file)
{
	const char *slash = file ? strrchr(file, '/') : NULL;
	if (!slash)
		return NULL;
	char *d = slash == file ? strdup("/") : strndup(file, (size_t)(slash - file));
	if (!d)
		b->nomem = true;
	return d;
}

static const char *const type_names[] = {
	[SCH_STR] = "text", [SCH_INT] = "number", [SCH_ENUM] = "choice", [SCH_TEXT] = "text per language",
	[SCH_STRLIST] = "list of texts", [SCH_BOOL] = "true or false",
	[SCH_TEXTLIST] = "list of texts per language", [SCH_INTLIST] = "list of numbers",
	[SCH_MAP] = "mapping",
	[SCH_LIST] = "list of mappings",
};

void schema_print(FILE *out, const struct schema *s, const char *prefix)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct schema_field *f = &s->fields[i];
		char path[SCHEMA_PATH_MAX], buf[200];
		if (snprintf(path, sizeof path, "%s%s%s", prefix, f->key, f->type == SCH_LIST ? "[]" : "") >=
		    (int)sizeof path)
			path[sizeof path - 1] = '\0';
		fprintf(out, "%s\n    %s; %s", path, type_names[f->type],
			f->required ? "required" : "optional");
		if (f->def)
			fprintf(out, "; default %s", f->def);
		if (f->ivals)
			fprintf(out, "; %s", ivals_text(f->ivals, buf, sizeof buf));
		else if (f->type == SCH_INT)
			fprintf(out, "; %ld to %ld", f->min, f->max);
		else if (f->type == SCH_INTLIST)
			fprintf(out, "; each %ld to %ld", f->min, f->max);
		if (f->choices)
			fprintf(out, "; one of %s", choices_text(f->choices, buf, sizeof buf));
		if (f->valid_doc)
			fprintf(out, "; %s", f->valid_doc);
		if (f->max_items)
			fprintf(out, "; %zu to %zu entries", f->min_items, f->max_items);
		else if (f->min_items)
			fprintf(out, "; at least %zu entries", f->min_items);
		if (f->unique)
			fprintf(out, "; no value twice");
		if (f->need_ja)
			fprintf(out, "; ja required");
		if (f->is_path)
			fprintf(out, "; relative to the config file's folder");
		fprintf(out, "\n    %s\n", f->doc);
		if (f->sub) {
			char sub[SCHEMA_PATH_MAX];
			if (snprintf(sub, sizeof sub, "%s.", path) >= (int)sizeof sub)
				sub[sizeof sub - 1] = '\0';
			schema_print(out, f->sub, sub);
		}
	}
}

const char *textmap_get(const struct mdg_textmap *m, const char *lang)
{
	if (!m || m->n == 0)
		return "";
	if (lang && *lang) {
		for (size_t i = 0; i < m->n; i++)
			if (strcmp(m->v[i].lang, lang) == 0)
				return m->v[i].text;
		size_t base = strcspn(lang, "_@");
		for (size_t i = 0; base < strlen(lang) && i < m->n; i++)
			if (strlen(m->v[i].lang) == base && strncmp(m->v[i].lang, lang, base) == 0)
				return m->v[i].text;
	}
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].lang, "ja") == 0)
			return m->v[i].text;
	return m->v[0].text;
}

const char *textmap_exact(const struct mdg_textmap *m, const char *lang)
{
	for (size_t i = 0; m && lang && i < m->n; i++)
		if (strcmp(m->v[i].lang, lang) == 0)
			return m->v[i].text;
	return NULL;
}

void schema_begin(struct schema_binder *b, const struct doc *doc, struct doc_diags *errs)
{
	memset(b, 0, sizeof *b);
	b->file = doc && doc->file ? doc->file : "-";
	b->errs = errs;
	b->dir = folder_of(b, doc ? doc->file : NULL);
}

void schema_defaults(struct schema_binder *b, const struct schema *s, void *base)
{
	for (size_t i = 0; i < s->n; i++)
		set_default(b, &s->fields[i], base);
}

void schema_bind(struct schema_binder *b, const struct schema *s, const struct doc_node *map,
		 void *base, const char *path)
{
	bind_schema(b, s, map, base, path);
}

size_t schema_problems(const struct schema_binder *b)
{
	return b->n_probs;
}

bool schema_dirty(const struct schema_binder *b, const struct schema_field *f)
{
	for (size_t i = 0; f && i < b->n_dirty; i++)
		if (b->dirty[i] == f)
			return true;
	return false;
}

const struct schema_field *schema_field(const struct schema *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->fields[i].key, key) == 0)
			return &s->fields[i];
	return NULL;
}

enum mdg_status schema_end(struct schema_binder *b)
{
	enum mdg_status rc = b->nomem ? MDG_ERR_NOMEM : b->n_probs ? MDG_ERR_CONFIG : MDG_OK;
	flush_problems(b);
	if (b->nomem)
		rc = MDG_ERR_NOMEM;
	free(b->dir);
	b->dir = NULL;
	return rc;
}
