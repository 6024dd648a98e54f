/* SPDX-License-Identifier: MIT */
/* ticketcode: the MDG1 payload printed as the ticket's QR code (DESIGN.md §6). It names a
 * ticket without any personal data and is authenticated with a truncated MAC whose function is
 * injected (src/secure computes it), so that this module stays pure:
 *
 *     MDG1:NAHA-HONCHO:20261125:A042:1A2B3C4D:1:KZ3T5QWERTYUIOPA
 *     magic:site id:business date:service+number:ticket id prefix:key id:tag (base32)
 *
 * Only characters of the QR alphanumeric mode (0-9 A-Z : -), so that a payload for the longest
 * site id stays within QR version 4 at error level M (90 characters). The tag is the first
 * 10 bytes of the MAC of everything before the last ':'. Parsing accepts lower case (some
 * scanners fold it) and is strict about everything else. */
#ifndef MDG_CORE_TICKETCODE_H
#define MDG_CORE_TICKETCODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/bizdate.h"
#include "core/status.h"

#define TICKETCODE_MAX 96            /* longest payload + NUL */
#define TICKETCODE_TAG_BYTES 10      /* 80-bit truncated MAC, 16 base32 characters */
#define TICKETCODE_TOKEN_LEN 8       /* hex digits of the ticket id prefix */

struct ticketcode {
	char site[33];                   /* site id as configured (lower case) */
	char bizdate[BIZDATE_LEN];       /* YYYY-MM-DD */
	char service[2];                 /* letter */
	int number;                      /* 1..9999 */
	char token[TICKETCODE_TOKEN_LEN + 1]; /* first hex digits of the ticket token, lower case */
	unsigned key_id;                 /* 1..999 */
};

/* Computes the MAC of msg[0..n) with key key_id; 0, or -1 when the key is unknown. */
typedef int (*ticketcode_mac_fn)(void *ctx, unsigned key_id, const void *msg, size_t n,
				 uint8_t tag[TICKETCODE_TAG_BYTES]);

/* Why a payload is not accepted. */
enum ticketcode_verdict {
	TC_VALID,
	TC_MALFORMED,      /* not an MDG1 payload, or a field out of shape */
	TC_UNKNOWN_KEY,    /* signed with a key this site does not hold (any more) */
	TC_BAD_TAG,        /* altered or forged */
	TC_OTHER_SITE,     /* a valid ticket of another site */
	TC_NOT_TODAY,      /* a valid ticket of another business day */
	TC_BEYOND_COUNTER, /* a number today's counter has not reached */
	TC_NOT_FOUND,      /* no such ticket in the store (or its id does not match) */
	TC_VERDICT_COUNT
};

struct ticket;

/* The code fields of a stored ticket, to be signed with key_id. */
void ticketcode_of_ticket(const struct ticket *t, const char *site, unsigned key_id,
			  struct ticketcode *out);

/* A short English reason for a verdict ("bad tag: altered or forged"). */
const char *ticketcode_verdict_str(enum ticketcode_verdict v);
/* A stable machine name ("bad_tag"). */
const char *ticketcode_verdict_name(enum ticketcode_verdict v);

/* Writes the payload of c, signed with mac. MDG_OK; MDG_ERR_INVALID when a field is out of
 * shape; MDG_ERR_CRYPTO when mac fails. */
enum mdg_status ticketcode_format(const struct ticketcode *c, ticketcode_mac_fn mac, void *ctx,
				  char out[TICKETCODE_MAX], struct mdg_err *err);

/* Parses and authenticates payload (borrowed, any length): TC_VALID with *out filled, or
 * TC_MALFORMED / TC_UNKNOWN_KEY / TC_BAD_TAG. Site, date and store checks are the caller's
 * (ticketcode_check_context and the store). The tag is recomputed with mac and compared with
 * cmp, which must run in constant time and return non-zero when the buffers are equal. */
enum ticketcode_verdict ticketcode_parse(const char *payload, ticketcode_mac_fn mac, void *ctx,
					 int (*cmp)(const void *, const void *, size_t),
					 struct ticketcode *out);

/* The site and date checks of a parsed code: TC_OTHER_SITE, TC_NOT_TODAY or TC_VALID. */
enum ticketcode_verdict ticketcode_check_context(const struct ticketcode *c, const char *site,
						 const char *today);

#endif
