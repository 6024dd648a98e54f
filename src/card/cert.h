/* SPDX-License-Identifier: MIT */
/* cert: the JPKI certificates as the card stores them (DER, reference mynumber-card.md §4),
 * parsed with OpenSSL libcrypto, the only code of src/ that includes openssl/: the size from the
 * 4-byte header, and the notAfter as a Japanese date. Input is card bytes: every length is
 * checked, and bad bytes are an MDG_ERR_INVALID message, never a crash. */
#ifndef MDG_CARD_CERT_H
#define MDG_CARD_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define CERT_DER_MAX 4096 /* larger than any JPKI certificate (about 1-2 KB) */

/* The size of the certificate whose first n bytes are head: a SEQUENCE with a two-byte length,
 * 30 82 HH LL, is 4 + HHLL bytes. MDG_ERR_INVALID, with a message, for another header (fewer
 * than 4 bytes, another tag or length form) or a size above CERT_DER_MAX. */
enum mdg_status cert_der_size(const uint8_t *head, size_t n, size_t *size, struct mdg_err *err);

/* When the certificate der[0..n) stops being valid: *utc_s, seconds since the epoch, and
 * jst_date, that instant's date in Japan (UTC+9, no daylight saving) as YYYY-MM-DD; J-LIS ends
 * a certificate at 14:59:59Z, the last second of a day in Japan. MDG_ERR_INVALID for anything
 * that is not exactly one DER X.509 certificate of n bytes, or a notAfter that cannot be read. */
enum mdg_status cert_not_after(const uint8_t *der, size_t n, char jst_date[11], int64_t *utc_s,
			       struct mdg_err *err);

#endif
