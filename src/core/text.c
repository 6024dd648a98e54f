/* SPDX-License-Identifier: MIT */
/* text: a strict UTF-8 decoder (no overlongs, no surrogates, nothing above U+10FFFF) feeding
 * sanitising and width measurement. */
#include "core/text.h"

#include <langinfo.h>
#include <string.h>
#include <wchar.h>

#define REPLACEMENT 0xFFFDu

/* Decodes one character at s; returns its byte length (>= 1) and sets *cp, or U+FFFD with
 * length 1 for an invalid sequence. s must not point at the terminating NUL. */
static size_t decode(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = REPLACEMENT;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		*cp = REPLACEMENT;
		return 1;
	}
	*cp = c;
	return len;
}

static size_t encode(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Controls and the bidi formatting characters that could reorder what a terminal shows. */
static bool dropped(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x200E && cp <= 0x200F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C;
}

bool text_sanitize(const char *in, char *out, size_t size)
{
	bool clean = true;
	size_t o = 0;
	if (size == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)in; *p;) {
		unsigned cp;
		size_t n = decode(p, &cp);
		if (cp == REPLACEMENT && !(n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] == 0xBD))
			clean = false;
		p += n;
		if (dropped(cp)) {
			clean = false;
			continue;
		}
		char buf[4];
		size_t m = encode(cp, buf);
		if (o + m >= size) {
			clean = false;
			break;
		}
		memcpy(out + o, buf, m);
		o += m;
	}
	out[o] = '\0';
	return clean;
}

bool text_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		/* decode() reads up to 4 bytes: give it a NUL-terminated copy near the end. */
		unsigned char tail[5] = { 0 };
		const unsigned char *q = p;
		if (end - p < 4) {
			memcpy(tail, p, (size_t)(end - p));
			q = tail;
		}
		unsigned cp;
		size_t len = decode(q, &cp);
		if (cp == REPLACEMENT && !(len == 3 && q[0] == 0xEF && q[1] == 0xBF && q[2] == 0xBD))
			return false;
		if (cp == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			return false;
		if ((size_t)(end - p) < len)
			return false;
		p += len;
	}
	return true;
}

static int cp_width(unsigned cp)
{
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp;
		p += decode(p, &cp);
		w += dropped(cp) ? 0 : cp_width(cp);
	}
	return w;
}

int text_fit(const char *s, int cols, bool pad, char *out, size_t size)
{
	size_t o = 0;
	int w = 0;
	if (size == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp;
		size_t n = decode(p, &cp);
		if (dropped(cp)) {
			p += n;
			continue;
		}
		int cw = cp_width(cp);
		char buf[4];
		size_t m = encode(cp, buf);
		if (w + cw > cols || o + m >= size)
			break;
		memcpy(out + o, buf, m);
		o += m;
		w += cw;
		p += n;
	}
	while (pad && w < cols && o + 1 < size) {
		out[o++] = ' ';
		w++;
	}
	out[o] = '\0';
	return w;
}

bool text_locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}
