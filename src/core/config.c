/* SPDX-License-Identifier: MIT */
/* config: the site file's schema as one table of field descriptors, a binder that walks a doc
 * tree against it (collecting every problem), the cross-checks between sections, and the
 * schema's documentation printed from the same table. Pure libc: no YAML library here. */
#include "core/config.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

enum cfg_type {
	CT_STR,      /* char *; optional choices or a validator */
	CT_INT,      /* int in [min, max], optionally one of ivals */
	CT_ENUM,     /* int: index into choices */
	CT_TEXT,     /* struct mdg_textmap: language -> text */
	CT_STRLIST,  /* char ** + size_t count */
	CT_INTLIST,  /* int * + size_t count, each in [min, max] */
	CT_MAP,      /* nested keys filling the same struct */
	CT_LIST,     /* list of mappings: array of sub->size elements + size_t count */
};

struct cfg_schema;

struct cfg_field {
	const char *key;
	enum cfg_type type;
	bool required;                   /* the key must be present (and not empty) */
	const char *def;                 /* default, written as in the file; NULL: none */
	long min, max;                   /* CT_INT, CT_INTLIST items: allowed range */
	const int *ivals;                /* CT_INT: the only allowed values, 0-terminated */
	const char *const *choices;      /* CT_ENUM / CT_STR: allowed values, NULL-terminated */
	bool (*valid)(const char *s);    /* CT_STR, CT_STRLIST items: a pattern check */
	const char *valid_doc;           /* what valid() wants, for messages and docs */
	size_t min_items, max_items;     /* lists: entry count bounds (max_items 0: unbounded) */
	bool unique;                     /* CT_STRLIST, CT_INTLIST: no value twice */
	bool need_ja;                    /* CT_TEXT: a "ja" entry is required */
	bool is_path;                    /* CT_STR: resolved against the config file's folder */
	size_t off;                      /* where the value goes in the struct being filled */
	size_t count_off;                /* lists: where the count goes */
	const struct cfg_schema *sub;    /* CT_MAP / CT_LIST: the nested fields */
	const char *doc;
};

struct cfg_schema {
	const struct cfg_field *fields;
	size_t n;
	size_t size;                     /* CT_LIST: size of one element */
};

#define CFG_PATH_MAX 200 /* "services[12].name" and the like; longer ones are cut */
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define OFF(type, field) offsetof(struct type, field)

/* ---- validators (pattern checks of strings) ----------------------------------------------- */

static bool valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 32)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

static bool valid_letter(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] == '\0';
}

static bool valid_lang(const char *s)
{
	return i18n_lang_valid(s) != 0;
}

static bool valid_nonempty(const char *s)
{
	return *s != '\0';
}

static bool valid_timezone(const char *s)
{
	/* An IANA name ("Asia/Tokyo") or "UTC": letters, digits, '/', '_', '-', '+'. */
	if (!*s || strlen(s) > 64 || s[0] == '/' || strstr(s, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("/_-+", *p)))
			return false;
	return true;
}

static bool all_of(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr(extra, *s)))
			return false;
	return true;
}

/* file:/PATH | device:/PATH | tcp:HOST:PORT | cups:QUEUE (what print/sink.c accepts). */
static bool valid_sink(const char *s)
{
	if (strncmp(s, "file:", 5) == 0)
		return s[5] == '/' && s[6] != '\0';
	if (strncmp(s, "device:", 7) == 0)
		return s[7] == '/' && s[8] != '\0';
	if (strncmp(s, "cups:", 5) == 0)
		return all_of(s + 5, "_-.");
	if (strncmp(s, "tcp:", 4) == 0) {
		const char *colon = strrchr(s + 4, ':');
		if (!colon || colon == s + 4 || colon[1] == '\0' || strlen(colon + 1) > 5)
			return false;
		char host[256];
		size_t hn = (size_t)(colon - (s + 4));
		if (hn >= sizeof host)
			return false;
		memcpy(host, s + 4, hn);
		host[hn] = '\0';
		long port = 0;
		for (const char *p = colon + 1; *p; p++) {
			if (*p < '0' || *p > '9')
				return false;
			port = port * 10 + (*p - '0');
		}
		return all_of(host, ".-:") && port >= 1 && port <= 65535;
	}
	return false;
}

/* ---- the schema ---------------------------------------------------------------------------- */

static const char *const role_choices[] = { "kiosk", "counter", "board", "supervisor", NULL };
static const char *const level_choices[] = { "debug", "info", "warn", "error", NULL };
static const int paper_widths[] = { 58, 80, 0 };

#define ID_DOC "1 to 32 of a-z, 0-9, -"

static const struct cfg_field site_fields[] = {
	{ "id", CT_STR, .required = true, .valid = valid_id, .valid_doc = ID_DOC,
	  .off = OFF(mdg_config, site_id),
	  .doc = "site id: goes into ticket codes and the central sync" },
	{ "name", CT_TEXT, .required = true, .need_ja = true, .off = OFF(mdg_config, site_name),
	  .doc = "the office's name per language" },
	{ "timezone", CT_STR, .def = "Asia/Tokyo", .valid = valid_timezone,
	  .valid_doc = "an IANA zone name", .off = OFF(mdg_config, timezone),
	  .doc = "business dates change at local midnight of this zone" },
};
static const struct cfg_schema site_schema = { site_fields, N_OF(site_fields), 0 };

