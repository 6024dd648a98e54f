/* SPDX-License-Identifier: MIT */
/* Unit tests of field encryption (secure/keys.c: keyring_seal, keyring_open): round trips,
 * associated data, every byte tampered, key rotation, fresh nonces, padding, and the
 * construction itself checked against libsodium directly (crypto_kdf context "mdgfield",
 * subkey 1, XChaCha20-Poly1305 IETF, ISO/IEC 7816-4 padding to 64 bytes). */
#include "testutil.h"

#include <sodium.h>
#include <sys/stat.h>

#include "secure/hash.h"
#include "secure/keys.h"
#include "secure/mem.h"

static const char AD1[] = "row 1", AD2[] = "row 2";
static const char PT[] = "テスト\xe3\x80\x80髙𠮷ユニーク|PURGE-MARKER";

static bool has_bytes(const uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

struct fx {
	char *dir;
	char path[600];
	struct keyring *k;
};

static int setup(void **state)
{
	struct mdg_err err = { 0 };
	assert_int_equal(secure_init(&err), MDG_OK);
	struct fx *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	snprintf(f->path, sizeof f->path, "%s/site.key", f->dir);
	assert_int_equal(keyring_init(f->path, &err), MDG_OK);
	assert_int_equal(keyring_load(f->path, &f->k, &err), MDG_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	keyring_free(&f->k);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

struct sealed {
	unsigned key_id;
	uint8_t nonce[KEYRING_NONCE_BYTES];
	uint8_t ct[512];
	size_t len;
};

static struct sealed seal(const struct keyring *k, const char *ad, const void *pt, size_t n)
{
	struct sealed s = { 0 };
	struct mdg_err err = { 0 };
	assert_true(keyring_sealed_size(n) <= sizeof s.ct);
	assert_int_equal(keyring_seal(k, ad, strlen(ad), pt, n, &s.key_id, s.nonce, s.ct, sizeof s.ct,
				      &s.len, &err), MDG_OK);
	assert_int_equal(s.len, keyring_sealed_size(n));
	return s;
}

static enum mdg_status open_it(const struct keyring *k, const struct sealed *s, const char *ad,
			       uint8_t **pt, size_t *n)
{
	struct mdg_err err = { 0 };
	enum mdg_status rc = keyring_open(k, s->key_id, s->nonce, ad, strlen(ad), s->ct, s->len, pt, n,
					  &err);
	if (rc) {
		assert_null(*pt);
		assert_true(err.msg[0] != '\0');
	}
	return rc;
}

static void round_trip(void **state)
{
	struct fx *f = *state;
	struct sealed s = seal(f->k, AD1, PT, strlen(PT));
	assert_int_equal(s.key_id, 1);
	assert_false(has_bytes(s.ct, s.len, "PURGE-MARKER")); /* not in the clear */
	uint8_t *pt = NULL;
	size_t n = 0;
	assert_int_equal(open_it(f->k, &s, AD1, &pt, &n), MDG_OK);
	assert_int_equal(n, strlen(PT));
	assert_memory_equal(pt, PT, n);
	assert_int_equal(pt[n], '\0'); /* terminated for the parser */
	secure_free(pt);
	/* An empty plaintext seals to one block and opens to nothing. */
	s = seal(f->k, AD1, "", 0);
	assert_int_equal(s.len, KEYRING_PAD_BLOCK + KEYRING_TAG_BYTES);
	assert_int_equal(open_it(f->k, &s, AD1, &pt, &n), MDG_OK);
	assert_int_equal(n, 0);
	secure_free(pt);
}

static void padding_hides_lengths(void **state)
{
	struct fx *f = *state;
	assert_int_equal(keyring_sealed_size(0), 80);
	assert_int_equal(keyring_sealed_size(63), 80);
	assert_int_equal(keyring_sealed_size(64), 144);
	assert_int_equal(keyring_sealed_size(127), 144);
	/* Names of 5 and 40 bytes seal to the same size. */
	assert_int_equal(seal(f->k, AD1, "Sato", 4).len, seal(f->k, AD1, "Takahashi-Nakamura-Yamamoto-Watanabe", 36).len);
	struct sealed s;
	struct mdg_err err = { 0 };
	assert_int_equal(keyring_seal(f->k, AD1, 5, PT, 64, &s.key_id, s.nonce, s.ct, 143, &s.len, &err),
			 MDG_ERR_INVALID);
}

static void wrong_row_fails(void **state)
{
	struct fx *f = *state;
	struct sealed s = seal(f->k, AD1, PT, strlen(PT));
	uint8_t *pt = (uint8_t *)"not touched";
	size_t n = 7;
	assert_int_equal(open_it(f->k, &s, AD2, &pt, &n), MDG_ERR_CRYPTO);
	assert_int_equal(n, 0);
	assert_int_equal(open_it(f->k, &s, "", &pt, &n), MDG_ERR_CRYPTO);
	/* Another row's nonce with this row's text: also refused. */
	struct sealed t = seal(f->k, AD1, PT, strlen(PT));
	memcpy(s.nonce, t.nonce, sizeof s.nonce);
	assert_int_equal(open_it(f->k, &s, AD1, &pt, &n), MDG_ERR_CRYPTO);
}

static void every_tampered_byte_fails(void **state)
{
	struct fx *f = *state;
	struct sealed s = seal(f->k, AD1, PT, strlen(PT));
	uint8_t *pt = NULL;
	size_t n;
	for (size_t i = 0; i < s.len; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			struct sealed t = s;
			t.ct[i] ^= (uint8_t)(1u << bit);
			if (open_it(f->k, &t, AD1, &pt, &n) != MDG_ERR_CRYPTO)
				fail_msg("byte %zu bit %d changed and still opened", i, bit);
		}
	}
	for (size_t i = 0; i < KEYRING_NONCE_BYTES; i++) {
		struct sealed t = s;
		t.nonce[i] ^= 0x01;
		assert_int_equal(open_it(f->k, &t, AD1, &pt, &n), MDG_ERR_CRYPTO);
	}
	/* Cut short by a block (a text of two blocks), or by a byte, or lengthened. */
	char longer[100];
	memset(longer, 'x', sizeof longer);
	struct sealed t = seal(f->k, AD1, longer, sizeof longer);
	assert_int_equal(t.len, 2 * KEYRING_PAD_BLOCK + KEYRING_TAG_BYTES);
	t.len -= KEYRING_PAD_BLOCK;
	assert_int_equal(open_it(f->k, &t, AD1, &pt, &n), MDG_ERR_CRYPTO);
	t.len = s.len - 1;
	assert_int_equal(open_it(f->k, &t, AD1, &pt, &n), MDG_ERR_INVALID);
	t.len = KEYRING_TAG_BYTES;
	assert_int_equal(open_it(f->k, &t, AD1, &pt, &n), MDG_ERR_INVALID);
	t = s;
	t.len = s.len + KEYRING_PAD_BLOCK;
	assert_int_equal(open_it(f->k, &t, AD1, &pt, &n), MDG_ERR_CRYPTO);
	/* The untouched one still opens: the failures above were the tampering. */
	assert_int_equal(open_it(f->k, &s, AD1, &pt, &n), MDG_OK);
	secure_free(pt);
}

static void nonce_differs_per_sealing(void **state)
{
	struct fx *f = *state;
	enum { N = 2000 };
	static uint8_t nonces[N][KEYRING_NONCE_BYTES];
	struct sealed first = seal(f->k, AD1, PT, strlen(PT));
	for (int i = 0; i < N; i++) {
		struct sealed s = seal(f->k, AD1, PT, strlen(PT));
		memcpy(nonces[i], s.nonce, KEYRING_NONCE_BYTES);
		assert_int_equal(s.len, first.len);
		assert_memory_not_equal(s.ct, first.ct, s.len); /* same text, same row: new bytes */
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			if (memcmp(nonces[i], nonces[j], KEYRING_NONCE_BYTES) == 0)
				fail_msg("nonce %d repeats %d", i, j);
}

static void rotation_keeps_old_rows(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	struct sealed old = seal(f->k, AD1, PT, strlen(PT));
	unsigned id = 0;
	assert_int_equal(keyring_rotate(f->path, &id, &err), MDG_OK);
	assert_int_equal(id, 2);
	struct keyring *k2 = NULL;
	assert_int_equal(keyring_load(f->path, &k2, &err), MDG_OK);
	uint8_t *pt = NULL;
	size_t n;
	assert_int_equal(open_it(k2, &old, AD1, &pt, &n), MDG_OK); /* yesterday's row */
	assert_memory_equal(pt, PT, n);
	secure_free(pt);
	struct sealed now = seal(k2, AD1, PT, strlen(PT));
	assert_int_equal(now.key_id, 2);
	/* The old ring does not know key 2: not found, not a crypto failure. */
	assert_int_equal(open_it(f->k, &now, AD1, &pt, &n), MDG_ERR_NOT_FOUND);
	/* A sealed text relabelled with the other key's id does not open. */
	struct sealed relabelled = old;
	relabelled.key_id = 2;
	assert_int_equal(open_it(k2, &relabelled, AD1, &pt, &n), MDG_ERR_CRYPTO);
	keyring_free(&k2);
	/* Rotated out twice: key 1 is gone. */
	assert_int_equal(keyring_rotate(f->path, &id, &err), MDG_OK);
	assert_int_equal(keyring_load(f->path, &k2, &err), MDG_OK);
	assert_int_equal(open_it(k2, &old, AD1, &pt, &n), MDG_ERR_NOT_FOUND);
	assert_int_equal(open_it(k2, &now, AD1, &pt, &n), MDG_OK);
	secure_free(pt);
	keyring_free(&k2);
}

/* The construction, rebuilt from libsodium with a known master key. */
static void construction_matches_libsodium(void **state)
{
	struct fx *f = *state;
	struct mdg_err err = { 0 };
	char path[700];
	snprintf(path, sizeof path, "%s/known.key", f->dir);
	unsigned char master[crypto_kdf_KEYBYTES];
	for (size_t i = 0; i < sizeof master; i++)
		master[i] = (unsigned char)(i * 7 + 1);
	char hex[2 * sizeof master + 1];
	sodium_bin2hex(hex, sizeof hex, master, sizeof master);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "madoguchi-keys 1\n7 %s\n", hex);
	fclose(fp);
	chmod(path, 0600);
	struct keyring *k = NULL;
	assert_int_equal(keyring_load(path, &k, &err), MDG_OK);
	struct sealed s = seal(k, AD1, PT, strlen(PT));
	assert_int_equal(s.key_id, 7);
	keyring_free(&k);

	unsigned char sub[crypto_aead_xchacha20poly1305_ietf_KEYBYTES], ticket[crypto_auth_KEYBYTES];
	assert_int_equal(crypto_kdf_derive_from_key(sub, sizeof sub, 1, "mdgfield", master), 0);
	assert_int_equal(crypto_kdf_derive_from_key(ticket, sizeof ticket, 1, "mdgtickt", master), 0);
	assert_memory_not_equal(sub, ticket, sizeof sub); /* its own subkey, not the ticket MAC's */
	unsigned char out[512];
	unsigned long long mlen = 0;
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL, s.ct, s.len,
		(const unsigned char *)AD1, strlen(AD1), s.nonce, sub), 0);
	assert_int_equal(mlen % KEYRING_PAD_BLOCK, 0);
	size_t n = 0;
	assert_int_equal(sodium_unpad(&n, out, (size_t)mlen, KEYRING_PAD_BLOCK), 0);
	assert_int_equal(n, strlen(PT));
	assert_memory_equal(out, PT, n);
	/* The master key itself does not open it. */
	assert_int_not_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL, s.ct, s.len,
		(const unsigned char *)AD1, strlen(AD1), s.nonce, master), 0);
	sodium_memzero(out, sizeof out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(padding_hides_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_row_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(every_tampered_byte_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(nonce_differs_per_sealing, setup, teardown),
		cmocka_unit_test_setup_teardown(rotation_keeps_old_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(construction_matches_libsodium, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
