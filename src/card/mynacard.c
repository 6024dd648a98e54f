/* SPDX-License-Identifier: MIT */
/* mynacard: the card's command sequences (reference: mynumber-card.md §1, §3). */
#include "card/mynacard.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "secure/mem.h"


#define RESP_MAX 258
#define EXT_RESP_MAX (CERT_DER_MAX + 2) /* an extended READ BINARY's response: data + SW */

/* Buffers that held a secret or card data are wiped with secure_wipe (never optimised away). */
#define wipe secure_wipe

static enum mdg_status raw(struct mynacard *c, const uint8_t *cmd, size_t n, uint8_t *resp,
			   size_t *rn, struct mdg_err *err)
{
	size_t cap = *rn;
	c->apdus++;
	enum mdg_status rc = c->ops->transmit(c->ctx, cmd, n, resp, rn, err);
	if (!rc && (*rn < 2 || *rn > cap)) /* vpcd answers a card gone mid-command with 0 bytes */
		rc = mdg_err_set(err, MDG_ERR_IO, "card: no answer from the card (%zu bytes): it was"
				 " probably removed during reading", *rn);
	if (rc)
		c->current_df = 0; /* removed, reset or unknown: no AP selected, nothing verified */
	return rc;
}

/* Where a short command's Le byte is (case 2: header + Le; case 4: header + Lc + data + Le),
 * or 0 when it has none. A 6Cxx answer may only change Le: resending a command without one (a
 * VERIFY) would send its data, the PIN, a second time. */
static size_t short_le_at(const struct apdu *a)
{
	if (a->n == 5)
		return 4;
	return a->n > 6 && a->b[4] && a->n == 6 + (size_t)a->b[4] ? a->n - 1 : 0;
}

enum mdg_status mynacard_transmit(struct mynacard *c, const struct apdu *cmd, uint8_t *resp,
				  size_t *n, struct mdg_err *err)
{
	size_t cap = *n;
	enum mdg_status rc = raw(c, cmd->b, cmd->n, resp, n, err);
	if (rc)
		return rc;
	uint16_t sw = apdu_sw(resp, *n);
	size_t le_at = short_le_at(cmd);
	if ((sw & 0xFF00) == 0x6C00 && le_at) {
		/* Wrong Le: resend once with the length the card asked for. */
		struct apdu again = *cmd;
		again.b[le_at] = (uint8_t)(sw & 0xFF);
		*n = cap;
		rc = raw(c, again.b, again.n, resp, n, err);
		wipe(&again, sizeof again);
		if (rc)
			return rc;
		sw = apdu_sw(resp, *n);
	}
	if ((sw & 0xFF00) == 0x6100) {
		/* More data: GET RESPONSE, appended to what came, at most a few rounds. */
		size_t have = *n - 2;
		for (int round = 0; round < 8 && (sw & 0xFF00) == 0x6100; round++) {
			struct apdu gr;
			apdu_get_response(&gr, (uint8_t)(sw & 0xFF));
			uint8_t part[RESP_MAX];
			size_t pn = sizeof part;
			rc = raw(c, gr.b, gr.n, part, &pn, err);
			if (rc)
				return rc;
			if (have + pn > cap)
				return mdg_err_set(err, MDG_ERR_IO, "card: response longer than expected");
			memcpy(resp + have, part, pn);
			have += pn - 2;
			sw = apdu_sw(part, pn);
		}
		*n = have + 2;
	}
	return MDG_OK;
}

static enum mdg_status expect_ok(uint16_t sw, const char *what, struct mdg_err *err)
{
	char s[64];
	if (sw == 0x9000)
		return MDG_OK;
	if (sw == 0x6982)
		return mdg_err_set(err, MDG_ERR_STATE, "card: %s: not verified (%s)", what,
				   apdu_sw_str(sw, s));
	if (sw == 0x6A82)
		return mdg_err_set(err, MDG_ERR_NOT_FOUND, "card: %s: %s", what, apdu_sw_str(sw, s));
	return mdg_err_set(err, MDG_ERR_IO, "card: %s: %s", what, apdu_sw_str(sw, s));
}

enum mdg_status mynacard_select_kenhojo(struct mynacard *c, struct mdg_err *err)
{
	return mynacard_select_ap(c, MYNA_AP_KENHOJO, err);
}

