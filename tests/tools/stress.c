/* SPDX-License-Identifier: MIT */
/* mdg-stress: one worker process that issues (and optionally calls and finishes) tickets through
 * the queue engine as fast as it can, for the concurrency and crash-loop tests and the queue
 * benchmark. It prints one line: "issued N called M finished F errors E busy B" and, with
 * --latency, the issue latencies' p50/p99 in microseconds. Exit 1 when any operation failed
 * with something other than "nothing waiting". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/site.h"
#include "core/stats.h"
#include "secure/hash.h"
#include "store/queue.h"

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void usage(void)
{
	fprintf(stderr, "usage: mdg-stress --config FILE [--ops N | --seconds S] [--call COUNTER]\n"
			"                  [--services ABC] [--latency] [--seed N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *config = NULL, *services = "A";
	long ops = 0, seconds = 0, counter = 0;
	unsigned seed = (unsigned)getpid();
	int latency = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			ops = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atol(argv[++i]);
		else if (!strcmp(argv[i], "--call") && i + 1 < argc)
			counter = atol(argv[++i]);
		else if (!strcmp(argv[i], "--services") && i + 1 < argc)
			services = argv[++i];
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = (unsigned)atol(argv[++i]);
		else if (!strcmp(argv[i], "--latency"))
			latency = 1;
		else
			usage();
	}
	if (!config || (!ops && !seconds) || !*services)
		usage();
	srand(seed);
	struct cli_call call = { .config_path = config };
	struct site site;
	struct mdg_err err = { 0 };
	if (site_open(&call, 0, &site, &err)) {
		fprintf(stderr, "mdg-stress: %s\n", err.msg);
		return 1;
	}
	double *lat = latency && ops ? malloc((size_t)ops * sizeof *lat) : NULL;
	long issued = 0, called = 0, finished = 0, errors = 0, busy = 0;
	int64_t end = mono_us() + seconds * 1000000;
	size_t nsvc = strlen(services);
	for (long i = 0; ops ? i < ops : mono_us() < end; i++) {
		char svc[2] = { services[rand() % (int)nsvc], 0 };
		struct ticket t;
		int64_t t0 = mono_us();
		enum mdg_status rc = queue_issue(site.st, site.cfg, svc, rand() % 5 == 0 ? PRIO_ELDERLY :
						 PRIO_NONE, NULL, site_now(), &t, NULL, &err);
		if (lat && rc == MDG_OK)
			lat[issued] = (double)(mono_us() - t0);
		if (rc == MDG_OK)
			issued++;
		else if (rc == MDG_ERR_BUSY)
			busy++;
		else {
			errors++;
			fprintf(stderr, "mdg-stress: issue: %s\n", err.msg);
		}
		if (!counter)
			continue;
		rc = queue_call_next(site.st, site.cfg, (int)counter, "stress", site_now(), &t, &err);
		if (rc == MDG_OK)
			called++;
		else if (rc == MDG_ERR_BUSY)
			busy++;
		else if (rc != MDG_ERR_EMPTY) {
			errors++;
			fprintf(stderr, "mdg-stress: call: %s\n", err.msg);
		}
		if (rc == MDG_OK && rand() % 2 == 0) {
			char num[8];
			ticket_format_number(t.service, t.number, num);
			struct queue_action a = { .op = TICKET_OP_FINISH, .number = num, .staff = "stress" };
			rc = queue_apply(site.st, site.cfg, &a, site_now(), &t, &err);
			if (rc == MDG_OK)
				finished++;
			else if (rc == MDG_ERR_BUSY)
				busy++;
			else if (rc != MDG_ERR_STATE) { /* another counter's "next" may have closed it */
				errors++;
				fprintf(stderr, "mdg-stress: finish: %s\n", err.msg);
			}
		}
	}
	printf("issued %ld called %ld finished %ld errors %ld busy %ld\n", issued, called, finished,
	       errors, busy);
	if (lat && issued) {
		stats_sort(lat, (size_t)issued);
		printf("latency_us p50 %.0f p99 %.0f max %.0f\n",
		       stats_percentile_sorted(lat, (size_t)issued, 50),
		       stats_percentile_sorted(lat, (size_t)issued, 99), lat[issued - 1]);
	}
	free(lat);
	site_close(&site);
	return errors || busy ? 1 : 0;
}
