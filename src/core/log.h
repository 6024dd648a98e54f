/* SPDX-License-Identifier: MIT */
/* log: mlog() to one swappable sink (stderr by default, a file in production, memory in tests).
 * Callers log ids, never personal data or secrets. Nothing here knows about curses: the UI
 * swaps the sink away from stderr while it owns the screen. */
#ifndef MDG_CORE_LOG_H
#define MDG_CORE_LOG_H

#include <stddef.h>

enum mlog_level { MLOG_DEBUG, MLOG_INFO, MLOG_WARN, MLOG_ERROR };

/* A sink receives one formatted line without the trailing newline; line is borrowed. */
typedef void (*mlog_sink_fn)(void *ctx, enum mlog_level level, const char *line);

/* Logs at level when level >= the threshold. Never fails; long lines are truncated. */
void mlog(enum mlog_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Replaces the sink (NULL restores the stderr sink). ctx is borrowed. */
void mlog_set_sink(mlog_sink_fn fn, void *ctx);

/* Sets the threshold (default MLOG_INFO). */
void mlog_set_level(enum mlog_level level);

/* Parses "debug", "info", "warn", "error"; returns -1 for anything else. */
int mlog_level_parse(const char *s);

/* The name of a level ("info", ...). */
const char *mlog_level_name(enum mlog_level level);

/* Memory sink for tests: keeps the last lines joined by '\n' in a fixed buffer. */
struct mlog_memory {
	char buf[8192];
	size_t len;
};
void mlog_memory_sink(void *ctx, enum mlog_level level, const char *line);

/* File sink: appends "time level line" to the FILE* given as ctx and flushes. */
void mlog_file_sink(void *ctx, enum mlog_level level, const char *line);

#endif
