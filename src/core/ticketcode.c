/* SPDX-License-Identifier: MIT */
/* ticketcode: formatting and strict parsing of MDG1 payloads; base32 (RFC 4648 alphabet,
 * no padding) for the tag. */
#include "core/ticketcode.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/ticket.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
#define TAG_CHARS 16 /* 10 bytes = 80 bits = 16 base32 characters */

static const char *const verdict_names[TC_VERDICT_COUNT] = {
	[TC_VALID] = "valid", [TC_MALFORMED] = "malformed", [TC_UNKNOWN_KEY] = "unknown_key",
	[TC_BAD_TAG] = "bad_tag", [TC_OTHER_SITE] = "other_site", [TC_NOT_TODAY] = "not_today",
	[TC_BEYOND_COUNTER] = "beyond_counter", [TC_NOT_FOUND] = "not_found",
};

static const char *const verdict_text[TC_VERDICT_COUNT] = {
	[TC_VALID] = "valid",
	[TC_MALFORMED] = "malformed: not a madoguchi ticket code",
	[TC_UNKNOWN_KEY] = "unknown key: signed with a key this site does not hold",
	[TC_BAD_TAG] = "bad tag: the code was altered or forged",
	[TC_OTHER_SITE] = "other site: a ticket of another office",
	[TC_NOT_TODAY] = "not today: a ticket of another day",
	[TC_BEYOND_COUNTER] = "beyond the counter: today's numbers have not reached it",
	[TC_NOT_FOUND] = "not found: no such ticket today",
};

void ticketcode_of_ticket(const struct ticket *t, const char *site, unsigned key_id,
			  struct ticketcode *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->site, sizeof out->site, "%s", site);
	memcpy(out->bizdate, t->bizdate, sizeof out->bizdate);
	out->service[0] = t->service[0];
	out->number = t->number;
	memcpy(out->token, t->token, TICKETCODE_TOKEN_LEN);
	out->key_id = key_id;
}

const char *ticketcode_verdict_str(enum ticketcode_verdict v)
{
	return (unsigned)v < TC_VERDICT_COUNT ? verdict_text[v] : "?";
}

const char *ticketcode_verdict_name(enum ticketcode_verdict v)
{
	return (unsigned)v < TC_VERDICT_COUNT ? verdict_names[v] : "?";
}

static void base32(const uint8_t in[TICKETCODE_TAG_BYTES], char out[TAG_CHARS + 1])
{
	unsigned acc = 0;
	int bits = 0, o = 0;
	for (int i = 0; i < TICKETCODE_TAG_BYTES; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	out[o] = '\0';
}

static int site_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 32)
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
			return 0;
	return 1;
}

/* The signed part: "MDG1:SITE:YYYYMMDD:A042:TOKEN:KID". */
static int signed_part(const struct ticketcode *c, char *out, size_t size)
{
	char site[33], token[TICKETCODE_TOKEN_LEN + 1];
	size_t i;
	for (i = 0; c->site[i] && i < 32; i++)
		site[i] = (char)toupper((unsigned char)c->site[i]);
	site[i] = '\0';
	for (i = 0; c->token[i] && i < TICKETCODE_TOKEN_LEN; i++)
		token[i] = (char)toupper((unsigned char)c->token[i]);
	token[i] = '\0';
	return snprintf(out, size, "MDG1:%s:%.4s%.2s%.2s:%c%03d:%s:%u", site, c->bizdate,
			c->bizdate + 5, c->bizdate + 8, c->service[0], c->number, token, c->key_id);
}

enum mdg_status ticketcode_format(const struct ticketcode *c, ticketcode_mac_fn mac, void *ctx,
				  char out[TICKETCODE_MAX], struct mdg_err *err)
{
	size_t tl = strlen(c->token);
	bool hex = tl == TICKETCODE_TOKEN_LEN;
	for (size_t i = 0; hex && i < tl; i++)
		hex = isxdigit((unsigned char)c->token[i]);
	if (!site_ok(c->site) || !bizdate_valid(c->bizdate) || c->service[0] < 'A' ||
	    c->service[0] > 'Z' || c->number < 1 || c->number > 9999 || !hex || c->key_id < 1 ||
	    c->key_id > 999)
		return mdg_err_set(err, MDG_ERR_INVALID, "ticket code field out of shape");
	int n = signed_part(c, out, TICKETCODE_MAX);
	if (n < 0 || n + 1 + TAG_CHARS >= TICKETCODE_MAX)
		return mdg_err_set(err, MDG_ERR_INVALID, "ticket code too long");
	uint8_t tag[TICKETCODE_TAG_BYTES];
	if (mac(ctx, c->key_id, out, (size_t)n, tag) != 0)
		return mdg_err_set(err, MDG_ERR_CRYPTO, "no key %u to sign the ticket code", c->key_id);
	out[n] = ':';
	base32(tag, out + n + 1);
	return MDG_OK;
}

