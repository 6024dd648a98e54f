/* SPDX-License-Identifier: MIT */
/* central: libpq connection, central migrations, registration and the batch push. Statements
 * take their values as text parameters; identifiers in them come from core/synctab.c only.
 *
 * A test hook cuts the push at a chosen point (tests/fault/sync_cut.sh): with
 * MADOGUCHI_TEST_SYNC_FAULT=MODE@BATCH.POINT[:FILE], at POINT of the BATCH-th push of the run
 * (points: 1 BEGIN, 2 mark lock, 3 COPY, 4 half the rows sent, 5 COPY end, 6 INSERT, 7 mark
 * update, 8 COMMIT, 9 after COMMIT returned) MODE "kill" terminates the backend from a second
 * connection (pg_terminate_backend) before the statement goes out, "exit" ends this process at
 * once, "pause" creates FILE.paused and waits until FILE is removed (the test restarts the
 * server meanwhile). Without the variable the hook does nothing. */
#include "sync/central.h"

#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "sync/pgcopy.h"

#define MAX_TABLES 16
#define COPY_CHUNK (256 * 1024)

/* Central migration N (1-based) is migrations[N - 1]. Never edit a shipped entry: append. */
static const char *const migrations[] = {
	/* 1: sites, their services, the high-water marks, and the four synced tables. No
	 * foreign keys on the synced tables: tables commit batch by batch, each on its own. Site
	 * ids compare bytewise (COLLATE "C"): they are ASCII, and every index leads with them. */
	"CREATE SCHEMA IF NOT EXISTS madoguchi;"
	"CREATE TABLE madoguchi.meta(key text PRIMARY KEY, value text NOT NULL);"
	"CREATE TABLE madoguchi.sites("
	"  site text COLLATE \"C\" PRIMARY KEY,"
	"  name jsonb NOT NULL DEFAULT '{}',"
	"  timezone text NOT NULL DEFAULT 'Asia/Tokyo',"
	"  first_seen timestamptz NOT NULL DEFAULT now(),"
	"  last_seen timestamptz NOT NULL DEFAULT now());"
	"CREATE TABLE madoguchi.site_services("
	"  site text COLLATE \"C\" NOT NULL REFERENCES madoguchi.sites(site),"
	"  letter text NOT NULL,"
	"  name jsonb NOT NULL DEFAULT '{}',"
	"  target_wait_min integer NOT NULL,"
	"  PRIMARY KEY(site, letter));"
	"CREATE TABLE madoguchi.sync_state("
	"  site text COLLATE \"C\" NOT NULL REFERENCES madoguchi.sites(site),"
	"  tbl text NOT NULL,"
	"  last_seq bigint NOT NULL DEFAULT 0,"
	"  batches bigint NOT NULL DEFAULT 0,"
	"  rows_sent bigint NOT NULL DEFAULT 0,"
	"  rows_applied bigint NOT NULL DEFAULT 0,"
	"  updated_at timestamptz NOT NULL DEFAULT now(),"
	"  PRIMARY KEY(site, tbl));"
	"CREATE TABLE madoguchi.tickets("
	"  site text COLLATE \"C\" NOT NULL, id bigint NOT NULL, seq bigint NOT NULL,"
	"  bizdate date NOT NULL, service text NOT NULL, number integer NOT NULL,"
	"  queue text NOT NULL, priority text, lang text NOT NULL, state text NOT NULL,"
	"  print_state text NOT NULL, counter integer, staff text, recalls integer NOT NULL,"
	"  issued_ms bigint NOT NULL, queue_ms bigint NOT NULL, called_ms bigint, served_ms bigint,"
	"  ended_ms bigint, outcome text,"
	"  PRIMARY KEY(site, id));"
	"CREATE INDEX tickets_bizdate ON madoguchi.tickets(bizdate, site);"
	"CREATE TABLE madoguchi.ticket_events("
	"  site text COLLATE \"C\" NOT NULL, seq bigint NOT NULL, ticket_id bigint NOT NULL,"
	"  bizdate date NOT NULL, at_ms bigint NOT NULL, type text NOT NULL, service text NOT NULL,"
	"  counter integer, staff text, detail text,"
	"  PRIMARY KEY(site, seq));"
	"CREATE TABLE madoguchi.help_sessions("
	"  site text COLLATE \"C\" NOT NULL, id bigint NOT NULL, seq bigint NOT NULL,"
	"  bizdate date NOT NULL, counter integer, staff text, ticket_id bigint,"
	"  started_ms bigint NOT NULL, ended_ms bigint, topics text NOT NULL, channel text NOT NULL,"
	"  age_band text, skill_before smallint, skill_after smallint, outcome text,"
	"  follow_up smallint NOT NULL,"
	"  PRIMARY KEY(site, id));"
	"CREATE TABLE madoguchi.audit("
	"  site text COLLATE \"C\" NOT NULL, seq bigint NOT NULL, at_ms bigint NOT NULL,"
	"  actor text NOT NULL, action text NOT NULL, target text NOT NULL, detail text NOT NULL,"
	"  prev_hash bytea NOT NULL, hash bytea NOT NULL,"
	"  PRIMARY KEY(site, seq));",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

enum fault_mode { FAULT_NONE, FAULT_KILL, FAULT_EXIT, FAULT_PAUSE };

enum point { P_BEGIN = 1, P_LOCK, P_COPY, P_COPY_HALF, P_COPY_END, P_INSERT, P_MARK, P_COMMIT,
	     P_COMMITTED };

struct central {
	PGconn *conn;
	const char *keys[8];           /* connection parameters, kept for the fault hook */
	const char *vals[8];
	char *target;                  /* owned copies of the values */
	char timeout[16];
	char appname[64];
	char site[33];
	char where[200];
	long batch_no;                 /* pushes so far in this run */
	bool staged[MAX_TABLES];       /* the temporary staging table exists */
	struct pgcopy_buf pre;         /* COPY text of a batch, encoded ahead or just now */
	const struct synctab *pre_tab; /* which batch pre holds (NULL: none) */
	int64_t pre_first, pre_last;
	size_t pre_rows;
	enum fault_mode fault;
	long fault_batch;
	int fault_point;
	char fault_file[256];
};

/* ---- messages ------------------------------------------------------------------------------ */

/* libpq's message on one line: newlines and tabs become spaces, "ERROR:  " prefixes go. */
static void one_line(const char *in, char *out, size_t size)
{
	size_t n = 0;
	bool space = false;
	if (!in)
		in = "";
	if (strncmp(in, "ERROR:  ", 8) == 0)
		in += 8;
	for (const char *p = in; *p && n + 1 < size; p++) {
		if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < size)
			out[n++] = ' ';
		space = false;
		out[n++] = *p;
	}
	out[n] = '\0';
}

