/* SPDX-License-Identifier: MIT */
/* mynacard: My Number card operations over an APDU transport: identify by SELECT (never by
 * ATR), read PIN retry counters without spending a try, VERIFY under the PIN policy, read whole
 * EFs (header first, then exactly the object), read basic-4 and the JPKI certificates. Transports
 * are an ops table so that the same code runs over PC/SC and over a scripted card in unit tests.
 * No retry of a VERIFY ever happens here. */
#ifndef MDG_CARD_MYNACARD_H
#define MDG_CARD_MYNACARD_H

#include <stddef.h>
#include <stdint.h>

#include "card/cert.h"
#include "core/apdu.h"
#include "core/cardtext.h"
#include "core/pinpolicy.h"
#include "core/status.h"

struct apdu_transport_ops {
	/* Sends cmd, receives at most *resp_n bytes into resp (data + SW1 SW2), sets *resp_n.
	 * MDG_OK, or MDG_ERR_IO for a removed or reset card, a dead reader or a broken link, or
	 * MDG_ERR_CANCELLED for a cancel request, with a message. Never resends by itself. */
	enum mdg_status (*transmit)(void *ctx, const uint8_t *cmd, size_t n, uint8_t *resp,
				    size_t *resp_n, struct mdg_err *err);
};

struct mynacard {
	const struct apdu_transport_ops *ops;
	void *ctx;
	unsigned apdus;                  /* APDUs sent since open (for benchmarks) */
	int current_df;                  /* which AP is selected: 0 none, 1 kenhojo, 2 jpki, 3 common;
					  * 0 again after any transport error (removal, reset) */
	bool short_only;                 /* an extended APDU failed once: short ones from now on */
};

/* Key references: the input-support AP's PIN and 照合番号A/B, the JPKI AP's authentication PIN
 * and signing password (select the AP first). */
enum mynacard_key {
	MYNA_KEY_PIN = 0x0011, MYNA_KEY_CODE_A = 0x0014, MYNA_KEY_CODE_B = 0x0015,
	MYNA_KEY_JPKI_AUTH = 0x0018, MYNA_KEY_JPKI_SIGN = 0x001B,
};

/* The card's applications. */
enum mynacard_ap { MYNA_AP_KENHOJO = 1, MYNA_AP_JPKI = 2, MYNA_AP_COMMON = 3 };

/* Selects an application by its full AID (retrying once on 6F00). MDG_ERR_NOT_FOUND when the
 * card does not have it (not a My Number card). */
enum mdg_status mynacard_select_ap(struct mynacard *c, enum mynacard_ap ap, struct mdg_err *err);

/* Reads n raw bytes at offset of EF fid of the current AP (files that are not TLV, like the
 * JPKI token): one READ BINARY by short EF id when offset + n <= 256, else SELECT EF and reads
 * by offset. MDG_ERR_IO when the file is shorter. */
enum mdg_status mynacard_read_raw(struct mynacard *c, uint16_t fid, unsigned offset, uint8_t *buf,
				  size_t n, struct mdg_err *err);

/* Reads the My Number (EF 0001) after a VERIFY of the PIN (or 照合番号A) into out[13] (locked
 * memory), checking its check digit. MDG_ERR_STATE when not verified. */
enum mdg_status mynacard_read_my_number(struct mynacard *c, char out[13], struct mdg_err *err);

/* What `card status` shows: read without any PIN and without spending a try. */
struct mynacard_status {
	int tries_pin, tries_jpki_auth, tries_jpki_sign; /* 0 when blocked */
	char token[33];              /* JPKI token label: "JPKIAPICCTOKEN2" is a physical card */
	bool sign_cert_present;
	char card_expiry[11];        /* YYYY-MM-DD from the common AP, "" when unreadable */
	char auth_cert_not_after[11]; /* the authentication certificate's last day, YYYY-MM-DD in
				       * Japan; "" when unreadable (a smartphone token needs the PIN
				       * for it, a card may lack it or hold bad bytes: logged) */
	int64_t auth_cert_not_after_s; /* the same instant in seconds since the epoch (0 with "") */
};
/* Fills *out. MDG_ERR_NOT_FOUND for a card that is not a My Number card, MDG_ERR_IO for a
 * removed card or a broken link (nothing of *out is to be shown then). */
