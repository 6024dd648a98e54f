/* SPDX-License-Identifier: MIT */
/* out: shared pieces of the CLI's human, CSV and JSON output (tickets, times, durations,
 * width-aware table cells), so that every command prints them the same way. */
#ifndef MDG_APP_OUT_H
#define MDG_APP_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/json.h"
#include "core/ticket.h"

/* "HH:MM" local time of a UTC ms time; "--:--" for 0. out needs 8 bytes. */
void out_clock(int64_t ms, char out[8]);

/* "2026-11-25T09:30:00+09:00": the local ISO 8601 time of a UTC ms time; "" for 0. out needs
 * 32 bytes. */
void out_iso_time(int64_t ms, char out[32]);

/* Whole minutes of a duration, rounded to nearest. */
long out_minutes(int64_t ms);

/* The ticket as a JSON object under key (NULL in arrays). */
void out_json_ticket(struct json_writer *j, const char *key, const struct ticket *t);

/* Starts the JSON answer of a command that succeeded: {"ok":true, ... (close with
 * out_json_close). */
void out_json_open(struct json_writer *j);
void out_json_close(struct json_writer *j);

/* Writes {"ok":true,"ticket":{...}} and a newline to stdout: the answer of every command that
 * acts on one ticket. */
void out_json_ticket_result(const struct ticket *t);

/* Writes s left-aligned in a cell of cols terminal columns (cut or padded), then sep. */
void out_cell(FILE *f, const char *s, int cols, const char *sep);

/* Writes s as one CSV field (quoted when needed) followed by sep ("," or "\n"). */
void out_csv_field(FILE *f, const char *s, const char *sep);

/* A service's name in lang (falls back as textmap_get), or its letter when it has none. */
const char *out_service_name(const struct mdg_config *cfg, const char *letter, const char *lang);

/* The language of human output, matching what gettext picks: $LANGUAGE's first entry, else
 * LC_MESSAGES, else "en" (the msgids) in the C locale. Borrowed until the next call. */
const char *out_language(const struct mdg_config *cfg);

#endif
