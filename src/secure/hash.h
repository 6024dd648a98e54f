/* SPDX-License-Identifier: MIT */
/* hash: libsodium start-up, the hash of the audit chain (BLAKE2b-256) and random bytes. More of
 * libsodium (locked memory, PIN hashing, MACs, field encryption) joins this folder as it is used. */
#ifndef MDG_SECURE_HASH_H
#define MDG_SECURE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define SECURE_HASH_BYTES 32

/* Initialises libsodium once; safe to call many times. MDG_OK or MDG_ERR_CRYPTO. */
enum mdg_status secure_init(struct mdg_err *err);

/* Incremental hash of several parts. */
struct secure_hash_state {
	unsigned char opaque[384] __attribute__((aligned(64))); /* crypto_generichash_state */
};
void secure_hash_begin(struct secure_hash_state *s);
void secure_hash_update(struct secure_hash_state *s, const void *data, size_t n);
void secure_hash_final(struct secure_hash_state *s, uint8_t out[SECURE_HASH_BYTES]);

/* Fills buf with n unpredictable bytes (secure_init first). */
void secure_random(void *buf, size_t n);

/* Constant-time equality of two buffers of n bytes. */
int secure_equal(const void *a, const void *b, size_t n);

#endif