enum mdg_status mynacard_select_ap(struct mynacard *c, enum mynacard_ap ap, struct mdg_err *err)
{
	struct apdu a;
	uint8_t r[RESP_MAX];
	const uint8_t *aid = ap == MYNA_AP_JPKI ? APDU_AID_JPKI :
			     ap == MYNA_AP_COMMON ? APDU_AID_COMMON : APDU_AID_KENHOJO;
	apdu_select_df(&a, aid, 10);
	for (int attempt = 0; attempt < 2; attempt++) {
		size_t n = sizeof r;
		enum mdg_status rc = mynacard_transmit(c, &a, r, &n, err);
		if (rc)
			return rc;
		uint16_t sw = apdu_sw(r, n);
		if (sw == 0x6F00 && attempt == 0)
			continue; /* the first command after power-up may get 6F00 */
		if (sw == 0x9000) {
			c->current_df = (int)ap;
			return MDG_OK;
		}
		if (sw == 0x6A82 || sw == 0x6A86)
			return mdg_err_set(err, MDG_ERR_NOT_FOUND, "this card is not a My Number card");
		return expect_ok(sw, "select the input-support AP", err);
	}
	return mdg_err_set(err, MDG_ERR_IO, "card: no answer to SELECT");
}

static enum mdg_status select_ef(struct mynacard *c, uint16_t fid, struct mdg_err *err)
{
	struct apdu a;
	uint8_t r[RESP_MAX];
	size_t n = sizeof r;
	apdu_select_ef(&a, fid);
	enum mdg_status rc = mynacard_transmit(c, &a, r, &n, err);
	return rc ? rc : expect_ok(apdu_sw(r, n), "select EF", err);
}

enum mdg_status mynacard_key_state(struct mynacard *c, enum mynacard_key key,
				   enum apdu_pin_state *state, int *tries, struct mdg_err *err)
{
	struct apdu a;
	uint8_t r[RESP_MAX];
	size_t n = sizeof r;
	/* By short EF id: every key of the card has one (0011..001B), so no SELECT EF. */
	apdu_verify_status(&a, key);
	enum mdg_status rc = mynacard_transmit(c, &a, r, &n, err);
	if (rc)
		return rc;
	*tries = 0;
	*state = apdu_pin_state(apdu_sw(r, n), tries);
	if (*state == APDU_PIN_OTHER) {
		char s[64];
		return mdg_err_set(err, MDG_ERR_IO, "card: retry counter: %s", apdu_sw_str(apdu_sw(r, n), s));
	}
	return MDG_OK;
}

static int max_tries(enum mynacard_key key)
{
	switch (key) {
	case MYNA_KEY_PIN:
	case MYNA_KEY_JPKI_AUTH: return 3;
	case MYNA_KEY_JPKI_SIGN: return 5;
	default: return 10; /* 照合番号A/B: probably 10 (reference §3.2) */
	}
}

enum mdg_status mynacard_verify(struct mynacard *c, enum mynacard_key key, enum pin_place where,
				const char *secret, size_t len, enum pin_decision *decision,
				enum apdu_pin_state *state, int *tries, struct mdg_err *err)
{
	enum mdg_status rc = mynacard_key_state(c, key, state, tries, err);
	if (rc)
		return rc;
	*decision = pin_policy(where, *state, *tries, max_tries(key));
	switch (*decision) {
	case PIN_NOT_NEEDED:
		return MDG_OK;
	case PIN_SEND:
	case PIN_SEND_LAST_TRY:
		break;
	case PIN_REFUSE_NOT_FULL:
		return mdg_err_set(err, MDG_ERR_STATE, "a try was already spent on this card: the kiosk"
				   " does not send the PIN (use the 14-digit number or ask staff)");
	case PIN_REFUSE_BLOCKED:
		return mdg_err_set(err, MDG_ERR_STATE, "the PIN is locked: it can be reset at the counter");
	case PIN_REFUSE_UNKNOWN:
		return mdg_err_set(err, MDG_ERR_STATE, "the card's retry counter is unclear: no PIN sent");
	}
	struct apdu a;
	uint8_t r[RESP_MAX];
	size_t n = sizeof r;
	if (!apdu_verify(&a, key, secret, len))
		return mdg_err_set(err, MDG_ERR_INVALID, "the PIN must be 1 to 16 characters");
	rc = mynacard_transmit(c, &a, r, &n, err);
	wipe(&a, sizeof a);
	if (rc)
		return rc; /* a removal here is never retried: the try may be spent */
	*state = apdu_pin_state(apdu_sw(r, n), tries);
	if (*state == APDU_PIN_VERIFIED)
		return MDG_OK;
	const char *what = key == MYNA_KEY_PIN ? "PIN" : "number";
	if (*state == APDU_PIN_BLOCKED)
		return mdg_err_set(err, MDG_ERR_INVALID, "wrong %s; it is now locked", what);
	if (*state == APDU_PIN_TRIES)
		return mdg_err_set(err, MDG_ERR_INVALID, "wrong %s; %d tr%s left", what, *tries,
				   *tries == 1 ? "y" : "ies");
	char s[64];
	return mdg_err_set(err, MDG_ERR_IO, "card: VERIFY: %s", apdu_sw_str(apdu_sw(r, n), s));
}

