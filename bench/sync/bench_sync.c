/* SPDX-License-Identifier: MIT */
/* bench_sync: `madoguchi sync` of a site store holding N ticket events (default one million,
 * over N/100 tickets) into a central PostgreSQL, against the limit: one plain COPY of the same
 * event rows, already encoded in memory, into the same central table in the same run. Prints
 * rows per second of both, their ratio (target >= 50 %), and the sync process's max RSS for N
 * and for N/10 events (flat memory: batches, not the table). Each figure is the median of RUNS
 * runs (default 3); the central tables are emptied before every run.
 * Usage: bench_sync CONNINFO [--events N] [--runs R] [--batch-rows B]  (bench/sync/run starts a
 * private server and passes its conninfo; BENCH_SYNC_KEEP=1 keeps the stores for profiling). */
#define _DEFAULT_SOURCE /* wait4: the child's own max RSS */
#include <inttypes.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_sync: %s: %s\n", what, msg);
	exit(1);
}

static void pg_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		die(sql, PQerrorMessage(c));
	PQclear(r);
}

static void sq_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg ? msg : "?");
}

static void write_site(const char *dir, const char *conninfo, long batch_rows)
{
	char path[700];
	snprintf(path, sizeof path, "%s/site.yaml", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		die(path, "cannot write");
	fprintf(f,
		"site: {id: bench-%s, name: {ja: ベンチ, en: Bench}, timezone: Asia/Tokyo}\n"
		"store: {path: %s/site.db, key_file: %s/site.key}\n"
		"languages: [ja, en]\n"
		"services:\n"
		"  - {letter: A, name: {ja: 証明書}, target_wait_min: 15, counters: [1, 2]}\n"
		"counters: [{number: 1}, {number: 2}]\n"
		"sync: {central: \"%s\", batch_rows: %ld}\n",
		strrchr(dir, '/') + 1, dir, dir, conninfo, batch_rows);
	fclose(f);
}

/* A store with n events over n/100 tickets of one day, written with plain SQL (a fixture). */
static void make_store(const char *dir, const char *bin, long n)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "MADOGUCHI_CONFIG=%s/site.yaml %s db init >/dev/null", dir, bin);
	if (system(cmd) != 0)
		die("db init", cmd);
	char path[700];
	snprintf(path, sizeof path, "%s/site.db", dir);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, "open");
	sq_ok(db, "PRAGMA synchronous = OFF; BEGIN");
	long tickets = n / 100 > 0 ? n / 100 : 1;
	int64_t t0 = 1795996800000LL; /* 2026-12-01 09:00 JST */
	sqlite3_stmt *ti, *ev;
	sqlite3_prepare_v2(db,
		"INSERT INTO tickets(id, seq, token, bizdate, service, number, queue, lang, state,"
		" print_state, counter, staff, issued_ms, queue_ms, called_ms, served_ms, ended_ms, outcome)"
		" VALUES(?1, ?1, printf('%016x', ?1), date('2026-12-01', '+' || (?1 / 9000) || ' days'),"
		" 'A', ?2, 'A', 'ja', 'finished', 'printed', 1, 's01', ?3, ?3, ?3 + 600000, ?3 + 660000,"
		" ?3 + 1200000, 'done')", -1, &ti, NULL);
	sqlite3_prepare_v2(db,
		"INSERT INTO ticket_events(seq, ticket_id, bizdate, at_ms, type, service, counter, staff,"
		" detail) VALUES(?1, ?2, date('2026-12-01', '+' || (?2 / 9000) || ' days'), ?3, ?4, 'A', 1,"
		" 's01', ?5)", -1, &ev, NULL);
	static const char *const types[] = { "issued", "printed", "called", "recalled", "finished" };
	long seq = 0;
	for (long t = 1; t <= tickets; t++) {
		sqlite3_bind_int64(ti, 1, t);
		sqlite3_bind_int64(ti, 2, t % 9000 + 1);
		sqlite3_bind_int64(ti, 3, t0 + t * 1000);
		if (sqlite3_step(ti) != SQLITE_DONE)
			die("fixture", sqlite3_errmsg(db));
		sqlite3_reset(ti);
		for (long e = 0; e < 100 && seq < n; e++) {
			sqlite3_bind_int64(ev, 1, ++seq);
			sqlite3_bind_int64(ev, 2, t);
			sqlite3_bind_int64(ev, 3, t0 + t * 1000 + e * 10000);
			sqlite3_bind_text(ev, 4, types[e % 5], -1, SQLITE_STATIC);
			if (e % 10 == 0)
				sqlite3_bind_text(ev, 5, "moved to counter 2\tby staff", -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(ev, 5);
			if (sqlite3_step(ev) != SQLITE_DONE)
				die("fixture", sqlite3_errmsg(db));
			sqlite3_reset(ev);
		}
	}
	sqlite3_finalize(ti);
	sqlite3_finalize(ev);
	sq_ok(db, "COMMIT");
	sqlite3_close(db);
}