static bool has(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

/* Translates a failed statement (res may be NULL: the connection's message) into a status. */
static enum mdg_status fail_stmt(struct central *c, PGresult *res, const char *what,
				 const char *table, struct mdg_err *err)
{
	char msg[200];
	one_line(res ? PQresultErrorMessage(res) : PQerrorMessage(c->conn), msg, sizeof msg);
	if (!msg[0])
		one_line(PQerrorMessage(c->conn), msg, sizeof msg);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		state = "";
	char ctx[96];
	snprintf(ctx, sizeof ctx, "%s%s%s", what, table ? " of " : "", table ? table : "");
	bool lost = PQstatus(c->conn) == CONNECTION_BAD || strncmp(state, "08", 2) == 0 ||
		    strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
		    strcmp(state, "57P03") == 0;
	if (lost && strcmp(what, "COMMIT") == 0)
		return mdg_err_set(err, MDG_ERR_IO,
				   "lost the central server during COMMIT of %s: that batch may or may not be "
				   "committed; the next run reads the central mark and carries on from it (%s)",
				   table ? table : "?", msg);
	if (lost)
		return mdg_err_set(err, MDG_ERR_IO,
				   "lost the central server during %s: nothing of this batch is committed; "
				   "run sync again when the server is back (%s)", ctx, msg);
	if (strcmp(state, "53100") == 0 || strcmp(state, "53000") == 0 || strcmp(state, "53200") == 0)
		return mdg_err_set(err, MDG_ERR_FULL,
				   "the central server is out of space: nothing of this batch is committed; "
				   "free space there, then run sync again (%s: %s)", ctx, msg);
	if (strcmp(state, "57014") == 0)
		return mdg_err_set(err, MDG_ERR_IO,
				   "%s took longer than sync.statement_timeout_s: nothing of this batch is "
				   "committed (%s)", ctx, msg);
	if (strncmp(state, "42P01", 5) == 0 || strncmp(state, "42703", 5) == 0 ||
	    strncmp(state, "42P10", 5) == 0 || strcmp(state, "3F000") == 0)
		return mdg_err_set(err, MDG_ERR_VERSION,
				   "the central tables do not match this program: run madoguchi sync "
				   "--init-central (%s: %s)", ctx, msg);
	if (strcmp(state, "42501") == 0)
		return mdg_err_set(err, MDG_ERR_CONFIG,
				   "the central user may not do %s: grant it, see docs/operators.md (%s)", ctx,
				   msg);
	if (strcmp(state, "25006") == 0)
		return mdg_err_set(err, MDG_ERR_CONFIG,
				   "%s is read-only (a standby?): point sync.central at the primary", c->where);
	return mdg_err_set(err, MDG_ERR_DB, "central %s: %s%s%s%s", ctx, msg, state[0] ? " (SQLSTATE " : "",
			   state, state[0] ? ")" : "");
}

/* Runs sql without parameters; fills err and returns non-zero unless it answered `want`. */
static enum mdg_status exec_ok(struct central *c, const char *sql, ExecStatusType want,
			       const char *what, const char *table, struct mdg_err *err)
{
	PGresult *res = PQexec(c->conn, sql);
	enum mdg_status rc = MDG_OK;
	if (!res || PQresultStatus(res) != want)
		rc = fail_stmt(c, res, what, table, err);
	PQclear(res);
	return rc;
}

static PGresult *exec_params(struct central *c, const char *sql, int n, const char *const *v)
{
	return PQexecParams(c->conn, sql, n, NULL, v, NULL, NULL, 0);
}

/* After a failure inside a transaction: roll back when the connection still stands. */
static void rollback(struct central *c)
{
	if (PQstatus(c->conn) == CONNECTION_OK && PQtransactionStatus(c->conn) != PQTRANS_IDLE)
		PQclear(PQexec(c->conn, "ROLLBACK"));
}

/* ---- connection ---------------------------------------------------------------------------- */

bool central_target_has_password(const char *target)
{
	if (!target || !*target)
		return false;
	char *errmsg = NULL;
	PQconninfoOption *opts = NULL;
	if (strchr(target, '=') || strncmp(target, "postgres", 8) == 0)
		opts = PQconninfoParse(target, &errmsg);
	PQfreemem(errmsg);
	bool pw = false;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			pw = true;
	PQconninfoFree(opts);
	return pw;
}

static bool service_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_-.", *s))
			return false;
	return true;
}