/* How many bytes of a file hold its object, from the first n bytes: MDG_OK and *size, or an
 * error for a malformed header. */
typedef enum mdg_status (*object_size_fn)(const uint8_t *head, size_t n, size_t *size,
					  struct mdg_err *err);

static enum mdg_status tlv_size(const uint8_t *head, size_t n, size_t *size, struct mdg_err *err)
{
	*size = card_object_size(head, n);
	return *size ? MDG_OK : mdg_err_set(err, MDG_ERR_INVALID, "card: malformed file header");
}

/* A status that says something about the file itself, not about the form of the command. */
static bool about_the_file(uint16_t sw)
{
	return sw == 0x6982 || sw == 0x6A82 || sw == 0x6981 || sw == 0x6B00;
}

/* Reads the object of EF fid into buf (cap bytes), its size given by size_of from the first
 * bytes. The first READ BINARY goes by short EF id (no SELECT): extended with Le = cap when ext
 * (and the link has not refused one), else 256 bytes; the rest is read by offset after a
 * SELECT EF, in chunks of at most 256. */
static enum mdg_status read_object(struct mynacard *c, uint16_t fid, uint8_t *buf, size_t cap,
				   object_size_fn size_of, bool ext, size_t *out_n, struct mdg_err *err)
{
	enum mdg_status rc = MDG_OK;
	uint8_t r[EXT_RESP_MAX];
	size_t have = 0, want = 0;
	bool selected = false;
	int df = c->current_df;
	ext = ext && !c->short_only && cap > 256 && cap + 2 <= sizeof r;
	while (!want || have < want) {
		struct apdu a;
		size_t n = sizeof r;
		size_t ask = want ? want - have : 256;
		if (ask > 256)
			ask = 256;
		if (have > 0 && !selected) {
			rc = select_ef(c, fid, err);
			if (rc)
				break;
			selected = true;
		}
		bool ok = have > 0 ? apdu_read_binary(&a, (unsigned)have, (unsigned)ask) :
			  ext ? apdu_read_binary_sfi_ext(&a, fid, 0, (unsigned)cap) :
				apdu_read_binary_sfi(&a, fid, 0, (unsigned)ask);
		if (!ok) {
			rc = mdg_err_set(err, MDG_ERR_INVALID, "card: file too large");
			break;
		}
		rc = mynacard_transmit(c, &a, r, &n, err);
		uint16_t sw = rc ? 0 : apdu_sw(r, n);
		if (have == 0 && ext && (rc == MDG_ERR_IO || (!rc && !apdu_sw_data_ok(sw) &&
							      !about_the_file(sw)))) {
			/* The reader or the card refused the extended APDU: short ones from now on
			 * (a removed card fails again there). After a link error the card's state is
			 * unknown: select the AP again first. */
			mlog(MLOG_DEBUG, "card: extended READ BINARY refused (%s): short APDUs",
			     rc ? err->msg : "status word");
			c->short_only = true;
			ext = false;
			mdg_err_clear(err);
			rc = rc && df ? mynacard_select_ap(c, (enum mynacard_ap)df, err) : MDG_OK;
			if (rc)
				break;
			continue;
		}
		if (rc)
			break;
		if (!apdu_sw_data_ok(sw) || n == 2) {
			if (sw == 0x6B00 && want == 0)
				rc = mdg_err_set(err, MDG_ERR_IO, "card: the file is empty");
			else if (want && (sw == 0x6B00 || apdu_sw_data_ok(sw)))
				rc = mdg_err_set(err, MDG_ERR_INVALID, "card: the file ends before its"
						 " object (%zu of %zu bytes)", have, want);
			else
				rc = expect_ok(sw, "read", err);
			break;
		}
		size_t got = n - 2;
		if (want && got > want - have)
			got = want - have; /* filler after the object */
		if (have + got > cap) {
			rc = mdg_err_set(err, MDG_ERR_INVALID, "card: the file is larger than expected");
			break;
		}
		memcpy(buf + have, r, got);
		have += got;
		if (!want) {
			rc = size_of(buf, have, &want, err);
			if (rc)
				break;
			if (want > cap) {
				rc = mdg_err_set(err, MDG_ERR_INVALID, "card: the file is larger than expected");
				break;
			}
		}
	}
	wipe(r, sizeof r);
	if (rc) {
		wipe(buf, cap);
		return rc;
	}
	*out_n = want;
	return MDG_OK;
}

