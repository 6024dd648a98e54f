/* SPDX-License-Identifier: MIT */
/* cmd_sync: madoguchi sync [--central SERVICE] [--dry-run] [--init-central]. Joins the store's
 * outbox reader (store/outbox.h) and the central pusher (sync/central.h): for every syncable
 * table, read the central high-water mark (the truth), then push batches of the rows above it,
 * each in one central transaction that moves the mark; the local copy of the mark is written
 * only after the central COMMIT returned. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/log.h"
#include "core/synctab.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "sync/central.h"

struct table_run {
	int64_t before, after;    /* central mark at the start and the end */
	int64_t site_max;         /* the store's highest seq */
	int64_t pending;          /* rows above the mark at the start */
	int64_t sent, applied;
	long batches;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A text per language as a JSON object, into a malloc'd string (NULL when out of memory). */
static char *textmap_json(const struct mdg_textmap *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct json_writer j;
	json_begin(&j, f);
	json_obj_begin(&j, NULL);
	for (size_t i = 0; i < m->n; i++)
		json_str(&j, m->v[i].lang, m->v[i].text);
	json_obj_end(&j);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static enum mdg_status register_site(struct central *c, const struct mdg_config *cfg,
				     struct mdg_err *err)
{
	enum mdg_status rc = MDG_OK;
	struct central_service svc[26] = { 0 };
	size_t n = cfg->n_services < 26 ? cfg->n_services : 26;
	char *names = textmap_json(&cfg->site_name);
	if (!names)
		rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	for (size_t i = 0; i < n && !rc; i++) {
		svc[i].letter = cfg->services[i].letter;
		svc[i].target_wait_min = cfg->services[i].target_wait_min;
		if (!(svc[i].names_json = textmap_json(&cfg->services[i].name)))
			rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	}
	if (!rc)
		rc = central_register_site(c, names, cfg->timezone ? cfg->timezone : "Asia/Tokyo", svc, n,
					   err);
	for (size_t i = 0; i < n; i++)
		free((char *)svc[i].names_json);
	free(names);
	return rc;
}

static int run_init_central(const struct cli_call *call, struct central *c)
{
	struct mdg_err err = { 0 };
	int from, to;
	if (central_migrate(c, &from, &to, &err))
		return cli_fail(call, &err);
	mlog(MLOG_DEBUG, "central schema on %s: version %d -> %d", central_where(c), from, to);
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "central", central_where(c));
		json_int(&j, "from", from);
		json_int(&j, "to", to);
		out_json_close(&j);
	} else if (from == 0) {
		printf(_("Created the central schema on %s (version %d).\n"), central_where(c), to);
	} else if (from != to) {
		printf(_("Migrated the central schema on %s from version %d to %d.\n"), central_where(c),
		       from, to);
	} else {
		printf(_("The central schema on %s is at version %d; nothing to do.\n"), central_where(c), to);
	}
	return 0;
}

/* The run's own audit row goes out with the audit table, in the same run: it is written only
 * when the run sends something, so that a run with nothing new sends nothing. */
static enum mdg_status audit_run(struct site *site, struct central *c, const struct table_run *runs,
				 struct mdg_err *err)
{
	char detail[200];
	size_t n = 0;
	for (size_t i = 0; i < synctab_count && n < sizeof detail; i++)
		if (strcmp(synctab_all[i].name, "audit") != 0)
			n += (size_t)snprintf(detail + n, sizeof detail - n, "%s%s %" PRId64, n ? ", " : "",
					      synctab_all[i].name, runs[i].sent);
	return audit_append(site->st, site_now(), "cli", "sync", central_where(c), detail, err);
}

/* The read-ahead: while the server stores a batch, the next one is read from the store. */
struct ahead {
	struct store *st;
	const struct synctab *tab;
	size_t batch_rows;
	int64_t after;                /* the seq the pushed batch ends at */
	struct syncbatch *buf;        /* where the next batch goes */
	bool done;                    /* buf holds the batch after `after` */
	enum mdg_status rc;
	struct mdg_err err;
};

static const struct syncbatch *read_ahead(void *ctx)
{
	struct ahead *a = ctx;
	a->rc = outbox_fetch(a->st, a->tab, a->after, a->batch_rows, a->buf, &a->err);
	a->done = a->rc == MDG_OK;
	return a->done && a->buf->n_rows ? a->buf : NULL;
}