static enum mdg_status connect_error(struct central *c, const char *target, struct mdg_err *err)
{
	char msg[200];
	const char *raw = c->conn ? PQerrorMessage(c->conn) : "out of memory";
	one_line(raw, msg, sizeof msg);
	const char *name = target && *target ? target : "(the PG* variables)";
	if (has(raw, "definition of service"))
		return mdg_err_set(err, MDG_ERR_CONFIG,
				   "central server %s is not in the service file (define it in "
				   "/etc/postgresql-common/pg_service.conf or $PGSERVICEFILE): %s", name, msg);
	if (has(raw, "password authentication failed") || has(raw, "no password supplied") ||
	    has(raw, "authentication failed") || has(raw, "no pg_hba.conf entry") ||
	    (has(raw, "role \"") && has(raw, "does not exist")))
		return mdg_err_set(err, MDG_ERR_CONFIG,
				   "central server %s refused the credentials: check the user and the password "
				   "file (~/.pgpass or $PGPASSFILE), never the site file (%s)", name, msg);
	if (has(raw, "SSL") || has(raw, "certificate") || has(raw, "ssl"))
		return mdg_err_set(err, MDG_ERR_CONFIG,
				   "TLS with central server %s failed: check sslrootcert (the city's CA) and "
				   "that the server's certificate names the host (verify-full) (%s)", name, msg);
	if (has(raw, "does not exist"))
		return mdg_err_set(err, MDG_ERR_CONFIG, "central server %s: %s", name, msg);
	return mdg_err_set(err, MDG_ERR_IO,
			   "central server %s cannot be reached: nothing was sent; check that it runs "
			   "and that this host may reach it inside the segment (%s)", name, msg);
}

static void describe(struct central *c)
{
	const char *host = PQhost(c->conn), *port = PQport(c->conn), *db = PQdb(c->conn);
	snprintf(c->where, sizeof c->where, "%s%s%s/%s", host ? host : "?", host && host[0] == '/' ? "" : ":",
		 host && host[0] == '/' ? "" : (port ? port : ""), db ? db : "?");
}

static void fault_setup(struct central *c)
{
	const char *f = getenv("MADOGUCHI_TEST_SYNC_FAULT");
	if (!f || !*f)
		return;
	char mode[16] = "";
	long batch = 0;
	int point = 0, used = 0;
	if (sscanf(f, "%15[a-z]@%ld.%d%n", mode, &batch, &point, &used) < 3)
		return;
	if (f[used] == ':')
		snprintf(c->fault_file, sizeof c->fault_file, "%s", f + used + 1);
	c->fault = strcmp(mode, "kill") == 0 ? FAULT_KILL : strcmp(mode, "exit") == 0 ? FAULT_EXIT :
		   strcmp(mode, "pause") == 0 && c->fault_file[0] ? FAULT_PAUSE : FAULT_NONE;
	c->fault_batch = batch;
	c->fault_point = point;
}

