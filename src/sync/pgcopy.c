/* SPDX-License-Identifier: MIT */
/* pgcopy: the COPY text encoder. Integers are written without printf (a million rows a run),
 * text is copied in runs between the bytes that need an escape. */
#include "sync/pgcopy.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>


static bool reserve(struct pgcopy_buf *o, size_t n)
{
	if (n <= o->cap - o->len)
		return true;
	size_t cap = o->cap ? o->cap : 64 * 1024;
	while (n > cap - o->len)
		cap *= 2;
	char *p = realloc(o->p, cap);
	if (!p)
		return false;
	o->p = p;
	o->cap = cap;
	return true;
}

static void put(struct pgcopy_buf *o, const char *s, size_t n)
{
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_int(struct pgcopy_buf *o, int64_t v)
{
	char tmp[24];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[n++] = '-';
	while (n)
		o->p[o->len++] = tmp[--n];
}

/* Length of the well-formed UTF-8 sequence at s (at most n bytes; RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. NUL counts as invalid: PostgreSQL text
 * cannot hold it. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	size_t k = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (k == 0 || k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) || (c == 0xf0 && s[1] < 0x90) ||
	    (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return k;
}

/* Text needs at most 3 output bytes per input byte (U+FFFD for one bad byte). */
static void put_text(struct pgcopy_buf *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0; /* start of bytes not yet copied */
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		const char *esc = NULL;
		size_t k = 1;
		if (c == '\\')
			esc = "\\\\";
		else if (c == '\t')
			esc = "\\t";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if ((c >= 0x80 || c == 0) && (k = utf8_len(p + i, n - i)) == 0) {
			esc = "\xef\xbf\xbd";
			k = 1;
		}
		if (esc) {
			put(o, s + run, i - run);
			put(o, esc, strlen(esc));
			run = i + k;
		}
		i += k;
	}
	put(o, s + run, n - run);
}

static void put_bytea(struct pgcopy_buf *o, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	put(o, "\\\\x", 3);
	for (size_t i = 0; i < n; i++) {
		o->p[o->len++] = hex[p[i] >> 4];
		o->p[o->len++] = hex[p[i] & 15];
	}
}

enum mdg_status pgcopy_row(struct pgcopy_buf *out, const struct syncbatch *b, size_t r)
{
	const struct synctab *t = b->tab;
	const struct syncval *v = syncbatch_row(b, r);
	size_t need = 1;
	for (size_t c = 0; c < t->n_cols; c++)
		need += 1 + (v[c].null ? 2 : t->cols[c].type == SYNCTAB_INT ? 21 :
			     t->cols[c].type == SYNCTAB_BLOB ? 3 + 2 * v[c].len : 3 * v[c].len);
	if (!reserve(out, need))
		return MDG_ERR_NOMEM;
	for (size_t c = 0; c < t->n_cols; c++) {
		if (c)
			out->p[out->len++] = '\t';
		if (v[c].null)
			put(out, "\\N", 2);
		else if (t->cols[c].type == SYNCTAB_INT)
			put_int(out, v[c].i);
		else if (t->cols[c].type == SYNCTAB_TEXT)
			put_text(out, syncbatch_bytes(b, &v[c]), v[c].len);
		else
			put_bytea(out, (const unsigned char *)syncbatch_bytes(b, &v[c]), v[c].len);
	}
	out->p[out->len++] = '\n';
	return MDG_OK;
}

void pgcopy_buf_free(struct pgcopy_buf *out)
{
	if (!out)
		return;
	free(out->p);
	memset(out, 0, sizeof *out);
}