/* The events as COPY text with the site column, as the limit run sends them. */
static char *encode_events(const char *dir, const char *site, size_t *len)
{
	char path[700];
	snprintf(path, sizeof path, "%s/site.db", dir);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, "open");
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "SELECT seq, ticket_id, bizdate, at_ms, type, service, counter, staff,"
			       " replace(detail, char(9), '\\t') FROM ticket_events ORDER BY seq", -1, &s, NULL);
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (cap - n < 512) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		const char *detail = (const char *)sqlite3_column_text(s, 8);
		n += (size_t)snprintf(buf + n, cap - n, "%s\t%lld\t%lld\t%s\t%lld\t%s\t%s\t%d\t%s\t%s\n", site,
				      sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
				      sqlite3_column_text(s, 2), sqlite3_column_int64(s, 3),
				      sqlite3_column_text(s, 4), sqlite3_column_text(s, 5),
				      sqlite3_column_int(s, 6), sqlite3_column_text(s, 7),
				      detail ? detail : "\\N");
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	*len = n;
	return buf;
}

static void empty_central(PGconn *c)
{
	pg_ok(c, "TRUNCATE madoguchi.ticket_events, madoguchi.tickets, madoguchi.audit,"
		 " madoguchi.help_sessions");
	pg_ok(c, "UPDATE madoguchi.sync_state SET last_seq = 0");
	pg_ok(c, "CHECKPOINT");
}

static double plain_copy(PGconn *c, const char *data, size_t len)
{
	double t0 = now_s();
	pg_ok(c, "BEGIN");
	PGresult *r = PQexec(c, "COPY madoguchi.ticket_events(site, seq, ticket_id, bizdate, at_ms, type,"
				" service, counter, staff, detail) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN)
		die("COPY", PQerrorMessage(c));
	PQclear(r);
	for (size_t off = 0; off < len; off += 256 * 1024) {
		size_t k = len - off < 256 * 1024 ? len - off : 256 * 1024;
		if (PQputCopyData(c, data + off, (int)k) != 1)
			die("COPY data", PQerrorMessage(c));
	}
	PQputCopyEnd(c, NULL);
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die("COPY end", PQerrorMessage(c));
		PQclear(r);
	}
	pg_ok(c, "COMMIT");
	return now_s() - t0;
}

/* The sync runs are started by a launcher forked at the very start, while this process is
 * still small: a child's max RSS counts the memory of the process it was forked from, and this
 * one grows to hold the COPY text of the limit run. */
static int to_launcher = -1, from_launcher = -1;

static void launcher(int in, int out, const char *bin)
{
	char dir[600];
	FILE *f = fdopen(in, "r");
	while (f && fgets(dir, sizeof dir, f)) {
		dir[strcspn(dir, "\n")] = '\0';
		char cfg[700];
		snprintf(cfg, sizeof cfg, "%s/site.yaml", dir);
		double t0 = now_s();
		pid_t pid = fork();
		if (pid == 0) {
			setenv("MADOGUCHI_CONFIG", cfg, 1);
			if (!freopen("/dev/null", "w", stdout))
				_exit(127);
			execl(bin, bin, "sync", (char *)NULL);
			_exit(127);
		}
		int status = 0;
		struct rusage ru = { 0 };
		int ok = pid > 0 && wait4(pid, &status, 0, &ru) == pid && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 0;
		char line[100];
		int n = snprintf(line, sizeof line, "%d %ld %.6f\n", ok, ru.ru_maxrss, now_s() - t0);
		if (write(out, line, (size_t)n) != n)
			break;
	}
	_exit(0);
}

static void start_launcher(const char *bin)
{
	int a[2], b[2];
	if (pipe(a) != 0 || pipe(b) != 0)
		die("pipe", "failed");
	pid_t pid = fork();
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		launcher(a[0], b[1], bin);
	}
	close(a[0]);
	close(b[1]);
	to_launcher = a[1];
	from_launcher = b[0];
}

