/* SPDX-License-Identifier: MIT */
/* cmd_report: madoguchi report waits (issued, served, no-show, walked out, wait statistics and
 * service level per service, hour or counter) as a table, CSV or JSON. The maths is
 * core/report.c; the definitions are in its header. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/i18n.h"
#include "core/report.h"
#include "store/queue.h"

static const char *const csv_columns[] = {
	"group", "issued", "served", "no_show", "walked_out", "open", "called",
	"wait_mean_min", "wait_median_min", "wait_p90_min",
	"service_mean_min", "service_median_min", "service_p90_min",
	"within_target", "service_level",
};

static void fmt_min(double v, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f", v);
}

static void fmt_pct(double v, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", v * 100.0);
}

static void row_key(const struct site *site, enum report_by by, const struct report_row *r,
		    const char *lang, char *buf, size_t size)
{
	if (strcmp(r->key, "all") == 0)
		snprintf(buf, size, "%s", _("all"));
	else if (by == REPORT_BY_SERVICE)
		snprintf(buf, size, "%s %s", r->key, out_service_name(site->cfg, r->key, lang));
	else if (by == REPORT_BY_HOUR)
		snprintf(buf, size, "%s:00", r->key);
	else if (strcmp(r->key, "-") == 0)
		snprintf(buf, size, "%s", _("not called"));
	else
		snprintf(buf, size, _("counter %s"), r->key);
}

static void csv_row(const struct report_row *r, const char *key)
{
	char b[16][32];
	snprintf(b[0], sizeof b[0], "%ld", r->issued);
	snprintf(b[1], sizeof b[1], "%ld", r->served);
	snprintf(b[2], sizeof b[2], "%ld", r->no_show);
	snprintf(b[3], sizeof b[3], "%ld", r->walked_out);
	snprintf(b[4], sizeof b[4], "%ld", r->open);
	snprintf(b[5], sizeof b[5], "%zu", r->wait_min.n);
	fmt_min(r->wait_min.mean, b[6], sizeof b[6]);
	fmt_min(r->wait_min.median, b[7], sizeof b[7]);
	fmt_min(r->wait_min.p90, b[8], sizeof b[8]);
	fmt_min(r->service_min.mean, b[9], sizeof b[9]);
	fmt_min(r->service_min.median, b[10], sizeof b[10]);
	fmt_min(r->service_min.p90, b[11], sizeof b[11]);
	snprintf(b[12], sizeof b[12], "%ld", r->within_target);
	if (isnan(r->service_level))
		snprintf(b[13], sizeof b[13], "-");
	else
		snprintf(b[13], sizeof b[13], "%.4f", r->service_level);
	out_csv_field(stdout, key, ",");
	for (int i = 0; i < 14; i++)
		out_csv_field(stdout, strcmp(b[i], "-") == 0 ? "" : b[i], i == 13 ? "\n" : ",");
}

static void json_stats(struct json_writer *j, const char *key, const struct stats_summary *s)
{
	json_obj_begin(j, key);
	json_int(j, "n", (int64_t)s->n);
	json_real(j, "mean", s->mean);
	json_real(j, "median", s->median);
	json_real(j, "p90", s->p90);
	json_obj_end(j);
}

static void json_row(struct json_writer *j, const char *key, const struct report_row *r)
{
	json_obj_begin(j, key);
	json_str(j, "group", r->key);
	json_int(j, "issued", r->issued);
	json_int(j, "served", r->served);
	json_int(j, "no_show", r->no_show);
	json_int(j, "walked_out", r->walked_out);
	json_int(j, "open", r->open);
	json_stats(j, "wait_min", &r->wait_min);
	json_stats(j, "service_min", &r->service_min);
	json_int(j, "within_target", r->within_target);
	json_int(j, "sl_denominator", r->sl_denominator);
	json_real(j, "service_level_pct", r->service_level * 100.0); /* NaN -> null */
	json_obj_end(j);
}

