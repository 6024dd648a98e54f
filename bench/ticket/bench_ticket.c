/* SPDX-License-Identifier: MIT */
/* bench_ticket: how long one ticket takes to lay out (sign the payload, QR, Code 128, text to
 * raster or CP932, ESC/POS bytes), for a Japanese and a Korean slip, p50/p99 over many runs
 * (target p50 < 20 ms); bytes per ticket; the QR version used. The first run (font loading)
 * is reported apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/stats.h"
#include "core/ticketcode.h"
#include "print/slip.h"
#include "secure/hash.h"
#include "secure/keys.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void run(const char *name, struct slip *s, struct keyring *ring, int n)
{
	double *t = malloc((size_t)n * sizeof *t), first = 0;
	size_t bytes = 0;
	int version = 0, text = 0, raster = 0;
	struct ticketcode c = { .site = "naha-honcho", .bizdate = "2026-11-25", .service = "A",
				.number = 42, .token = "1a2b3c4d", .key_id = 1 };
	char payload[TICKETCODE_MAX];
	struct mdg_err err = { 0 };
	for (int i = 0; i <= n; i++) {
		double a = now_ms();
		struct slip_out out;
		if (ticketcode_format(&c, keyring_ticket_mac, ring, payload, &err) ||
		    (s->code = payload, slip_render(s, &out, &err))) {
			fprintf(stderr, "bench_ticket: %s\n", err.msg);
			exit(1);
		}
		double ms = now_ms() - a;
		if (i == 0)
			first = ms;
		else
			t[i - 1] = ms;
		bytes = out.bytes.len;
		version = out.qr_version;
		text = out.text_lines;
		raster = out.raster_lines;
		slip_out_free(&out);
	}
	stats_sort(t, (size_t)n);
	double p50 = stats_percentile_sorted(t, (size_t)n, 50);
	printf("%-9s p50 %6.2f ms  p99 %6.2f ms  first %6.1f ms  %6zu bytes  QR v%d  %d text + %d raster"
	       " lines  (target p50 < 20 ms: %s)\n", name, p50, stats_percentile_sorted(t, (size_t)n, 99),
	       first, bytes, version, text, raster, p50 < 20 ? "met" : "NOT met");
	free(t);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	struct mdg_err err = { 0 };
	char path[] = "/tmp/mdg-bench-key-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || secure_init(&err)) {
		perror("bench_ticket");
		return 1;
	}
	close(fd);
	unlink(path);
	struct keyring *ring;
	if (keyring_init(path, &err) || keyring_load(path, &ring, &err)) {
		fprintf(stderr, "bench_ticket: %s\n", err.msg);
		return 1;
	}
	unlink(path);
	struct slip ja = {
		.lang = "ja", .site_name = "那覇市役所 本庁舎 市民課", .service_name = "証明書",
		.number = "A-042", .wait_line = "あなたの前に3人、待ち時間の目安は約12分です。",
		.time_line = "2026-11-25 09:30", .guidance = "番号が呼ばれたら表示の窓口へお越しください",
		.barcode = "A-042", .paper_mm = 80,
	};
	struct slip ko = ja;
	ko.lang = "ko";
	ko.site_name = "나하 시청 시민과";
	ko.service_name = "증명서";
	ko.service_name_ja = "証明書";
	ko.wait_line = "앞에 3명, 약 12분 기다립니다.";
	ko.guidance = "번호가 호출되면 표시된 창구로 오십시오.";
	printf("bench/ticket: %d renders each, 80 mm paper\n", n);
	run("Japanese", &ja, ring, n);
	run("Korean", &ko, ring, n);
	keyring_free(&ring);
	return 0;
}