/* Runs madoguchi sync for the site in dir; its wall time and max RSS (KiB). */
static double run_sync(const char *dir, long *rss_kb)
{
	char line[700];
	int n = snprintf(line, sizeof line, "%s\n", dir);
	if (write(to_launcher, line, (size_t)n) != n)
		die("launcher", "write");
	size_t got = 0;
	while (got < sizeof line - 1) {
		ssize_t k = read(from_launcher, line + got, 1);
		if (k <= 0)
			die("launcher", "read");
		if (line[got++] == '\n')
			break;
	}
	line[got] = '\0';
	int ok = 0;
	double secs = 0;
	if (sscanf(line, "%d %ld %lf", &ok, rss_kb, &secs) != 3 || !ok)
		die("madoguchi sync", "failed");
	return secs;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

static int64_t count(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		die(sql, PQerrorMessage(c));
	int64_t n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage", "bench_sync CONNINFO [--events N] [--runs R] [--batch-rows B]");
	const char *conninfo = argv[1];
	long events = 1000000, runs = 3, batch = 10000;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--events") == 0)
			events = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--batch-rows") == 0)
			batch = atol(argv[i + 1]);
	}
	if (runs < 1 || runs > 15)
		runs = 3;
	const char *bin = MDG_BIN_PATH;
	start_launcher(bin);
	char tmpl[] = "/tmp/mdg-bench-sync.XXXXXX";
	char *root = mkdtemp(tmpl);
	if (!root)
		die("mkdtemp", "failed");
	char big[600], small[600];
	snprintf(big, sizeof big, "%s/big", root);
	snprintf(small, sizeof small, "%s/small", root);
	char cmd[1400];
	fflush(stdout);
	snprintf(cmd, sizeof cmd, "mkdir -p %s %s", big, small);
	if (system(cmd) != 0)
		die("mkdir", cmd);
	write_site(big, conninfo, batch);
	write_site(small, conninfo, batch);
	double t = now_s();
	make_store(big, bin, events);
	make_store(small, bin, events / 10);
	printf("bench/sync: fixture of %ld + %ld events in %.1f s; batches of %ld rows\n", events,
	       events / 10, now_s() - t, batch);
	snprintf(cmd, sizeof cmd, "MADOGUCHI_CONFIG=%s/site.yaml %s sync --init-central >/dev/null", big,
		 bin);
	if (system(cmd) != 0)
		die("sync --init-central", cmd);
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		die("connect", PQerrorMessage(c));
	size_t len;
	char *data = encode_events(big, "bench-big", &len);
	double copy_t[15], sync_t[15], small_t[15];
	long rss = 0, rss_small = 0;
	for (long r = 0; r < runs; r++) {
		empty_central(c);
		copy_t[r] = plain_copy(c, data, len);
		if (count(c, "SELECT count(*) FROM madoguchi.ticket_events") != events)
			die("plain COPY", "wrong row count");
		empty_central(c);
		sync_t[r] = run_sync(big, &rss);
		if (count(c, "SELECT count(*) FROM madoguchi.ticket_events") != events)
			die("sync", "wrong row count");
		empty_central(c);
		small_t[r] = run_sync(small, &rss_small);
	}
	double tc = median(copy_t, (int)runs), ts = median(sync_t, (int)runs);
	double tsm = median(small_t, (int)runs);
	printf("plain COPY (the limit): %8.0f rows/s  (%.2f s for %ld events, %.0f MB of COPY text)\n",
	       events / tc, tc, events, len / 1e6);
	printf("madoguchi sync:         %8.0f rows/s  (%.2f s for %ld events + %ld tickets, as a process)\n",
	       events / ts, ts, events, events / 100);
	printf("ratio sync / COPY:      %8.0f %%  (target >= 50 %%)\n", 100.0 * tc / ts);
	printf("max RSS of sync:        %8ld KiB for %ld events, %ld KiB for %ld events (%.2f s)\n", rss,
	       events, rss_small, events / 10, tsm);
	printf("(medians of %ld runs; central tables emptied and checkpointed before each run)\n", runs);
	free(data);
	PQfinish(c);
	if (getenv("BENCH_SYNC_KEEP")) {
		printf("kept %s\n", root);
		return 0;
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
