/* SPDX-License-Identifier: MIT */
/* db: opening the site store, the numbered migrations, integrity and invariant checks, online
 * backup, and the helpers the other store files share (internal.h). */
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "store/audit.h"
#include "store/internal.h"

/* Migration N (1-based) is migrations[N - 1]. Never edit a shipped entry: append a new one. */
static const char *const migrations[] = {
	/* 1: the foundation. */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
	"CREATE TABLE day_counters("
	"  bizdate TEXT NOT NULL, service TEXT NOT NULL, last_number INTEGER NOT NULL,"
	"  PRIMARY KEY(bizdate, service)) STRICT, WITHOUT ROWID;"
	"CREATE TABLE day_state("
	"  bizdate TEXT PRIMARY KEY, normals_since_priority INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE TABLE tickets("
	"  id INTEGER PRIMARY KEY,"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  token TEXT NOT NULL UNIQUE,"
	"  bizdate TEXT NOT NULL,"
	"  service TEXT NOT NULL CHECK(length(service) = 1),"
	"  number INTEGER NOT NULL CHECK(number BETWEEN 1 AND 9999),"
	"  queue TEXT NOT NULL CHECK(length(queue) = 1),"
	"  priority TEXT CHECK(priority IN ('elderly','disability','pregnant','child')),"
	"  lang TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK(state IN"
	"    ('waiting','called','held','finished','no_show','cancelled','voided')),"
	"  print_state TEXT NOT NULL DEFAULT 'issued' CHECK(print_state IN ('issued','printed','voided')),"
	"  counter INTEGER,"
	"  staff TEXT,"
	"  recalls INTEGER NOT NULL DEFAULT 0,"
	"  issued_ms INTEGER NOT NULL,"
	"  queue_ms INTEGER NOT NULL,"
	"  called_ms INTEGER,"
	"  served_ms INTEGER,"
	"  ended_ms INTEGER,"
	"  outcome TEXT,"
	"  UNIQUE(bizdate, service, number)) STRICT;"
	"CREATE INDEX tickets_open ON tickets(bizdate, state, queue);"
	"CREATE INDEX tickets_ended ON tickets(queue, ended_ms) WHERE state = 'finished';"
	/* Covers the report query: a year of tickets is read without touching the table. */
	"CREATE INDEX tickets_report ON tickets(bizdate, service, issued_ms, called_ms, served_ms,"
	"  ended_ms, state, counter);"
	"CREATE TABLE ticket_events("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	"  bizdate TEXT NOT NULL,"
	"  at_ms INTEGER NOT NULL,"
	"  type TEXT NOT NULL CHECK(type IN ('issued','called','recalled','held','transferred',"
	"    'no_show','finished','cancelled','printed','voided')),"
	"  service TEXT NOT NULL,"
	"  counter INTEGER,"
	"  staff TEXT,"
	"  detail TEXT) STRICT;"
	"CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id);"
	"CREATE INDEX ticket_events_calls ON ticket_events(service, at_ms) WHERE type = 'called';"
	"CREATE TABLE staff("
	"  id TEXT PRIMARY KEY,"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK(role IN ('staff','supervisor','admin')),"
	"  pin_hash TEXT NOT NULL,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until_ms INTEGER NOT NULL DEFAULT 0,"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK(disabled IN (0, 1)),"
	"  created_ms INTEGER NOT NULL,"
	"  updated_ms INTEGER NOT NULL) STRICT;"
	"CREATE TABLE audit("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at_ms INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL DEFAULT '',"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  prev_hash BLOB NOT NULL,"
	"  hash BLOB NOT NULL) STRICT;"
	"CREATE TABLE help_sessions("
	"  id INTEGER PRIMARY KEY,"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  bizdate TEXT NOT NULL,"
	"  counter INTEGER,"
	"  staff TEXT,"
	"  ticket_id INTEGER REFERENCES tickets(id),"
	"  started_ms INTEGER NOT NULL,"
	"  ended_ms INTEGER,"
	"  topics TEXT NOT NULL DEFAULT '',"
	"  channel TEXT NOT NULL CHECK(channel IN ('counter','kiosk','outreach')),"
	"  age_band TEXT,"
	"  skill_before INTEGER CHECK(skill_before BETWEEN 1 AND 5),"
	"  skill_after INTEGER CHECK(skill_after BETWEEN 1 AND 5),"
	"  outcome TEXT,"
	"  follow_up INTEGER NOT NULL DEFAULT 0 CHECK(follow_up IN (0, 1))) STRICT;",
	/* 2: residents' prefilled forms (store/submission.c). The values are sealed; the My Number is
	 * never among them. AUTOINCREMENT: an id is never given twice, since it is sealed into its
	 * row. seq comes from meta 'seq.submissions', not max(seq) + 1: purges delete rows. */
	"CREATE TABLE submissions("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  created_ms INTEGER NOT NULL,"
	"  updated_ms INTEGER NOT NULL,"
	"  bizdate TEXT NOT NULL,"
	"  form_id TEXT NOT NULL,"
	"  form_version INTEGER NOT NULL,"
	"  ticket_id INTEGER REFERENCES tickets(id),"
	"  place TEXT NOT NULL CHECK(place IN ('kiosk','counter')),"
	"  terminal TEXT,"
	"  lang TEXT NOT NULL,"
	"  key_id INTEGER NOT NULL CHECK(key_id BETWEEN 1 AND 999),"
	"  nonce BLOB NOT NULL CHECK(length(nonce) = 24),"
	"  sealed BLOB NOT NULL CHECK(length(sealed) >= 80),"
	"  from_card TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL CHECK(status IN ('draft','submitted','printed')),"
	"  printed_ms INTEGER,"
	"  purge_after_ms INTEGER NOT NULL) STRICT;"
	"CREATE INDEX submissions_created ON submissions(created_ms);"
	"CREATE INDEX submissions_purge_after ON submissions(purge_after_ms);"
	"CREATE INDEX submissions_ticket ON submissions(ticket_id) WHERE ticket_id IS NOT NULL;",
	/* 3: staff's free-text note on a help session (store/helpsession.c). It stays at the site:
	 * core/synctab.c leaves it out of the sync. */
	"ALTER TABLE help_sessions ADD COLUMN note TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX help_sessions_bizdate ON help_sessions(bizdate, started_ms);",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_latest(void)
{
	return N_MIGRATIONS;
}

enum mdg_status store_sqlerr(struct store *st, int rc, struct mdg_err *err, const char *what)
{
	enum mdg_status s;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: s = MDG_ERR_BUSY; break;
	case SQLITE_FULL: s = MDG_ERR_FULL; break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH: s = MDG_ERR_READONLY; break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: s = MDG_ERR_CORRUPT; break;
	case SQLITE_NOMEM: s = MDG_ERR_NOMEM; break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN: s = MDG_ERR_IO; break;
	default: s = MDG_ERR_DB; break;
	}
	/* SQLite reports ENOSPC and EROFS met inside the VFS (growing -shm or -wal) as I/O
	 * errors; the errno tells what the operator must do. */
	int sys = st && st->db ? sqlite3_system_errno(st->db) : 0;
	if (s == MDG_ERR_IO && sys == ENOSPC)
		s = MDG_ERR_FULL;
	else if ((s == MDG_ERR_IO || s == MDG_ERR_DB) && (sys == EROFS || sys == EACCES || sys == EPERM))
		s = MDG_ERR_READONLY;
	const char *msg = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
	const char *hint = "";
	if (s == MDG_ERR_BUSY)
		hint = " (another terminal kept the database locked past the busy timeout)";
	else if (s == MDG_ERR_FULL)
		hint = " (free disk space; nothing was written)";
	else if (s == MDG_ERR_READONLY)
		hint = " (check the file's and its folder's permissions)";
	if (s == MDG_ERR_DB)
		return mdg_err_set(err, s, "%s: %s", what, msg);
	return mdg_err_set(err, s, "%s: %s (%s)%s", mdg_status_str(s), what, msg, hint);
}