enum mdg_status mynacard_read_ef(struct mynacard *c, uint16_t fid, uint8_t *buf, size_t cap,
				 size_t *out_n, struct mdg_err *err)
{
	return read_object(c, fid, buf, cap, tlv_size, false, out_n, err);
}

enum mdg_status mynacard_read_cert(struct mynacard *c, uint16_t fid, uint8_t *buf, size_t cap,
				   size_t *n, struct mdg_err *err)
{
	if (cap > CERT_DER_MAX)
		cap = CERT_DER_MAX;
	return read_object(c, fid, buf, cap, cert_der_size, true, n, err);
}

enum mdg_status mynacard_read_basic4(struct mynacard *c, struct card_basic4 *out,
				     struct mdg_err *err)
{
	uint8_t file[1024];
	size_t n = 0;
	enum mdg_status rc = mynacard_read_ef(c, 0x0002, file, sizeof file, &n, err);
	if (!rc) {
		enum card_parse p = card_parse_basic4(file, n, out);
		if (p)
			rc = mdg_err_set(err, MDG_ERR_INVALID, "card: %s", card_parse_str(p));
	}
	wipe(file, sizeof file);
	return rc;
}

enum mdg_status mynacard_read_my_number(struct mynacard *c, char out[13], struct mdg_err *err)
{
	uint8_t file[64];
	size_t n = 0;
	enum mdg_status rc = mynacard_read_ef(c, 0x0001, file, sizeof file, &n, err);
	if (!rc) {
		enum card_parse p = card_parse_my_number(file, n, out);
		if (p)
			rc = mdg_err_set(err, MDG_ERR_INVALID, "card: %s", card_parse_str(p));
	}
	wipe(file, sizeof file);
	return rc;
}

enum mdg_status mynacard_read_raw(struct mynacard *c, uint16_t fid, unsigned offset, uint8_t *buf,
				  size_t n, struct mdg_err *err)
{
	/* One read by short EF id when it fits (no SELECT EF), else select and read by offset. */
	bool sfi = fid >= 1 && fid <= 30 && n >= 1 && offset + n <= 256;
	enum mdg_status rc = sfi ? MDG_OK : select_ef(c, fid, err);
	uint8_t r[RESP_MAX];
	size_t have = 0;
	while (!rc && have < n) {
		struct apdu a;
		size_t rn = sizeof r, ask = n - have > 256 ? 256 : n - have;
		if (sfi && have > 0) {
			rc = mdg_err_set(err, MDG_ERR_IO, "card: the file ends early");
			break;
		}
		if (!(sfi ? apdu_read_binary_sfi(&a, fid, offset, (unsigned)ask) :
			    apdu_read_binary(&a, offset + (unsigned)have, (unsigned)ask)))
			return mdg_err_set(err, MDG_ERR_INVALID, "card: read past 32 KiB");
		rc = mynacard_transmit(c, &a, r, &rn, err);
		if (rc)
			break;
		uint16_t sw = apdu_sw(r, rn);
		if (!apdu_sw_data_ok(sw) || rn == 2) {
			rc = apdu_sw_data_ok(sw) ? mdg_err_set(err, MDG_ERR_IO, "card: the file ends early") :
						   expect_ok(sw, "read", err);
			break;
		}
		size_t k = rn - 2 < n - have ? rn - 2 : n - have;
		memcpy(buf + have, r, k);
		have += k;
	}
	wipe(r, sizeof r);
	return rc;
}