static const struct cfg_field store_fields[] = {
	{ "path", CT_STR, .def = "/var/lib/madoguchi/site.db", .valid = valid_nonempty,
	  .valid_doc = "a file path", .is_path = true, .off = OFF(mdg_config, store_path),
	  .doc = "the site store (SQLite, WAL); on a local disk, never NFS" },
	{ "busy_timeout_ms", CT_INT, .def = "5000", .min = 100, .max = 60000,
	  .off = OFF(mdg_config, busy_timeout_ms),
	  .doc = "how long a terminal waits for another one's write before giving up" },
	{ "retention_hours", CT_INT, .def = "72", .min = 1, .max = 720,
	  .off = OFF(mdg_config, retention_hours),
	  .doc = "submissions with personal data are purged after this many hours" },
	{ "key_file", CT_STR, .def = "/var/lib/madoguchi/site.key", .valid = valid_nonempty,
	  .valid_doc = "a file path", .is_path = true, .off = OFF(mdg_config, key_file),
	  .doc = "the site key file (ticket codes, field encryption), mode 0600" },
};
static const struct cfg_schema store_schema = { store_fields, N_OF(store_fields), 0 };

static const struct cfg_field idle_fields[] = {
	{ "kiosk", CT_INT, .def = "90", .min = 10, .max = 3600, .off = OFF(mdg_config, idle_kiosk_s),
	  .doc = "seconds without a touch before the kiosk wipes and returns to the start" },
	{ "counter", CT_INT, .def = "900", .min = 30, .max = 28800,
	  .off = OFF(mdg_config, idle_counter_s),
	  .doc = "seconds before a counter screen hides personal data and locks" },
	{ "supervisor", CT_INT, .def = "600", .min = 30, .max = 28800,
	  .off = OFF(mdg_config, idle_supervisor_s),
	  .doc = "seconds before the supervisor screen locks" },
};
static const struct cfg_schema idle_schema = { idle_fields, N_OF(idle_fields), 0 };

static const struct cfg_field queue_fields[] = {
	{ "priority_interleave", CT_INT, .def = "3", .min = 1, .max = 20,
	  .off = OFF(mdg_config, priority_interleave),
	  .doc = "one priority ticket is called per this many normal ones" },
	{ "overdue_percent", CT_INT, .def = "150", .min = 100, .max = 1000,
	  .off = OFF(mdg_config, overdue_percent),
	  .doc = "a ticket waiting longer than this share of its target goes first" },
	{ "noshow_after_recalls", CT_INT, .def = "2", .min = 0, .max = 10,
	  .off = OFF(mdg_config, noshow_after_recalls),
	  .doc = "recalls needed before a ticket may be marked no-show" },
	{ "eta_window", CT_INT, .def = "20", .min = 1, .max = 500, .off = OFF(mdg_config, eta_window),
	  .doc = "the estimated wait uses the median of this many recent service times" },
};
static const struct cfg_schema queue_schema = { queue_fields, N_OF(queue_fields), 0 };

static const struct cfg_field service_fields[] = {
	{ "letter", CT_STR, .required = true, .valid = valid_letter,
	  .valid_doc = "one capital letter A-Z",
	  .off = OFF(mdg_service, letter), .doc = "the ticket prefix (A of A-042); unique" },
	{ "name", CT_TEXT, .required = true, .need_ja = true, .off = OFF(mdg_service, name),
	  .doc = "short name per language" },
	{ "detail", CT_TEXT, .off = OFF(mdg_service, detail),
	  .doc = "what the service covers, per language" },
	{ "target_wait_min", CT_INT, .def = "15", .min = 1, .max = 480,
	  .off = OFF(mdg_service, target_wait_min),
	  .doc = "service-level target: residents called within this many minutes" },
	{ "default_service_min", CT_INT, .def = "8", .min = 1, .max = 240,
	  .off = OFF(mdg_service, default_service_min),
	  .doc = "service time used for the estimated wait before there are data" },
	{ "counters", CT_INTLIST, .required = true, .min = 1, .max = 99, .min_items = 1,
	  .max_items = 99, .unique = true, .off = OFF(mdg_service, counters),
	  .count_off = OFF(mdg_service, n_counters),
	  .doc = "the numbers of the counters that serve it; each must be in counters" },
};
static const struct cfg_schema service_schema = { service_fields, N_OF(service_fields),
						   sizeof(struct mdg_service) };

static const struct cfg_field counter_fields[] = {
	{ "number", CT_INT, .required = true, .min = 1, .max = 99, .off = OFF(mdg_counter, number),
	  .doc = "the counter's number, as shown (3 of 3番窓口); unique" },
	{ "name", CT_TEXT, .off = OFF(mdg_counter, name), .doc = "display name per language" },
	{ "services", CT_STRLIST, .valid = valid_letter, .valid_doc = "a service letter",
	  .min_items = 1, .max_items = 26, .unique = true, .off = OFF(mdg_counter, services),
	  .count_off = OFF(mdg_counter, n_services),
	  .doc = "service letters in this counter's preference order, each a service that lists this"
		 " counter (default: those services, in file order)" },
};
static const struct cfg_schema counter_schema = { counter_fields, N_OF(counter_fields),
						   sizeof(struct mdg_counter) };