enum mdg_status store_prepare(struct store *st, const char *sql, sqlite3_stmt **out,
			      struct mdg_err *err)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, err, "prepare");
	return MDG_OK;
}

enum mdg_status store_exec(struct store *st, const char *sql, struct mdg_err *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, err, "exec");
	return MDG_OK;
}

enum mdg_status store_begin_write(struct store *st, struct mdg_err *err)
{
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(st, rc, err, "begin");
	return MDG_OK;
}

enum mdg_status store_commit(struct store *st, struct mdg_err *err)
{
	int rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		enum mdg_status s = store_sqlerr(st, rc, err, "commit");
		store_rollback(st);
		return s;
	}
	return MDG_OK;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

void store_col_text(sqlite3_stmt *s, int i, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
	if (n >= size)
		n = size - 1; /* callers size buffers for their columns; cut, never overflow */
	memcpy(buf, t ? (const char *)t : "", n);
	buf[n] = '\0';
}

enum mdg_status store_meta_get(struct store *st, const char *key, char *buf, size_t size,
			       struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT value FROM meta WHERE key = ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int r = sqlite3_step(s);
	buf[0] = '\0';
	if (r == SQLITE_ROW)
		store_col_text(s, 0, buf, size);
	else if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "read meta");
	sqlite3_finalize(s);
	return rc;
}

