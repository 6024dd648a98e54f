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

#define N_OF SCHEMA_N_OF
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

/* A libpq service name, a conninfo ("service=x dbname=y", "host=... ") or a postgresql:// URI,
 * never with a password: those live in ~/.pgpass, not in the site file. sync/central.c checks
 * again with libpq's own parser before connecting. */
static bool valid_central(const char *s)
{
	if (!*s || strlen(s) > 512)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	char low[513];
	size_t n = 0;
	for (; s[n]; n++)
		low[n] = (char)tolower((unsigned char)s[n]);
	low[n] = '\0';
	if (strstr(low, "password"))
		return false;
	if (strncmp(low, "postgres://", 11) == 0 || strncmp(low, "postgresql://", 13) == 0) {
		const char *auth = strstr(low, "://") + 3, *at = strchr(auth, '@');
		const char *colon = strchr(auth, ':');
		return !(at && colon && colon < at); /* user:secret@host */
	}
	if (strchr(s, '='))
		return true;
	return all_of(s, "_-.");
}

/* ---- the schema ---------------------------------------------------------------------------- */

static const char *const role_choices[] = { "kiosk", "counter", "board", "supervisor", NULL };
static const char *const level_choices[] = { "debug", "info", "warn", "error", NULL };
static const int paper_widths[] = { 58, 80, 0 };

#define ID_DOC "1 to 32 of a-z, 0-9, -"

static const struct schema_field site_fields[] = {
	{ "id", SCH_STR, .required = true, .valid = valid_id, .valid_doc = ID_DOC,
	  .off = OFF(mdg_config, site_id),
	  .doc = "site id: goes into ticket codes and the central sync" },
	{ "name", SCH_TEXT, .required = true, .need_ja = true, .off = OFF(mdg_config, site_name),
	  .doc = "the office's name per language" },
	{ "timezone", SCH_STR, .def = "Asia/Tokyo", .valid = valid_timezone,
	  .valid_doc = "an IANA zone name", .off = OFF(mdg_config, timezone),
	  .doc = "business dates change at local midnight of this zone" },
};
static const struct schema site_schema = { site_fields, N_OF(site_fields), 0 };

static const struct schema_field store_fields[] = {
	{ "path", SCH_STR, .def = "/var/lib/madoguchi/site.db", .valid = valid_nonempty,
	  .valid_doc = "a file path", .is_path = true, .off = OFF(mdg_config, store_path),
	  .doc = "the site store (SQLite, WAL); on a local disk, never NFS" },
	{ "busy_timeout_ms", SCH_INT, .def = "5000", .min = 100, .max = 60000,
	  .off = OFF(mdg_config, busy_timeout_ms),
	  .doc = "how long a terminal waits for another one's write before giving up" },
	{ "retention_hours", SCH_INT, .def = "72", .min = 1, .max = 720,
	  .off = OFF(mdg_config, retention_hours),
	  .doc = "submissions with personal data are purged after this many hours" },
	{ "key_file", SCH_STR, .def = "/var/lib/madoguchi/site.key", .valid = valid_nonempty,
	  .valid_doc = "a file path", .is_path = true, .off = OFF(mdg_config, key_file),
	  .doc = "the site key file (ticket codes, field encryption), mode 0600" },
};
static const struct schema store_schema = { store_fields, N_OF(store_fields), 0 };

static const struct schema_field idle_fields[] = {
	{ "kiosk", SCH_INT, .def = "90", .min = 10, .max = 3600, .off = OFF(mdg_config, idle_kiosk_s),
	  .doc = "seconds without a touch before the kiosk wipes and returns to the start" },
	{ "counter", SCH_INT, .def = "900", .min = 30, .max = 28800,
	  .off = OFF(mdg_config, idle_counter_s),
	  .doc = "seconds before a counter screen hides personal data and locks" },
	{ "supervisor", SCH_INT, .def = "600", .min = 30, .max = 28800,
	  .off = OFF(mdg_config, idle_supervisor_s),
	  .doc = "seconds before the supervisor screen locks" },
};
static const struct schema idle_schema = { idle_fields, N_OF(idle_fields), 0 };