static const struct cfg_field terminal_fields[] = {
	{ "id", CT_STR, .required = true, .valid = valid_id, .valid_doc = ID_DOC,
	  .off = OFF(mdg_terminal, id), .doc = "terminal id (kiosk-1, counter-3, ...); unique" },
	{ "role", CT_ENUM, .required = true, .choices = role_choices, .off = OFF(mdg_terminal, role),
	  .doc = "what the terminal runs" },
	{ "counter", CT_INT, .min = 1, .max = 99, .off = OFF(mdg_terminal, counter),
	  .doc = "its counter's number: required for role counter, not allowed for other roles" },
	{ "reader", CT_STR, .valid = valid_nonempty, .valid_doc = "a PC/SC reader name",
	  .off = OFF(mdg_terminal, reader),
	  .doc = "PC/SC reader for My Number cards, named as pcscd names it; one terminal per reader" },
	{ "printer", CT_STR, .valid = valid_sink,
	  .valid_doc = "file:/PATH, device:/PATH, tcp:HOST:PORT or cups:QUEUE",
	  .off = OFF(mdg_terminal, printer), .doc = "ticket printer (ESC/POS) sink" },
	{ "paper_mm", CT_INT, .def = "80", .min = 58, .max = 80, .ivals = paper_widths,
	  .off = OFF(mdg_terminal, paper_mm), .doc = "ticket paper width in millimetres" },
	{ "language", CT_STR, .valid = valid_lang, .valid_doc = "a language code like ja or zh_CN",
	  .off = OFF(mdg_terminal, language),
	  .doc = "the terminal's first language, one of languages (default: default_language)" },
};
static const struct cfg_schema terminal_schema = { terminal_fields, N_OF(terminal_fields),
						    sizeof(struct mdg_terminal) };

static const struct cfg_field log_fields[] = {
	{ "file", CT_STR, .valid = valid_nonempty, .valid_doc = "a file path", .is_path = true,
	  .off = OFF(mdg_config, log_file), .doc = "log file (default: standard error / the journal)" },
	{ "level", CT_STR, .def = "info", .choices = level_choices, .off = OFF(mdg_config, log_level),
	  .doc = "lowest level logged" },
};
static const struct cfg_schema log_schema = { log_fields, N_OF(log_fields), 0 };

static const struct cfg_field top_fields[] = {
	{ "site", CT_MAP, .required = true, .sub = &site_schema, .doc = "the office" },
	{ "store", CT_MAP, .sub = &store_schema, .doc = "the site store" },
	{ "languages", CT_STRLIST, .def = "ja", .valid = valid_lang,
	  .valid_doc = "a language code like ja, ja@easy, zh_CN", .min_items = 1, .max_items = 16,
	  .unique = true, .off = OFF(mdg_config, languages), .count_off = OFF(mdg_config, n_languages),
	  .doc = "languages offered to residents, in order" },
	{ "default_language", CT_STR, .def = "ja", .valid = valid_lang,
	  .valid_doc = "a language code like ja", .off = OFF(mdg_config, default_language),
	  .doc = "the language a kiosk starts in; one of languages" },
	{ "idle_timeout_s", CT_MAP, .sub = &idle_schema, .doc = "idle timeouts per role" },
	{ "queue", CT_MAP, .sub = &queue_schema, .doc = "the queue policy" },
	{ "services", CT_LIST, .required = true, .min_items = 1, .max_items = 26,
	  .sub = &service_schema, .off = OFF(mdg_config, services),
	  .count_off = OFF(mdg_config, n_services), .doc = "the services (queues) of the office" },
	{ "counters", CT_LIST, .required = true, .min_items = 1, .max_items = 99,
	  .sub = &counter_schema, .off = OFF(mdg_config, counters),
	  .count_off = OFF(mdg_config, n_counters),
	  .doc = "the counters (窓口); each serves a service" },
	{ "terminals", CT_LIST, .max_items = 200, .sub = &terminal_schema,
	  .off = OFF(mdg_config, terminals), .count_off = OFF(mdg_config, n_terminals),
	  .doc = "the terminals of the site" },
	{ "log", CT_MAP, .sub = &log_schema, .doc = "logging" },
};
static const struct cfg_schema top_schema = { top_fields, N_OF(top_fields), 0 };

/* ---- problems ------------------------------------------------------------------------------ */

struct problem {
	int line, col;
	size_t seq;                  /* order found: keeps the sort stable */
	char *msg;                   /* owned */
};

struct binder {
	const char *file;
	char *dir;                   /* folder of file, for relative paths (owned) */
	struct doc_diags *errs;
	struct problem *probs;       /* found problems, handed to errs sorted by position */
	size_t n_probs, cap_probs;
	/* Fields with a problem: a cross-check that reads values of such a field (say counter
	 * numbers) is skipped, as it would report the same mistake again in other words. */
	const struct cfg_field *dirty[64];
	size_t n_dirty;
	const struct cfg_field *cur; /* the field being bound (innermost), or NULL */
	bool nomem;
};