static void text_row(const struct site *site, enum report_by by, const struct report_row *r,
		     const char *lang)
{
	char key[96], c[8][24];
	row_key(site, by, r, lang, key, sizeof key);
	snprintf(c[0], sizeof c[0], "%ld", r->issued);
	snprintf(c[1], sizeof c[1], "%ld", r->served);
	snprintf(c[2], sizeof c[2], "%ld", r->no_show);
	snprintf(c[3], sizeof c[3], "%ld", r->walked_out);
	fmt_min(r->wait_min.mean, c[4], sizeof c[4]);
	fmt_min(r->wait_min.median, c[5], sizeof c[5]);
	fmt_min(r->wait_min.p90, c[6], sizeof c[6]);
	fmt_pct(r->service_level, c[7], sizeof c[7]);
	out_cell(stdout, key, 20, " ");
	for (int i = 0; i < 8; i++)
		out_cell(stdout, c[i], i < 4 ? 7 : 8, i == 7 ? "\n" : " ");
}

static int run_waits(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	int by = report_by_parse(cli_get(call, "by") ? cli_get(call, "by") : "service");
	if (by < 0) {
		mdg_err_set(&err, MDG_ERR_USAGE, "--by is one of service, hour, counter");
		return cli_fail(call, &err);
	}
	if (cli_has(call, "csv") && call->json) {
		mdg_err_set(&err, MDG_ERR_USAGE, "choose one of --csv and --json");
		return cli_fail(call, &err);
	}
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	char today[11];
	if (store_today(site.st, site_now(), today, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	const char *from = cli_get(call, "from") ? cli_get(call, "from") : today;
	const char *to = cli_get(call, "to") ? cli_get(call, "to") : from;
	struct report_fact *facts = NULL;
	size_t n = 0;
	struct report rep = { 0 };
	if (queue_report_facts(site.st, site.cfg, from, to, &facts, &n, &err) ||
	    report_build(facts, n, (enum report_by)by, &rep, &err)) {
		free(facts);
		site_close(&site);
		return cli_fail(call, &err);
	}
	free(facts);
	const char *lang = out_language(site.cfg);
	if (cli_has(call, "csv")) {
		for (size_t i = 0; i < sizeof csv_columns / sizeof csv_columns[0]; i++)
			out_csv_field(stdout, csv_columns[i],
				      i + 1 == sizeof csv_columns / sizeof csv_columns[0] ? "\n" : ",");
		for (size_t i = 0; i < rep.n; i++)
			csv_row(&rep.rows[i], rep.rows[i].key);
		csv_row(&rep.total, "all");
	} else if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "from", from);
		json_str(&j, "to", to);
		json_str(&j, "by", report_by_name(rep.by));
		json_arr_begin(&j, "rows");
		for (size_t i = 0; i < rep.n; i++)
			json_row(&j, NULL, &rep.rows[i]);
		json_arr_end(&j);
		json_row(&j, "total", &rep.total);
		out_json_close(&j);
	} else {
		printf(_("Waits from %s to %s, by %s (minutes)\n\n"), from, to,
		       _(report_by_name(rep.by)));
		out_cell(stdout, "", 20, " ");
		const char *heads[8] = { _("issued"), _("served"), _("no-show"), _("left"),
					 _("mean"), _("median"), _("p90"), _("in target") };
		for (int i = 0; i < 8; i++)
			out_cell(stdout, heads[i], i < 4 ? 7 : 8, i == 7 ? "\n" : " ");
		for (size_t i = 0; i < rep.n; i++)
			text_row(&site, rep.by, &rep.rows[i], lang);
		text_row(&site, rep.by, &rep.total, lang);
	}
	report_free(&rep);
	site_close(&site);
	return 0;
}

const struct cli_cmd cmd_report_table[] = {
	{ .group = "report", .name = "waits", .run = run_waits,
	  .summary = "wait-time report: issued, served, no-show, walked out, mean/median/p90, service level",
	  .opts = { { "from", "YYYY-MM-DD", "first business date (default: today)" },
		    { "to", "YYYY-MM-DD", "last business date (default: --from)" },
		    { "by", "GROUP", "service (default) | hour | counter" },
		    { "csv", NULL, "CSV with a header row" } } },
	{ 0 },
};
