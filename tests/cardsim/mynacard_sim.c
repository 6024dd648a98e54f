/* SPDX-License-Identifier: MIT */
/* mynacard-sim: a virtual My Number card for tests and the demo. It connects to the vpcd
 * virtual reader driver of a real pcscd (TCP, 2-byte big-endian length framing; 1-byte control
 * messages 00 power off, 01 power on, 02 reset, 04 get ATR) and answers APDUs as the card's
 * input-support AP, JPKI AP and common AP do (reference mynumber-card.md §1-§4, §6-§7): SELECT
 * by name and by FID, VERIFY with retry counters that survive power cycles, READ BINARY by
 * offset or SFI with short or extended Lc/Le (a response carries at most 65533 data bytes: a
 * vpcd frame has a 2-byte length), READ RECORD of the card expiry. At start-up it makes real
 * X.509 certificates (RSA-2048, sha256WithRSAEncryption, issued by a CA made on the spot, see
 * certgen.h): JPKI EF 000A the authentication certificate and EF 000B its CA, readable without
 * a PIN (JPKIAPGPSETOKEN: 000A needs the authentication PIN, as on a smartphone); EF 0001 the
 * signing certificate (holder in SubjectAltName), readable after VERIFY of the signing password
 * (001B), and EF 0002 its CA. Each certificate file is the DER followed by 32 bytes of FF.
 *   mynacard-sim --profile FILE [--host 127.0.0.1] [--port 35963] [--fault-file F]
 * Profile (YAML): name, address, birth_date (YYYY-MM-DD), sex, my_number, pin, pin_tries,
 * code_b_tries, card_expiry (YYYY-MM-DD), security_code (these two make up 照合番号B),
 * jpki_auth_pin, jpki_auth_tries, jpki_sign_password, jpki_sign_tries, token (the EF 0006
 * label, default JPKIAPICCTOKEN2), sign_cert (false: no EF 0001, and EF 0008 says so),
 * auth_cert_not_after (YYYY-MM-DD: the authentication certificate's notAfter is 14:59:59Z that
 * day, i.e. 23:59:59 JST; default the 5th birthday after today, the JPKI rule; its notBefore is
 * five years earlier, or now when that is later; MADOGUCHI_NOW sets "today" as for madoguchi),
 * atr ("contactless", the default: 3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F; "contact":
 * 3B E0 00 FF 81 31 FE 45 14, the one in OpenSC's jpki driver table; or hex bytes), and faults:
 * {latency_ms, remove_after, close_at, away_ms (how long the card stays out after a fault,
 * default 1000), first_6f00, read_past_end_6282 (a READ BINARY whose Le runs past the end of the
 * file gets the bytes there with 6282 instead of 9000), extended_apdus (false: 6700 to any
 * command with extended lengths, as from a card behind a reader that cannot carry them)}.
 * --fault-file arms remove_after/close_at again from outside (see arm_fault). Each VERIFY that
 * carries a secret is logged on stderr ("verify key 0011 attempt"), never the secret. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "certgen.h"
#include "core/apdu.h"
#include "core/bizdate.h"
#include "core/cardtext.h"
#include "yaml/yamldoc.h"

/* Reference §6.5: a contactless card on a PC/SC part 3 reader, and the contact interface. */
static const uint8_t ATR_CONTACTLESS[] = { 0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F };
static const uint8_t ATR_CONTACT[] = { 0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14 };

#define FRAME_MAX 65535              /* a vpcd frame: 2-byte length */
#define DATA_MAX (FRAME_MAX - 2)     /* data bytes in one response, before SW1 SW2 */
#define CERT_FILLER 32               /* FF bytes after the DER in a certificate file */

