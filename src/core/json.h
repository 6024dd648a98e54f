/* SPDX-License-Identifier: MIT */
/* json: a streaming JSON writer for --json output (objects, arrays, strings escaped as UTF-8,
 * integers, reals, booleans, null). It tracks commas itself; it never allocates. */
#ifndef MDG_CORE_JSON_H
#define MDG_CORE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer {
	FILE *f;            /* borrowed */
	int depth;
	bool need_comma[32];
};

/* Starts writing to f. */
void json_begin(struct json_writer *j, FILE *f);
/* Ends the document with a newline. */
void json_end(struct json_writer *j);

/* key is NULL inside arrays (and for the top-level value), a member name inside objects. */
void json_obj_begin(struct json_writer *j, const char *key);
void json_obj_end(struct json_writer *j);
void json_arr_begin(struct json_writer *j, const char *key);
void json_arr_end(struct json_writer *j);
void json_str(struct json_writer *j, const char *key, const char *value); /* NULL -> null */
void json_int(struct json_writer *j, const char *key, int64_t value);
void json_int_or_null(struct json_writer *j, const char *key, int64_t value); /* 0 -> null */
void json_real(struct json_writer *j, const char *key, double value);    /* NaN -> null */
void json_bool(struct json_writer *j, const char *key, bool value);
void json_null(struct json_writer *j, const char *key);

#endif