static void mark_dirty(struct binder *b, const struct cfg_field *f)
{
	for (size_t i = 0; f && i < b->n_dirty; i++)
		if (b->dirty[i] == f)
			return;
	if (f && b->n_dirty < N_OF(b->dirty))
		b->dirty[b->n_dirty++] = f;
}

static void bad(struct binder *b, const struct doc_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void bad(struct binder *b, const struct doc_node *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mark_dirty(b, b->cur);
	if (b->n_probs == b->cap_probs) {
		size_t cap = b->cap_probs ? b->cap_probs * 2 : 16;
		struct problem *p = realloc(b->probs, cap * sizeof *p);
		if (!p) {
			b->nomem = true;
			return;
		}
		b->probs = p;
		b->cap_probs = cap;
	}
	struct problem *p = &b->probs[b->n_probs];
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
	const struct problem *a = pa, *b = pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Moves the problems to errs in file order (an operator fixes a file top to bottom). */
static void flush_problems(struct binder *b)
{
	if (b->n_probs)
		qsort(b->probs, b->n_probs, sizeof *b->probs, by_position);
	for (size_t i = 0; i < b->n_probs; i++) {
		struct problem *p = &b->probs[i];
		if (!b->nomem && doc_diag_add(b->errs, b->file, p->line, p->col, "%s", p->msg) != 0)
			b->nomem = true;
		free(p->msg);
	}
	free(b->probs);
	b->probs = NULL;
	b->n_probs = b->cap_probs = 0;
}

static char *dup_or_flag(struct binder *b, const char *s)
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

static bool want_kind(struct binder *b, const struct doc_node *n, enum doc_kind kind,
		      const char *path)
{
	if (n->kind == kind)
		return true;
	bad(b, n, "'%s' must be %s, not %s", path, doc_kind_name(kind), doc_kind_name(n->kind));
	return false;
}

/* A whole number: an optional '-' and decimal digits, nothing else (no "0x10", no " 5"). */
static bool parse_int(struct binder *b, const struct cfg_field *f, const struct doc_node *n,
		      const char *path, long *out)
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
			bad(b, n, "'%s' must be %s, not '%s'", path, ivals_text(f->ivals, buf, sizeof buf), s);
			return false;
		}
	} else if (!digits || v < f->min || v > f->max) {
		bad(b, n, "'%s' must be a whole number from %ld to %ld, not '%s'", path, f->min, f->max, s);
		return false;
	}
	*out = v;
	return true;
}

static bool check_string(struct binder *b, const struct cfg_field *f, const struct doc_node *n,
			 const char *path)
{
	if (!want_kind(b, n, DOC_SCALAR, path))
		return false;
	if (n->null) {
		bad(b, n, "'%s' needs a value", path);
		return false;
	}
	if (f->choices) {
		for (const char *const *c = f->choices; *c; c++)
			if (strcmp(*c, n->scalar) == 0)
				return true;
		char buf[200];
		bad(b, n, "'%s' must be one of %s, not '%s'", path,
		    choices_text(f->choices, buf, sizeof buf), n->scalar);
		return false;
	}
	if (f->valid && !f->valid(n->scalar)) {
		bad(b, n, "'%s' must be %s, not '%s'", path, f->valid_doc, n->scalar);
		return false;
	}
	return true;
}

static char *resolve_path(struct binder *b, const char *s)
{
	if (s[0] == '/' || !b->dir)
		return dup_or_flag(b, s);
	size_t n = strlen(b->dir) + strlen(s) + 2;
	char *p = malloc(n);
	if (!p) {
		b->nomem = true;
		return NULL;
	}
	snprintf(p, n, "%s%s%s", b->dir, strcmp(b->dir, "/") == 0 ? "" : "/", s);
	return p;
}

static void bind_schema(struct binder *b, const struct cfg_schema *s, const struct doc_node *map,
			void *base, const char *path);

static void set_default(struct binder *b, const struct cfg_field *f, void *base)
{
	char *at = (char *)base + f->off;
	switch (f->type) {
	case CT_STR:
		if (f->def)
			*(char **)at = f->is_path ? resolve_path(b, f->def) : dup_or_flag(b, f->def);
		break;
	case CT_INT:
		if (f->def)
			*(int *)at = atoi(f->def);
		break;
	case CT_STRLIST:
		if (f->def) {
			char **v = calloc(1, sizeof *v);
			if (!v || !(v[0] = dup_or_flag(b, f->def))) {
				free(v);
				b->nomem = true;
				return;
			}
			*(char ***)at = v;
			*(size_t *)((char *)base + f->count_off) = 1;
		}
		break;
	case CT_MAP:
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

static void bind_text(struct binder *b, const struct cfg_field *f, const struct doc_node *n,
		      struct mdg_textmap *out, const char *path)
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
			bad(b, k, "'%s' has '%s', which is not a language code (like ja, en, zh_CN, ja@easy)",
			    path, k->kind == DOC_SCALAR ? k->scalar : doc_kind_name(k->kind));
			lang_problem = true;
			continue;
		}
		if (v->kind != DOC_SCALAR || v->null || !v->scalar[0]) {
			bad(b, v, "'%s.%s' must be a text", path, k->scalar);
			continue;
		}
		struct mdg_text *t = &out->v[out->n];
		t->lang = dup_or_flag(b, k->scalar);
		t->text = dup_or_flag(b, v->scalar);
		if (!t->lang || !t->text) {
			free(t->lang);
			free(t->text);
			t->lang = t->text = NULL;
			return;
		}
		out->n++;
	}
	if (f->need_ja && !has_text(out, "ja") && !(lang_problem && out->n == 0))
		bad(b, n, "'%s' needs a ja entry (Japanese is the fallback of every language)", path);
}