struct profile {
	char name[CARD_NAME_MAX], address[CARD_ADDRESS_MAX], birth[11], sex[2];
	char my_number[13], pin[17], code_b[15];
	char card_expiry[9];          /* YYYYMMDD */
	char jpki_auth_pin[17], jpki_sign_password[17], token[33];
	bool sign_cert;
	char auth_cert_not_after[11]; /* YYYY-MM-DD (JST) */
	uint8_t atr[33];
	size_t atr_len;
	int pin_tries, code_b_tries, code_a_tries, jpki_auth_tries, jpki_sign_tries;
	int latency_ms;
	int away_ms;                  /* out of the field after a fault (default 1000) */
	int remove_after;             /* close the link after answering APDU n (0: never) */
	int close_at;                 /* close instead of answering APDU n (0: never) */
	bool first_6f00;
	bool read_past_end_6282;      /* Le past the end: the bytes there and 6282, not 9000 */
	bool extended_apdus;          /* false: 6700 to extended lengths */
};

struct file {
	uint8_t *b;
	size_t n;
};

struct card {
	struct profile p;
	int df;                       /* 0 none, 1 kenhojo, 3 common */
	uint16_t ef;
	bool verified_pin, verified_a, verified_b, verified_auth, verified_sign;
	uint8_t ef0001[17], ef0002[1024];
	size_t ef0002_len;
	struct file jpki[4];          /* JPKI EFs 000A, 000B, 0001, 0002 (see jpki_file) */
	unsigned apdus;
	bool powered_once;
};

static const char *scalar(const struct doc_node *m, const char *key, const char *def)
{
	const struct doc_node *n = doc_map_get(m, key);
	return n && n->kind == DOC_SCALAR && !n->null ? n->scalar : def;
}

/* "contactless", "contact" or hex bytes ("3B E0 00 ..." or "3b:e0:..."). */
static int parse_atr(const char *s, struct profile *p)
{
	const uint8_t *named = !strcmp(s, "contactless") ? ATR_CONTACTLESS :
			       !strcmp(s, "contact") ? ATR_CONTACT : NULL;
	if (named) {
		p->atr_len = named == ATR_CONTACT ? sizeof ATR_CONTACT : sizeof ATR_CONTACTLESS;
		memcpy(p->atr, named, p->atr_len);
		return 0;
	}
	p->atr_len = 0;
	for (; *s; s++) {
		unsigned v;
		if (*s == ' ' || *s == ':')
			continue;
		if (p->atr_len == sizeof p->atr || !s[1] || sscanf(s, "%2x", &v) != 1)
			return -1;
		p->atr[p->atr_len++] = (uint8_t)v;
		s++;
	}
	return p->atr_len >= 2 ? 0 : -1;
}

