/* SPDX-License-Identifier: MIT */
/* Unit tests of the JPKI certificates: mynacard_read_cert over a scripted card (one extended
 * READ BINARY, or short chunks when the reader refuses that; bad headers, files that end early,
 * oversize certificates, removal at every APDU), card/cert.c's notAfter in Japan, and the
 * certificate expiry in mynacard_status. Certificates are made with the simulator's certgen. */
#include "testutil.h"

#include "card/cert.h"
#include "card/mynacard.h"
#include "certgen.h"

static uint8_t *CERT;   /* a signing-style certificate (SubjectAltName): > 1 KB */
static size_t CERT_N;
static void *KEY;

/* A scripted JPKI card: EF 000A holds file[0..file_n), the common AP the card expiry. */
struct jcard {
	const uint8_t *file;
	size_t file_n;
	const char *token;            /* EF 0006 label; NULL: JPKIAPICCTOKEN2 */
	bool ext_refused;             /* answer 6700 to an extended APDU (the card or reader) */
	bool ext_link_fails;          /* the link fails on an extended APDU (a short-APDU reader) */
	bool eof_6282;                /* a read past the end: the bytes there and 6282 */
	int df;                       /* 1 kenhojo, 2 jpki, 3 common */
	uint16_t ef;
	unsigned sent, remove_at;     /* remove the card before APDU remove_at (1-based) */
	unsigned ext_reads, short_reads, reads_000a;
	size_t biggest_short;         /* the largest short Le asked for */
};

static size_t sw(uint8_t *r, size_t n, uint16_t s)
{
	r[n] = (uint8_t)(s >> 8);
	r[n + 1] = (uint8_t)s;
	return n + 2;
}

static size_t read_file(struct jcard *j, const uint8_t *data, size_t len, size_t off, size_t le,
			uint8_t *r, size_t cap)
{
	if (off >= len)
		return sw(r, 0, 0x6B00);
	size_t k = len - off < le ? len - off : le;
	assert_true(k + 2 <= cap);
	memcpy(r, data + off, k);
	return sw(r, k, len - off < le && j->eof_6282 ? 0x6282 : 0x9000);
}

static enum mdg_status jcard_transmit(void *ctx, const uint8_t *c, size_t n, uint8_t *r, size_t *rn,
				      struct mdg_err *err)
{
	struct jcard *j = ctx;
	size_t cap = *rn;
	bool ext = n == 7 && c[4] == 0;
	j->sent++;
	if (j->remove_at && j->sent >= j->remove_at)
		return mdg_err_set(err, MDG_ERR_IO, "card removed");
	if (ext && j->ext_link_fails)
		return mdg_err_set(err, MDG_ERR_IO, "card: Transaction failed.");
	if (ext && j->ext_refused) {
		*rn = sw(r, 0, 0x6700);
		return MDG_OK;
	}
	uint8_t ins = c[1], p1 = c[2], p2 = c[3];
	if (ins == 0xA4 && p1 == 0x04) {
		j->df = !memcmp(c + 5, APDU_AID_KENHOJO, 10) ? 1 : !memcmp(c + 5, APDU_AID_JPKI, 10) ? 2 :
			!memcmp(c + 5, APDU_AID_COMMON, 10) ? 3 : 0;
		*rn = sw(r, 0, j->df ? 0x9000 : 0x6A82);
	} else if (ins == 0xA4 && p1 == 0x02) {
		j->ef = (uint16_t)(c[5] << 8 | c[6]);
		*rn = sw(r, 0, 0x9000);
	} else if (ins == 0x20 && n == 4) {
		*rn = sw(r, 0, (p2 & 0x1F) == 0x1B ? 0x63C5 : 0x63C3);
	} else if (ins == 0xB0) {
		size_t off = (size_t)(p1 << 8 | p2), le = ext ? (size_t)(c[5] << 8 | c[6]) : c[4];
		if (!le)
			le = ext ? 65536 : 256;
		if (p1 & 0x80) {
			j->ef = p1 & 0x1F;
			off = p2;
		}
		if (ext) {
			j->ext_reads++;
		} else {
			j->short_reads++;
			if (le > j->biggest_short)
				j->biggest_short = le;
		}
		uint8_t token[160], avail[3] = { 0x8F, 0x8F, 0x00 };
		memset(token, ' ', sizeof token);
		const char *label = j->token ? j->token : "JPKIAPICCTOKEN2";
		memcpy(token, label, strlen(label));
		if (j->df == 2 && j->ef == 0x0006)
			*rn = read_file(j, token, sizeof token, off, le, r, cap);
		else if (j->df == 2 && j->ef == 0x0008)
			*rn = read_file(j, avail, sizeof avail, off, le, r, cap);
		else if (j->df == 2 && j->ef == 0x000A && j->file) {
			j->reads_000a++;
			*rn = read_file(j, j->file, j->file_n, off, le, r, cap);
		} else
			*rn = sw(r, 0, 0x6A82);
	} else if (ins == 0xB2 && j->df == 3) {
		memcpy(r, "\x01\x1C" "000000000000001" "47201" "20350401", 30);
		*rn = sw(r, 30, 0x9000);
	} else {
		*rn = sw(r, 0, 0x6D00);
	}
	return MDG_OK;
}