enum mdg_status store_meta_set(struct store *st, const char *key, const char *value,
			       struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"INSERT INTO meta(key, value) VALUES(?, ?) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	int r = sqlite3_step(s);
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "write meta");
	sqlite3_finalize(s);
	return rc;
}

static void read_clock(struct store *st, char date[BIZDATE_LEN], int64_t *ms, struct mdg_err *err)
{
	char buf[32];
	date[0] = '\0';
	*ms = 0;
	if (store_meta_get(st, "last_bizdate", date, BIZDATE_LEN, err) == MDG_OK &&
	    store_meta_get(st, "last_ms", buf, sizeof buf, err) == MDG_OK)
		*ms = strtoll(buf, NULL, 10);
}

enum mdg_status store_stamp(struct store *st, int64_t now_ms, struct bizclock *out,
			    struct mdg_err *err)
{
	char last_date[BIZDATE_LEN], buf[32];
	int64_t last_ms;
	mdg_err_clear(err);
	read_clock(st, last_date, &last_ms, err);
	if (err && err->code)
		return err->code;
	bizclock_advance(last_date, last_ms, now_ms, out);
	if (out->stepped_back)
		mlog(MLOG_WARN, "wall clock is %" PRId64 " s behind the stored clock; keeping stored time",
		     (last_ms - now_ms) / 1000);
	if (out->date_held)
		mlog(MLOG_WARN, "wall clock date is before business date %s; keeping %s", last_date,
		     last_date);
	enum mdg_status rc = MDG_OK;
	if (strcmp(last_date, out->date) != 0)
		rc = store_meta_set(st, "last_bizdate", out->date, err);
	snprintf(buf, sizeof buf, "%" PRId64, out->ms);
	if (!rc && out->ms != last_ms)
		rc = store_meta_set(st, "last_ms", buf, err);
	return rc;
}

enum mdg_status store_today(struct store *st, int64_t now_ms, char date[11], struct mdg_err *err)
{
	char last_date[BIZDATE_LEN];
	int64_t last_ms;
	struct bizclock c;
	mdg_err_clear(err);
	read_clock(st, last_date, &last_ms, err);
	if (err && err->code)
		return err->code;
	bizclock_advance(last_date, last_ms, now_ms, &c);
	memcpy(date, c.date, BIZDATE_LEN);
	return MDG_OK;
}

