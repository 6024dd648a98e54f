/* SPDX-License-Identifier: MIT */
/* certgen: X.509 certificates shaped like the JPKI ones, made with OpenSSL libcrypto, for the
 * card simulator (its EFs 000A, 000B, 0001, 0002) and the unit tests. Test code only: the keys
 * and CAs are made up on the spot, so nothing made here verifies against J-LIS. */
#ifndef MDG_CARDSIM_CERTGEN_H
#define MDG_CARDSIM_CERTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The holder as the signing certificate carries it in SubjectAltName otherNames
 * (1.2.392.200149.8.5.5.1..6: name, name as substitute characters, sex, birth date, address,
 * address as substitute characters); all UTF-8, borrowed. */
struct certgen_person {
	const char *name, *address;
	const char *birth;   /* YYYYMMDD */
	const char *sex;     /* "1", "2", "0" or "9" */
};

struct certgen_cert {
	const char *subject;          /* one-line DN, "/C=JP/CN=..." (ASCII), borrowed */
	const char *not_before;       /* "YYYYMMDDhhmmssZ" (UTCTime before 2050, else GeneralizedTime) */
	const char *not_after;
	const struct certgen_person *person; /* NULL: no SubjectAltName (the authentication cert) */
	bool ca;                      /* a self-signed CA certificate (issuer_key is ignored) */
};

/* A new RSA key of bits bits (2048 for the simulator; tests may use 1024 for speed). Returns
 * an EVP_PKEY * (void * keeps OpenSSL out of the callers' headers); free with certgen_key_free.
 * NULL on failure (printed to stderr). */
void *certgen_key(int bits);
void certgen_key_free(void *key);

/* Makes a certificate for key, signed with sha256WithRSAEncryption by issuer_key under the
 * issuer name of issuer_der (NULL for a CA: self-signed), and returns its DER in *der (malloc'd,
 * caller frees) and its size in *n. Returns 0, or -1 (printed to stderr). */
int certgen_make(const struct certgen_cert *spec, void *key, void *issuer_key,
		 const uint8_t *issuer_der, size_t issuer_n, uint8_t **der, size_t *n);

#endif