enum mdg_status central_connect(const struct central_opts *o, struct central **out,
				struct mdg_err *err)
{
	*out = NULL;
	const char *target = o->target && *o->target ? o->target : NULL;
	if (target && central_target_has_password(target))
		return mdg_err_set(err, MDG_ERR_CONFIG,
				   "the central connection names a password: keep passwords in ~/.pgpass or "
				   "$PGPASSFILE (mode 0600), never in the site file or on the command line");
	if (target && !strchr(target, '=') && strncmp(target, "postgres", 8) != 0 &&
	    !service_name_ok(target))
		return mdg_err_set(err, MDG_ERR_CONFIG,
				   "'%s' is neither a service name (letters, digits, _ - .) nor a conninfo",
				   target);
	struct central *c = calloc(1, sizeof *c);
	if (!c)
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	size_t k = 0;
	if (target) {
		size_t n = strlen(target) + 16;
		if (!(c->target = malloc(n))) {
			free(c);
			return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		}
		/* A bare name is a service of the service file. */
		if (strchr(target, '=') || strncmp(target, "postgres", 8) == 0)
			snprintf(c->target, n, "%s", target);
		else
			snprintf(c->target, n, "service=%s", target);
		c->keys[k] = "dbname";
		c->vals[k++] = c->target;
	}
	snprintf(c->timeout, sizeof c->timeout, "%d", o->connect_timeout_s > 0 ? o->connect_timeout_s : 10);
	snprintf(c->appname, sizeof c->appname, "madoguchi-sync%s%s", o->site_id ? "-" : "",
		 o->site_id ? o->site_id : "");
	snprintf(c->site, sizeof c->site, "%s", o->site_id ? o->site_id : "");
	/* Given after the target, these win over it, the service file and PGSSLMODE. */
	c->keys[k] = "sslmode";
	c->vals[k++] = "verify-full";
	c->keys[k] = "connect_timeout";
	c->vals[k++] = c->timeout;
	c->keys[k] = "application_name";
	c->vals[k++] = c->appname;
	c->keys[k] = "client_encoding";
	c->vals[k++] = "UTF8";
	c->keys[k] = NULL;
	c->vals[k] = NULL;
	c->conn = PQconnectdbParams(c->keys, c->vals, 1);
	enum mdg_status rc = MDG_OK;
	if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
		rc = connect_error(c, target, err);
		goto fail;
	}
	describe(c);
	char set[160];
	snprintf(set, sizeof set,
		 "SET statement_timeout = %d; SET DateStyle = 'ISO, YMD'; SET client_min_messages = warning;"
		 " SET TimeZone = 'UTC'", (o->statement_timeout_s > 0 ? o->statement_timeout_s : 300) * 1000);
	rc = exec_ok(c, set, PGRES_COMMAND_OK, "session setup", NULL, err);
	if (rc)
		goto fail;
	fault_setup(c);
	mlog(MLOG_DEBUG, "connected to the central server %s", c->where);
	*out = c;
	return MDG_OK;
fail:
	central_close(&c);
	return rc;
}

void central_close(struct central **pp)
{
	if (!pp || !*pp)
		return;
	struct central *c = *pp;
	PQfinish(c->conn);
	pgcopy_buf_free(&c->pre);
	free(c->target);
	free(c);
	*pp = NULL;
}

const char *central_where(const struct central *c)
{
	return c->where;
}

/* ---- the test hook ------------------------------------------------------------------------- */

static void fault_kill(struct central *c)
{
	char pid[16];
	snprintf(pid, sizeof pid, "%d", PQbackendPID(c->conn));
	PGconn *k = PQconnectdbParams(c->keys, c->vals, 1);
	if (PQstatus(k) == CONNECTION_OK) {
		const char *v[1] = { pid };
		PQclear(PQexecParams(k, "SELECT pg_terminate_backend($1::int)", 1, NULL, v, NULL, NULL, 0));
		for (int i = 0; i < 200; i++) { /* until the backend is gone, at most 10 s */
			PGresult *r = PQexecParams(k, "SELECT 1 FROM pg_stat_activity WHERE pid = $1::int", 1,
						   NULL, v, NULL, NULL, 0);
			bool gone = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 0;
			PQclear(r);
			if (gone)
				break;
			nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
		}
	}
	PQfinish(k);
}

static void fault_at(struct central *c, enum point p)
{
	if (c->fault == FAULT_NONE || c->batch_no != c->fault_batch || (int)p != c->fault_point)
		return;
	fprintf(stderr, "madoguchi: test hook: %s at batch %ld, point %d\n",
		c->fault == FAULT_KILL ? "terminating the backend" : c->fault == FAULT_EXIT ? "exiting" :
		"pausing", c->batch_no, (int)p);
	if (c->fault == FAULT_EXIT)
		_exit(70);
	if (c->fault == FAULT_KILL) {
		fault_kill(c);
		return;
	}
	char flag[300];
	snprintf(flag, sizeof flag, "%s.paused", c->fault_file);
	FILE *f = fopen(flag, "w");
	if (f)
		fclose(f);
	for (int i = 0; i < 1200 && access(c->fault_file, F_OK) == 0; i++)
		nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
}