static int load_profile(const char *path, struct profile *p)
{
	struct doc d;
	struct doc_diags g = { 0 };
	if (yaml_load_file(path, &d, &g) != MDG_OK) {
		doc_diags_print(&g, stderr);
		return -1;
	}
	const struct doc_node *r = d.root;
	memset(p, 0, sizeof *p);
	snprintf(p->name, sizeof p->name, "%s", scalar(r, "name", "デジタル　太郎"));
	snprintf(p->address, sizeof p->address, "%s", scalar(r, "address", "沖縄県那覇市泉崎１－１－１"));
	snprintf(p->birth, sizeof p->birth, "%s", scalar(r, "birth_date", "1950-04-01"));
	snprintf(p->sex, sizeof p->sex, "%s", scalar(r, "sex", "1"));
	snprintf(p->my_number, sizeof p->my_number, "%s", scalar(r, "my_number", "537686677188"));
	snprintf(p->pin, sizeof p->pin, "%s", scalar(r, "pin", "1234"));
	const char *exp = scalar(r, "card_expiry", "2035-04-01");
	snprintf(p->card_expiry, sizeof p->card_expiry, "%.4s%.2s%.2s", exp, exp + 5, exp + 8);
	if (!card_code_b(p->birth, atoi(exp), scalar(r, "security_code", "2285"), p->code_b)) {
		fprintf(stderr, "mynacard-sim: %s: bad birth_date, card_expiry or security_code\n", path);
		doc_free(&d);
		return -1;
	}
	p->pin_tries = atoi(scalar(r, "pin_tries", "3"));
	p->code_b_tries = atoi(scalar(r, "code_b_tries", "10"));
	p->code_a_tries = 10;
	snprintf(p->jpki_auth_pin, sizeof p->jpki_auth_pin, "%s", scalar(r, "jpki_auth_pin", "1234"));
	snprintf(p->jpki_sign_password, sizeof p->jpki_sign_password, "%s",
		 scalar(r, "jpki_sign_password", "ABC123"));
	p->jpki_auth_tries = atoi(scalar(r, "jpki_auth_tries", "3"));
	p->jpki_sign_tries = atoi(scalar(r, "jpki_sign_tries", "5"));
	snprintf(p->token, sizeof p->token, "%s", scalar(r, "token", "JPKIAPICCTOKEN2"));
	p->sign_cert = strcmp(scalar(r, "sign_cert", "true"), "true") == 0;
	snprintf(p->auth_cert_not_after, sizeof p->auth_cert_not_after, "%s",
		 scalar(r, "auth_cert_not_after", ""));
	if ((p->auth_cert_not_after[0] && !date_valid(p->auth_cert_not_after)) ||
	    parse_atr(scalar(r, "atr", "contactless"), p) != 0) {
		fprintf(stderr, "mynacard-sim: %s: bad auth_cert_not_after or atr\n", path);
		doc_free(&d);
		return -1;
	}
	const struct doc_node *f = doc_map_get(r, "faults");
	p->latency_ms = atoi(scalar(f, "latency_ms", "0"));
	p->away_ms = atoi(scalar(f, "away_ms", "1000"));
	p->remove_after = atoi(scalar(f, "remove_after", "0"));
	p->close_at = atoi(scalar(f, "close_at", "0"));
	p->first_6f00 = strcmp(scalar(f, "first_6f00", "false"), "true") == 0;
	p->read_past_end_6282 = strcmp(scalar(f, "read_past_end_6282", "false"), "true") == 0;
	p->extended_apdus = strcmp(scalar(f, "extended_apdus", "true"), "true") == 0;
	doc_free(&d);
	doc_diags_free(&g);
	return 0;
}

/* EF 0002: FF20 { DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex }, FF filler. */
static void build_files(struct card *c)
{
	const char *vals[4] = { c->p.name, c->p.address, "", c->p.sex };
	char birth[9];
	snprintf(birth, sizeof birth, "%.4s%.2s%.2s", c->p.birth, c->p.birth + 5, c->p.birth + 8);
	vals[2] = birth;
	uint8_t body[1024];
	size_t b = 11, starts[4];
	for (int k = 0; k < 4; k++) {
		size_t len = strlen(vals[k]);
		starts[k] = b;
		body[b++] = 0xDF;
		body[b++] = (uint8_t)(0x22 + k);
		if (len >= 0x100) {
			body[b++] = 0x82;
			body[b++] = (uint8_t)(len >> 8);
		} else if (len >= 0x80) {
			body[b++] = 0x81;
		}
		body[b++] = (uint8_t)len;
		memcpy(body + b, vals[k], len);
		b += len;
	}
	size_t hdr = b < 0x80 ? 3 : b < 0x100 ? 4 : 5, o = 0;
	body[0] = 0xDF;
	body[1] = 0x21;
	body[2] = 8;
	for (int k = 0; k < 4; k++) {
		body[3 + 2 * k] = (uint8_t)((hdr + starts[k]) >> 8);
		body[4 + 2 * k] = (uint8_t)(hdr + starts[k]);
	}
	c->ef0002[o++] = 0xFF;
	c->ef0002[o++] = 0x20;
	if (b >= 0x100) {
		c->ef0002[o++] = 0x82;
		c->ef0002[o++] = (uint8_t)(b >> 8);
	} else if (b >= 0x80) {
		c->ef0002[o++] = 0x81;
	}
	c->ef0002[o++] = (uint8_t)b;
	memcpy(c->ef0002 + o, body, b);
	o += b;
	memset(c->ef0002 + o, 0xFF, 16); /* the file is larger than its object */
	c->ef0002_len = o + 16;
	c->ef0001[0] = 0xFF;
	c->ef0001[1] = 0x10;
	c->ef0001[2] = 0x0C;
	memcpy(c->ef0001 + 3, c->p.my_number, 12);
	c->ef0001[15] = c->ef0001[16] = 0xFF;
}

