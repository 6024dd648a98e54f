/* SPDX-License-Identifier: MIT */
/* bench/ui: the kiosk's screens on a pty (80x24, xterm-256color) with a scripted world:
 *   start-up to the first frame (term_open + kiosk_open + the first draw), median of 20;
 *   time to handle a key and redraw (an arrow key moving the focus on the menu: the write to
 *   the terminal, the event, the whole screen drawn and flushed), p50/p99 of 1000;
 *   the peak resident memory of this process after full flows (VmHWM; the real binary's is
 *   measured by bench/ui/run). Targets: < 100 ms, < 5 ms, < 20 MB. */
#include <fcntl.h>
#include <locale.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/i18n.h"
#include "core/stats.h"
#include "secure/hash.h"
#include "ui/kiosk/kiosk.h"
#include "ui/screen.h"
#include "ui/term.h"
#include "yaml/yamldoc.h"

static int master = -1, slave = -1;

static int fake_waiting(void *ctx, const char *letter) { return 4; }
static enum mdg_status fake_issue(void *ctx, const char *service, int priority, const char *lang,
				  struct kiosk_ticket *out, struct mdg_err *err)
{
	snprintf(out->number, sizeof out->number, "%s-001", service);
	snprintf(out->code, sizeof out->code, "MDG1:BENCH:20261125:%s001:0:1:AAAA", service);
	return MDG_OK;
}
static enum kiosk_card_state fake_poll(void *ctx) { return KC_NONE; }
static enum mdg_status fake_tries(void *ctx, int *t, struct mdg_err *e) { *t = 3; return MDG_OK; }
static enum mdg_status fake_read(void *ctx, bool b, const char *s, size_t n, struct card_basic4 *o,
				 int *l, struct mdg_err *e) { return MDG_ERR_IO; }

static const struct kiosk_ops ops = { .waiting = fake_waiting, .issue = fake_issue,
				      .card_poll = fake_poll, .card_tries = fake_tries,
				      .card_read = fake_read };

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void drain(void)
{
	char buf[65536];
	while (read(master, buf, sizeof buf) > 0)
		;
}

static void key(struct kiosk *k, const char *bytes)
{
	if (write(master, bytes, strlen(bytes)) < 0)
		exit(1);
	kiosk_step(k, 100);
	drain();
}

static long vm_hwm_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const char *dir = getenv("MADOGUCHI_LOCALEDIR");
	if (dir)
		i18n_bind(dir);
	struct mdg_err err = { 0 };
	secure_init(&err);
	static const char site[] =
		"site: {id: bench, name: {ja: 那覇市役所 市民課, en: Naha City Hall}}\n"
		"languages: [ja, ja@easy, en, zh_CN, ko]\n"
		"services:\n"
		"  - {letter: A, name: {ja: 証明書, en: Certificates}, counters: [1]}\n"
		"  - {letter: B, name: {ja: 住民異動, en: Moving}, counters: [1]}\n"
		"  - {letter: C, name: {ja: マイナンバーカード, en: My Number card}, counters: [1]}\n"
		"  - {letter: D, name: {ja: 国民健康保険・年金, en: Health insurance}, counters: [1]}\n"
		"  - {letter: E, name: {ja: デジタル相談, en: Digital help}, counters: [1]}\n"
		"counters: [{number: 1}]\n";
	struct doc d = { 0 };
	struct doc_diags g = { 0 };
	struct mdg_config *cfg;
	if (yaml_load_string("site.yaml", site, strlen(site), &d, &g) || config_from_doc(&d, &cfg, &g))
		return 1;
	doc_free(&d);
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	if (openpty(&master, &slave, NULL, NULL, &ws) != 0)
		return 1;
	fcntl(master, F_SETFL, O_NONBLOCK);
	struct kiosk_setup s = { .cfg = cfg, .ops = &ops, .first_language = "ja" };
	struct term_opts o = { .in_fd = slave, .out_fd = slave, .term_name = "xterm-256color",
			       .kiosk = true, .min_cols = 80, .min_rows = 24 };
	/* start-up */
	double start[20];
	for (int i = 0; i < 20; i++) {
		double t0 = now_ms();
		struct term *t;
		struct kiosk *k;
		if (term_open(&o, &t, &err) || kiosk_open(t, &s, &k, &err))
			return 1;
		kiosk_step(k, 0); /* the first frame */
		start[i] = now_ms() - t0;
		drain();
		kiosk_close(&k);
		term_close(&t);
		drain();
	}
	/* key to redraw, on the menu (ja) */
	struct term *t;
	struct kiosk *k;
	if (term_open(&o, &t, &err) || kiosk_open(t, &s, &k, &err))
		return 1;
	kiosk_step(k, 0);
	key(k, " ");
	key(k, "1");
	enum { N = 1000 };
	static double lat[N];
	for (int i = 0; i < N; i++) {
		double t0 = now_ms();
		key(k, "\033[C"); /* Right: the focus moves, the screen is drawn again */
		lat[i] = now_ms() - t0;
	}
	/* full flows for memory: menu -> service -> ticket -> back, 50 times */
	for (int i = 0; i < 50; i++) {
		key(k, "\033");
		key(k, " ");
		key(k, "3");
		key(k, "2");
		key(k, "1");
		key(k, " ");
	}
	kiosk_close(&k);
	term_close(&t);
	stats_sort(start, 20);
	stats_sort(lat, N);
	printf("bench/ui: kiosk on a pty 80x24 (xterm-256color), scripted world\n");
	printf("start-up to first frame: median %.2f ms (min %.2f, max %.2f) over 20   target < 100 ms\n",
	       stats_percentile_sorted(start, 20, 50), start[0], start[19]);
	printf("key -> redraw:           p50 %.3f ms, p99 %.3f ms over %d keys   target < 5 ms\n",
	       stats_percentile_sorted(lat, N, 50), stats_percentile_sorted(lat, N, 99), N);
	printf("peak RSS of this process after 50 flows: %.1f MB   target < 20 MB\n",
	       vm_hwm_kb() / 1024.0);
	config_free(&cfg);
	return 0;
}
