/* SPDX-License-Identifier: MIT */
/* pinpolicy: whether a PIN may be sent to a card now, decided in one place from the retry
 * counter (read with the empty VERIFY, which spends no try). The kiosk never becomes the one
 * that locks a card: it sends a PIN only while every try remains. The counter, with a clerk
 * beside the resident, may send one while at least one remains, with a warning at the last.
 * Nothing retries by itself: every VERIFY is one decision by a person. */
#ifndef MDG_CORE_PINPOLICY_H
#define MDG_CORE_PINPOLICY_H

#include "core/apdu.h"

enum pin_place { PIN_AT_KIOSK, PIN_AT_COUNTER };

enum pin_decision {
	PIN_SEND,              /* ask for the PIN and send it */
	PIN_SEND_LAST_TRY,     /* counter only: one try left; warn before sending */
	PIN_NOT_NEEDED,        /* already verified in this card session */
	PIN_REFUSE_NOT_FULL,   /* kiosk: a try was spent before; offer 照合番号B or staff help */
	PIN_REFUSE_BLOCKED,    /* no try left: only the municipal counter can reset it */
	PIN_REFUSE_UNKNOWN,    /* the card's answer does not say: do not risk a try */
};

/* The decision for a key whose counter answer was state/tries and whose maximum is max_tries
 * (3 for the input-support PIN and the JPKI authentication PIN, 5 for the signing password). */
enum pin_decision pin_policy(enum pin_place where, enum apdu_pin_state state, int tries,
			     int max_tries);

/* A stable name ("send", "refuse_blocked", ...). */
const char *pin_decision_name(enum pin_decision d);

#endif