static enum mdg_status pragma_int(struct store *st, const char *sql, int *out, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	else
		rc = store_sqlerr(st, r, err, sql);
	sqlite3_finalize(s);
	return rc;
}

enum mdg_status store_schema_version(struct store *st, int *version, struct mdg_err *err)
{
	return pragma_int(st, "PRAGMA user_version", version, err);
}

/* Applies migrations v+1..latest in one BEGIN IMMEDIATE, so that two terminals starting at once
 * cannot both migrate. Records the site id at creation and refuses another site's file. */
static enum mdg_status migrate(struct store *st, struct mdg_err *err)
{
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	int v = 0;
	rc = store_schema_version(st, &v, err);
	if (rc)
		goto out;
	st->migrated_from = st->migrated_to = v;
	if (v > N_MIGRATIONS) {
		rc = mdg_err_set(err, MDG_ERR_VERSION,
				 "%s has schema version %d; this program knows up to %d: update madoguchi",
				 st->path, v, N_MIGRATIONS);
		goto out;
	}
	for (int i = v; i < N_MIGRATIONS; i++) {
		rc = store_exec(st, migrations[i], err);
		if (rc) {
			mdg_err_prefix(err, "migration %d", i + 1);
			goto out;
		}
	}
	if (v < N_MIGRATIONS) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", N_MIGRATIONS);
		rc = store_exec(st, sql, err);
		if (rc)
			goto out;
	}
	char site[64];
	rc = store_meta_get(st, "site_id", site, sizeof site, err);
	if (rc)
		goto out;
	if (!site[0]) {
		rc = store_meta_set(st, "site_id", st->site_id, err);
	} else if (strcmp(site, st->site_id) != 0) {
		rc = mdg_err_set(err, MDG_ERR_CONFIG,
				 "%s belongs to site '%s', but the config says site '%s'", st->path,
				 site, st->site_id);
	}
	if (rc)
		goto out;
	rc = store_commit(st, err);
	if (!rc) {
		st->migrated_to = N_MIGRATIONS;
		if (v != N_MIGRATIONS)
			mlog(v ? MLOG_INFO : MLOG_DEBUG, "store %s migrated from version %d to %d",
			     st->path, v, N_MIGRATIONS);
	}
	return rc;
out:
	store_rollback(st);
	return rc;
}

/* Busy handler: retries every 0.5..2 ms (random) until busy_timeout. SQLite's default backs off
 * to 100 ms sleeps, which lets busy terminals starve a waiting one; short jittered retries keep
 * the lock fair among the processes of a site. Returns 0 to give up. */
static int busy_wait(void *ctx, int count)
{
	struct store *st = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		st->busy_start = now;
	long elapsed_ms = (now.tv_sec - st->busy_start.tv_sec) * 1000 +
			  (now.tv_nsec - st->busy_start.tv_nsec) / 1000000;
	if (elapsed_ms >= st->busy_timeout_ms)
		return 0;
	struct timespec pause = { 0, 500000 + (long)(rand_r(&st->busy_seed) % 1500) * 1000 };
	nanosleep(&pause, NULL);
	return 1;
}

