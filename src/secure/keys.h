/* SPDX-License-Identifier: MIT */
/* keys: the site key file and the keys derived from it. The file holds the current master key
 * and the one before it (rotation keeps yesterday's tickets verifiable), each with an id; it is
 * created with mode 0600 and refused when anyone but its owner may read it. Keys live in
 * locked memory (sodium_malloc) and are wiped when the ring is freed. Ticket codes are signed
 * and personal fields are encrypted with subkeys derived per purpose (crypto_kdf, one context
 * each), never with the master key itself. */
#ifndef MDG_SECURE_KEYS_H
#define MDG_SECURE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

struct keyring;

/* Creates a key file with one fresh key (id 1). MDG_ERR_STATE when the file exists (never
 * overwrites a key: tickets signed with it would become invalid), MDG_ERR_IO otherwise. */
enum mdg_status keyring_init(const char *path, struct mdg_err *err);

/* Adds a fresh key as the current one (id = previous + 1, wrapping after 999), keeps the one
 * before as previous and drops older ones. Written to a temporary file, synced and renamed, so
 * a crash leaves the old or the new file, never a torn one. *new_id may be NULL. */
enum mdg_status keyring_rotate(const char *path, unsigned *new_id, struct mdg_err *err);

/* Loads the key file. MDG_ERR_NOT_FOUND (no file: run keys init), MDG_ERR_INVALID (damaged, or
 * readable by group/others), MDG_ERR_NOMEM (no locked memory). *out: keyring_free. */
enum mdg_status keyring_load(const char *path, struct keyring **out, struct mdg_err *err);

/* Wipes and frees the ring; clears the pointer. NULL-safe. */
void keyring_free(struct keyring **pp);

/* The id of the current key. */
unsigned keyring_current_id(const struct keyring *k);

/* Ticket-code MAC (crypto_auth, HMAC-SHA-512-256, truncated to tag_len bytes) of msg with the
 * ticket subkey of key key_id. 0, or -1 when the ring has no such key. The signature matches
 * ticketcode_mac_fn (ctx is the ring). */
int keyring_ticket_mac(void *ring, unsigned key_id, const void *msg, size_t n, uint8_t *tag);

/* ---- field encryption ---------------------------------------------------------------------
 * XChaCha20-Poly1305 (IETF) with the field subkey of a key (crypto_kdf context "mdgfield"), a
 * random 24-byte nonce per sealing, and associated data that names the record (the caller's
 * table, column and row id), so that a sealed text copied into another row fails to open. The
 * plaintext is padded (ISO/IEC 7816-4) to a multiple of KEYRING_PAD_BLOCK bytes before sealing,
 * so that the sealed size tells the length of a name only to the nearest block. The ring holds
 * the current key and the one before: a text sealed under a key that has since been rotated
 * out twice cannot be opened any more (MDG_ERR_NOT_FOUND). */

#define KEYRING_NONCE_BYTES 24
#define KEYRING_TAG_BYTES 16
#define KEYRING_PAD_BLOCK 64

/* The size of the sealed text of n plaintext bytes: n + 1 rounded up to a multiple of
 * KEYRING_PAD_BLOCK, plus the tag. */
size_t keyring_sealed_size(size_t n);

/* Seals pt (n bytes, borrowed; the caller keeps it in locked memory and wipes it) with the
 * current key. Writes the key's id to *key_id, a fresh random nonce to nonce and the sealed text
 * to ct, whose size must be at least keyring_sealed_size(n); *ct_len gets its length. Nothing
 * secret is left in memory that this function allocated. Errors: MDG_ERR_INVALID (ct too
 * small), MDG_ERR_NOMEM (no locked memory for the padded copy). */
enum mdg_status keyring_seal(const struct keyring *k, const void *ad, size_t ad_len,
			     const void *pt, size_t n, unsigned *key_id,
			     uint8_t nonce[KEYRING_NONCE_BYTES], uint8_t *ct, size_t ct_size,
			     size_t *ct_len, struct mdg_err *err);

/* Opens ct (ct_len bytes) sealed under key key_id with nonce and the same associated data.
 * On success *pt is a new buffer in locked memory holding *pt_len plaintext bytes followed by a
 * NUL that *pt_len does not count; the caller releases it with secure_free (secure/mem.h),
 * which wipes it, and copies nothing of it into ordinary memory it does not wipe. On failure
 * *pt is NULL and nothing decrypted is left anywhere. Errors: MDG_ERR_NOT_FOUND (the key file no
 * longer holds key_id), MDG_ERR_CRYPTO (wrong key, associated data or nonce, or the text was
 * changed: it does not authenticate), MDG_ERR_INVALID (ct shorter than a tag and a block),
 * MDG_ERR_NOMEM. */
enum mdg_status keyring_open(const struct keyring *k, unsigned key_id,
			     const uint8_t nonce[KEYRING_NONCE_BYTES], const void *ad,
			     size_t ad_len, const void *ct, size_t ct_len, uint8_t **pt,
			     size_t *pt_len, struct mdg_err *err);

#endif