/* y-m-d as "YYYYMMDD<hms>Z" (an X.509 time); 29 February becomes the 28th in other years. */
static void x509_time(int y, int m, int d, const char *hms, char out[32])
{
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		d = 28;
	snprintf(out, 32, "%04d%02d%02d%sZ", y, m, d, hms);
}

/* The JPKI file for ef in the JPKI AP: 000A, 000B, 0001, 0002; NULL for others. */
static struct file *jpki_file(struct card *c, uint16_t ef)
{
	switch (ef) {
	case 0x000A: return &c->jpki[0];
	case 0x000B: return &c->jpki[1];
	case 0x0001: return &c->jpki[2];
	case 0x0002: return &c->jpki[3];
	default: return NULL;
	}
}

/* Makes the certificate spec for key (signed by issuer_key under the issuer in *issuer, NULL
 * for a CA) into file f: the DER, then CERT_FILLER bytes of FF. */
static int make_cert(const struct certgen_cert *spec, void *key, void *issuer_key,
		     const struct file *issuer, struct file *f)
{
	uint8_t *der;
	size_t n;
	if (certgen_make(spec, key, issuer_key, issuer ? issuer->b : NULL,
			 issuer ? issuer->n - CERT_FILLER : 0, &der, &n) != 0)
		return -1;
	uint8_t *b = realloc(der, n + CERT_FILLER);
	if (!b) {
		free(der);
		return -1;
	}
	memset(b + n, 0xFF, CERT_FILLER);
	f->b = b;
	f->n = n + CERT_FILLER;
	return 0;
}

/* The JPKI certificates (reference §4): the authentication certificate until
 * auth_cert_not_after 23:59:59 JST (default: the 5th birthday after today), the signing
 * certificate for the same span with the holder in SubjectAltName, and their CAs. */
