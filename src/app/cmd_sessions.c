/* SPDX-License-Identifier: MIT */
/* cmd_sessions: madoguchi sessions list|export|add — the assisted digital-help sessions of a date
 * range as a table or JSON, the RFC 4180 CSV export for the city's reports (audited; never the
 * note), and sessions recorded afterwards (outreach classes). The counter screen starts and
 * finishes sessions through store/helpsession.h; the taxonomy is core/helpsession.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/auth.h"
#include "app/cli.h"
#include "app/out.h"
#include "app/site.h"
#include "core/bizdate.h"
#include "core/helpsession.h"
#include "core/i18n.h"
#include "core/text.h"
#include "store/audit.h"
#include "store/helpsession.h"

/* Who the CLI's audit rows name until staff log in to it. */

/* The date range of --from/--to (default today, and --to defaults to --from). */
static enum mdg_status date_range(const struct cli_call *call, struct site *site, char from[11],
				  char to[11], struct mdg_err *err)
{
	char today[11];
	enum mdg_status rc = store_today(site->st, site_now(), today, err);
	if (rc)
		return rc;
	const char *f = cli_get(call, "from") ? cli_get(call, "from") : today;
	const char *t = cli_get(call, "to") ? cli_get(call, "to") : f;
	if (!bizdate_valid(f) || !bizdate_valid(t))
		return mdg_err_set(err, MDG_ERR_USAGE, _("dates are written YYYY-MM-DD, like 2026-11-25"));
	if (strcmp(f, t) > 0)
		return mdg_err_set(err, MDG_ERR_USAGE, _("--from %s is after --to %s"), f, t);
	memcpy(from, f, 11);
	memcpy(to, t, 11);
	return MDG_OK;
}

/* Opens the site, checks that the caller may see help sessions (they hold staff ids and notes:
 * a supervisor's right, --as), and reads the sessions of the range. On failure the site is
 * closed. */
static enum mdg_status load(const struct cli_call *call, struct site *site, char from[11],
			    char to[11], struct help_session **v, size_t *n, struct staff_info *who,
			    struct mdg_err *err)
{
	enum mdg_status rc = site_open(call, 0, site, err);
	if (rc)
		return rc;
	if ((rc = auth_cli(call, site, ACT_SESSION_EXPORT, "help_sessions", who, err)) ||
	    (rc = date_range(call, site, from, to, err)) ||
	    (rc = helpsession_list(site->st, from, to, v, n, err)))
		site_close(site);
	return rc;
}

static long gain(const struct help_session *h)
{
	return h->skill_before && h->skill_after ? h->skill_after - h->skill_before : 0;
}

static const char *label_or(const struct help_item *items, int i, int n, const char *none)
{
	return i >= 0 && i < n ? _(items[i].label) : none;
}

static void json_session(struct json_writer *j, const struct help_session *h)
{
	char iso[32];
	json_obj_begin(j, NULL);
	json_int(j, "id", h->id);
	json_str(j, "business_date", h->bizdate);
	json_int_or_null(j, "counter", h->counter);
	json_str(j, "staff", h->staff[0] ? h->staff : NULL);
	json_str(j, "ticket", h->ticket_number[0] ? h->ticket_number : NULL);
	json_bool(j, "finished", h->ended_ms != 0);
	out_iso_time(h->started_ms, iso);
	json_str(j, "started", iso);
	out_iso_time(h->ended_ms, iso);
	json_str(j, "ended", h->ended_ms ? iso : NULL);
	if (h->ended_ms)
		json_int(j, "minutes", out_minutes(h->ended_ms - h->started_ms));
	else
		json_null(j, "minutes");
	json_arr_begin(j, "topics");
	for (int t = 0; t < HELP_TOPIC_COUNT; t++)
		if (h->topics & (1u << t))
			json_str(j, NULL, help_topics[t].id);
	json_arr_end(j);
	json_str(j, "channel", help_channels[h->channel].id);
	json_str(j, "age_band", help_age_bands[h->age_band].id);
	json_int_or_null(j, "skill_before", h->skill_before);
	json_int_or_null(j, "skill_after", h->skill_after);
	if (h->skill_before && h->skill_after)
		json_int(j, "skill_gain", gain(h));
	else
		json_null(j, "skill_gain");
	json_str(j, "outcome", h->outcome >= 0 ? help_outcomes[h->outcome].id : NULL);
	json_bool(j, "follow_up", h->follow_up);
	json_str(j, "note", h->note);
	json_obj_end(j);
}

