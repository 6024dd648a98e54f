/* SPDX-License-Identifier: MIT */
/* out: formatting helpers shared by the cmd_*.c files. */
#include "app/out.h"

#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bizdate.h"
#include "core/text.h"

void out_clock(int64_t ms, char out[8])
{
	bizclock_hhmm(ms, out);
}

void out_iso_time(int64_t ms, char out[32])
{
	out[0] = '\0';
	if (ms <= 0)
		return;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char zone[8];
	localtime_r(&t, &tm);
	strftime(zone, sizeof zone, "%z", &tm); /* +0900 */
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, "%.3s:%.2s", zone, zone + 3);
}

long out_minutes(int64_t ms)
{
	return (long)((ms + 30000) / 60000);
}

void out_json_ticket(struct json_writer *j, const char *key, const struct ticket *t)
{
	char num[8];
	ticket_format_number(t->service, t->number, num);
	json_obj_begin(j, key);
	json_str(j, "number", num);
	json_str(j, "service", t->service);
	json_int(j, "seq_number", t->number);
	json_str(j, "queue", t->queue);
	json_str(j, "business_date", t->bizdate);
	json_str(j, "state", ticket_state_name(t->state));
	if (t->priority == PRIO_NONE)
		json_null(j, "priority");
	else
		json_str(j, "priority", ticket_priority_name(t->priority));
	json_str(j, "lang", t->lang);
	json_bool(j, "printed", t->printed);
	json_int_or_null(j, "counter", t->counter);
	json_str(j, "staff", t->staff[0] ? t->staff : NULL);
	json_int(j, "recalls", t->recalls);
	json_int(j, "issued_ms", t->issued_ms);
	json_int(j, "queue_ms", t->queue_ms);
	json_int_or_null(j, "called_ms", t->called_ms);
	json_int_or_null(j, "ended_ms", t->ended_ms);
	json_str(j, "outcome", t->outcome[0] ? t->outcome : NULL);
	json_obj_end(j);
}

void out_json_open(struct json_writer *j)
{
	json_begin(j, stdout);
	json_obj_begin(j, NULL);
	json_bool(j, "ok", true);
}

void out_json_close(struct json_writer *j)
{
	json_obj_end(j);
	json_end(j);
}

void out_json_ticket_result(const struct ticket *t)
{
	struct json_writer j;
	out_json_open(&j);
	out_json_ticket(&j, "ticket", t);
	out_json_close(&j);
}

void out_cell(FILE *f, const char *s, int cols, const char *sep)
{
	char clean[512], cell[512];
	text_sanitize(s ? s : "", clean, sizeof clean);
	text_fit(clean, cols, true, cell, sizeof cell);
	fputs(cell, f);
	fputs(sep, f);
}

void out_csv_field(FILE *f, const char *s, const char *sep)
{
	if (!s)
		s = "";
	/* A leading = + - @ would be run as a formula by spreadsheets: neutralise it. */
	bool formula = strchr("=+-@", s[0]) && s[0] && !(s[0] == '-' && s[1] >= '0' && s[1] <= '9');
	if (strpbrk(s, ",\"\r\n") || formula) {
		fputc('"', f);
		if (formula)
			fputc('\'', f);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(sep, f);
}

const char *out_service_name(const struct mdg_config *cfg, const char *letter, const char *lang)
{
	const struct mdg_service *svc = config_service(cfg, letter);
	if (!svc)
		return letter;
	const char *name = textmap_get(&svc->name, lang);
	return name && *name ? name : svc->letter;
}

const char *out_language(const struct mdg_config *cfg)
{
	static char buf[32];
	const char *l = getenv("LANGUAGE");
	if (!l || !*l) {
		l = setlocale(LC_MESSAGES, NULL);
		if (!l || strcmp(l, "C") == 0 || strcmp(l, "C.UTF-8") == 0 || strcmp(l, "POSIX") == 0)
			return "en"; /* what gettext shows without a catalog: the msgids */
	}
	size_t n = strcspn(l, ":.");
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, l, n);
	buf[n] = '\0';
	return buf;
}