/* ---- schema -------------------------------------------------------------------------------- */

int central_schema_latest(void)
{
	return N_MIGRATIONS;
}

/* The version stored, 0 without a schema. In or out of a transaction. */
static enum mdg_status read_version(struct central *c, int *version, struct mdg_err *err)
{
	*version = 0;
	PGresult *res = PQexec(c->conn, "SELECT to_regclass('madoguchi.meta') IS NOT NULL");
	enum mdg_status rc = MDG_OK;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = fail_stmt(c, res, "reading the schema version", NULL, err);
		PQclear(res);
		return rc;
	}
	bool exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!exists)
		return MDG_OK;
	res = PQexec(c->conn, "SELECT value FROM madoguchi.meta WHERE key = 'schema_version'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = fail_stmt(c, res, "reading the schema version", NULL, err);
	else if (PQntuples(res) == 1)
		*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

enum mdg_status central_schema_version(struct central *c, int *version, struct mdg_err *err)
{
	return read_version(c, version, err);
}

enum mdg_status central_migrate(struct central *c, int *from, int *to, struct mdg_err *err)
{
	int v = 0;
	*from = *to = 0;
	/* The advisory lock serialises two sites initialising at once. */
	enum mdg_status rc = exec_ok(c, "BEGIN", PGRES_COMMAND_OK, "BEGIN", NULL, err);
	if (!rc)
		rc = exec_ok(c, "SELECT pg_advisory_xact_lock(7262357)", PGRES_TUPLES_OK, "the schema lock",
			     NULL, err);
	if (!rc)
		rc = read_version(c, &v, err);
	if (rc)
		goto out;
	*from = *to = v;
	if (v > N_MIGRATIONS) {
		rc = mdg_err_set(err, MDG_ERR_VERSION,
				 "the central schema on %s has version %d; this program knows up to %d: "
				 "update madoguchi on this host", c->where, v, N_MIGRATIONS);
		goto out;
	}
	for (int i = v; i < N_MIGRATIONS; i++) {
		char what[32];
		snprintf(what, sizeof what, "central migration %d", i + 1);
		rc = exec_ok(c, migrations[i], PGRES_COMMAND_OK, what, NULL, err);
		if (rc)
			goto out;
	}
	char ver[16];
	snprintf(ver, sizeof ver, "%d", N_MIGRATIONS);
	const char *p[1] = { ver };
	PGresult *res = exec_params(c,
		"INSERT INTO madoguchi.meta(key, value) VALUES('schema_version', $1)"
		" ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value", 1, p);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = fail_stmt(c, res, "recording the schema version", NULL, err);
	PQclear(res);
	if (rc)
		goto out;
	res = PQexec(c->conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(res), "COMMIT") != 0)
		rc = fail_stmt(c, res, "COMMIT", "the schema", err);
	PQclear(res);
	if (!rc)
		*to = N_MIGRATIONS;
	return rc;
out:
	rollback(c);
	return rc;
}

enum mdg_status central_check_schema(struct central *c, struct mdg_err *err)
{
	int v;
	enum mdg_status rc = read_version(c, &v, err);
	if (rc)
		return rc;
	if (v == N_MIGRATIONS)
		return MDG_OK;
	if (v == 0)
		return mdg_err_set(err, MDG_ERR_VERSION,
				   "%s has no madoguchi schema yet: create it once with "
				   "madoguchi sync --init-central", c->where);
	if (v < N_MIGRATIONS)
		return mdg_err_set(err, MDG_ERR_VERSION,
				   "the central schema on %s has version %d, this program needs %d: migrate it "
				   "with madoguchi sync --init-central (then every site's sync works again)",
				   c->where, v, N_MIGRATIONS);
	return mdg_err_set(err, MDG_ERR_VERSION,
			   "the central schema on %s has version %d, newer than this program's %d: "
			   "update madoguchi on this host", c->where, v, N_MIGRATIONS);
}

/* ---- registration and marks ---------------------------------------------------------------- */

