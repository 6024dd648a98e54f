/* SPDX-License-Identifier: MIT */
/* central: the city's central PostgreSQL, seen from a site. Connecting (a libpq service name, a
 * conninfo without password, or the PG variables; TLS with sslmode=verify-full always), the
 * central schema and its own numbered migrations, the site's registration, and the batch push:
 * one central transaction per batch that locks the site's high-water mark, COPYs the rows into
 * a temporary staging table, moves them into the real table with INSERT ... ON CONFLICT and
 * advances the mark. The central mark is the truth: a batch commits with it or not at all, so
 * a cut anywhere loses nothing and a resend stores nothing twice. The only code that includes
 * libpq-fe.h; no PG type or code leaves this folder. */
#ifndef MDG_SYNC_CENTRAL_H
#define MDG_SYNC_CENTRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/synctab.h"

struct central;

struct central_opts {
	const char *target;          /* a libpq service name ("madoguchi-central"), a conninfo
				      * ("service=x dbname=y", "host=..."), a postgresql:// URI, or
				      * NULL / "" for the PG* variables; never with a password */
	const char *site_id;         /* the site that pushes (NULL for reports) */
	int connect_timeout_s;       /* 0: 10 s */
	int statement_timeout_s;     /* 0: 300 s */
};

/* Connects and sets the session up (UTF-8, ISO dates, statement timeout). sslmode=verify-full
 * is forced whatever the service file or PGSSLMODE say: a TCP connection is TLS with the
 * server's certificate and name checked (Unix sockets carry no TLS). Errors, each with what to
 * do in the message: MDG_ERR_CONFIG (a password in target, an unknown service, bad credentials,
 * a TLS failure), MDG_ERR_IO (the server cannot be reached, or refuses connections while it
 * starts or stops), MDG_ERR_NOMEM. *out is caller-owned (central_close). */
enum mdg_status central_connect(const struct central_opts *o, struct central **out,
				struct mdg_err *err);

/* Closes the connection and clears the pointer. NULL-safe. */
void central_close(struct central **pp);

/* "host:port/database" (or the socket folder) of the connection, for messages. Borrowed. */
const char *central_where(const struct central *c);

/* True when target carries a password (password=..., or user:password@ in a URI), which the
 * site file must never hold. */
bool central_target_has_password(const char *target);

/* The central schema version this program writes. */
int central_schema_latest(void);

/* The central schema's version, 0 when there is none yet. */
enum mdg_status central_schema_version(struct central *c, int *version, struct mdg_err *err);

/* Creates or migrates the central schema (schema "madoguchi") in one transaction, serialised
 * against another site doing the same. from and to: the versions before and after. MDG_ERR_VERSION
 * when the central schema is newer than this program (nothing changed). */
enum mdg_status central_migrate(struct central *c, int *from, int *to, struct mdg_err *err);

/* Refuses to work on a central schema of another version: MDG_ERR_VERSION with the fix
 * (central_migrate when it is older, updating this host when it is newer). */
enum mdg_status central_check_schema(struct central *c, struct mdg_err *err);

/* One service of the site, for the city-wide reports. */
struct central_service {
	const char *letter;
	const char *names_json;      /* {"ja": "...", "en": "..."} */
	int target_wait_min;
};

/* Records the site (names as a JSON object, time zone), its services' names and targets, and a
 * high-water mark of 0 for every syncable table it has not pushed yet. One transaction. */
enum mdg_status central_register_site(struct central *c, const char *names_json,
				      const char *timezone, const struct central_service *svc,
				      size_t n_svc, struct mdg_err *err);

/* The site's central high-water mark of tab: every row with seq <= it is committed centrally.
 * 0 before the first push. */
enum mdg_status central_hwm(struct central *c, const struct synctab *tab, int64_t *seq,
			    struct mdg_err *err);

struct central_push_result {
	bool moved;                  /* the central mark was not `after` (another run pushed
				      * meanwhile): nothing was done, hwm is the mark found */
	int64_t hwm;                 /* the central mark after the call */
	int64_t applied;             /* rows stored: inserted, or (SYNCTAB_LATEST) newer versions */
};

/* Called by central_push while the server works on a batch: returns the batch that will be
 * pushed next (the caller reads it from the store meanwhile), or NULL. central_push encodes it
 * at once, so that the next push only sends bytes. The batch must stay unchanged until it is
 * pushed. */
typedef const struct syncbatch *(*central_next_fn)(void *ctx);

/* Pushes batch b (rows with seq above after) in one central transaction, as described above;
 * next (may be NULL) is called once during the push, see central_next_fn.
 * MDG_OK with r->moved when the central mark is not after (rolled back, nothing stored).
 * Errors leave nothing of the batch committed, except a connection lost during COMMIT, whose
 * outcome is unknown (the message says so; the next run reads the mark and carries on):
 * MDG_ERR_IO (connection lost, server restarting, timeout), MDG_ERR_FULL (the central disk
 * or memory is full), MDG_ERR_VERSION (the central tables do not match), MDG_ERR_STATE (the site
 * was not registered), MDG_ERR_DB, MDG_ERR_NOMEM. */
enum mdg_status central_push(struct central *c, const struct syncbatch *b, int64_t after,
			     central_next_fn next, void *next_ctx, struct central_push_result *r,
			     struct mdg_err *err);

/* Cursor over query results for readers in this folder (cityreport.c): runs sql with text
 * parameters in a read-only transaction and calls row() for every row, fetching in chunks of
 * a few thousand rows so that memory stays flat. row() returns MDG_OK or an error that stops
 * the walk. vals[i] is NULL for SQL NULL; borrowed for the call. */
enum mdg_status central_query(struct central *c, const char *sql, int n_params,
			      const char *const *params,
			      enum mdg_status (*row)(void *ctx, int n, const char *const *vals,
						     struct mdg_err *err),
			      void *ctx, struct mdg_err *err);

#endif
