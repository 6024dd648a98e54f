/* SPDX-License-Identifier: MIT */
/* report: grouping by a counting sort into at most 100 buckets, then per-bucket summaries. */
#include "core/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

#define MAX_BUCKETS 100

/* Marked for translation: the CLI shows them translated. */
static const char *const by_names[REPORT_BY_COUNT] = { N_("service"), N_("hour"), N_("counter") };

const char *report_by_name(enum report_by by)
{
	return (unsigned)by < REPORT_BY_COUNT ? by_names[by] : "?";
}

int report_by_parse(const char *s)
{
	for (int i = 0; s && i < REPORT_BY_COUNT; i++)
		if (strcmp(s, by_names[i]) == 0)
			return i;
	return -1;
}

static int bucket_of(const struct report_fact *f, enum report_by by)
{
	switch (by) {
	case REPORT_BY_SERVICE: return f->service >= 'A' && f->service <= 'Z' ? f->service - 'A' : -1;
	case REPORT_BY_HOUR: return f->hour >= 0 && f->hour < 24 ? f->hour : -1;
	case REPORT_BY_COUNTER: return f->counter >= 0 && f->counter < MAX_BUCKETS ? f->counter : -1;
	case REPORT_BY_COUNT: break;
	}
	return -1;
}

static void bucket_key(enum report_by by, int b, char key[8])
{
	if (by == REPORT_BY_SERVICE)
		snprintf(key, 8, "%c", 'A' + b);
	else if (by == REPORT_BY_HOUR)
		snprintf(key, 8, "%02d", b);
	else if (b == 0)
		snprintf(key, 8, "-");
	else
		snprintf(key, 8, "%d", b);
}

/* Fills row from the facts whose indexes are idx[0..n); waits and svc are scratch arrays. */
static void summarise(const struct report_fact *f, const size_t *idx, size_t n, double *waits,
		      double *svc, struct report_row *row)
{
	size_t nw = 0, ns = 0;
	for (size_t k = 0; k < n; k++) {
		const struct report_fact *t = &f[idx[k]];
		row->issued++;
		switch (t->state) {
		case TICKET_FINISHED: row->served++; break;
		case TICKET_NO_SHOW: row->no_show++; break;
		case TICKET_CANCELLED: row->walked_out++; break;
		case TICKET_VOIDED: row->issued--; continue; /* never reached a resident */
		default: row->open++; break;
		}
		if (t->called_ms > 0) {
			int64_t w = t->called_ms - t->issued_ms;
			if (w < 0)
				w = 0;
			waits[nw++] = (double)w / 60000.0;
			row->sl_denominator++;
			if (w <= t->target_ms)
				row->within_target++;
		} else if (t->state == TICKET_CANCELLED && t->ended_ms - t->issued_ms > t->target_ms) {
			row->sl_denominator++;
		}
		if (t->state == TICKET_FINISHED && t->served_ms > 0 && t->ended_ms >= t->served_ms)
			svc[ns++] = (double)(t->ended_ms - t->served_ms) / 60000.0;
	}
	stats_summarise(waits, nw, &row->wait_min);
	stats_summarise(svc, ns, &row->service_min);
	row->service_level = row->sl_denominator ?
		(double)row->within_target / (double)row->sl_denominator : NAN;
}

enum mdg_status report_build(const struct report_fact *f, size_t n, enum report_by by,
			     struct report *out, struct mdg_err *err)
{
	enum mdg_status rc = MDG_OK;
	size_t counts[MAX_BUCKETS] = { 0 }, start[MAX_BUCKETS + 1];
	size_t *idx = NULL, *all = NULL;
	double *waits = NULL, *svc = NULL;
	memset(out, 0, sizeof *out);
	out->by = by;
	if ((unsigned)by >= REPORT_BY_COUNT)
		return mdg_err_set(err, MDG_ERR_INVALID, "unknown grouping");
	for (size_t i = 0; i < n; i++) {
		int b = bucket_of(&f[i], by);
		if (b < 0)
			return mdg_err_set(err, MDG_ERR_INVALID, "ticket fact %zu is out of range", i);
		counts[b]++;
	}
	size_t groups = 0;
	start[0] = 0;
	for (int b = 0; b < MAX_BUCKETS; b++) {
		start[b + 1] = start[b] + counts[b];
		groups += counts[b] > 0;
	}
	size_t cells = n ? n : 1;
	idx = malloc(cells * sizeof *idx);
	all = malloc(cells * sizeof *all);
	waits = malloc(cells * sizeof *waits);
	svc = malloc(cells * sizeof *svc);
	out->rows = calloc(groups ? groups : 1, sizeof *out->rows);
	if (!idx || !all || !waits || !svc || !out->rows) {
		rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		goto out;
	}
	size_t fill[MAX_BUCKETS];
	memcpy(fill, start, sizeof fill);
	for (size_t i = 0; i < n; i++) {
		idx[fill[bucket_of(&f[i], by)]++] = i;
		all[i] = i;
	}
	for (int b = 0; b < MAX_BUCKETS; b++) {
		if (!counts[b])
			continue;
		struct report_row *row = &out->rows[out->n++];
		bucket_key(by, b, row->key);
		summarise(f, idx + start[b], counts[b], waits, svc, row);
	}
	snprintf(out->total.key, sizeof out->total.key, "all");
	summarise(f, all, n, waits, svc, &out->total);
out:
	free(idx);
	free(all);
	free(waits);
	free(svc);
	if (rc != MDG_OK)
		report_free(out);
	return rc;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}
