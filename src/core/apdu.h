/* SPDX-License-Identifier: MIT */
/* apdu: ISO 7816-4 command APDUs as the My Number card needs them, status words, and the rules
 * around them (PIN retry counters, 61xx / 6Cxx follow-ups). Pure: no transport here. Command
 * buffers that carry a PIN are the caller's (locked memory); apdu_verify writes into them. */
#ifndef MDG_CORE_APDU_H
#define MDG_CORE_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APDU_MAX 261 /* short APDU: 4 header + Lc + 255 data + Le */

/* Application identifiers (reference mynumber-card.md §1.1); always the full 10 bytes. */
extern const uint8_t APDU_AID_KENHOJO[10];
extern const uint8_t APDU_AID_JPKI[10];
extern const uint8_t APDU_AID_COMMON[10];

struct apdu {
	uint8_t b[APDU_MAX];
	size_t n;
};

/* SELECT DF by name (00 A4 04 0C Lc AID). */
void apdu_select_df(struct apdu *a, const uint8_t *aid, size_t aid_len);
/* SELECT EF by file id under the current DF (00 A4 02 0C 02 FID). */
void apdu_select_ef(struct apdu *a, uint16_t fid);
/* VERIFY with no data (00 20 00 P2): reads the retry counter, spends no try. sfi 0 means the
 * current EF (P2 80), else the key's short EF id 1..30 (P2 80|sfi, no SELECT EF needed). */
void apdu_verify_status(struct apdu *a, unsigned sfi);
/* VERIFY with the secret as ASCII (00 20 00 P2 Lc data), P2 as above; false when len is 0 or
 * > 16, or sfi > 30. */
bool apdu_verify(struct apdu *a, unsigned sfi, const char *secret, size_t len);
/* READ BINARY by short EF id (00 B0 80|sfi off Le): no SELECT EF; offsets up to 255 only. */
bool apdu_read_binary_sfi(struct apdu *a, unsigned sfi, unsigned offset, unsigned le);
/* READ BINARY by short EF id with an extended Le (00 B0 80|sfi off 00 HH LL): le 1..65536
 * (65536 is sent as 00 00), for a whole file in one response where the reader carries extended
 * APDUs; offsets up to 255 only. */
bool apdu_read_binary_sfi_ext(struct apdu *a, unsigned sfi, unsigned offset, unsigned le);
/* READ BINARY at offset (< 0x8000) for le bytes (1..256; 256 is sent as 00). */
bool apdu_read_binary(struct apdu *a, unsigned offset, unsigned le);
/* GET RESPONSE for 61xx (00 C0 00 00 xx). */
void apdu_get_response(struct apdu *a, uint8_t le);
/* READ RECORD n of the current EF (00 B2 n 04 00). */
void apdu_read_record(struct apdu *a, uint8_t n);

/* The status word of a response (its last two bytes); 0 when the response has fewer than two
 * bytes, which is a transport failure, never a status. */
uint16_t apdu_sw(const uint8_t *resp, size_t n);

/* What an answer to the empty VERIFY (or to a VERIFY) says about the key. */
enum apdu_pin_state {
	APDU_PIN_TRIES,       /* tries left in *tries (63Cx, x > 0) */
	APDU_PIN_BLOCKED,     /* 63C0 or 6984 */
	APDU_PIN_VERIFIED,    /* 9000: already verified (status), or accepted (verify) */
	APDU_PIN_UNLIMITED,   /* 6300: no retry limit */
	APDU_PIN_OTHER,       /* anything else: an error to report with apdu_sw_str */
};
enum apdu_pin_state apdu_pin_state(uint16_t sw, int *tries);

/* A short English meaning of a status word ("6A82 file not found"). out needs 64 bytes. */
const char *apdu_sw_str(uint16_t sw, char out[64]);

/* True for answers that carry data to keep: 9000, and 6282 (end of file reached early). */
bool apdu_sw_data_ok(uint16_t sw);

#endif