static enum mdg_status sync_table(struct site *site, struct central *c, const struct synctab *tab,
				  size_t batch_rows, struct syncbatch bufs[2], struct table_run *tr,
				  struct mdg_err *err)
{
	int64_t hwm = tr->before;
	struct syncbatch *cur = &bufs[0], *spare = &bufs[1];
	enum mdg_status rc = outbox_fetch(site->st, tab, hwm, batch_rows, cur, err);
	while (!rc && cur->n_rows) {
		struct ahead a = { site->st, tab, batch_rows, cur->last_seq, spare, false, MDG_OK };
		struct central_push_result r;
		rc = central_push(c, cur, hwm, read_ahead, &a, &r, err);
		if (rc)
			return rc;
		if (r.moved) {
			/* Another run of this site pushed meanwhile: go on from its mark. */
			mlog(MLOG_WARN, "sync %s: the central mark moved from %" PRId64 " to %" PRId64
			     " (another sync of this site?)", tab->name, hwm, r.hwm);
			if (r.hwm <= hwm)
				return mdg_err_set(err, MDG_ERR_STATE, "the central mark of %s went back from %"
						   PRId64 " to %" PRId64, tab->name, hwm, r.hwm);
			hwm = tr->after = r.hwm;
			rc = outbox_fetch(site->st, tab, hwm, batch_rows, cur, err);
			continue;
		}
		hwm = tr->after = r.hwm;
		tr->sent += (int64_t)cur->n_rows;
		tr->applied += r.applied;
		tr->batches++;
		/* Only a cache of the central truth: a busy store costs nothing but a log line. */
		struct mdg_err e2 = { 0 };
		if (outbox_acked_set(site->st, tab, hwm, &e2))
			mlog(MLOG_WARN, "sync %s: could not note the central mark locally: %s", tab->name,
			     e2.msg);
		if (a.rc) {
			*err = a.err;
			return a.rc;
		}
		if (!a.done)
			rc = outbox_fetch(site->st, tab, hwm, batch_rows, spare, err);
		struct syncbatch *t = cur;
		cur = spare;
		spare = t;
	}
	return rc;
}

static void print_summary(const struct cli_call *call, const struct site *site,
			  const struct central *c, bool dry, const struct table_run *runs,
			  double seconds)
{
	int64_t sent = 0, applied = 0, pending = 0;
	long batches = 0;
	for (size_t i = 0; i < synctab_count; i++) {
		sent += runs[i].sent;
		applied += runs[i].applied;
		pending += runs[i].pending;
		batches += runs[i].batches;
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "site", site->cfg->site_id);
		json_str(&j, "central", central_where(c));
		json_bool(&j, "dry_run", dry);
		json_arr_begin(&j, "tables");
		for (size_t i = 0; i < synctab_count; i++) {
			json_obj_begin(&j, NULL);
			json_str(&j, "table", synctab_all[i].name);
			json_int(&j, "central_mark_before", runs[i].before);
			json_int(&j, "central_mark", runs[i].after);
			json_int(&j, "site_max_seq", runs[i].site_max);
			json_int(&j, "pending", runs[i].pending);
			json_int(&j, "sent", runs[i].sent);
			json_int(&j, "stored", runs[i].applied);
			json_int(&j, "batches", runs[i].batches);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_int(&j, "sent", sent);
		json_int(&j, "stored", applied);
		json_int(&j, "batches", batches);
		json_real(&j, "seconds", seconds);
		out_json_close(&j);
		return;
	}
	if (dry) {
		printf(_("Dry run for site %s against %s: nothing is sent.\n"), site->cfg->site_id,
		       central_where(c));
		for (size_t i = 0; i < synctab_count; i++) {
			out_cell(stdout, synctab_all[i].name, 16, " ");
			printf(_("%8lld to send (central mark %lld, site at %lld)\n"),
			       (long long)runs[i].pending, (long long)runs[i].before,
			       (long long)runs[i].site_max);
		}
		return;
	}
	printf(_("Synced site %s to %s.\n"), site->cfg->site_id, central_where(c));
	for (size_t i = 0; i < synctab_count; i++) {
		out_cell(stdout, synctab_all[i].name, 16, " ");
		printf(_("%8lld sent, %lld stored; central mark %lld\n"), (long long)runs[i].sent,
		       (long long)runs[i].applied, (long long)runs[i].after);
	}
	printf(_("%lld rows in %ld batches, %.1f s.\n"), (long long)sent, batches, seconds);
}

