/* SPDX-License-Identifier: MIT */
/* text: the one place where UTF-8 text is sanitised and measured in terminal columns. Sanitise
 * first (invalid bytes -> U+FFFD, C0/C1 controls and bidi controls dropped), then measure with
 * wcwidth under a UTF-8 LC_CTYPE; never split a wide character; never count bytes as columns. */
#ifndef MDG_CORE_TEXT_H
#define MDG_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes a sanitised copy of in (NUL-terminated) into out (size bytes, always terminated; a
 * character that does not fit whole is left out). Returns true when in needed no change. */
bool text_sanitize(const char *in, char *out, size_t size);

/* True when s[0..n) is strict UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF) and holds no NUL and no C0/C1 control character: what card text must be. */
bool text_utf8_valid(const char *s, size_t n);

/* Terminal columns of a UTF-8 string (invalid bytes count as one U+FFFD, width 1; characters
 * wcwidth cannot measure count as 1). */
int text_width(const char *s);

/* Writes s into out cut to at most cols columns (whole characters only) and padded with spaces
 * to exactly cols columns when pad is set. out must hold size bytes. Returns the columns used. */
int text_fit(const char *s, int cols, bool pad, char *out, size_t size);

/* True when the process's LC_CTYPE is UTF-8. */
bool text_locale_is_utf8(void);

#endif