enum mdg_status central_register_site(struct central *c, const char *names_json,
				      const char *timezone, const struct central_service *svc,
				      size_t n_svc, struct mdg_err *err)
{
	enum mdg_status rc = exec_ok(c, "BEGIN", PGRES_COMMAND_OK, "BEGIN", "the site", err);
	if (rc)
		return rc;
	const char *p[4] = { c->site, names_json, timezone };
	PGresult *res = exec_params(c,
		"INSERT INTO madoguchi.sites(site, name, timezone) VALUES($1, $2::jsonb, $3)"
		" ON CONFLICT(site) DO UPDATE SET name = EXCLUDED.name, timezone = EXCLUDED.timezone,"
		" last_seen = now()", 3, p);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = fail_stmt(c, res, "registering the site", NULL, err);
	PQclear(res);
	for (size_t i = 0; i < n_svc && !rc; i++) {
		char target[16];
		snprintf(target, sizeof target, "%d", svc[i].target_wait_min);
		const char *q[4] = { c->site, svc[i].letter, svc[i].names_json, target };
		res = exec_params(c,
			"INSERT INTO madoguchi.site_services(site, letter, name, target_wait_min)"
			" VALUES($1, $2, $3::jsonb, $4::int) ON CONFLICT(site, letter) DO UPDATE"
			" SET name = EXCLUDED.name, target_wait_min = EXCLUDED.target_wait_min", 4, q);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = fail_stmt(c, res, "registering the services", NULL, err);
		PQclear(res);
	}
	for (size_t i = 0; i < synctab_count && !rc; i++) {
		const char *q[2] = { c->site, synctab_all[i].name };
		res = exec_params(c, "INSERT INTO madoguchi.sync_state(site, tbl) VALUES($1, $2)"
				     " ON CONFLICT DO NOTHING", 2, q);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = fail_stmt(c, res, "registering the tables", NULL, err);
		PQclear(res);
	}
	if (!rc) {
		res = PQexec(c->conn, "COMMIT");
		if (PQresultStatus(res) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(res), "COMMIT") != 0)
			rc = fail_stmt(c, res, "COMMIT", "the site", err);
		PQclear(res);
	}
	if (rc)
		rollback(c);
	return rc;
}