/* Reports values that appear twice in a list (by their later occurrence). */
static void check_unique(struct binder *b, const struct cfg_field *f, const struct doc_node *seq,
			 const char *path)
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
				bad(b, x, "'%s' lists %s twice", path, x->scalar);
				break;
			}
		}
	}
}

static void bind_list(struct binder *b, const struct cfg_field *f, const struct doc_node *n,
		      void *base, const char *path)
{
	char *at = (char *)base + f->off;
	size_t *count = (size_t *)((char *)base + f->count_off);
	if (!want_kind(b, n, DOC_SEQ, path))
		return;
	if (n->n == 0 && f->min_items)
		bad(b, n, "'%s' must not be empty%s", path,
		    f->required ? "" : " (leave it out to use the default)");
	/* Too many entries or a repeated value leave every bound value sound: not dirty. */
	const struct cfg_field *cur = b->cur;
	b->cur = NULL;
	if (n->n > 0 && (n->n < f->min_items || (f->max_items && n->n > f->max_items))) {
		if (f->max_items)
			bad(b, n, "'%s' must have from %zu to %zu entries, not %zu", path, f->min_items,
			    f->max_items, n->n);
		else
			bad(b, n, "'%s' must have at least %zu entries, not %zu", path, f->min_items, n->n);
	}
	if (f->unique)
		check_unique(b, f, n, path);
	b->cur = cur;
	size_t elem = f->type == CT_LIST ? f->sub->size : f->type == CT_STRLIST ? sizeof(char *) :
										  sizeof(int);
	void *arr = calloc(n->n ? n->n : 1, elem);
	if (!arr) {
		b->nomem = true;
		return;
	}
	/* A given list replaces the default. */
	if (f->type == CT_STRLIST && *(char ***)at) {
		for (size_t i = 0; i < *count; i++)
			free((*(char ***)at)[i]);
		free(*(char ***)at);
	}
	*(void **)at = arr;
	*count = 0;
	for (size_t i = 0; i < n->n; i++) {
		char ipath[CFG_PATH_MAX];
		if (snprintf(ipath, sizeof ipath, "%s[%zu]", path, i) >= (int)sizeof ipath)
			ipath[sizeof ipath - 1] = '\0'; /* a path that long is only shortened in messages */
		const struct doc_node *item = n->items[i];
		if (f->type == CT_LIST) {
			if (!want_kind(b, item, DOC_MAP, ipath))
				continue;
			void *el = (char *)arr + *count * elem;
			(*count)++; /* counted first: config_free frees what binding leaves in it */
			for (size_t k = 0; k < f->sub->n; k++)
				set_default(b, &f->sub->fields[k], el);
			bind_schema(b, f->sub, item, el, ipath);
		} else if (f->type == CT_STRLIST) {
			char *s;
			if (check_string(b, f, item, ipath) && (s = dup_or_flag(b, item->scalar)))
				((char **)arr)[(*count)++] = s;
		} else {
			long v;
			if (parse_int(b, f, item, ipath, &v))
				((int *)arr)[(*count)++] = (int)v;
		}
	}
}

static void bind_field(struct binder *b, const struct cfg_field *f, const struct doc_node *n,
		       void *base, const char *path)
{
	char *at = (char *)base + f->off;
	long v;
	switch (f->type) {
	case CT_STR:
		if (check_string(b, f, n, path)) {
			free(*(char **)at);
			*(char **)at = f->is_path ? resolve_path(b, n->scalar) : dup_or_flag(b, n->scalar);
		}
		break;
	case CT_INT:
		if (parse_int(b, f, n, path, &v))
			*(int *)at = (int)v;
		break;
	case CT_ENUM:
		if (check_string(b, f, n, path))
			for (int i = 0; f->choices[i]; i++)
				if (strcmp(f->choices[i], n->scalar) == 0)
					*(int *)at = i;
		break;
	case CT_TEXT:
		bind_text(b, f, n, (struct mdg_textmap *)at, path);
		break;
	case CT_STRLIST:
	case CT_INTLIST:
	case CT_LIST:
		bind_list(b, f, n, base, path);
		break;
	case CT_MAP:
		if (want_kind(b, n, DOC_MAP, path))
			bind_schema(b, f->sub, n, base, path);
		break;
	}
}

/* The closest key of s to an unknown one when it is plausibly a typo of it, or NULL. */
static const char *suggest(const struct cfg_schema *s, const char *key)
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

