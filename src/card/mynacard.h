/* SPDX-License-Identifier: MIT */
/* mynacard: My Number card operations over an APDU transport: identify by SELECT (never by
 * ATR), read PIN retry counters without spending a try, VERIFY under the PIN policy, read whole
 * EFs (header first, then exactly the object), and read basic-4. Transports are an ops table so
 * that the same code runs over PC/SC and over a scripted card in unit tests. No retry of a
 * VERIFY ever happens here. */
#ifndef MDG_CARD_MYNACARD_H
#define MDG_CARD_MYNACARD_H

#include <stddef.h>
#include <stdint.h>

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
 * JPKI token). */
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
};
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
 * MDG_ERR_STATE; a file larger than cap MDG_ERR_INVALID. */
enum mdg_status mynacard_read_ef(struct mynacard *c, uint16_t fid, uint8_t *buf, size_t cap,
				 size_t *n, struct mdg_err *err);

/* Reads and parses basic-4 (after a successful VERIFY of the PIN or 照合番号B). out should be
 * in locked memory; the raw file buffer used here is wiped before return. */
enum mdg_status mynacard_read_basic4(struct mynacard *c, struct card_basic4 *out,
				     struct mdg_err *err);

#endif