static void text_session(const struct help_session *h)
{
	char start[8], end[8], mins[16], skill[24], line[HELP_TOPICS_LEN * 4];
	out_clock(h->started_ms, start);
	out_clock(h->ended_ms, end);
	if (h->ended_ms)
		snprintf(mins, sizeof mins, _("%ld min"), out_minutes(h->ended_ms - h->started_ms));
	else
		snprintf(mins, sizeof mins, "%s", _("unfinished"));
	if (h->skill_before && h->skill_after)
		snprintf(skill, sizeof skill, "%d -> %d", h->skill_before, h->skill_after);
	else
		snprintf(skill, sizeof skill, "-");
	printf("%5lld  %s  %s-%s  ", (long long)h->id, h->bizdate, start, h->ended_ms ? end : "     ");
	out_cell(stdout, mins, 10, " ");
	out_cell(stdout, _(help_channels[h->channel].label), 16, " ");
	out_cell(stdout, _(help_age_bands[h->age_band].label), 14, " ");
	out_cell(stdout, skill, 7, " ");
	out_cell(stdout, label_or(help_outcomes, h->outcome, HELP_OUTCOME_COUNT, "-"), 18,
		 h->follow_up ? " " : "\n");
	if (h->follow_up)
		printf("%s\n", _("follow-up"));
	size_t o = 0;
	line[0] = '\0';
	for (int t = 0; t < HELP_TOPIC_COUNT; t++)
		if (h->topics & (1u << t))
			o += (size_t)snprintf(line + o, sizeof line - o, "%s%s", o ? ", " : "",
					      _(help_topics[t].label));
	printf("       %s %s\n", _("topics:"), o ? line : "-");
	if (h->note[0]) {
		char clean[HELP_NOTE_MAX * 3 + 1];
		text_sanitize(h->note, clean, sizeof clean);
		printf("       %s %s\n", _("note:"), clean);
	}
}

static int run_list(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	struct help_session *v = NULL;
	size_t n = 0;
	char from[11], to[11];
	struct staff_info who;
	if (load(call, &site, from, to, &v, &n, &who, &err))
		return cli_fail(call, &err);
	size_t open = 0;
	for (size_t i = 0; i < n; i++)
		open += !v[i].ended_ms;
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "from", from);
		json_str(&j, "to", to);
		json_int(&j, "count", (int64_t)n);
		json_int(&j, "unfinished", (int64_t)open);
		json_arr_begin(&j, "sessions");
		for (size_t i = 0; i < n; i++)
			json_session(&j, &v[i]);
		json_arr_end(&j);
		out_json_close(&j);
	} else {
		printf(_("Help sessions from %s to %s: %zu (unfinished: %zu)\n"), from, to, n, open);
		for (size_t i = 0; i < n; i++)
			text_session(&v[i]);
	}
	free(v);
	site_close(&site);
	return 0;
}

static const char *const csv_columns[] = {
	"id", "date", "counter", "staff", "ticket", "started", "ended", "minutes", "topics",
	"channel", "age_band", "skill_before", "skill_after", "skill_gain", "outcome", "follow_up",
};
#define N_CSV (sizeof csv_columns / sizeof csv_columns[0])

static void csv_session(const struct help_session *h)
{
	char f[N_CSV][HELP_TOPICS_LEN];
	memset(f, 0, sizeof f);
	snprintf(f[0], sizeof f[0], "%lld", (long long)h->id);
	snprintf(f[1], sizeof f[1], "%s", h->bizdate);
	if (h->counter)
		snprintf(f[2], sizeof f[2], "%d", h->counter);
	snprintf(f[3], sizeof f[3], "%s", h->staff);
	snprintf(f[4], sizeof f[4], "%s", h->ticket_number);
	out_iso_time(h->started_ms, f[5]);
	out_iso_time(h->ended_ms, f[6]);
	if (h->ended_ms)
		snprintf(f[7], sizeof f[7], "%ld", out_minutes(h->ended_ms - h->started_ms));
	helptopics_format(h->topics, ';', f[8]);
	snprintf(f[9], sizeof f[9], "%s", help_channels[h->channel].id);
	snprintf(f[10], sizeof f[10], "%s", help_age_bands[h->age_band].id);
	if (h->skill_before)
		snprintf(f[11], sizeof f[11], "%d", h->skill_before);
	if (h->skill_after)
		snprintf(f[12], sizeof f[12], "%d", h->skill_after);
	if (h->skill_before && h->skill_after)
		snprintf(f[13], sizeof f[13], "%ld", gain(h));
	if (h->outcome >= 0)
		snprintf(f[14], sizeof f[14], "%s", help_outcomes[h->outcome].id);
	snprintf(f[15], sizeof f[15], "%d", h->follow_up ? 1 : 0);
	for (size_t i = 0; i < N_CSV; i++)
		out_csv_field(stdout, f[i], i + 1 == N_CSV ? "\r\n" : ",");
}

