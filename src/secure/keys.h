/* SPDX-License-Identifier: MIT */
/* keys: the site key file and the keys derived from it. The file holds the current master key
 * and the one before it (rotation keeps yesterday's tickets verifiable), each with an id; it is
 * created with mode 0600 and refused when anyone but its owner may read it. Keys live in
 * locked memory (sodium_malloc) and are wiped when the ring is freed. Ticket codes are signed
 * with a subkey derived per purpose (crypto_kdf), never with the master key itself. */
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

#endif
