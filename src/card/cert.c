/* SPDX-License-Identifier: MIT */
/* cert: libcrypto's X.509 parser over certificate bytes read from the card. */
#include "card/cert.h"

#include <time.h>

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#define JST_OFFSET_S (9 * 3600)

enum mdg_status cert_der_size(const uint8_t *head, size_t n, size_t *size, struct mdg_err *err)
{
	if (n < 4 || head[0] != 0x30 || head[1] != 0x82)
		return mdg_err_set(err, MDG_ERR_INVALID, "card: the certificate file does not start"
				   " with a DER SEQUENCE (30 82 HH LL)");
	*size = 4 + (size_t)(head[2] << 8 | head[3]);
	if (*size > CERT_DER_MAX)
		return mdg_err_set(err, MDG_ERR_INVALID, "card: the certificate would be %zu bytes,"
				   " more than %d", *size, CERT_DER_MAX);
	return MDG_OK;
}

enum mdg_status cert_not_after(const uint8_t *der, size_t n, char jst_date[11], int64_t *utc_s,
			       struct mdg_err *err)
{
	enum mdg_status rc = MDG_OK;
	const unsigned char *p = der;
	X509 *x = NULL;
	ASN1_TIME *epoch = NULL;
	struct tm tm;
	int days, secs;
	jst_date[0] = '\0';
	if (n == 0 || n > CERT_DER_MAX || !(x = d2i_X509(NULL, &p, (long)n)) || p != der + n) {
		rc = mdg_err_set(err, MDG_ERR_INVALID, "card: the certificate is not valid DER");
		goto out;
	}
	const ASN1_TIME *t = X509_get0_notAfter(x);
	/* UTC seconds: the difference from the epoch (no timegm in C11 or POSIX). */
	if (!t || !ASN1_TIME_to_tm(t, &tm) || !(epoch = ASN1_TIME_set(NULL, 0)) ||
	    !ASN1_TIME_diff(&days, &secs, epoch, t)) {
		rc = mdg_err_set(err, MDG_ERR_INVALID, "card: the certificate's notAfter is unreadable");
		goto out;
	}
	*utc_s = (int64_t)days * 86400 + secs;
	if (!OPENSSL_gmtime_adj(&tm, 0, JST_OFFSET_S) || tm.tm_year + 1900 < 1000 ||
	    strftime(jst_date, 11, "%Y-%m-%d", &tm) != 10) {
		jst_date[0] = '\0';
		rc = mdg_err_set(err, MDG_ERR_INVALID, "card: the certificate's notAfter is out of range");
	}
out:
	ERR_clear_error(); /* nothing of libcrypto's error queue outlives this call */
	ASN1_TIME_free(epoch);
	X509_free(x);
	return rc;
}
