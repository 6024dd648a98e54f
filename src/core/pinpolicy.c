/* SPDX-License-Identifier: MIT */
/* pinpolicy: the table of pinpolicy.h. */
#include "core/pinpolicy.h"

enum pin_decision pin_policy(enum pin_place where, enum apdu_pin_state state, int tries,
			     int max_tries)
{
	switch (state) {
	case APDU_PIN_VERIFIED:
		return PIN_NOT_NEEDED;
	case APDU_PIN_BLOCKED:
		return PIN_REFUSE_BLOCKED;
	case APDU_PIN_TRIES:
		if (tries <= 0)
			return PIN_REFUSE_BLOCKED;
		if (where == PIN_AT_KIOSK)
			return tries >= max_tries ? PIN_SEND : PIN_REFUSE_NOT_FULL;
		return tries == 1 ? PIN_SEND_LAST_TRY : PIN_SEND;
	case APDU_PIN_UNLIMITED:
	case APDU_PIN_OTHER:
		break;
	}
	return PIN_REFUSE_UNKNOWN;
}

const char *pin_decision_name(enum pin_decision d)
{
	switch (d) {
	case PIN_SEND: return "send";
	case PIN_SEND_LAST_TRY: return "send_last_try";
	case PIN_NOT_NEEDED: return "not_needed";
	case PIN_REFUSE_NOT_FULL: return "refuse_not_full";
	case PIN_REFUSE_BLOCKED: return "refuse_blocked";
	case PIN_REFUSE_UNKNOWN: return "refuse_unknown";
	}
	return "?";
}