static const struct schema_field queue_fields[] = {
	{ "priority_interleave", SCH_INT, .def = "3", .min = 1, .max = 20,
	  .off = OFF(mdg_config, priority_interleave),
	  .doc = "one priority ticket is called per this many normal ones" },
	{ "overdue_percent", SCH_INT, .def = "150", .min = 100, .max = 1000,
	  .off = OFF(mdg_config, overdue_percent),
	  .doc = "a ticket waiting longer than this share of its target goes first" },
	{ "noshow_after_recalls", SCH_INT, .def = "2", .min = 0, .max = 10,
	  .off = OFF(mdg_config, noshow_after_recalls),
	  .doc = "recalls needed before a ticket may be marked no-show" },
	{ "eta_window", SCH_INT, .def = "20", .min = 1, .max = 500, .off = OFF(mdg_config, eta_window),
	  .doc = "the estimated wait uses the median of this many recent service times" },
};
static const struct schema queue_schema = { queue_fields, N_OF(queue_fields), 0 };

static const struct schema_field staff_fields[] = {
	{ "lockout_failures", SCH_INT, .def = "5", .min = 1, .max = 20,
	  .off = OFF(mdg_config, staff_lockout_failures),
	  .doc = "wrong PINs in a row after which a staff account locks" },
	{ "lockout_minutes", SCH_INT, .def = "15", .min = 1, .max = 1440,
	  .off = OFF(mdg_config, staff_lockout_minutes),
	  .doc = "how long a locked staff account stays locked (a supervisor may unlock it sooner)" },
};
static const struct schema staff_schema = { staff_fields, N_OF(staff_fields), 0 };

static const struct schema_field service_fields[] = {
	{ "letter", SCH_STR, .required = true, .valid = valid_letter,
	  .valid_doc = "one capital letter A-Z",
	  .off = OFF(mdg_service, letter), .doc = "the ticket prefix (A of A-042); unique" },
	{ "name", SCH_TEXT, .required = true, .need_ja = true, .off = OFF(mdg_service, name),
	  .doc = "short name per language" },
	{ "detail", SCH_TEXT, .off = OFF(mdg_service, detail),
	  .doc = "what the service covers, per language" },
	{ "target_wait_min", SCH_INT, .def = "15", .min = 1, .max = 480,
	  .off = OFF(mdg_service, target_wait_min),
	  .doc = "service-level target: residents called within this many minutes" },
	{ "default_service_min", SCH_INT, .def = "8", .min = 1, .max = 240,
	  .off = OFF(mdg_service, default_service_min),
	  .doc = "service time used for the estimated wait before there are data" },
	{ "counters", SCH_INTLIST, .required = true, .min = 1, .max = 99, .min_items = 1,
	  .max_items = 99, .unique = true, .off = OFF(mdg_service, counters),
	  .count_off = OFF(mdg_service, n_counters),
	  .doc = "the numbers of the counters that serve it; each must be in counters" },
};
static const struct schema service_schema = { service_fields, N_OF(service_fields),
						   sizeof(struct mdg_service) };

static const struct schema_field counter_fields[] = {
	{ "number", SCH_INT, .required = true, .min = 1, .max = 99, .off = OFF(mdg_counter, number),
	  .doc = "the counter's number, as shown (3 of 3番窓口); unique" },
	{ "name", SCH_TEXT, .off = OFF(mdg_counter, name), .doc = "display name per language" },
	{ "services", SCH_STRLIST, .valid = valid_letter, .valid_doc = "a service letter",
	  .min_items = 1, .max_items = 26, .unique = true, .off = OFF(mdg_counter, services),
	  .count_off = OFF(mdg_counter, n_services),
	  .doc = "service letters in this counter's preference order, each a service that lists this"
		 " counter (default: those services, in file order)" },
};
static const struct schema counter_schema = { counter_fields, N_OF(counter_fields),
						   sizeof(struct mdg_counter) };

