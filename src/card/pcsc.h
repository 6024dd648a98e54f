/* SPDX-License-Identifier: MIT */
/* pcsc: the PC/SC transport (pcsc-lite), the only code that includes winscard.h. Opens a
 * context, picks the configured reader (or the first one holding a card), waits for a card,
 * connects exclusively with T=1, and on close unpowers the card so that no verified PIN
 * outlives the session. PC/SC codes are translated here into clear messages. */
#ifndef MDG_CARD_PCSC_H
#define MDG_CARD_PCSC_H

#include "card/mynacard.h"
#include "core/status.h"

struct pcsc;

/* Opens the reader named reader (or, when NULL, the first reader with a card) and waits up to
 * wait_ms for a card. MDG_ERR_IO with a message for: pcscd not running, no reader, no card
 * (after the wait), a card that cannot be powered. *out: pcsc_close. */
enum mdg_status pcsc_open(const char *reader, int wait_ms, struct pcsc **out, struct mdg_err *err);

/* Unpowers the card, disconnects and releases the context. NULL-safe; clears the pointer. */
void pcsc_close(struct pcsc **pp);

/* The reader in use (borrowed). */
const char *pcsc_reader(const struct pcsc *p);

/* The transport for struct mynacard (ctx is the struct pcsc). */
extern const struct apdu_transport_ops pcsc_transport;

#endif
