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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	(void)text_sanitize(s, out, sizeof out);
	(void)text_width(s);
	(void)text_fit(s, (int)(size % 40), size % 2, out, sizeof out);
	free(s);
	return 0;
}