static int build_certs(struct card *c)
{
	struct profile *p = &c->p;
	time_t now = (time_t)(bizclock_now_ms() / 1000), jst = now + 9 * 3600;
	struct tm t;
	gmtime_r(&jst, &t);
	int bm = atoi(p->birth + 5), bd = atoi(p->birth + 8);
	int y, m, d;
	if (p->auth_cert_not_after[0]) {
		y = atoi(p->auth_cert_not_after);
		m = atoi(p->auth_cert_not_after + 5);
		d = atoi(p->auth_cert_not_after + 8);
	} else {
		/* the next birthday after today, then four more */
		y = t.tm_year + 1900 + 4 + (bm < t.tm_mon + 1 || (bm == t.tm_mon + 1 && bd <= t.tm_mday));
		m = bm;
		d = bd;
	}
	char not_after[32], not_before[32], ca_not_after[32], now_s[32];
	x509_time(y, m, d, "145959", not_after);
	x509_time(y - 5, m, d, "150000", not_before);
	x509_time(y + 5, m, d, "145959", ca_not_after);
	gmtime_r(&now, &t);
	strftime(now_s, sizeof now_s, "%Y%m%d%H%M%SZ", &t);
	if (strcmp(not_before, now_s) > 0)
		memcpy(not_before, now_s, sizeof now_s);
	snprintf(p->auth_cert_not_after, sizeof p->auth_cert_not_after, "%.4s-%.2s-%.2s", not_after,
		 not_after + 4, not_after + 6);

	char birth[9], auth_dn[64], sign_dn[96];
	snprintf(birth, sizeof birth, "%.4s%.2s%.2s", p->birth, p->birth + 5, p->birth + 8);
	unsigned id = (unsigned)now ^ (unsigned)getpid() * 2654435761u;
	snprintf(auth_dn, sizeof auth_dn, "/C=JP/CN=MDGSIM%08XA", id);
	snprintf(sign_dn, sizeof sign_dn, "/C=JP/L=Okinawa-ken/L=Naha-shi/CN=MDGSIM%08XS", id);
	const struct certgen_person holder = { .name = p->name, .address = p->address,
					       .birth = birth, .sex = p->sex };
	const struct certgen_cert auth_ca = {
		.subject = "/C=JP/O=JPKI-SIM/OU=JPKI for user authentication/OU=madoguchi card simulator",
		.not_before = not_before, .not_after = ca_not_after, .ca = true,
	}, sign_ca = {
		.subject = "/C=JP/O=JPKI-SIM/OU=JPKI for digital signature/OU=madoguchi card simulator",
		.not_before = not_before, .not_after = ca_not_after, .ca = true,
	}, auth = {
		.subject = auth_dn, .not_before = not_before, .not_after = not_after,
	}, sign = {
		.subject = sign_dn, .not_before = not_before, .not_after = not_after, .person = &holder,
	};
	void *ca_key = certgen_key(2048), *auth_key = certgen_key(2048);
	void *sign_key = p->sign_cert ? certgen_key(2048) : NULL;
	int rc = -1;
	if (ca_key && auth_key && (sign_key || !p->sign_cert) &&
	    make_cert(&auth_ca, ca_key, NULL, NULL, jpki_file(c, 0x000B)) == 0 &&
	    make_cert(&auth, auth_key, ca_key, jpki_file(c, 0x000B), jpki_file(c, 0x000A)) == 0 &&
	    make_cert(&sign_ca, ca_key, NULL, NULL, jpki_file(c, 0x0002)) == 0 &&
	    (!p->sign_cert ||
	     make_cert(&sign, sign_key, ca_key, jpki_file(c, 0x0002), jpki_file(c, 0x0001)) == 0))
		rc = 0;
	certgen_key_free(ca_key);
	certgen_key_free(auth_key);
	certgen_key_free(sign_key);
	return rc;
}

static void power(struct card *c)
{
	/* Power on/off/reset: no current DF, no verified key; retry counters are non-volatile. */
	c->df = 0;
	c->ef = 0;
	c->verified_pin = c->verified_a = c->verified_b = c->verified_auth = c->verified_sign = false;
}

static size_t sw(uint8_t *r, size_t n, uint16_t s)
{
	r[n] = (uint8_t)(s >> 8);
	r[n + 1] = (uint8_t)s;
	return n + 2;
}

static size_t verify(struct card *c, uint16_t key, const uint8_t *data, size_t len, bool empty, uint8_t *r)
{
	int *tries;
	bool *flag;
	const char *secret;
	int max;
	switch (c->df == 2 ? key | 0x100 : key) {
	case 0x0118: tries = &c->p.jpki_auth_tries; flag = &c->verified_auth; secret = c->p.jpki_auth_pin; max = 3; break;
	case 0x011B: tries = &c->p.jpki_sign_tries; flag = &c->verified_sign; secret = c->p.jpki_sign_password; max = 5; break;
	case 0x0011: tries = &c->p.pin_tries; flag = &c->verified_pin; secret = c->p.pin; max = 3; break;
	case 0x0014: tries = &c->p.code_a_tries; flag = &c->verified_a; secret = c->p.my_number; max = 10; break;
	case 0x0015: tries = &c->p.code_b_tries; flag = &c->verified_b; secret = c->p.code_b; max = 10; break;
	default: return sw(r, 0, 0x6A88);
	}
	if (empty)
		return sw(r, 0, *flag ? 0x9000 : *tries ? (uint16_t)(0x63C0 | *tries) : 0x6984);
	if (*tries == 0)
		return sw(r, 0, 0x6984);
	if (len == strlen(secret) && memcmp(data, secret, len) == 0) {
		*tries = max;
		*flag = true;
		return sw(r, 0, 0x9000);
	}
	(*tries)--;
	return sw(r, 0, (uint16_t)(0x63C0 | *tries));
}

