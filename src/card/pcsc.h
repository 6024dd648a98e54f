/* SPDX-License-Identifier: MIT */
/* pcsc: the PC/SC transport (pcsc-lite), the only code that includes winscard.h. Opens a
 * context, picks the configured reader (or the first one holding a card), waits for a card
 * (cancellable, and riding out a pcscd restart or a reader plugged in late), connects
 * exclusively, and on close unpowers the card so that no verified PIN outlives the session.
 * PC/SC codes are translated here into clear messages; none escapes this module. It never
 * resends a command by itself: after a reset or a removal the caller starts again. */
#ifndef MDG_CARD_PCSC_H
#define MDG_CARD_PCSC_H

#include <stdbool.h>

#include "card/mynacard.h"
#include "core/status.h"

struct pcsc;

/* Opens the reader named reader (or, when NULL, the first reader with a card) and waits up to
 * wait_ms for a card (0: look once). While waiting it re-establishes the PC/SC context when
 * pcscd goes away and comes back (SCARD_E_NO_SERVICE, _SERVICE_STOPPED, _INVALID_HANDLE,
 * SCARD_F_COMM_ERROR) and re-lists readers when one is plugged in or out, all within the same
 * deadline. The card is connected SCARD_SHARE_EXCLUSIVE for the whole session: no other
 * process can send a command to it, or reset it, while a PIN may be verified (stronger than
 * SCardBeginTransaction, which only serialises sharers). Errors, each with a message:
 * MDG_ERR_IO for pcscd not running, no reader, no card (after the wait; the message contains
 * "no card"), a card that does not answer, another program holding the card;
 * MDG_ERR_CANCELLED when pcsc_cancel() was called before or during the wait.
 * *out: pcsc_close. */
enum mdg_status pcsc_open(const char *reader, int wait_ms, struct pcsc **out, struct mdg_err *err);

/* Unpowers the card (SCardDisconnect with SCARD_UNPOWER_CARD: the card forgets every verified
 * PIN), disconnects and releases the context. Call it on every path, also after an error.
 * NULL-safe; clears the pointer. */
void pcsc_close(struct pcsc **pp);

/* The reader in use (borrowed until pcsc_close). */
const char *pcsc_reader(const struct pcsc *p);

/* Asks every pcsc_open wait of this process, running or to come, to stop at once with
 * MDG_ERR_CANCELLED, and every later transmit to fail the same way before sending anything
 * (a command already at the card finishes first). Async-signal-safe and thread-safe: call it
 * from a SIGINT/SIGTERM handler or from a UI thread. The request stays until
 * pcsc_cancel_clear(). How: it sets an atomic flag and writes one byte to a pipe; a watcher
 * thread started by each waiting pcsc_open sees the byte and calls SCardCancel on the
 * context (pcsc-lite's SCardCancel takes locks, so it is never called from the handler). */
void pcsc_cancel(void);

/* Withdraws a cancel request (for the next card session). Not async-signal-safe. */
void pcsc_cancel_clear(void);

/* True while a cancel request stands. Async-signal-safe. */
bool pcsc_cancelled(void);

/* The transport for struct mynacard (ctx is the struct pcsc). Besides the contract in
 * mynacard.h: after SCARD_W_RESET_CARD (another program reset the card, so its security state
 * is gone) it reconnects the handle with SCARD_LEAVE_CARD and fails with MDG_ERR_IO and a
 * message saying the card was reset; the command is not resent. A cancel request gives
 * MDG_ERR_CANCELLED. */
extern const struct apdu_transport_ops pcsc_transport;

#endif
