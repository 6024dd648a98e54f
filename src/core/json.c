/* SPDX-License-Identifier: MIT */
/* json: the writer. Strings are escaped per RFC 8259; control bytes become \u00XX. */
#include "core/json.h"

#include <math.h>
#include <inttypes.h>

void json_begin(struct json_writer *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
}

void json_end(struct json_writer *j)
{
	fputc('\n', j->f);
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void member(struct json_writer *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key) {
		put_string(j->f, key);
		fputc(':', j->f);
	}
}

static void open_(struct json_writer *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth < 31)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct json_writer *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->f);
}

void json_obj_begin(struct json_writer *j, const char *key) { open_(j, key, '{'); }
void json_obj_end(struct json_writer *j) { close_(j, '}'); }
void json_arr_begin(struct json_writer *j, const char *key) { open_(j, key, '['); }
void json_arr_end(struct json_writer *j) { close_(j, ']'); }

void json_str(struct json_writer *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		put_string(j->f, value);
	else
		fputs("null", j->f);
}

void json_int(struct json_writer *j, const char *key, int64_t value)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, value);
}

void json_real(struct json_writer *j, const char *key, double value)
{
	member(j, key);
	if (isnan(value) || isinf(value))
		fputs("null", j->f);
	else
		fprintf(j->f, "%.10g", value);
}

void json_bool(struct json_writer *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->f);
}

void json_null(struct json_writer *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json_int_or_null(struct json_writer *j, const char *key, int64_t value)
{
	if (value)
		json_int(j, key, value);
	else
		json_null(j, key);
}
