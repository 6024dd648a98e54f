/* SPDX-License-Identifier: MIT */
/* pwhash: Argon2id PIN hashes (crypto_pwhash_str, interactive limits). */
#include "secure/pwhash.h"

#include <errno.h>
#include <sodium.h>

_Static_assert(PWHASH_STR_BYTES == crypto_pwhash_STRBYTES, "PWHASH_STR_BYTES");

/* The hash of 32 random bytes, long forgotten, made with the interactive limits: verifying
 * against it costs what verifying a real staff hash costs. */
static const char dummy_hash[PWHASH_STR_BYTES] =
	"$argon2id$v=19$m=65536,t=2,p=1$CbmZMWrS+GbLxpXvLMsBjA$"
	"BmYUOI6julfo7zELzfE8A4tpA1YgIOlwfod/5DS6ftI";

enum mdg_status pwhash_hash(const char *pin, size_t len, char out[PWHASH_STR_BYTES],
			    struct mdg_err *err)
{
	errno = 0;
	if (crypto_pwhash_str(out, pin, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		out[0] = '\0';
		if (errno == ENOMEM)
			return mdg_err_set(err, MDG_ERR_NOMEM, "no memory for the PIN hash");
		return mdg_err_set(err, MDG_ERR_CRYPTO, "PIN hash failed");
	}
	return MDG_OK;
}

bool pwhash_verify(const char *hash, const char *pin, size_t len)
{
	return hash && crypto_pwhash_str_verify(hash, pin, len) == 0;
}

void pwhash_verify_dummy(const char *pin, size_t len)
{
	volatile int r = crypto_pwhash_str_verify(dummy_hash, pin, len); /* never 0 */
	(void)r;
}

bool pwhash_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}