enum mdg_status store_open(const char *path, const char *site_id, int busy_timeout_ms,
			   unsigned flags, struct store **out, struct mdg_err *err)
{
	enum mdg_status rc = MDG_OK;
	struct stat sb;
	*out = NULL;
	bool exists = stat(path, &sb) == 0;
	if (!exists && !(flags & STORE_CREATE))
		return mdg_err_set(err, MDG_ERR_NOT_FOUND,
				   "no site store at %s (create it with: madoguchi db init)", path);
	if (exists && !S_ISREG(sb.st_mode))
		return mdg_err_set(err, MDG_ERR_INVALID, "%s is not a regular file", path);
	if (!site_id || !*site_id || strlen(site_id) >= sizeof((struct store *)0)->site_id)
		return mdg_err_set(err, MDG_ERR_CONFIG, "a site id of 1 to 32 characters is needed");

	struct store *st = calloc(1, sizeof *st);
	if (!st || !(st->path = strdup(path))) {
		free(st);
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	}
	snprintf(st->site_id, sizeof st->site_id, "%s", site_id);
	int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY :
		     SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	/* NOMUTEX: a connection is used by one thread only; SQLite's per-call mutexes are waste. */
	int r = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		rc = store_sqlerr(st, r, err, path);
		goto fail;
	}
	if (!(flags & STORE_READONLY) && sqlite3_db_readonly(st->db, "main") == 1) {
		/* SQLite fell back to read-only: say so now, not as an I/O error at the first write. */
		rc = mdg_err_set(err, MDG_ERR_READONLY, "%s is read-only (check the file, its folder and"
				 " the file system: terminals must be able to write there)", path);
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	st->busy_timeout_ms = busy_timeout_ms > 0 ? busy_timeout_ms : 5000;
	st->busy_seed = (unsigned)getpid();
	sqlite3_busy_handler(st->db, busy_wait, st);
	/* temp_store=MEMORY: statement journals and temporary tables never reach a file, where
	 * they would keep copies of pages that held personal data. */
	rc = store_exec(st, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
			    "PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;", err);
	if (rc)
		goto fail;
	/* Reading the header tells a non-database file apart now rather than at first use. */
	int v;
	rc = store_schema_version(st, &v, err);
	if (rc)
		goto fail;
	if (!(flags & STORE_READONLY)) {
		if (v == 0) {
			/* WAL is persistent in the file: set it once, at creation. */
			rc = store_exec(st, "PRAGMA journal_mode = WAL", err);
			if (rc)
				goto fail;
		}
		rc = migrate(st, err);
		if (rc)
			goto fail;
	} else if (v != N_MIGRATIONS) {
		rc = mdg_err_set(err, v > N_MIGRATIONS ? MDG_ERR_VERSION : MDG_ERR_STATE,
				 "%s has schema version %d, this program needs %d", path, v,
				 N_MIGRATIONS);
		goto fail;
	}
	*out = st;
	return MDG_OK;
fail:
	mdg_err_prefix(err, "site store");
	store_close(&st);
	return rc;
}

void store_close(struct store **pp)
{
	if (!pp || !*pp)
		return;
	struct store *st = *pp;
	if (st->db) {
		store_rollback(st);
		sqlite3_close_v2(st->db);
	}
	free(st->path);
	free(st);
	*pp = NULL;
}

void store_migration_result(const struct store *st, int *from, int *to)
{
	*from = st->migrated_from;
	*to = st->migrated_to;
}

static void report_problem(struct store_check_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void report_problem(struct store_check_report *r, const char *fmt, ...)
{
	if (r->problems < 8) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->first[r->problems], sizeof r->first[0], fmt, ap);
		va_end(ap);
	}
	r->problems++;
}