static const struct schema_field terminal_fields[] = {
	{ "id", SCH_STR, .required = true, .valid = valid_id, .valid_doc = ID_DOC,
	  .off = OFF(mdg_terminal, id), .doc = "terminal id (kiosk-1, counter-3, ...); unique" },
	{ "role", SCH_ENUM, .required = true, .choices = role_choices, .off = OFF(mdg_terminal, role),
	  .doc = "what the terminal runs" },
	{ "counter", SCH_INT, .min = 1, .max = 99, .off = OFF(mdg_terminal, counter),
	  .doc = "its counter's number: required for role counter, not allowed for other roles" },
	{ "reader", SCH_STR, .valid = valid_nonempty, .valid_doc = "a PC/SC reader name",
	  .off = OFF(mdg_terminal, reader),
	  .doc = "PC/SC reader for My Number cards, named as pcscd names it; one terminal per reader" },
	{ "printer", SCH_STR, .valid = valid_sink,
	  .valid_doc = "file:/PATH, device:/PATH, tcp:HOST:PORT or cups:QUEUE",
	  .off = OFF(mdg_terminal, printer), .doc = "ticket printer (ESC/POS) sink" },
	{ "paper_mm", SCH_INT, .def = "80", .min = 58, .max = 80, .ivals = paper_widths,
	  .off = OFF(mdg_terminal, paper_mm), .doc = "ticket paper width in millimetres" },
	{ "language", SCH_STR, .valid = valid_lang, .valid_doc = "a language code like ja or zh_CN",
	  .off = OFF(mdg_terminal, language),
	  .doc = "the terminal's first language, one of languages (default: default_language)" },
};
static const struct schema terminal_schema = { terminal_fields, N_OF(terminal_fields),
						    sizeof(struct mdg_terminal) };

static const struct schema_field sync_fields[] = {
	{ "central", SCH_STR, .valid = valid_central,
	  .valid_doc = "a libpq service name or a conninfo, without password",
	  .off = OFF(mdg_config, sync_central),
	  .doc = "the central PostgreSQL (inside the segment): a service of pg_service.conf, which"
		 " names host, database, user and sslrootcert; passwords go in ~/.pgpass"
		 " (default: the PG* environment variables)" },
	{ "batch_rows", SCH_INT, .def = "10000", .min = 10, .max = 100000,
	  .off = OFF(mdg_config, sync_batch_rows),
	  .doc = "rows per central transaction: an interrupted sync resumes after the last batch" },
	{ "connect_timeout_s", SCH_INT, .def = "10", .min = 1, .max = 300,
	  .off = OFF(mdg_config, sync_connect_timeout_s),
	  .doc = "seconds to wait for the central server to answer a connection" },
	{ "statement_timeout_s", SCH_INT, .def = "300", .min = 10, .max = 3600,
	  .off = OFF(mdg_config, sync_statement_timeout_s),
	  .doc = "seconds one central statement may take before the sync gives up" },
};
static const struct schema sync_schema = { sync_fields, N_OF(sync_fields), 0 };

static const struct schema_field log_fields[] = {
	{ "file", SCH_STR, .valid = valid_nonempty, .valid_doc = "a file path", .is_path = true,
	  .off = OFF(mdg_config, log_file), .doc = "log file (default: standard error / the journal)" },
	{ "level", SCH_STR, .def = "info", .choices = level_choices, .off = OFF(mdg_config, log_level),
	  .doc = "lowest level logged" },
};
static const struct schema log_schema = { log_fields, N_OF(log_fields), 0 };

static const struct schema_field top_fields[] = {
	{ "site", SCH_MAP, .required = true, .sub = &site_schema, .doc = "the office" },
	{ "store", SCH_MAP, .sub = &store_schema, .doc = "the site store" },
	{ "languages", SCH_STRLIST, .def = "ja", .valid = valid_lang,
	  .valid_doc = "a language code like ja, ja@easy, zh_CN", .min_items = 1, .max_items = 16,
	  .unique = true, .off = OFF(mdg_config, languages), .count_off = OFF(mdg_config, n_languages),
	  .doc = "languages offered to residents, in order" },
	{ "default_language", SCH_STR, .def = "ja", .valid = valid_lang,
	  .valid_doc = "a language code like ja", .off = OFF(mdg_config, default_language),
	  .doc = "the language a kiosk starts in; one of languages" },
	{ "idle_timeout_s", SCH_MAP, .sub = &idle_schema, .doc = "idle timeouts per role" },
	{ "queue", SCH_MAP, .sub = &queue_schema, .doc = "the queue policy" },
	{ "staff", SCH_MAP, .sub = &staff_schema, .doc = "staff logins" },
	{ "services", SCH_LIST, .required = true, .min_items = 1, .max_items = 26,
	  .sub = &service_schema, .off = OFF(mdg_config, services),
	  .count_off = OFF(mdg_config, n_services), .doc = "the services (queues) of the office" },
	{ "counters", SCH_LIST, .required = true, .min_items = 1, .max_items = 99,
	  .sub = &counter_schema, .off = OFF(mdg_config, counters),
	  .count_off = OFF(mdg_config, n_counters),
	  .doc = "the counters (窓口); each serves a service" },
	{ "terminals", SCH_LIST, .max_items = 200, .sub = &terminal_schema,
	  .off = OFF(mdg_config, terminals), .count_off = OFF(mdg_config, n_terminals),
	  .doc = "the terminals of the site" },
	{ "sync", SCH_MAP, .sub = &sync_schema, .doc = "the nightly sync to the central server" },
	{ "log", SCH_MAP, .sub = &log_schema, .doc = "logging" },
};
static const struct schema top_schema = { top_fields, N_OF(top_fields), 0 };