enum mdg_status central_hwm(struct central *c, const struct synctab *tab, int64_t *seq,
			    struct mdg_err *err)
{
	const char *p[2] = { c->site, tab->name };
	PGresult *res = exec_params(c, "SELECT last_seq FROM madoguchi.sync_state WHERE site = $1 AND"
				       " tbl = $2", 2, p);
	enum mdg_status rc = MDG_OK;
	*seq = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = fail_stmt(c, res, "reading the high-water mark", tab->name, err);
	else if (PQntuples(res) == 1)
		*seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

/* ---- the push ------------------------------------------------------------------------------ */

static size_t table_index(const struct synctab *tab)
{
	return (size_t)(tab - synctab_all);
}

/* Appends "c1, c2, ..." (each with prefix) to buf. */
static void col_list(char *buf, size_t size, const struct synctab *t, const char *prefix)
{
	size_t n = strlen(buf);
	for (size_t i = 0; i < t->n_cols && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s%s", i ? ", " : "", prefix, t->cols[i].name);
}

/* The session's staging table for tab: its columns as the descriptor says, emptied by every
 * COMMIT (ON COMMIT DELETE ROWS truncates it in place, no catalogue churn per batch). */
static enum mdg_status stage(struct central *c, const struct synctab *t, struct mdg_err *err)
{
	size_t ix = table_index(t);
	if (ix >= MAX_TABLES || c->staged[ix])
		return MDG_OK;
	char sql[2048];
	size_t n = (size_t)snprintf(sql, sizeof sql, "CREATE TEMP TABLE IF NOT EXISTS mdg_stage_%s (",
				    t->name);
	for (size_t i = 0; i < t->n_cols && n < sizeof sql; i++)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "%s%s %s", i ? ", " : "", t->cols[i].name,
				      t->cols[i].pgtype);
	if (n < sizeof sql)
		snprintf(sql + n, sizeof sql - n, ") ON COMMIT DELETE ROWS");
	enum mdg_status rc = exec_ok(c, sql, PGRES_COMMAND_OK, "creating the staging table", t->name, err);
	if (!rc)
		c->staged[ix] = true;
	return rc;
}

static void insert_sql(const struct synctab *t, char *sql, size_t size)
{
	snprintf(sql, size, "INSERT INTO madoguchi.%s (site, ", t->name);
	col_list(sql, size, t, "");
	strncat(sql, ") SELECT $1, ", size - strlen(sql) - 1);
	col_list(sql, size, t, "");
	size_t n = strlen(sql);
	n += (size_t)snprintf(sql + n, size - n, " FROM pg_temp.mdg_stage_%s", t->name);
	if (t->kind == SYNCTAB_APPEND) {
		/* Rows already there are left alone. An anti-join rather than ON CONFLICT DO
		 * NOTHING: the same rows are stored (the site's mark row is locked, so no other
		 * run inserts them meanwhile; any other writer meets the primary key and the batch
		 * fails whole), at half the cost (PostgreSQL 15, 300,000 events: 376 ms against
		 * 762 ms; bench/sync). The batch's seq range ($2..$3) keeps the probe to the rows
		 * that could be there, none in the normal case. */
		snprintf(sql + n, size - n, " s WHERE NOT EXISTS (SELECT 1 FROM madoguchi.%s c"
			 " WHERE c.site = $1 AND c.seq = s.seq AND c.seq BETWEEN $2 AND $3)", t->name);
		return;
	}
	/* A newer version of a row replaces the central one; an older or equal one changes
	 * nothing, so that resending is harmless. */
	n += (size_t)snprintf(sql + n, size - n, " ON CONFLICT (site, %s) DO UPDATE SET ", t->key);
	bool first = true;
	for (size_t i = 0; i < t->n_cols && n < size; i++) {
		if (strcmp(t->cols[i].name, t->key) == 0)
			continue;
		n += (size_t)snprintf(sql + n, size - n, "%s%s = EXCLUDED.%s", first ? "" : ", ",
				      t->cols[i].name, t->cols[i].name);
		first = false;
	}
	if (n < size)
		snprintf(sql + n, size - n, " WHERE %s.seq < EXCLUDED.seq", t->name);
}

/* Encodes b into out; false when out of memory. */
static bool encode(struct pgcopy_buf *out, const struct syncbatch *b)
{
	out->len = 0;
	for (size_t r = 0; r < b->n_rows; r++)
		if (pgcopy_row(out, b, r))
			return false;
	return true;
}

/* Sends the batch's rows as COPY data: the text encoded ahead (while the server worked on the
 * previous batch) when it is this batch's, else encoded now. */
static enum mdg_status copy_rows(struct central *c, const struct syncbatch *b, struct mdg_err *err)
{
	const struct synctab *t = b->tab;
	char sql[1024];
	snprintf(sql, sizeof sql, "COPY pg_temp.mdg_stage_%s (", t->name);
	col_list(sql, sizeof sql, t, "");
	strncat(sql, ") FROM STDIN", sizeof sql - strlen(sql) - 1);
	/* The same first and last seq and count mean the same rows: a row that changes leaves
	 * its seq for a new one above every other, so the set in a range can only shrink. */
	bool ahead = c->pre_tab == t && c->pre_first == b->first_seq && c->pre_last == b->last_seq &&
		     c->pre_rows == b->n_rows;
	c->pre_tab = NULL;
	if (!ahead && !encode(&c->pre, b))
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	enum mdg_status rc = exec_ok(c, sql, PGRES_COPY_IN, "COPY", t->name, err);
	if (rc)
		return rc;
	/* In chunks; the test hook cuts after the chunk that holds the middle row. */
	bool sent_ok = true;
	size_t half = c->pre.len / 2;
	for (size_t off = 0; off < c->pre.len && sent_ok;) {
		size_t k = c->pre.len - off < COPY_CHUNK ? c->pre.len - off : COPY_CHUNK;
		sent_ok = PQputCopyData(c->conn, c->pre.p + off, (int)k) == 1;
		off += k;
		if (off > half && off - k <= half && c->fault != FAULT_NONE) {
			PQflush(c->conn);
			fault_at(c, P_COPY_HALF);
		}
	}
	/* Shrink a buffer that one huge batch grew, so that memory stays flat over a run. */
	if (c->pre.cap > 8 * COPY_CHUNK)
		pgcopy_buf_free(&c->pre);
	fault_at(c, P_COPY_END);
	if (sent_ok && PQputCopyEnd(c->conn, NULL) != 1)
		sent_ok = false;
	PGresult *res;
	bool first = true;
	while ((res = PQgetResult(c->conn)) != NULL) {
		if (first && !rc && (!sent_ok || PQresultStatus(res) != PGRES_COMMAND_OK))
			rc = fail_stmt(c, res, "COPY", t->name, err);
		first = false;
		PQclear(res);
		if (PQstatus(c->conn) == CONNECTION_BAD)
			break;
	}
	if (!rc && (first || !sent_ok))
		rc = fail_stmt(c, NULL, "COPY", t->name, err);
	return rc;
}

/* While the server runs the INSERT: the caller reads the next batch, and it is encoded. */
static void work_ahead(struct central *c, central_next_fn next, void *ctx)
{
	const struct syncbatch *nb = next ? next(ctx) : NULL;
	if (nb && nb->n_rows && encode(&c->pre, nb)) {
		c->pre_tab = nb->tab;
		c->pre_first = nb->first_seq;
		c->pre_last = nb->last_seq;
		c->pre_rows = nb->n_rows;
	}
}

enum mdg_status central_push(struct central *c, const struct syncbatch *b, int64_t after,
			     central_next_fn next, void *next_ctx, struct central_push_result *r,
			     struct mdg_err *err)
{
	const struct synctab *t = b->tab;
	memset(r, 0, sizeof *r);
	r->hwm = after;
	c->batch_no++;
	enum mdg_status rc = stage(c, t, err);
	if (rc)
		return rc;
	char last_s[24], n_s[24], applied_s[24];
	snprintf(last_s, sizeof last_s, "%" PRId64, b->last_seq);
	snprintf(n_s, sizeof n_s, "%zu", b->n_rows);