/* The authentication certificate's notAfter into out. Only a transport failure is an error:
 * a card without the file, or with bad bytes in it, still has its counters shown. */
static enum mdg_status auth_cert_not_after(struct mynacard *c, struct mynacard_status *out,
					   struct mdg_err *err)
{
	uint8_t der[CERT_DER_MAX];
	size_t n = 0;
	enum mdg_status rc = mynacard_read_cert(c, 0x000A, der, sizeof der, &n, err);
	if (!rc)
		rc = cert_not_after(der, n, out->auth_cert_not_after, &out->auth_cert_not_after_s, err);
	wipe(der, sizeof der);
	if (rc && rc != MDG_ERR_IO) {
		mlog(MLOG_WARN, "card status: no certificate expiry: %s", err->msg);
		out->auth_cert_not_after[0] = '\0';
		out->auth_cert_not_after_s = 0;
		mdg_err_clear(err);
		rc = MDG_OK;
	}
	return rc;
}

static int tries_of(enum apdu_pin_state st, int tries)
{
	return st == APDU_PIN_TRIES ? tries : st == APDU_PIN_VERIFIED ? -1 : 0;
}

enum mdg_status mynacard_status(struct mynacard *c, struct mynacard_status *out,
				struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	enum apdu_pin_state st;
	int tries;
	enum mdg_status rc = mynacard_select_ap(c, MYNA_AP_KENHOJO, err);
	if (!rc)
		rc = mynacard_key_state(c, MYNA_KEY_PIN, &st, &tries, err);
	if (rc)
		return rc;
	out->tries_pin = tries_of(st, tries);
	rc = mynacard_select_ap(c, MYNA_AP_JPKI, err);
	if (!rc)
		rc = mynacard_key_state(c, MYNA_KEY_JPKI_AUTH, &st, &tries, err);
	if (!rc) {
		out->tries_jpki_auth = tries_of(st, tries);
		rc = mynacard_key_state(c, MYNA_KEY_JPKI_SIGN, &st, &tries, err);
	}
	if (!rc) {
		out->tries_jpki_sign = tries_of(st, tries);
		uint8_t label[32];
		rc = mynacard_read_raw(c, 0x0006, 0, label, sizeof label, err);
		if (!rc) {
			size_t n = sizeof label;
			while (n && (label[n - 1] == ' ' || label[n - 1] == 0))
				n--;
			for (size_t i = 0; i < n; i++)
				out->token[i] = label[i] >= 0x20 && label[i] < 0x7F ? (char)label[i] : '?';
		}
	}
	if (!rc) {
		uint8_t avail[3];
		rc = mynacard_read_raw(c, 0x0008, 0, avail, sizeof avail, err);
		out->sign_cert_present = !rc && avail[0] == 0x8F;
	}
	/* A smartphone's JPKI wants the authentication PIN for 000A (reference §4): not read. */
	if (!rc && strcmp(out->token, "JPKIAPGPSETOKEN") != 0)
		rc = auth_cert_not_after(c, out, err);
	if (rc)
		return rc;
	/* Common AP: record 1 of EF 0001 is 01 1C + serial(15) + municipality(5) + expiry(8). */
	rc = mynacard_select_ap(c, MYNA_AP_COMMON, err);
	if (!rc)
		rc = select_ef(c, 0x0001, err);
	if (!rc) {
		struct apdu a;
		uint8_t r[RESP_MAX];
		size_t rn = sizeof r;
		apdu_read_record(&a, 1);
		rc = mynacard_transmit(c, &a, r, &rn, err);
		if (!rc && apdu_sw(r, rn) == 0x9000 && rn >= 32 && r[0] == 0x01 && r[1] == 0x1C)
			snprintf(out->card_expiry, sizeof out->card_expiry, "%.4s-%.2s-%.2s",
				 (const char *)r + 22, (const char *)r + 26, (const char *)r + 28);
	}
	return rc;
}