static const struct apdu_transport_ops JCARD = { .transmit = jcard_transmit };

static struct mynacard on(struct jcard *j)
{
	return (struct mynacard){ .ops = &JCARD, .ctx = j };
}

/* Selects the JPKI AP of card j (as *c) and reads EF 000A into buf. */
static enum mdg_status read_000a(struct jcard *j, struct mynacard *c, uint8_t *buf, size_t cap,
				 size_t *n, struct mdg_err *err)
{
	*c = on(j);
	assert_int_equal(mynacard_select_ap(c, MYNA_AP_JPKI, err), MDG_OK);
	return mynacard_read_cert(c, 0x000A, buf, cap, n, err);
}

/* A self-signed certificate with the given notAfter; caller frees. */
static uint8_t *make(const char *not_after, bool with_person, size_t *n)
{
	const struct certgen_person holder = {
		.name = "ＳＭＩＴＨ\xE3\x80\x80ＪＯＨＮ", .address = "沖縄県那覇市泉崎１丁目１番１号",
		.birth = "19850704", .sex = "1",
	};
	const struct certgen_cert spec = {
		.subject = "/C=JP/O=JPKI-SIM/CN=unit test", .not_before = "20240315150000Z",
		.not_after = not_after, .person = with_person ? &holder : NULL, .ca = true,
	};
	uint8_t *der = NULL;
	assert_int_equal(certgen_make(&spec, KEY, NULL, NULL, 0, &der, n), 0);
	return der;
}

/* The DER followed by filler, as the card's EF holds it; caller frees. */
static uint8_t *padded(const uint8_t *der, size_t n, size_t pad, size_t *out_n)
{
	uint8_t *f = malloc(n + pad);
	assert_non_null(f);
	memcpy(f, der, n);
	memset(f + n, 0xFF, pad);
	*out_n = n + pad;
	return f;
}

static int setup(void **state)
{
	KEY = certgen_key(2048);
	if (!KEY)
		return -1;
	CERT = make("20290315145959Z", true, &CERT_N);
	return CERT_N > 1024 ? 0 : -1;
}

static int teardown(void **state)
{
	free(CERT);
	certgen_key_free(KEY);
	return 0;
}

