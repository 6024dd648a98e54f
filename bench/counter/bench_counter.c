/* SPDX-License-Identifier: MIT */
/* bench_counter: what the clerk waits for at the counter, on this machine (synchronous=FULL):
 *  1. call next (the policy across three services, priority interleave and ageing) with 10,000
 *     tickets waiting: p50/p99 over the calls, each followed (untimed) by a finish;
 *  2. scan to form: a scanned ticket code verified (MAC, site, day, store), its submission found,
 *     opened (audited view) and decrypted with the site key: p50/p99.
 * The same store calls as the counter screen's ops (src/app/cmd_counter.c). The tickets are
 * issued through the real engine. Usage: bench_counter [--waiting N] [--calls N] [--scans N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/forms.h"
#include "app/site.h"
#include "app/ticketprint.h"
#include "core/stats.h"
#include "secure/keys.h"
#include "store/queue.h"
#include "store/submission.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const struct mdg_err *err)
{
	fprintf(stderr, "bench_counter: %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

static void report(const char *name, double *v, size_t n, double target)
{
	stats_sort(v, n);
	double p50 = stats_percentile_sorted(v, n, 50), p99 = stats_percentile_sorted(v, n, 99);
	printf("%-34s n=%zu  p50 %.2f ms  p99 %.2f ms  max %.2f ms", name, n, p50, p99, v[n - 1]);
	if (target > 0)
		printf("  (p99 target < %.0f ms: %s)", target, p99 < target ? "met" : "NOT met");
	printf("\n");
}

int main(int argc, char **argv)
{
	long waiting = 10000, calls = 500, scans = 300;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--waiting"))
			waiting = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--calls"))
			calls = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--scans"))
			scans = atol(argv[i + 1]);
	}
	if (scans > waiting)
		scans = waiting;
	char dir[] = "/tmp/bench-counter.XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	char path[256], cmd[1400];
	snprintf(path, sizeof path, "%s/site.yaml", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		die(path, NULL);
	fprintf(f,
		"site: {id: bench-site, name: {ja: ベンチ市役所, en: Bench}, timezone: Asia/Tokyo}\n"
		"store: {path: %s/site.db, busy_timeout_ms: 10000, key_file: %s/site.key}\n"
		"languages: [ja, ja@easy, en, zh_CN, ko]\ndefault_language: ja\n"
		"queue: {priority_interleave: 3}\n"
		"services:\n"
		"  - {letter: A, name: {ja: 証明書}, target_wait_min: 15, counters: [1, 2, 3, 4]}\n"
		"  - {letter: B, name: {ja: 住民異動}, target_wait_min: 20, counters: [1, 2, 3, 4]}\n"
		"  - {letter: C, name: {ja: マイナンバーカード}, target_wait_min: 30, counters: [1, 2, 3, 4]}\n"
		"  - {letter: D, name: {ja: 保険・健康}, target_wait_min: 30, counters: [4]}\n"
		"counters: [{number: 1}, {number: 2}, {number: 3}, {number: 4}]\n"
		"terminals: [{id: kiosk-1, role: kiosk}]\n", dir, dir);
	fclose(f);
	snprintf(cmd, sizeof cmd, "MADOGUCHI_CONFIG=%s %s db init >/dev/null && MADOGUCHI_CONFIG=%s %s"
		 " keys init >/dev/null", path, MDG_BIN_PATH, path, MDG_BIN_PATH);
	if (system(cmd) != 0)
		die("db/keys init", NULL);
	struct cli_call call = { .config_path = path };
	struct site site;
	struct mdg_err err = { 0 };
	if (site_open(&call, 0, &site, &err))
		die("site", &err);
	const char *langs[32], *svcs[32];
	struct form_context fctx;
	forms_context(site.cfg, langs, svcs, 32, &fctx);
	struct form_set forms = { 0 };
	if (forms_load(MDG_FORMS_PATH, &fctx, &forms, &err) || !forms.n)
		die("forms", &err);
	const struct form *form = forms_find(&forms, "juminhyo");
	if (!form)
		form = forms.v[0];
	struct keyring *ring = NULL;
	if (keyring_load(site.cfg->key_file, &ring, &err))
		die("key", &err);

	/* 10,000 waiting: every 7th with a priority; every ticket of the first `scans` gets a form */
	printf("bench_counter: issuing %ld tickets (A/B/C, 1 in 7 priority)...\n", waiting);
	const char *letters[] = { "A", "B", "C" };
	struct ticket *issued = malloc((size_t)waiting * sizeof *issued);
	struct form_values vals;
	form_values_init(&vals, form);
	for (size_t i = 0; i < form_field_count(form); i++) {
		const struct form_field *x = form_field_at(form, i);
		if (x->my_number)
			continue;
		const char *v = x->type == FT_DATE ? "1948-03-15" :
				x->type == FT_CHOICE || x->type == FT_MULTI ? x->options[0].value :
				x->type == FT_CHECKBOX ? "yes" : x->type == FT_NUMBER ? "1" :
				x->type == FT_POSTAL ? "900-0000" : x->type == FT_PHONE ? "098-000-0000" :
				x->type == FT_KANA ? "ヒガ　ハナコ" : "比嘉　花子";
		form_values_set(&vals, i, v, x->prefill_kind != FP_NONE);
	}
	int64_t t0 = site_now();
	for (long i = 0; i < waiting; i++) {
		struct queue_eta eta;
		if (queue_issue(site.st, site.cfg, letters[i % 3], i % 7 == 0 ? PRIO_ELDERLY : PRIO_NONE,
				"ja", t0 + i * 10, &issued[i], &eta, &err))
			die("issue", &err);
		if (i < scans) {
			struct submission_new in = { .form = form, .vals = &vals, .lang = "ja",
						     .place = SUB_KIOSK, .terminal = "kiosk-1",
						     .ticket_id = issued[i].id, .status = SUB_SUBMITTED,
						     .retention_hours = 72, .actor = "kiosk-1" };
			if (submission_create(site.st, ring, &in, t0 + i * 10, NULL, &err))
				die("submission", &err);
		}
	}
	form_values_free(&vals);

	/* 2. scan to form, on the tickets that have one (before any is called away) */
	double *lat = malloc((size_t)(calls > scans ? calls : scans) * sizeof *lat);
	int64_t now = t0 + waiting * 10 + 60000;
	for (long i = 0; i < scans; i++) {
		char payload[160];
		if (ticketprint_code(site.cfg, &issued[i], payload, &err))
			die("code", &err);
		double a = now_ms();
		struct keyring *k = NULL;
		enum ticketcode_verdict v;
		struct ticket t;
		struct submission_filter flt = { .ticket_id = 0, .limit = 1 };
		struct submission *subs = NULL;
		size_t n = 0;
		struct form_values got;
		if (keyring_load(site.cfg->key_file, &k, &err) ||
		    queue_verify_code(site.st, site.cfg->site_id, keyring_ticket_mac, k, payload, now, &v,
				      &t, &err) || v != TC_VALID)
			die("verify", &err);
		flt.ticket_id = t.id;
		if (submission_list(site.st, &flt, &subs, &n, &err) || n != 1 ||
		    submission_load(site.st, k, subs[0].id, form, "bench", now, NULL, &got, &err))
			die("open", &err);
		lat[i] = now_ms() - a;
		form_values_free(&got);
		free(subs);
		keyring_free(&k);
	}
	report("scan to form (verify+open+decrypt)", lat, (size_t)scans, 100);

	/* 1. call next with the queue full */
	for (long i = 0; i < calls; i++) {
		struct ticket t;
		int counter = 1 + (int)(i % 4);
		now += 1000;
		double a = now_ms();
		if (queue_call_next(site.st, site.cfg, counter, "s01", now, &t, &err))
			die("call next", &err);
		lat[i] = now_ms() - a;
		char num[8];
		ticket_format_number(t.service, t.number, num);
		struct queue_action fin = { .op = TICKET_OP_FINISH, .number = num, .staff = "s01",
					    .outcome = "done" };
		if (queue_apply(site.st, site.cfg, &fin, now + 500, &t, &err))
			die("finish", &err);
	}
	char name[64];
	snprintf(name, sizeof name, "call next (%ld waiting)", waiting);
	report(name, lat, (size_t)calls, 50);
	free(lat);
	free(issued);
	keyring_free(&ring);
	forms_free(&forms);
	site_close(&site);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
