/* SPDX-License-Identifier: MIT */
/* config: the site configuration model, its one declarative schema table (name, type, default,
 * range/choices, doc) and the checker that binds a doc tree (see core/doc.h) to the model.
 * Pure libc: the YAML text is parsed elsewhere (src/yaml); the binder is core/schema. Every problem is collected, not just
 * the first, as "file:line:col: message". */
#ifndef MDG_CORE_CONFIG_H
#define MDG_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/doc.h"
#include "core/schema.h"
#include "core/status.h"

struct mdg_service {
	char *letter;                /* "A".."Z": the ticket number prefix (owned) */
	struct mdg_textmap name;     /* short name per language; "ja" required */
	struct mdg_textmap detail;   /* what the service covers, per language (may be empty) */
	int target_wait_min;         /* service-level target: called within this many minutes */
	int default_service_min;     /* ETA service time before any data exist */
	int *counters;               /* counter numbers that serve it, in no particular order */
	size_t n_counters;
};

struct mdg_counter {
	int number;                  /* 1..99, shown as "3番窓口" */
	struct mdg_textmap name;     /* optional display name per language */
	char **services;             /* service letters in this counter's preference order (owned);
				      * derived from the services' counter lists when not given */
	size_t n_services;
};

enum mdg_terminal_role { MDG_ROLE_KIOSK, MDG_ROLE_COUNTER, MDG_ROLE_BOARD, MDG_ROLE_SUPERVISOR };

struct mdg_terminal {
	char *id;                    /* unique terminal id, e.g. "kiosk-1" */
	enum mdg_terminal_role role;
	int counter;                 /* MDG_ROLE_COUNTER: its counter number; else 0 */
	char *reader;                /* PC/SC reader name, or NULL */
	char *printer;               /* print sink "file:PATH" | "device:PATH" | "tcp:HOST:PORT" |
				      * "cups:QUEUE", or NULL */
	int paper_mm;                /* 58 or 80 */
	char *language;              /* default language of this terminal, or NULL (site default) */
};

struct mdg_config {
	char *path;                  /* the file this was read from (owned) */
	/* site */
	char *site_id;               /* [a-z0-9-]{1,32}: goes into ticket codes and sync */
	struct mdg_textmap site_name;
	char *timezone;              /* IANA name, e.g. "Asia/Tokyo" */
	/* store */
	char *store_path;            /* absolute, or resolved against the config file's folder */
	int busy_timeout_ms;
	int retention_hours;         /* submissions with personal data are purged after this */
	char *key_file;              /* site key file (ticket MAC, field encryption) */
	/* languages */
	char **languages;            /* offered to residents, in order (owned) */
	size_t n_languages;
	char *default_language;
	/* idle timeouts, seconds */
	int idle_kiosk_s;
	int idle_counter_s;
	int idle_supervisor_s;
	/* queue policy */
	int priority_interleave;     /* one priority ticket per N normal ones (N >= 1) */
	int overdue_percent;         /* a ticket waiting longer than target * this/100 goes first */
	int noshow_after_recalls;    /* no-show is allowed after this many recalls */
	int eta_window;              /* ETA uses the median of the last N service times */
	/* staff logins */
	int staff_lockout_failures;  /* wrong PINs in a row that lock an account */
	int staff_lockout_minutes;   /* how long it stays locked */
	/* services, counters, terminals */
	struct mdg_service *services;
	size_t n_services;
	struct mdg_counter *counters;
	size_t n_counters;
	struct mdg_terminal *terminals;
	size_t n_terminals;
	/* nightly sync to the central PostgreSQL */
	char *sync_central;          /* libpq service name or conninfo without password; NULL: PG* */
	int sync_batch_rows;         /* rows per central transaction */
	int sync_connect_timeout_s;
	int sync_statement_timeout_s;
	/* logging */
	char *log_file;              /* NULL: stderr */
	char *log_level;             /* "debug" | "info" | "warn" | "error" */
};

/* Binds the document to a new config. Returns MDG_OK and fills *out, or MDG_ERR_CONFIG with every
 * problem in errs (unknown keys, wrong types, values out of range or not among the choices,
 * missing required keys, and the cross-checks: unique letters/numbers/ids, counters that exist,
 * the default language among the languages, a "ja" name for every service, ...).
 * MDG_ERR_NOMEM when out of memory. Relative paths are resolved against the folder of doc->file.
 * *out is caller-owned (config_free); errs is caller-owned (doc_diags_free). */
enum mdg_status config_from_doc(const struct doc *doc, struct mdg_config **out,
				struct doc_diags *errs);

/* Frees a config and clears the pointer. NULL-safe. */
void config_free(struct mdg_config **pp);

/* Writes the schema as documentation (one block per key: path, type, default, range, doc). */
void config_schema_print(FILE *out);

/* Lookups. All return borrowed pointers or NULL. */
const struct mdg_service *config_service(const struct mdg_config *c, const char *letter);
const struct mdg_counter *config_counter(const struct mdg_config *c, int number);
const struct mdg_terminal *config_terminal(const struct mdg_config *c, const char *id);

#endif
