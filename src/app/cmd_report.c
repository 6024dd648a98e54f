/* SPDX-License-Identifier: MIT */
/* cmd_report: madoguchi report waits (issued, served, no-show, walked out, wait statistics and
 * service level per service, hour or counter) as a table, CSV or JSON, for this site from its
 * store or, with --central, for every site and the whole city from the central PostgreSQL. The
 * maths is core/report.c; the definitions are in its header. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/bizdate.h"
#include "core/i18n.h"
#include "core/report.h"
#include "store/queue.h"
#include "sync/central.h"
#include "sync/cityreport.h"

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

/* Service names come from the site config, or, for a central report, from the central
 * server (names: 26 entries, one per letter, NULL when unknown). */
struct names {
	const struct mdg_config *cfg;
	const char *lang;
	char *const *central;
};

static const char *service_name(const struct names *nm, const char *letter)
{
	if (!nm->central)
		return out_service_name(nm->cfg, letter, nm->lang);
	int l = letter[0] - 'A';
	return l >= 0 && l < 26 && nm->central[l] ? nm->central[l] : letter;
}

static void row_key(const struct names *nm, enum report_by by, const struct report_row *r,
		    char *buf, size_t size)
{
	if (strcmp(r->key, "all") == 0)
		snprintf(buf, size, "%s", _("all"));
	else if (by == REPORT_BY_SERVICE)
		snprintf(buf, size, "%s %s", r->key, service_name(nm, r->key));
	else if (by == REPORT_BY_HOUR)
		snprintf(buf, size, "%s:00", r->key);
	else if (strcmp(r->key, "-") == 0)
		snprintf(buf, size, "%s", _("not called"));
	else
		snprintf(buf, size, _("counter %s"), r->key);
}

static void csv_row(const char *site, const struct report_row *r, const char *key)
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
	if (site)
		out_csv_field(stdout, site, ",");
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