	fault_at(c, P_BEGIN);
	rc = exec_ok(c, "BEGIN", PGRES_COMMAND_OK, "BEGIN", t->name, err);
	if (rc)
		goto out;
	/* The row lock serialises two runs of one site; the mark found must be where we start. */
	fault_at(c, P_LOCK);
	const char *lp[2] = { c->site, t->name };
	PGresult *res = exec_params(c, "SELECT last_seq FROM madoguchi.sync_state WHERE site = $1 AND"
				       " tbl = $2 FOR UPDATE", 2, lp);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = fail_stmt(c, res, "the mark lock", t->name, err);
		PQclear(res);
		goto out;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		rc = mdg_err_set(err, MDG_ERR_STATE, "site %s is not registered on %s for %s", c->site,
				 c->where, t->name);
		goto out;
	}
	int64_t mark = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (mark != after) {
		r->moved = true;
		r->hwm = mark;
		rollback(c);
		return MDG_OK;
	}
	fault_at(c, P_COPY);
	rc = copy_rows(c, b, err);
	if (rc)
		goto out;
	char sql[4096];
	insert_sql(t, sql, sizeof sql);
	fault_at(c, P_INSERT);
	char first_s[24];
	snprintf(first_s, sizeof first_s, "%" PRId64, b->first_seq);
	const char *ip[3] = { c->site, first_s, last_s };
	if (!PQsendQueryParams(c->conn, sql, t->kind == SYNCTAB_APPEND ? 3 : 1, NULL, ip, NULL, NULL,
			       0)) {
		rc = fail_stmt(c, NULL, "INSERT", t->name, err);
		goto out;
	}
	work_ahead(c, next, next_ctx);
	bool got = false;
	while ((res = PQgetResult(c->conn)) != NULL) {
		if (!got && !rc) {
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				rc = fail_stmt(c, res, "INSERT", t->name, err);
			else
				r->applied = strtoll(PQcmdTuples(res), NULL, 10);
		}
		got = true;
		PQclear(res);
		if (PQstatus(c->conn) == CONNECTION_BAD)
			break;
	}
	if (!rc && !got)
		rc = fail_stmt(c, NULL, "INSERT", t->name, err);
	if (rc)
		goto out;
	snprintf(applied_s, sizeof applied_s, "%" PRId64, r->applied);
	fault_at(c, P_MARK);
	const char *mp[5] = { c->site, t->name, last_s, n_s, applied_s };
	res = exec_params(c, "UPDATE madoguchi.sync_state SET last_seq = GREATEST(last_seq, $3::bigint),"
			     " batches = batches + 1, rows_sent = rows_sent + $4::bigint,"
			     " rows_applied = rows_applied + $5::bigint, updated_at = now()"
			     " WHERE site = $1 AND tbl = $2", 5, mp);
	if (PQresultStatus(res) != PGRES_COMMAND_OK || strcmp(PQcmdTuples(res), "1") != 0) {
		rc = fail_stmt(c, res, "the mark update", t->name, err);
		PQclear(res);
		goto out;
	}
	PQclear(res);
	fault_at(c, P_COMMIT);
	res = PQexec(c->conn, "COMMIT");
	/* COMMIT of a failed transaction answers OK with the tag ROLLBACK: check the tag. */
	if (PQresultStatus(res) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		rc = fail_stmt(c, res, "COMMIT", t->name, err);
		PQclear(res);
		goto out;
	}
	PQclear(res);
	r->hwm = b->last_seq;
	fault_at(c, P_COMMITTED);
	return MDG_OK;
out:
	rollback(c);
	return rc;
}

/* ---- reading ------------------------------------------------------------------------------- */

enum mdg_status central_query(struct central *c, const char *sql, int n_params,
			      const char *const *params,
			      enum mdg_status (*row)(void *ctx, int n, const char *const *vals,
						     struct mdg_err *err),
			      void *ctx, struct mdg_err *err)
{
	if (!PQsendQueryParams(c->conn, sql, n_params, NULL, params, NULL, NULL, 0))
		return fail_stmt(c, NULL, "a query", NULL, err);
	/* Row by row: a year of a city's tickets never sits in memory at once. */
	PQsetSingleRowMode(c->conn);
	enum mdg_status rc = MDG_OK;
	PGresult *res;
	const char *vals[32];
	while ((res = PQgetResult(c->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if (!rc && st == PGRES_SINGLE_TUPLE) {
			int n = PQnfields(res) < 32 ? PQnfields(res) : 32;
			for (int i = 0; i < n; i++)
				vals[i] = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);
			rc = row(ctx, n, vals, err);
		} else if (!rc && st != PGRES_TUPLES_OK && st != PGRES_SINGLE_TUPLE) {
			rc = fail_stmt(c, res, "a query", NULL, err);
		}
		PQclear(res);
	}
	return rc;
}