/* ---- cross-checks -------------------------------------------------------------------------- */

/* True when the top-level key (and its sub-key, for lists of mappings) had no problem, so that
 * checks of other sections can trust the values bound from it. */
static bool clean(const struct schema_binder *b, const char *key, const char *sub)
{
	const struct schema_field *f = schema_field(&top_schema, key);
	if (!f || schema_dirty(b, f))
		return false;
	return !sub || !schema_dirty(b, schema_field(f->sub, sub));
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

/* Entries of a SCH_LIST were bound in order, skipping items that were not mappings: the doc
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

static void check_languages(struct schema_binder *b, const struct mdg_config *c,
			    const struct doc_node *root)
{
	const struct doc_node *dl = doc_map_get(root, "default_language");
	if (clean(b, "languages", NULL) && clean(b, "default_language", NULL) && c->default_language &&
	    !offered(c, c->default_language))
		schema_bad(b, dl ? dl : root, "default_language '%s' is not among the languages%s",
		    c->default_language, dl ? "" : " (ja by default)");
}

static void check_services(struct schema_binder *b, const struct mdg_config *c,
			   const struct doc_node *root)
{
	for (size_t i = 0; i < c->n_services; i++) {
		const struct mdg_service *s = &c->services[i];
		size_t di = doc_index(root, "services", i);
		for (size_t j = 0; s->letter && j < i; j++)
			if (c->services[j].letter && strcmp(s->letter, c->services[j].letter) == 0)
				schema_bad(b, entry_node(root, "services", di, "letter"),
				    "service %s is listed twice", s->letter);
		if (!clean(b, "counters", "number"))
			continue; /* a counter with a bad number would look missing */
		for (size_t k = 0; k < s->n_counters; k++)
			if (!config_counter(c, s->counters[k]))
				schema_bad(b, entry_node(root, "services", di, "counters"),
				    "service %s names counter %d, which is not in counters",
				    s->letter ? s->letter : "?", s->counters[k]);
	}
}

static void check_counters(struct schema_binder *b, const struct mdg_config *c,
			   const struct doc_node *root)
{
	for (size_t i = 0; i < c->n_counters; i++) {
		const struct mdg_counter *ct = &c->counters[i];
		size_t di = doc_index(root, "counters", i);
		if (ct->number == 0)
			continue; /* its number was wrong: already reported */
		for (size_t j = 0; j < i; j++)
			if (ct->number == c->counters[j].number)
				schema_bad(b, entry_node(root, "counters", di, "number"), "counter %d is listed twice",
				    ct->number);
		if (!clean(b, "services", "letter") || !clean(b, "services", "counters"))
			continue;
		bool used = false;
		for (size_t s = 0; s < c->n_services; s++)
			used |= serves(&c->services[s], ct->number);
		if (!used)
			schema_bad(b, entry_node(root, "counters", di, "number"),
			    "counter %d serves nothing: no service lists it in its counters", ct->number);
		for (size_t k = 0; k < ct->n_services; k++) {
			const struct mdg_service *s = config_service(c, ct->services[k]);
			if (!s)
				schema_bad(b, entry_node(root, "counters", di, "services"),
				    "counter %d prefers service %s, which is not in services", ct->number,
				    ct->services[k]);
			else if (!serves(s, ct->number))
				schema_bad(b, entry_node(root, "counters", di, "services"),
				    "counter %d prefers service %s, but service %s does not list counter %d",
				    ct->number, s->letter, s->letter, ct->number);
		}
	}
}

