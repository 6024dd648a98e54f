/* SPDX-License-Identifier: MIT */
/* keys: the key file format is text, one line per key, current first:
 *     madoguchi-keys 1
 *     <id> <64 hex digits>
 *     <id> <64 hex digits>        (the previous key, optional)
 * The hex text of a key exists only in a locked buffer while the file is read or written. */
#include "secure/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ticketcode.h"

#define KEY_BYTES crypto_kdf_KEYBYTES
#define MAX_KEYS 2
#define HEADER "madoguchi-keys 1\n"
#define SUBKEY_TICKET 1
static const char kdf_context[crypto_kdf_CONTEXTBYTES] = { 'm', 'd', 'g', 't', 'i', 'c', 'k', 't' };
/* Field encryption has a context of its own: no subkey id of one purpose can meet the other's. */
#define SUBKEY_FIELD 1
static const char kdf_field_context[crypto_kdf_CONTEXTBYTES] = { 'm', 'd', 'g', 'f', 'i', 'e', 'l', 'd' };
#define FIELD_KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES

_Static_assert(KEYRING_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(KEYRING_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag size");

struct keyring {
	unsigned id[MAX_KEYS];
	size_t n;
	/* Locked: master keys, then the derived subkeys per purpose. */
	unsigned char (*master)[KEY_BYTES];
	unsigned char (*ticket)[crypto_auth_KEYBYTES];
	unsigned char (*field)[FIELD_KEY_BYTES];
};

void keyring_free(struct keyring **pp)
{
	if (!pp || !*pp)
		return;
	sodium_free((*pp)->master); /* sodium_free wipes before it frees */
	sodium_free((*pp)->ticket);
	sodium_free((*pp)->field);
	free(*pp);
	*pp = NULL;
}

static struct keyring *ring_new(void)
{
	struct keyring *k = calloc(1, sizeof *k);
	if (!k)
		return NULL;
	k->master = sodium_malloc(MAX_KEYS * KEY_BYTES);
	k->ticket = sodium_malloc(MAX_KEYS * crypto_auth_KEYBYTES);
	k->field = sodium_malloc(MAX_KEYS * FIELD_KEY_BYTES);
	if (!k->master || !k->ticket || !k->field) {
		keyring_free(&k);
		return NULL;
	}
	return k;
}

static void derive(struct keyring *k, size_t i)
{
	crypto_kdf_derive_from_key(k->ticket[i], crypto_auth_KEYBYTES, SUBKEY_TICKET, kdf_context,
				   k->master[i]);
	crypto_kdf_derive_from_key(k->field[i], FIELD_KEY_BYTES, SUBKEY_FIELD, kdf_field_context,
				   k->master[i]);
}

/* Reads the whole file (at most 512 bytes) into a locked buffer. */
static enum mdg_status read_locked(const char *path, char **out, struct mdg_err *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return mdg_err_set(err, MDG_ERR_NOT_FOUND,
					   "no site key file at %s (create it with: madoguchi keys init)", path);
		return mdg_err_set(err, MDG_ERR_IO, "site key file %s: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077)) {
		close(fd);
		return mdg_err_set(err, MDG_ERR_INVALID,
				   "site key file %s must be a regular file readable by its owner only"
				   " (chmod 600)", path);
	}
	char *buf = sodium_malloc(513);
	if (!buf) {
		close(fd);
		return mdg_err_set(err, MDG_ERR_NOMEM, "no locked memory for the site key");
	}
	ssize_t n, len = 0;
	while (len < 512 && (n = read(fd, buf + len, (size_t)(512 - len))) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return MDG_OK;
}

enum mdg_status keyring_load(const char *path, struct keyring **out, struct mdg_err *err)
{
	*out = NULL;
	char *text = NULL;
	enum mdg_status rc = read_locked(path, &text, err);
	if (rc)
		return rc;
	struct keyring *k = ring_new();
	if (!k) {
		sodium_free(text);
		return mdg_err_set(err, MDG_ERR_NOMEM, "no locked memory for the site key");
	}
	const char *p = text;
	if (strncmp(p, HEADER, strlen(HEADER)) != 0) {
		rc = mdg_err_set(err, MDG_ERR_INVALID, "%s is not a madoguchi key file", path);
		goto out;
	}
	p += strlen(HEADER);
	while (*p && k->n < MAX_KEYS) {
		char *idend;
		const char *end = p;
		unsigned long id = strtoul(p, &idend, 10);
		size_t bin_len = 0;
		if (idend == p || *idend != ' ' || id < 1 || id > 999 ||
		    sodium_hex2bin(k->master[k->n], KEY_BYTES, idend + 1, 2 * KEY_BYTES, NULL, &bin_len,
				   &end) != 0 ||
		    bin_len != KEY_BYTES || (*end != '\n' && *end != '\0')) {
			rc = mdg_err_set(err, MDG_ERR_INVALID, "%s: key line %zu is damaged", path, k->n + 1);
			goto out;
		}
		k->id[k->n] = (unsigned)id;
		derive(k, k->n);
		k->n++;
		p = *end ? end + 1 : end;
	}
	if (k->n == 0)
		rc = mdg_err_set(err, MDG_ERR_INVALID, "%s holds no key", path);
out:
	sodium_free(text);
	if (rc)
		keyring_free(&k);
	*out = k;
	return rc;
}

/* Writes the ring to path atomically: a 0600 temporary file beside it, fsync, rename, fsync of
 * the folder. */
static enum mdg_status write_ring(const char *path, const struct keyring *k, bool exclusive,
				  struct mdg_err *err)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return mdg_err_set(err, MDG_ERR_INVALID, "key file path too long");
	size_t size = strlen(HEADER) + MAX_KEYS * (4 + 2 * KEY_BYTES + 2) + 1;
	char *text = sodium_malloc(size);
	if (!text)
		return mdg_err_set(err, MDG_ERR_NOMEM, "no locked memory for the site key");
	size_t o = (size_t)snprintf(text, size, "%s", HEADER);
	for (size_t i = 0; i < k->n; i++) {
		o += (size_t)snprintf(text + o, size - o, "%u ", k->id[i]);
		sodium_bin2hex(text + o, size - o, k->master[i], KEY_BYTES);
		o += 2 * KEY_BYTES;
		text[o++] = '\n';
		text[o] = '\0';
	}
	enum mdg_status rc = MDG_OK;
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = mdg_err_set(err, errno == EROFS || errno == EACCES ? MDG_ERR_READONLY : MDG_ERR_IO,
				 "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	size_t done = 0;
	while (done < o) {
		ssize_t w = write(fd, text + done, o - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = mdg_err_set(err, errno == ENOSPC ? MDG_ERR_FULL : MDG_ERR_IO, "cannot write %s: %s",
					 tmp, strerror(errno));
			break;
		}
		done += (size_t)w;
	}
	if (!rc && fsync(fd) != 0)
		rc = mdg_err_set(err, MDG_ERR_IO, "cannot sync %s: %s", tmp, strerror(errno));
	close(fd);
	if (!rc && exclusive && link(tmp, path) != 0) /* link: fails if path appeared meanwhile */
		rc = mdg_err_set(err, errno == EEXIST ? MDG_ERR_STATE : MDG_ERR_IO,
				 "cannot create %s: %s", path, strerror(errno));
	else if (!rc && !exclusive && rename(tmp, path) != 0)
		rc = mdg_err_set(err, MDG_ERR_IO, "cannot replace %s: %s", path, strerror(errno));
	unlink(tmp);
	if (!rc) {
		char dir[4096];
		snprintf(dir, sizeof dir, "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
out:
	sodium_free(text);
	return rc;
}

enum mdg_status keyring_init(const char *path, struct mdg_err *err)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		return mdg_err_set(err, MDG_ERR_STATE,
				   "%s exists: a site key is never overwritten (use madoguchi keys rotate)", path);
	struct keyring *k = ring_new();
	if (!k)
		return mdg_err_set(err, MDG_ERR_NOMEM, "no locked memory for the site key");
	crypto_kdf_keygen(k->master[0]);
	k->id[0] = 1;
	k->n = 1;
	enum mdg_status rc = write_ring(path, k, true, err);
	keyring_free(&k);
	return rc;
}

enum mdg_status keyring_rotate(const char *path, unsigned *new_id, struct mdg_err *err)
{
	struct keyring *k;
	enum mdg_status rc = keyring_load(path, &k, err);
	if (rc)
		return rc;
	/* previous := current; current := fresh */
	memcpy(k->master[1], k->master[0], KEY_BYTES);
	k->id[1] = k->id[0];
	crypto_kdf_keygen(k->master[0]);
	k->id[0] = k->id[1] % 999 + 1;
	k->n = 2;
	rc = write_ring(path, k, false, err);
	if (!rc && new_id)
		*new_id = k->id[0];
	keyring_free(&k);
	return rc;
}

unsigned keyring_current_id(const struct keyring *k)
{
	return k->id[0];
}

int keyring_ticket_mac(void *ring, unsigned key_id, const void *msg, size_t n, uint8_t *tag)
{
	const struct keyring *k = ring;
	for (size_t i = 0; i < k->n; i++) {
		if (k->id[i] != key_id)
			continue;
		unsigned char full[crypto_auth_BYTES];
		crypto_auth(full, msg, n, k->ticket[i]);
		memcpy(tag, full, TICKETCODE_TAG_BYTES);
		sodium_memzero(full, sizeof full);
		return 0;
	}
	return -1;
}

size_t keyring_sealed_size(size_t n)
{
	return (n / KEYRING_PAD_BLOCK + 1) * KEYRING_PAD_BLOCK + KEYRING_TAG_BYTES;
}

enum mdg_status keyring_seal(const struct keyring *k, const void *ad, size_t ad_len,
			     const void *pt, size_t n, unsigned *key_id,
			     uint8_t nonce[KEYRING_NONCE_BYTES], uint8_t *ct, size_t ct_size,
			     size_t *ct_len, struct mdg_err *err)
{
	size_t need = keyring_sealed_size(n);
	if (need < n || ct_size < need)
		return mdg_err_set(err, MDG_ERR_INVALID, "sealed text needs %zu bytes, the buffer has %zu",
				   need, ct_size);
	size_t cap = need - KEYRING_TAG_BYTES, padded = 0;
	unsigned char *buf = sodium_malloc(cap);
	if (!buf)
		return mdg_err_set(err, MDG_ERR_NOMEM, "no locked memory to seal a record");
	if (n)
		memcpy(buf, pt, n);
	if (sodium_pad(&padded, buf, n, KEYRING_PAD_BLOCK, cap) != 0) {
		sodium_free(buf);
		return mdg_err_set(err, MDG_ERR_CRYPTO, "cannot pad a record to seal");
	}
	randombytes_buf(nonce, KEYRING_NONCE_BYTES);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, buf, padded, ad, ad_len, NULL, nonce,
						   k->field[0]);
	sodium_free(buf); /* wipes the padded plaintext */
	*key_id = k->id[0];
	*ct_len = (size_t)clen;
	return MDG_OK;
}

enum mdg_status keyring_open(const struct keyring *k, unsigned key_id,
			     const uint8_t nonce[KEYRING_NONCE_BYTES], const void *ad,
			     size_t ad_len, const void *ct, size_t ct_len, uint8_t **pt,
			     size_t *pt_len, struct mdg_err *err)
{
	*pt = NULL;
	*pt_len = 0;
	size_t slot = k->n;
	for (size_t i = 0; i < k->n; i++)
		if (k->id[i] == key_id)
			slot = i;
	if (slot == k->n)
		return mdg_err_set(err, MDG_ERR_NOT_FOUND,
				   "sealed with key %u, which the site key file no longer holds (rotated out)",
				   key_id);
	if (ct_len < KEYRING_TAG_BYTES + KEYRING_PAD_BLOCK ||
	    (ct_len - KEYRING_TAG_BYTES) % KEYRING_PAD_BLOCK != 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "a sealed text of %zu bytes cannot be valid",
				   ct_len);
	size_t cap = ct_len - KEYRING_TAG_BYTES;
	unsigned char *buf = sodium_malloc(cap + 1);
	if (!buf)
		return mdg_err_set(err, MDG_ERR_NOMEM, "no locked memory to open a record");
	unsigned long long mlen = 0;
	size_t unpadded = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(buf, &mlen, NULL, ct, ct_len, ad, ad_len, nonce,
						       k->field[slot]) != 0) {
		sodium_free(buf);
		return mdg_err_set(err, MDG_ERR_CRYPTO,
				   "sealed record does not authenticate (changed, moved to another row, or"
				   " another key)");
	}
	if (sodium_unpad(&unpadded, buf, (size_t)mlen, KEYRING_PAD_BLOCK) != 0) {
		sodium_free(buf);
		return mdg_err_set(err, MDG_ERR_CRYPTO, "sealed record has no valid padding");
	}
	sodium_memzero(buf + unpadded, cap + 1 - unpadded); /* the padding, and the NUL */
	*pt = buf;
	*pt_len = unpadded;
	return MDG_OK;
}
