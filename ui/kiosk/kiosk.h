/* SPDX-License-Identifier: MIT */
/* kiosk: the resident's self-service flow (DESIGN.md §3.1): attract, language, procedure,
 * card, prefilled form, ticket; then everything is wiped and it starts again. The kiosk does
 * not open the store, the card reader or the printer itself: the application hands it an ops
 * table (the real one in src/app/cmd_kiosk.c, scripted ones in the screen tests). Card data,
 * the PIN and the form's values live in locked memory and are wiped on every way back to the
 * start: finishing, cancelling, the idle timeout, a removed card, SIGTERM. */
#ifndef MDG_UI_KIOSK_KIOSK_H
#define MDG_UI_KIOSK_KIOSK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cardtext.h"
#include "core/config.h"
#include "core/form.h"
#include "core/status.h"
#include "ui/term.h"

/* What the kiosk shows of an issued ticket. */
struct kiosk_ticket {
	char number[16];          /* "A-042" */
	int ahead;                /* people waiting before this ticket */
	int eta_min;              /* estimated wait in minutes, -1 unknown */
	char code[128];           /* the signed ticket code (the QR's text) */
	bool printed;             /* false: the printer failed (the resident is told) */
	char print_error[256];
};

/* The card as the kiosk sees it between polls. */
enum kiosk_card_state {
	KC_NONE,                  /* no card on the reader */
	KC_PRESENT,               /* a card is there */
	KC_READER_ERROR,          /* no reader, or pcscd is not running */
};

struct kiosk_ops {
	void *ctx;
	/* People waiting now per service letter (-1 when unknown). */
	int (*waiting)(void *ctx, const char *letter);
	/* Issues a ticket for service (priority 0 none, else enum ticket_priority) in lang. */
	enum mdg_status (*issue)(void *ctx, const char *service, int priority, const char *lang,
				 struct kiosk_ticket *out, struct mdg_err *err);
	/* Prints it on the terminal's ticket printer (may be NULL: no printer). */
	enum mdg_status (*print)(void *ctx, const struct kiosk_ticket *t, const char *lang,
				 struct mdg_err *err);
	/* Polls the reader without waiting. */
	enum kiosk_card_state (*card_poll)(void *ctx);
	/* Reads the input-support PIN's tries left (no try spent); MDG_ERR_NOT_FOUND for a card
	 * that is not a My Number card, MDG_ERR_IO for a removed card or a reader error. */
	enum mdg_status (*card_tries)(void *ctx, int *tries, struct mdg_err *err);
	/* VERIFY with the PIN (code_b false) or 照合番号B and read basic-4 into out (locked
	 * memory). MDG_ERR_INVALID for a wrong secret (*tries_left set), MDG_ERR_STATE when the
	 * PIN policy refuses (nothing sent), MDG_ERR_IO for a removed card. Never retries. */
	enum mdg_status (*card_read)(void *ctx, bool code_b, const char *secret, size_t len,
				     struct card_basic4 *out, int *tries_left, struct mdg_err *err);
	/* Stores the submission linked to the ticket (may be NULL: nothing stored). */
	enum mdg_status (*submit)(void *ctx, const struct form *f, const struct form_values *v,
				  const char *ticket, const char *lang, struct mdg_err *err);
};

struct kiosk_setup {
	const struct mdg_config *cfg;      /* languages, services, idle timeout (borrowed) */
	const struct form *const *forms;   /* the procedures offered (borrowed) */
	size_t n_forms;
	const struct kiosk_ops *ops;
	const char *first_language;        /* the terminal's language, or NULL (the site's) */
	int ticket_seconds;                /* how long the ticket stays on screen (default 20) */
};

/* Runs the kiosk on t until SIGTERM/SIGHUP (or, outside kiosk mode, SIGINT). Returns 0. */
int kiosk_run(struct term *t, const struct kiosk_setup *setup);

/* For tests and benchmarks: the same kiosk, one event at a time. */
struct kiosk;
enum mdg_status kiosk_open(struct term *t, const struct kiosk_setup *setup, struct kiosk **out,
			   struct mdg_err *err);
bool kiosk_step(struct kiosk *k, int timeout_ms);      /* false when it should end */
const char *kiosk_screen_name(const struct kiosk *k);  /* the top screen's name */
void kiosk_close(struct kiosk **pp);                    /* wipes and frees; NULL-safe */

#endif