static void check_terminals(struct schema_binder *b, const struct mdg_config *c,
			    const struct doc_node *root)
{
	for (size_t i = 0; i < c->n_terminals; i++) {
		const struct mdg_terminal *t = &c->terminals[i];
		size_t di = doc_index(root, "terminals", i);
		const struct doc_node *e = entry_node(root, "terminals", di, NULL);
		const char *id = t->id ? t->id : "?";
		for (size_t j = 0; t->id && j < i; j++)
			if (c->terminals[j].id && strcmp(t->id, c->terminals[j].id) == 0)
				schema_bad(b, entry_node(root, "terminals", di, "id"), "terminal '%s' is listed twice",
				    t->id);
		/* Every terminal runs on the site host's one pcscd: a reader cannot serve two. */
		for (size_t j = 0; t->reader && j < i; j++)
			if (c->terminals[j].reader && strcmp(t->reader, c->terminals[j].reader) == 0) {
				schema_bad(b, entry_node(root, "terminals", di, "reader"),
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
			schema_bad(b, e, "terminal '%s' is a counter terminal: it needs 'counter' (its number)", id);
		else if (role_ok && t->role != MDG_ROLE_COUNTER && given)
			schema_bad(b, cn, "'counter' is only for counter terminals ('%s' is a %s terminal)", id,
			    role_choices[t->role]);
		else if (role_ok && t->counter && clean(b, "counters", "number") &&
			 !config_counter(c, t->counter))
			schema_bad(b, cn, "terminal '%s' names counter %d, which is not in counters", id, t->counter);
		if (t->language && clean(b, "languages", NULL) && !offered(c, t->language))
			schema_bad(b, entry_node(root, "terminals", di, "language"),
			    "terminal '%s' starts in '%s', which is not among the languages", id,
			    t->language);
	}
}

/* Counters without a preference list get the services that list them, in file order. */
static void derive_preferences(struct schema_binder *b, struct mdg_config *c)
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
			if (serves(&c->services[s], ct->number) && (l = schema_strdup(b, c->services[s].letter)))
				ct->services[ct->n_services++] = l;
		}
	}
}

/* ---- freeing ------------------------------------------------------------------------------- */

void config_free(struct mdg_config **pp)
{
	if (!pp || !*pp)
		return;
	struct mdg_config *c = *pp;
	/* Derived preference lists have the schema's shape (a string list), so this frees them. */
	schema_free(&top_schema, c);
	free(c->path);
	free(c);
	*pp = NULL;
}

enum mdg_status config_from_doc(const struct doc *doc, struct mdg_config **out,
				struct doc_diags *errs)
{
	*out = NULL;
	struct schema_binder b;
	struct mdg_config *c = calloc(1, sizeof *c);
	if (!c)
		return MDG_ERR_NOMEM;
	schema_begin(&b, doc, errs);
	if (doc->file && !(c->path = strdup(doc->file)))
		b.nomem = true;
	schema_defaults(&b, &top_schema, c);
	const struct doc_node *root = doc->root;
	if (!root || (root->kind == DOC_SCALAR && root->null)) {
		schema_bad(&b, NULL, "the file is empty: a site file needs at least site, services and counters");
	} else if (root->kind != DOC_MAP) {
		schema_bad(&b, root, "the file must be a mapping of keys (site:, services:, ...), not %s",
			   doc_kind_name(root->kind));
	} else {
		schema_bind(&b, &top_schema, root, c, "");
		if (!b.nomem) {
			check_languages(&b, c, root);
			check_services(&b, c, root);
			check_counters(&b, c, root);
			check_terminals(&b, c, root);
		}
		if (!b.nomem && !schema_problems(&b))
			derive_preferences(&b, c);
	}
	enum mdg_status rc = schema_end(&b);
	if (rc != MDG_OK) {
		config_free(&c);
		return rc;
	}
	*out = c;
	return MDG_OK;
}

/* ---- documentation and lookups ------------------------------------------------------------- */

void config_schema_print(FILE *out)
{
	schema_print(out, &top_schema, "");
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