static size_t read_binary(struct card *c, uint16_t ef, unsigned off, size_t le, uint8_t *r)
{
	const uint8_t *data;
	size_t len;
	uint8_t token[160], avail[3] = { c->p.sign_cert ? 0x8F : 0x00, 0x8F, 0x00 };
	const struct file *cert = c->df == 2 ? jpki_file(c, ef) : NULL;
	if (c->df == 2 && ef == 0x0006) {
		/* a serialised CK_TOKEN_INFO: a space-padded 32-byte label first */
		memset(token, 0, sizeof token);
		memset(token, ' ', 32);
		memcpy(token, c->p.token, strlen(c->p.token));
		data = token;
		len = sizeof token;
	} else if (c->df == 2 && ef == 0x0008) {
		data = avail;
		len = sizeof avail;
	} else if (cert) {
		/* 000A needs the authentication PIN only on a smartphone (reference §4) */
		if (!cert->b)
			return sw(r, 0, 0x6A82);
		if ((ef == 0x0001 && !c->verified_sign) ||
		    (ef == 0x000A && !c->verified_auth && !strcmp(c->p.token, "JPKIAPGPSETOKEN")))
			return sw(r, 0, 0x6982);
		data = cert->b;
		len = cert->n;
	} else if (c->df == 2 && ef >= 0x0017 && ef <= 0x001B) {
		return sw(r, 0, 0x6981); /* keys and key references are no binary files */
	} else if (c->df == 2 && ef) {
		return sw(r, 0, 0x6A82);
	} else if (c->df != 1) {
		return sw(r, 0, 0x6986);
	} else if (ef == 0x0001) {
		if (!c->verified_pin && !c->verified_a)
			return sw(r, 0, 0x6982);
		data = c->ef0001;
		len = sizeof c->ef0001;
	} else if (c->df == 1 && ef == 0x0002) {
		if (!c->verified_pin && !c->verified_b)
			return sw(r, 0, 0x6982);
		data = c->ef0002;
		len = c->ef0002_len;
	} else {
		return sw(r, 0, 0x6A82);
	}
	if (off >= len)
		return sw(r, 0, 0x6B00);
	size_t k = len - off < le ? len - off : le;
	if (k > DATA_MAX)
		k = DATA_MAX;
	memcpy(r, data + off, k);
	return sw(r, k, len - off < le && c->p.read_past_end_6282 ? 0x6282 : 0x9000);
}

/* A command APDU, ISO 7816-4 cases 1-4, short or extended. */
struct cmd {
	size_t lc, le;                /* le 0: none; 256 or 65536 when coded as 00 / 00 00 */
	const uint8_t *data;
};

/* false: the lengths do not add up (6700). */
static bool parse_cmd(const uint8_t *a, size_t n, struct cmd *m)
{
	m->lc = m->le = 0;
	m->data = a + 4;
	if (n == 4)
		return true;
	if (n == 5) {
		m->le = a[4] ? a[4] : 256;
		return true;
	}
	if (a[4]) { /* short Lc */
		m->lc = a[4];
		m->data = a + 5;
		if (n == 6 + m->lc)
			m->le = a[n - 1] ? a[n - 1] : 256;
		return n == 5 + m->lc || n == 6 + m->lc;
	}
	if (n < 7)
		return false;
	size_t v = (size_t)(a[5] << 8 | a[6]);
	if (n == 7) { /* extended Le only */
		m->le = v ? v : 65536;
		return true;
	}
	m->lc = v;
	m->data = a + 7;
	if (v == 0 || (n != 7 + v && n != 9 + v))
		return false;
	if (n == 9 + v) {
		size_t le = (size_t)(a[n - 2] << 8 | a[n - 1]);
		m->le = le ? le : 65536;
	}
	return true;
}