static int run_export(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	if (!cli_has(call, "csv") || call->json) {
		mdg_err_set(&err, MDG_ERR_USAGE, _("sessions export writes CSV: give --csv (and not --json)"));
		return cli_fail(call, &err);
	}
	struct site site;
	struct help_session *v = NULL;
	size_t n = 0;
	char from[11], to[11], detail[96];
	struct staff_info who;
	if (load(call, &site, from, to, &v, &n, &who, &err))
		return cli_fail(call, &err);
	const char *actor = who.id;
	/* The audit row commits before a single row is written: no unrecorded export. */
	snprintf(detail, sizeof detail, "from %s to %s, %zu rows", from, to, n);
	if (audit_append(site.st, site_now(), actor, "session.export", "help_sessions", detail, &err)) {
		free(v);
		site_close(&site);
		return cli_fail(call, &err);
	}
	for (size_t i = 0; i < N_CSV; i++)
		out_csv_field(stdout, csv_columns[i], i + 1 == N_CSV ? "\r\n" : ",");
	for (size_t i = 0; i < n; i++)
		csv_session(&v[i]);
	free(v);
	site_close(&site);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* The UTC ms time of local time HH:MM on date (site time zone). */
static enum mdg_status local_time(const char *date, const char *hhmm, const char *what,
				  int64_t *ms, struct mdg_err *err)
{
	int h, m;
	char end;
	if (!hhmm || sscanf(hhmm, "%2d:%2d%c", &h, &m, &end) != 2 || strlen(hhmm) != 5 || h < 0 ||
	    h > 23 || m < 0 || m > 59)
		return mdg_err_set(err, MDG_ERR_USAGE, _("--%s wants a time HH:MM, like 14:30, not '%s'"),
				   what, hhmm ? hhmm : "");
	struct tm tm = { 0 };
	tm.tm_year = atoi(date) - 1900;
	tm.tm_mon = atoi(date + 5) - 1;
	tm.tm_mday = atoi(date + 8);
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return mdg_err_set(err, MDG_ERR_USAGE, _("--%s: no such local time"), what);
	*ms = (int64_t)t * 1000;
	return MDG_OK;
}

/* Looks up option name's value in items; MDG_ERR_USAGE listing the ids when unknown. */
static enum mdg_status item_opt(const struct cli_call *call, const char *name,
				const struct help_item *items, int n, int *out, struct mdg_err *err)
{
	const char *v = cli_get(call, name);
	int i = help_item_find(items, (size_t)n, v);
	if (i < 0) {
		char ids[256];
		return mdg_err_set(err, MDG_ERR_USAGE, _("--%s is one of %s, not '%s'"), name,
				   help_item_ids(items, (size_t)n, ids, sizeof ids), v ? v : "");
	}
	*out = i;
	return MDG_OK;
}

/* Warns on stderr about what the note seems to hold. True when it holds something. */
static bool warn_note(const char *note)
{
	unsigned flags = helpnote_check(note);
	for (unsigned f = 1; f < (1u << HELPNOTE_FLAGS); f <<= 1)
		if (flags & f)
			fprintf(stderr, _("madoguchi: warning: the note seems to contain %s\n"),
				_(helpnote_flag_label(f)));
	return flags != 0;
}

/* Fills h from the options of sessions add. */
static enum mdg_status parse_add(const struct cli_call *call, struct site *site,
				 struct help_session *h, struct mdg_err *err)
{
	long sb = 0, sa = 0, counter = 0;
	char date[11];
	enum mdg_status rc;
	helpsession_init(h);
	if ((rc = item_opt(call, "channel", help_channels, HELP_CHANNEL_COUNT, &h->channel, err)) ||
	    (rc = item_opt(call, "age-band", help_age_bands, HELP_AGE_COUNT, &h->age_band, err)) ||
	    (rc = item_opt(call, "outcome", help_outcomes, HELP_OUTCOME_COUNT, &h->outcome, err)) ||
	    (rc = cli_get_int(call, "skill-before", HELP_SKILL_MIN, HELP_SKILL_MAX, &sb, err)) ||
	    (rc = cli_get_int(call, "skill-after", HELP_SKILL_MIN, HELP_SKILL_MAX, &sa, err)) ||
	    (rc = cli_get_int(call, "counter", 1, 99, &counter, err)))
		return rc;
	h->skill_before = (int)sb;
	h->skill_after = (int)sa;
	h->counter = (int)counter;
	h->follow_up = cli_has(call, "follow-up");
	if ((rc = helptopics_parse(cli_get(call, "topics"), &h->topics, err)))
		return rc;
	const char *staff = cli_get(call, "staff");
	if (staff && snprintf(h->staff, sizeof h->staff, "%s", staff) >= (int)sizeof h->staff)
		return mdg_err_set(err, MDG_ERR_USAGE, _("--staff: an id of up to 32 characters"));
	const char *note = cli_get(call, "note");
	if (note && strlen(note) > HELP_NOTE_MAX)
		return mdg_err_set(err, MDG_ERR_USAGE, _("--note: at most %d bytes"), HELP_NOTE_MAX);
	snprintf(h->note, sizeof h->note, "%s", note ? note : "");
	if (cli_has(call, "date")) {
		snprintf(date, sizeof date, "%s", cli_get(call, "date"));
		if (!bizdate_valid(cli_get(call, "date")))
			return mdg_err_set(err, MDG_ERR_USAGE, _("dates are written YYYY-MM-DD, like 2026-11-25"));
	} else if ((rc = store_today(site->st, site_now(), date, err))) {
		return rc;
	}
	if ((rc = local_time(date, cli_get(call, "start"), "start", &h->started_ms, err)) ||
	    (rc = local_time(date, cli_get(call, "end"), "end", &h->ended_ms, err)))
		return rc;
	if (h->ended_ms < h->started_ms)
		return mdg_err_set(err, MDG_ERR_USAGE, _("--end %s is before --start %s"),
				   cli_get(call, "end"), cli_get(call, "start"));
	if (warn_note(h->note) && !cli_has(call, "note-ok"))
		return mdg_err_set(err, MDG_ERR_USAGE,
				   _("the note was not stored: notes must not hold personal data; rewrite"
				     " it, or give --note-ok when it holds none"));
	return MDG_OK;
}

static int run_add(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct site site;
	if (site_open(call, 0, &site, &err))
		return cli_fail(call, &err);
	struct help_session h;
	struct staff_info who;
	int64_t id = 0;
	/* the input first: a mistake is told before anyone types a PIN */
	if (parse_add(call, &site, &h, &err) ||
	    auth_cli(call, &site, ACT_SESSION_RECORD, "help_sessions", &who, &err) ||
	    (!h.staff[0] && snprintf(h.staff, sizeof h.staff, "%s", who.id) < 0) ||
	    helpsession_record(site.st, &h, site_now(), who.id, &id, &err) ||
	    helpsession_get(site.st, id, &h, &err)) {
		site_close(&site);
		return cli_fail(call, &err);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_arr_begin(&j, "sessions");
		json_session(&j, &h);
		json_arr_end(&j);
		out_json_close(&j);
	} else {
		printf(_("Recorded help session %lld.\n"), (long long)id);
	}
	site_close(&site);
	return 0;
}

const struct cli_cmd cmd_sessions_table[] = {
	{ .group = "sessions", .name = "list", .run = run_list,
	  .summary = "help sessions of a date range, finished or not (with --json: every field)",
	  .opts = { AUTH_OPT_AS, { "from", "YYYY-MM-DD", "first business date (default: today)" },
		    { "to", "YYYY-MM-DD", "last business date (default: --from)" } } },
	{ .group = "sessions", .name = "export", .run = run_export,
	  .summary = "help sessions as CSV for the city's reports (audited; the note is never exported)",
	  .opts = { AUTH_OPT_AS, { "from", "YYYY-MM-DD", "first business date (default: today)" },
		    { "to", "YYYY-MM-DD", "last business date (default: --from)" },
		    { "csv", NULL, "RFC 4180 CSV with a header row", true } } },
	{ .group = "sessions", .name = "add", .run = run_add,
	  .summary = "record a help session afterwards (an outreach class)",
	  .opts = { AUTH_OPT_AS, { "channel", "CHANNEL", "counter | kiosk | outreach", true },
		    { "date", "YYYY-MM-DD", "the day it took place (default: today)" },
		    { "start", "HH:MM", "local start time", true },
		    { "end", "HH:MM", "local end time", true },
		    { "topics", "ID,ID", "topic ids, comma-separated (a wrong one lists them all)", true },
		    { "age-band", "BAND", "age band id (a wrong one lists them all)", true },
		    { "skill-before", "N", "the resident's skill before, 1 to 5", true },
		    { "skill-after", "N", "the resident's skill after, 1 to 5", true },
		    { "outcome", "OUTCOME", "outcome id (a wrong one lists them all)", true },
		    { "follow-up", NULL, "the resident needs another session" },
		    { "counter", "N", "the counter, when it was at one" },
		    { "staff", "ID", "the staff member who helped" },
		    { "note", "TEXT", "a note without personal data (stays at the site)" },
		    { "note-ok", NULL, "store a note that the personal-data check flags" } } },
	{ 0 },
};