static void one_extended_read(void **state)
{
	size_t fn;
	uint8_t *file = padded(CERT, CERT_N, 32, &fn);
	struct jcard j = { .file = file, .file_n = fn };
	struct mynacard c;
	struct mdg_err err = { 0 };
	uint8_t buf[CERT_DER_MAX];
	size_t n = 0;
	assert_int_equal(read_000a(&j, &c, buf, sizeof buf, &n, &err), MDG_OK);
	assert_int_equal(n, CERT_N); /* the DER, not the filler */
	assert_memory_equal(buf, CERT, CERT_N);
	assert_int_equal(c.apdus, 2); /* SELECT AP, one READ BINARY by short EF id */
	assert_int_equal(j.ext_reads, 1);
	assert_false(c.short_only);
	free(file);
}

/* The reader or card refuses extended APDUs: 256 bytes by SFI, SELECT, then chunks. */
static void short_chunks_when_refused(void **state)
{
	for (int how = 0; how < 2; how++) {
		size_t fn;
		uint8_t *file = padded(CERT, CERT_N, 0, &fn);
		struct jcard j = { .file = file, .file_n = fn, .ext_refused = how == 0,
				   .ext_link_fails = how == 1, .eof_6282 = true };
		struct mynacard c;
		struct mdg_err err = { 0 };
		uint8_t buf[CERT_DER_MAX];
		size_t n = 0;
		assert_int_equal(read_000a(&j, &c, buf, sizeof buf, &n, &err), MDG_OK);
		assert_int_equal(n, CERT_N);
		assert_memory_equal(buf, CERT, CERT_N);
		assert_true(c.short_only);
		assert_int_equal(j.biggest_short, 256);
		unsigned chunks = (unsigned)((CERT_N - 256 + 255) / 256);
		/* SELECT AP, the refused extended read, (SELECT AP again after a link error,)
		 * 256 by SFI, SELECT EF, the rest */
		assert_int_equal(c.apdus, 4 + (unsigned)how + chunks);
		assert_int_equal(j.short_reads, 1 + chunks);
		/* the next read in this session goes short at once */
		unsigned before = j.ext_reads;
		assert_int_equal(mynacard_read_cert(&c, 0x000A, buf, sizeof buf, &n, &err), MDG_OK);
		assert_int_equal(j.ext_reads, before);
		free(file);
	}
}

static void bad_headers(void **state)
{
	static const uint8_t heads[][4] = {
		{ 0x31, 0x82, 0x03, 0x00 }, /* a SET */
		{ 0x30, 0x81, 0xF0, 0x00 }, /* a one-byte length: no JPKI certificate is that small */
		{ 0xFF, 0xFF, 0xFF, 0xFF }, /* an empty, erased file */
	};
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		uint8_t file[600];
		memset(file, 0x00, sizeof file);
		memcpy(file, heads[i], 4);
		struct jcard j = { .file = file, .file_n = sizeof file };
		struct mynacard c;
		struct mdg_err err = { 0 };
		uint8_t buf[CERT_DER_MAX];
		size_t n = 0;
		memset(buf, 0x55, sizeof buf);
		assert_int_equal(read_000a(&j, &c, buf, sizeof buf, &n, &err), MDG_ERR_INVALID);
		assert_non_null(strstr(err.msg, "30 82 HH LL"));
		assert_int_equal(buf[0] | buf[100], 0); /* wiped */
	}
	/* fewer than 4 bytes in the file */
	uint8_t tiny[] = { 0x30, 0x82 };
	struct jcard j = { .file = tiny, .file_n = sizeof tiny };
	struct mynacard c;
	struct mdg_err err = { 0 };
	uint8_t buf[CERT_DER_MAX];
	size_t n = 0;
	assert_int_equal(read_000a(&j, &c, buf, sizeof buf, &n, &err), MDG_ERR_INVALID);
}