static size_t answer(struct card *c, const uint8_t *a, size_t n, uint8_t *r)
{
	if (n < 4)
		return sw(r, 0, 0x6700);
	if (c->p.first_6f00 && c->apdus == 1)
		return sw(r, 0, 0x6F00);
	if (a[0] != 0x00)
		return sw(r, 0, 0x6E00);
	uint8_t ins = a[1], p1 = a[2], p2 = a[3];
	struct cmd m;
	if (!parse_cmd(a, n, &m) || (!c->p.extended_apdus && n >= 7 && a[4] == 0))
		return sw(r, 0, 0x6700);
	size_t lc = m.lc;
	const uint8_t *data = m.data;
	switch (ins) {
	case 0xA4:
		if (p1 == 0x04 && lc == 10) {
			if (memcmp(data, APDU_AID_KENHOJO, 10) == 0)
				c->df = 1;
			else if (memcmp(data, APDU_AID_JPKI, 10) == 0)
				c->df = 2;
			else if (memcmp(data, APDU_AID_COMMON, 10) == 0)
				c->df = 3;
			else
				return sw(r, 0, 0x6A82);
			c->ef = 0;
			return sw(r, 0, 0x9000);
		}
		if (p1 == 0x02 && lc == 2) {
			uint16_t fid = (uint16_t)(data[0] << 8 | data[1]);
			bool ok = (c->df == 1 && (fid == 1 || fid == 2 || fid == 0x11 || fid == 0x14 || fid == 0x15)) ||
				  (c->df == 2 && (fid == 6 || fid == 8 || (fid >= 0x17 && fid <= 0x1B) ||
						  (jpki_file(c, fid) && jpki_file(c, fid)->b))) ||
				  (c->df == 3 && fid == 1);
			if (!ok)
				return sw(r, 0, 0x6A82);
			c->ef = fid;
			return sw(r, 0, 0x9000);
		}
		return sw(r, 0, 0x6A86);
	case 0x20: {
		uint16_t key = p2 == 0x80 ? c->ef : (p2 & 0x80) ? (uint16_t)(p2 & 0x1F) : 0;
		if ((c->df != 1 && c->df != 2) || !key)
			return sw(r, 0, 0x6A86);
		return verify(c, key, data, lc, n == 4, r);
	}
	case 0xB0: {
		size_t le = m.le ? m.le : 256;
		if (p1 & 0x80) { /* by short EF id: it becomes the current EF */
			c->ef = p1 & 0x1F;
			return read_binary(c, c->ef, p2, le, r);
		}
		return read_binary(c, c->ef, (unsigned)(p1 << 8 | p2), le, r);
	}
	case 0xB2:
		if (c->df != 3 || c->ef != 1 || p1 != 1)
			return sw(r, 0, 0x6A83);
		/* simple-TLV 01 1C: 15-digit serial, 5-digit municipality, 8-digit expiry */
		r[0] = 0x01;
		r[1] = 0x1C;
		memcpy(r + 2, "000000000000001", 15);
		memcpy(r + 17, "47201", 5);
		memcpy(r + 22, c->p.card_expiry, 8);
		return sw(r, 30, 0x9000);
	default:
		return sw(r, 0, 0x6D00);
	}
}

static int read_all(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);
		if (r <= 0)
			return -1;
		got += (size_t)r;
		int one = 1; /* vpcd sends length and body separately: ack at once (reference §6.2) */
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
	}
	return 0;
}

