/* SPDX-License-Identifier: MIT */
/* cardread: the card reads that commands other than `card` need: the My Number read at the
 * counter for a form that legally needs it (its PIN comes through app/secret.h). Secrets go into the caller's locked memory; the card is unpowered before
 * return on every path. */
#ifndef MDG_APP_CARDREAD_H
#define MDG_APP_CARDREAD_H

#include <stddef.h>

#include "core/status.h"

/* Opens the reader (NULL: the first with a card, waiting up to wait_ms), verifies the PIN under
 * the counter's policy (a clerk beside the resident) and reads the My Number into out (locked
 * memory, 12 digits and NUL). Errors as card read: MDG_ERR_INVALID for a wrong PIN (the message
 * says the tries left), MDG_ERR_STATE when the policy refuses (nothing sent), MDG_ERR_IO for a
 * removed card or a reader problem. Never retries. */
enum mdg_status cardread_my_number(const char *reader, int wait_ms, const char *pin, size_t len,
				   char out[13], struct mdg_err *err);

#endif