enum mdg_status mynacard_status(struct mynacard *c, struct mynacard_status *out,
				struct mdg_err *err);

/* Sends one command, following 61xx with GET RESPONSE and 6Cxx with a resend, and returns the
 * final response in resp[0..*n) (SW last). A response under two bytes is MDG_ERR_IO. */
enum mdg_status mynacard_transmit(struct mynacard *c, const struct apdu *cmd, uint8_t *resp,
				  size_t *n, struct mdg_err *err);

/* Selects the input-support AP (retrying once on 6F00, which some cards answer to the first
 * command after power-up). MDG_ERR_NOT_FOUND when the card is not a My Number card. */
enum mdg_status mynacard_select_kenhojo(struct mynacard *c, struct mdg_err *err);

/* Reads a key's retry counter with the empty VERIFY (no try spent). */
enum mdg_status mynacard_key_state(struct mynacard *c, enum mynacard_key key,
				   enum apdu_pin_state *state, int *tries, struct mdg_err *err);

/* Verifies key with secret (ASCII digits, len bytes, borrowed; the command buffer holding it is
 * wiped before return) when the policy for `where` allows it; *decision is what it said;
 * when it refuses, nothing is sent. MDG_ERR_STATE when refused; MDG_ERR_INVALID for a wrong secret
 * (then state and tries say what is left); MDG_OK when accepted. */
enum mdg_status mynacard_verify(struct mynacard *c, enum mynacard_key key, enum pin_place where,
				const char *secret, size_t len, enum pin_decision *decision,
				enum apdu_pin_state *state, int *tries, struct mdg_err *err);

/* Reads the object of EF fid of the current AP into buf (cap bytes): the first 7 bytes give
 * the TLV size, then the rest in chunks; *n is the object's size. 6982 (not verified) is
 * MDG_ERR_STATE; 6A82 MDG_ERR_NOT_FOUND; a malformed header, a file that ends before its object
 * or an object larger than cap MDG_ERR_INVALID; buf is wiped on every error. */
enum mdg_status mynacard_read_ef(struct mynacard *c, uint16_t fid, uint8_t *buf, size_t cap,
				 size_t *n, struct mdg_err *err);

/* Reads the DER certificate of EF fid of the JPKI AP (select it first): 000A authentication,
 * 000B its CA, 0002 the signing CA, 0001 signing (after VERIFY of the signing password) into
 * buf (cap bytes, at most CERT_DER_MAX), *n its size (the file may be longer). One extended
 * READ BINARY by short EF id with Le = cap; when the reader or the card refuses that (a
 * status other than data, 6982, 6A82, 6981, 6B00; or an MDG_ERR_IO from the transport, after
 * which the AP is selected again), short_only is set and it reads again in short APDUs: the
 * first 256 bytes by short EF id, then SELECT EF and chunks of at most 256 by offset. Errors
 * as mynacard_read_ef, and MDG_ERR_INVALID for a header other than 30 82 HH LL or a size above
 * cap. Never parses more than the header. */
enum mdg_status mynacard_read_cert(struct mynacard *c, uint16_t fid, uint8_t *buf, size_t cap,
				   size_t *n, struct mdg_err *err);

/* Reads and parses basic-4 (after a successful VERIFY of the PIN or 照合番号B). out should be
 * in locked memory; the raw file buffer used here is wiped before return. */
enum mdg_status mynacard_read_basic4(struct mynacard *c, struct card_basic4 *out,
				     struct mdg_err *err);

#endif
