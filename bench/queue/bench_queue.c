/* SPDX-License-Identifier: MIT */
/* bench_queue: figures for the queue engine on this machine, with synchronous=FULL.
 *  1. in-process `ticket issue` latency p50/p99 (target p99 < 5 ms);
 *  2. issue+call throughput with 1, 4 and 8 concurrent processes (mdg-stress workers);
 *  3. `report waits` over a synthetic year of one busy site: 300,000 tickets with their events
 *     (target < 200 ms), in-process and as the CLI process.
 * The synthetic year is written with plain SQL in one transaction (a fixture, not the engine's
 * path); the report is computed by the real code. Runs are repeated and medians printed: the
 * machine is shared and noisy. Usage: bench_queue [--tickets N] [--issues N] [--seconds S] */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/site.h"
#include "core/bizdate.h"
#include "core/report.h"
#include "core/stats.h"
#include "secure/hash.h"
#include "store/queue.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_config(const char *dir)
{
	char path[128];
	snprintf(path, sizeof path, "%s/site.yaml", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f,
		"site: {id: bench-site, name: {ja: ベンチ, en: Bench}, timezone: Asia/Tokyo}\n"
		"store: {path: %s/site.db, busy_timeout_ms: 10000}\n"
		"languages: [ja, en]\ndefault_language: ja\n"
		"services:\n"
		"  - {letter: A, name: {ja: 証明書}, target_wait_min: 15, counters: [1, 2, 3, 4, 5, 6, 7, 8]}\n"
		"  - {letter: B, name: {ja: 住民異動}, target_wait_min: 20, counters: [1, 2, 3, 4, 5, 6, 7, 8]}\n"
		"  - {letter: C, name: {ja: マイナンバーカード}, target_wait_min: 30, counters: [1, 2, 3, 4, 5, 6, 7, 8]}\n"
		"counters: [{number: 1}, {number: 2}, {number: 3}, {number: 4}, {number: 5}, {number: 6},"
		" {number: 7}, {number: 8}]\n"
		"terminals: [{id: kiosk-1, role: kiosk}]\n", dir);
	fclose(f);
}

static void run_cmd(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_queue: failed: %s\n", cmd);
		exit(1);
	}
}

static void bench_latency(const char *dir, long n)
{
	char cfgpath[128];
	snprintf(cfgpath, sizeof cfgpath, "%s/site.yaml", dir);
	struct cli_call call = { .config_path = cfgpath };
	struct site site;
	struct mdg_err err = { 0 };
	if (site_open(&call, SITE_CREATE, &site, &err)) {
		fprintf(stderr, "bench_queue: %s\n", err.msg);
		exit(1);
	}
	double *lat = malloc((size_t)n * sizeof *lat);
	const char *svcs[] = { "A", "B", "C" };
	for (long i = 0; i < n; i++) {
		struct ticket t;
		struct queue_eta eta;
		double t0 = now_s();
		if (queue_issue(site.st, site.cfg, svcs[i % 3], PRIO_NONE, "ja", site_now(), &t, &eta, &err)) {
			fprintf(stderr, "bench_queue: issue: %s\n", err.msg);
			exit(1);
		}
		lat[i] = (now_s() - t0) * 1000.0;
	}
	stats_sort(lat, (size_t)n);
	printf("issue latency (in-process, synchronous=FULL, with ETA), %ld issues:\n", n);
	printf("  p50 %.3f ms   p99 %.3f ms   max %.3f ms   (target p99 < 5 ms: %s)\n",
	       stats_percentile_sorted(lat, (size_t)n, 50), stats_percentile_sorted(lat, (size_t)n, 99),
	       lat[n - 1], stats_percentile_sorted(lat, (size_t)n, 99) < 5.0 ? "met" : "NOT met");
	free(lat);
	site_close(&site);
}