static void bind_schema(struct binder *b, const struct cfg_schema *s, const struct doc_node *map,
			void *base, const char *path)
{
	const struct cfg_field *outer = b->cur;
	const char *in = path[0] ? " in " : "";
	for (size_t i = 0; i < map->n; i++) {
		const struct doc_node *k = map->keys[i], *v = map->items[i];
		const struct cfg_field *f = NULL;
		b->cur = NULL; /* an unknown key spoils no value */
		if (k->kind != DOC_SCALAR || !k->scalar) {
			bad(b, k, "a key must be a plain value, not %s", doc_kind_name(k->kind));
			continue;
		}
		for (size_t j = 0; j < s->n && !f; j++)
			if (strcmp(s->fields[j].key, k->scalar) == 0)
				f = &s->fields[j];
		if (!f) {
			const char *best = suggest(s, k->scalar);
			if (best)
				bad(b, k, "unknown key '%s'%s%s (did you mean '%s'?)", k->scalar, in, path, best);
			else
				bad(b, k, "unknown key '%s'%s%s", k->scalar, in, path);
			continue;
		}
		char sub[CFG_PATH_MAX];
		if (snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->key) >=
		    (int)sizeof sub)
			sub[sizeof sub - 1] = '\0';
		b->cur = f;
		/* An empty value ("log:" with every line below commented out) means "not given". */
		if (v->kind == DOC_SCALAR && v->null && f->required)
			bad(b, v, "'%s' needs a value", sub);
		else if (!(v->kind == DOC_SCALAR && v->null))
			bind_field(b, f, v, base, sub);
	}
	for (size_t j = 0; j < s->n; j++) {
		if (!s->fields[j].required || doc_map_get(map, s->fields[j].key))
			continue;
		b->cur = &s->fields[j];
		bad(b, map, "missing required key '%s'%s%s", s->fields[j].key, in, path);
	}
	b->cur = outer;
}

/* ---- cross-checks -------------------------------------------------------------------------- */

static const struct cfg_field *field_of(const struct cfg_schema *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->fields[i].key, key) == 0)
			return &s->fields[i];
	return NULL;
}

static bool is_dirty(const struct binder *b, const struct cfg_field *f)
{
	for (size_t i = 0; i < b->n_dirty; i++)
		if (b->dirty[i] == f)
			return true;
	return false;
}

/* True when the top-level key (and its sub-key, for lists of mappings) had no problem, so that
 * checks of other sections can trust the values bound from it. */
static bool clean(const struct binder *b, const char *key, const char *sub)
{
	const struct cfg_field *f = field_of(&top_schema, key);
	if (!f || is_dirty(b, f))
		return false;
	return !sub || !is_dirty(b, field_of(f->sub, sub));
}

/* The idx-th entry of the list under list_key, or its key's value (for positions). */
static const struct doc_node *entry_node(const struct doc_node *root, const char *list_key,
					 size_t idx, const char *key)
{
	const struct doc_node *l = doc_map_get(root, list_key);
	if (!l || l->kind != DOC_SEQ || idx >= l->n)
		return root;
	const struct doc_node *e = l->items[idx];
	const struct doc_node *k = key ? doc_map_get(e, key) : NULL;
	return k ? k : e;
}

/* Entries of a CT_LIST were bound in order, skipping items that were not mappings: the doc
 * index of bound entry i. */
static size_t doc_index(const struct doc_node *root, const char *list_key, size_t i)
{
	const struct doc_node *l = doc_map_get(root, list_key);
	size_t seen = 0;
	for (size_t k = 0; l && l->kind == DOC_SEQ && k < l->n; k++)
		if (l->items[k]->kind == DOC_MAP && seen++ == i)
			return k;
	return i;
}

static bool offered(const struct mdg_config *c, const char *lang)
{
	for (size_t i = 0; i < c->n_languages; i++)
		if (c->languages[i] && strcmp(c->languages[i], lang) == 0)
			return true;
	return false;
}

static bool serves(const struct mdg_service *s, int counter)
{
	for (size_t k = 0; k < s->n_counters; k++)
		if (s->counters[k] == counter)
			return true;
	return false;
}

static void check_languages(struct binder *b, const struct mdg_config *c,
			    const struct doc_node *root)
{
	const struct doc_node *dl = doc_map_get(root, "default_language");
	if (clean(b, "languages", NULL) && clean(b, "default_language", NULL) && c->default_language &&
	    !offered(c, c->default_language))
		bad(b, dl ? dl : root, "default_language '%s' is not among the languages%s",
		    c->default_language, dl ? "" : " (ja by default)");
}

static void check_services(struct binder *b, const struct mdg_config *c,
			   const struct doc_node *root)
{
	for (size_t i = 0; i < c->n_services; i++) {
		const struct mdg_service *s = &c->services[i];
		size_t di = doc_index(root, "services", i);
		for (size_t j = 0; s->letter && j < i; j++)
			if (c->services[j].letter && strcmp(s->letter, c->services[j].letter) == 0)
				bad(b, entry_node(root, "services", di, "letter"),
				    "service %s is listed twice", s->letter);
		if (!clean(b, "counters", "number"))
			continue; /* a counter with a bad number would look missing */
		for (size_t k = 0; k < s->n_counters; k++)
			if (!config_counter(c, s->counters[k]))
				bad(b, entry_node(root, "services", di, "counters"),
				    "service %s names counter %d, which is not in counters",
				    s->letter ? s->letter : "?", s->counters[k]);
	}
}