static int run_sync(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	bool init = cli_has(call, "init-central"), dry = cli_has(call, "dry-run");
	if (init && dry) {
		mdg_err_set(&err, MDG_ERR_USAGE, "choose one of --init-central and --dry-run");
		return cli_fail(call, &err);
	}
	struct site site;
	if (site_open(call, init ? SITE_NO_STORE : 0, &site, &err))
		return cli_fail(call, &err);
	const struct mdg_config *cfg = site.cfg;
	struct central_opts o = {
		.target = cli_has(call, "central") ? cli_get(call, "central") : cfg->sync_central,
		.site_id = cfg->site_id,
		.connect_timeout_s = cfg->sync_connect_timeout_s,
		.statement_timeout_s = cfg->sync_statement_timeout_s,
	};
	struct central *c = NULL;
	struct syncbatch batch[2] = { 0 };
	struct table_run runs[16] = { 0 };
	double t0 = now_s();
	enum mdg_status rc = central_connect(&o, &c, &err);
	if (rc)
		goto out;
	if (init) {
		int code = run_init_central(call, c);
		central_close(&c);
		site_close(&site);
		return code;
	}
	rc = central_check_schema(c, &err);
	for (size_t i = 0; i < synctab_count && !rc; i++)
		rc = outbox_check_columns(site.st, &synctab_all[i], &err);
	if (!rc && !dry)
		rc = register_site(c, cfg, &err);
	bool sent_any = false;
	for (size_t i = 0; i < synctab_count && !rc; i++) {
		const struct synctab *tab = &synctab_all[i];
		struct table_run *tr = &runs[i];
		rc = central_hwm(c, tab, &tr->before, &err);
		if (!rc)
			rc = outbox_pending(site.st, tab, tr->before, &tr->pending, &tr->site_max, &err);
		if (rc)
			break;
		tr->after = tr->before;
		if (tr->before > tr->site_max) {
			rc = mdg_err_set(&err, MDG_ERR_STATE,
					 "%s holds %s of site %s up to seq %" PRId64 ", but this store ends at %"
					 PRId64 ": is it a restored backup, or another site's store? New rows "
					 "would collide with the central ones; nothing was sent (docs/operators.md)",
					 central_where(c), tab->name, cfg->site_id, tr->before, tr->site_max);
			break;
		}
		if (dry)
			continue;
		if (strcmp(tab->name, "audit") == 0 && (sent_any || tr->pending > 0)) {
			rc = audit_run(&site, c, runs, &err);
			if (!rc)
				rc = outbox_pending(site.st, tab, tr->before, &tr->pending, &tr->site_max, &err);
			if (rc)
				break;
		}
		rc = sync_table(&site, c, tab, (size_t)cfg->sync_batch_rows, batch, tr, &err);
		sent_any |= tr->sent > 0;
		if (tr->sent)
			mlog(MLOG_DEBUG, "sync %s: %" PRId64 " rows sent, %" PRId64 " stored, central mark %"
			     PRId64, tab->name, tr->sent, tr->applied, tr->after);
	}
	if (!rc)
		print_summary(call, &site, c, dry, runs, now_s() - t0);
out:
	syncbatch_free(&batch[0]);
	syncbatch_free(&batch[1]);
	central_close(&c);
	site_close(&site);
	return rc ? cli_fail(call, &err) : 0;
}

const struct cli_cmd cmd_sync_table[] = {
	{ .group = "sync", .run = run_sync,
	  .summary = "pushes the site's tickets, events, help sessions and audit to the central"
		     " PostgreSQL (nightly)",
	  .opts = { { "central", "SERVICE", "libpq service name or conninfo without password"
				 " (default: sync.central, else the PG* variables)" },
		    { "dry-run", NULL, "read the central marks and count what would be sent; send nothing" },
		    { "init-central", NULL, "create or migrate the central schema, then stop" } } },
	{ 0 },
};