static void truncated(void **state)
{
	/* The header promises more than the file holds, by extended read and by short reads. */
	for (int refused = 0; refused < 2; refused++) {
		struct jcard j = { .file = CERT, .file_n = CERT_N - 100, .ext_refused = refused };
		struct mynacard c;
		struct mdg_err err = { 0 };
		uint8_t buf[CERT_DER_MAX];
		size_t n = 0;
		assert_int_equal(read_000a(&j, &c, buf, sizeof buf, &n, &err), MDG_ERR_INVALID);
		assert_non_null(strstr(err.msg, "ends before"));
	}
	/* The header fits the file, but the DER inside is cut: the parser says so. */
	uint8_t cut[1024];
	memcpy(cut, CERT, sizeof cut);
	cut[2] = (uint8_t)((sizeof cut - 4) >> 8);
	cut[3] = (uint8_t)(sizeof cut - 4);
	struct jcard j = { .file = cut, .file_n = sizeof cut };
	struct mynacard c;
	struct mdg_err err = { 0 };
	uint8_t buf[CERT_DER_MAX];
	size_t n = 0;
	char date[11];
	int64_t s;
	assert_int_equal(read_000a(&j, &c, buf, sizeof buf, &n, &err), MDG_OK);
	assert_int_equal(cert_not_after(buf, n, date, &s, &err), MDG_ERR_INVALID);
	assert_string_equal(err.msg, "card: the certificate is not valid DER");
	assert_string_equal(date, "");
}

static void oversize(void **state)
{
	uint8_t file[300];
	memset(file, 0xAA, sizeof file);
	memcpy(file, "\x30\x82\x0F\xFD", 4); /* 4 + 4093 = 4097 bytes */
	struct jcard j = { .file = file, .file_n = sizeof file };
	struct mynacard c;
	struct mdg_err err = { 0 };
	uint8_t buf[CERT_DER_MAX];
	size_t n = 0;
	assert_int_equal(read_000a(&j, &c, buf, sizeof buf, &n, &err), MDG_ERR_INVALID);
	assert_string_equal(err.msg, "card: the certificate would be 4097 bytes, more than 4096");
	assert_int_equal(c.apdus, 2); /* nothing read after the header */
	/* a smaller buffer is a smaller limit */
	memcpy(file, "\x30\x82\x04\x00", 4);
	assert_int_equal(mynacard_read_cert(&c, 0x000A, buf, 1000, &n, &err), MDG_ERR_INVALID);
	assert_string_equal(err.msg, "card: the file is larger than expected");
	/* and the parser takes no more than CERT_DER_MAX either */
	char date[11];
	int64_t s;
	assert_int_equal(cert_not_after(buf, CERT_DER_MAX + 1, date, &s, &err), MDG_ERR_INVALID);
}

static void removal_at_every_apdu(void **state)
{
	for (int refused = 0; refused < 2; refused++) {
		for (unsigned k = 1; k <= 9; k++) {
			struct jcard j = { .file = CERT, .file_n = CERT_N, .remove_at = k,
					   .ext_refused = refused };
			struct mynacard c = on(&j);
			struct mdg_err err = { 0 };
			uint8_t buf[CERT_DER_MAX];
			size_t n = 0;
			memset(buf, 0x55, sizeof buf);
			enum mdg_status rc = mynacard_select_ap(&c, MYNA_AP_JPKI, &err);
			if (!rc)
				rc = mynacard_read_cert(&c, 0x000A, buf, sizeof buf, &n, &err);
			if (k <= c.apdus) { /* the card left during the read */
				assert_int_equal(rc, MDG_ERR_IO);
				assert_non_null(strstr(err.msg, "removed"));
				assert_true(buf[0] == 0x55 || buf[0] == 0); /* untouched or wiped */
				assert_int_equal(buf[CERT_N - 1], buf[0]);
			} else {
				assert_int_equal(rc, MDG_OK);
			}
		}
	}
}