static void bench_throughput(const char *dir, int seconds)
{
	char cfgpath[128];
	snprintf(cfgpath, sizeof cfgpath, "%s/site.yaml", dir);
	printf("issue+call throughput (each worker: issue, call next at its counter, finish half):\n");
	int procs[] = { 1, 4, 8 };
	double base = 0;
	for (size_t k = 0; k < 3; k++) {
		int p = procs[k];
		char outs[8][128];
		pid_t pids[8];
		for (int w = 0; w < p; w++) {
			snprintf(outs[w], sizeof outs[w], "%s/worker%d.out", dir, w);
			fflush(stdout); /* or the children print our buffered lines again */
			pids[w] = fork();
			if (pids[w] == 0) {
				char sec[16], ctr[16], seed[16];
				snprintf(sec, sizeof sec, "%d", seconds);
				snprintf(ctr, sizeof ctr, "%d", w + 1);
				snprintf(seed, sizeof seed, "%d", w + 1);
				if (!freopen(outs[w], "w", stdout))
					_exit(1);
				execl(MDG_STRESS_PATH, "mdg-stress", "--config", cfgpath, "--seconds", sec,
				      "--services", "ABC", "--call", ctr, "--seed", seed, (char *)NULL);
				_exit(127);
			}
		}
		long issued = 0, called = 0, errors = 0, busy = 0;
		for (int w = 0; w < p; w++) {
			int status;
			waitpid(pids[w], &status, 0);
			FILE *f = fopen(outs[w], "r");
			long i = 0, c = 0, fi = 0, e = 0, b = 0;
			if (f && fscanf(f, "issued %ld called %ld finished %ld errors %ld busy %ld", &i, &c, &fi,
					&e, &b) == 5) {
				issued += i;
				called += c;
				errors += e;
				busy += b;
			}
			if (f)
				fclose(f);
		}
		double rate = (double)(issued + called) / seconds;
		if (k == 0)
			base = rate;
		printf("  %d process%s: %.0f issue+call ops/s (%ld issued, %ld called, %ld errors, %ld busy)"
		       "  x%.2f of 1 process\n", p, p == 1 ? "  " : "es", rate, issued, called, errors, busy,
		       base > 0 ? rate / base : 0);
	}
}

/* Writes a synthetic year straight into the store: n tickets over 365 days, 3 services, 8
 * counters, with issued/called/finished events; 5 % no-show, 3 % walked out. */