/* Splits s (a writable copy) at ':' into exactly want fields. */
static int split(char *s, char **f, int want)
{
	int n = 0;
	f[n++] = s;
	for (char *p = s; *p; p++) {
		if (*p != ':')
			continue;
		if (n == want)
			return -1;
		*p = '\0';
		f[n++] = p + 1;
	}
	return n == want ? 0 : -1;
}

static int all(const char *s, size_t min, size_t max, int (*cls)(int))
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return 0;
	for (; *s; s++)
		if (!cls((unsigned char)*s))
			return 0;
	return 1;
}

static int is_site_char(int c)
{
	return isupper(c) || isdigit(c) || c == '-';
}

static int is_b32(int c)
{
	return isupper(c) || (c >= '2' && c <= '7');
}

enum ticketcode_verdict ticketcode_parse(const char *payload, ticketcode_mac_fn mac, void *ctx,
					 int (*cmp)(const void *, const void *, size_t),
					 struct ticketcode *out)
{
	char buf[TICKETCODE_MAX], *f[7];
	size_t len = payload ? strnlen(payload, TICKETCODE_MAX) : TICKETCODE_MAX;
	if (len >= TICKETCODE_MAX)
		return TC_MALFORMED;
	for (size_t i = 0; i <= len; i++)
		buf[i] = (char)toupper((unsigned char)payload[i]);
	/* Scanners may end the burst with a newline: one trailing CR/LF is tolerated. */
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	char canon[TICKETCODE_MAX];
	memcpy(canon, buf, len + 1);
	if (split(buf, f, 7) != 0 || strcmp(f[0], "MDG1") != 0)
		return TC_MALFORMED;
	if (!all(f[1], 1, 32, is_site_char) || !all(f[2], 8, 8, isdigit) ||
	    !(isupper((unsigned char)f[3][0]) && all(f[3] + 1, 3, 4, isdigit)) ||
	    !all(f[4], TICKETCODE_TOKEN_LEN, TICKETCODE_TOKEN_LEN, isxdigit) ||
	    !all(f[5], 1, 3, isdigit) || !all(f[6], TAG_CHARS, TAG_CHARS, is_b32))
		return TC_MALFORMED;
	struct ticketcode c = { 0 };
	for (size_t i = 0; f[1][i]; i++)
		c.site[i] = (char)tolower((unsigned char)f[1][i]);
	snprintf(c.bizdate, sizeof c.bizdate, "%.4s-%.2s-%.2s", f[2], f[2] + 4, f[2] + 6);
	if (!bizdate_valid(c.bizdate))
		return TC_MALFORMED;
	c.service[0] = f[3][0];
	c.number = 0;
	for (const char *p = f[3] + 1; *p; p++)
		c.number = c.number * 10 + (*p - '0');
	if (c.number < 1)
		return TC_MALFORMED;
	for (size_t i = 0; f[4][i]; i++)
		c.token[i] = (char)tolower((unsigned char)f[4][i]);
	c.key_id = 0;
	for (const char *p = f[5]; *p; p++)
		c.key_id = c.key_id * 10 + (unsigned)(*p - '0');
	if (c.key_id < 1)
		return TC_MALFORMED;
	/* One spelling only ("A042" not "A0042", key "1" not "01"): the signed part rebuilt from
	 * the fields must be the text given. */
	char signed_buf[TICKETCODE_MAX];
	int n = signed_part(&c, signed_buf, sizeof signed_buf);
	size_t given = (size_t)(f[6] - buf) - 1;
	if (n < 0 || (size_t)n != given || memcmp(signed_buf, canon, given) != 0)
		return TC_MALFORMED; /* not in canonical form */
	uint8_t tag[TICKETCODE_TAG_BYTES];
	if (mac(ctx, c.key_id, signed_buf, (size_t)n, tag) != 0)
		return TC_UNKNOWN_KEY;
	char want[TAG_CHARS + 1];
	base32(tag, want);
	if (!cmp(want, f[6], TAG_CHARS))
		return TC_BAD_TAG;
	*out = c;
	return TC_VALID;
}

enum ticketcode_verdict ticketcode_check_context(const struct ticketcode *c, const char *site,
						 const char *today)
{
	if (strcmp(c->site, site) != 0)
		return TC_OTHER_SITE;
	if (strcmp(c->bizdate, today) != 0)
		return TC_NOT_TODAY;
	return TC_VALID;
}
