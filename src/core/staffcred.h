/* SPDX-License-Identifier: MIT */
/* staffcred: the rules for what a staff account is made of: its id, its display name and its
 * PIN. Pure libc; the PIN is only looked at, never copied (callers keep it in locked memory). */
#ifndef MDG_CORE_STAFFCRED_H
#define MDG_CORE_STAFFCRED_H

#include <stdbool.h>
#include <stddef.h>

#define STAFF_ID_MAX 32     /* bytes, without the NUL */
#define STAFF_NAME_MAX 64   /* bytes of UTF-8, without the NUL */
#define STAFF_PIN_MIN 6
#define STAFF_PIN_MAX 12

enum staffpin_verdict {
	STAFFPIN_OK,
	STAFFPIN_LENGTH,     /* not 6 to 12 characters */
	STAFFPIN_NOT_DIGITS, /* something other than 0-9 */
	STAFFPIN_SAME,       /* one digit repeated (000000) */
	STAFFPIN_RUN,        /* each digit one up or one down from the last, 9 and 0 adjacent
			      * (123456, 987654, 890123) */
};

/* Judges a new staff PIN of len bytes (no NUL needed). */
enum staffpin_verdict staffpin_check(const char *pin, size_t len);

/* What a verdict means, in English, for the person choosing the PIN ("" for STAFFPIN_OK). */
const char *staffpin_verdict_str(enum staffpin_verdict v);

/* A staff id: 1 to 32 of a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
bool staff_id_valid(const char *id);

/* A display name: 1 to 64 bytes of valid UTF-8 that text_sanitize leaves as it is (no control
 * or bidi characters). */
bool staff_name_valid(const char *name);

#endif
