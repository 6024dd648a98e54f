/* SPDX-License-Identifier: MIT */
/* Fuzz target: the small parsers of typed and scanned text: ticket numbers, ISO times, dates,
 * language codes, UTF-8 sanitising and width measurement. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bizdate.h"
#include "core/i18n.h"
#include "core/text.h"
#include "core/ticket.h"
#include "core/ticketcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A stand-in MAC with keys 1 and 2 (the real one is tested elsewhere): lets the fuzzer reach
 * every branch of the payload parser, valid codes included. */
static int mac(void *ctx, unsigned key_id, const void *msg, size_t n, uint8_t *tag)
{
	(void)ctx;
	if (key_id != 1 && key_id != 2)
		return -1;
	memset(tag, 0, TICKETCODE_TAG_BYTES);
	for (size_t i = 0; i < n; i++)
		tag[i % TICKETCODE_TAG_BYTES] ^= (uint8_t)(((const uint8_t *)msg)[i] + key_id);
	return 0;
}

static int eq(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char svc[2], out[64], date[BIZDATE_LEN];
	int n;
	int64_t ms;
	if (ticket_parse_number(s, svc, &n)) {
		char back[8];
		ticket_format_number(svc, n, back);
	}
	(void)bizclock_parse(s, &ms);
	if (bizdate_valid(s))
		(void)bizdate_add_days(s, (int)(size % 1000) - 500, date);
	(void)i18n_lang_valid(s);
	struct ticketcode c;
	if (ticketcode_parse(s, mac, NULL, eq, &c) == TC_VALID) {
		char again[TICKETCODE_MAX];
		struct mdg_err err;
		if (ticketcode_format(&c, mac, NULL, again, &err) != MDG_OK)
			abort(); /* whatever parses must format again */
	}
	(void)text_sanitize(s, out, sizeof out);
	(void)text_width(s);
	(void)text_fit(s, (int)(size % 40), size % 2, out, sizeof out);
	free(s);
	return 0;
}
