/* SPDX-License-Identifier: MIT */
/* log: the single logging entry point and its stock sinks. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const level_names[] = { "debug", "info", "warn", "error" };

static void stderr_sink(void *ctx, enum mlog_level level, const char *line)
{
	(void)ctx;
	fprintf(stderr, "madoguchi: %s: %s\n", level_names[level], line);
}

static mlog_sink_fn sink = stderr_sink;
static void *sink_ctx;
static enum mlog_level threshold = MLOG_INFO;

void mlog(enum mlog_level level, const char *fmt, ...)
{
	if (level < threshold || level > MLOG_ERROR)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	sink(sink_ctx, level, line);
}

void mlog_set_sink(mlog_sink_fn fn, void *ctx)
{
	sink = fn ? fn : stderr_sink;
	sink_ctx = fn ? ctx : NULL;
}

void mlog_set_level(enum mlog_level level)
{
	threshold = level;
}

int mlog_level_parse(const char *s)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
		if (s && strcmp(s, level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *mlog_level_name(enum mlog_level level)
{
	return level <= MLOG_ERROR ? level_names[level] : "?";
}

void mlog_memory_sink(void *ctx, enum mlog_level level, const char *line)
{
	struct mlog_memory *m = ctx;
	char one[1100];
	int n = snprintf(one, sizeof one, "%s%s: %s", m->len ? "\n" : "", level_names[level], line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof one)
		n = sizeof one - 1;
	if (m->len + (size_t)n >= sizeof m->buf)
		m->len = 0; /* keep the newest lines */
	memcpy(m->buf + m->len, one, (size_t)n);
	m->len += (size_t)n;
	m->buf[m->len] = '\0';
}

void mlog_file_sink(void *ctx, enum mlog_level level, const char *line)
{
	FILE *f = ctx;
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);
	fprintf(f, "%s %s %s\n", stamp, level_names[level], line);
	fflush(f);
}
