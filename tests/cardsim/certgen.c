/* SPDX-License-Identifier: MIT */
/* certgen: OpenSSL libcrypto calls that build the simulator's certificates (test code). */
#include "certgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

void *certgen_key(int bits)
{
	EVP_PKEY *k = EVP_RSA_gen((unsigned)bits);
	if (!k)
		ERR_print_errors_fp(stderr);
	return k;
}

void certgen_key_free(void *key)
{
	EVP_PKEY_free(key);
}

/* "/C=JP/O=JPKI-SIM/CN=x" -> X509_NAME (values UTF-8, no '/' inside them). */
static X509_NAME *parse_name(const char *dn)
{
	X509_NAME *name = X509_NAME_new();
	char buf[512];
	snprintf(buf, sizeof buf, "%s", dn);
	char *save = NULL;
	for (char *part = strtok_r(buf, "/", &save); name && part; part = strtok_r(NULL, "/", &save)) {
		char *eq = strchr(part, '=');
		if (eq)
			*eq = '\0';
		if (!eq || !X509_NAME_add_entry_by_txt(name, part, MBSTRING_UTF8,
						       (const unsigned char *)eq + 1, -1, -1, 0)) {
			X509_NAME_free(name);
			name = NULL;
		}
	}
	return name;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = e && X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

static int add_other_name(GENERAL_NAMES *gens, const char *oid, const char *value)
{
	ASN1_UTF8STRING *s = ASN1_UTF8STRING_new();
	ASN1_TYPE *v = ASN1_TYPE_new();
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
	GENERAL_NAME *g = GENERAL_NAME_new();
	if (!s || !v || !o || !g || !ASN1_STRING_set(s, value, -1))
		goto fail;
	ASN1_TYPE_set(v, V_ASN1_UTF8STRING, s);
	s = NULL;
	if (!GENERAL_NAME_set0_othername(g, o, v))
		goto fail;
	o = NULL;
	v = NULL;
	if (!sk_GENERAL_NAME_push(gens, g))
		goto fail;
	return 0;
fail:
	ASN1_UTF8STRING_free(s);
	ASN1_TYPE_free(v);
	ASN1_OBJECT_free(o);
	GENERAL_NAME_free(g);
	return -1;
}

/* The holder in SubjectAltName, as JPKI's signing certificate carries it. */
static int add_person(X509 *x, const struct certgen_person *p)
{
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	const char *vals[6] = { p->name, p->name, p->sex, p->birth, p->address, p->address };
	int rc = gens ? 0 : -1;
	for (int i = 0; i < 6 && rc == 0; i++) {
		char oid[40];
		snprintf(oid, sizeof oid, "1.2.392.200149.8.5.5.%d", i + 1);
		rc = add_other_name(gens, oid, vals[i]);
	}
	if (rc == 0 && !X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT))
		rc = -1;
	GENERAL_NAMES_free(gens);
	return rc;
}

int certgen_make(const struct certgen_cert *spec, void *key, void *issuer_key,
		 const uint8_t *issuer_der, size_t issuer_n, uint8_t **der, size_t *n)
{
	int rc = -1;
	X509 *x = X509_new(), *issuer = NULL;
	X509_NAME *subject = parse_name(spec->subject);
	unsigned char *out = NULL;
	uint64_t serial;
	*der = NULL;
	if (!x || !subject || RAND_bytes((unsigned char *)&serial, sizeof serial) != 1)
		goto out;
	if (!spec->ca) {
		const unsigned char *p = issuer_der;
		if (!issuer_der || !(issuer = d2i_X509(NULL, &p, (long)issuer_n)))
			goto out;
	} else {
		issuer_key = key;
	}
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if (!X509_set_version(x, 2) || !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial >> 1) ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subject) ||
	    !ASN1_TIME_set_string_X509(X509_getm_notBefore(x), spec->not_before) ||
	    !ASN1_TIME_set_string_X509(X509_getm_notAfter(x), spec->not_after) || !X509_set_pubkey(x, key))
		goto out;
	if (add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") ||
	    (spec->ca && (add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") ||
			  add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"))) ||
	    (!spec->ca && add_ext(x, &ctx, NID_key_usage, spec->person ?
				  "critical,digitalSignature,nonRepudiation" : "critical,digitalSignature")) ||
	    (spec->person && add_person(x, spec->person)))
		goto out;
	if (!X509_sign(x, issuer_key, EVP_sha256()))
		goto out;
	int len = i2d_X509(x, &out);
	if (len <= 0 || !(*der = malloc((size_t)len)))
		goto out;
	memcpy(*der, out, (size_t)len);
	*n = (size_t)len;
	rc = 0;
out:
	if (rc)
		ERR_print_errors_fp(stderr);
	OPENSSL_free(out);
	X509_NAME_free(subject);
	X509_free(issuer);
	X509_free(x);
	return rc;
}