static void check_counters(struct binder *b, const struct mdg_config *c,
			   const struct doc_node *root)
{
	for (size_t i = 0; i < c->n_counters; i++) {
		const struct mdg_counter *ct = &c->counters[i];
		size_t di = doc_index(root, "counters", i);
		if (ct->number == 0)
			continue; /* its number was wrong: already reported */
		for (size_t j = 0; j < i; j++)
			if (ct->number == c->counters[j].number)
				bad(b, entry_node(root, "counters", di, "number"), "counter %d is listed twice",
				    ct->number);
		if (!clean(b, "services", "letter") || !clean(b, "services", "counters"))
			continue;
		bool used = false;
		for (size_t s = 0; s < c->n_services; s++)
			used |= serves(&c->services[s], ct->number);
		if (!used)
			bad(b, entry_node(root, "counters", di, "number"),
			    "counter %d serves nothing: no service lists it in its counters", ct->number);
		for (size_t k = 0; k < ct->n_services; k++) {
			const struct mdg_service *s = config_service(c, ct->services[k]);
			if (!s)
				bad(b, entry_node(root, "counters", di, "services"),
				    "counter %d prefers service %s, which is not in services", ct->number,
				    ct->services[k]);
			else if (!serves(s, ct->number))
				bad(b, entry_node(root, "counters", di, "services"),
				    "counter %d prefers service %s, but service %s does not list counter %d",
				    ct->number, s->letter, s->letter, ct->number);
		}
	}
}

static void check_terminals(struct binder *b, const struct mdg_config *c,
			    const struct doc_node *root)
{
	for (size_t i = 0; i < c->n_terminals; i++) {
		const struct mdg_terminal *t = &c->terminals[i];
		size_t di = doc_index(root, "terminals", i);
		const struct doc_node *e = entry_node(root, "terminals", di, NULL);
		const char *id = t->id ? t->id : "?";
		for (size_t j = 0; t->id && j < i; j++)
			if (c->terminals[j].id && strcmp(t->id, c->terminals[j].id) == 0)
				bad(b, entry_node(root, "terminals", di, "id"), "terminal '%s' is listed twice",
				    t->id);
		/* Every terminal runs on the site host's one pcscd: a reader cannot serve two. */
		for (size_t j = 0; t->reader && j < i; j++)
			if (c->terminals[j].reader && strcmp(t->reader, c->terminals[j].reader) == 0) {
				bad(b, entry_node(root, "terminals", di, "reader"),
				    "terminal '%s' uses the reader of terminal '%s': a reader serves one"
				    " terminal", id, c->terminals[j].id ? c->terminals[j].id : "?");
				break;
			}
		/* Role rules only when the role itself was right. */
		const struct doc_node *r = doc_map_get(e, "role");
		bool role_ok = r && r->kind == DOC_SCALAR && !r->null &&
			       strcmp(r->scalar, role_choices[t->role]) == 0;
		const struct doc_node *cn = doc_map_get(e, "counter");
		bool given = cn && !(cn->kind == DOC_SCALAR && cn->null);
		if (role_ok && t->role == MDG_ROLE_COUNTER && !given)
			bad(b, e, "terminal '%s' is a counter terminal: it needs 'counter' (its number)", id);
		else if (role_ok && t->role != MDG_ROLE_COUNTER && given)
			bad(b, cn, "'counter' is only for counter terminals ('%s' is a %s terminal)", id,
			    role_choices[t->role]);
		else if (role_ok && t->counter && clean(b, "counters", "number") &&
			 !config_counter(c, t->counter))
			bad(b, cn, "terminal '%s' names counter %d, which is not in counters", id, t->counter);
		if (t->language && clean(b, "languages", NULL) && !offered(c, t->language))
			bad(b, entry_node(root, "terminals", di, "language"),
			    "terminal '%s' starts in '%s', which is not among the languages", id,
			    t->language);
	}
}

/* Counters without a preference list get the services that list them, in file order. */
static void derive_preferences(struct binder *b, struct mdg_config *c)
{
	for (size_t i = 0; i < c->n_counters; i++) {
		struct mdg_counter *ct = &c->counters[i];
		if (ct->n_services)
			continue;
		free(ct->services);
		ct->services = calloc(c->n_services ? c->n_services : 1, sizeof *ct->services);
		if (!ct->services) {
			b->nomem = true;
			return;
		}
		for (size_t s = 0; s < c->n_services; s++) {
			char *l;
			if (serves(&c->services[s], ct->number) && (l = dup_or_flag(b, c->services[s].letter)))
				ct->services[ct->n_services++] = l;
		}
	}
}

/* ---- freeing ------------------------------------------------------------------------------- */

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

static void free_schema(const struct cfg_schema *s, void *base)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct cfg_field *f = &s->fields[i];
		char *at = (char *)base + f->off;
		size_t *count = (size_t *)((char *)base + f->count_off);
		switch (f->type) {
		case CT_STR:
			free(*(char **)at);
			break;
		case CT_TEXT:
			free_text((struct mdg_textmap *)at);
			break;
		case CT_STRLIST:
			for (size_t k = 0; *(char ***)at && k < *count; k++)
				free((*(char ***)at)[k]);
			free(*(char ***)at);
			break;
		case CT_INTLIST:
			free(*(int **)at);
			break;
		case CT_LIST:
			for (size_t k = 0; *(void **)at && k < *count; k++)
				free_schema(f->sub, *(char **)at + k * f->sub->size);
			free(*(void **)at);
			break;
		case CT_MAP:
			free_schema(f->sub, base);
			break;
		default:
			break;
		}
	}
}

