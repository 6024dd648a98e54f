/* SPDX-License-Identifier: MIT */
/* hash: thin wrappers so that no other folder includes sodium.h. */
#include "secure/hash.h"

#include <sodium.h>

_Static_assert(sizeof(struct secure_hash_state) >= sizeof(crypto_generichash_state),
	       "secure_hash_state too small for crypto_generichash_state");

enum mdg_status secure_init(struct mdg_err *err)
{
	if (sodium_init() < 0)
		return mdg_err_set(err, MDG_ERR_CRYPTO, "libsodium failed to initialise");
	return MDG_OK;
}

void secure_hash_begin(struct secure_hash_state *s)
{
	crypto_generichash_init((crypto_generichash_state *)s->opaque, NULL, 0, SECURE_HASH_BYTES);
}

void secure_hash_update(struct secure_hash_state *s, const void *data, size_t n)
{
	crypto_generichash_update((crypto_generichash_state *)s->opaque, data, n);
}

void secure_hash_final(struct secure_hash_state *s, uint8_t out[SECURE_HASH_BYTES])
{
	crypto_generichash_final((crypto_generichash_state *)s->opaque, out, SECURE_HASH_BYTES);
	sodium_memzero(s, sizeof *s);
}

void secure_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

int secure_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}