static void synth_year(const char *dbpath, long n)
{
	sqlite3 *db;
	if (sqlite3_open(dbpath, &db) != SQLITE_OK) {
		fprintf(stderr, "bench_queue: open %s\n", dbpath);
		exit(1);
	}
	sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
	sqlite3_stmt *tk, *ev, *dc;
	sqlite3_prepare_v2(db, "INSERT INTO tickets(seq, token, bizdate, service, number, queue, lang,"
			       " state, print_state, counter, recalls, issued_ms, queue_ms, called_ms, served_ms,"
			       " ended_ms) VALUES(?1, printf('%016x', ?1), ?2, ?3, ?4, ?3, 'ja', ?5, 'printed', ?6,"
			       " 0, ?7, ?7, ?8, ?8, ?9)", -1, &tk, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO ticket_events(ticket_id, bizdate, at_ms, type, service, counter)"
			       " VALUES(?, ?, ?, ?, ?, ?)", -1, &ev, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO day_counters VALUES(?, ?, ?) ON CONFLICT DO UPDATE SET"
			       " last_number = excluded.last_number", -1, &dc, NULL);
	int64_t day0;
	bizclock_parse("2025-11-25T08:30:00+09:00", &day0);
	long per_day = n / 365 + 1, id = 0;
	srand(42);
	for (int d = 0; d < 365 && id < n; d++) {
		char date[11];
		int64_t open_ms = day0 + (int64_t)d * 86400000;
		bizdate_of_ms(open_ms, date);
		int numbers[3] = { 0, 0, 0 };
		for (long k = 0; k < per_day && id < n; k++) {
			id++;
			int s = rand() % 3;
			char svc[2] = { (char)('A' + s), 0 };
			int64_t issued = open_ms + k * (8 * 3600000LL / per_day);
			int64_t called = issued + (rand() % 40) * 60000 + rand() % 60000;
			int64_t ended = called + (3 + rand() % 15) * 60000;
			int r = rand() % 100;
			const char *state = r < 5 ? "no_show" : r < 8 ? "cancelled" : "finished";
			int counter = 1 + rand() % 8;
			bool was_called = !(r >= 5 && r < 8); /* walked out uncalled; no-shows were called */
			sqlite3_bind_int64(tk, 1, id);
			sqlite3_bind_text(tk, 2, date, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(tk, 3, svc, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(tk, 4, ++numbers[s]);
			sqlite3_bind_text(tk, 5, state, -1, SQLITE_STATIC);
			if (was_called)
				sqlite3_bind_int(tk, 6, counter);
			else
				sqlite3_bind_null(tk, 6);
			sqlite3_bind_int64(tk, 7, issued);
			if (was_called)
				sqlite3_bind_int64(tk, 8, called);
			else
				sqlite3_bind_null(tk, 8);
			sqlite3_bind_int64(tk, 9, was_called ? ended : called);
			if (sqlite3_step(tk) != SQLITE_DONE) {
				fprintf(stderr, "bench_queue: synth: %s\n", sqlite3_errmsg(db));
				exit(1);
			}
			sqlite3_reset(tk);
			const char *types[3] = { "issued", "called", state };
			int64_t at[3] = { issued, called, was_called ? ended : called };
			for (int e = 0; e < 3; e++) {
				if (e == 1 && !was_called)
					continue;
				sqlite3_bind_int64(ev, 1, id);
				sqlite3_bind_text(ev, 2, date, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(ev, 3, at[e]);
				sqlite3_bind_text(ev, 4, types[e], -1, SQLITE_STATIC);
				sqlite3_bind_text(ev, 5, svc, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int(ev, 6, counter);
				sqlite3_step(ev);
				sqlite3_reset(ev);
			}
		}
		for (int s = 0; s < 3; s++) {
			char svc[2] = { (char)('A' + s), 0 };
			sqlite3_bind_text(dc, 1, date, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(dc, 2, svc, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(dc, 3, numbers[s]);
			sqlite3_step(dc);
			sqlite3_reset(dc);
		}
	}
	sqlite3_finalize(tk);
	sqlite3_finalize(ev);
	sqlite3_finalize(dc);
	sqlite3_exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE); ANALYZE", NULL, NULL, NULL);
	sqlite3_close(db);
}

static void bench_report(const char *dir, long n)
{
	char cfgpath[128], dbpath[128], cmd[1024];
	snprintf(cfgpath, sizeof cfgpath, "%s/site.yaml", dir);
	snprintf(dbpath, sizeof dbpath, "%s/site.db", dir);
	double t0 = now_s();
	synth_year(dbpath, n);
	printf("report waits over a synthetic year: %ld tickets + %ld events written in %.1f s\n", n,
	       n * 3, now_s() - t0);
	struct cli_call call = { .config_path = cfgpath };
	struct site site;
	struct mdg_err err = { 0 };
	if (site_open(&call, 0, &site, &err)) {
		fprintf(stderr, "bench_queue: %s\n", err.msg);
		exit(1);
	}
	enum { RUNS = 7 };
	double t[RUNS], served = 0;
	for (int r = 0; r < RUNS; r++) {
		struct report_fact *facts;
		size_t nf;
		struct report rep;
		double a = now_s();
		if (queue_report_facts(site.st, site.cfg, "2025-11-25", "2026-11-24", &facts, &nf, &err) ||
		    report_build(facts, nf, REPORT_BY_SERVICE, &rep, &err)) {
			fprintf(stderr, "bench_queue: report: %s\n", err.msg);
			exit(1);
		}
		t[r] = (now_s() - a) * 1000.0;
		served = (double)rep.total.served;
		free(facts);
		report_free(&rep);
	}
	site_close(&site);
	stats_sort(t, RUNS);
	printf("  in-process (gather + compute): median %.1f ms, min %.1f ms of %d runs"
	       " (target < 200 ms: %s); %.0f served\n", t[RUNS / 2], t[0], RUNS,
	       t[RUNS / 2] < 200 ? "met" : "NOT met", served);
	for (int r = 0; r < RUNS; r++) {
		snprintf(cmd, sizeof cmd, "%s report waits --config %s --from 2025-11-25 --to 2026-11-24"
			 " >/dev/null", MDG_BIN_PATH, cfgpath);
		double a = now_s();
		run_cmd(cmd);
		t[r] = (now_s() - a) * 1000.0;
	}
	stats_sort(t, RUNS);
	printf("  CLI process `madoguchi report waits` (start-up included): median %.1f ms\n", t[RUNS / 2]);
}

int main(int argc, char **argv)
{
	long tickets = 300000, issues = 2000;
	int seconds = 3;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--tickets"))
			tickets = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--issues"))
			issues = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atoi(argv[i + 1]);
	}
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	char tmpl[] = "/tmp/mdg-bench-XXXXXX";
	char *dir = mkdtemp(tmpl);
	if (!dir) {
		perror("mkdtemp");
		return 1;
	}
	char sub[3][64], cmd[256];
	const char *names[3] = { "lat", "thr", "rep" };
	for (int i = 0; i < 3; i++) {
		snprintf(sub[i], sizeof sub[i], "%s/%s", dir, names[i]);
		snprintf(cmd, sizeof cmd, "mkdir -p %s", sub[i]);
		run_cmd(cmd);
		write_config(sub[i]);
	}
	printf("bench/queue on %ld cores, store in %s\n", sysconf(_SC_NPROCESSORS_ONLN), dir);
	bench_latency(sub[0], issues);
	snprintf(cmd, sizeof cmd, "%s db init --config %s/site.yaml >/dev/null", MDG_BIN_PATH, sub[1]);
	run_cmd(cmd);
	bench_throughput(sub[1], seconds);
	snprintf(cmd, sizeof cmd, "%s db init --config %s/site.yaml >/dev/null", MDG_BIN_PATH, sub[2]);
	run_cmd(cmd);
	bench_report(sub[2], tickets);
	if (getenv("MDG_BENCH_KEEP")) {
		printf("kept %s\n", dir);
	} else {
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		run_cmd(cmd);
	}
	return 0;
}