void config_free(struct mdg_config **pp)
{
	if (!pp || !*pp)
		return;
	struct mdg_config *c = *pp;
	/* Derived preference lists have the schema's shape (a string list), so this frees them. */
	free_schema(&top_schema, c);
	free(c->path);
	free(c);
	*pp = NULL;
}

/* The folder of file for relative paths: NULL (cwd) for a bare name. */
static char *folder_of(struct binder *b, const char *file)
{
	const char *slash = file ? strrchr(file, '/') : NULL;
	if (!slash)
		return NULL;
	char *d = slash == file ? strdup("/") : strndup(file, (size_t)(slash - file));
	if (!d)
		b->nomem = true;
	return d;
}

enum mdg_status config_from_doc(const struct doc *doc, struct mdg_config **out,
				struct doc_diags *errs)
{
	*out = NULL;
	struct binder b = { .file = doc->file ? doc->file : "-", .errs = errs };
	struct mdg_config *c = calloc(1, sizeof *c);
	if (!c)
		return MDG_ERR_NOMEM;
	b.dir = folder_of(&b, doc->file);
	if (doc->file && !(c->path = strdup(doc->file)))
		b.nomem = true;
	for (size_t i = 0; i < top_schema.n; i++)
		set_default(&b, &top_schema.fields[i], c);
	const struct doc_node *root = doc->root;
	if (!root || (root->kind == DOC_SCALAR && root->null)) {
		bad(&b, NULL, "the file is empty: a site file needs at least site, services and counters");
	} else if (root->kind != DOC_MAP) {
		bad(&b, root, "the file must be a mapping of keys (site:, services:, ...), not %s",
		    doc_kind_name(root->kind));
	} else {
		bind_schema(&b, &top_schema, root, c, "");
		if (!b.nomem) {
			check_languages(&b, c, root);
			check_services(&b, c, root);
			check_counters(&b, c, root);
			check_terminals(&b, c, root);
		}
		if (!b.nomem && !b.n_probs)
			derive_preferences(&b, c);
	}
	enum mdg_status rc = b.nomem ? MDG_ERR_NOMEM : b.n_probs ? MDG_ERR_CONFIG : MDG_OK;
	flush_problems(&b);
	if (b.nomem)
		rc = MDG_ERR_NOMEM;
	free(b.dir);
	if (rc != MDG_OK) {
		config_free(&c);
		return rc;
	}
	*out = c;
	return MDG_OK;
}

/* ---- documentation and lookups ------------------------------------------------------------- */

static const char *const type_names[] = {
	[CT_STR] = "text", [CT_INT] = "number", [CT_ENUM] = "choice", [CT_TEXT] = "text per language",
	[CT_STRLIST] = "list of texts", [CT_INTLIST] = "list of numbers", [CT_MAP] = "mapping",
	[CT_LIST] = "list of mappings",
};

static void print_schema(FILE *out, const struct cfg_schema *s, const char *prefix)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct cfg_field *f = &s->fields[i];
		char path[CFG_PATH_MAX], buf[200];
		if (snprintf(path, sizeof path, "%s%s%s", prefix, f->key, f->type == CT_LIST ? "[]" : "") >=
		    (int)sizeof path)
			path[sizeof path - 1] = '\0';
		fprintf(out, "%s\n    %s; %s", path, type_names[f->type],
			f->required ? "required" : "optional");
		if (f->def)
			fprintf(out, "; default %s", f->def);
		if (f->ivals)
			fprintf(out, "; %s", ivals_text(f->ivals, buf, sizeof buf));
		else if (f->type == CT_INT)
			fprintf(out, "; %ld to %ld", f->min, f->max);
		else if (f->type == CT_INTLIST)
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
			char sub[CFG_PATH_MAX];
			if (snprintf(sub, sizeof sub, "%s.", path) >= (int)sizeof sub)
				sub[sizeof sub - 1] = '\0';
			print_schema(out, f->sub, sub);
		}
	}
}

void config_schema_print(FILE *out)
{
	print_schema(out, &top_schema, "");
}

const struct mdg_service *config_service(const struct mdg_config *c, const char *letter)
{
	for (size_t i = 0; c && letter && i < c->n_services; i++)
		if (c->services[i].letter && strcmp(c->services[i].letter, letter) == 0)
			return &c->services[i];
	return NULL;
}

const struct mdg_counter *config_counter(const struct mdg_config *c, int number)
{
	for (size_t i = 0; c && i < c->n_counters; i++)
		if (c->counters[i].number == number)
			return &c->counters[i];
	return NULL;
}

const struct mdg_terminal *config_terminal(const struct mdg_config *c, const char *id)
{
	for (size_t i = 0; c && id && i < c->n_terminals; i++)
		if (c->terminals[i].id && strcmp(c->terminals[i].id, id) == 0)
			return &c->terminals[i];
	return NULL;
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