static void text_row(const struct names *nm, enum report_by by, const struct report_row *r)
{
	char key[96], c[8][24];
	row_key(nm, by, r, key, sizeof key);
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

static void csv_head(bool with_site)
{
	if (with_site)
		out_csv_field(stdout, "site", ",");
	for (size_t i = 0; i < sizeof csv_columns / sizeof csv_columns[0]; i++)
		out_csv_field(stdout, csv_columns[i],
			      i + 1 == sizeof csv_columns / sizeof csv_columns[0] ? "\n" : ",");
}

static void csv_report(const char *site, const struct report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		csv_row(site, &rep->rows[i], rep->rows[i].key);
	csv_row(site, &rep->total, "all");
}

static void json_report(struct json_writer *j, const struct report *rep)
{
	json_arr_begin(j, "rows");
	for (size_t i = 0; i < rep->n; i++)
		json_row(j, NULL, &rep->rows[i]);
	json_arr_end(j);
	json_row(j, "total", &rep->total);
}

static void text_report(const struct names *nm, const struct report *rep)
{
	out_cell(stdout, "", 20, " ");
	const char *heads[8] = { _("issued"), _("served"), _("no-show"), _("left"),
				 _("mean"), _("median"), _("p90"), _("in target") };
	for (int i = 0; i < 8; i++)
		out_cell(stdout, heads[i], i < 4 ? 7 : 8, i == 7 ? "\n" : " ");
	for (size_t i = 0; i < rep->n; i++)
		text_row(nm, rep->by, &rep->rows[i]);
	text_row(nm, rep->by, &rep->total);
}

/* report waits --central: every site's report from the central tables, then the city's. */
static int run_central(const struct cli_call *call, struct site *site, enum report_by by,
		       const char *from, const char *to)
{
	struct mdg_err err = { 0 };
	const struct mdg_config *cfg = site->cfg;
	const char *target = cli_get(call, "central");
	struct central_opts o = {
		.target = *target ? target : cfg->sync_central,
		.connect_timeout_s = cfg->sync_connect_timeout_s,
		.statement_timeout_s = cfg->sync_statement_timeout_s,
	};
	const char *lang = out_language(cfg);
	struct central *c = NULL;
	struct city_site *sites = NULL;
	size_t n = 0, n_all = 0;
	struct report *reps = NULL;
	struct report city = { 0 };
	struct report_fact *all = NULL;
	enum mdg_status rc = central_connect(&o, &c, &err);
	if (!rc)
		rc = city_report_facts(c, from, to, lang, &sites, &n, &err);
	if (!rc && !(reps = calloc(n ? n : 1, sizeof *reps)))
		rc = mdg_err_set(&err, MDG_ERR_NOMEM, NULL);
	for (size_t i = 0; i < n; i++)
		n_all += sites[i].n_facts;
	if (!rc && !(all = malloc((n_all ? n_all : 1) * sizeof *all)))
		rc = mdg_err_set(&err, MDG_ERR_NOMEM, NULL);
	for (size_t i = 0, k = 0; i < n && !rc; i++) {
		rc = report_build(sites[i].facts, sites[i].n_facts, by, &reps[i], &err);
		if (sites[i].n_facts)
			memcpy(all + k, sites[i].facts, sites[i].n_facts * sizeof *all);
		k += sites[i].n_facts;
	}
	if (!rc)
		rc = report_build(all, n_all, by, &city, &err);
	if (rc)
		goto out;
	if (cli_has(call, "csv")) {
		csv_head(true);
		for (size_t i = 0; i < n; i++)
			csv_report(sites[i].id, &reps[i]);
		csv_report("all", &city);
	} else if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "central", central_where(c));
		json_str(&j, "from", from);
		json_str(&j, "to", to);
		json_str(&j, "by", report_by_name(by));
		json_arr_begin(&j, "sites");
		for (size_t i = 0; i < n; i++) {
			json_obj_begin(&j, NULL);
			json_str(&j, "site", sites[i].id);
			json_str(&j, "name", sites[i].name);
			json_report(&j, &reps[i]);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_begin(&j, "city");
		json_int(&j, "sites", (int64_t)n);
		json_report(&j, &city);
		json_obj_end(&j);
		out_json_close(&j);
	} else {
		printf(_("Waits from %s to %s, by %s (minutes)\n\n"), from, to, _(report_by_name(by)));
		for (size_t i = 0; i < n; i++) {
			struct names nm = { cfg, lang, sites[i].service_names };
			printf("%s %s\n", sites[i].id, sites[i].name);
			text_report(&nm, &reps[i]);
			printf("\n");
		}
		/* The city's rows take the names of this site's config. */
		struct names nm = { cfg, lang, NULL };
		printf(_("City-wide (sites: %zu)\n"), n);
		text_report(&nm, &city);
	}
out:
	for (size_t i = 0; reps && i < n; i++)
		report_free(&reps[i]);
	free(reps);
	report_free(&city);
	free(all);
	city_sites_free(sites, n);
	central_close(&c);
	site_close(site);
	return rc ? cli_fail(call, &err) : 0;
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
	bool central = cli_has(call, "central");
	struct site site;
	if (site_open(call, central ? SITE_NO_STORE : 0, &site, &err))
		return cli_fail(call, &err);
	char today[11];
	if (central) {
		bizdate_of_ms(site_now(), today);
	} else if (store_today(site.st, site_now(), today, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	const char *from = cli_get(call, "from") ? cli_get(call, "from") : today;
	const char *to = cli_get(call, "to") ? cli_get(call, "to") : from;
	if (central)
		return run_central(call, &site, (enum report_by)by, from, to);
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
	struct names nm = { site.cfg, out_language(site.cfg), NULL };
	if (cli_has(call, "csv")) {
		csv_head(false);
		csv_report(NULL, &rep);
	} else if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "from", from);
		json_str(&j, "to", to);
		json_str(&j, "by", report_by_name(rep.by));
		json_report(&j, &rep);
		out_json_close(&j);
	} else {
		printf(_("Waits from %s to %s, by %s (minutes)\n\n"), from, to,
		       _(report_by_name(rep.by)));
		text_report(&nm, &rep);
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
		    { "csv", NULL, "CSV with a header row" },
		    { "central", "SERVICE", "every site's report and the city's, from the central"
					    " PostgreSQL (--central= for sync.central)" } } },
	{ 0 },
};