static int send_framed(int fd, const uint8_t *b, size_t n)
{
	static uint8_t out[2 + FRAME_MAX];
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
	memcpy(out + 2, b, n);
	return send(fd, out, n + 2, MSG_NOSIGNAL) == (ssize_t)(n + 2) ? 0 : -1;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* A fault armed from outside (the removal tests, without a new simulator per case): path holds
 * "remove_after N" or "close_at N", counted from the APDU that finds the file (1: that one).
 * The file is removed when read, so each arming fires once. */
static void arm_fault(struct card *c, const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return;
	char what[32];
	int k;
	while (fscanf(f, "%31s %d", what, &k) == 2 && k > 0) {
		if (!strcmp(what, "remove_after"))
			c->p.remove_after = (int)c->apdus + k - 1;
		else if (!strcmp(what, "close_at"))
			c->p.close_at = (int)c->apdus + k - 1;
	}
	fclose(f);
	unlink(path);
}

/* One line on stderr for each VERIFY that carries a secret, as it arrives (before any fault
 * acts): the tests count PIN attempts with it. Never the secret. */
static void log_verify(const struct card *c, const uint8_t *a, size_t n)
{
	if (n <= 5 || a[0] != 0x00 || a[1] != 0x20)
		return;
	unsigned key = a[3] == 0x80 ? c->ef : (a[3] & 0x80) ? (a[3] & 0x1Fu) : 0;
	fprintf(stderr, "mynacard-sim: verify key %04X attempt\n", key);
}

int main(int argc, char **argv)
{
	const char *profile = NULL, *host = "127.0.0.1", *port = "35963", *fault_file = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--profile"))
			profile = argv[i + 1];
		else if (!strcmp(argv[i], "--host"))
			host = argv[i + 1];
		else if (!strcmp(argv[i], "--port"))
			port = argv[i + 1];
		else if (!strcmp(argv[i], "--fault-file"))
			fault_file = argv[i + 1];
	}
	if (!profile) {
		fprintf(stderr, "usage: mynacard-sim --profile FILE [--host H] [--port P]"
			" [--fault-file F]\n");
		return 2;
	}
	struct card c = { 0 };
	if (load_profile(profile, &c.p) != 0)
		return 2;
	build_files(&c);
	if (build_certs(&c) != 0) {
		fprintf(stderr, "mynacard-sim: cannot make the certificates\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		int fd = -1;
		for (int tries = 0; fd < 0; tries++) {
			fd = connect_to(host, port);
			if (fd < 0) {
				if (tries == 100) {
					fprintf(stderr, "mynacard-sim: cannot reach vpcd at %s:%s\n", host, port);
					return 1;
				}
				nanosleep(&(struct timespec){ 0, 100000000L }, NULL);
			}
		}
		/* pcscd polls the card (GET ATR) about every 0.4 s: three silent seconds mean that vpcd
		 * dropped this connection (it may close its listening socket and leave us in the backlog
		 * of a dead one), so go and connect again. */
		struct timeval tv = { 3, 0 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		power(&c);
		static uint8_t in[FRAME_MAX], out[FRAME_MAX];
		uint8_t len[2];
		for (;;) {
			if (read_all(fd, len, 2) != 0)
				break;
			size_t n = (size_t)(len[0] << 8 | len[1]);
			if (n == 0 || n > sizeof in || read_all(fd, in, n) != 0)
				break;
			if (n == 1) {
				if (in[0] == 0x04) {
					if (send_framed(fd, c.p.atr, c.p.atr_len) != 0)
						break;
				} else {
					power(&c);
				}
				continue;
			}
			c.apdus++;
			arm_fault(&c, fault_file);
			log_verify(&c, in, n);
			if (c.p.close_at && (int)c.apdus == c.p.close_at) {
				c.p.close_at = 0; /* once */
				break;
			}
			if (c.p.latency_ms) {
				struct timespec ts = { 0, (long)c.p.latency_ms * 1000000L };
				nanosleep(&ts, NULL);
			}
			size_t rn = answer(&c, in, n, out);
			if (send_framed(fd, out, rn) != 0)
				break;
			if (c.p.remove_after && (int)c.apdus == c.p.remove_after) {
				c.p.remove_after = 0; /* the card is taken out once, then put back */
				break;
			}
		}
		close(fd);
		/* out of the field for a moment, then back (the loop reconnects); longer than pcscd's
		 * 0.4 s poll, or pcscd would not see the card leave */
		struct timespec away = { c.p.away_ms / 1000, (long)(c.p.away_ms % 1000) * 1000000L };
		nanosleep(&away, NULL);
	}
}
