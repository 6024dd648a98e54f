/* SPDX-License-Identifier: MIT */
/* pwhash: staff PIN hashes, Argon2id through libsodium's crypto_pwhash_str with the interactive
 * limits (about 50 ms and 64 MiB per hash or verify). The PIN is passed as (pointer, length)
 * from the caller's locked memory and never copied; the encoded hash ("$argon2id$...") is not a
 * secret to keep in locked memory, but it is never logged, printed or audited. */
#ifndef MDG_SECURE_PWHASH_H
#define MDG_SECURE_PWHASH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#define PWHASH_STR_BYTES 128 /* crypto_pwhash_STRBYTES: the encoded hash and its NUL */

/* Hashes pin[0..len) with a fresh salt into out. secure_init first. MDG_ERR_NOMEM when the
 * 64 MiB could not be had, MDG_ERR_CRYPTO otherwise. */
enum mdg_status pwhash_hash(const char *pin, size_t len, char out[PWHASH_STR_BYTES],
			    struct mdg_err *err);

/* True when pin matches the encoded hash; false for a mismatch or a malformed hash. */
bool pwhash_verify(const char *hash, const char *pin, size_t len);

/* Spends the time of one pwhash_verify against a hash nobody's PIN matches, so that an unknown
 * staff id takes as long to refuse as a wrong PIN. Always "fails". */
void pwhash_verify_dummy(const char *pin, size_t len);

/* True when hash was made with other parameters than the current ones (rehash on next login). */
bool pwhash_needs_rehash(const char *hash);

#endif