/* Runs a query whose rows are problems described by its first column. */
static enum mdg_status check_query(struct store *st, const char *sql, struct store_check_report *r,
				   struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	int x;
	while ((x = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		report_problem(r, "%s", t ? (const char *)t : "?");
	}
	if (x != SQLITE_DONE)
		rc = store_sqlerr(st, x, err, "check");
	sqlite3_finalize(s);
	return rc;
}

enum mdg_status store_query_int(struct store *st, const char *sql, int64_t *out,
				struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	int x = sqlite3_step(s);
	if (x == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else
		rc = x == SQLITE_DONE ? mdg_err_set(err, MDG_ERR_DB, "%s: no row", sql) :
					store_sqlerr(st, x, err, sql);
	sqlite3_finalize(s);
	return rc;
}

enum mdg_status store_check(struct store *st, struct store_check_report *r, struct mdg_err *err)
{
	static const char *const checks[] = {
		/* integrity of the file itself */
		"SELECT 'integrity: ' || integrity_check FROM pragma_integrity_check "
		" WHERE integrity_check <> 'ok'",
		"SELECT 'foreign key: ' || \"table\" || ' row ' || rowid FROM pragma_foreign_key_check",
		/* numbering: per (date, service) exactly 1..last, matching the day counter */
		"SELECT printf('numbers %s %s: %d tickets, highest %d, counter %d', d.bizdate, d.service,"
		"  count(t.id), coalesce(max(t.number), 0), d.last_number)"
		" FROM day_counters d LEFT JOIN tickets t ON t.bizdate = d.bizdate AND t.service = d.service"
		" GROUP BY d.bizdate, d.service"
		" HAVING count(t.id) <> d.last_number OR coalesce(max(t.number), 0) <> d.last_number",
		"SELECT printf('tickets %s %s without a day counter', bizdate, service) FROM tickets t"
		" WHERE NOT EXISTS (SELECT 1 FROM day_counters d WHERE d.bizdate = t.bizdate"
		"   AND d.service = t.service) GROUP BY bizdate, service",
		/* every ticket was issued through the engine */
		"SELECT printf('ticket %s %s-%03d has no issued event', bizdate, service, number)"
		" FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_events e"
		"   WHERE e.ticket_id = t.id AND e.type = 'issued')",
		/* times never run backwards relative to the issue */
		"SELECT printf('ticket %s %s-%03d called before it was issued', bizdate, service, number)"
		" FROM tickets WHERE called_ms IS NOT NULL AND called_ms < issued_ms",
		/* the business date never went backwards */
		"SELECT printf('ticket dated %s is after the stored business date %s', max(bizdate),"
		"  (SELECT value FROM meta WHERE key = 'last_bizdate')) FROM tickets"
		" HAVING max(bizdate) > (SELECT value FROM meta WHERE key = 'last_bizdate')",
		/* help sessions end after they start */
		"SELECT printf('help session %d ended before it started', id) FROM help_sessions"
		" WHERE ended_ms IS NOT NULL AND ended_ms < started_ms",
	};
	memset(r, 0, sizeof *r);
	enum mdg_status rc = MDG_OK;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0] && !rc; i++)
		rc = check_query(st, checks[i], r, err);
	if (!rc) {
		struct audit_verify v;
		rc = audit_verify(st, &v, err);
		if (!rc && !v.ok)
			report_problem(r, "audit chain: %s", v.problem);
	}
	if (!rc)
		rc = store_query_int(st, "SELECT count(*) FROM tickets", &r->tickets, err);
	if (!rc)
		rc = store_query_int(st, "SELECT count(*) FROM ticket_events", &r->events, err);
	if (!rc)
		rc = store_query_int(st, "SELECT count(*) FROM audit", &r->audit_rows, err);
	return rc;
}

enum mdg_status store_backup(struct store *st, const char *dest, struct mdg_err *err)
{
	struct stat sb;
	if (stat(dest, &sb) == 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "%s exists already; choose a new file", dest);
	sqlite3 *to = NULL;
	enum mdg_status rc = MDG_OK;
	int r = sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (r != SQLITE_OK) {
		rc = mdg_err_set(err, r == SQLITE_CANTOPEN ? MDG_ERR_IO : MDG_ERR_DB, "backup to %s: %s",
				 dest, to ? sqlite3_errmsg(to) : sqlite3_errstr(r));
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(to, "main", st->db, "main");
	if (!b) {
		rc = mdg_err_set(err, MDG_ERR_DB, "backup to %s: %s", dest, sqlite3_errmsg(to));
		goto out;
	}
	/* Copy in steps so that writers are not blocked for the whole copy. */
	do {
		r = sqlite3_backup_step(b, 256);
		if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (r == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (r != SQLITE_DONE) {
		rc = mdg_err_set(err, (r & 0xff) == SQLITE_FULL ? MDG_ERR_FULL : MDG_ERR_IO,
				 "backup to %s: %s", dest, sqlite3_errstr(r));
		goto out;
	}
out:
	if (to)
		sqlite3_close_v2(to);
	if (rc)
		remove(dest);
	return rc;
}