static void not_after_in_japan(void **state)
{
	static const struct {
		const char *x509, *jst;
		int64_t s;
	} cases[] = {
		{ "20290315145959Z", "2029-03-15", 1868281199 }, /* 23:59:59 in Japan */
		{ "20290315150000Z", "2029-03-16", 1868281200 }, /* midnight in Japan: the next day */
		{ "20291231235959Z", "2030-01-01", 1893455999 }, /* a year boundary */
		{ "20591231235959Z", "2060-01-01", 2840140799 }, /* GeneralizedTime from 2050 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n;
		uint8_t *der = make(cases[i].x509, false, &n);
		char date[11];
		int64_t s = 0;
		struct mdg_err err = { 0 };
		assert_int_equal(cert_not_after(der, n, date, &s, &err), MDG_OK);
		assert_string_equal(date, cases[i].jst);
		assert_int_equal(s, cases[i].s);
		/* one byte more or less is not one certificate */
		uint8_t *more = padded(der, n, 1, &n);
		assert_int_equal(cert_not_after(more, n, date, &s, &err), MDG_ERR_INVALID);
		assert_int_equal(cert_not_after(more, n - 2, date, &s, &err), MDG_ERR_INVALID);
		free(more);
		free(der);
	}
	struct mdg_err err = { 0 };
	char date[11];
	int64_t s;
	assert_int_equal(cert_not_after((const uint8_t *)"", 0, date, &s, &err), MDG_ERR_INVALID);
	size_t hn;
	assert_int_equal(cert_der_size(CERT, 4, &hn, &err), MDG_OK);
	assert_int_equal(hn, CERT_N);
}

static void status_has_the_expiry(void **state)
{
	struct mynacard_status st;
	struct mdg_err err = { 0 };
	size_t fn;
	uint8_t *file = padded(CERT, CERT_N, 32, &fn);
	struct jcard j = { .file = file, .file_n = fn };
	struct mynacard c = on(&j);
	assert_int_equal(mynacard_status(&c, &st, &err), MDG_OK);
	assert_string_equal(st.auth_cert_not_after, "2029-03-15");
	assert_int_equal(st.auth_cert_not_after_s, 1868281199);
	assert_string_equal(st.card_expiry, "2035-04-01");
	assert_int_equal(st.tries_jpki_sign, 5);
	assert_int_equal(c.apdus, 11);
	/* a smartphone token: 000A needs the PIN there, so it is not read */
	struct jcard phone = { .file = file, .file_n = fn, .token = "JPKIAPGPSETOKEN" };
	c = on(&phone);
	assert_int_equal(mynacard_status(&c, &st, &err), MDG_OK);
	assert_string_equal(st.token, "JPKIAPGPSETOKEN");
	assert_string_equal(st.auth_cert_not_after, "");
	assert_int_equal(phone.reads_000a, 0);
	assert_int_equal(c.apdus, 10);
	/* no such file, or bad bytes in it: the counters are still shown */
	uint8_t junk[64];
	memset(junk, 0xFF, sizeof junk);
	struct jcard none = { 0 }, bad = { .file = junk, .file_n = sizeof junk };
	c = on(&none);
	assert_int_equal(mynacard_status(&c, &st, &err), MDG_OK);
	assert_string_equal(st.auth_cert_not_after, "");
	assert_int_equal(st.tries_pin, 3);
	c = on(&bad);
	assert_int_equal(mynacard_status(&c, &st, &err), MDG_OK);
	assert_string_equal(st.auth_cert_not_after, "");
	assert_int_equal(st.auth_cert_not_after_s, 0);
	/* a removal while the certificate is read is an error, not an empty date */
	struct jcard gone = { .file = file, .file_n = fn, .remove_at = 8 };
	c = on(&gone);
	assert_int_equal(mynacard_status(&c, &st, &err), MDG_ERR_IO);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_extended_read),
		cmocka_unit_test(short_chunks_when_refused),
		cmocka_unit_test(bad_headers),
		cmocka_unit_test(truncated),
		cmocka_unit_test(oversize),
		cmocka_unit_test(removal_at_every_apdu),
		cmocka_unit_test(not_after_in_japan),
		cmocka_unit_test(status_has_the_expiry),
	};
	return cmocka_run_group_tests_name("cert", tests, setup, teardown);
}
